"""KL divergence is not symmetric: which direction is larger for two Bernoulli distributions (true/false with the reason)."""

from quizgen.generation.question import Claim, Derivation, Question, Step, TrueFalse, Wrong, grid


def derive(s):
    import sympy as sp

    from quizgen.generation.derivations import cross_entropy, entropy, kl_divergence

    p = [s.a, 1 - s.a]  # the data
    q = [s.b, 1 - s.b]  # the model
    forward, backward = kl_divergence(p, q), kl_divergence(q, p)
    gap = forward - backward
    return Derivation(
        answer=Claim(
            truth=forward > backward,
            reason=gap,
            feedback="Compute both directions rather than assume they agree: here "
                     "$D_{\\mathrm{KL}}(p \\,\\|\\, q) = {{ values.forward }}$ and $D_{\\mathrm{KL}}(q \\,\\|\\, p) = {{ values.backward }}$. "
                     "Each averages the log-ratio under its first argument, so they generally differ.",
        ),
        steps=(
            Step("The divergence averages $\\log$ (first / second) under its first argument. With the data first,",
                 sp.Eq(sp.Symbol("D_{\\mathrm{KL}}(p \\| q)"), forward)),
            Step("With the model first, it is", sp.Eq(sp.Symbol("D_{\\mathrm{KL}}(q \\| p)"), backward)),
            Step(r"""
                So $D_{\mathrm{KL}}(p \,\|\, q) - D_{\mathrm{KL}}(q \,\|\, p) = {{ values.gap }}$, and the
                statement is {% if values.gap[0] != '-' %}true{% else %}false{% endif %}. Both numbers are
                positive (Gibbs' inequality) but they are not equal: KL divergence is not a distance, because
                it is not symmetric.
            """),
            Step(r"""
                Which one training uses matters. Maximum likelihood averages over the data, so it minimises
                $D_{\mathrm{KL}}(p_{\text{data}} \,\|\, p_{\text{model}})$: the data distribution is the first
                argument, and a model is punished most for giving low probability where the data has mass.
            """),
        ),
        wrong=(
            Wrong("symmetric",
                  "No computation is needed: the KL divergence measures the distance between two distributions, so "
                  "both directions are equal and the statement is false.",
                  "A distance is symmetric, but the KL divergence is not: $D_{\\mathrm{KL}}(p \\,\\|\\, q)$ weights "
                  "$\\log(p/q)$ by $p$ and $D_{\\mathrm{KL}}(q \\,\\|\\, p)$ weights $\\log(q/p)$ by $q$.", 0.0),
            Wrong("cross_entropy_gap", cross_entropy(p, q) - cross_entropy(q, p), r"""
                That is $H(p, q) - H(q, p)$, the difference of the cross-entropies. Each divergence also
                subtracts the entropy of its first argument: $D_{\mathrm{KL}}(p \,\|\, q) = H(p, q) - H(p)$.
            """, 0.0),
            Wrong("entropy_gap", entropy(p) - entropy(q), r"""
                That is $H(p) - H(q)$, which compares how uncertain each distribution is on its own. The
                divergences compare the two distributions with each other.
            """, 0.0),
        ),
        values={"forward": forward, "backward": backward, "gap": gap},
    )


def check(p, x):
    import numpy as np

    data = np.array([p["a"], 1 - p["a"]])
    model = np.array([p["b"], 1 - p["b"]])

    def kl(u, v):
        total = 0.0
        for uk, vk in zip(u, v):  # a direct sum over the two outcomes
            total += uk * np.log(uk / vk)
        return total

    forward, backward = kl(data, model), kl(model, data)
    return forward > backward, forward - backward


def _clear(v):
    """Two different distributions that are not mirror images (then both directions agree), whose two
    divergences differ by at least a tenth of the larger: a hand computation can tell them apart."""
    import math

    a, b = float(v["a"]), float(v["b"])
    if a == b or a + b == 1:
        return False
    forward = a * math.log(a / b) + (1 - a) * math.log((1 - a) / (1 - b))
    backward = b * math.log(b / a) + (1 - b) * math.log((1 - b) / (1 - a))
    return abs(forward - backward) >= 0.1 * max(forward, backward)


QUESTION = Question(
    id="mle/kl_asymmetry_truefalse",
    title="Is the KL divergence symmetric?",
    statement=r"""
        Binary labels have the data distribution $p$ with $P(y = 1) = {{ a }}$, and a model predicts
        the distribution $q$ with $P(y = 1) = {{ b }}$.

        Statement: $D_{\mathrm{KL}}(p \,\|\, q) > D_{\mathrm{KL}}(q \,\|\, p)$. Is the statement
        true or false, and which reason shows it?
    """,
    answer=TrueFalse(truth_credit=0.5, reason_prefix="D_{\\mathrm{KL}}(p \\,\\|\\, q) - D_{\\mathrm{KL}}(q \\,\\|\\, p) = "),
    params=(grid("a", "0.05", "0.95", "0.05"), grid("b", "0.05", "0.95", "0.05")),
    constraint=_clear,
    tags=("kl-divergence", "asymmetry", "entropy"),
    difficulty=1,
    points=1,
)
