"""MAP with a Gaussian prior on the weight is least squares with an L2 penalty, derived line by line."""

from quizgen.generation.question import Derivation, Detect, Question, Steps, Wrong, data, grid, maximise, minimise, param

START = ("prod(exp(-(y_i - theta*x_i)^2/(2*{{ sd }}^2))/sqrt(2*pi*{{ sd }}^2), i, 1, m)"
         " * exp(-theta^2/(2*{{ tau }}^2))/sqrt(2*pi*{{ tau }}^2)")
FINAL = "sum((y_i - theta*x_i)^2, i, 1, m) + ({{ sd }}^2/{{ tau }}^2)*theta^2"


def derive(s):
    return Derivation(
        answer=(
            maximise("sum(-(y_i - theta*x_i)^2/(2*{{ sd }}^2) - log(sqrt(2*pi*{{ sd }}^2)), i, 1, m)"
                     " - theta^2/(2*{{ tau }}^2) - log(sqrt(2*pi*{{ tau }}^2))",
                     "Take the log (increasing): the likelihood's product becomes a sum, and the prior adds its own log-density."),
            minimise("sum((y_i - theta*x_i)^2, i, 1, m)/(2*{{ sd }}^2) + theta^2/(2*{{ tau }}^2)",
                     "Negate (max becomes min) and drop the normalising constants: they do not depend on $\\theta$."),
            minimise(FINAL, "Multiply by $2\\sigma^2 > 0$: the squared error plus $\\lambda\\theta^2$ with "
                            "$\\lambda = \\sigma^2/\\tau^2 = {{ values.lam }}$."),
        ),
        wrong=(
            Wrong("dropped_prior", (minimise("sum((y_i - theta*x_i)^2, i, 1, m)"),),
                  "The prior's $\\theta^2/(2\\tau^2)$ depends on $\\theta$; without it this is maximum likelihood, not MAP."),
            Wrong("inverted_lambda", (minimise("sum((y_i - theta*x_i)^2, i, 1, m) + ({{ tau }}^2/{{ sd }}^2)*theta^2"),),
                  "Multiplying by $2\\sigma^2$ turns $\\theta^2/(2\\tau^2)$ into $(\\sigma^2/\\tau^2)\\,\\theta^2$: "
                  "a broad prior (large $\\tau$) means a weak penalty."),
            Wrong("unscaled_penalty", (minimise("sum((y_i - theta*x_i)^2, i, 1, m) + theta^2/(2*{{ tau }}^2)"),
                                       minimise("sum((y_i - theta*x_i)^2, i, 1, m) + theta^2/{{ tau }}^2")),
                  "A positive factor must multiply the whole objective: scaling the squared error by $2\\sigma^2$ "
                  "scales the penalty too."),
            Wrong("sign_flip", Detect("sign_flip"), "Negating turns the maximum a posteriori into a minimum: write min."),
        ),
        values={"lam": s.sd**2 / s.tau**2},
    )


def check(p, x):
    import numpy as np

    sd, tau = p["sd"], p["tau"]
    xv, y, theta = x["x"], x["y"], x["theta"]
    likelihood = np.prod(np.exp(-((y - theta[:, None] * xv) ** 2) / (2 * sd**2)) / np.sqrt(2 * np.pi * sd**2), axis=1)
    prior = np.exp(-(theta**2) / (2 * tau**2)) / np.sqrt(2 * np.pi * tau**2)
    return {"start": likelihood * prior,
            "final": np.sum((y - theta[:, None] * xv) ** 2, axis=1) + (sd**2 / tau**2) * theta**2}


QUESTION = Question(
    id="mle/map_l2_derivation",
    title="MAP with a Gaussian prior: derive the L2-regularised loss",
    statement=r"""
        A linear model $\hat y_i = \theta x_i$ has Gaussian noise of standard deviation
        $\sigma = {{ sd }}$ and a Gaussian prior $\theta \sim \mathcal{N}(0, \tau^2)$ with
        $\tau = {{ tau }}$. The MAP estimate maximises the likelihood times the prior:

        $${{ values.start }}$$

        Derive, one step per line, that this minimises the squared error plus a penalty
        $\lambda\theta^2$, and give $\lambda$.
    """,
    answer=Steps(
        symbols={"x": data(over="m"), "y": data(over="m"), "theta": param()},
        start=maximise(START),
        final=minimise(FINAL),
        final_description="$\\sum_i (y_i - \\theta x_i)^2 + \\lambda\\theta^2$ with $\\lambda = \\sigma^2/\\tau^2 = {{ values.lam }}$, "
                          "up to a positive multiple and a constant",
        min_lines=3,
    ),
    params=(grid("sd", "0.5", "3", "0.5", latex="\\sigma"), grid("tau", "0.5", "4", "0.5", latex="\\tau")),
    constraint=lambda p: p["sd"] != p["tau"] and p["sd"] != 1,  # else a misconception coincides with the answer
    tags=("map", "prior", "regularisation", "derivation"),
    difficulty=3,
    points=4,
)
