"""Maximum-likelihood rate of an exponential distribution from a sample of waiting times (numeric)."""

from quizgen.generation.question import Derivation, Numeric, Question, Step, Wrong, grid

M = 5  # waiting times on the sheet


def derive(s):
    import sympy as sp

    lam = sp.Symbol("lambda", positive=True)
    xs = [getattr(s, f"x{k}") for k in range(1, M + 1)]
    total = sum(xs, sp.Integer(0))
    log_lik = sum((sp.log(lam) - lam * xk for xk in xs), sp.Integer(0))
    score = sp.diff(log_lik, lam)
    (answer,) = sp.solve(sp.Eq(score, 0), lam)
    assert sp.simplify(sp.diff(log_lik, lam, 2).xreplace({lam: answer})) .is_negative  # a maximum
    return Derivation(
        answer=answer,
        steps=(
            Step(r"""
                Independence turns the likelihood into a product of densities $\lambda e^{-\lambda x_i}$, and
                its log into a sum: $\log L(\lambda) = m\log\lambda - \lambda\sum_i x_i$ with $m = 5$ and
                $\sum_i x_i = {{ values.total }}$.
            """),
            Step("Maximising $\\log L$ is minimising the negative log-likelihood. Its derivative in $\\lambda$ is",
                 sp.Eq(sp.Symbol("\\partial \\log L / \\partial\\lambda"), score)),
            Step(r"""
                It is positive for small $\lambda$ and negative for large $\lambda$ (the second derivative
                $-m/\lambda^2$ is negative), so the zero is the maximum: $\hat\lambda = m / \sum_i x_i$, one
                over the mean waiting time.
            """, answer),
            Step(r"""
                A short mean wait means frequent events: the rate is events per minute, the mean wait is
                minutes per event.
            """),
        ),
        wrong=(
            Wrong("mean_not_rate", total / M, r"""
                That is the mean waiting time $\bar{x}$, which estimates $1/\lambda$ (minutes per event). The
                rate $\lambda$ (events per minute) is its reciprocal.
            """, 0.25),
            Wrong("unbiased_rate", (M - 1) / total, r"""
                $(m-1)/\sum_i x_i$ is the unbiased estimator of the rate, a different criterion. Setting the
                derivative of the log-likelihood to zero gives $m/\sum_i x_i$.
            """, 0.25),
            Wrong("mean_of_reciprocals", sum((1 / xk for xk in xs), sp.Integer(0)) / M, r"""
                You averaged the reciprocals $1/x_i$. The log-likelihood depends on the data only through
                $\sum_i x_i$, so the estimate is one over the mean, not the mean of the reciprocals; the two
                differ (the mean of $1/x_i$ is always at least $1/\bar{x}$).
            """, 0.0),
        ),
        values={"total": total},
    )


def check(p, x):
    import numpy as np

    from quizgen.generation.numopt import maximise

    data = np.array([p[f"x{k}"] for k in range(1, M + 1)])

    def log_lik(lam):  # the log of each observation's density, summed
        lam = np.asarray(lam, dtype=float)[..., None]
        return np.sum(np.log(lam * np.exp(-lam * data)), axis=-1)

    return maximise(log_lik, 1e-3, 1e2, log_scale=True)


QUESTION = Question(
    id="mle/exponential_rate_mle",
    title="Maximum-likelihood rate of waiting times",
    statement=r"""
        A bus stop logs the minutes between consecutive buses: ${{ x1 }}$, ${{ x2 }}$, ${{ x3 }}$,
        ${{ x4 }}$ and ${{ x5 }}$. Model them as independent draws from an exponential distribution
        with density $p(x \mid \lambda) = \lambda e^{-\lambda x}$ ($x \ge 0$), where $\lambda$ is
        the rate (buses per minute).

        Compute the maximum-likelihood estimate $\hat\lambda$, to 4 significant figures.
    """,
    answer=Numeric(rtol=1e-3),
    params=tuple(grid(f"x{k}", "2", "20", "1") for k in range(1, M + 1)),
    tags=("likelihood", "mle", "exponential"),
    difficulty=1,
    points=1,
)
