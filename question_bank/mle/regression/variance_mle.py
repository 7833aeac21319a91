"""Maximum-likelihood estimate of the Gaussian noise variance from residuals (numeric)."""

from quizgen.question import Derivation, Numeric, Question, Step, Wrong, grid

M = 4  # number of residuals on the sheet


def derive(s):
    import sympy as sp

    from quizgen.derivations import gaussian_variance_mle

    general, S = gaussian_variance_mle(sp.Symbol("m", positive=True, integer=True))
    estimate, S4 = gaussian_variance_mle(M)
    residuals = [getattr(s, f"r{k}") for k in range(1, M + 1)]
    rss = sum((r**2 for r in residuals), sp.Integer(0))
    answer = estimate.xreplace({S4: rss})
    sd = sp.Symbol("sigma", positive=True)
    ll = -M * sp.log(sd) - sp.Rational(M, 2) * sp.log(2 * sp.pi) - S4 / (2 * sd**2)
    return Derivation(
        answer=answer,
        steps=(
            Step("With $S = \\sum_i r_i^2$, the log-likelihood of the residuals under $\\mathcal{N}(0, \\sigma^2)$ "
                 "is, as a function of $\\sigma$ (with $m = 4$),", ll),
            Step("Setting its derivative in $\\sigma$ to zero,", sp.Eq(sp.diff(ll, sd), 0)),
            Step("gives $\\sigma^2 = S/m$ in general, the mean squared residual:", sp.Eq(sp.Symbol("\\hat{\\sigma}^2"), general)),
            Step("Here $S = {{ values.rss }}$ over $m = 4$ residuals, so", answer),
        ),
        wrong=(
            Wrong("unbiased_divisor", rss / (M - 1),
                  "Dividing by $m - 1$ gives the unbiased sample variance. Maximising the likelihood divides by "
                  "$m$; the question asks for the maximum-likelihood estimate.", 0.5),
            Wrong("standard_deviation", sp.sqrt(answer),
                  "That is the estimate of $\\sigma$, the square root of what was asked; the question asks for the "
                  "variance $\\sigma^2$.", 0.5),
            Wrong("sum_not_mean", rss,
                  "You stopped at the sum of squared residuals; the maximum-likelihood variance is that sum divided "
                  "by the number of residuals.", 0.25),
            Wrong("mean_absolute_residual", sum((sp.Abs(r) for r in residuals), sp.Integer(0)) / M,
                  "The Gaussian likelihood involves squared residuals; averaging their absolute values does not "
                  "maximise it.", 0.0),
        ),
        values={"rss": rss},
    )


def check(p, x):
    import numpy as np

    r = np.array([p[f"r{k}"] for k in range(1, M + 1)])

    def loglik(v):  # v = sigma^2, a number or an array of candidates
        v = np.asarray(v, dtype=float)[..., None]
        return np.sum(-(r**2) / (2 * v) - 0.5 * np.log(2 * np.pi * v), axis=-1)  # log of each normal density

    # coarse scan, then golden-section search for the maximum ...
    grid_v = np.geomspace(1e-3, 1e3, 4001)
    j = int(np.argmax(loglik(grid_v)))
    lo, hi = grid_v[max(j - 1, 0)], grid_v[min(j + 1, len(grid_v) - 1)]
    g = (np.sqrt(5) - 1) / 2
    for _ in range(60):
        a, b = hi - g * (hi - lo), lo + g * (hi - lo)
        if loglik(a) > loglik(b):
            hi = b
        else:
            lo = a

    # ... then bisection on the sign of a central finite difference, for full precision
    def slope(v):
        h = 1e-5 * v
        return (loglik(v + h) - loglik(v - h)) / (2 * h)

    lo, hi = 0.999 * lo, 1.001 * hi
    assert slope(lo) > 0 > slope(hi), "the maximum is not bracketed"
    for _ in range(80):
        mid = (lo + hi) / 2
        if slope(mid) > 0:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


QUESTION = Question(
    id="mle/variance_mle",
    title="Maximum-likelihood noise variance",
    statement=(
        "A regression model has been fitted, and its residuals $r_i = y_i - \\hat{y}_i$ on four samples are "
        "${{ r1 }}$, ${{ r2 }}$, ${{ r3 }}$ and ${{ r4 }}$. Model the residuals as independent draws from "
        "$\\mathcal{N}(0, \\sigma^2)$.\n\n"
        "Compute the maximum-likelihood estimate of the noise variance $\\sigma^2$, to 4 significant figures."
    ),
    answer=Numeric(rtol=1e-3),
    derive=derive,
    check=check,
    params=tuple(grid(f"r{k}", "-2", "2", "0.25", exclude=("0",)) for k in range(1, M + 1)),
    tags=("gaussian", "likelihood", "variance"),
    difficulty=2,
    points=2,
)
