"""Expected calibration error from a reliability table (numeric, a random table per variant)."""

from quizgen.generation.authoring import predictions, reliability_table
from quizgen.generation.question import Derivation, Numeric, Question, Step, Wrong

EDGES = ("0.5", "0.6", "0.7", "0.8", "0.9", "1")  # confidence bins of a binary or multiclass classifier
B = len(EDGES) - 1
#: bin b's mean confidence lies inside it (0.51 ... 0.59 for [0.5, 0.6)); its accuracy is 0.2 below to
#: 0.06 above the confidence (the constraint), at most 1, in steps of 0.02, so acc_b * n_b is a whole number
BINS = reliability_table(EDGES, below=0.2, above=0.06)


def derive(s):
    import sympy as sp

    n, conf, acc = BINS.column(s, "n"), BINS.column(s, "c"), BINS.column(s, "a")
    N = sum(n, sp.Integer(0))
    gaps = [sp.Abs(a - c) for a, c in zip(acc, conf)]
    ece = sum((nb * g for nb, g in zip(n, gaps)), sp.Integer(0)) / N
    return Derivation(
        answer=ece,
        steps=(
            Step(r"""
                A model is calibrated when, among the predictions made with confidence about $c$, a fraction
                $c$ is correct. The reliability table compares the two in each bin: the gap
                $|\mathrm{acc}_b - \mathrm{conf}_b|$ measures how far the bin is from calibrated.
            """),
            Step(r"""
                The expected calibration error averages these gaps over all $N = {{ values.N }}$ predictions,
                so each bin counts in proportion to its size $n_b$:
            """, sp.Eq(sp.Symbol("\\mathrm{ECE}"), ece)),
            Step(r"""
                That is ${{ values.ece }}$: a typical prediction's confidence is off from the accuracy it
                earns by about that much. The bins with $\mathrm{conf}_b > \mathrm{acc}_b$ are overconfident,
                those with $\mathrm{conf}_b < \mathrm{acc}_b$ underconfident; the absolute value keeps the two
                from cancelling.
            """),
        ),
        wrong=(
            Wrong("unweighted_bins", sum(gaps, sp.Integer(0)) / B, r"""
                You gave every bin the same weight. The ECE is an average over predictions, so a bin holding
                many predictions counts more: each gap is weighted by $n_b/N$.
            """, 0.25),
            Wrong("signed_gaps", sum((nb * (c - a) for nb, a, c in zip(n, acc, conf)), sp.Integer(0)) / N, r"""
                Without the absolute value, overconfident and underconfident bins cancel, and a badly
                calibrated model could score 0. The ECE averages $|\mathrm{acc}_b - \mathrm{conf}_b|$.
            """, 0.0),
            Wrong("signed_gaps_acc_minus_conf", sum((nb * (a - c) for nb, a, c in zip(n, acc, conf)), sp.Integer(0)) / N,
                  "Without the absolute value, overconfident and underconfident bins cancel (whichever way round the "
                  "difference is taken), and a badly calibrated model could score 0. The ECE averages "
                  "$|\\mathrm{acc}_b - \\mathrm{conf}_b|$.", 0.0),
            Wrong("maximum_gap", sp.Max(*gaps), r"""
                That is the largest gap of any bin, the maximum calibration error. The expected calibration
                error is the weighted average of the gaps, not their maximum.
            """, 0.0),
            Wrong("not_normalised", sum((nb * g for nb, g in zip(n, gaps)), sp.Integer(0)), r"""
                You added up $n_b\,|\mathrm{acc}_b - \mathrm{conf}_b|$ but did not divide by the number of
                predictions $N$, so the result grows with the size of the test set.
            """, 0.25),
        ),
        values={"N": N, "ece": ece},
    )


def check(p, x):
    confidences, correct = predictions(BINS, p)  # the individual predictions; bin them again from scratch
    edges = [float(e) for e in EDGES]
    total = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        inside = (confidences >= lo) & ((confidences < hi) | (hi == edges[-1]))
        if inside.any():
            total += inside.sum() / len(confidences) * abs(correct[inside].mean() - confidences[inside].mean())
    return total


QUESTION = Question(
    id="mle/ece_from_bins",
    title="Expected calibration error from a reliability table",
    statement=r"""
        A classifier's predictions on a test set are grouped by their confidence (the probability
        given to the predicted class). For each bin the table below gives the number of predictions
        $n_b$, their mean confidence $\mathrm{conf}_b$ and the fraction that were correct,
        $\mathrm{acc}_b$.

        Compute the expected calibration error (ECE) over these bins, to 4 significant figures.
    """,
    answer=Numeric(rtol=1e-3),
    tables=(BINS,),
    # the accuracy 0.2 below to 0.06 above the confidence, never equal to it
    constraint=lambda v: all(-0.2 <= v[f"a{b}"] - v[f"c{b}"] <= 0.06 and v[f"a{b}"] != v[f"c{b}"] for b in range(1, B + 1)),
    tags=("calibration", "ece", "reliability", "data"),
    difficulty=2,
    points=2,
)
