"""Cross-entropy of a softmax output against a one-hot target (numeric)."""

from quizgen.generation.question import Derivation, Numeric, Question, Step, Wrong, grid, pick

K = 4  # classes


def derive(s):
    import sympy as sp

    from quizgen.generation.derivations import bits, cross_entropy, entropy, kl_divergence, tidy_log

    # Cross-entropy and KL do not depend on how the classes are numbered, so the derivation lists the
    # true class first: q = (q_true, the three other probabilities); the statement shows them in place.
    q = [s.q_true, s.o1, s.o2, 1 - s.q_true - s.o1 - s.o2]
    target = [sp.Integer(1)] + [sp.Integer(0)] * (K - 1)
    assert entropy(target) == 0  # a one-hot distribution has no uncertainty
    answer = cross_entropy(target, q)
    assert sp.simplify(tidy_log(answer - kl_divergence(target, q))) == 0  # so H(p, q) = D_KL(p || q)
    return Derivation(
        answer=answer,
        steps=(
            Step(r"""
                The target is one-hot: $p_{ {{- k -}} } = 1$ and $p_j = 0$ for the other classes. Its entropy
                $H(p) = -\sum_j p_j \log p_j$ is 0, because $1 \cdot \log 1 = 0$ and classes with $p_j = 0$
                contribute nothing.
            """),
            Step(r"""
                So the cross-entropy equals the KL divergence,
                $H(p, q) = H(p) + D_{\mathrm{KL}}(p \,\|\, q) = D_{\mathrm{KL}}(p \,\|\, q)$: minimising one
                minimises the other.
            """),
            Step(r"""
                In $H(p, q) = -\sum_j p_j \log q_j$ only the true class survives, leaving
                $-\log q_{ {{- k -}} }$ with $q_{ {{- k -}} } = {{ q_true }}$:
            """, answer),
        ),
        wrong=(
            Wrong("log_base_2", cross_entropy(target, q, log=bits), r"""
                That is the loss in bits (base-2 logarithm); cross-entropy as a training loss uses the natural
                logarithm.
            """, 0.5),
            Wrong("summed_over_classes", -sum((sp.log(qj) for qj in q), sp.Integer(0)), r"""
                You added $-\log q_j$ over every class. The one-hot target puts weight 0 on the wrong classes,
                so only the true class's term remains.
            """, 0.0),
            Wrong("binary_form", -sp.log(1 - q[0]), r"""
                $-\log(1 - q_k)$ is the binary cross-entropy term for a target of 0. With a one-hot target
                over several classes the loss is $-\log q_k$ for the true class.
            """, 0.0),
            Wrong("sign", -answer, r"""
                You reported $\log q_k$, which is negative since $q_k < 1$; the cross-entropy is its negative,
                a positive loss.
            """, 0.25),
        ),
        values={"o3": q[3]},
    )


def _in_place(p):
    """The four probabilities in class order: the true class's probability at position k."""
    others = [p["o1"], p["o2"], 1 - p["q_true"] - p["o1"] - p["o2"]]
    k = int(round(p["k"]))
    return others[: k - 1] + [p["q_true"]] + others[k - 1:], k


def check(p, x):
    import numpy as np

    probs, k = _in_place(p)
    q = np.array(probs, dtype=float)
    target = np.zeros(K)
    target[k - 1] = 1.0
    mask = target > 0
    return float(-np.sum(target[mask] * np.log(q[mask])))


QUESTION = Question(
    id="mle/one_hot_cross_entropy",
    title="Cross-entropy with a one-hot target",
    statement=r"""
        {% set others = [o1, o2, values.o3] %}{% set at = (k | int) - 1 %}A classifier's softmax
        layer outputs the probabilities
        $q = ({{ (others[:at] + [q_true] + others[at:]) | join(', ') }})$ over four classes. The
        true class of this sample is class {{ k }}, encoded as a one-hot target $p$.

        Compute the cross-entropy loss $H(p, q)$ for this sample in nats (natural logarithm), to 4
        significant figures.
    """,
    answer=Numeric(rtol=1e-3, unit="nats"),
    params=(
        grid("q_true", "0.05", "0.6", "0.01", latex="q_k"),
        grid("o1", "0.05", "0.6", "0.05"),
        grid("o2", "0.05", "0.6", "0.05"),
        pick("k", "1", "2", "3", "4"),
    ),
    constraint=lambda v: v["q_true"] + v["o1"] + v["o2"] <= 0.95,
    tags=("cross-entropy", "kl-divergence", "softmax", "classification"),
    difficulty=1,
    points=1,
)
