"""Fit a line by least squares, then the maximum-likelihood noise variance is the mean squared residual (numeric)."""

from quizgen.generation.authoring import data_table
from quizgen.generation.question import Derivation, Numeric, Question, Step, Wrong, grid

M = 5
XS = (0, 1, 2, 3, 4)  # the inputs are fixed; the targets are drawn
DATA = data_table("The targets $y_i$, measured at the inputs $x_i = 0, 1, 2, 3, 4$ in this order:",
                  grid("y", "-2", "6", "0.5"), rows=M)


def derive(s):
    import sympy as sp

    from quizgen.generation.derivations import gaussian_pdf

    xs, ys = [sp.Integer(v) for v in XS], DATA.column(s, "y")
    a, b = sp.symbols("a b", real=True)
    v = sp.Symbol("v", positive=True)  # sigma^2
    log_lik = sum((sp.expand_log(sp.log(gaussian_pdf(yk, a + b * xk, sp.sqrt(v))), force=True)
                   for xk, yk in zip(xs, ys)), sp.Integer(0))
    # the line's parameters: the derivatives in a and b do not involve v once multiplied by v
    line = sp.solve([sp.diff(log_lik, a), sp.diff(log_lik, b)], [a, b], dict=True)[0]
    profile = log_lik.xreplace(line)
    (answer,) = sp.solve(sp.Eq(sp.diff(profile, v), 0), v)
    residuals = [yk - line[a] - line[b] * xk for xk, yk in zip(xs, ys)]
    rss = sum((r**2 for r in residuals), sp.Integer(0))
    assert sp.simplify(answer - rss / M) == 0
    answer = rss / M  # shown as the mean of the squared residuals
    ybar = sum(ys, sp.Integer(0)) / M
    total_ss = sum(((yk - ybar) ** 2 for yk in ys), sp.Integer(0))
    return Derivation(
        answer=answer,
        steps=(
            Step(r"""
                The log-likelihood is
                $-\frac{m}{2}\log(2\pi\sigma^2) - \frac{1}{2\sigma^2}\sum_i (y_i - a - b x_i)^2$ with $m = 5$
                and $x_i = i - 1$. For every $\sigma^2$ it is largest where the squared error is smallest, so
                the line is the least-squares line, whatever the noise level: $a = {{ values.a }}$,
                $b = {{ values.b }}$.
            """),
            Step(r"""
                With the line fixed, the log-likelihood in $\sigma^2$ is
                $-\frac{m}{2}\log\sigma^2 - \frac{\mathrm{RSS}}{2\sigma^2}$ plus a constant, where
                $\mathrm{RSS} = \sum_i (y_i - a - b x_i)^2 = {{ values.rss }}$ is the residual sum of squares.
                Its derivative is zero at $\sigma^2 = \mathrm{RSS}/m$:
            """, answer),
            Step(r"""
                The estimate divides by $m$. Since the two line parameters were fitted to the same points, the
                residuals are a little smaller than the true noise, and the unbiased estimate divides by
                $m - 2$ instead; that is a different criterion from maximum likelihood.
            """),
        ),
        wrong=(
            Wrong("unbiased_m_minus_2", rss / (M - 2), r"""
                Dividing by $m - 2$ removes the bias from fitting two parameters, which gives the unbiased
                estimate. Maximising the likelihood divides the residual sum of squares by $m$.
            """, 0.25),
            Wrong("variance_of_targets", total_ss / M, r"""
                That is the spread of the targets around their mean, before fitting the line. The noise is
                what the line does not explain: the spread of the residuals $y_i - a - b x_i$.
            """, 0.0),
            Wrong("residual_sum", rss, r"""
                That is the residual sum of squares itself; the maximum-likelihood variance is its average
                over the $m$ points.
            """, 0.25),
        ),
        values={"a": line[a], "b": line[b], "rss": rss},
    )


def check(p, x):
    import numpy as np

    from quizgen.generation.numopt import maximise

    xs, ys = np.array(XS, dtype=float), np.array(DATA.column(p, "y"))
    line = np.linalg.lstsq(np.column_stack([np.ones_like(xs), xs]), ys, rcond=None)[0]
    r = ys - (line[0] + line[1] * xs)

    def log_lik(v):  # v = sigma^2; the Gaussian log-densities of the residuals, summed
        v = np.asarray(v, dtype=float)[..., None]
        return np.sum(np.log(np.exp(-(r**2) / (2 * v)) / np.sqrt(2 * np.pi * v)), axis=-1)

    return maximise(log_lik, 1e-4, 1e3, log_scale=True)


def _not_collinear(v):
    import numpy as np

    xs, ys = np.array(XS, dtype=float), np.array(DATA.column(v, "y"), dtype=float)
    X = np.column_stack([np.ones_like(xs), xs])
    r = ys - X @ np.linalg.lstsq(X, ys, rcond=None)[0]
    return float(r @ r) > 0.1


QUESTION = Question(
    id="mle/noise_variance_after_fit",
    title="Noise variance of a fitted line",
    statement=r"""
        The model $y_i = a + b x_i + \varepsilon_i$ with independent
        $\varepsilon_i \sim \mathcal{N}(0, \sigma^2)$ is fitted to the data below by maximum
        likelihood in all three parameters $a$, $b$ and $\sigma^2$.

        Compute the maximum-likelihood estimate of the noise variance $\sigma^2$, to 4 significant
        figures.
    """,
    answer=Numeric(rtol=1e-3),
    tables=(DATA,),
    constraint=_not_collinear,
    tags=("regression", "gaussian", "variance", "least-squares", "data"),
    difficulty=3,
    points=3,
)
