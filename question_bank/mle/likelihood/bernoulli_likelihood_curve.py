"""How much more likely the MLE makes Bernoulli data than another parameter value (numeric, figure in the solutions)."""

from quizgen.generation.question import Derivation, Figure, Numeric, Question, Step, Wrong, grid

N = 10  # trials


def derive(s):
    import sympy as sp

    from quizgen.generation.derivations import kl_divergence

    theta = sp.Symbol("theta", positive=True)
    k = s.k
    loglik = k * sp.log(theta) + (N - k) * sp.log(1 - theta)
    (best,) = sp.solve(sp.diff(loglik, theta), theta)  # k/N: the only stationary point, a maximum
    curvature = sp.diff(loglik, theta, 2).subs(theta, best)
    assert all(curvature.subs(k, kv) < 0 for kv in range(1, N))  # a maximum for every k the sheet can show
    ratio = loglik.subs(theta, best) - loglik.subs(theta, s.theta0)
    # the same number is N times the KL divergence between the two Bernoulli distributions
    kl = kl_divergence([best, 1 - best], [s.theta0, 1 - s.theta0])
    for kv, tv in ((3, sp.Rational(1, 2)), (7, sp.Rational(1, 5))):
        assert abs(sp.N((ratio - N * kl).subs({k: kv, s.theta0: tv}))) < 1e-12
    return Derivation(
        answer=ratio,
        steps=(
            Step(r"""
                The trials are independent, so the likelihood is a product and its logarithm a sum: with
                $k = {{ k }}$ {{ 'success' | plural(k, 'successes') }} in $n = 10$ trials,
            """, sp.Eq(sp.Symbol("\\ell(\\theta)"), loglik)),
            Step(r"""
                Its derivative $k/\theta - (n - k)/(1 - \theta)$ is zero at one point, where the second
                derivative is negative, so that point is the maximum:
            """, sp.Eq(sp.Symbol("\\hat{\\theta}"), best)),
            Step(r"""
                The log-likelihood ratio is the height of the curve at $\hat{\theta}$ minus its height at
                $\theta_0 = {{ theta0 }}$:
            """, ratio),
            Step(r"""
                It is never negative, because nothing beats the maximum. In fact it is $n$ times the KL
                divergence from the Bernoulli distribution with parameter $\hat{\theta}$ to the one with
                $\theta_0$, so by Gibbs' inequality it is zero only when $\theta_0 = \hat{\theta}$.
            """),
        ),
        wrong=(
            Wrong("likelihood_ratio", sp.exp(ratio), r"""
                That is the ratio of the likelihoods themselves, $L(\hat{\theta})/L(\theta_0)$. The question
                asks for the difference of the log-likelihoods, the logarithm of that ratio.
            """, 0.25),
            Wrong("reversed", -ratio, r"""
                You subtracted the wrong way round. The maximum is the highest point of the curve, so
                $\ell(\hat{\theta}) - \ell(\theta_0)$ is positive.
            """, 0.5),
            Wrong("per_trial", ratio / N, r"""
                You divided by the number of trials. That is the average per trial, the KL divergence between
                the two Bernoulli distributions; the log-likelihood of independent trials is a sum.
            """, 0.25),
            Wrong("log10", ratio / sp.log(10), r"""
                You used base-10 logarithms. Log-likelihoods use the natural logarithm unless a base is
                stated; base 10 divides the answer by $\ln 10$.
            """, 0.25),
        ),
    )


def check(p, x):
    """Maximise the log-likelihood numerically (grid, then golden section), then subtract its value at theta0."""
    import math

    import numpy as np

    k, theta0 = p["k"], p["theta0"]
    outcomes = [1] * int(k) + [0] * (N - int(k))

    def loglik(t: float) -> float:  # the sum over the individual trials of log P(outcome | t)
        return sum(math.log(t) if o else math.log(1 - t) for o in outcomes)  # scalar maths: cheaper than NumPy on 10 numbers

    ts = np.linspace(1e-4, 1 - 1e-4, 2001)  # 0.0005 apart: the golden section below does the rest
    o = np.array(outcomes)[None, :]
    scan = np.sum(o * np.log(ts[:, None]) + (1 - o) * np.log(1 - ts[:, None]), axis=1)
    j = int(np.argmax(scan))
    lo, hi = float(ts[max(j - 1, 0)]), float(ts[min(j + 1, len(ts) - 1)])
    g = (math.sqrt(5) - 1) / 2
    for _ in range(80):
        a, b = hi - g * (hi - lo), lo + g * (hi - lo)
        if loglik(a) > loglik(b):
            hi = b
        else:
            lo = a
    return loglik((lo + hi) / 2) - loglik(float(theta0))


QUESTION = Question(
    id="mle/bernoulli_likelihood_curve",
    title="Log-likelihood ratio of Bernoulli trials",
    statement=r"""
        In $n = 10$ independent trials, each a success with an unknown probability $\theta$, there
        are $k = {{ k }}$ {{ 'success' | plural(k, 'successes') }}.

        By how much does the log-likelihood at the maximum-likelihood estimate $\hat{\theta}$ exceed
        the log-likelihood at $\theta_0 = {{ theta0 }}$? Give $\ell(\hat{\theta}) - \ell(\theta_0)$
        (natural logarithm) to 4 significant figures.
    """,
    answer=Numeric(rtol=1e-3),
    params=(
        grid("k", "1", "9", "1", exclude=("5",)),
        grid("theta0", "0.1", "0.9", "0.1", latex="\\theta_0"),
    ),
    constraint=lambda v: v["theta0"] != v["k"] / N,
    tags=("likelihood", "mle", "bernoulli", "kl-divergence"),
    difficulty=2,
    points=2,
    figures=(
        Figure("likelihood",
               alt="The log-likelihood of {{ k }} {{ 'success' | plural(k, 'successes') }} in 10 trials as a function of theta: a single hump "
                   "with its maximum at theta = {{ k }}/10.",
               args=lambda p: {"k": int(p["k"]), "n": N}, where="solutions"),
    ),
)
