"""Maximum-likelihood variance of a Gaussian sample whose mean is known (numeric)."""

from quizgen.generation.question import Derivation, Numeric, Question, Step, Wrong, grid

M = 5  # observations on the sheet


def derive(s):
    import sympy as sp

    from quizgen.generation.derivations import gaussian_pdf

    v = sp.Symbol("v", positive=True)  # the variance sigma^2
    xs = [getattr(s, f"x{k}") for k in range(1, M + 1)]
    mu = s.mu
    log_lik = sum((sp.expand_log(sp.log(gaussian_pdf(xk, mu, sp.sqrt(v))), force=True) for xk in xs), sp.Integer(0))
    (solved,) = sp.solve(sp.Eq(sp.diff(log_lik, v), 0), v)
    ss_known = sum(((xk - mu) ** 2 for xk in xs), sp.Integer(0))
    answer = sp.Mul(ss_known, sp.Rational(1, M), evaluate=False)  # shown as (sum of squares) / m
    assert sp.simplify(solved - ss_known / M) == 0
    mean = sum(xs, sp.Integer(0)) / M
    ss_centred = sum(((xk - mean) ** 2 for xk in xs), sp.Integer(0))
    vs = sp.Symbol("\\sigma^2", positive=True)
    return Derivation(
        answer=answer,
        steps=(
            Step(r"""
                The observations are independent, so the log-likelihood of the variance $\sigma^2$ is the sum
                of the Gaussian log-densities, with the mean fixed at the known value $\mu = {{ mu }}$
                ($m = 5$, $S = \sum_i (x_i - \mu)^2 = {{ values.ss }}$):
            """, -sp.Rational(M, 2) * sp.log(2 * sp.pi * vs) - sp.Symbol("S") / (2 * vs)),
            Step(r"""
                Its derivative in $\sigma^2$ is $-\frac{m}{2\sigma^2} + \frac{S}{2\sigma^4}$, zero at
                $\sigma^2 = S/m$: the mean squared deviation from the known mean.
            """, answer),
            Step(r"""
                Because $\mu$ is known rather than estimated, nothing is fitted to these data before the
                squares are taken, so $S/m$ is also unbiased: there is no reason to divide by $m - 1$.
            """),
        ),
        wrong=(
            Wrong("centred_on_sample_mean", ss_centred / M, r"""
                You centred the data on their sample mean $\bar{x}$. The mean is known and the likelihood
                measures the spread around it; $\bar{x}$ sits closer to the data than $\mu$ does, so centring
                on it understates the spread.
            """, 0.25),
            Wrong("divided_by_m_minus_1", ss_known / (M - 1), r"""
                Dividing by $m - 1$ corrects for a mean estimated from the same data. Here the mean is given,
                so the maximum-likelihood estimate divides by $m$ (and is already unbiased).
            """, 0.25),
            Wrong("sample_variance", ss_centred / (M - 1), r"""
                That is the usual sample variance, the unbiased estimate when the mean is unknown. The mean is
                known here, so the likelihood uses the squared deviations from $\mu$, divided by $m$.
            """, 0.0),
            Wrong("standard_deviation", sp.sqrt(answer),
                  "That is $\\hat\\sigma$, the square root of the variance that was asked for.", 0.5),
        ),
        values={"ss": ss_known},
    )


def check(p, x):
    import numpy as np

    from quizgen.generation.numopt import maximise

    data = np.array([p[f"x{k}"] for k in range(1, M + 1)])
    mu = p["mu"]

    def log_lik(v):  # v = sigma^2; the log of each normal density, summed
        v = np.asarray(v, dtype=float)[..., None]
        return np.sum(np.log(np.exp(-((data - mu) ** 2) / (2 * v)) / np.sqrt(2 * np.pi * v)), axis=-1)

    return maximise(log_lik, 1e-3, 1e3, log_scale=True)


QUESTION = Question(
    id="mle/gaussian_variance_known_mean",
    title="Gaussian variance with a known mean",
    statement=r"""
        A scale is known to be unbiased: its readings of a reference weight are Gaussian around the
        true value $\mu = {{ mu }}$ g, with an unknown variance $\sigma^2$. Five independent
        readings gave ${{ x1 }}$, ${{ x2 }}$, ${{ x3 }}$, ${{ x4 }}$ and ${{ x5 }}$ g.

        Compute the maximum-likelihood estimate of $\sigma^2$ (in g²), to 4 significant figures.
    """,
    answer=Numeric(rtol=1e-3),
    params=(
        grid("mu", "99", "101", "0.5", latex="\\mu"),
        *(grid(f"x{k}", "98", "102", "0.25") for k in range(1, M + 1)),
    ),
    tags=("likelihood", "mle", "gaussian", "variance"),
    difficulty=1,
    points=1,
)
