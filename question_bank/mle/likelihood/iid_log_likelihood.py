"""Log-likelihood of an IID sample of waiting times as a function of the rate: product to sum (symbolic)."""

from quizgen.generation.question import Derivation, Question, Step, Symbolic, Wrong, grid

M = 4  # waiting times on the sheet


def derive(s):
    import sympy as sp

    lam = s.lam
    xs = [getattr(s, f"x{k}") for k in range(1, M + 1)]
    t = sp.Symbol("x_i", positive=True)
    density = lam * sp.exp(-lam * t)
    likelihood = sp.Mul(*(density.xreplace({t: xk}) for xk in xs))
    # independence: the joint density is the product; its log is the sum of the per-observation logs
    log_lik = sp.expand(sp.expand_log(sp.log(likelihood), force=True))
    per_obs = sp.expand_log(sp.log(density), force=True)
    total = sum(xs, sp.Integer(0))
    assert sp.simplify(log_lik - sum((per_obs.xreplace({t: xk}) for xk in xs), sp.Integer(0))) == 0
    return Derivation(
        answer=log_lik,
        steps=(
            Step(r"""
                The waiting times are independent and identically distributed, so their joint density is the
                product of the four densities $\lambda e^{-\lambda x_i}$:
            """, likelihood),
            Step(r"""
                The logarithm of a product is the sum of the logarithms, and each term is
                $\log(\lambda e^{-\lambda x_i}) = \log\lambda - \lambda x_i$:
            """, per_obs),
            Step(r"""
                Adding the four terms, $\log\lambda$ appears once per observation and the $x_i$ add up to
                $\sum_i x_i = {{ values.total }}$:
            """, log_lik),
            Step(r"""
                The sum is easier to differentiate than the product and, unlike a product of many densities,
                does not underflow; $\log$ is increasing, so both are largest at the same $\lambda$.
            """),
        ),
        wrong=(
            Wrong("likelihood_not_log", likelihood, r"""
                That is the likelihood itself, the product of the densities. The question asks for its
                logarithm, in which the product becomes a sum.
            """, 0.25),
            Wrong("normaliser_once", sp.log(lam) - lam * total, r"""
                Each of the four observations contributes its own $\log\lambda$, so the term is
                $4\log\lambda$; you counted it once, as if the data were a single observation.
            """, 0.25),
            Wrong("mean_instead_of_sum", M * sp.log(lam) - lam * total / M, r"""
                The exponent terms add up to $-\lambda\sum_i x_i$, the sum of the waiting times, not their
                mean: the log-likelihood grows with the number of observations.
            """, 0.25),
            Wrong("negative_log_likelihood", -log_lik, r"""
                That is the negative log-likelihood, the loss one minimises. The log-likelihood itself has the
                opposite sign.
            """, 0.5),
        ),
        values={"total": total},
    )


def check(p, x):
    import numpy as np

    lam = np.asarray(x["lam"], dtype=float)
    data = np.array([p[f"x{k}"] for k in range(1, M + 1)])
    # the log of each observation's density, added up over the sample
    return np.sum(np.log(lam[:, None] * np.exp(-lam[:, None] * data[None, :])), axis=1)


QUESTION = Question(
    id="mle/iid_log_likelihood",
    title="Log-likelihood of independent waiting times",
    statement=r"""
        The waiting times (in minutes) between four calls to a help desk were ${{ x1 }}$,
        ${{ x2 }}$, ${{ x3 }}$ and ${{ x4 }}$. Model them as independent draws from the exponential
        distribution with rate $\lambda$, whose density is
        $p(x \mid \lambda) = \lambda e^{-\lambda x}$ for $x \ge 0$.

        Write the log-likelihood $\log L(\lambda)$ of these four observations as an expression in
        `lam` (natural logarithm).
    """,
    answer=Symbolic({"lam": "positive"}),
    params=tuple(grid(f"x{k}", "0.5", "6", "0.5", exclude=("1",)) for k in range(1, M + 1)),
    tags=("likelihood", "iid", "log-likelihood", "exponential"),
    difficulty=1,
    points=2,
    symbol_latex={"lam": "\\lambda"},
)
