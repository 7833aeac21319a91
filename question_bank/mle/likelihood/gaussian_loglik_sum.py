"""Total Gaussian log-likelihood of four observations under a regression model (numeric)."""

from quizgen.generation.question import Derivation, Numeric, Question, Step, Wrong, grid

M = 4  # number of observations on the sheet


def derive(s):
    import sympy as sp

    from quizgen.generation.derivations import gaussian_log_likelihood

    ll = gaussian_log_likelihood(s.sigma, M)
    data = {}
    for k in range(1, M + 1):
        data[ll.y[k]] = getattr(s, f"y{k}")
        data[ll.y_hat[k]] = getattr(s, f"yhat{k}")
    total = ll.total.doit().xreplace(data)
    rss = ll.residual_sum.doit().xreplace(data)
    normaliser = -M * sp.log(s.sigma) - sp.Rational(M, 2) * sp.log(2 * sp.pi)
    # shown with the residual written as y_i - yhat_i (the same square), sigma kept as a letter
    i, sd = ll.index, sp.Symbol("\\sigma", positive=True)
    shown_rss = sp.Sum((ll.y[i] - ll.y_hat[i]) ** 2, (i, 1, M))
    general = sp.Eq(sp.Symbol("\\log L"), ll.total.xreplace({ll.residual_sum: shown_rss, s.sigma: sd}))
    return Derivation(
        answer=total,
        steps=(
            Step(r"""
                The observations are independent, so the likelihood is a product of Gaussian densities and its
                logarithm is a sum of per-observation log densities. Terms that do not involve $i$ come out of
                the sum $m$ times (here $m = 4$):
            """, general),
            Step("The sum of squared residuals for this data is $\\sum_i (\\hat{y}_i - y_i)^2 = {{ values.rss }}$.", None),
            Step("The normalising part is $-m\\log\\sigma - \\tfrac{m}{2}\\log 2\\pi$ with $\\sigma = {{ sigma }}$:",
                 normaliser),
            Step("Adding the squared-error part $-\\frac{1}{2\\sigma^2}\\sum_i(\\hat{y}_i - y_i)^2$ gives the total:",
                 total),
        ),
        wrong=(
            Wrong("constant_not_multiplied", total - (M - 1) * normaliser / M, r"""
                Every observation contributes its own normalising term, so $-\log\sigma - \tfrac12\log 2\pi$
                appears $m = 4$ times in the sum; you counted it only once.
            """, 0.5),
            Wrong("negative_log_likelihood", -total, r"""
                This is the negative log-likelihood (the loss). The log-likelihood is the sum of the log
                densities themselves, without the minus sign.
            """, 0.25),
            Wrong("dropped_half", total - rss / (2 * s.sigma**2), r"""
                The Gaussian exponent is $-(y-\hat{y})^2/(2\sigma^2)$; the factor $\tfrac12$ on the squared
                residuals was lost, doubling the squared-error part.
            """, 0.5),
            Wrong("sigma_for_variance", normaliser - rss / (2 * s.sigma),
                  "The squared residuals are divided by $2\\sigma^2$ (the variance), not by $2\\sigma$.", 0.25),
        ),
        values={"rss": rss},
    )


def check(p, x):
    import numpy as np

    y = np.array([p[f"y{k}"] for k in range(1, M + 1)])
    y_hat = np.array([p[f"yhat{k}"] for k in range(1, M + 1)])
    sd = p["sigma"]
    density = np.exp(-((y - y_hat) ** 2) / (2 * sd**2)) / np.sqrt(2 * np.pi * sd**2)
    return float(np.sum(np.log(density)))


def _well_posed(p):
    return any(p[f"y{k}"] != p[f"yhat{k}"] for k in range(1, M + 1))


QUESTION = Question(
    id="mle/gaussian_loglik_sum",
    title="Log-likelihood of a small data set",
    statement=r"""
        A regression model makes the predictions $\hat{y}_i$ below for four targets $y_i$, and
        assumes independent Gaussian noise around each prediction:
        $y_i \sim \mathcal{N}(\hat{y}_i, \sigma^2)$ with $\sigma = {{ sigma }}$.

        The data, as pairs $(y_i, \hat{y}_i)$: $({{ y1 }}, {{ yhat1 }})$, $({{ y2 }}, {{ yhat2 }})$,
        $({{ y3 }}, {{ yhat3 }})$ and $({{ y4 }}, {{ yhat4 }})$.

        Compute the log-likelihood $\log L = \sum_{i=1}^{4} \log p(y_i \mid \hat{y}_i, \sigma)$ of
        the whole data set (natural logarithm), to 4 significant figures.
    """,
    answer=Numeric(rtol=1e-3),
    params=(
        *(grid(f"y{k}", "-2", "2", "0.5") for k in range(1, M + 1)),
        *(grid(f"yhat{k}", "-2", "2", "0.5") for k in range(1, M + 1)),
        grid("sigma", "0.5", "3", "0.5", exclude=("1",), latex="\\sigma"),
    ),
    constraint=_well_posed,
    tags=("gaussian", "likelihood", "mse"),
    difficulty=2,
    points=2,
)
