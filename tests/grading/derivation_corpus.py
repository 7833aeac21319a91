"""A labelled corpus of student derivations of the bank's eight derivation questions.

Each case: the question (with the parameter values its numbers come from), the expected kind of
every step (E equal, S same minimiser, M monotone transform, X invalid, U invalid or undecided:
never valid), optionally the misconception the first broken step must be named as (``X:name``),
and a reason. Valid derivations come in several notations and orders (Σ_i, sum(…, i, 1, m),
\\sum_{i=1}^m, Unicode and LaTeX names, connectors, argmin) and in one or several steps; invalid
ones cover every kind of broken step, subtle ones included (a σ-term dropped when σ is learned, a
per-example weight lost, a sign flipped inside a log, a penalty counted per example).
"""

from __future__ import annotations

from dataclasses import dataclass

#: the parameter values of each question's variant in the corpus
PARAMS = {
    "gaussian_mse_derivation": {"sd": "2"},  # 2σ² = 8
    "gaussian_sigma_learned_derivation": {"b": "0.5"},
    "bernoulli_bce_derivation": {"w": "3"},
    "kl_cross_entropy_derivation": {"eps": "0.1"},
    "sigmoid_mse_gradient_derivation": {"b": "1"},
    "softmax_gradient_derivation": {"T": "2"},
    "map_l2_derivation": {"sd": "0.5", "tau": "2"},  # 2σ² = 0.5, 2τ² = 8, λ = 1/16
    "laplace_mae_derivation": {"b": "2"},
}


@dataclass(frozen=True)
class Case:
    question: str
    labels: tuple[str, ...]
    reason: str
    text: str

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(label.split(":")[0] for label in self.labels)

    @property
    def misconception(self) -> str | None:
        named = [label.split(":", 1)[1] for label in self.labels if ":" in label]
        return named[0] if named else None


def _cases(question: str, rows: list[tuple[str, str, str]]) -> list[Case]:
    return [Case(question, tuple(labels.split()), reason, text.strip()) for labels, reason, text in rows]


GAUSS = "exp(-(y_i - ŷ_i)^2/8)/sqrt(8π)"
LOGLIK = f"max Σ_i log({GAUSS})"

GAUSSIAN_MSE = _cases("gaussian_mse_derivation", [
    ("M E M S S", "the model derivation: log, algebra, negate, drop the constant and scale, divide by m", f"""
{LOGLIK}
= Σ_i (-(y_i - ŷ_i)^2/8 - log(sqrt(8π)))
min Σ_i (y_i - ŷ_i)^2/8 + m log(sqrt(8π))
∝ Σ_i (y_i - ŷ_i)^2
(1/m) Σ_i (y_i - ŷ_i)^2"""),
    ("M E M S", "LaTeX throughout: \\sum with limits, \\hat, \\frac, \\log without parentheses", r"""
\max \sum_{i=1}^m \log\left(\frac{1}{\sqrt{8\pi}} \exp\left(-\frac{(y_i-\hat{y}_i)^2}{8}\right)\right)
= \sum_{i=1}^m \left(-\frac{(y_i-\hat y_i)^2}{8} - \frac{1}{2}\log(8\pi)\right)
\min \sum_{i=1}^m \frac{(y_i - \hat y_i)^2}{8}
\min \sum_{i=1}^m (y_i - \hat y_i)^2"""),
    ("M M", "two big steps: the log-likelihood, then the squared error (negate, drop a constant, scale by 8)", f"""
{LOGLIK}
min Σ_i (y_i - ŷ_i)^2"""),
    ("M M S", "ASCII sum(), the log of the product written out directly, terms reordered", """
max sum(-(y_i - y_hat_i)^2/8, i, 1, m) - m*log(sqrt(8*pi))
min m*log(sqrt(8*pi)) + sum((y_hat_i - y_i)^2, i, 1, m)/8
min sum((y_hat_i - y_i)^2, i)"""),
    ("M M", "Unicode minus, superscripts and √; straight to the MSE", """
max Σ_i −(y_i − ŷ_i)²/8 − m·log(√(8π))
min (1/m)·Σ_i (y_i − ŷ_i)²"""),
    ("S E M", "drop the constant factor of the product first (a positive multiple), then exp of a sum, then log and negate", """
max Π_i exp(-(y_i - ŷ_i)^2/8)
= exp(-Σ_i (y_i - ŷ_i)^2/8)
min Σ_i (y_i - ŷ_i)^2"""),
    ("M M S", "argmax / argmin words with subscripts", f"""
argmax_{{ŷ}} Σ_i log({GAUSS})
argmin_ŷ Σ_i (y_i - ŷ_i)^2/8 + m/2 log(8π)
argmin_ŷ Σ_i (y_i - ŷ_i)^2"""),
    ("M M", "negated and scaled by 1/(2m) in one step", f"""
{LOGLIK}
min Σ_i (y_i - ŷ_i)^2/(2m) + 17"""),
    ("M E M E", "index j and the same-minimiser connector; the last line expands the square", f"""
max Σ_j log(exp(-(y_j - ŷ_j)^2/8)/sqrt(8π))
= Σ_j (-(y_j - ŷ_j)^2/8) - m log(sqrt(8π))
same minimiser: min Σ_j (y_j - ŷ_j)^2/8
= Σ_j (y_j^2 - 2 y_j ŷ_j + ŷ_j^2)/8"""),
    ("M M", "one line per equation with '=' inside: the second line changes the problem", f"""
{LOGLIK}
min Σ_i (y_i - ŷ_i)^2/8 + m log(sqrt(8π))"""),
    ("M S", "the wrong constant is still a constant: valid", f"""
{LOGLIK}
max Σ_i (-(y_i - ŷ_i)^2/8 + log(sqrt(8π)) + 5)"""),
    ("M X:sign_flip", "the sign changes but the problem stays a maximum", f"""
{LOGLIK}
Σ_i (y_i - ŷ_i)^2/8 + m log(sqrt(8π))"""),
    ("M X:switch_without_negation", "max switched to min without negating", f"""
{LOGLIK}
min Σ_i -(y_i - ŷ_i)^2/8"""),
    ("X:sum_of_densities", "the log of a product taken as the sum of the factors", """
max Σ_i exp(-(y_i - ŷ_i)^2/8)/sqrt(8π)"""),
    ("M X:absolute_error", "absolute errors: the Laplace noise model, not this one", f"""
{LOGLIK}
min Σ_i |y_i - ŷ_i|"""),
    ("M X:unsquared_residual", "the square lost", f"""
{LOGLIK}
min Σ_i (y_i - ŷ_i)"""),
    ("M X", "the square of the sum: equal to the sum of squares only for m = 1", f"""
{LOGLIK}
min (Σ_i (y_i - ŷ_i))^2"""),
    ("X", "the log of a sum is not the sum of the logs", """
max log(Σ_i exp(-(y_i - ŷ_i)^2/8))"""),
    ("M X", "the square inside the exponent dropped", f"""
{LOGLIK}
max Σ_i -(y_i - ŷ_i)/8"""),
    ("M X", "a per-example weight y_i² appears from nowhere", f"""
{LOGLIK}
min Σ_i y_i^2 (y_i - ŷ_i)^2"""),
    ("X:undefined", "a sign flipped inside the log: the log of a negative number", """
max Σ_i log(-exp(-(y_i - ŷ_i)^2/8)/sqrt(8π))"""),
    ("M X", "the square expanded wrongly", f"""
{LOGLIK}
min Σ_i (y_i^2 - ŷ_i^2)"""),
    ("M M U", "a parameter-dependent change of 1e-9: never accepted", f"""
{LOGLIK}
min Σ_i (y_i - ŷ_i)^2
Σ_i (y_i - ŷ_i)^2 + 1e-9 Σ_i ŷ_i"""),
    ("M X", "the mean residual squared", f"""
{LOGLIK}
min ((1/m) Σ_i (y_i - ŷ_i))^2"""),
    ("M X", "a term −Σŷᵢ² added: depends on the parameters", f"""
{LOGLIK}
min Σ_i (y_i - ŷ_i)^2 - Σ_i ŷ_i^2"""),
    ("M S X:sign_flip", "right to the squared error, then negated without switching", f"""
{LOGLIK}
max -Σ_i (y_i - ŷ_i)^2
Σ_i (y_i - ŷ_i)^2"""),
])

SIG = "exp(-(y_i - ŷ_i - 0.5)^2/(2σ^2))/sqrt(2πσ^2)"
R2 = "(y_i - ŷ_i - 0.5)^2"
SIGMA_LEARNED = _cases("gaussian_sigma_learned_derivation", [
    ("M E M S", "the model derivation: only m/2 log 2π is dropped", f"""
max Σ_i log({SIG})
max -Σ_i {R2}/(2σ^2) - m log σ - m log(2π)/2
min Σ_i {R2}/(2σ^2) + m log σ + m/2 log(2π)
min m log σ + Σ_i {R2}/(2σ^2)"""),
    ("M M S", "scaled by 2 (a constant, not 2σ²)", f"""
max Σ_i log({SIG})
min Σ_i {R2}/(2σ^2) + m log σ + m/2 log(2π)
min 2 m log σ + Σ_i {R2}/σ^2"""),
    ("M M E", "log σ² instead of 2 log σ", f"""
max Σ_i log({SIG})
min m log σ + Σ_i {R2}/(2σ^2)
= (m/2) log(σ^2) + Σ_i {R2}/(2σ^2)"""),
    ("M M", "per-example form", f"""
max Σ_i (-{R2}/(2σ^2) - log(σ √(2π)))
min Σ_i (log σ + {R2}/(2σ^2))"""),
    ("M M", "residual written the other way round, LaTeX", r"""
\max \sum_{i=1}^{m} \log\frac{e^{-(\hat y_i + 0.5 - y_i)^2/(2\sigma^2)}}{\sqrt{2\pi\sigma^2}}
\min m \log\sigma + \frac{1}{2\sigma^2}\sum_{i=1}^{m} (\hat y_i + 0.5 - y_i)^2"""),
    ("M M S", "mean over examples", f"""
max Σ_i log({SIG})
min Σ_i (log σ + {R2}/(2σ^2))
min log σ + (1/m) Σ_i {R2}/(2σ^2)"""),
    ("M M X:dropped_log_sigma", "m log σ dropped although σ is learned", f"""
max Σ_i log({SIG})
min Σ_i {R2}/(2σ^2) + m log σ + m/2 log(2π)
min Σ_i {R2}/(2σ^2)"""),
    ("M M X:treated_sigma_as_fixed", "σ treated as fixed: scaled by 2σ² and the log dropped", f"""
max Σ_i log({SIG})
min Σ_i {R2}/(2σ^2) + m log σ + m/2 log(2π)
min Σ_i {R2}"""),
    ("M M X", "multiplied by 2σ², which depends on σ", f"""
max Σ_i log({SIG})
min m log σ + Σ_i {R2}/(2σ^2)
min 2σ^2 m log σ + Σ_i {R2}"""),
    ("M X:sign_flip", "negated without switching", f"""
max Σ_i log({SIG})
Σ_i {R2}/(2σ^2) + m log σ"""),
    ("M M X:dropped_log_sigma", "the σ-term dropped from the per-example form, the constant kept", f"""
max Σ_i log({SIG})
min Σ_i (log σ + {R2}/(2σ^2)) + m/2 log(2π)
min Σ_i {R2}/(2σ^2) + m/2 log(2π)"""),
    ("M M X", "the sensor offset lost", f"""
max Σ_i log({SIG})
min m log σ + Σ_i {R2}/(2σ^2)
min m log σ + Σ_i (y_i - ŷ_i)^2/(2σ^2)"""),
    ("M M X", "log σ² with the factor 1/2 forgotten: 2m log σ against Σ/(2σ²)", f"""
max Σ_i log({SIG})
min m log σ + Σ_i {R2}/(2σ^2)
min m log(σ^2) + Σ_i {R2}/(2σ^2)"""),
    ("M M X", "σ² multiplies instead of divides", f"""
max Σ_i log({SIG})
min m log σ + Σ_i {R2}/(2σ^2)
min m log σ + σ^2 Σ_i {R2}/2"""),
    ("M M X", "the count m of the log σ term lost: log σ once instead of m times", f"""
max Σ_i log({SIG})
min m log σ + Σ_i {R2}/(2σ^2)
min log σ + Σ_i {R2}/(2σ^2)"""),
    ("M M X", "the factor 1/2 dropped from one term only", f"""
max Σ_i log({SIG})
min m log σ + Σ_i {R2}/(2σ^2)
min m log σ + Σ_i {R2}/σ^2"""),
    ("M M X", "a sign changed inside the sum", f"""
max Σ_i log({SIG})
min m log σ + Σ_i {R2}/(2σ^2)
min m log σ - Σ_i {R2}/(2σ^2)"""),
    ("M X", "log of the standard deviation taken as log of the variance in the density", f"""
max Σ_i log({SIG})
max Σ_i (-{R2}/(2σ^2) - log(σ^2) - log(2π)/2)"""),
    ("M M X", "divided by σ: a parameter", f"""
max Σ_i log({SIG})
min m log σ + Σ_i {R2}/(2σ^2)
min m log(σ)/σ + Σ_i {R2}/(2σ^3)"""),
    ("M M M", "a monotone transform of the whole loss (exp) is still valid", f"""
max Σ_i log({SIG})
min m log σ + Σ_i {R2}/(2σ^2)
min σ^m exp(Σ_i {R2}/(2σ^2))"""),
])

B_LIK = "ŷ_i^(3 y_i) (1 - ŷ_i)^(1 - y_i)"
WBCE = "-Σ_i (3 y_i log ŷ_i + (1 - y_i) log(1 - ŷ_i))"
BERNOULLI = _cases("bernoulli_bce_derivation", [
    ("M E M S", "the model derivation", f"""
max Σ_i log({B_LIK})
= Σ_i (3 y_i log ŷ_i + (1 - y_i) log(1 - ŷ_i))
min {WBCE}
min (1/m) ({WBCE})"""),
    ("M M", "log-likelihood written out directly, then negated", f"""
max Σ_i (3 y_i log(ŷ_i) + (1 - y_i) log(1 - ŷ_i))
min {WBCE}"""),
    ("M M", "two sums, ASCII", """
max sum(3*y_i*log(y_hat_i), i, 1, m) + sum((1 - y_i)*log(1 - y_hat_i), i, 1, m)
min -3*sum(y_i*log(y_hat_i), i) - sum((1 - y_i)*log(1 - y_hat_i), i)"""),
    ("E M M", "binary labels: the product of y ŷ³ + (1 − y)(1 − ŷ) equals the likelihood when y ∈ {0, 1}", f"""
max Π_i (y_i ŷ_i^3 + (1 - y_i)(1 - ŷ_i))
max Σ_i log(y_i ŷ_i^3 + (1 - y_i)(1 - ŷ_i))
min {WBCE}"""),
    ("M M", "LaTeX", r"""
\max \sum_{i=1}^m \left(3 y_i \log \hat y_i + (1-y_i)\log(1-\hat y_i)\right)
\min -\frac{1}{m}\sum_{i=1}^m \left(3 y_i \log \hat y_i + (1-y_i)\log(1-\hat y_i)\right)"""),
    ("M E", "the log of ŷ³ kept as such", f"""
max Σ_i log({B_LIK})
= Σ_i (y_i log(ŷ_i^3) + (1 - y_i) log(1 - ŷ_i))"""),
    ("M M X:dropped_negative_class", "the negative class's term dropped", f"""
max Σ_i log({B_LIK})
min {WBCE}
min -Σ_i 3 y_i log ŷ_i"""),
    ("M X:squared_error", "the squared error instead", f"""
max Σ_i log({B_LIK})
min Σ_i (y_i - ŷ_i)^2"""),
    ("M M X:lost_class_weight", "the class weight dropped as if it were a constant factor", f"""
max Σ_i log({B_LIK})
min {WBCE}
min -Σ_i (y_i log ŷ_i + (1 - y_i) log(1 - ŷ_i))"""),
    ("M X:sign_flip", "negated without switching", f"""
max Σ_i log({B_LIK})
{WBCE}"""),
    ("M X:switch_without_negation", "switched without negating", f"""
max Σ_i log({B_LIK})
min Σ_i (3 y_i log ŷ_i + (1 - y_i) log(1 - ŷ_i))"""),
    ("M M X", "the weight moved to the wrong class", f"""
max Σ_i log({B_LIK})
min {WBCE}
min -Σ_i (y_i log ŷ_i + 3 (1 - y_i) log(1 - ŷ_i))"""),
    ("M M X", "the classes swapped inside the logs", f"""
max Σ_i log({B_LIK})
min {WBCE}
min -Σ_i (3 y_i log(1 - ŷ_i) + (1 - y_i) log ŷ_i)"""),
    ("M M X", "the weight applied to both terms: a multiple of the unweighted loss", f"""
max Σ_i log({B_LIK})
min {WBCE}
min -3 Σ_i (y_i log ŷ_i + (1 - y_i) log(1 - ŷ_i))"""),
    ("M X", "log(1 + ŷ) instead of log(1 − ŷ)", f"""
max Σ_i log({B_LIK})
max Σ_i (3 y_i log ŷ_i + (1 - y_i) log(1 + ŷ_i))"""),
    ("M M X:undefined", "a sign flipped inside a log: log(ŷ − 1) has no value for ŷ < 1", f"""
max Σ_i log({B_LIK})
min {WBCE}
min -Σ_i (3 y_i log ŷ_i + (1 - y_i) log(ŷ_i - 1))"""),
    ("M M X", "the log dropped from one term", f"""
max Σ_i log({B_LIK})
min {WBCE}
min -Σ_i (3 y_i ŷ_i + (1 - y_i) log(1 - ŷ_i))"""),
    ("M M S", "divided by the number of examples and the weight: still a positive multiple", f"""
max Σ_i log({B_LIK})
min {WBCE}
min -(1/(3m)) Σ_i (3 y_i log ŷ_i + (1 - y_i) log(1 - ŷ_i))"""),
    ("X", "the likelihood's exponents moved to factors: y(1 − y) is 0 for every label", f"""
max Π_i (3 y_i ŷ_i (1 - y_i)(1 - ŷ_i))"""),
    ("M M X", "a per-example weight lost: the labels dropped from the first term", f"""
max Σ_i log({B_LIK})
min {WBCE}
min -Σ_i (3 log ŷ_i + (1 - y_i) log(1 - ŷ_i))"""),
])

T = "(0.9 p_k + 0.1/K)"
KL = _cases("kl_cross_entropy_derivation", [
    ("E E S", "the model derivation with t_k", """
min Σ_k (t_k log t_k - t_k log q_k)
min Σ_k t_k log t_k - Σ_k t_k log q_k
min -Σ_k t_k log q_k"""),
    ("S", "straight to the cross-entropy: the entropy of t is constant", """
min -Σ_k t_k log q_k"""),
    ("E S", "log(1/q)", """
= Σ_k t_k log t_k + Σ_k t_k log(1/q_k)
∝ Σ_k t_k log(1/q_k)"""),
    ("S E", "t written out", f"""
min -Σ_k {T} log q_k
= -0.9 Σ_k p_k log q_k - (0.1/K) Σ_k log q_k"""),
    ("S M", "negated: max Σ t log q", """
min -Σ_k t_k log q_k
max Σ_k t_k log q_k"""),
    ("S S", "bits: dividing by log 2 is a positive multiple", """
min -Σ_k t_k log q_k
min -Σ_k t_k log2(q_k)"""),
    ("S", "LaTeX with limits and index j", r"""
\min -\sum_{j=1}^{K} t_j \log q_j"""),
    ("E S", "the KL written with a minus inside", """
min -Σ_k t_k log(q_k/t_k)
min -Σ_k t_k log(q_k)"""),
    ("X:kept_entropy_dropped_cross_entropy", "kept the entropy, dropped the cross-entropy", """
min Σ_k t_k log t_k"""),
    ("X:reversed_kl", "the other direction of the divergence", """
min Σ_k q_k log(q_k/t_k)"""),
    ("E X:sign_flip", "negated without switching", """
min Σ_k t_k log t_k - Σ_k t_k log q_k
Σ_k t_k log q_k"""),
    ("X:unsmoothed_targets", "the smoothing dropped", """
min -Σ_k p_k log q_k"""),
    ("S X:unsmoothed_targets", "dropped the uniform part −(0.1/K) Σ log q_k, which depends on q: what is left is the unsmoothed loss", f"""
min -Σ_k {T} log q_k
min -0.9 Σ_k p_k log q_k"""),
    ("X", "entropy of the model instead", """
min Σ_k q_k log q_k"""),
    ("S X", "the weights t_k lost from the sum", """
min -Σ_k t_k log q_k
min -Σ_k log q_k"""),
    ("X", "no log", """
min -Σ_k t_k q_k"""),
    ("E E X", "split, then the log of a sum", """
min Σ_k (t_k log t_k - t_k log q_k)
min Σ_k t_k log t_k - Σ_k t_k log q_k
min -log(Σ_k t_k q_k)"""),
    ("X", "the ratio inverted", """
min Σ_k t_k log(q_k/t_k)"""),
    ("S X:switch_without_negation", "switched without negating", """
min -Σ_k t_k log q_k
max -Σ_k t_k log q_k"""),
    ("U", "a tiny parameter-dependent term", """
min -Σ_k (t_k log q_k + 1e-10 q_k^2)"""),
])

SIGMOID = _cases("sigmoid_mse_gradient_derivation", [
    ("E E E", "the model derivation", """
(sigmoid(θx + 1) - y) diff(sigmoid(θx + 1), θ)
(sigmoid(θx + 1) - y) sigmoid(θx + 1)(1 - sigmoid(θx + 1)) x
(ŷ - y) ŷ (1 - ŷ) x"""),
    ("E", "straight to the answer", """
(ŷ - y) ŷ (1 - ŷ) x"""),
    ("E", "factors reordered", """
x ŷ (1 - ŷ)(ŷ - y)"""),
    ("E E", "1 − σ(z) = σ(−z)", """
= (σ(θx + 1) - y) σ(θx + 1) σ(-θx - 1) x
= (ŷ - y) ŷ (1 - ŷ) x"""),
    ("E E", "the derivative of ŷ left as diff first", """
(ŷ - y) diff(ŷ, θ)
(ŷ - y) ŷ (1 - ŷ) x"""),
    ("E E", "with exp written out", """
(ŷ - y) x exp(-(θx + 1))/(1 + exp(-(θx + 1)))^2
(ŷ - y) ŷ (1 - ŷ) x"""),
    ("E E", "expanded", """
(ŷ^2 - y ŷ)(1 - ŷ) x
ŷ^2 x - ŷ^3 x - y ŷ x + y ŷ^2 x"""),
    ("X:dropped_sigmoid_derivative", "the sigmoid's derivative dropped: the cross-entropy gradient", """
(ŷ - y) x"""),
    ("X:dropped_inner_derivative", "the inner derivative x dropped", """
(ŷ - y) ŷ (1 - ŷ)"""),
    ("X:sign_flip", "the sign of the residual flipped", """
(y - ŷ) ŷ (1 - ŷ) x"""),
    ("X:sigmoid_derivative_wrong", "σ' taken as σ", """
(ŷ - y) ŷ x"""),
    ("E X", "a factor 2 from the square kept although the loss has ½: not equal (only a same-minimiser multiple)", """
(ŷ - y) diff(ŷ, θ)
2 (ŷ - y) ŷ (1 - ŷ) x"""),
    ("X", "derivative in x instead of θ", """
(ŷ - y) ŷ (1 - ŷ) θ"""),
    ("X", "the residual squared", """
(ŷ - y)^2 ŷ (1 - ŷ) x"""),
    ("X", "1 + ŷ for 1 − ŷ", """
(ŷ - y) ŷ (1 + ŷ) x"""),
    ("E X", "the bias forgotten in the sigmoid", """
(sigmoid(θx + 1) - y) diff(sigmoid(θx + 1), θ)
(sigmoid(θx) - y) sigmoid(θx)(1 - sigmoid(θx)) x"""),
    ("X", "the chain rule applied to the bias too: x + 1", """
(ŷ - y) ŷ (1 - ŷ)(x + 1)"""),
    ("E X:sign_flip", "a sign lost between lines", """
(sigmoid(θx + 1) - y) sigmoid(θx + 1)(1 - sigmoid(θx + 1)) x
(y - ŷ) ŷ (1 - ŷ) x"""),
])

SOFTMAX = _cases("softmax_gradient_derivation", [
    ("E E E E", "the model derivation", """
diff(-Σ_j y_j z_j/2 + Σ_j y_j log(Σ_l exp(z_l/2)), z_k)
-y_k/2 + Σ_j y_j exp(z_k/2)/(2 Σ_l exp(z_l/2))
-y_k/2 + (Σ_j y_j) p_k/2
(p_k - y_k)/2"""),
    ("E", "straight to the answer", """
(p_k - y_k)/2"""),
    ("E", "split", """
p_k/2 - y_k/2"""),
    ("E E", "the targets' sum kept one line", """
(p_k Σ_j y_j - y_k)/2
(p_k - y_k)/2"""),
    ("E", "softmax written out", """
(exp(z_k/2)/Σ_l exp(z_l/2) - y_k)/2"""),
    ("E E", "LaTeX", r"""
\frac{1}{2}\left(\frac{e^{z_k/2}}{\sum_{l=1}^{K} e^{z_l/2}} - y_k\right)
\frac{p_k - y_k}{2}"""),
    ("E", "0.5 for 1/T", """
0.5 (p_k - y_k)"""),
    ("X:lost_temperature", "the temperature's factor 1/T lost", """
p_k - y_k"""),
    ("X:sign_flip", "the sign flipped", """
(y_k - p_k)/2"""),
    ("X:gradient_in_p", "the derivative in p_k instead of z_k", """
-y_k/p_k"""),
    ("X:diagonal_jacobian_only", "only the diagonal of the softmax Jacobian", """
(p_k - y_k) p_k (1 - p_k)/2"""),
    ("X", "T² instead of T", """
(p_k - y_k)/4"""),
    ("X", "the targets assumed one-hot with y_k = 1", """
(p_k - 1)/2"""),
    ("X:diagonal_jacobian_only", "only the j = k term of the sum", """
-y_k (1 - p_k)/2"""),
    ("X", "the temperature applied to one term only", """
p_k - y_k/2"""),
    ("E X", "the sum of the targets taken as K", """
-y_k/2 + (Σ_j y_j) p_k/2
(K p_k - y_k)/2"""),
    ("X", "a stray log", """
(log p_k - y_k)/2"""),
])

PRIOR = "exp(-θ^2/8)/sqrt(8π)"
LIK = "Π_i (exp(-(y_i - θ x_i)^2/0.5)/sqrt(0.5π))"
MAP = _cases("map_l2_derivation", [
    ("M M S", "the model derivation", """
max Σ_i (-(y_i - θ x_i)^2/0.5 - log(sqrt(0.5π))) - θ^2/8 - log(sqrt(8π))
min Σ_i (y_i - θ x_i)^2/0.5 + θ^2/8
min Σ_i (y_i - θ x_i)^2 + 0.0625 θ^2"""),
    ("M", "straight to the regularised loss", """
min Σ_i (y_i - θ x_i)^2 + θ^2/16"""),
    ("M E M", "the log of the posterior, then negate and scale", f"""
max log(({LIK}) {PRIOR})
= -2 Σ_i (y_i - θ x_i)^2 - θ^2/8 - m log(sqrt(0.5π)) - log(sqrt(8π))
min Σ_i (y_i - θ x_i)^2 + θ^2/16"""),
    ("M M", "x_i θ and λ written as a fraction", """
max -2 Σ_i (y_i - x_i θ)^2 - θ^2/8
min Σ_i (x_i θ - y_i)^2 + (0.5^2/2^2) θ^2"""),
    ("M S", "LaTeX and the mean of the squared errors", r"""
\min 2\sum_{i=1}^m (y_i - \theta x_i)^2 + \frac{\theta^2}{8}
\min \frac{1}{m}\sum_{i=1}^m (y_i - \theta x_i)^2 + \frac{0.0625}{m}\theta^2"""),
    ("M M X:dropped_prior", "the prior dropped: maximum likelihood, not MAP", """
max Σ_i (-(y_i - θ x_i)^2/0.5 - log(sqrt(0.5π))) - θ^2/8 - log(sqrt(8π))
min Σ_i (y_i - θ x_i)^2/0.5 + θ^2/8
min Σ_i (y_i - θ x_i)^2"""),
    ("M X:inverted_lambda", "λ = τ²/σ²", """
max -2 Σ_i (y_i - θ x_i)^2 - θ^2/8
min Σ_i (y_i - θ x_i)^2 + 16 θ^2"""),
    ("M X:unscaled_penalty", "the squared error scaled, the penalty not", """
max -2 Σ_i (y_i - θ x_i)^2 - θ^2/8
min Σ_i (y_i - θ x_i)^2 + θ^2/8"""),
    ("M X:sign_flip", "negated without switching", """
max -2 Σ_i (y_i - θ x_i)^2 - θ^2/8
2 Σ_i (y_i - θ x_i)^2 + θ^2/8"""),
    ("M X", "the penalty not squared", """
max -2 Σ_i (y_i - θ x_i)^2 - θ^2/8
min Σ_i (y_i - θ x_i)^2 + 0.0625 θ"""),
    ("M X", "the penalty counted once per example (subtle: m λ θ²)", """
max -2 Σ_i (y_i - θ x_i)^2 - θ^2/8
min Σ_i ((y_i - θ x_i)^2 + 0.0625 θ^2)"""),
    ("M X", "an L1 penalty", """
max -2 Σ_i (y_i - θ x_i)^2 - θ^2/8
min Σ_i (y_i - θ x_i)^2 + 0.0625 |θ|"""),
    ("M X", "the prior's sign flipped", """
max -2 Σ_i (y_i - θ x_i)^2 - θ^2/8
min Σ_i (y_i - θ x_i)^2 - 0.0625 θ^2"""),
    ("M X", "x_i squared inside the residual", """
max -2 Σ_i (y_i - θ x_i)^2 - θ^2/8
min Σ_i (y_i - θ x_i^2)^2 + 0.0625 θ^2"""),
    ("M X:dropped_prior", "the prior's θ²/8 dropped as if constant", """
max -2 Σ_i (y_i - θ x_i)^2 - θ^2/8 - log(sqrt(8π))
max -2 Σ_i (y_i - θ x_i)^2 - log(sqrt(8π))"""),
])

ABS = "|y_i - ŷ_i|"
LAPLACE = _cases("laplace_mae_derivation", [
    ("M M S S", "the model derivation", f"""
max Σ_i (-{ABS}/2 - log 4)
min Σ_i {ABS}/2 + m log 4
min Σ_i {ABS}
min (1/m) Σ_i {ABS}"""),
    ("M M", "abs() and two steps", """
max Σ_i log(exp(-abs(y_i - y_hat_i)/2)/4)
min sum(abs(y_hat_i - y_i), i, 1, m)"""),
    ("M", "straight to the mean absolute error", f"""
min (1/m) Σ_i {ABS}"""),
    ("M E", "|r| = √(r²)", f"""
min Σ_i {ABS}
= Σ_i sqrt((y_i - ŷ_i)^2)"""),
    ("M S", "negated log-likelihood kept as a max, then scaled by 2", f"""
max -Σ_i {ABS}/2
max -Σ_i {ABS}"""),
    ("M M", "squaring a non-negative loss keeps its order: valid", f"""
min Σ_i {ABS}
min (Σ_i {ABS})^2"""),
    ("S M", "the constant factor of the product dropped first", f"""
max Π_i exp(-{ABS}/2)
min Σ_i {ABS}"""),
    ("M X:squared_error", "squared errors: the Gaussian model", """
max Σ_i (-|y_i - ŷ_i|/2 - log 4)
min Σ_i (y_i - ŷ_i)^2"""),
    ("M X:dropped_abs", "the absolute value dropped", """
max Σ_i (-|y_i - ŷ_i|/2 - log 4)
min Σ_i (y_i - ŷ_i)"""),
    ("M X:sign_flip", "negated without switching", f"""
max Σ_i (-{ABS}/2 - log 4)
Σ_i {ABS}/2 + m log 4"""),
    ("M X", "cubes: the order of residual vectors changes for m ≥ 2", f"""
min Σ_i {ABS}
min Σ_i {ABS}^3"""),
    ("M X", "the absolute values of y and ŷ taken apart", f"""
min Σ_i {ABS}
min Σ_i (|y_i| - |ŷ_i|)"""),
    ("M X", "the absolute value of the sum", f"""
min Σ_i {ABS}
min |Σ_i (y_i - ŷ_i)|"""),
    ("M X", "the scale b kept inside the sum with the wrong power", f"""
min Σ_i {ABS}
min Σ_i |y_i - ŷ_i|^(1/2)"""),
])

CORPUS: list[Case] = GAUSSIAN_MSE + SIGMA_LEARNED + BERNOULLI + KL + SIGMOID + SOFTMAX + MAP + LAPLACE

# ---------------------------------------------------------------- more cases, question by question
GAUSSIAN_MSE_MORE = _cases("gaussian_mse_derivation", [
    ("M E E S", "the square expanded; Σ y_i² is data only, so dropping it keeps the minimiser", f"""
{LOGLIK}
= Σ_i -(y_i - ŷ_i)^2/8 - m log(sqrt(8π))
= -Σ_i (y_i^2 - 2 y_i ŷ_i + ŷ_i^2)/8 - m log(sqrt(8π))
max -Σ_i (ŷ_i^2 - 2 y_i ŷ_i)"""),
    ("M E E X", "Σ ŷ_i² dropped after expanding: it depends on ŷ", f"""
{LOGLIK}
= Σ_i -(y_i - ŷ_i)^2/8 - m log(sqrt(8π))
= -Σ_i (y_i^2 - 2 y_i ŷ_i + ŷ_i^2)/8 - m log(sqrt(8π))
max -Σ_i (y_i^2 - 2 y_i ŷ_i)/8"""),
    ("M X", "the fourth power: the same order for one example, not for two", f"""
{LOGLIK}
max Σ_i -(y_i - ŷ_i)^4/8"""),
    ("M X", "divided by ŷ²: a parameter", f"""
{LOGLIK}
min Σ_i (y_i - ŷ_i)^2/ŷ_i^2"""),
    ("E", "the product as the exponential of a sum times the constant", """
max exp(-Σ_i (y_i - ŷ_i)^2/8) (8π)^(-m/2)"""),
    ("M M M", "the root of the mean squared error: a monotone transform, valid", f"""
{LOGLIK}
min (1/m) Σ_i (y_i - ŷ_i)^2
min sqrt((1/m) Σ_i (y_i - ŷ_i)^2)"""),
    ("M X:sign_flip", "the negative log-likelihood written as a maximum", f"""
{LOGLIK}
max Σ_i (y_i - ŷ_i)^2/8"""),
    ("M M", "LaTeX \\propto and \\frac", rf"""
{LOGLIK}
\propto \min \frac{{1}}{{m}}\sum_{{i=1}}^{{m}} (y_i - \hat{{y}}_i)^2"""),
])

SIGMA_LEARNED_MORE = _cases("gaussian_sigma_learned_derivation", [
    ("M M E", "the mean squared error inside", f"""
max Σ_i log({SIG})
min m log σ + Σ_i {R2}/(2σ^2)
= m log σ + m ((1/m) Σ_i {R2})/(2σ^2)"""),
    ("M E X:dropped_log_sigma", "the log σ term dropped while still a maximum", f"""
max Σ_i log({SIG})
max -Σ_i {R2}/(2σ^2) - m log σ - m log(2π)/2
max -Σ_i {R2}/(2σ^2) - m log(2π)/2"""),
    ("M M X", "log(2πσ²) taken whole: 2m log σ instead of m log σ", f"""
max Σ_i log({SIG})
min m log σ + Σ_i {R2}/(2σ^2)
min m log(2π σ^2) + Σ_i {R2}/(2σ^2)"""),
    ("M M S", "a constant put back in another form: valid", f"""
max Σ_i log({SIG})
min m log σ + Σ_i {R2}/(2σ^2)
min m log(σ √(2π)) + Σ_i {R2}/(2σ^2)"""),
    ("M M X", "the offset's sign flipped", f"""
max Σ_i log({SIG})
min m log σ + Σ_i {R2}/(2σ^2)
min m log σ + Σ_i (y_i - ŷ_i + 0.5)^2/(2σ^2)"""),
    ("M M X:treated_sigma_as_fixed", "σ fixed in one step from the negative log-likelihood", f"""
max Σ_i log({SIG})
min Σ_i {R2}/(2σ^2) + m log σ + m/2 log(2π)
min Σ_i {R2}/2"""),
    ("M M M", "the whole objective exponentiated and scaled", f"""
max Σ_i log({SIG})
min m log σ + Σ_i {R2}/(2σ^2)
min exp(2 m log σ + Σ_i {R2}/σ^2)"""),
])

BERNOULLI_MORE = _cases("bernoulli_bce_derivation", [
    ("M E", "the log of each factor first", """
max Σ_i (log(ŷ_i^(3 y_i)) + log((1 - ŷ_i)^(1 - y_i)))
= Σ_i (3 y_i log ŷ_i + (1 - y_i) log(1 - ŷ_i))"""),
    ("M M", "the mean log-likelihood, then the mean cross-entropy", """
max (1/m) Σ_i (3 y_i log ŷ_i + (1 - y_i) log(1 - ŷ_i))
min -(1/m) Σ_i (3 y_i log ŷ_i + (1 - y_i) log(1 - ŷ_i))"""),
    ("M M X", "the factor 1 − y lost from the second term", f"""
max Σ_i log({B_LIK})
min {WBCE}
min -Σ_i (3 y_i log ŷ_i + log(1 - ŷ_i))"""),
    ("M M X", "log base 2 in one term only", f"""
max Σ_i log({B_LIK})
min {WBCE}
min -Σ_i (3 y_i log2(ŷ_i) + (1 - y_i) log(1 - ŷ_i))"""),
    ("M M S", "bits everywhere: a positive multiple", f"""
max Σ_i log({B_LIK})
min {WBCE}
min -Σ_i (3 y_i log2(ŷ_i) + (1 - y_i) log2(1 - ŷ_i))"""),
    ("M M X", "the unweighted loss cubed", f"""
max Σ_i log({B_LIK})
min {WBCE}
min (-Σ_i (y_i log ŷ_i + (1 - y_i) log(1 - ŷ_i)))^3"""),
    ("M", "the log of the binary identity's product", """
max Σ_i log(y_i ŷ_i^3 + (1 - y_i)(1 - ŷ_i))"""),
])

KL_MORE = _cases("kl_cross_entropy_derivation", [
    ("E", "the ratio inverted inside a negative log", """
min -Σ_k t_k log(q_k/t_k)"""),
    ("S S", "averaged over the K outcomes: a positive multiple", """
min -Σ_k t_k log q_k
min -(1/K) Σ_k t_k log q_k"""),
    ("S X", "t and q swapped in the cross-entropy", """
min -Σ_k t_k log q_k
min -Σ_k q_k log t_k"""),
    ("E S", "the entropy's sign wrong: it is still a constant", """
min Σ_k t_k log t_k - Σ_k t_k log q_k
min -Σ_k t_k log t_k - Σ_k t_k log q_k"""),
    ("X", "the divergence from the unsmoothed data", """
min Σ_k p_k log(p_k/q_k)"""),
    ("M", "the log-likelihood form: negated, min to max", """
max Σ_k t_k log q_k"""),
    ("X", "the log of the model dropped", """
min Σ_k t_k log t_k - Σ_k t_k q_k"""),
    ("S", "log with base 2 as log(q, 2)", """
min -Σ_k t_k log(q_k, 2)"""),
])

SIGMOID_MORE = _cases("sigmoid_mse_gradient_derivation", [
    ("E E", "the inner derivative left as diff", """
(ŷ - y) ŷ (1 - ŷ) diff(θx + 1, θ)
(ŷ - y) ŷ (1 - ŷ) x"""),
    ("E", "the sigmoid written as 1/(1 + exp)", """
(1/(1 + exp(-θx - 1)) - y) x exp(-θx - 1)/(1 + exp(-θx - 1))^2"""),
    ("X", "the sign of the exponent lost in the derivative", """
(ŷ - y) x exp(θx + 1)/(1 + exp(-θx - 1))^2"""),
    ("X", "an extra factor ½", """
(ŷ - y) ŷ (1 - ŷ) x/2"""),
    ("E", "expanded residual", """
ŷ^2 (1 - ŷ) x - y ŷ (1 - ŷ) x"""),
    ("X", "the sigmoid's derivative squared", """
(ŷ - y) (ŷ (1 - ŷ))^2 x"""),
    ("E X", "a right line, then θ for x", """
(sigmoid(θx + 1) - y) sigmoid(θx + 1)(1 - sigmoid(θx + 1)) x
(ŷ - y) ŷ (1 - ŷ) θ"""),
])

SOFTMAX_MORE = _cases("softmax_gradient_derivation", [
    ("E", "minus the other way round", """
-(y_k - p_k)/2"""),
    ("E E", "the log-softmax written inside the derivative", """
diff(-Σ_j y_j (z_j/2 - log(Σ_l exp(z_l/2))), z_k)
(p_k - y_k)/2"""),
    ("X", "multiplied by T instead of divided", """
2 (p_k - y_k)"""),
    ("X", "y_k inside a product", """
p_k (1 - y_k)/2"""),
    ("X", "the softmax without its temperature", """
(exp(z_k)/Σ_l exp(z_l) - y_k)/2"""),
    ("X", "an extra term Σ_j y_j p_j", """
(p_k - y_k)/2 + Σ_j y_j p_j/2"""),
    ("E X", "the sum of the targets taken as 0", """
-y_k/2 + (Σ_j y_j) p_k/2
-y_k/2"""),
])

MAP_MORE = _cases("map_l2_derivation", [
    ("M M", "negated, the squared error halved and λ halved with it", """
max -2 Σ_i (y_i - θ x_i)^2 - θ^2/8
min Σ_i (y_i - θ x_i)^2/2 + 0.03125 θ^2"""),
    ("M X", "λ = σ/τ, not squared", """
max -2 Σ_i (y_i - θ x_i)^2 - θ^2/8
min Σ_i (y_i - θ x_i)^2 + 0.25 θ^2"""),
    ("M X", "the prior's variance taken as 2τ", """
max -2 Σ_i (y_i - θ x_i)^2 - θ^2/8
min 2 Σ_i (y_i - θ x_i)^2 + θ^2/4"""),
    ("M M", "negated with every constant kept", """
max Σ_i (-(y_i - θ x_i)^2/0.5 - log(sqrt(0.5π))) - θ^2/8 - log(sqrt(8π))
min 2 Σ_i (y_i - θ x_i)^2 + θ^2/8 + m log(sqrt(0.5π)) + log(sqrt(8π))"""),
    ("M X", "the penalty on each prediction θ x_i", """
max -2 Σ_i (y_i - θ x_i)^2 - θ^2/8
min Σ_i ((y_i - θ x_i)^2 + 0.0625 (θ x_i)^2)"""),
    ("M X", "the penalty divided by m, the loss not", """
max -2 Σ_i (y_i - θ x_i)^2 - θ^2/8
min Σ_i (y_i - θ x_i)^2 + 0.0625 θ^2/m"""),
    ("M E", "the square expanded in θ", """
min Σ_i (y_i - θ x_i)^2 + 0.0625 θ^2
= Σ_i (y_i^2 - 2 θ x_i y_i + θ^2 x_i^2) + 0.0625 θ^2"""),
])

LAPLACE_MORE = _cases("laplace_mae_derivation", [
    ("M M", "|r| written as √(r²) after negating", f"""
max Σ_i (-{ABS}/2 - log 4)
min Σ_i sqrt((y_i - ŷ_i)^2)"""),
    ("M X", "the absolute value of the mean residual", f"""
max Σ_i (-{ABS}/2 - log 4)
min |(1/m) Σ_i (y_i - ŷ_i)|"""),
    ("M M", "negated, the constant kept with the wrong sign: still a constant", f"""
max Σ_i (-{ABS}/2 - log 4)
min Σ_i {ABS}/2 - m log 4"""),
    ("M X", "the log of each absolute residual", f"""
max Σ_i (-{ABS}/2 - log 4)
min Σ_i log|y_i - ŷ_i|"""),
    ("M X", "the product of the absolute residuals", f"""
max Σ_i (-{ABS}/2 - log 4)
min Π_i |y_i - ŷ_i|"""),
    ("M M", "\\arg\\min in LaTeX", r"""
\max \sum_{i=1}^m \left(-\frac{|y_i - \hat y_i|}{2} - \log 4\right)
\arg\min_{\hat y} \sum_{i=1}^m |y_i - \hat y_i|"""),
    ("M X:squared_error", "squared and halved", f"""
max Σ_i (-{ABS}/2 - log 4)
min Σ_i (y_i - ŷ_i)^2/2"""),
])

CORPUS += (GAUSSIAN_MSE_MORE + SIGMA_LEARNED_MORE + BERNOULLI_MORE + KL_MORE + SIGMOID_MORE + SOFTMAX_MORE
           + MAP_MORE + LAPLACE_MORE)
