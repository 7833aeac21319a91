"""Maximum-likelihood estimate of the Gaussian noise variance from residuals (numeric)."""

from quizgen.generation.question import Derivation, Numeric, Question, Step, Wrong, grid

M = 4  # number of residuals on the sheet


def derive(s):
    import sympy as sp

    from quizgen.generation.derivations import gaussian_variance_mle

    general, S = gaussian_variance_mle(sp.Symbol("m", positive=True, integer=True))
    estimate, S4 = gaussian_variance_mle(M)
    residuals = [getattr(s, f"r{k}") for k in range(1, M + 1)]
    rss = sum((r**2 for r in residuals), sp.Integer(0))
    mean = sum(residuals, sp.Integer(0)) / M
    centred = sum(((r - mean) ** 2 for r in residuals), sp.Integer(0))  # the sum of squares about the sample mean
    answer = estimate.xreplace({S4: rss})
    sd = sp.Symbol("sigma", positive=True)
    ll = -M * sp.log(sd) - sp.Rational(M, 2) * sp.log(2 * sp.pi) - S4 / (2 * sd**2)
    return Derivation(
        answer=answer,
        steps=(
            Step(r"""
                The residuals are independent, so the log-likelihood is the sum of their Gaussian
                log-densities. With $S = \sum_i r_i^2$ and $m = 4$ it is, as a function of $\sigma$,
            """, ll),
            Step(r"""
                The $-m\log\sigma$ term rewards a small $\sigma$ and the $-S/(2\sigma^2)$ term punishes one;
                the maximum is where they balance, where the derivative in $\sigma$ is zero:
            """, sp.Eq(sp.diff(ll, sd), 0)),
            Step("This gives $\\sigma^2 = S/m$ in general, the mean squared residual:", sp.Eq(sp.Symbol("\\hat{\\sigma}^2"), general)),
            Step(r"""
                The mean of the noise is given (it is 0), not estimated from these residuals, so the squares
                are taken about 0 and there is no reason to divide by $m - 1$. Here $S = {{ values.rss }}$
                over $m = 4$ residuals, so
            """, answer),
        ),
        wrong=(
            Wrong("divided_by_m_minus_1", rss / (M - 1), r"""
                You divided by $m - 1$. That correction (Bessel's) is needed only when the mean is estimated
                from the same data: centring on the sample mean makes the squared deviations smaller on
                average. Here the mean of the residuals is known to be 0, so $S/m$ is both the
                maximum-likelihood estimate and already unbiased; dividing by $m - 1$ only makes it too large.
            """, 0.25),
            Wrong("centred_on_sample_mean", centred / M, r"""
                You subtracted the residuals' sample mean $\bar{r}$ before squaring. The model says the
                residuals come from $\mathcal{N}(0, \sigma^2)$: their mean is given as 0, not estimated, so
                the likelihood involves $r_i^2$ itself. Centring on $\bar{r}$ removes a spread that the noise
                really has.
            """, 0.25),
            Wrong("sample_variance", centred / (M - 1), r"""
                That is the textbook sample variance: centred on the sample mean and divided by $m - 1$, the
                unbiased estimate when the mean is unknown. Here the mean is known to be 0, so neither step
                applies; the maximum-likelihood estimate is the mean of $r_i^2$.
            """, 0.0),
            Wrong("standard_deviation", sp.sqrt(answer), r"""
                That is the estimate of $\sigma$, the square root of what was asked. The likelihood can be
                maximised in $\sigma$ or in $\sigma^2$ (the maximiser is the same point), but the question
                asks for the variance $\sigma^2$.
            """, 0.5),
            Wrong("sum_not_mean", rss, r"""
                You stopped at the sum of squared residuals $S$. Setting the derivative to zero gives
                $\sigma^2 = S/m$: each residual contributes one $\log\sigma$ term, so the sum is shared out
                over the $m$ residuals.
            """, 0.25),
            Wrong("mean_absolute_residual", sum((sp.Abs(r) for r in residuals), sp.Integer(0)) / M, r"""
                The Gaussian log-density is $-r^2/(2\sigma^2)$ up to constants, so the likelihood depends on
                squared residuals; the mean absolute residual estimates the scale of Laplace noise, not a
                Gaussian variance.
            """, 0.0),
        ),
        values={"rss": rss},
    )


def check(p, x):
    import math

    import numpy as np

    squares = [float(p[f"r{k}"]) ** 2 for k in range(1, M + 1)]

    def loglik(v: float) -> float:  # v = sigma^2: the sum of each residual's normal log-density
        log_2piv = math.log(2 * math.pi * v)
        return sum([-s / (2 * v) - 0.5 * log_2piv for s in squares])  # scalar maths: NumPy calls on 4 numbers cost 4x more

    # coarse scan for the maximum (grid points 0.35% apart) ...
    grid_v = np.geomspace(1e-3, 1e3, 4001)
    scan = np.sum(-np.array(squares) / (2 * grid_v[:, None]) - 0.5 * np.log(2 * np.pi * grid_v[:, None]), axis=1)
    j = int(np.argmax(scan))
    lo, hi = float(grid_v[max(j - 1, 0)]), float(grid_v[min(j + 1, len(grid_v) - 1)])

    # ... then bisection on the sign of a central finite difference, for full precision
    def slope(v):
        h = 1e-5 * v
        return (loglik(v + h) - loglik(v - h)) / (2 * h)

    lo, hi = 0.999 * lo, 1.001 * hi
    assert slope(lo) > 0 > slope(hi), "the maximum is not bracketed"
    for _ in range(60):  # the bracket is under 1% wide: 2^-60 of it is below rounding
        mid = (lo + hi) / 2
        if slope(mid) > 0:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


QUESTION = Question(
    id="mle/variance_mle",
    title="Maximum-likelihood noise variance",
    statement=r"""
        A regression model has been fitted, and its residuals $r_i = y_i - \hat{y}_i$ on four
        samples are ${{ r1 }}$, ${{ r2 }}$, ${{ r3 }}$ and ${{ r4 }}$. Model the residuals as
        independent draws from $\mathcal{N}(0, \sigma^2)$.

        Compute the maximum-likelihood estimate of the noise variance $\sigma^2$, to 4 significant
        figures.
    """,
    answer=Numeric(rtol=1e-3),
    params=tuple(grid(f"r{k}", "-2", "2", "0.25", exclude=("0",)) for k in range(1, M + 1)),
    tags=("gaussian", "likelihood", "variance"),
    difficulty=2,
    points=2,
)
