"""Noise whose spread depends on x: maximum likelihood weights each squared error by 1/sigma_i^2 (numeric)."""

from quizgen.generation.authoring import data_table
from quizgen.generation.question import Derivation, Numeric, Question, Step, Wrong, grid, pick

DATA = data_table("Inputs $x_i$, targets $y_i$ and noise levels $\\sigma_i$:",
                  grid("x", "0.5", "3", "0.5"), grid("y", "-2", "6", "0.5"), pick("s", "0.5", "1", "2", latex="\\sigma"),
                  rows=4)


def derive(s):
    import sympy as sp

    from quizgen.generation.derivations import gaussian_pdf

    w = sp.Symbol("w", real=True)
    xs, ys, ss = DATA.column(s, "x"), DATA.column(s, "y"), DATA.column(s, "s")
    nll = -sum((sp.log(gaussian_pdf(yk, w * xk, sk)) for xk, yk, sk in zip(xs, ys, ss)), sp.Integer(0))
    (answer,) = sp.solve(sp.Eq(sp.diff(nll, w), 0), w)
    sxy_w = sum((xk * yk / sk**2 for xk, yk, sk in zip(xs, ys, ss)), sp.Integer(0))
    sxx_w = sum((xk**2 / sk**2 for xk, sk in zip(xs, ss)), sp.Integer(0))
    assert sp.simplify(answer - sxy_w / sxx_w) == 0
    ols = sum((xk * yk for xk, yk in zip(xs, ys)), sp.Integer(0)) / sum((xk**2 for xk in xs), sp.Integer(0))
    by_sd = sum((xk * yk / sk for xk, yk, sk in zip(xs, ys, ss)), sp.Integer(0)) / \
        sum((xk**2 / sk for xk, sk in zip(xs, ss)), sp.Integer(0))
    inverted = sum((xk * yk * sk**2 for xk, yk, sk in zip(xs, ys, ss)), sp.Integer(0)) / \
        sum((xk**2 * sk**2 for xk, sk in zip(xs, ss)), sp.Integer(0))
    i = sp.Idx("i")
    X, Y, S = sp.IndexedBase("x"), sp.IndexedBase("y"), sp.IndexedBase("\\sigma")
    weighted = sp.Sum((Y[i] - sp.Symbol("w") * X[i]) ** 2 / (2 * S[i] ** 2), (i, 1, 4))
    return Derivation(
        answer=sxy_w / sxx_w,
        steps=(
            Step(r"""
                Each target is Gaussian around the prediction with its own spread,
                $y_i \sim \mathcal{N}(w x_i, \sigma_i^2)$. The negative log-likelihood is $\sum_i
                \bigl[\frac{(y_i - w x_i)^2}{2\sigma_i^2} + \log(\sigma_i\sqrt{2\pi})\bigr]$; the logarithms
                do not involve $w$, so maximum likelihood minimises the *weighted* squared error
            """, weighted),
            Step(r"""
                A noisy example (large $\sigma_i$) says little about $w$, so its error counts less; its weight
                is $1/\sigma_i^2$. Setting the derivative in $w$ to zero,
                $\sum_i x_i(y_i - w x_i)/\sigma_i^2 = 0$, gives
                $\hat w = \frac{\sum_i x_i y_i/\sigma_i^2}{\sum_i x_i^2/\sigma_i^2}$ with numerator
                ${{ values.num }}$ and denominator ${{ values.den }}$:
            """, sxy_w / sxx_w),
        ),
        wrong=(
            Wrong("ordinary_least_squares", ols, r"""
                That is ordinary least squares, $\sum_i x_i y_i / \sum_i x_i^2$, which treats every example as
                equally reliable. With noise levels that differ between examples the likelihood weights each
                squared error by $1/\sigma_i^2$.
            """, 0.0),
            Wrong("weights_one_over_sigma", by_sd, r"""
                The Gaussian exponent divides the squared error by the variance $\sigma_i^2$, so the weights
                are $1/\sigma_i^2$, not $1/\sigma_i$.
            """, 0.25),
            Wrong("weights_inverted", inverted, r"""
                You weighted the squared errors by $\sigma_i^2$, giving the noisiest examples the most say.
                The likelihood does the opposite: an example with a large $\sigma_i$ is trusted less, weight
                $1/\sigma_i^2$.
            """, 0.0),
        ),
        values={"num": sxy_w, "den": sxx_w},
    )


def check(p, x):
    import numpy as np

    from quizgen.generation.numopt import minimise

    xs, ys, ss = (np.array(DATA.column(p, c)) for c in ("x", "y", "s"))

    def nll(w):  # minus the sum of the Gaussian log-densities, each with its own sigma
        w = np.asarray(w, dtype=float)[..., None]
        return -np.sum(np.log(np.exp(-((ys - w * xs) ** 2) / (2 * ss**2)) / (ss * np.sqrt(2 * np.pi))), axis=-1)

    return minimise(nll, -20.0, 20.0)


def _informative(v):
    # the noise levels differ (otherwise weighting changes nothing) and the inputs are not all equal
    return len(set(DATA.column(v, "s"))) > 1 and len(set(DATA.column(v, "x"))) > 1


QUESTION = Question(
    id="mle/heteroscedastic_weighted",
    title="Unequal noise levels: a weighted loss",
    statement=r"""
        A line through the origin, $\hat{y} = w x$, is fitted to the data below. The measurements
        were taken with instruments of different precision: target $y_i$ is modelled as
        $\mathcal{N}(w x_i, \sigma_i^2)$ with the noise level $\sigma_i$ given for each row, all
        independent.

        Compute the maximum-likelihood estimate of $w$, to 4 significant figures.
    """,
    answer=Numeric(rtol=1e-3),
    tables=(DATA,),
    constraint=_informative,
    tags=("regression", "heteroscedastic", "weighted-least-squares", "likelihood", "data"),
    difficulty=3,
    points=2,
)
