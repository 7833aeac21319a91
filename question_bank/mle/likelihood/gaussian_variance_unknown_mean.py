"""Joint maximum-likelihood estimate of a Gaussian's mean and variance: the variance divides by m (vector)."""

from quizgen.generation.authoring import data_table
from quizgen.generation.question import Derivation, Question, Step, Vector, Wrong, grid

M = 5  # observations on the sheet
DATA = data_table("The measurements (mV):", grid("x", "-3", "3", "0.5"), rows=M)


def derive(s):
    import sympy as sp

    from quizgen.generation.derivations import gaussian_pdf

    mu, v = sp.Symbol("mu", real=True), sp.Symbol("v", positive=True)
    xs = [getattr(s, f"x{k}") for k in range(1, M + 1)]
    log_lik = sum((sp.expand_log(sp.log(gaussian_pdf(xk, mu, sp.sqrt(v))), force=True) for xk in xs), sp.Integer(0))
    # the derivative in mu vanishes at the same mu for every v; put that mu in and solve for v
    (mean,) = sp.solve(sp.diff(log_lik, mu), mu)
    (answer,) = sp.solve(sp.diff(log_lik.xreplace({mu: mean}), v), v)
    ss = sum(((xk - mean) ** 2 for xk in xs), sp.Integer(0))
    ss_zero = sum((xk**2 for xk in xs), sp.Integer(0))
    assert sp.simplify(answer - ss / M) == 0
    shown = sp.Mul(ss, sp.Rational(1, M), evaluate=False)  # (sum of squared deviations) / m
    return Derivation(
        answer=(mean, shown),
        steps=(
            Step(r"""
                With both parameters unknown, the log-likelihood is
                $-\frac{m}{2}\log(2\pi\sigma^2) - \frac{1}{2\sigma^2}\sum_i (x_i - \mu)^2$ with $m = 5$. Its
                derivative in $\mu$ is $\frac{1}{\sigma^2}\sum_i (x_i - \mu)$, zero at the sample mean,
                whatever $\sigma^2$ is:
            """, sp.Eq(sp.Symbol("\\hat\\mu"), mean)),
            Step(r"""
                Putting $\hat\mu$ in and setting the derivative in $\sigma^2$ to zero gives the mean squared
                deviation from $\hat\mu$, with $\sum_i (x_i - \hat\mu)^2 = {{ values.ss }}$:
            """, shown),
            Step(r"""
                This divides by $m$, not $m - 1$. The maximum-likelihood estimate is biased low: $\hat\mu$ is
                fitted to these very data, so the deviations from it are a little smaller than those from the
                true mean. Dividing by $m - 1$ removes that bias, but it is a different estimator, not the one
                that maximises the likelihood.
            """),
        ),
        wrong=(
            Wrong("bessel_correction", (mean, ss / (M - 1)), r"""
                Dividing by $m - 1$ gives the unbiased sample variance. Setting the derivative of the
                log-likelihood to zero gives a division by $m$; unbiasedness is another criterion.
            """, 0.5),
            Wrong("not_centred", (mean, ss_zero / M), r"""
                You squared the observations themselves, as if the mean were 0. The mean is unknown and is
                estimated by $\bar{x}$; the variance estimate measures the spread around it.
            """, 0.0),
            Wrong("standard_deviation", (mean, sp.sqrt(ss / M)),
                  "The second component is $\\hat\\sigma$, the square root of the variance that was asked for.", 0.5),
        ),
        values={"ss": ss},
    )


def check(p, x):
    import numpy as np

    from quizgen.generation.numopt import minimise

    data = np.array([p[f"x{k}"] for k in range(1, M + 1)])

    def nll(mu, v):  # minus the sum of the normal log-densities (mu or v may be an array of candidates)
        mu, v = np.asarray(mu, dtype=float)[..., None], np.asarray(v, dtype=float)[..., None]
        return -np.sum(np.log(np.exp(-((data - mu) ** 2) / (2 * v)) / np.sqrt(2 * np.pi * v)), axis=-1)

    # coordinate ascent: maximise numerically over mu with v fixed, then over v with mu fixed, until stable
    # (to 1e-10 relative: each 1-D search is exact to about 1e-12, so a stricter test would only go round)
    mu, v = float(np.max(data)), 1.0
    for _ in range(20):
        new_mu = minimise(lambda m: nll(m, v), -10.0, 10.0)
        new_v = minimise(lambda w: nll(new_mu, w), 1e-3, 1e3, log_scale=True)
        stable = abs(new_v - v) <= 1e-10 * new_v and abs(new_mu - mu) <= 1e-10 * max(1.0, abs(new_mu))
        mu, v = new_mu, new_v
        if stable:
            break
    return np.array([mu, v])


def _spread(v):
    xs = DATA.column(v, "x")
    return len(set(xs)) >= 3 and sum(xs) != 0  # a spread-out sample whose mean is not 0


QUESTION = Question(
    id="mle/gaussian_variance_unknown_mean",
    title="Gaussian mean and variance, both unknown",
    statement=r"""
        Five independent measurements of a battery's voltage drift are listed below. Model them as
        draws from $\mathcal{N}(\mu, \sigma^2)$ with both $\mu$ and $\sigma^2$ unknown, and estimate
        both by maximum likelihood.

        Give the maximum-likelihood estimates $(\hat\mu, \hat\sigma^2)$ (in mV and mV²), each to 4
        significant figures.
    """,
    answer=Vector(rtol=1e-3, atol=1e-4),
    tables=(DATA,),
    constraint=_spread,
    tags=("likelihood", "mle", "gaussian", "variance", "bias"),
    difficulty=2,
    points=2,
)
