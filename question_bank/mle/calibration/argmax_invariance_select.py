"""Which changes to the logits keep every prediction (the argmax) — why temperature scaling leaves accuracy alone (multiple-select)."""

from quizgen.generation.question import Choice, Derivation, Question, Right, Step, Wrong, grid


def derive(s):
    import sympy as sp

    z = s.z
    T, c = s.T, s.c
    keep = {"temperature": z / T, "shift": z + c, "cube": z**3}
    change = {"reversed_temperature": -z / T, "square": z**2, "reciprocal": 1 / z}
    # the criterion: a strictly increasing g keeps the order of the logits, hence the argmax of the softmax
    for g in keep.values():
        assert sp.simplify(sp.diff(g, z)).is_nonnegative or sp.diff(g, z).is_positive
    return Derivation(
        answer=(
            Right("temperature", keep["temperature"], r"""
                Dividing by $T = {{ T }} > 0$ keeps the order of the logits: this is temperature scaling,
                which changes the confidence but never the predicted class.
            """),
            Right("shift", keep["shift"], r"""
                Adding the same constant to every logit does not even change the probabilities: the factor
                $e^{c}$ cancels between the numerator and the denominator of the softmax.
            """),
            Right("cube", keep["cube"],
                  "$z^3$ is strictly increasing, so the largest logit stays the largest, although the probabilities change."),
        ),
        steps=(
            Step(r"""
                The softmax $q_k = e^{z_k}/\sum_j e^{z_j}$ is largest for the largest logit, because $e^{z}$
                is increasing. So the predicted class, the argmax of $q$, is the argmax of $z$.
            """),
            Step(r"""
                Applying $g$ to every logit keeps every prediction exactly when $g$ keeps the order of any set
                of numbers, that is when $g$ is strictly increasing. Check the sign of each derivative: $z/T$
                with $T = {{ T }}$, $z + c$ with $c = {{ c }}$, and $z^3$ are increasing ($1/T > 0$, $1$, and
                $3z^2 \ge 0$ with equality only at one point).
            """),
            Step(r"""
                $-z/T$ is decreasing, so it turns the largest logit into the smallest. $z^2$ and $1/z$ are not
                monotonic over all real numbers: with logits $(-3, 1)$, $z^2$ makes the first class the
                prediction; with logits $(1, 2)$, $1/z$ gives $(1, 0.5)$ and picks the first class.
            """),
            Step(r"""
                This is why temperature scaling is a safe calibration fix: the accuracy (which depends only on
                the argmax) is untouched, while the confidences move towards the observed accuracy.
            """),
        ),
        wrong=(
            Wrong("reversed_temperature", change["reversed_temperature"], r"""
                Dividing by $-T$ reverses the order of the logits, so the class with the smallest logit
                becomes the prediction. Temperatures are positive.
            """, 0.0),
            Wrong("square", change["square"], r"""
                $z^2$ is not increasing for negative logits: with logits $(-3, 1)$ the first class, which had
                the smaller logit, gets the larger square and becomes the prediction.
            """, 0.0),
            Wrong("reciprocal", change["reciprocal"], r"""
                $1/z$ reverses the order of logits of the same sign (and jumps at 0): with logits $(1, 2)$ the
                first class becomes the prediction.
            """, 0.0),
        ),
    )


def check(p, x):
    import numpy as np

    T, c = p["T"], p["c"]
    candidates = {  # written apart from the derivation, in the order of its correct options
        "temperature": lambda v: v / T,
        "shift": lambda v: v + c,
        "cube": lambda v: v**3,
        "reversed_temperature": lambda v: -v / T,
        "square": lambda v: v**2,
        "reciprocal": lambda v: 1 / v,
    }
    rng = np.random.default_rng(0)
    logits = rng.normal(0, 2, size=(1000, 4))  # random logit vectors over 4 classes

    def softmax(v):
        e = np.exp(v - v.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    base = np.argmax(softmax(logits), axis=1)
    keeps = {name: bool(np.all(np.argmax(softmax(g(logits)), axis=1) == base)) for name, g in candidates.items()}
    assert keeps == {"temperature": True, "shift": True, "cube": True,
                     "reversed_temperature": False, "square": False, "reciprocal": False}, keeps
    z = np.asarray(x["z"], dtype=float)
    return tuple(candidates[name](z) for name in ("temperature", "shift", "cube"))


QUESTION = Question(
    id="mle/argmax_invariance_select",
    title="Changes to the logits that keep every prediction",
    statement=r"""
        A classifier predicts the class with the largest softmax probability. Before the softmax,
        the same function $g$ is applied to each of its logits $z_k$ (the options write $g(z)$).

        Select every $g$ for which the predicted class stays the same for **every** possible vector
        of logits.
    """,
    answer=Choice(multiple=True, symbols={"z": "real"}),
    params=(grid("T", "0.5", "3", "0.25", exclude=("1",)), grid("c", "-2", "2", "0.5", exclude=("0",))),
    tags=("calibration", "temperature-scaling", "softmax", "argmax", "classification"),
    difficulty=2,
    points=2,
)
