"""Which losses have the same minimiser as the Gaussian negative log-likelihood with fixed sigma? (multiple-select)."""

from quizgen.generation.question import Choice, Derivation, Question, Right, Step, Wrong, grid


def derive(s):
    import sympy as sp

    from quizgen.generation.derivations import gaussian_nll

    r1, r2 = s.r1, s.r2  # the residuals y_i - y_hat_i of two examples
    sd = s.sd
    zero = sp.Integer(0)
    nll = gaussian_nll(r1, zero, sd) + gaussian_nll(r2, zero, sd)  # NLL of N(0, sigma^2) noise at each residual
    mse = (r1**2 + r2**2) / 2
    # the NLL is an increasing affine function of the MSE: same minimiser over any model's parameters
    slope = sp.simplify(sp.diff(nll, r1) / sp.diff(mse, r1))
    offset = sp.simplify(nll - slope * mse)
    assert not slope.has(r1, r2) and not offset.has(r1, r2) and slope.is_positive
    mae = sp.Abs(r1) + sp.Abs(r2)
    cauchy = sp.log(1 + r1**2) + sp.log(1 + r2**2)
    mean_sq = (r1 + r2) ** 2 / 4
    likelihood = sp.exp(-nll)
    return Derivation(
        answer=(
            Right("nll", nll, r"""
                This is the Gaussian negative log-likelihood itself, written out: the squared residuals over
                $2\sigma^2$ plus the normalising term $\log(\sigma\sqrt{2\pi})$ for each example.
            """),
            Right("mse", mse, r"""
                The mean squared error: the NLL equals $1/\sigma^2$ times the MSE plus a constant, and scaling
                by a positive number or adding a constant never moves a minimiser.
            """),
        ),
        steps=(
            Step("With $\\sigma = {{ sd }}$ fixed, the negative log-likelihood of the two residuals is", nll),
            Step(r"""
                Only the squared residuals depend on the model, so it is an increasing affine function of the
                mean squared error: $\mathrm{NLL} = c \cdot \mathrm{MSE} + d$ with
            """, sp.Eq(sp.Symbol("c"), slope)),
            Step(r"""
                The offset is $d = {{ values.offset }}$. Minimising either one over the model's parameters
                gives the same fit. The other options are different functions of the residuals: the absolute
                errors (Laplace noise), a log-penalty (Cauchy noise) and the squared *mean* residual (errors
                can cancel), and each has its own minimiser in general; the likelihood $e^{-\mathrm{NLL}}$
                itself is largest, not smallest, at the best fit.
            """),
        ),
        wrong=(
            Wrong("absolute_error", mae, r"""
                The sum of absolute residuals is the NLL of *Laplace* noise. It penalises large residuals
                linearly, so its minimiser (a median-like fit) generally differs from the least-squares one.
            """, 0.0),
            Wrong("cauchy_penalty", cauchy, r"""
                $\log(1 + r^2)$ is the NLL of Cauchy noise, a heavy-tailed model; it grows only
                logarithmically for large residuals and so leads to a different, more outlier-resistant fit.
            """, 0.0),
            Wrong("squared_mean_residual", mean_sq, r"""
                Squaring the *mean* residual lets a positive and a negative error cancel: any fit whose
                residuals average to zero scores 0. The Gaussian likelihood squares each residual separately.
            """, 0.0),
            Wrong("likelihood_itself", likelihood, r"""
                This is the likelihood, $e^{-\mathrm{NLL}}$. It is *maximised* where the NLL is minimised; as
                a loss to minimise it would push the fit toward large residuals.
            """, 0.0),
        ),
        values={"slope": slope, "offset": offset},
    )


def check(p, x):
    import numpy as np

    from quizgen.generation.numopt import minimise

    sd = p["sd"]
    r1, r2 = np.asarray(x["r1"], dtype=float), np.asarray(x["r2"], dtype=float)

    def log_density(e):
        return np.log(np.exp(-e * e / (2 * sd * sd)) / np.sqrt(2 * np.pi * sd * sd))

    nll = -(log_density(r1) + log_density(r2))
    mse = np.mean(np.stack([r1, r2]) ** 2, axis=0)

    # the claim behind the two options: on a simulated data set the NLL and the MSE pick the same slope
    rng = np.random.default_rng(7)
    xs = rng.normal(size=12)
    ys = 1.3 * xs + rng.normal(scale=sd, size=12)

    def fit(loss):
        return minimise(lambda w: np.array([loss(ys - wi * xs) for wi in np.atleast_1d(w)]), -10.0, 10.0, points=401)

    w_nll = fit(lambda res: -np.sum(log_density(res)))
    w_mse = fit(lambda res: np.mean(res**2))
    if not np.isclose(w_nll, w_mse, rtol=1e-6, atol=1e-8):
        raise AssertionError("the NLL and the MSE have different minimisers")
    return nll, mse


QUESTION = Question(
    id="mle/gaussian_loss_select",
    title="Losses equivalent to the Gaussian likelihood",
    statement=r"""
        A regression model is trained on two examples with residuals $r_1 = y_1 - \hat{y}_1$ and
        $r_2 = y_2 - \hat{y}_2$, assuming independent Gaussian noise $\mathcal{N}(0, \sigma^2)$ with
        $\sigma = {{ sd }}$ fixed.

        Which of these losses, minimised over the model's parameters, always give the same fit as
        maximising that likelihood? Select all that apply.
    """,
    answer=Choice(multiple=True, symbols={"r1": "real", "r2": "real"}),
    params=(grid("sd", "0.2", "6", "0.1", exclude=("1",), latex="\\sigma"),),
    tags=("regression", "gaussian", "mse", "likelihood", "mae"),
    difficulty=1,
    points=2,
    symbol_latex={"r1": "r_1", "r2": "r_2"},
)
