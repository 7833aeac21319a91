"""Gradient of the KL divergence between Bernoulli data and a sigmoid model, in the logit (symbolic)."""

from quizgen.generation.question import Derivation, Question, Step, Symbolic, Wrong, grid


def derive(s):
    import sympy as sp

    from quizgen.generation.derivations import cross_entropy, entropy, in_terms_of_output, kl_divergence, sigmoid

    p, q, T = s.p, s.q, s.T
    theta = sp.Symbol("theta", real=True)
    z = theta / T  # the logit, scaled by the temperature

    def bern(t):
        return [t, 1 - t]

    # d/dtheta of D_KL(p || sigmoid(theta)), differentiated in theta, then written with q = sigmoid(theta)
    grad = in_terms_of_output(sp.diff(kl_divergence(bern(p), bern(sigmoid(z))), theta), z, q)
    grad_ce = in_terms_of_output(sp.diff(cross_entropy(bern(p), bern(sigmoid(z))), theta), z, q)
    assert sp.simplify(grad - grad_ce) == 0  # H(p) does not depend on theta
    dq = in_terms_of_output(sp.diff(sigmoid(z), theta), z, q)  # q(1 - q) / T
    d_kl_dq = sp.factor(sp.simplify(sp.diff(kl_divergence(bern(p), bern(q)), q)))
    # the reversed divergence D_KL(q || p), by the same chain rule
    d_rev_dq = sp.diff(kl_divergence(bern(q), bern(p)), q)
    rev_grad = dq * d_rev_dq
    # the gradient of the squared error between the probabilities, through the same sigmoid
    sq_grad = in_terms_of_output(sp.diff((sigmoid(z) - p) ** 2 / 2, theta), z, q)
    rev_direct = in_terms_of_output(sp.diff(kl_divergence(bern(sigmoid(z)), bern(p)), theta), z, q)
    for pv, qv in ((sp.Rational(3, 10), sp.Rational(3, 5)), (sp.Rational(4, 5), sp.Rational(1, 10))):
        assert abs(sp.N((rev_grad - rev_direct).subs({p: pv, q: qv, T: 2}))) < 1e-12
    return Derivation(
        answer=grad,
        steps=(
            Step("Write $q = \\sigma(\\theta / T)$ with $T = {{ T }}$. For two Bernoulli distributions the divergence is",
                 sp.Eq(sp.Symbol("D_{\\mathrm{KL}}(p \\| q)"), kl_divergence(bern(p), bern(q)))),
            Step(r"""
                It splits as $D_{\mathrm{KL}}(p \,\|\, q) = H(p, q) - H(p)$, and the data entropy $H(p)$ below
                has no $\theta$ in it, so
                $\partial_\theta D_{\mathrm{KL}}(p \,\|\, q) = \partial_\theta H(p, q)$: minimising the KL
                divergence and minimising the cross-entropy take the same steps.
            """, sp.Eq(sp.Symbol("H(p)"), entropy(bern(p)))),
            Step("By the chain rule, first in $q$:", sp.Eq(sp.Symbol("\\partial D / \\partial q"), d_kl_dq)),
            Step("Then through the sigmoid, whose derivative written with its output is",
                 sp.Eq(sp.Symbol("\\partial q / \\partial \\theta"), dq)),
            Step("The factor $q(1 - q)$ cancels the denominator, leaving the error $q - p$ divided by the temperature:", grad),
        ),
        wrong=(
            Wrong("sign_flip", -grad, r"""
                The sign is reversed. When the model's $q$ exceeds the data's $p$ the divergence grows with
                $\theta$, so the gradient is positive: $q - p$, not $p - q$.
            """, 0.5),
            Wrong("extra_sigmoid_factor", sq_grad, r"""
                You multiplied $q - p$ by the sigmoid's derivative $q(1-q)/T$, which is the gradient of the
                squared error $\tfrac12(q - p)^2$, not of the divergence. In the KL gradient the derivative of
                the logarithms brings $1/(q(1-q))$, which cancels the $q(1-q)$ and leaves $(q - p)/T$; that is
                why the KL (cross-entropy) gradient stays large when the model is confidently wrong.
            """, 0.25),
            Wrong("ignored_temperature", grad * T,
                  "The logit is $\\theta / T$, so the chain rule brings a factor $1/T$; without it the step size is off by $T$.", 0.5),
            Wrong("gradient_in_q", d_kl_dq, r"""
                That is the derivative with respect to the probability $q$. The question asks for the
                derivative with respect to the parameter $\theta$, which brings in
                $\partial q/\partial\theta = q(1-q)/T$.
            """, 0.25),
            Wrong("reversed_kl", rev_grad, r"""
                That is the gradient of the reversed divergence $D_{\mathrm{KL}}(q \,\|\, p)$, which averages
                the log-ratio under the model instead of the data. The KL divergence is not symmetric.
            """, 0.0),
        ),
    )


def check(p, x):
    import numpy as np

    pd, q = np.asarray(x["p"]), np.asarray(x["q"])
    T = p["T"]
    theta = T * np.log(q / (1 - q))

    def kl(t):
        qm = 1 / (1 + np.exp(-t / T))
        return pd * np.log(pd / qm) + (1 - pd) * np.log((1 - pd) / (1 - qm))

    h = 1e-5
    return (kl(theta + h) - kl(theta - h)) / (2 * h)


QUESTION = Question(
    id="mle/bernoulli_kl_gradient",
    title="KL gradient for a sigmoid model",
    statement=r"""
        Binary labels come from a Bernoulli distribution with $P(y = 1) = p$. A model with a single
        parameter $\theta$ and a fixed temperature $T = {{ T }}$ predicts
        $P(y = 1) = q = \sigma(\theta / T)$, where $\sigma(z) = 1/(1 + e^{-z})$, and is trained to
        minimise $D_{\mathrm{KL}}(p_{\text{data}} \,\|\, p_{\text{model}})$ between the two
        Bernoulli distributions.

        Give $\partial D_{\mathrm{KL}} / \partial \theta$ as an expression in `p` and `q`.
    """,
    answer=Symbolic({"p": "unit_interval", "q": "unit_interval"}),
    params=(grid("T", "0.1", "10", "0.1", exclude=("1",)),),
    tags=("kl-divergence", "cross-entropy", "sigmoid", "gradient", "calibration"),
    difficulty=2,
    points=2,
)
