"""Laplace noise gives the mean absolute error, derived line by line."""

from quizgen.generation.question import Derivation, Detect, Question, Steps, Wrong, data, grid, maximise, minimise, param

START = "prod(exp(-abs(y_i - y_hat_i)/{{ b }})/(2*{{ b }}), i, 1, m)"
SAE = "sum(abs(y_i - y_hat_i), i, 1, m)"


def derive(s):
    return Derivation(
        answer=(
            maximise("sum(-abs(y_i - y_hat_i)/{{ b }} - log(2*{{ b }}), i, 1, m)",
                     "Take the log (increasing): $\\log\\left(e^{-|r|/b}/(2b)\\right) = -|r|/b - \\log 2b$."),
            minimise(SAE + "/{{ b }} + m*log(2*{{ b }})", "Negate: the maximum becomes a minimum."),
            minimise(SAE, "Drop $m\\log 2b$ (constant in the parameters) and multiply by $b > 0$."),
            minimise(SAE + "/m", "Divide by $m$: the mean absolute error."),
        ),
        wrong=(
            Wrong("squared_error", (minimise("sum((y_i - y_hat_i)^2, i, 1, m)"),),
                  "Squared errors come from Gaussian noise; the Laplace density has $|y - \\hat y|$ in its exponent."),
            Wrong("dropped_abs", (minimise("sum(y_i - y_hat_i, i, 1, m)"), maximise("sum(y_i - y_hat_i, i, 1, m)")),
                  "Without the absolute value the residuals of opposite signs cancel and the sum is not bounded below."),
            Wrong("sign_flip", Detect("sign_flip"), "Negating the log-likelihood turns its maximum into a minimum: write min."),
        ),
    )


def check(p, x):
    import numpy as np

    b = p["b"]
    y, y_hat = x["y"], x["y_hat"]
    return {"start": np.prod(np.exp(-np.abs(y - y_hat) / b) / (2 * b), axis=1), "final": np.sum(np.abs(y - y_hat), axis=1)}


QUESTION = Question(
    id="mle/laplace_mae_derivation",
    title="Laplace noise and the absolute error",
    statement=r"""
        Targets are modelled as $y_i = \hat y_i + \varepsilon_i$ with independent Laplace noise of
        scale $b = {{ b }}$, density $\frac{1}{2b} e^{-|\varepsilon|/b}$. Maximum likelihood is

        $${{ values.start }}$$

        Derive, one step per line, the loss this minimises.
    """,
    answer=Steps(
        symbols={"y": data(over="m"), "y_hat": param(over="m")},
        start=maximise(START),
        final=minimise(SAE),
        final_description="a positive multiple of $\\sum_i |y_i - \\hat y_i|$ plus a constant",
        min_lines=3,
    ),
    params=(grid("b", "0.25", "10", "0.25"),),
    tags=("laplace", "mae", "likelihood", "derivation"),
    difficulty=2,
    points=3,
)
