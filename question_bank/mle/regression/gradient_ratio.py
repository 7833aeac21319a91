"""Gradient of the Gaussian log-likelihood as a multiple of the gradient of the MSE (symbolic)."""

from quizgen.generation.question import Derivation, Question, Step, Symbolic, Wrong, grid


def derive(s):
    import sympy as sp

    from quizgen.generation.derivations import gaussian_gradient_ratio, gaussian_pdf

    c = gaussian_gradient_ratio(s.sd, s.m)
    theta = sp.Symbol("theta", real=True)
    yi = sp.Symbol("y_i", real=True)
    f = sp.Function("f")(sp.Symbol("x_i", real=True), theta)
    ll_term = sp.log(gaussian_pdf(yi, f, s.sd))
    mse_term = (f - yi) ** 2 / s.m
    return Derivation(
        answer=c,
        steps=(
            Step(r"""
                Write $\hat{y}_i = f(x_i; \theta)$. The log-likelihood is
                $\sum_i \log p(y_i \mid \hat{y}_i, \sigma)$ and the MSE is
                $\frac{1}{m}\sum_i (\hat{y}_i - y_i)^2$, so both gradients are sums over $i$.
            """),
            Step(r"""
                The derivative in $\theta$ of one term $\log p(y_i \mid \hat{y}_i, \sigma)$ of the
                log-likelihood (only the exponent of the density depends on $\theta$) is
            """, sp.factor(sp.diff(ll_term, theta))),
            Step("The derivative of one term $\\frac{1}{m}(\\hat{y}_i - y_i)^2$ of the MSE is",
                 sp.factor(sp.diff(mse_term, theta))),
            Step("Their ratio does not depend on $i$, on the data or on $\\theta$, so the whole gradients have the same ratio:",
                 sp.Eq(sp.Symbol("c"), c)),
            Step(r"""
                Since $c < 0$, a step that increases the likelihood is a step that decreases the MSE: maximum
                likelihood under fixed Gaussian noise is least squares, with the learning rate rescaled by
                $|c|$.
            """),
        ),
        wrong=(
            Wrong("sign_flip", -c, r"""
                The two gradients point in opposite directions: raising the likelihood lowers the squared
                error, so the constant is negative.
            """, 0.5),
            Wrong("lost_m", c / s.m, r"""
                The MSE averages over the $m$ samples while the log-likelihood sums over them; the factor $m$
                that converts a mean into a sum is missing.
            """, 0.5),
            Wrong("lost_half", 2 * c, r"""
                Differentiating $(\hat{y}_i - y_i)^2$ in the MSE produces a factor 2 that the
                $\tfrac{1}{2\sigma^2}$ of the log-likelihood does not have; that 2 ends up in the denominator
                of $c$.
            """, 0.5),
            Wrong("sigma_not_squared", c * s.sd,
                  "The Gaussian exponent divides by the variance $\\sigma^2$, not by $\\sigma$.", 0.5),
            Wrong("only_the_variance_factor", -c / s.m, r"""
                $\tfrac{1}{2\sigma^2}$ is the weight of the squared error inside the log-likelihood, but the
                ratio of the gradients also carries the sign and the factor $m$ from averaging in the MSE.
            """, 0.25),
        ),
    )


def check(p, x):
    import numpy as np

    rng = np.random.default_rng(12345)
    ms, sd = np.asarray(x["m"]), p["sd"]
    out = np.empty(len(ms))
    for j, m in enumerate(ms):
        m = int(round(m))
        xs = rng.normal(size=m)
        ys = 1.5 * xs - 0.5 + rng.normal(scale=0.3, size=m)
        theta = np.array([-0.7, 0.4])  # slope, intercept of a linear model, far from the fit

        def loglik(t):
            pred = t[0] * xs + t[1]
            # the log of the normal density, written out (exp would underflow for a small sigma)
            return np.sum(-((ys - pred) ** 2) / (2 * sd**2) - 0.5 * np.log(2 * np.pi * sd**2))

        def mse(t):
            pred = t[0] * xs + t[1]
            return np.mean((pred - ys) ** 2)

        h = 1e-2  # both objectives are quadratic in theta: a central difference is exact, and a wide step keeps rounding small
        e = np.array([h, 0.0])
        g_ll = (loglik(theta + e) - loglik(theta - e)) / (2 * h)
        g_mse = (mse(theta + e) - mse(theta - e)) / (2 * h)
        out[j] = g_ll / g_mse
    return out


QUESTION = Question(
    id="mle/gradient_ratio",
    title="Likelihood gradient versus MSE gradient",
    statement=r"""
        A regression model $\hat{y}_i = f(x_i; \theta)$ is fitted to $m$ samples. One engineer
        maximises the Gaussian log-likelihood
        $\log L(\theta) = \sum_{i=1}^{m} \log p(y_i \mid \hat{y}_i, \sigma)$ with
        $y_i \sim \mathcal{N}(\hat{y}_i, \sigma^2)$ and the noise level fixed at
        $\sigma = {{ sd }}$; another minimises $\mathrm{MSE}(\theta) = \frac{1}{m}\sum_{i=1}^{m}
        (\hat{y}_i - y_i)^2$.

        For every model $f$ and every data set,
        $\nabla_\theta \log L = c\, \nabla_\theta \mathrm{MSE}$ for a constant $c$. Give $c$ as an
        expression in `m`.
    """,
    answer=Symbolic({"m": "positive_integer"}),
    params=(grid("sd", "0.1", "10", "0.1", exclude=("1", "2"), latex="\\sigma"),),
    tags=("gaussian", "likelihood", "mse", "gradient"),
    difficulty=2,
    points=2,
)
