"""Poisson rate by maximum likelihood, and the estimated probability of a few hours without events (numeric)."""

from quizgen.generation.question import Derivation, Numeric, Question, Step, Wrong, grid, pick

M = 6  # days of counts on the sheet


def derive(s):
    import sympy as sp

    lam = sp.Symbol("lambda", positive=True)
    xs = [getattr(s, f"c{k}") for k in range(1, M + 1)]
    total = sum(xs, sp.Integer(0))
    # log of the Poisson pmf lam^x e^-lam / x!, summed over the days (log x! does not involve lam)
    log_lik = sum((xk * sp.log(lam) - lam - sp.log(sp.factorial(xk)) for xk in xs), sp.Integer(0))
    (rate,) = sp.solve(sp.Eq(sp.diff(log_lik, lam), 0), lam)
    t = s.h / 24  # the stretch asked about, in days: its count is Poisson with mean lam * t
    answer = sp.exp(-rate * t)  # P(no event in the stretch) = e^(-lam t), at the maximum-likelihood rate (invariance)
    mean = total / M
    zero_days = sum((sp.Piecewise((1, sp.Eq(xk, 0)), (0, True)) for xk in xs), sp.Integer(0))
    squares = sum(((xk - mean) ** 2 for xk in xs), sp.Integer(0))
    return Derivation(
        answer=answer,
        steps=(
            Step(r"""
                The days are independent, so the log-likelihood is the sum of the log-probabilities
                $x_i\log\lambda - \lambda - \log x_i!$. Its derivative in $\lambda$ is
                $\sum_i x_i/\lambda - m$ ($m = 6$ days, $\sum_i x_i = {{ values.total }}$), which is zero at
                the mean count:
            """, sp.Eq(sp.Symbol("\\hat\\lambda"), rate)),
            Step(r"""
                Over {{ h }} {{ 'hour' | plural(h) }}, $t = {{ h }}/24$ of a day, the count is Poisson with
                mean $\lambda t$, so the probability of no event is
                $(\lambda t)^0 e^{-\lambda t}/0! = e^{-\lambda t}$. Maximum-likelihood estimates carry through
                functions: the likelihood, written in terms of $q = e^{-\lambda t}$ instead of $\lambda$, is
                the same function of the data, so it is largest at $\hat q = e^{-\hat\lambda t}$:
            """, answer),
            Step(r"""
                The model pools all the days to estimate one rate, then reads the probability off the Poisson
                shape; it does not simply count the days that had no events.
            """),
        ),
        wrong=(
            Wrong("fraction_of_zero_days", zero_days / M, r"""
                That is the share of days with no events: the estimate of a model that gives every daily count
                its own free probability, and for a whole day. Under the Poisson model all the days inform the
                single rate $\lambda$, and the estimate for $t$ days is $e^{-\hat\lambda t}$.
            """, 0.0),
            Wrong("rate_not_probability", rate * t, r"""
                That is $\hat\lambda t$, the expected number of events in the stretch. The question asks for
                the probability of zero events, $e^{-\hat\lambda t}$.
            """, 0.25),
            Wrong("variance_as_rate", sp.exp(-squares / M * t), r"""
                A Poisson distribution's variance equals its mean, but the likelihood is maximised by the
                sample mean, not by the sample variance (dividing by $m$), and in a sample the two generally
                differ.
            """, 0.0),
            Wrong("unbiased_variance_as_rate", sp.exp(-squares / (M - 1) * t), r"""
                A Poisson distribution's variance equals its mean, but the likelihood is maximised by the
                sample mean, not by the sample variance (dividing by $m - 1$), and in a sample the two
                generally differ.
            """, 0.0),
            Wrong("one_day", sp.exp(-rate), r"""
                That is the probability of a whole day without events, $e^{-\hat\lambda}$. Over $t$ days the
                mean count is $\lambda t$, so the probability is $e^{-\hat\lambda t}$.
            """, 0.25),
        ),
        values={"total": total},
    )


def check(p, x):
    import numpy as np

    from quizgen.generation.numopt import maximise

    counts = np.array([p[f"c{k}"] for k in range(1, M + 1)])
    log_fact = np.array([np.sum(np.log(np.arange(1, c + 1))) for c in counts.astype(int)])

    # maximise the likelihood directly over u = lam h / 24, the stretch's expected count, and
    # read off P(no event in h hours) = e^(-u) (searching over that probability itself loses
    # seven digits next to 1, where a short stretch puts it)
    def log_lik(u):
        lam = (np.asarray(u, dtype=float) * 24 / p["h"])[..., None]  # the daily rate
        return np.sum(counts * np.log(lam) - lam - log_fact, axis=-1)

    return float(np.exp(-maximise(log_lik, 1e-9, 1e3, log_scale=True)))


def _some_events(v):
    return sum(v[f"c{k}"] for k in range(1, M + 1)) > 0


QUESTION = Question(
    id="mle/poisson_zero_prob",
    title="Hours without events, by maximum likelihood",
    statement=r"""
        A web shop counts the failed payments per day over six days: ${{ c1 }}$, ${{ c2 }}$,
        ${{ c3 }}$, ${{ c4 }}$, ${{ c5 }}$ and ${{ c6 }}$. Model the daily counts as independent
        draws from a Poisson distribution, $P(X = x) = \lambda^x e^{-\lambda}/x!$.

        Failed payments arrive as a Poisson process, so the count over $t$ days is Poisson with mean
        $\lambda t$. Using the maximum-likelihood estimate of $\lambda$, estimate the probability of
        no failed payment at all in the next {{ h }} {{ 'hour' | plural(h) }}, to 4 significant
        figures.
    """,
    answer=Numeric(rtol=1e-3),
    params=(*(grid(f"c{k}", "0", "5", "1") for k in range(1, M + 1)), pick("h", "1", "2", "3", "4", "6", "8", "12")),
    constraint=_some_events,
    tags=("likelihood", "mle", "poisson", "invariance"),
    difficulty=2,
    points=2,
)
