"""Temperature scaling: the confidence of a prediction after dividing the logits by T (numeric)."""

from quizgen.generation.question import Derivation, Numeric, Question, Step, Wrong, grid, pick


def derive(s):
    import sympy as sp

    T = s.T
    # the predicted class (largest logit) is listed first here; the statement shows it in place
    z = [s.z_top, s.z_a, s.z_b]

    def softmax_top(logits):
        e = [sp.exp(v) for v in logits]
        return e[0] / sum(e, sp.Integer(0))

    scaled = softmax_top([v / T for v in z])
    raw = softmax_top(z)
    return Derivation(
        answer=scaled,
        steps=(
            Step(r"""
                Temperature scaling divides every logit by the same $T = {{ T }}$ before the softmax. Dividing
                by a positive number keeps the order of the logits, so the predicted class (class {{ k }}, the
                largest logit) and hence the accuracy do not change; only the confidence does.
            """),
            Step("The confidence is the softmax probability of the predicted class at the scaled logits:", scaled),
            Step(r"""
                That is ${{ values.scaled }}$, against ${{ values.raw }}$ before scaling. {% if T | float > 1
                %}With $T > 1$ the logits move closer together and the distribution flattens, which corrects a
                model that is overconfident (its confidences exceed its accuracy).{% else %}With $T < 1$ the
                logits spread apart and the distribution sharpens, which corrects a model that is
                underconfident (its confidences fall short of its accuracy).{% endif %}
            """),
            Step(r"""
                $T$ is a single number fitted on held-out data, usually by minimising the negative
                log-likelihood there. Training on one-hot targets keeps pushing the logits apart, so a network
                that fits its training data well often ends up overconfident on new data; one parameter is
                often enough to repair that.
            """),
        ),
        wrong=(
            Wrong("multiplied_by_T", softmax_top([v * T for v in z]), r"""
                You multiplied the logits by $T$. Temperature scaling divides them, so a temperature above 1
                softens the distribution instead of sharpening it.
            """, 0.0),
            Wrong("unscaled", raw, r"""
                That is the confidence before scaling, the plain softmax of the logits. The scaled model uses
                $\mathrm{softmax}(z/T)$.
            """, 0.0),
            Wrong("divided_probability", raw / T, r"""
                The temperature divides the logits, not the probability: dividing the probability by $T$ would
                leave a distribution that no longer sums to 1.
            """, 0.0),
            Wrong("sigmoid_of_top", 1 / (1 + sp.exp(-z[0] / T)), r"""
                $\sigma(z_k/T)$ treats the top logit on its own, as in a binary model. The softmax compares it
                with every other scaled logit in the denominator.
            """, 0.0),
        ),
        values={"scaled": scaled, "raw": raw},
    )


def _in_place(p):
    k = int(round(p["k"]))
    others = [p["z_a"], p["z_b"]]
    return others[: k - 1] + [p["z_top"]] + others[k - 1:], k


def check(p, x):
    import numpy as np

    logits, k = _in_place(p)
    z = np.array(logits) / p["T"]
    z -= z.max()  # stable softmax
    q = np.exp(z) / np.exp(z).sum()
    assert int(np.argmax(q)) == k - 1
    return float(q.max())


QUESTION = Question(
    id="mle/temperature_scaling",
    title="Temperature scaling",
    statement=r"""
        {% set others = [z_a, z_b] %}{% set at = (k | int) - 1 %}A three-class network produces the
        logits $z = ({{ (others[:at] + [z_top] + others[at:]) | join(', ') }})$ for a test input. To
        calibrate it, temperature scaling with $T = {{ T }}$ was fitted on a validation set: the
        calibrated probabilities are $\mathrm{softmax}(z/T)$.

        What confidence (probability of the predicted class) does the calibrated model give this
        input? Give it to 4 significant figures.
    """,
    answer=Numeric(rtol=1e-3),
    params=(
        grid("z_top", "1", "5", "0.5", latex="z_k"),
        grid("z_a", "-2", "3", "0.5"),
        grid("z_b", "-2", "3", "0.5"),
        grid("T", "0.5", "3", "0.25", exclude=("1",)),
        pick("k", "1", "2", "3"),
    ),
    constraint=lambda v: v["z_top"] > v["z_a"] and v["z_top"] > v["z_b"],
    tags=("calibration", "temperature-scaling", "softmax", "overconfidence"),
    difficulty=2,
    points=2,
)
