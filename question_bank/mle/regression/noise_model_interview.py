"""Which loss does the noise imply? MSE, MAE and weighted losses as conditional maximum likelihood (interview)."""

from quizgen.generation.question import Derivation, Manual, Question, Step, grid


def derive(s):
    import sympy as sp

    from quizgen.generation.derivations import gaussian_nll

    y, y_hat = sp.Symbol("y", real=True), sp.Symbol("\\hat{y}", real=True)
    sd, b = sp.Symbol("\\sigma", positive=True), sp.Symbol("b", positive=True)
    gauss = gaussian_nll(y, y_hat, sd)
    laplace = sp.expand_log(-sp.log(sp.exp(-sp.Abs(y - y_hat) / b) / (2 * b)), force=True)
    r = s.r
    return Derivation(
        answer=(
            "Training with MSE is conditional maximum likelihood under a specific noise model: $y \\mid x \\sim "
            "\\mathcal{N}(f_\\theta(x), \\sigma^2)$ with one fixed $\\sigma$. The negative log-likelihood of an "
            "example is $(y - \\hat{y})^2/(2\\sigma^2) + \\log(\\sigma\\sqrt{2\\pi})$; summed over independent "
            "examples and stripped of constants it is the squared error. Both observations contradict that "
            "model. Heavy tails: a residual of ${{ r }}$ costs ${{ values.mse_cost }}$ under squared error but "
            "only ${{ values.mae_cost }}$ under absolute error, so a few outliers dominate the MSE fit. Laplace "
            "noise gives the NLL $|y - \\hat{y}|/b + \\log 2b$, i.e. the mean absolute error, whose best constant "
            "is the median, not the mean: robust to outliers (a Huber or Student-t likelihood are middle ways). "
            "Spread growing with the target: the noise is heteroscedastic, $\\sigma = \\sigma(x)$, and the NLL "
            "becomes $(y - \\hat{y})^2/(2\\sigma(x)^2) + \\log\\sigma(x)$: a weighted squared error that trusts "
            "noisy examples less. One can model $\\sigma(x)$ with a second output and minimise this NLL, or "
            "predict $\\log y$ when the error is multiplicative. In every case the recipe is the same: pick the "
            "conditional distribution, then minimise its negative log-likelihood."
        ),
        steps=(
            Step("The Gaussian negative log-likelihood of one example:", gauss),
            Step("The Laplace negative log-likelihood of one example:", laplace),
            Step(r"""
                For the outlier's residual $r = {{ r }}$ the squared-error cost is ${{ values.mse_cost }}$ and
                the absolute-error cost ${{ values.mae_cost }}$: squared error weighs it ${{ r }}$ times more.
            """),
        ),
        values={"mse_cost": r**2, "mae_cost": r},
    )


def check(p, x):
    import numpy as np

    r = p["r"]
    # costs relative to a perfect prediction, read off the log-densities (sigma = 1 for the Gaussian, b = 1 for Laplace)
    def log_gauss(e):
        return np.log(np.exp(-e * e / 2) / np.sqrt(2 * np.pi))

    def log_laplace(e):
        return np.log(np.exp(-abs(e)) / 2)

    return {"mse_cost": 2 * (log_gauss(0.0) - log_gauss(r)), "mae_cost": log_laplace(0.0) - log_laplace(r)}


QUESTION = Question(
    id="mle/noise_model_interview",
    title="Interview: which loss does the noise imply?",
    statement=r"""
        You trained a regression model for house prices with the mean squared error. Looking at the
        residuals you notice two things: a few houses have errors of about ${{ r }}$ (in units of a
        typical error), and the residuals of expensive houses are much more spread out than those of
        cheap ones.

        From a maximum-likelihood point of view, what does training with MSE assume, and what would
        you change?
    """,
    answer=Manual(
        rubric=(
            "States that MSE is the negative log-likelihood of Gaussian noise with a fixed variance (conditional "
            "MLE of $p(y \\mid x)$), up to constants and a positive factor.",
            "Explains that squared error lets large residuals dominate (a residual of ${{ r }}$ costs "
            "${{ values.mse_cost }}$ against ${{ values.mae_cost }}$ under absolute error).",
            "Connects Laplace noise to the mean absolute error and the median (or proposes Huber / Student-t) for "
            "heavy-tailed noise.",
            "Recognises heteroscedastic noise and proposes a weighted loss with weights $1/\\sigma(x)^2$, a learned "
            "variance trained with the Gaussian NLL, or a log transform of the target.",
        ),
        followups=(
            "If the model also predicts $\\sigma(x)$, what goes wrong if you drop the $\\log\\sigma(x)$ term from the "
            "loss?",
            "What is the best constant prediction under MSE, and under MAE?",
            "How would you check which noise model fits the residuals better?",
        ),
    ),
    params=(grid("r", "4", "25", "0.5"),),
    tags=("regression", "mse", "mae", "laplace", "heteroscedastic", "conditional-mle", "interview"),
    difficulty=3,
    points=5,
)
