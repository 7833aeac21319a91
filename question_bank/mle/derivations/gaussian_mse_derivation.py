"""From the Gaussian likelihood to the mean squared error, derived line by line (σ fixed)."""

from quizgen.generation.question import Derivation, Detect, Question, Steps, Wrong, data, grid, maximise, minimise, param

START = "prod(exp(-(y_i - y_hat_i)^2/(2*{{ sd }}^2))/sqrt(2*pi*{{ sd }}^2), i, 1, m)"
SSE = "sum((y_i - y_hat_i)^2, i, 1, m)"


def derive(s):
    return Derivation(
        answer=(
            maximise("sum(log(exp(-(y_i - y_hat_i)^2/(2*{{ sd }}^2))/sqrt(2*pi*{{ sd }}^2)), i, 1, m)",
                     "The logarithm is increasing, so it keeps the maximiser; the log of the product is the sum of the logs."),
            maximise("sum(-(y_i - y_hat_i)^2/(2*{{ sd }}^2) - log({{ sd }}) - log(2*pi)/2, i, 1, m)",
                     "Algebra: $\\log e^{u} = u$ and $\\log\\sqrt{2\\pi\\sigma^2} = \\log\\sigma + \\tfrac12\\log 2\\pi$."),
            minimise("sum((y_i - y_hat_i)^2, i, 1, m)/(2*{{ sd }}^2) + m*log({{ sd }}) + m*log(2*pi)/2",
                     "Negate, and the maximum becomes a minimum: the negative log-likelihood."),
            minimise(SSE, "With $\\sigma$ fixed, $m\\log\\sigma + \\tfrac m2 \\log 2\\pi$ is constant in the parameters: drop it, "
                          "and multiply by $2\\sigma^2 > 0$."),
            minimise(SSE + "/m", "Divide by $m > 0$: the mean squared error."),
        ),
        wrong=(
            Wrong("sign_flip", Detect("sign_flip"),
                  "Negating the log-likelihood turns its maximum into a minimum: write min on the line where the sign changes."),
            Wrong("switch_without_negation", Detect("switch_without_negation"),
                  "A maximum becomes a minimum only by negating the objective; switching the word alone changes the problem."),
            Wrong("sum_of_densities", (maximise("sum(exp(-(y_i - y_hat_i)^2/(2*{{ sd }}^2))/sqrt(2*pi*{{ sd }}^2), i, 1, m)"),),
                  "The log of a product is the sum of the logs of the factors, not the sum of the factors."),
            Wrong("absolute_error", (minimise("sum(abs(y_i - y_hat_i), i, 1, m)"),),
                  "Absolute errors come from Laplace noise; Gaussian noise gives squared errors."),
            Wrong("unsquared_residual", (minimise("sum(y_i - y_hat_i, i, 1, m)"), maximise("sum(y_i - y_hat_i, i, 1, m)")),
                  "The Gaussian density has the squared residual $(y_i - \\hat y_i)^2$ in its exponent; without the square the sum is not bounded below."),
        ),
    )


def check(p, x):
    import numpy as np

    y, y_hat, sigma = x["y"], x["y_hat"], p["sd"]
    density = np.exp(-((y - y_hat) ** 2) / (2 * sigma**2)) / np.sqrt(2 * np.pi * sigma**2)
    return {"start": np.prod(density, axis=1), "final": np.sum((y - y_hat) ** 2, axis=1)}


QUESTION = Question(
    id="mle/gaussian_mse_derivation",
    title="Derive the MSE from the Gaussian likelihood",
    statement=r"""
        A regression model predicts $\hat y_i$ for targets $y_1, \dots, y_m$, modelled as
        $y_i = \hat y_i + \varepsilon_i$ with independent noise
        $\varepsilon_i \sim \mathcal{N}(0, \sigma^2)$ of known standard deviation
        $\sigma = {{ sd }}$. Maximum likelihood is

        $${{ values.start }}$$

        Derive, one step per line, that this is the same as minimising the mean squared error.
    """,
    answer=Steps(
        symbols={"y": data(over="m"), "y_hat": param(over="m")},
        start=maximise(START),
        final=minimise(SSE),
        final_description="a positive multiple of $\\sum_i (y_i - \\hat y_i)^2$ plus a constant",
        min_lines=3,
    ),
    params=(grid("sd", "0.1", "4", "0.1", latex="\\sigma"),),
    tags=("gaussian", "mse", "likelihood", "derivation"),
    difficulty=2,
    points=4,
)
