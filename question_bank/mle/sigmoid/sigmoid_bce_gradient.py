"""Gradient of binary cross-entropy through a sigmoid output (symbolic): no vanishing factor."""

from quizgen.generation.question import Derivation, Figure, Question, Step, Symbolic, Wrong, grid


def derive(s):
    import sympy as sp

    from quizgen.generation.derivations import bce_loss, in_terms_of_output, mse_loss, sigmoid, sigmoid_gradient

    theta = sp.Symbol("theta", real=True)
    z = theta * s.x
    grad = s.w * sigmoid_gradient(bce_loss, theta, s.x, s.y, s.y_hat)
    mse_grad = s.w * sigmoid_gradient(mse_loss, theta, s.x, s.y, s.y_hat)
    dloss = sp.factor(sp.together(sp.diff(s.w * bce_loss(s.y, s.y_hat), s.y_hat)))
    dout = in_terms_of_output(sp.diff(sigmoid(z), theta), z, s.y_hat)
    return Derivation(
        answer=grad,
        steps=(
            Step(r"""
                With $z = \theta x$ and $\hat{y} = \sigma(z)$, the chain rule splits the derivative as
                $\frac{\partial L}{\partial \hat{y}} \cdot \frac{\partial \hat{y}}{\partial \theta}$.
            """),
            Step("Differentiating $L = w\\,(-y\\log\\hat{y} - (1-y)\\log(1-\\hat{y}))$ with $w = {{ w }}$ in $\\hat{y}$:",
                 sp.Eq(sp.Symbol("\\partial L / \\partial \\hat{y}"), dloss)),
            Step("The sigmoid's derivative, written with its output ($e^{-z} = (1-\\hat{y})/\\hat{y}$):",
                 sp.Eq(sp.Symbol("\\partial \\hat{y} / \\partial \\theta"), dout)),
            Step(r"""
                The product: the $\hat{y}(1-\hat{y})$ cancels the denominator, so the gradient is proportional
                to the error $\hat{y} - y$ (times the weight) and stays large when the prediction is
                confidently wrong.
            """, grad),
        ),
        wrong=(
            Wrong("squared_error_shape", mse_grad, r"""
                The factor $\hat{y}(1-\hat{y})$ belongs to the squared-error gradient through a sigmoid. With
                cross-entropy it cancels against the $1/(\hat{y}(1-\hat{y}))$ of $\partial L/\partial\hat{y}$.
            """, 0.25),
            Wrong("sign_flip", -grad, r"""
                The sign is reversed. The loss falls as $\hat{y}$ moves towards $y$, so
                $\partial L/\partial\hat{y}$ has the sign of $\hat{y} - y$, and the gradient is
                $w(\hat{y} - y)x$, not $w(y - \hat{y})x$.
            """, 0.5),
            Wrong("dropped_input", grad / s.x, r"""
                That is $\partial L/\partial z$, the gradient with respect to the logit. The parameter enters
                through $z = \theta x$, so the chain rule multiplies by $\partial z/\partial\theta = x$.
            """, 0.5),
            Wrong("divided_by_sigmoid_derivative", grad / (s.y_hat * (1 - s.y_hat)), r"""
                The sigmoid's derivative $\hat{y}(1-\hat{y})x$ multiplies $\partial L/\partial\hat{y}$ and
                cancels its denominator $\hat{y}(1-\hat{y})$; you divided by that factor instead of letting it
                cancel.
            """, 0.25),
        ),
    )


def check(p, x):
    import numpy as np

    xs, y, y_hat = x["x"], x["y"], x["y_hat"]
    theta = np.log(y_hat / (1 - y_hat)) / xs  # the parameter that produces this output

    def loss(t):
        out = 1 / (1 + np.exp(-t * xs))
        return -p["w"] * (y * np.log(out) + (1 - y) * np.log(1 - out))

    h = 1e-6
    return (loss(theta + h) - loss(theta - h)) / (2 * h)


QUESTION = Question(
    id="mle/sigmoid_bce_gradient",
    title="Binary cross-entropy through a sigmoid",
    statement=r"""
        A binary classifier outputs $\hat{y} = \sigma(\theta x)$ with the logistic sigmoid
        $\sigma(z) = 1/(1 + e^{-z})$, and is trained with a per-example weighted binary
        cross-entropy $L = w\,\bigl(-y \log \hat{y} - (1 - y) \log(1 - \hat{y})\bigr)$, where
        $w = {{ w }}$ is the weight given to this one example (for instance an importance weight).

        Give $\partial L / \partial \theta$ as an expression in `y`, `y_hat` and `x`.
    """,
    answer=Symbolic({"y": "real", "y_hat": "unit_interval", "x": "real"}),
    params=(grid("w", "0.1", "10", "0.1", exclude=("1",)),),
    tags=("sigmoid", "cross-entropy", "gradient"),
    difficulty=2,
    points=2,
    symbol_latex={"y_hat": "\\hat{y}"},
    figures=(
        Figure("loss_vs_output", where="solutions",
               alt="For a label y = 1, the cross-entropy -log(y_hat) grows without bound as y_hat goes to 0, while "
                   "the squared error (1 - y_hat)^2/2 levels off at 0.5: a confidently wrong output is punished "
                   "far harder by cross-entropy."),
    ),
)
