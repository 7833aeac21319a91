"""Cross-entropy against a label-smoothed target over four classes (numeric)."""

from quizgen.generation.question import Derivation, Numeric, Question, Step, Wrong, grid, pick

K = 4  # classes


def derive(s):
    import sympy as sp

    from quizgen.generation.derivations import bits, cross_entropy

    eps = s.eps
    # Cross-entropy does not depend on how the classes are numbered, so the derivation lists the true
    # class first: q = (q_true, the three other probabilities); the statement shows them in place.
    q = [s.q_true, s.o1, s.o2, 1 - s.q_true - s.o1 - s.o2]
    one_hot = [sp.Integer(1)] + [sp.Integer(0)] * (K - 1)
    smooth = [(1 - eps) * y + eps / K for y in one_hot]
    assert sp.simplify(sum(smooth) - 1) == 0  # still a distribution
    answer = cross_entropy(smooth, q)
    return Derivation(
        answer=answer,
        steps=(
            Step(r"""
                Label smoothing mixes the one-hot target with the uniform distribution:
                $t = (1 - \varepsilon)\,y + \varepsilon/K$ with $K = 4$ and $\varepsilon = {{ eps }}$. The
                true class gets $t_{ {{- k -}} } = 1 - \varepsilon + \varepsilon/4 = {{ values.t_true }}$ and
                every other class $\varepsilon/4 = {{ values.t_other }}$; the four still sum to 1.
            """),
            Step(r"""
                The cross-entropy with a soft target keeps every term of $-\sum_j t_j \log q_j$, because no
                weight is zero any more:
            """, answer),
            Step(r"""
                With the one-hot target the loss would be $-\log q_{ {{- k -}} } = {{ values.hard }}$ alone.
                The smoothed loss also charges the model for giving the other classes little probability, so
                it is no longer minimised by pushing $q_{ {{- k -}} }$ to 1: its minimum over $q$ is at
                $q = t$. This keeps the logits from growing without bound and tempers overconfidence.
            """),
        ),
        wrong=(
            Wrong("ignored_smoothing", -sp.log(q[0]), r"""
                That is the loss for the one-hot target, $-\log q_k$. With smoothing the wrong classes carry
                weight $\varepsilon/K$ each, so their $-\log q_j$ terms enter the sum too.
            """, 0.0),
            Wrong("mass_removed_not_spread", -(1 - eps) * sp.log(q[0]), r"""
                You took $\varepsilon$ away from the true class but did not spread it over the classes: the
                target must still sum to 1, with $\varepsilon/K$ on every class (the true one included).
            """, 0.25),
            Wrong("smoothed_prediction", -sp.log((1 - eps) * q[0] + eps / K), r"""
                You smoothed the model's probability instead of the target. Label smoothing changes the target
                distribution $t$; the loss is still $-\sum_j t_j \log q_j$ with the model's own $q_j$.
            """, 0.0),
            Wrong("bits", cross_entropy(smooth, q, log=bits), r"""
                That is the loss in bits (base-2 logarithm). Training losses use the natural logarithm, which
                gives nats; the two differ by the factor $\ln 2$.
            """, 0.5),
        ),
        values={"t_true": smooth[0], "t_other": smooth[1], "hard": -sp.log(q[0])},
    )


def check(p, x):
    import numpy as np

    others = [p["o1"], p["o2"], 1 - p["q_true"] - p["o1"] - p["o2"]]
    k = int(round(p["k"]))
    q = np.array(others[: k - 1] + [p["q_true"]] + others[k - 1:])
    target = np.zeros(K)
    target[k - 1] = 1.0
    t = (1 - p["eps"]) * target + p["eps"] / K
    loss = 0.0
    for j in range(K):
        loss += -t[j] * np.log(q[j])
    return loss


QUESTION = Question(
    id="mle/label_smoothing",
    title="Cross-entropy with label smoothing",
    statement=r"""
        {% set o3 = '%g' | format(1 - q_true | float - o1 | float - o2 | float) %}{% set others =
        [o1, o2, o3] %}{% set at = (k | int) - 1 %}A classifier's softmax layer outputs
        $q = ({{ (others[:at] + [q_true] + others[at:]) | join(', ') }})$ over $K = 4$ classes. The
        true class of this sample is class {{ k }}, and training uses label smoothing with
        $\varepsilon = {{ eps }}$: the target is $t = (1 - \varepsilon)\,y + \varepsilon/K$, where
        $y$ is the one-hot vector of the true class.

        Compute the cross-entropy loss $H(t, q)$ for this sample in nats (natural logarithm), to 4
        significant figures.
    """,
    answer=Numeric(rtol=1e-3, unit="nats"),
    params=(
        grid("q_true", "0.1", "0.7", "0.05", latex="q_k"),
        grid("o1", "0.05", "0.6", "0.05"),
        grid("o2", "0.05", "0.6", "0.05"),
        grid("eps", "0.05", "0.3", "0.05", latex="\\varepsilon"),
        pick("k", "1", "2", "3", "4"),
    ),
    constraint=lambda v: v["q_true"] + v["o1"] + v["o2"] <= 0.95,
    tags=("cross-entropy", "label-smoothing", "softmax", "classification"),
    difficulty=2,
    points=2,
)
