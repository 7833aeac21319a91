"""Per-sample negative log-likelihood of a Gaussian observation, as an expression (symbolic)."""

from quizgen.generation.question import Derivation, Question, Step, Symbolic, Wrong, grid


def derive(s):
    from quizgen.generation.derivations import gaussian_nll, gaussian_pdf

    nll = gaussian_nll(s.y, s.y_hat, s.sd)
    residual = (s.y - s.y_hat) ** 2 / (2 * s.sd**2)
    const = nll - residual
    return Derivation(
        answer=nll,
        steps=(
            Step("The density of $y \\sim \\mathcal{N}(\\hat{y}, \\sigma^2)$ with $\\sigma = {{ sd }}$ is", gaussian_pdf(s.y, s.y_hat, s.sd)),
            Step("Taking $-\\log$ turns the product of the normalising factor and the exponential into a sum: the squared residual over $2\\sigma^2$, plus a term that does not depend on $\\hat{y}$:", nll),
            Step(r"""
                Only the squared-residual term $\frac{(y - \hat{y})^2}{2\sigma^2}$ contains $\hat{y}$; the
                others, $\log\sigma + \tfrac12\log 2\pi$, are constants that shift the loss without moving its
                minimum. So minimising the NLL over $\hat{y}$ is minimising the squared error, scaled by
                $1/(2\sigma^2)$.
            """, None),
        ),
        wrong=(
            Wrong("lost_half", 2 * residual + const, r"""
                The exponent of the Gaussian is $-(y-\hat{y})^2/(2\sigma^2)$, and $-\log$ of the exponential
                returns it unchanged, so the squared residual is divided by $2\sigma^2$; the factor $\tfrac12$
                went missing.
            """, 0.5),
            Wrong("lost_variance", residual * s.sd**2 + const,
                  "The squared residual must be divided by $2\\sigma^2$, not only by 2: the variance scales the penalty.", 0.5),
            Wrong("log_likelihood_sign", -nll,
                  "That is the log-likelihood. The loss is its negative, so that minimising the loss maximises the likelihood.", 0.25),
            Wrong("dropped_constant", residual, r"""
                The squared-error term is right, but the NLL also has the normalising term
                $\log\sigma + \tfrac12\log 2\pi$. It does not change the minimiser, but it is part of the
                value.
            """, 0.5),
        ),
    )


def check(p, x):
    import numpy as np

    sd, y, y_hat = p["sd"], np.asarray(x["y"]), np.asarray(x["y_hat"])
    # -log of exp(-r^2 / (2 sd^2)) / Z, with the normalising constant Z of the bell curve found numerically
    # (trapezoid rule over +-12 sd: for a smooth curve this thin at the ends, 20,001 points are exact to
    # rounding); the log is taken by hand so a far-off y does not underflow to log(0)
    t = np.linspace(-12 * sd, 12 * sd, 20_001)
    f = np.exp(-(t**2) / (2 * sd**2))
    area = np.sum((f[1:] + f[:-1]) / 2) * (t[1] - t[0])
    return (y - y_hat) ** 2 / (2 * sd**2) + np.log(area)


QUESTION = Question(
    id="mle/gaussian_nll",
    title="Negative log-likelihood of a Gaussian observation",
    statement=r"""
        A regression model predicts $\hat{y}$ and assumes the target is Gaussian around it:
        $y \sim \mathcal{N}(\hat{y}, \sigma^2)$ with the noise level fixed at $\sigma = {{ sd }}$.

        Write the negative log-likelihood $-\log p(y \mid \hat{y})$ of one observation as an
        expression in `y` and `y_hat` (natural logarithm).
    """,
    answer=Symbolic({"y": "real", "y_hat": "real"}),
    params=(grid("sd", "0.1", "10", "0.1", exclude=("1",), latex="\\sigma"),),
    tags=("gaussian", "likelihood", "mse"),
    difficulty=1,
    points=2,
    symbol_latex={"y_hat": "\\hat{y}"},
)
