"""Which scoring rules are proper: expected score minimised by forecasting the true probability (multiple-select)."""

from quizgen.generation.question import Choice, Derivation, Question, Right, Step, Wrong, grid


def derive(s):
    import sympy as sp

    p, q = s.p, s.q

    def expected(loss_if_1, loss_if_0):
        """Expected loss of forecasting q when y = 1 has probability p."""
        return p * loss_if_1 + (1 - p) * loss_if_0

    log_loss = expected(-sp.log(q), -sp.log(1 - q))
    brier = expected((1 - q) ** 2, q**2)
    absolute = expected(1 - q, q)
    positive_only = expected(-sp.log(q), 0)
    swapped = expected(q**2, (1 - q) ** 2)
    # proper: the derivative in q vanishes at q = p (and the second derivative is positive there)
    for f in (log_loss, brier):
        assert sp.simplify(sp.diff(f, q).subs(q, p)) == 0
    d_log = sp.factor(sp.diff(log_loss, q))
    d_brier = sp.factor(sp.diff(brier, q))
    d_abs = sp.diff(absolute, q)
    return Derivation(
        answer=(
            Right("log_loss", log_loss, r"""
                The expected log loss has derivative $\frac{q - p}{q(1 - q)}$ in $q$, zero only at $q = p$:
                the log loss (cross-entropy) is proper.
            """),
            Right("brier", brier, r"""
                The expected Brier score has derivative $2(q - p)$, zero at $q = p$, and it is convex: the
                Brier score is proper.
            """),
        ),
        steps=(
            Step(r"""
                A scoring rule is proper when the forecast $q$ that minimises the expected loss is the true
                probability $p = {{ p }}$. Differentiate each expected loss in $q$ and see where it vanishes.
            """),
            Step("Log loss: the derivative is zero at $q = p$, and the loss is convex.", sp.Eq(sp.Symbol("f'(q)"), d_log)),
            Step("Brier score: the derivative is zero at $q = p$.", sp.Eq(sp.Symbol("f'(q)"), d_brier)),
            Step(r"""
                Absolute error: the expected loss is linear in $q$ with slope
                $1 - 2p = {{ values.abs_slope }}$, so its minimum is at an end of the interval ($q = 0$ or
                $q = 1$), not at $q = p$.
            """, sp.Eq(sp.Symbol("f'(q)"), d_abs)),
            Step(r"""
                Log loss on the positives only: $-p\log q$ keeps decreasing up to $q = 1$; ignoring the
                negative class rewards forecasting certainty.
            """),
            Step("The Brier score with the outcomes swapped is minimised at $q = 1 - p = {{ values.one_minus_p }}$."),
        ),
        wrong=(
            Wrong("absolute_error", absolute, r"""
                The expected absolute error $p(1 - q) + (1 - p)q$ is linear in $q$, so it is minimised at
                $q = 0$ or $q = 1$, never at $q = p$: it rewards overconfident forecasts and is not proper.
            """, 0.0),
            Wrong("positives_only", positive_only, r"""
                Scoring only the $y = 1$ outcomes, $-p\log q$ decreases all the way to $q = 1$; without the
                negative class's term the loss is not minimised at $q = p$.
            """, 0.0),
            Wrong("swapped_outcomes", swapped, r"""
                This Brier-like loss measures $q$ against the wrong outcome ($q^2$ when $y = 1$). Its
                derivative $2(q - (1 - p))$ vanishes at $q = 1 - p = {{ values.one_minus_p }}$, not at
                $q = p$.
            """, 0.0),
        ),
        values={"abs_slope": sp.diff(absolute, q), "one_minus_p": 1 - p},
    )


def check(p, x):
    import numpy as np

    pt = p["p"]
    q = np.asarray(x["q"], dtype=float)
    outcomes = np.array([1.0, 0.0])
    weights = np.array([pt, 1 - pt])

    def expectation(score):  # a direct sum over the two outcomes
        return sum(w * score(y, q) for w, y in zip(weights, outcomes))

    def log_score(y, f):
        return -np.log(np.where(y == 1, f, 1 - f))

    def brier_score(y, f):
        return (y - f) ** 2

    # the claim behind the key: both rules are minimised at q = p (a fine grid search)
    grid = np.linspace(0.001, 0.999, 99_801)
    for score in (log_score, brier_score):
        best = grid[np.argmin(sum(w * score(y, grid) for w, y in zip(weights, outcomes)))]
        assert abs(best - pt) < 1e-4, (score.__name__, best, pt)
    return expectation(log_score), expectation(brier_score)


QUESTION = Question(
    id="mle/proper_scoring_select",
    title="Proper scoring rules",
    statement=r"""
        A binary event happens with probability $p = {{ p }}$. A forecaster announces a probability
        $q$ and is scored by a loss. Each option below is the *expected* loss of forecasting $q$,
        written in $q$.

        Select every option whose scoring rule is **proper**: the expected loss is smallest when the
        forecast is the true probability, $q = p$.
    """,
    answer=Choice(multiple=True, symbols={"q": "unit_interval"}),
    params=(grid("p", "0.01", "0.99", "0.01", exclude=("0.5",)),),
    tags=("calibration", "brier", "proper-scoring-rule", "cross-entropy"),
    difficulty=2,
    points=2,
)
