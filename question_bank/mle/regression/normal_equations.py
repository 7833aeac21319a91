"""Least squares in closed form: solve the normal equations for intercept and slope on a small data set (vector)."""

from quizgen.generation.authoring import data_table
from quizgen.generation.question import Derivation, Question, Step, Vector, Wrong, grid

M = 4
DATA = data_table("The training data:", grid("x", "-2", "3", "0.5"), grid("y", "-3", "5", "0.5"), rows=M)


def derive(s):
    import sympy as sp

    xs, ys = DATA.column(s, "x"), DATA.column(s, "y")
    X = sp.Matrix([[1, xk] for xk in xs])
    Y = sp.Matrix(ys)
    gram, moment = X.T * X, X.T * Y
    a, b = sp.symbols("a b", real=True)
    sol = sp.solve(list(gram * sp.Matrix([a, b]) - moment), [a, b], dict=True)[0]
    intercept, slope = sol[a], sol[b]
    assert gram[0, 0] == M and gram[0, 1] == sum(xs) and gram[1, 1] == sum(xk**2 for xk in xs)
    n = sp.Integer(M)
    xbar, ybar = sum(xs, sp.Integer(0)) / n, sum(ys, sp.Integer(0)) / n
    sxy = sum((xk * yk for xk, yk in zip(xs, ys)), sp.Integer(0))
    sxx = sum((xk**2 for xk in xs), sp.Integer(0))
    origin = sxy / sxx  # slope of a line forced through the origin
    A, B = sp.Symbol("a"), sp.Symbol("b")
    return Derivation(
        answer=(intercept, slope),
        steps=(
            Step(r"""
                With Gaussian noise of fixed variance, maximum likelihood is least squares: minimise
                $\sum_i (y_i - a - b x_i)^2$. Write it with the design matrix $X$ (a column of ones for the
                intercept and a column of $x_i$) and set the gradient to zero; that gives the normal equations
                $X^\top X \,(a, b)^\top = X^\top y$. Here $S_x = \sum_i x_i = {{ values.sx }}$,
                $S_{xx} = \sum_i x_i^2 = {{ values.sxx }}$, $S_y = \sum_i y_i = {{ values.sy }}$ and
                $S_{xy} = \sum_i x_i y_i = {{ values.sxy }}$. The first row (the derivative in $a$) reads
            """, sp.Eq(M * A + sp.Symbol("S_x") * B, sp.Symbol("S_y"))),
            Step("The second row (the derivative in $b$) reads",
                 sp.Eq(sp.Symbol("S_x") * A + sp.Symbol("S_xx") * B, sp.Symbol("S_xy"))),
            Step(r"""
                Solving the 2×2 system (the loss is a convex quadratic, so this stationary point is its
                minimum) gives the slope ${{ values.slope }}$ and the intercept
                $a = \bar{y} - b\bar{x} = {{ values.intercept }}$.
            """),
            Step(r"""
                This closed form exists because the squared error is quadratic in $(a, b)$, so its gradient is
                linear and setting it to zero is a linear system.
            """),
        ),
        wrong=(
            Wrong("no_intercept_column", (sp.Integer(0), origin), r"""
                You left out the column of ones, which fits a line forced through the origin: slope
                $\sum_i x_i y_i / \sum_i x_i^2$ and no intercept. The model has an intercept, so $X$ needs it.
            """, 0.0),
            Wrong("uncentred_slope", (ybar - origin * xbar, origin), r"""
                The slope $\sum_i x_i y_i / \sum_i x_i^2$ belongs to a line through the origin. With an
                intercept, the slope comes from the *centred* sums:
                $\sum_i (x_i - \bar{x})(y_i - \bar{y}) / \sum_i (x_i - \bar{x})^2$.
            """, 0.25),
            Wrong("intercept_is_mean", (ybar, slope), r"""
                The slope is right, but the intercept is $\bar{y} - b\bar{x}$, the line's value at $x = 0$;
                $\bar{y}$ is its value at $x = \bar{x}$.
            """, 0.5),
        ),
        values={"sx": sum(xs, sp.Integer(0)), "sxx": sxx, "sy": sum(ys, sp.Integer(0)), "sxy": sxy,
                "slope": slope, "intercept": intercept},
    )


def check(p, x):
    import numpy as np

    xs, ys = np.array(DATA.column(p, "x")), np.array(DATA.column(p, "y"))
    # minimise the squared error by gradient descent with an exact line search (no normal equations)
    theta = np.zeros(2)
    X = np.column_stack([np.ones_like(xs), xs])
    for _ in range(10000):
        g = 2 * X.T @ (X @ theta - ys)
        if np.max(np.abs(g)) < 1e-13:
            break
        Xg = X @ g
        step = (g @ g) / (2 * (Xg @ Xg))  # the minimiser of the loss along -g
        theta = theta - step * g
    return theta


def _well_posed(v):
    xs, ys = DATA.column(v, "x"), DATA.column(v, "y")
    return len(set(xs)) >= 3 and sum(xs) != 0 and len(set(ys)) >= 2


QUESTION = Question(
    id="mle/normal_equations",
    title="Least squares by the normal equations",
    statement=r"""
        Fit the line $\hat{y} = a + b x$ to the data below by maximum likelihood, assuming
        independent Gaussian noise of a fixed variance.

        Give the intercept and the slope $(a, b)$, each to 4 significant figures.
    """,
    answer=Vector(rtol=1e-3, atol=1e-4),
    tables=(DATA,),
    constraint=_well_posed,
    tags=("regression", "least-squares", "closed-form", "normal-equations", "data"),
    difficulty=2,
    points=2,
)
