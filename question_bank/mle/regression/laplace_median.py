"""Laplace noise makes maximum likelihood minimise absolute errors: the best constant is the median (numeric)."""

from quizgen.generation.question import Derivation, Numeric, Question, Step, Wrong, grid

# the sheet lists the sorted targets y1 < y2 < ... < y5 shuffled: y2, y5, y1, y4, y3


def derive(s):
    import sympy as sp

    c = sp.Symbol("c", real=True)
    b = s.b
    gaps = [s.g1, s.g2, s.g3, s.g4]  # positive gaps between consecutive sorted values
    mid = s.mid
    ys = [mid - gaps[0] - gaps[1], mid - gaps[1], mid, mid + gaps[2], mid + gaps[2] + gaps[3]]
    # negative log-likelihood of the Laplace density exp(-|y - c|/b) / (2b), summed over the five targets
    nll = sum((sp.Abs(yk - c) / b + sp.log(2 * b) for yk in ys), sp.Integer(0))
    slope = sp.diff(nll, c)  # a sum of sign(c - y_i) / b
    just_below, just_above = mid - gaps[1] / 2, mid + gaps[2] / 2
    left, right = sp.simplify(slope.subs(c, just_below)), sp.simplify(slope.subs(c, just_above))
    assert left.is_negative and right.is_positive, (left, right)  # the NLL falls, then rises: minimum at mid
    mean = sum(ys, sp.Integer(0)) / 5
    midrange = (ys[0] + ys[4]) / 2
    return Derivation(
        answer=mid,
        steps=(
            Step(r"""
                Each target is $y_i = c + \varepsilon_i$ with Laplace noise of density
                $\frac{1}{2b}e^{-|\varepsilon|/b}$. The negative log-likelihood of the five targets is
                $\sum_i |y_i - c|/b + 5\log(2b)$: up to the factor $1/b$ and a constant, the sum of absolute
                errors. So maximum likelihood under Laplace noise is minimising the mean absolute error.
            """),
            Step(r"""
                The derivative of $|y_i - c|$ in $c$ is $+1$ when $c > y_i$ and $-1$ when $c < y_i$. So the
                slope of the NLL is (number of targets below $c$ minus number above $c$)$/b$: with the sorted
                targets ${{ values.y1 }}, {{ values.y2 }}, {{ values.y3 }}, {{ values.y4 }}, {{ values.y5 }}$,
                just below the middle value it is
            """, sp.Eq(sp.Symbol("\\text{slope}"), left)),
            Step("Just above the middle value it is", sp.Eq(sp.Symbol("\\text{slope}"), right)),
            Step(r"""
                The NLL falls until $c$ reaches the middle value and rises after it, so the maximum-likelihood
                constant is the median. Unlike the mean, it does not move when the largest target moves
                further out: absolute errors penalise an outlier linearly, not quadratically.
            """, mid),
        ),
        wrong=(
            Wrong("mean", mean, r"""
                The mean is the maximum-likelihood constant under *Gaussian* noise, where the NLL is a sum of
                squared errors. Laplace noise gives a sum of absolute errors, which is minimised by the
                median.
            """, 0.0),
            Wrong("midrange", midrange, r"""
                The midpoint of the smallest and largest target minimises the *largest* absolute error, not
                their sum. The sum of absolute errors is minimised by the median.
            """, 0.0),
        ),
        values={f"y{k}": yk for k, yk in enumerate(ys, 1)},
    )


def check(p, x):
    import numpy as np

    from quizgen.generation.numopt import minimise

    mid, b = p["mid"], p["b"]
    g = [p[f"g{k}"] for k in range(1, 5)]
    ys = np.array([mid - g[0] - g[1], mid - g[1], mid, mid + g[2], mid + g[2] + g[3]])

    def nll(c):  # minus the sum of the log Laplace densities
        c = np.asarray(c, dtype=float)[..., None]
        return -np.sum(np.log(np.exp(-np.abs(ys - c) / b) / (2 * b)), axis=-1)

    return minimise(nll, ys.min() - 1, ys.max() + 1, smooth=False)


QUESTION = Question(
    id="mle/laplace_median",
    title="Laplace noise and the best constant",
    statement=r"""
        A model predicts the same value $c$ for every example, and the targets are assumed to be
        $y_i = c + \varepsilon_i$ with independent Laplace noise, density
        $p(\varepsilon) = \frac{1}{2b}e^{-|\varepsilon|/b}$ with $b = {{ b }}$. The five targets are
        ${{ values.y2 }}$, ${{ values.y5 }}$, ${{ values.y1 }}$, ${{ values.y4 }}$ and
        ${{ values.y3 }}$.

        Compute the maximum-likelihood estimate of $c$.
    """,
    answer=Numeric(rtol=1e-3, atol=1e-3),
    params=(
        grid("mid", "-2", "4", "0.1", exclude=("-1", "0", "1")),
        *(grid(f"g{k}", "0.5", "3", "0.5") for k in range(1, 5)),
        grid("b", "0.5", "2", "0.5"),
    ),
    tags=("regression", "laplace", "mae", "median", "likelihood"),
    difficulty=2,
    points=2,
)
