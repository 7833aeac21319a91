"""Gradient of the squared error through a sigmoid output (symbolic): the vanishing factor."""

from quizgen.generation.question import Derivation, Figure, Question, Step, Symbolic, Wrong, grid


def derive(s):
    import sympy as sp

    from quizgen.generation.derivations import bce_loss, mse_loss, sigmoid, sigmoid_gradient

    theta = sp.Symbol("theta", real=True)
    z = theta * s.x
    grad = s.w * sigmoid_gradient(mse_loss, theta, s.x, s.y, s.y_hat)
    bce_grad = sigmoid_gradient(bce_loss, theta, s.x, s.y, s.y_hat)
    dsig = sp.diff(sigmoid(z), theta)
    return Derivation(
        answer=grad,
        steps=(
            Step(r"""
                With $z = \theta x$ and $\hat{y} = \sigma(z) = 1/(1+e^{-z})$, the chain rule gives
                $\partial L/\partial\theta = w\,(\hat{y} - y)\,\partial\hat{y}/\partial\theta$ for
                $L = \tfrac{w}{2} (y-\hat{y})^2$ with $w = {{ w }}$.
            """, None),
            Step("Differentiating the sigmoid:", sp.Eq(sp.Symbol("\\partial \\hat{y}/\\partial \\theta"), dsig)),
            Step("Since $e^{-z} = (1-\\hat{y})/\\hat{y}$, this is $\\hat{y}(1-\\hat{y})\\,x$. Hence", grad),
            Step(r"""
                The factor $\hat{y}(1-\hat{y})$ tends to 0 as $\hat{y} \to 0$ or $1$: a confidently wrong
                prediction gets almost no gradient. The binary cross-entropy with the same weight $w$ has no
                such factor:
            """, s.w * bce_grad),
        ),
        wrong=(
            Wrong("dropped_sigmoid_derivative", s.w * bce_grad, r"""
                You left out the sigmoid's derivative $\hat{y}(1-\hat{y})$. The squared error has no logarithm
                to cancel it, so it stays; without it you have the (weighted) cross-entropy gradient, not the
                squared-error one.
            """, 0.25),
            Wrong("sign_flip", -grad, r"""
                The sign is reversed. The loss grows as $\hat{y}$ moves away from $y$, so
                $\partial L/\partial \hat{y} = w(\hat{y} - y)$, not $w(y - \hat{y})$.
            """, 0.5),
            Wrong("doubled", 2 * grad, r"""
                The $\tfrac{w}{2}$ in the loss is there so that the 2 from differentiating the square cancels,
                leaving $w(\hat{y} - y)$; this answer is twice the gradient.
            """, 0.5),
            Wrong("dropped_input", grad / s.x, r"""
                That is the gradient with respect to the logit $z$. The parameter enters through
                $z = \theta x$, so the chain rule multiplies by $\partial z/\partial\theta = x$.
            """, 0.5),
        ),
    )


def check(p, x):
    import numpy as np

    xs, y, y_hat = x["x"], x["y"], x["y_hat"]
    theta = np.log(y_hat / (1 - y_hat)) / xs  # the parameter that produces this output

    def loss(t):
        return 0.5 * p["w"] * (y - 1 / (1 + np.exp(-t * xs))) ** 2

    h = 1e-6
    return (loss(theta + h) - loss(theta - h)) / (2 * h)


QUESTION = Question(
    id="mle/sigmoid_mse_gradient",
    title="Squared error through a sigmoid",
    statement=r"""
        A binary classifier outputs $\hat{y} = \sigma(\theta x)$ with the logistic sigmoid
        $\sigma(z) = 1/(1 + e^{-z})$, and is trained with a weighted squared error
        $L = \tfrac{w}{2} (y - \hat{y})^2$, where this example's weight is $w = {{ w }}$.

        Give $\partial L / \partial \theta$ as an expression in `y`, `y_hat` and `x`.
    """,
    answer=Symbolic({"y": "real", "y_hat": "unit_interval", "x": "real"}),
    params=(grid("w", "0.1", "10", "0.1", exclude=("1",)),),
    tags=("sigmoid", "mse", "gradient"),
    difficulty=2,
    points=3,
    symbol_latex={"y_hat": "\\hat{y}"},
    figures=(
        Figure("sigmoid_slope", where="solutions",
               alt="The sigmoid sigma(z) rises from 0 to 1; its slope sigma(z)(1 - sigma(z)) peaks at 0.25 at z = 0 "
                   "and is below 0.05 for |z| above about 2.9 (shaded), where the squared-error gradient nearly vanishes."),
    ),
)
