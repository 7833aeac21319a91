"""Expected calibration error from a reliability diagram of four bins (numeric, with a figure)."""

from quizgen.generation.question import Derivation, Figure, Numeric, Question, Step, Wrong, grid, pick

CONFIDENCE = ("0.6", "0.7", "0.8", "0.9")  # mean confidence of the predictions in each bin
BINS = len(CONFIDENCE)


def derive(s):
    import sympy as sp

    conf = [sp.Rational(c) for c in CONFIDENCE]
    counts = [s.n1, s.n2, s.n3, s.n4]
    total = sum(counts, sp.Integer(0))
    # bin b's accuracy falls short of its confidence by gap + b * step (the constraint keeps it positive)
    acc = [c - (s.gap + b * s.step) for b, c in enumerate(conf)]
    # ECE from its definition: the gaps |acc - conf| weighted by the bins' shares of the predictions.
    # Every bin is overconfident here, so |acc_b - conf_b| = conf_b - acc_b.
    ece = sum((n * (c - a) for n, c, a in zip(counts, conf, acc)), sp.Integer(0)) / total
    return Derivation(
        answer=ece,
        steps=(
            Step(r"""
                ECE weighs each bin's gap $|\mathrm{acc}_b - \mathrm{conf}_b|$ by its share $n_b / N$ of the
                predictions: it is the average gap over predictions, so a bin with few predictions counts
                little.
            """),
            Step(r"""
                Every bar of the diagram lies below the diagonal (accuracy below confidence): the model is
                overconfident in every bin, and the gaps are ${{ values.g1 }}$, ${{ values.g2 }}$,
                ${{ values.g3 }}$ and ${{ values.g4 }}$.
            """),
            Step("With $N = {{ values.total }}$ predictions, weighting and adding:", ece),
            Step(r"""
                Temperature scaling (dividing the logits by some $T > 1$) would pull the confidences down
                towards the accuracies without changing any prediction: a model can be accurate and still
                badly calibrated.
            """),
        ),
        wrong=(
            Wrong("unweighted_mean", sum((c - a for c, a in zip(conf, acc)), sp.Integer(0)) / BINS, r"""
                You averaged the four gaps with equal weights. ECE weighs each gap by the number of
                predictions in its bin, $n_b/N$, because it measures the average gap over predictions, not
                over bins.
            """, 0.25),
            Wrong("signed_gap", sum((n * (a - c) for n, c, a in zip(counts, conf, acc)), sp.Integer(0)) / total, r"""
                You averaged accuracy minus confidence with its sign. The negative sign does tell you the
                model is overconfident, but ECE averages the absolute gap, so that over- and underconfident
                bins cannot cancel.
            """, 0.5),
            Wrong("largest_gap", sp.Max(*[c - a for c, a in zip(conf, acc)]), r"""
                That is the largest gap over the bins (the maximum calibration error). ECE is the average gap,
                weighted by how many predictions each bin holds.
            """, 0.0),
            Wrong("error_rate", sum((n * (1 - a) for n, a in zip(counts, acc)), sp.Integer(0)) / total, r"""
                That is the error rate, one minus the accuracy, over all predictions. Calibration compares
                accuracy with confidence; a model can be wrong often and still be calibrated.
            """, 0.0),
        ),
        values={
            "total": total,
            **{f"a{b + 1}": a for b, a in enumerate(acc)},
            **{f"g{b + 1}": c - a for b, (c, a) in enumerate(zip(conf, acc))},
        },
    )


def _accuracies(p):
    return [float(c) - (p["gap"] + b * p["step"]) for b, c in enumerate(CONFIDENCE)]


def check(p, x):
    """ECE by binning individual predictions: n_b predictions at confidence conf_b, acc_b * n_b of them right."""
    import numpy as np

    counts = [int(p[f"n{b}"]) for b in range(1, BINS + 1)]
    conf_b = [float(c) for c in CONFIDENCE]
    acc_b = _accuracies(p)
    confidence = np.concatenate([np.full(n, c) for n, c in zip(counts, conf_b)])
    correct = np.concatenate([np.arange(n) < round(a * n) for n, a in zip(counts, acc_b)])
    which = np.digitize(confidence, [0.65, 0.75, 0.85])  # four equal-width bins around the confidences
    ece = 0.0
    for b in range(BINS):
        inside = which == b
        ece += inside.mean() * abs(correct[inside].mean() - confidence[inside].mean())
    return ece


def _figure_args(p):
    from fractions import Fraction

    gap, step = Fraction(p["gap"]), Fraction(p["step"])
    acc = [Fraction(c) - (gap + b * step) for b, c in enumerate(CONFIDENCE)]
    return {"confidence": tuple(float(c) for c in CONFIDENCE), "accuracy": tuple(float(a) for a in acc)}


def _gaps_in_range(v):
    last = v["gap"] + 3 * v["step"]
    return 0.05 <= last <= 0.4


QUESTION = Question(
    id="mle/reliability_ece",
    title="Expected calibration error from a reliability diagram",
    statement=r"""
        A classifier's predictions on a test set are grouped by their confidence into four bins. The
        reliability diagram below shows each bin's accuracy against its mean confidence: the bins
        hold {{ n1 }}, {{ n2 }}, {{ n3 }} and {{ n4 }} predictions, their mean confidences are 0.6,
        0.7, 0.8 and 0.9, and their accuracies ${{ values.a1 }}$, ${{ values.a2 }}$,
        ${{ values.a3 }}$ and ${{ values.a4 }}$.

        Compute the expected calibration error (ECE) of the classifier over these bins, to 4
        significant figures.
    """,
    answer=Numeric(rtol=1e-3),
    params=(  # the counts first, so that products print as count times gap
        *(pick(f"n{b}", "20", "40", "60", "80", "100") for b in range(1, BINS + 1)),
        grid("gap", "0.05", "0.35", "0.05"),
        pick("step", "-0.1", "-0.05", "0.05", "0.1"),
    ),
    constraint=_gaps_in_range,
    tags=("calibration", "ece", "reliability-diagram", "overconfidence"),
    difficulty=2,
    points=2,
    figures=(
        Figure("reliability",
               alt="Reliability diagram: bars of accuracy {{ values.a1 }}, {{ values.a2 }}, {{ values.a3 }} and "
                   "{{ values.a4 }} at mean confidence 0.6, 0.7, 0.8 and 0.9, all below the diagonal of perfect "
                   "calibration.",
               args=_figure_args),
    ),
)
