"""Value of the Gaussian negative log-likelihood for given numbers (numeric)."""

from quizgen.generation.question import Derivation, Numeric, Question, Step, Wrong, grid


def derive(s):
    import sympy as sp

    from quizgen.generation.derivations import gaussian_nll

    nll = gaussian_nll(s.y, s.y_hat, s.sd)
    residual = (s.y - s.y_hat) ** 2 / (2 * s.sd**2)
    return Derivation(
        answer=nll,
        steps=(
            Step(r"""
                The NLL of $y \sim \mathcal{N}(\hat{y}, \sigma^2)$ is
                $\frac{(y-\hat{y})^2}{2\sigma^2} + \log\sigma + \tfrac12\log 2\pi$.
            """),
            Step("With $y = {{ y }}$, $\\hat{y} = {{ y_hat }}$ and $\\sigma = {{ sd }}$:", nll),
        ),
        wrong=(
            Wrong("log_likelihood_sign", -nll, "That is the log-likelihood. The loss is its negative, so that a more likely observation gives a smaller loss.", 0.25),
            Wrong("dropped_constant", residual, r"""
                You kept only the squared-error term. The density's normalising factor $1/(\sigma\sqrt{2\pi})$
                becomes $\log\sigma + \tfrac12\log 2\pi$ in the NLL; it does not move the minimiser over
                $\hat{y}$, but it is part of the value.
            """, 0.5),
            Wrong("variance_for_sd", (s.y - s.y_hat) ** 2 / (2 * s.sd) + sp.log(s.sd) + sp.log(2 * sp.pi) / 2, r"""
                You divided by $2\sigma$ instead of $2\sigma^2$. The exponent of the Gaussian density is
                $-(y - \hat{y})^2/(2\sigma^2)$: the squared residual is measured against the variance.
            """, 0.25),
            Wrong("log10", nll / sp.log(10), r"""
                You used base-10 logarithms. The NLL is defined with the natural logarithm, the inverse of the
                $e^{\cdots}$ in the density, so that the exponent comes out unchanged; base 10 divides
                everything by $\ln 10$.
            """, 0.25),
        ),
    )


def check(p, x):
    import numpy as np

    density = np.exp(-((p["y"] - p["y_hat"]) ** 2) / (2 * p["sd"] ** 2)) / np.sqrt(2 * np.pi * p["sd"] ** 2)
    return -np.log(density)


QUESTION = Question(
    id="mle/gaussian_nll_value",
    title="Gaussian negative log-likelihood, in numbers",
    statement=r"""
        A regression model predicts $\hat{y} = {{ y_hat }}$ for a target observed as $y = {{ y }}$,
        and assumes Gaussian noise with standard deviation $\sigma = {{ sd }}$.

        Compute the negative log-likelihood $-\log p(y \mid \hat{y}, \sigma)$ (natural logarithm),
        to 4 significant figures.
    """,
    answer=Numeric(rtol=1e-3),
    params=(
        grid("y", "-3", "3", "0.5"),
        grid("y_hat", "-3", "3", "0.5"),
        grid("sd", "0.5", "3", "0.5", latex="\\sigma"),
    ),
    constraint=lambda p: p["y"] != p["y_hat"],
    tags=("gaussian", "likelihood"),
    difficulty=1,
    points=1,
)
