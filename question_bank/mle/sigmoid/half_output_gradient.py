"""A sigmoid output initialised at 0.5 still learns under squared error: the first gradient (numeric)."""

from quizgen.generation.authoring import labelled_inputs
from quizgen.generation.question import Derivation, Numeric, Question, Step, Wrong, grid

M = 4  # training examples

DATA = labelled_inputs("The training examples:", rows=M, indexed=False, x=grid("x", "-2", "2", "0.1", exclude=("0",)))


def derive(s):
    import sympy as sp

    from quizgen.generation.derivations import bce_loss, mse_loss, sigmoid

    w, b = sp.symbols("w b", real=True)
    xs = [getattr(s, f"x{i}") for i in range(1, M + 1)]
    ys = [getattr(s, f"y{i}") for i in range(1, M + 1)]
    at_zero = {w: 0, b: 0}

    def mean_loss(loss):
        return sum((loss(yi, sigmoid(w * xi + b)) for xi, yi in zip(xs, ys)), sp.Integer(0)) / M

    grad = sp.diff(mean_loss(mse_loss), w).subs(at_zero)
    grad_bce = sp.diff(mean_loss(bce_loss), w).subs(at_zero)
    slope0 = sp.diff(sigmoid(w), w).subs(w, 0)
    assert slope0 == sp.Rational(1, 4)
    # the form a person writes: (1/m) sum (y_hat - y) * sigma'(0) * x with y_hat = 1/2
    readable = sum(((sp.Rational(1, 2) - yi) * slope0 * xi for xi, yi in zip(xs, ys)), sp.Integer(0)) / M
    assert sp.simplify(readable - grad) == 0
    return Derivation(
        answer=readable,
        steps=(
            Step(r"""
                With $w = b = 0$ every logit is $z = 0$, so every output is $\hat{y} = \sigma(0) = 1/2$. The
                loss is $L = \frac{1}{m}\sum_i \tfrac12(\hat{y}_i - y_i)^2$ with $m = 4$, and the chain rule
                gives $\partial L/\partial w = \frac{1}{m}\sum_i (\hat{y}_i - y_i)\,\sigma'(z_i)\,x_i$.
            """),
            Step(r"""
                The sigmoid's slope at 0 is its largest, $\sigma'(0) = \sigma(0)(1 - \sigma(0)) = 1/4$, so
                nothing is saturated yet. Term by term:
            """, readable),
            Step(r"""
                That is ${{ values.grad }}$, not zero: every error $1/2 - y_i$ is $\pm 1/2$, so the output
                starting at $0.5$ is no obstacle to learning. Squared error on a sigmoid only stalls when an
                output sits near 0 or 1 (where $\sigma'$ is tiny), and an output of $0.5$ is as far from that
                as it can be. With binary cross-entropy the gradient would be four times larger,
                ${{ values.bce }}$, because the factor $1/4$ cancels there.
            """),
        ),
        wrong=(
            Wrong("no_gradient_at_half", sp.Integer(0), r"""
                An output of $0.5$ is not a stationary point. The errors $1/2 - y_i$ are $\pm 1/2$ and the
                sigmoid's slope there is $1/4$, its largest value; they cancel only if the $(1/2 - y_i)x_i$
                happen to sum to zero, which they do not here.
            """, 0.0),
            Wrong("cross_entropy_gradient", grad_bce, r"""
                That is the gradient of the binary cross-entropy, where the sigmoid's slope cancels. The
                squared error keeps the factor $\sigma'(0) = 1/4$.
            """, 0.25),
            Wrong("gradient_in_bias", sp.diff(mean_loss(mse_loss), b).subs(at_zero), r"""
                That is $\partial L/\partial b$: each term lacks its input $x_i$. The logit is
                $z_i = w x_i + b$, so the chain rule through $w$ multiplies each term by
                $\partial z_i/\partial w = x_i$.
            """, 0.25),
            Wrong("sign_flip", -readable, r"""
                The sign is reversed: $\partial L/\partial\hat{y} = \hat{y} - y$, which is positive when the
                output is above the label, not $y - \hat{y}$.
            """, 0.25),
        ),
        values={"grad": grad, "bce": grad_bce},
    )


def check(p, x):
    import numpy as np

    X = np.array([p[f"x{i}"] for i in range(1, M + 1)])
    Y = np.array([p[f"y{i}"] for i in range(1, M + 1)])

    def loss(w):
        out = 1 / (1 + np.exp(-w * X))
        return np.mean(0.5 * (out - Y) ** 2)

    h = 1e-4
    return (-loss(2 * h) + 8 * loss(h) - 8 * loss(-h) + loss(-2 * h)) / (12 * h)


QUESTION = Question(
    id="mle/half_output_gradient",
    title="A sigmoid output starting at 0.5",
    statement=r"""
        A logistic unit $\hat{y} = \sigma(w x + b)$ with $\sigma(z) = 1/(1 + e^{-z})$ is initialised
        with $w = 0$ and $b = 0$, so it outputs $0.5$ for every input. It is trained on the squared
        error $L = \frac{1}{4}\sum_{i=1}^{4} \tfrac12(\hat{y}_i - y_i)^2$ over the four examples
        $(x_i, y_i)$ in the table below.

        Compute $\partial L/\partial w$ at the initial parameters, to 4 significant figures.
    """,
    answer=Numeric(rtol=1e-3),
    tables=(DATA,),
    tags=("sigmoid", "mse", "gradient", "initialisation"),
    difficulty=2,
    points=2,
)
