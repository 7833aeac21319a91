"""Is a classifier overconfident on average? Read it off a random reliability table (true/false with the reason)."""

from quizgen.question import Claim, Derivation, Question, Step, TrueFalse, Wrong, grid

EDGES = ("0.6", "0.7", "0.8", "0.9", "1")
B = len(EDGES) - 1


def derive(s):
    import sympy as sp

    n = [getattr(s, f"n{b}") for b in range(1, B + 1)]
    conf = [getattr(s, f"c{b}") for b in range(1, B + 1)]
    acc = [c + getattr(s, f"d{b}") for b, c in enumerate(conf, 1)]
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
            Step("Overconfident on average means that the mean confidence over all $N = {{ values.N }}$ predictions "
                 "exceeds the fraction of them that are correct. Each bin contributes in proportion to its count $n_b$, "
                 "so both averages weight the bins by $n_b/N$. The mean confidence is",
                 sp.Eq(sp.Symbol("\\bar{c}"), mean_conf)),
            Step("and the accuracy, the fraction of correct predictions, is", sp.Eq(sp.Symbol("\\bar{a}"), accuracy)),
            Step("That is ${{ values.mean_conf }} - {{ values.accuracy }} = {{ values.signed }}$, so the statement is "
                 "{% if values.signed[0] != '-' %}true: the model claims more confidence than its accuracy earns, and "
                 "a temperature $T > 1$ would soften it.{% else %}false: on average the model is underconfident; its "
                 "predictions are right more often than its confidence says.{% endif %}"),
            Step("The expected calibration error would not answer this: it averages $|\\mathrm{conf}_b - \\mathrm{acc}_b|$, "
                 "which is ${{ values.ece }}$ here and is never negative, so it measures how far from calibrated the "
                 "model is but not in which direction."),
        ),
        wrong=(
            Wrong("ece", sum((nb * sp.Abs(c - a) for nb, c, a in zip(n, conf, acc)), sp.Integer(0)) / N,
                  "That is the expected calibration error, the average of the absolute gaps. It is positive for any "
                  "miscalibrated model, whether over- or underconfident, so it cannot decide the statement.", 0.0),
            Wrong("unweighted_bins", sum((c - a for c, a in zip(conf, acc)), sp.Integer(0)) / B,
                  "You averaged the bins' gaps with equal weights. The statement is about all predictions, and the "
                  "bins hold different numbers of them, so weight each gap by $n_b/N$; the sign can differ.", 0.0),
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

    confidences, correct = [], []
    for b in range(1, B + 1):  # rebuild the predictions the table summarises
        n = int(round(p[f"n{b}"]))
        acc = p[f"c{b}"] + p[f"d{b}"]
        k = int(round(acc * n))
        assert abs(k - acc * n) < 1e-6
        confidences += [p[f"c{b}"]] * n
        correct += [1.0] * k + [0.0] * (n - k)
    diff = float(np.mean(confidences) - np.mean(correct))
    return diff > 0, diff


def _well_posed(v):
    n = [v[f"n{b}"] for b in range(1, B + 1)]
    signed = sum(nb * -v[f"d{b}"] for b, nb in enumerate(n, 1))
    return signed != 0 and all(v[f"c{b}"] + v[f"d{b}"] <= 1 for b in range(1, B + 1))


QUESTION = Question(
    id="mle/overconfidence_truefalse",
    title="Overconfident or not?",
    statement=(
        "A classifier's test predictions are grouped by confidence (the probability of the predicted class). "
        "For each bin: the number of predictions $n_b$, their mean confidence $\\mathrm{conf}_b$ and their "
        "accuracy $\\mathrm{acc}_b$:\n\n"
        "$$\\begin{array}{lccc} \\text{bin} & n_b & \\mathrm{conf}_b & \\mathrm{acc}_b \\\\ \\hline "
        "{[0.6, 0.7)} & {{ n1 }} & {{ c1 }} & {{ '%g' | format(c1 | float + d1 | float) }} \\\\ "
        "{[0.7, 0.8)} & {{ n2 }} & {{ c2 }} & {{ '%g' | format(c2 | float + d2 | float) }} \\\\ "
        "{[0.8, 0.9)} & {{ n3 }} & {{ c3 }} & {{ '%g' | format(c3 | float + d3 | float) }} \\\\ "
        "{[0.9, 1]} & {{ n4 }} & {{ c4 }} & {{ '%g' | format(c4 | float + d4 | float) }}"
        "\\end{array}$$\n\n"
        "Statement: over all these predictions, the model is overconfident (its mean confidence exceeds its "
        "accuracy). Is the statement true or false, and which reason shows it?"
    ),
    answer=TrueFalse(truth_credit=0.5, reason_prefix="\\bar{c} - \\bar{a} = "),
    derive=derive,
    check=check,
    params=(
        tuple(grid(f"n{b}", "100", "500", "100", latex=f"n_{b}") for b in range(1, B + 1))
        + tuple(grid(f"c{b}", f"{0.51 + 0.1 * b:.2f}", f"{0.59 + 0.1 * b:.2f}", "0.02", latex=f"c_{b}") for b in range(1, B + 1))
        + tuple(grid(f"d{b}", "-0.12", "0.12", "0.02", exclude=("0",), latex=f"d_{b}") for b in range(1, B + 1))
    ),
    constraint=_well_posed,
    tags=("calibration", "overconfidence", "reliability", "data"),
    difficulty=2,
    points=2,
)
