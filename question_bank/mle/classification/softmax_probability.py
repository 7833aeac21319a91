"""Outputs as probabilities: the softmax of raw scores, against normalisations that are not distributions (numeric)."""

from quizgen.generation.question import Derivation, Numeric, Question, Step, Wrong, grid, pick


def derive(s):
    import sympy as sp

    from quizgen.generation.derivations import sigmoid

    # the asked class's score first; the statement shows the scores in class order
    z = [s.z_k, s.z_a, s.z_b]
    e = [sp.exp(v) for v in z]
    total = sum(e, sp.Integer(0))
    answer = e[0] / total
    probs = [ek / total for ek in e]
    assert sp.simplify(sum(probs) - 1) == 0 and all(pk.is_positive for pk in probs)
    return Derivation(
        answer=answer,
        steps=(
            Step(r"""
                Raw scores can be any real numbers, so they cannot be read as probabilities: a probability
                distribution over the classes needs non-negative entries that sum to 1. The softmax makes
                every entry positive with the exponential and then divides by the total:
            """, answer),
            Step(r"""
                That is ${{ values.answer }}$. The three softmax outputs sum to 1 by construction, and a
                larger score always gets a larger probability, so the predicted class is the one with the
                largest score.
            """),
            Step(r"""
                Dividing the raw scores by their sum would also give numbers that sum to 1, but with scores of
                both signs some of those numbers are negative, so they are not probabilities; a separate
                sigmoid per class gives numbers in $(0, 1)$ that do not sum to 1.
            """),
        ),
        wrong=(
            Wrong("normalised_scores", z[0] / sum(z, sp.Integer(0)), r"""
                Dividing the raw scores by their sum skips the exponential. The results sum to 1, but with
                negative scores they need not lie in $[0, 1]$, so they are not a probability distribution.
            """, 0.0),
            Wrong("sigmoid_of_score", sigmoid(z[0]), r"""
                $\sigma(z_k)$ treats the class on its own, as in a binary model. The per-class sigmoids do not
                sum to 1 over the three classes; the softmax divides by the total over all classes.
            """, 0.0),
            Wrong("exp_not_normalised", e[0], r"""
                $e^{z_k}$ is positive but not normalised: it must be divided by $\sum_j e^{z_j}$ for the three
                outputs to sum to 1.
            """, 0.0),
        ),
        values={"answer": answer},
    )


def check(p, x):
    import numpy as np

    k = int(round(p["k"]))
    others = [p["z_a"], p["z_b"]]
    scores = np.array(others[: k - 1] + [p["z_k"]] + others[k - 1:])
    w = np.exp(scores - scores.max())
    probs = w / w.sum()
    assert np.all(probs > 0) and abs(probs.sum() - 1) < 1e-12
    return float(probs[k - 1])


def _well_posed(v):
    total = v["z_k"] + v["z_a"] + v["z_b"]
    scores = (v["z_k"], v["z_a"], v["z_b"])
    return total != 0 and min(scores) < 0 < max(scores)  # scores of both signs: dividing by their sum fails


QUESTION = Question(
    id="mle/softmax_probability",
    title="Scores into probabilities",
    statement=r"""
        {% set others = [z_a, z_b] %}{% set at = (k | int) - 1 %}The last layer of a three-class
        network produces the raw scores (logits)
        $z = ({{ (others[:at] + [z_k] + others[at:]) | join(', ') }})$ for an input. To read its
        output as a probability distribution over the classes, the scores go through a softmax.

        What probability does the model give class {{ k }}? Give it to 4 significant figures.
    """,
    answer=Numeric(rtol=1e-3),
    params=(
        grid("z_k", "-2", "3", "0.5", latex="z_k"),
        grid("z_a", "-2", "3", "0.5"),
        grid("z_b", "-2", "3", "0.5"),
        pick("k", "1", "2", "3"),
    ),
    constraint=_well_posed,
    tags=("softmax", "probability", "classification"),
    difficulty=1,
    points=1,
)
