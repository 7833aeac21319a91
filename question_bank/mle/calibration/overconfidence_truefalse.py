"""Is a classifier overconfident on average? Read it off a random reliability table (true/false with the reason)."""

from quizgen.generation.authoring import predictions, reliability_table
from quizgen.generation.question import Claim, Derivation, Question, Step, TrueFalse, Wrong

EDGES = ("0.6", "0.7", "0.8", "0.9", "1")
B = len(EDGES) - 1
#: bin b's mean confidence lies inside it (0.61 ... 0.69 for [0.6, 0.7)); its accuracy is within 0.12 of the
#: confidence but not equal to it (the constraint), at most 1, in steps of 0.02 (acc_b * n_b is a whole number)
BINS = reliability_table(EDGES, below=0.12, above=0.12)


def derive(s):
    import sympy as sp

    n, conf, acc = BINS.column(s, "n"), BINS.column(s, "c"), BINS.column(s, "a")
    N = sum(n, sp.Integer(0))
    mean_conf = sum((nb * c for nb, c in zip(n, conf)), sp.Integer(0)) / N
    accuracy = sum((nb * a for nb, a in zip(n, acc)), sp.Integer(0)) / N
    signed = sum((nb * (c - a) for nb, c, a in zip(n, conf, acc)), sp.Integer(0)) / N
    assert sp.simplify(signed - (mean_conf - accuracy)) == 0
    return Derivation(
        answer=Claim(
            truth=signed > 0,
            reason=signed,
            feedback="Average over predictions, not over bins, and keep the sign: the mean confidence is "
                     "${{ values.mean_conf }}$ and the accuracy ${{ values.accuracy }}$, a difference of ${{ values.signed }}$.",
        ),
        steps=(
            Step(r"""
                Overconfident on average means that the mean confidence over all $N = {{ values.N }}$
                predictions exceeds the fraction of them that are correct. Each bin contributes in proportion
                to its count $n_b$, so both averages weight the bins by $n_b/N$. The mean confidence is
            """, sp.Eq(sp.Symbol("\\bar{c}"), mean_conf)),
            Step("The accuracy, the fraction of correct predictions, is", sp.Eq(sp.Symbol("\\bar{a}"), accuracy)),
            Step(r"""
                That is ${{ values.mean_conf }} - {{ values.accuracy }} = {{ values.signed }}$, so the
                statement is {% if values.signed[0] != '-' %}true: the model claims more confidence than its
                accuracy earns, and a temperature $T > 1$ would soften it.{% else %}false: on average the
                model is underconfident; its predictions are right more often than its confidence says.{%
                endif %}
            """),
            Step(r"""
                The expected calibration error would not answer this: it averages
                $|\mathrm{conf}_b - \mathrm{acc}_b|$, which is ${{ values.ece }}$ here and is never negative,
                so it measures how far from calibrated the model is but not in which direction.
            """),
        ),
        wrong=(
            Wrong("ece", sum((nb * sp.Abs(c - a) for nb, c, a in zip(n, conf, acc)), sp.Integer(0)) / N, r"""
                That is the expected calibration error, the average of the absolute gaps. It is positive for
                any miscalibrated model, whether over- or underconfident, so it cannot decide the statement.
            """, 0.0),
            Wrong("unweighted_bins", sum((c - a for c, a in zip(conf, acc)), sp.Integer(0)) / B, r"""
                You averaged the bins' gaps with equal weights. The statement is about all predictions, and
                the bins hold different numbers of them, so weight each gap by $n_b/N$; the sign can differ.
            """, 0.0),
            Wrong("always_overconfident",
                  "No computation is needed: networks trained with cross-entropy on one-hot labels are always "
                  "overconfident, so the statement is true.",
                  "Overconfidence is common after training on one-hot targets, but it is a property to measure, "
                  "not a law: this table has to be read, and a model can also be underconfident.", 0.0),
        ),
        values={"N": N, "mean_conf": mean_conf, "accuracy": accuracy, "signed": signed,
                "ece": sum((nb * sp.Abs(c - a) for nb, c, a in zip(n, conf, acc)), sp.Integer(0)) / N},
    )


def check(p, x):
    import numpy as np

    confidences, correct = predictions(BINS, p)  # the predictions the table summarises
    diff = float(np.mean(confidences) - np.mean(correct))
    return diff > 0, diff


def _well_posed(v):
    """Each bin's accuracy within 0.12 of its confidence but not equal, and not calibrated on average."""
    gaps = [v[f"c{b}"] - v[f"a{b}"] for b in range(1, B + 1)]
    signed = sum(v[f"n{b}"] * g for b, g in enumerate(gaps, 1))
    return signed != 0 and all(g != 0 and abs(g) <= 0.12 for g in gaps)


QUESTION = Question(
    id="mle/overconfidence_truefalse",
    title="Overconfident or not?",
    statement=r"""
        A classifier's test predictions are grouped by confidence (the probability of the predicted
        class). The table below gives, for each bin, the number of predictions $n_b$, their mean
        confidence $\mathrm{conf}_b$ and their accuracy $\mathrm{acc}_b$.

        Statement: over all these predictions, the model is overconfident (its mean confidence
        exceeds its accuracy). Is the statement true or false, and which reason shows it?
    """,
    answer=TrueFalse(truth_credit=0.5, reason_prefix="\\bar{c} - \\bar{a} = "),
    tables=(BINS,),
    constraint=_well_posed,
    tags=("calibration", "overconfidence", "reliability", "data"),
    difficulty=2,
    points=2,
)
