"""Poisson rate by maximum likelihood, and the estimated probability of a day without events (numeric)."""

from quizgen.generation.question import Derivation, Numeric, Question, Step, Wrong, grid

M = 6  # days of counts on the sheet


def derive(s):
    import sympy as sp

    lam = sp.Symbol("lambda", positive=True)
    xs = [getattr(s, f"c{k}") for k in range(1, M + 1)]
    total = sum(xs, sp.Integer(0))
    # log of the Poisson pmf lam^x e^-lam / x!, summed over the days (log x! does not involve lam)
    log_lik = sum((xk * sp.log(lam) - lam - sp.log(sp.factorial(xk)) for xk in xs), sp.Integer(0))
    (rate,) = sp.solve(sp.Eq(sp.diff(log_lik, lam), 0), lam)
    answer = sp.exp(-rate)  # P(X = 0) = e^-lam, at the maximum-likelihood rate (invariance)
    mean = total / M
    zero_days = sum((sp.Piecewise((1, sp.Eq(xk, 0)), (0, True)) for xk in xs), sp.Integer(0))
    variance = sum(((xk - mean) ** 2 for xk in xs), sp.Integer(0)) / M
    return Derivation(
        answer=answer,
        steps=(
            Step("The days are independent, so the log-likelihood is the sum of the log-probabilities "
                 "$x_i\\log\\lambda - \\lambda - \\log x_i!$. Its derivative in $\\lambda$ is "
                 "$\\sum_i x_i/\\lambda - m$ ($m = 6$ days, $\\sum_i x_i = {{ values.total }}$), which is zero at the "
                 "mean count:", sp.Eq(sp.Symbol("\\hat\\lambda"), rate)),
            Step("The probability of a day without events is $P(X = 0) = \\lambda^0 e^{-\\lambda}/0! = e^{-\\lambda}$. "
                 "Maximum-likelihood estimates carry through functions: the likelihood, written in terms of "
                 "$q = e^{-\\lambda}$ instead of $\\lambda$, is the same function of the data, so it is largest at "
                 "$\\hat q = e^{-\\hat\\lambda}$:", answer),
            Step("The model pools all the days to estimate one rate, then reads $P(X = 0)$ off the Poisson shape; "
                 "it does not simply count the days that had no events."),
        ),
        wrong=(
            Wrong("fraction_of_zero_days", zero_days / M,
                  "The share of days with no events is the estimate of a model that gives every count its own free "
                  "probability. Under the Poisson model all the days inform the single rate $\\lambda$, and the "
                  "estimate is $e^{-\\hat\\lambda}$.", 0.0),
            Wrong("rate_not_probability", rate,
                  "That is $\\hat\\lambda$, the expected number of events per day. The question asks for the "
                  "probability of zero events, $e^{-\\hat\\lambda}$.", 0.25),
            Wrong("variance_as_rate", sp.exp(-variance),
                  "A Poisson distribution's variance equals its mean, but the likelihood is maximised by the sample "
                  "mean, not by the sample variance, and in a sample the two generally differ.", 0.0),
        ),
        values={"total": total},
    )


def check(p, x):
    import numpy as np

    from quizgen.generation.numopt import maximise

    counts = np.array([p[f"c{k}"] for k in range(1, M + 1)])
    log_fact = np.array([np.sum(np.log(np.arange(1, c + 1))) for c in counts.astype(int)])

    # maximise the likelihood directly over q = P(X = 0) = e^-lam, in (0, 1)
    def log_lik(q):
        lam = -np.log(np.asarray(q, dtype=float))[..., None]
        return np.sum(counts * np.log(lam) - lam - log_fact, axis=-1)

    return maximise(log_lik, 1e-6, 1 - 1e-6, log_scale=True)


def _some_events(v):
    return sum(v[f"c{k}"] for k in range(1, M + 1)) > 0


QUESTION = Question(
    id="mle/poisson_zero_prob",
    title="A day without events, by maximum likelihood",
    statement=(
        "A web shop counts the failed payments per day over six days: "
        "${{ c1 }}$, ${{ c2 }}$, ${{ c3 }}$, ${{ c4 }}$, ${{ c5 }}$ and ${{ c6 }}$. Model the daily counts as "
        "independent draws from a Poisson distribution, $P(X = x) = \\lambda^x e^{-\\lambda}/x!$.\n\n"
        "Using the maximum-likelihood estimate of $\\lambda$, estimate the probability that a day has no failed "
        "payment at all, to 4 significant figures."
    ),
    answer=Numeric(rtol=1e-3),
    derive=derive,
    check=check,
    params=tuple(grid(f"c{k}", "0", "5", "1") for k in range(1, M + 1)),
    constraint=_some_events,
    tags=("likelihood", "mle", "poisson", "invariance"),
    difficulty=2,
    points=2,
)
