"""MAP estimate of a Gaussian mean under a Gaussian prior: an L2 penalty that shrinks toward 0 (numeric)."""

from quizgen.generation.question import Derivation, Numeric, Question, Step, Wrong, grid, pick

M = 4  # observations on the sheet


def derive(s):
    import sympy as sp

    from quizgen.generation.derivations import gaussian_pdf

    mu = sp.Symbol("mu", real=True)
    xs = [getattr(s, f"x{k}") for k in range(1, M + 1)]
    sd, tau = s.sd, s.tau
    # negative log posterior = negative log-likelihood + negative log prior (+ a constant)
    nll = -sum((sp.log(gaussian_pdf(xk, mu, sd)) for xk in xs), sp.Integer(0))
    neg_log_prior = -sp.log(gaussian_pdf(mu, 0, tau))
    objective = sp.expand(sp.expand_log(nll + neg_log_prior, force=True))
    (answer,) = sp.solve(sp.Eq(sp.diff(objective, mu), 0), mu)
    total = sum(xs, sp.Integer(0))
    mean = total / M
    ridge = sp.Symbol("\\lambda")
    shown = sp.Sum((sp.Indexed("x", sp.Idx("i")) - sp.Symbol("\\mu")) ** 2, (sp.Idx("i"), 1, M)) / (2 * sp.Symbol("\\sigma") ** 2) \
        + sp.Symbol("\\mu") ** 2 / (2 * sp.Symbol("\\tau") ** 2)
    return Derivation(
        answer=answer,
        steps=(
            Step(r"""
                The MAP estimate maximises the posterior $p(\mu \mid x) \propto p(x \mid \mu)\,p(\mu)$, i.e.
                it minimises the negative log-likelihood plus the negative log-prior. Dropping constants, that
                is
            """, shown),
            Step(r"""
                The prior term $\mu^2/(2\tau^2)$ is an L2 (ridge) penalty: multiplying by $2\sigma^2$ gives
                least squares plus $\lambda\mu^2$ with $\lambda = \sigma^2/\tau^2 = {{ values.lam }}$. Setting
                the derivative in $\mu$ to zero, $\sum_i (x_i - \mu) = \lambda\mu$, gives
                $\hat\mu = \sum_i x_i / (m + \lambda) = \tau^2\sum_i x_i / (\sigma^2 + m\tau^2)$ with
                $\sum_i x_i = {{ values.total }}$ and $m = 4$:
            """, answer),
            Step(r"""
                Compared with the sample mean $\bar{x} = {{ values.mean }}$ (the maximum-likelihood estimate)
                the estimate is shrunk toward the prior mean 0: the prior counts like $\lambda$ extra
                observations at 0. Noisier data (larger $\sigma$) or a narrower prior (smaller $\tau$) shrink
                it more.
            """),
        ),
        wrong=(
            Wrong("mle_no_prior", mean, r"""
                That is the sample mean, the maximum-likelihood estimate. The MAP estimate also has the
                prior's penalty $\mu^2/(2\tau^2)$, which pulls it toward 0.
            """, 0.0),
            Wrong("penalty_not_scaled", total / (M + 1 / tau**2), r"""
                You used $1/\tau^2$ as the ridge weight, but the squared errors carry the factor
                $1/(2\sigma^2)$; against them the prior's weight is $\sigma^2/\tau^2$, the ratio of the noise
                variance to the prior variance.
            """, 0.25),
            Wrong("standard_deviations", total / (M + sd / tau), r"""
                The weight of the prior is the ratio of the *variances*, $\sigma^2/\tau^2$, because both enter
                the log densities squared; you used the ratio of standard deviations.
            """, 0.25),
            Wrong("penalty_inverted", total / (M + tau**2 / sd**2), r"""
                The ratio is upside down: a wide prior (large $\tau$) should barely shrink the estimate, so
                the weight is $\sigma^2/\tau^2$, not $\tau^2/\sigma^2$.
            """, 0.25),
        ),
        values={"lam": sd**2 / tau**2, "total": total, "mean": mean},
    )


def check(p, x):
    import numpy as np

    from quizgen.generation.numopt import minimise

    data = np.array([p[f"x{k}"] for k in range(1, M + 1)])
    sd, tau = p["sd"], p["tau"]

    def log_normal(v, m, s):
        return np.log(np.exp(-((v - m) ** 2) / (2 * s * s)) / np.sqrt(2 * np.pi * s * s))

    def neg_log_posterior(mu):
        mu = np.asarray(mu, dtype=float)[..., None]
        return -np.sum(log_normal(data, mu, sd), axis=-1) - log_normal(mu[..., 0], 0.0, tau)

    return minimise(neg_log_posterior, -20.0, 20.0)


def _not_equal(v):
    return v["sd"] != v["tau"] and v["tau"] != 1 and sum(v[f"x{k}"] for k in range(1, M + 1)) != 0


QUESTION = Question(
    id="mle/map_gaussian_mean",
    title="MAP estimate of a mean with a Gaussian prior",
    statement=r"""
        Four measurements ${{ x1 }}$, ${{ x2 }}$, ${{ x3 }}$ and ${{ x4 }}$ are independent draws
        from $\mathcal{N}(\mu, \sigma^2)$ with known noise level $\sigma = {{ sd }}$. Before seeing
        them, we believe $\mu$ is near 0 and put the prior $\mu \sim \mathcal{N}(0, \tau^2)$ with
        $\tau = {{ tau }}$ on it.

        Compute the maximum a posteriori (MAP) estimate of $\mu$, to 4 significant figures.
    """,
    answer=Numeric(rtol=1e-3),
    params=(
        *(grid(f"x{k}", "-1", "5", "0.5") for k in range(1, M + 1)),
        pick("sd", "0.5", "1", "1.5", "2", "3", latex="\\sigma"),
        pick("tau", "0.5", "1", "2", "3", latex="\\tau"),
    ),
    constraint=_not_equal,
    tags=("map", "bayesian", "gaussian", "l2-penalty", "ridge"),
    difficulty=3,
    points=2,
)
