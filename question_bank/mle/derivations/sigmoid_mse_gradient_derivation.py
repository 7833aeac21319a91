"""The gradient of the squared error through a sigmoid, derived line by line (each line an equality)."""

from quizgen.generation.question import Derivation, Question, Steps, Wrong, data, grid, minimise, param

START = "diff((sigmoid(theta*x + {{ b }}) - y)^2/2, theta)"
FINAL = "(y_hat - y)*y_hat*(1 - y_hat)*x"


def derive(s):
    return Derivation(
        answer=(
            minimise("(sigmoid(theta*x + {{ b }}) - y)*diff(sigmoid(theta*x + {{ b }}), theta)", "Chain rule on the square: $\\frac{d}{du}\\tfrac12 u^2 = u$."),
            minimise("(sigmoid(theta*x + {{ b }}) - y)*sigmoid(theta*x + {{ b }})*(1 - sigmoid(theta*x + {{ b }}))*x",
                     "$\\sigma'(z) = \\sigma(z)(1 - \\sigma(z))$, and the inner derivative $\\partial(\\theta x + b)/\\partial\\theta = x$."),
            minimise(FINAL, "Write $\\hat y = \\sigma(\\theta x)$."),
        ),
        wrong=(
            Wrong("dropped_sigmoid_derivative", (minimise("(y_hat - y)*x"),), r"""
                That is the gradient of the cross-entropy. Through the squared error the sigmoid's derivative
                $\hat y(1 - \hat y)$ stays: the factor is not constant, and it vanishes when the sigmoid
                saturates.
            """),
            Wrong("dropped_inner_derivative", (minimise("(y_hat - y)*y_hat*(1 - y_hat)"),),
                  "The chain rule goes one level further in: $\\partial(\\theta x + b)/\\partial\\theta = x$."),
            Wrong("sign_flip", (minimise("(y - y_hat)*y_hat*(1 - y_hat)*x"),),
                  "The derivative of $\\tfrac12(\\hat y - y)^2$ in $\\hat y$ is $\\hat y - y$, not $y - \\hat y$."),
            Wrong("sigmoid_derivative_wrong", (minimise("(y_hat - y)*y_hat*x"), minimise("(y_hat - y)*(1 - y_hat)*x")),
                  "$\\sigma'(z) = \\sigma(z)\\,(1 - \\sigma(z))$: both factors."),
        ),
    )


def check(p, x):
    import numpy as np

    theta, xv, y, b = x["theta"], x["x"], x["y"], p["b"]
    h = 1e-5

    def loss(t):
        return (1 / (1 + np.exp(-(t * xv + b))) - y) ** 2 / 2

    y_hat = 1 / (1 + np.exp(-(theta * xv + b)))
    return {"start": (loss(theta + h) - loss(theta - h)) / (2 * h), "final": (y_hat - y) * y_hat * (1 - y_hat) * xv}


QUESTION = Question(
    id="mle/sigmoid_mse_gradient_derivation",
    title="Gradient of the squared error through a sigmoid",
    statement=r"""
        A one-weight model with a fixed bias predicts $\hat y = \sigma(\theta x + {{ b }})$ and is
        trained with the squared error $\tfrac12(\hat y - y)^2$. Its gradient is

        $${{ values.start }}$$

        Derive it, one step per line, each line equal to the one before, down to an expression in
        $\hat y$, $y$ and $x$ (write $\sigma$ as `sigmoid`, the derivative as `diff(…, theta)` if
        you need it).
    """,
    answer=Steps(
        symbols={"x": data(), "y": data("unit_interval"), "theta": param(), "y_hat": data()},
        define={"y_hat": "sigmoid(theta*x + {{ b }})"},
        sizes={},
        start=minimise(START),
        final=minimise(FINAL),
        relation="equal",
        final_description="$(\\hat y - y)\\,\\hat y\\,(1 - \\hat y)\\,x$",
        moves="equality",
        min_lines=2,
        answer_lines=5,
    ),
    params=(grid("b", "-3", "3", "0.2", exclude=("0",)),),
    tags=("sigmoid", "gradient", "mse", "derivation"),
    difficulty=2,
    points=3,
)
