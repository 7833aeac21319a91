"""Minimising KL(p_data || p_model) is minimising the cross-entropy: the data entropy is constant."""

from quizgen.generation.question import Derivation, Detect, Question, Steps, Wrong, data, grid, minimise, param

START = "sum(t_k*log(t_k/q_k), k, 1, K)"
CE = "-sum(t_k*log(q_k), k, 1, K)"


def derive(s):
    return Derivation(
        answer=(
            minimise("sum(t_k*log(t_k) - t_k*log(q_k), k, 1, K)", "Algebra: $\\log(a/b) = \\log a - \\log b$."),
            minimise("sum(t_k*log(t_k), k, 1, K) - sum(t_k*log(q_k), k, 1, K)", "Split the sum."),
            minimise(CE, "$\\sum_k t_k \\log t_k = -H(t)$ does not depend on the model: drop it. What is left is the "
                         "cross-entropy $H(t, q)$."),
        ),
        wrong=(
            Wrong("kept_entropy_dropped_cross_entropy", (minimise("sum(t_k*log(t_k), k, 1, K)"), minimise("-sum(t_k*log(t_k), k, 1, K)")),
                  "The entropy of the data is the term that does *not* depend on the model; the cross-entropy is the one to keep."),
            Wrong("reversed_kl", (minimise("sum(q_k*log(q_k/t_k), k, 1, K)"),),
                  "That is $D_{KL}(q \\| p)$, the other direction: it has a different minimiser in general and is not the cross-entropy."),
            Wrong("sign_flip", Detect("sign_flip"),
                  "A sign changed but the problem is still a minimum: negating needs max."),
            Wrong("dropped_term", Detect("dropped_term"),
                  "Only the term constant in the model may be dropped: $\\sum_k t_k \\log t_k$."),
            Wrong("unsmoothed_targets", (minimise("-sum(p_k*log(q_k), k, 1, K)"),),
                  "The divergence is measured from the smoothed targets $t_k$; the cross-entropy keeps them."),
        ),
    )


def check(p, x):
    import numpy as np

    eps, q = p["eps"], x["q"]
    t = (1 - eps) * x["p"] + eps / q.shape[1]
    return {"start": np.sum(t * (np.log(t) - np.log(q)), axis=1), "final": -np.sum(t * np.log(q), axis=1)}


QUESTION = Question(
    id="mle/kl_cross_entropy_derivation",
    title="From KL divergence to cross-entropy",
    statement=r"""
        Over $K$ outcomes, the data distribution is $p_1, \dots, p_K$, smoothed with
        $\varepsilon = {{ eps }}$ into the targets $t_k = (1 - \varepsilon)\,p_k + \varepsilon/K$
        (write `t_k`); the model's distribution is $q_1, \dots, q_K$ (learned, $q_k > 0$,
        $\sum_k q_k = 1$). Fitting the model by minimising $D_{KL}(t \| q)$ is

        $${{ values.start }}$$

        Derive, one step per line, that this is the same as minimising the cross-entropy $H(t, q)$.
    """,
    answer=Steps(
        symbols={"p": data("simplex", over="K"), "q": param("simplex", over="K"), "t": data(over="K")},
        define={"t_j": "(1 - {{ eps }})*p_j + {{ eps }}/K"},
        sizes={"K": (2, 3, 4, 6)},
        start=minimise(START),
        final=minimise(CE),
        final_description="a positive multiple of $-\\sum_k t_k \\log q_k$ plus a constant",
        min_lines=2,
    ),
    params=(grid("eps", "0.01", "0.4", "0.01", latex="\\varepsilon"),),
    tags=("kl", "cross-entropy", "entropy", "label-smoothing", "derivation"),
    difficulty=2,
    points=3,
)
