"""The Brier score is proper: the expected penalty for reporting q instead of the true p (numeric)."""

from quizgen.generation.authoring import ClassPair
from quizgen.generation.question import Derivation, Numeric, Question, Step, Wrong

PAIR = ClassPair(low="0.02", high="0.9", step="0.02")  # the true p and the report q, fine enough for 40 distinct answers

K = 3


def derive(s):
    import sympy as sp

    p, q = PAIR.symbolic(s)
    r = sp.symbols("r1:4", real=True)  # a general report, for the expected score as a function

    def brier(report, outcome):  # sum over classes of (report_k - onehot_k)^2
        return sum(((report[k] - (1 if k == outcome else 0)) ** 2 for k in range(K)), sp.Integer(0))

    def expected(report):
        return sum((p[j] * brier(report, j) for j in range(K)), sp.Integer(0))

    excess = expected(q) - expected(p)
    squared_distance = sum(((qk - pk) ** 2 for qk, pk in zip(q, p)), sp.Integer(0))
    assert sp.expand(excess - squared_distance) == 0  # the expected excess is exactly ||q - p||^2
    abs_expected = [sum((p[j] * sum((sp.Abs(rep[k] - (1 if k == j else 0)) for k in range(K)), sp.Integer(0))
                         for j in range(K)), sp.Integer(0)) for rep in (q, p)]
    return Derivation(
        answer=squared_distance,
        steps=(
            Step(r"""
                If the outcome is class $j$, the Brier score of a report $r$ is $\sum_k (r_k - [k = j])^2$.
                Averaging over the outcome, which is class $j$ with probability $p_j$, gives the expected
                score
            """, sp.Eq(sp.Symbol("\\mathbb{E}[S(r)]"), expected(list(r)))),
            Step(r"""
                Expanding the squares and using $\sum_j p_j = 1$, the expected score of a report $r$ is
                $\sum_k (r_k - p_k)^2$ plus a part that depends on $p$ alone. So reporting $q$ instead of $p$
                costs exactly the squared distance between them:
            """, squared_distance),
            Step(r"""
                That is ${{ values.excess }}$ here, and it is positive for every $q \neq p$: the expected
                Brier score is smallest when the forecaster reports the true probabilities. A scoring rule
                with this property is called proper. It is why the Brier score (like the log loss) rewards
                calibrated probabilities rather than bold ones.
            """),
            Step(r"""
                Compare the absolute error $\sum_k |r_k - [k = j]|$: its expectation is linear in each $r_k$,
                so it is minimised by putting all the probability on the most likely class, not by the truth.
                That score is not proper.
            """),
        ),
        wrong=(
            Wrong("distance_not_squared", sp.sqrt(squared_distance), r"""
                That is the Euclidean distance $\|q - p\|$. The expected Brier score grows by the squared
                distance $\sum_k (q_k - p_k)^2$, because the score itself is a sum of squares.
            """, 0.25),
            Wrong("expected_score_of_q", expected(q), r"""
                That is the whole expected Brier score of the report $q$. Even the honest report $p$ has a
                positive expected score (the outcome is uncertain); the question asks how much more $q$ costs.
            """, 0.25),
            Wrong("absolute_differences", sum((sp.Abs(qk - pk) for qk, pk in zip(q, p)), sp.Integer(0)), r"""
                You added $|q_k - p_k|$. The excess expected Brier score is quadratic in the difference:
                $\sum_k (q_k - p_k)^2$.
            """, 0.0),
            Wrong("absolute_score_excess", abs_expected[0] - abs_expected[1], r"""
                That is the excess of the expected absolute error $\sum_k |r_k - [k = j]|$, not of the Brier
                score. The absolute error is not a proper score, and its excess can even be negative.
            """, 0.0),
        ),
        values={"excess": squared_distance},
    )


def check(p, x):
    import numpy as np

    pv, qv = PAIR.arrays(p)

    def expected_brier(report):
        total = 0.0
        for j in range(K):  # each outcome, weighted by its true probability
            onehot = np.eye(K)[j]
            total += pv[j] * np.sum((report - onehot) ** 2)
        return total

    return expected_brier(qv) - expected_brier(pv)


QUESTION = Question(
    id="mle/brier_proper",
    title="The Brier score is a proper scoring rule",
    statement=r"""
        An event has three possible outcomes with true probabilities
        $p = ({{ p1 }}, {{ p2 }}, p_3)$. A forecaster reports $q = ({{ q1 }}, {{ q2 }}, q_3)$
        instead ($p_3$ and $q_3$ complete each to 1) and is scored with the Brier score
        $\sum_{k=1}^{3} (q_k - y_k)^2$, where $y$ is the one-hot vector of the outcome.

        By how much does the forecaster's expected Brier score exceed that of reporting $p$ itself?
        Give it to 4 significant figures.
    """,
    answer=Numeric(rtol=1e-3),
    params=PAIR.params,
    constraint=PAIR.constraint,
    tags=("calibration", "brier-score", "proper-scoring"),
    difficulty=2,
    points=2,
)
