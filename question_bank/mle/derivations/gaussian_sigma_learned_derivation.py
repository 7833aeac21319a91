"""The Gaussian likelihood with the noise level learned too: what may be dropped, and what may not."""

from quizgen.generation.question import Derivation, Detect, Question, Steps, Wrong, data, grid, maximise, minimise, param

START = "prod(exp(-(y_i - y_hat_i - {{ b }})^2/(2*sigma^2))/sqrt(2*pi*sigma^2), i, 1, m)"
FINAL = "m*log(sigma) + sum((y_i - y_hat_i - {{ b }})^2, i, 1, m)/(2*sigma^2)"


def derive(s):
    return Derivation(
        answer=(
            maximise("sum(log(exp(-(y_i - y_hat_i - {{ b }})^2/(2*sigma^2))/sqrt(2*pi*sigma^2)), i, 1, m)",
                     "The logarithm is increasing: the maximiser over $(\\hat y, \\sigma)$ does not move."),
            maximise("-sum((y_i - y_hat_i - {{ b }})^2, i, 1, m)/(2*sigma^2) - m*log(sigma) - m*log(2*pi)/2",
                     "Algebra: $\\log\\sqrt{2\\pi\\sigma^2} = \\log\\sigma + \\tfrac12 \\log 2\\pi$, summed over the $m$ examples."),
            minimise("sum((y_i - y_hat_i - {{ b }})^2, i, 1, m)/(2*sigma^2) + m*log(sigma) + m*log(2*pi)/2",
                     "Negate: the maximum becomes a minimum."),
            minimise(FINAL, "Only $\\tfrac m2 \\log 2\\pi$ is constant in the parameters. $m\\log\\sigma$ depends on $\\sigma$, "
                            "which is learned: it must stay, or the loss would reward $\\sigma \\to \\infty$."),
        ),
        wrong=(
            Wrong("dropped_log_sigma",
                  (minimise("sum((y_i - y_hat_i - {{ b }})^2, i, 1, m)/(2*sigma^2)"), minimise("sum((y_i - y_hat_i - {{ b }})^2, i, 1, m)/(2*sigma^2) + m*log(2*pi)/2")),
                  "$m\\log\\sigma$ is constant only when $\\sigma$ is fixed. Here $\\sigma$ is a parameter: without the term, "
                  "the loss goes to 0 as $\\sigma \\to \\infty$, so its minimiser is not the likelihood's."),
            Wrong("treated_sigma_as_fixed", (minimise("sum((y_i - y_hat_i - {{ b }})^2, i, 1, m)"),), r"""
                Multiplying by $2\sigma^2$ and dropping $m\log\sigma$ are valid only for a fixed $\sigma$;
                with $\sigma$ learned they change the problem (the squared error alone says nothing about
                $\sigma$).
            """),
            Wrong("dropped_term", Detect("dropped_term"),
                  "Only a term constant in the parameters (here: in both $\\hat y$ and $\\sigma$) may be dropped."),
            Wrong("sign_flip", Detect("sign_flip"),
                  "Negating the log-likelihood turns its maximum into a minimum: write min on that line."),
        ),
    )


def check(p, x):
    import numpy as np

    y, y_hat, sigma = x["y"], x["y_hat"] + p["b"], x["sigma"]
    m = y.shape[1]
    residual = np.sum((y - y_hat) ** 2, axis=1)
    likelihood = np.prod(np.exp(-((y - y_hat) ** 2) / (2 * sigma[:, None] ** 2)) / np.sqrt(2 * np.pi * sigma[:, None] ** 2), axis=1)
    return {"start": likelihood, "final": m * np.log(sigma) + residual / (2 * sigma**2)}


QUESTION = Question(
    id="mle/gaussian_sigma_learned_derivation",
    title="Gaussian likelihood with the noise level learned",
    statement=r"""
        Targets $y_1, \dots, y_m$ are read by a sensor with a known offset $b = {{ b }}$: they are
        modelled as $y_i \sim \mathcal{N}(\hat y_i + b, \sigma^2)$, independently, and **both** the
        predictions $\hat y_i$ and the noise level $\sigma$ are learned:

        $${{ values.start }}$$

        Derive, one step per line, the loss to minimise over $\hat y$ and $\sigma$, dropping only
        what may be dropped.
    """,
    answer=Steps(
        symbols={"y": data(over="m"), "y_hat": param(over="m"), "sigma": param("positive")},
        start=maximise(START),
        final=minimise(FINAL),
        final_description="$m\\log\\sigma + \\frac{1}{2\\sigma^2}\\sum_i (y_i - \\hat y_i - b)^2$, up to a positive multiple and a constant",
        min_lines=3,
    ),
    params=(grid("b", "-3", "3", "0.1", exclude=("0",)),),
    tags=("gaussian", "likelihood", "variance", "derivation"),
    difficulty=3,
    points=4,
)
