"""Bayesian predictive probability under a Beta prior: an average over the parameter, not a plug-in (numeric)."""

from quizgen.generation.question import Derivation, Numeric, Question, Step, Wrong, grid


def derive(s):
    import sympy as sp

    a, b, k, n = s.a, s.b, s.k, s.n
    t = sp.Symbol("theta", positive=True)
    # posterior density is proportional to prior * likelihood: theta^(a+k-1) (1-theta)^(b+n-k-1)
    unnormalised = t ** (a + k - 1) * (1 - t) ** (b + n - k - 1)

    def beta_integral(p, q):  # the integral of t^(p-1) (1-t)^(q-1) over [0, 1]: Euler's Beta function
        return sp.beta(p, q).rewrite(sp.gamma)

    # the Beta integral at whole numbers, to be sure of the identity used
    assert sp.integrate(t**2 * (1 - t) ** 3, (t, 0, 1)) == beta_integral(3, 4)

    normaliser = beta_integral(a + k, b + n - k)
    # P(next = 1 | data) = the average of theta over the posterior
    predictive = sp.gammasimp(beta_integral(a + k + 1, b + n - k) / normaliser)
    answer = sp.simplify(predictive)
    mle = k / n
    mode = (a + k - 1) / (a + b + n - 2)
    return Derivation(
        answer=answer,
        steps=(
            Step(r"""
                Bayes' rule: the posterior density is proportional to prior times likelihood,
                $\theta^{a-1}(1-\theta)^{b-1} \cdot \theta^{k}(1-\theta)^{n-k}$, with $a = {{ a }}$,
                $b = {{ b }}$, $k = {{ k }}$ {{ 'success' | plural(k, 'successes') }} and $n = {{ n }}$
                trials:
            """, unnormalised.xreplace({t: sp.Symbol("\\theta")})),
            Step(r"""
                The predictive probability that the next trial succeeds averages the success probability
                $\theta$ over everything the posterior still allows: $P(y = 1 \mid \text{data}) = \int_0^1
                \theta \, p(\theta \mid \text{data}) \, d\theta$. Both integrals are Beta functions, and their
                ratio simplifies to
            """, sp.Eq(sp.Symbol("P(y_{\\mathrm{new}} = 1)"), answer)),
            Step(r"""
                It lies between the prior mean $a/(a+b) = {{ values.prior_mean }}$ and the observed frequency
                $k/n = {{ values.mle }}$: the prior acts like $a$ extra successes and $b$ extra failures, and
                its pull weakens as $n$ grows.
            """),
        ),
        wrong=(
            Wrong("plug_in_mle", mle, r"""
                That plugs the maximum-likelihood estimate $k/n$ into the model, as if $\theta$ were known
                exactly. The Bayesian predictive averages over the posterior, which also carries the prior.
            """, 0.0),
            Wrong("plug_in_map", mode, r"""
                That is the posterior mode (the MAP estimate), $(a + k - 1)/(a + b + n - 2)$, plugged in. The
                predictive probability is the posterior *mean* of $\theta$: an average over $\theta$, not its
                single most probable value.
            """, 0.25),
            Wrong("prior_mean", a / (a + b), r"""
                That is the prior mean, which ignores the $n$ observed trials. The posterior updates it with
                the $k$ successes and $n - k$ failures.
            """, 0.0),
        ),
        values={"prior_mean": a / (a + b), "mle": mle},
    )


def check(p, x):
    import numpy as np

    a, b, k, n = p["a"], p["b"], p["k"], p["n"]
    # average theta over the posterior by Simpson's rule on a fine grid of theta
    t = np.linspace(0.0, 1.0, 20001)
    prior = t ** (a - 1) * (1 - t) ** (b - 1)
    likelihood = t**k * (1 - t) ** (n - k)
    post = prior * likelihood
    w = np.ones_like(t)
    w[1:-1:2], w[2:-1:2] = 4, 2
    return float(np.sum(w * t * post) / np.sum(w * post))


def _valid(v):
    return 0 < v["k"] < v["n"]


QUESTION = Question(
    id="mle/beta_bernoulli_predictive",
    title="Predictive probability under a Beta prior",
    statement=r"""
        A new feature is shown to users, and each either clicks ($y = 1$) or not. The click
        probability $\theta$ gets the prior $\mathrm{Beta}(a, b)$ with $a = {{ a }}$ and
        $b = {{ b }}$, whose density is proportional to $\theta^{a-1}(1-\theta)^{b-1}$. Of the first
        $n = {{ n }}$ users, $k = {{ k }}$ clicked.

        Compute the Bayesian predictive probability that the next user clicks,
        $P(y_{\mathrm{new}} = 1 \mid \text{data})$, to 4 significant figures.
    """,
    answer=Numeric(rtol=1e-3),
    params=(
        grid("a", "1", "5", "1"),
        grid("b", "1", "5", "1"),
        grid("k", "1", "11", "1"),
        grid("n", "4", "12", "1"),
    ),
    constraint=_valid,
    tags=("bayesian", "predictive", "bernoulli", "beta", "map"),
    difficulty=2,
    points=2,
)
