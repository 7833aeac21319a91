"""Why a classifier trained on one-hot targets can be overconfident, and what to do (interview, graded by a person)."""

from quizgen.generation.question import Derivation, Manual, Question, Step, grid


def derive(s):
    import sympy as sp

    gap = s.conf - s.acc
    # temperature scaling divides the logits by T > 1 before the softmax; as T grows, every class tends to 1/K
    K = 3  # shown for three classes; the limit is 1/K for any K
    z, T = sp.symbols(f"z_1:{K + 1}", real=True), sp.Symbol("T", positive=True)
    softened = sp.exp(z[0] / T) / sum((sp.exp(zk / T) for zk in z), sp.Integer(0))
    assert sp.limit(softened.subs({z[0]: 2, z[1]: -1, z[2]: sp.Rational(1, 2)}), T, sp.oo) == sp.Rational(1, K)
    return Derivation(
        answer=(
            "The network is **overconfident**: on the predictions it makes, its mean confidence {{ conf }} exceeds its "
            "accuracy {{ acc }} by ${{ values.gap }}$, so the gap between confidence and accuracy, which ECE measures bin "
            "by bin, is large. Cross-entropy on one-hot targets keeps rewarding a larger margin on training examples "
            "already classified correctly (the loss $-\\log q_y$ only reaches 0 at $q_y = 1$), so a big network can "
            "push its training outputs towards 1 and keep that confidence on new data where it is wrong more often. "
            "Minimising the log loss gives calibrated probabilities only in expectation over the data distribution "
            "and with a model that does not overfit; a training loss near 0 means the network has fit the training "
            "labels themselves. Remedies: fit a temperature $T > 1$ on a held-out set "
            "(dividing the logits by $T$ does not change the argmax, so accuracy is unchanged), label smoothing, "
            "or early stopping; check with a reliability diagram."
        ),
        steps=(
            Step("Overconfidence is the gap between mean confidence and accuracy:", gap),
            Step(r"""
                Temperature scaling divides the logits by $T$ before the softmax. For three classes the first
                class gets the probability below; as $T$ grows every exponent tends to 0 and each of the $K$
                outputs tends to $1/K$, while the order of the logits, and so the predicted class, stays the
                same:
            """, sp.Eq(sp.Symbol("q_1"), softened)),
        ),
        values={"gap": gap},
    )


def check(p, x):
    import numpy as np

    # a class of 1000 predictions with exactly these rates: the one-bin ECE is |mean confidence - accuracy|
    n = 1000
    confidence = np.full(n, p["conf"])
    correct = np.zeros(n)
    correct[: int(round(p["acc"] * n))] = 1
    return {"gap": float(np.mean(confidence) - np.mean(correct))}


QUESTION = Question(
    id="mle/onehot_calibration_interview",
    title="Interview: an overconfident classifier",
    statement=r"""
        You trained a large image classifier with softmax and cross-entropy on one-hot labels until
        the training loss was nearly 0. On a held-out set its accuracy is {{ acc }}, but the average
        probability it assigns to its predicted class is {{ conf }}.

        What is going on, why does training on one-hot targets allow it, and what would you do?
    """,
    answer=Manual(
        rubric=(
            "Names the problem: overconfidence / miscalibration, with the gap (mean confidence minus accuracy, "
            "${{ values.gap }}$ here) or ECE from a reliability diagram.",
            "Explains why: cross-entropy with one-hot targets keeps pushing $q_y$ towards 1 on training data; a model "
            "that overfits carries that confidence to new data.",
            "Knows that minimising log loss gives calibrated outputs only in the limit of enough data and a model "
            "that does not overfit.",
            "Proposes temperature scaling fitted on held-out data (and knows it leaves the argmax, hence accuracy, "
            "unchanged), or label smoothing / early stopping.",
        ),
        followups=(
            "How would you fit the temperature, and on which data?",
            "Why does dividing the logits by $T$ not change the accuracy?",
            "Which proper scoring rule besides log loss would you report, and why does properness matter here?",
        ),
    ),
    params=(grid("acc", "0.7", "0.85", "0.01"), grid("conf", "0.9", "0.99", "0.01")),
    tags=("calibration", "overconfidence", "temperature-scaling", "interview"),
    difficulty=3,
    points=5,
)
