"""The Bernoulli MLE as the argmin of the negative log-likelihood: put the derivation's steps in order (ordered steps)."""

from quizgen.generation.question import Derivation, Order, Question, Step, Wrong, grid


def derive(s):
    import sympy as sp

    k, n = s.k, s.n
    theta = sp.Symbol("theta", positive=True)
    likelihood = theta**k * (1 - theta) ** (n - k)
    nll = -sp.expand_log(sp.log(likelihood), force=True)
    (answer,) = sp.solve(sp.Eq(sp.diff(nll, theta), 0), theta)
    assert sp.simplify(answer - k / n) == 0
    return Derivation(
        answer=(
            "The $n = {{ n }}$ tosses are independent, so the likelihood is the product of their probabilities: "
            "$L(\\theta) = \\theta^{k}(1-\\theta)^{n-k}$ with $k = {{ k }}$ {{ 'head' | plural(k) }}.",
            "Take the logarithm: $\\log L(\\theta) = k\\log\\theta + (n-k)\\log(1-\\theta)$. The logarithm is "
            "increasing, so the maximiser does not move.",
            "Flip the sign to get a loss: the MLE minimises the negative log-likelihood "
            "$-k\\log\\theta - (n-k)\\log(1-\\theta)$.",
            "Set its derivative to zero: $-\\frac{k}{\\theta} + \\frac{n-k}{1-\\theta} = 0$.",
            "Solve for $\\theta$: $\\hat\\theta = k/n = {{ values.theta }}$, the fraction of heads.",
        ),
        steps=(
            Step(r"""
                The likelihood needs the independence assumption to be a product; the logarithm then turns
                that product into a sum, which is easy to differentiate and does not underflow for long
                sequences.
            """),
            Step(r"""
                Maximising the log-likelihood and minimising its negative are the same problem; the negative
                log-likelihood is the binary cross-entropy of the tosses:
            """, nll.xreplace({theta: sp.Symbol("\\theta")})),
            Step("Its derivative vanishes at one point, where the loss is smallest (the loss is convex in $\\theta$):",
                 sp.Eq(sp.Symbol("\\hat\\theta"), answer)),
        ),
        wrong=(
            Wrong("negate_before_log", (0, 2, 1, 3, 4), r"""
                The logarithm must come before the change of sign: $L(\theta)$ is positive and has a
                logarithm, while $-L(\theta)$ is negative and has none. The negative log-likelihood is
                $-\log L$, not $\log(-L)$.
            """, 0.8),
            Wrong("solve_before_derivative", (0, 1, 2, 4, 3), r"""
                The estimate comes from solving the zero-derivative equation, so that equation has to be
                written down first.
            """, 0.8),
        ),
        values={"theta": answer},
    )


def check(p, x):
    import numpy as np

    from quizgen.generation.numopt import minimise

    k, n = p["k"], p["n"]
    tosses = np.array([1.0] * int(k) + [0.0] * int(n - k))  # any order: only the counts matter

    def nll(theta):  # minus the sum of the log-probabilities of the tosses
        theta = np.asarray(theta, dtype=float)[..., None]
        return -np.sum(np.log(np.where(tosses == 1, theta, 1 - theta)), axis=-1)

    return {"theta": minimise(nll, 1e-6, 1 - 1e-6)}


QUESTION = Question(
    id="mle/bernoulli_mle_order",
    title="Deriving the Bernoulli MLE, step by step",
    statement=r"""
        A coin with unknown probability of heads $\theta$ is tossed $n = {{ n }}$ times and shows
        $k = {{ k }}$ {{ 'head' | plural(k) }}. The steps below derive the maximum-likelihood
        estimate of $\theta$ as the minimiser of the negative log-likelihood. They are shuffled: put
        them in order.
    """,
    answer=Order(),
    params=(grid("k", "1", "19", "1"), grid("n", "5", "20", "1")),
    constraint=lambda v: 0 < v["k"] < v["n"] and 2 * v["k"] != v["n"],
    tags=("likelihood", "mle", "bernoulli", "negative-log-likelihood", "derivation"),
    difficulty=2,
    points=2,
)
