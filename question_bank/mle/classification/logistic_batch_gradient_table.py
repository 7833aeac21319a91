"""The batch gradient X^T(q - y)/m of logistic regression on a small data table (vector answer, data table)."""

from quizgen.generation.authoring import labelled_inputs
from quizgen.generation.question import Derivation, Question, Step, Vector, Wrong, grid

DATA = labelled_inputs("The training set ($m = 4$):", rows=4, indexed=False, x=grid("x", "-2", "2", "0.5"))


def derive(s):
    import sympy as sp

    from quizgen.generation.derivations import bce_loss, sigmoid

    xs, ys = DATA.column(s, "x"), DATA.column(s, "y")
    m = len(xs)
    b, w = s.b, s.w
    q = [sigmoid(b + w * x) for x in xs]
    cost = sum(bce_loss(y, qi) for y, qi in zip(ys, q)) / m  # the average negative log-likelihood
    grad = (sp.diff(cost, b), sp.diff(cost, w))
    # the derivation's result is the matrix form X^T (q - y) / m, with a column of ones for the bias
    X = sp.Matrix([[1, x] for x in xs])
    residual = sp.Matrix([qi - y for qi, y in zip(q, ys)])
    closed = X.T * residual / m
    for g, c in zip(grad, closed):
        point = {b: sp.Rational(1, 3), w: sp.Rational(-1, 2), **{x: sp.Rational(k, 2) for k, x in enumerate(xs)},
                 **{y: k % 2 for k, y in enumerate(ys)}}
        assert abs(sp.N((g - c).subs(point))) < 1e-12
    sum_not_mean = tuple(c * m for c in closed)
    sign_flip = tuple(-c for c in closed)
    mse_factor = tuple((X.T * sp.Matrix([(qi - y) * qi * (1 - qi) for qi, y in zip(q, ys)]) / m))
    weighted = sum((qi - y) * x for qi, y, x in zip(q, ys, xs)) / m
    no_bias_column = (weighted, weighted)  # x_i used for the bias as well
    return Derivation(
        answer=tuple(closed),
        steps=(
            Step(r"""
                The model predicts $q_i = \sigma(b + w x_i)$; for these parameters
                $q = ({{ values.q1 }}, {{ values.q2 }}, {{ values.q3 }}, {{ values.q4 }})$.
            """),
            Step(r"""
                The cost is the average binary cross-entropy, the negative log-likelihood of the Bernoulli
                labels divided by $m$. Since $\partial \ell_i / \partial z_i = q_i - y_i$ for
                $z_i = b + w x_i$, the chain rule gives, with a column of ones in $X$ for the bias,
            """, sp.Eq(sp.Symbol("\\nabla J"), sp.Symbol("\\frac{1}{m} X^{\\top}(q - y)"))),
            Step(r"""
                So $\partial J/\partial b$ is the mean residual $q_i - y_i$ and $\partial J/\partial w$ the
                mean of residual times $x_i$: $({{ values.db }}, {{ values.dw }})$.
            """),
        ),
        wrong=(
            Wrong("sum_not_mean", sum_not_mean, r"""
                That is $X^{\top}(q - y)$ without dividing by $m = 4$: the gradient of the summed loss, not of
                the average cost $J$.
            """, 0.5),
            Wrong("sign_flip", sign_flip, r"""
                That is $X^{\top}(y - q)/m$, the gradient of the log-likelihood (to be maximised); the cost's
                gradient is $X^{\top}(q - y)/m$.
            """, 0.25),
            Wrong("mse_factor", mse_factor, r"""
                The factor $q_i(1 - q_i)$ belongs to the squared-error loss on a sigmoid. With cross-entropy
                it cancels, leaving $q_i - y_i$.
            """, 0.0),
            Wrong("no_bias_column", no_bias_column,
                  "The bias's derivative is the mean residual itself: its column of $X$ is all ones, not $x_i$.", 0.0),
        ),
        values={**{f"q{i}": qi for i, qi in enumerate(q, 1)}, "db": closed[0], "dw": closed[1]},
    )


def check(p, x):
    import numpy as np

    xs, ys = np.array(DATA.column(p, "x")), np.array(DATA.column(p, "y"))

    def cost(b, w):  # average negative log-likelihood of the labels, as a direct sum
        prob = 1 / (1 + np.exp(-(b + w * xs)))
        return -np.mean(np.where(ys == 1, np.log(prob), np.log(1 - prob)))

    def central(f, h):
        return (f(h) - f(-h)) / (2 * h)

    def richardson(f):
        h = 1e-3
        return (4 * central(f, h) - central(f, 2 * h)) / 3

    b, w = p["b"], p["w"]
    return np.array([richardson(lambda h: cost(b + h, w)), richardson(lambda h: cost(b, w + h))])


QUESTION = Question(
    id="mle/logistic_batch_gradient_table",
    title="Batch gradient of logistic regression",
    statement=r"""
        A logistic regression model $P(y = 1 \mid x) = \sigma(b + w x)$ with $b = {{ b }}$ and
        $w = {{ w }}$ is trained by minimising the average binary cross-entropy $J(b, w)$ over the
        data set below.

        Compute the gradient $\left(\partial J/\partial b,\ \partial J/\partial w\right)$ at these
        parameters, to 4 significant figures.
    """,
    answer=Vector(rtol=1e-3, atol=1e-4),
    params=(grid("b", "-1", "1", "0.5"), grid("w", "-1.5", "1.5", "0.5", exclude=("0",))),
    tables=(DATA,),
    constraint=lambda p: 0 < sum(DATA.column(p, "y")) < 4 and len(set(DATA.column(p, "x"))) == 4,
    tags=("logistic-regression", "gradient", "cross-entropy", "data"),
    difficulty=2,
    points=2,
)
