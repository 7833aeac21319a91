"""Cross-entropy of a softmax output against a one-hot target (numeric)."""

from quizgen.question import Derivation, Numeric, Question, Step, Wrong, grid, pick

K = 4  # classes


def derive(s):
    import sympy as sp

    from quizgen.derivations import bits, cross_entropy, entropy, kl_divergence, tidy_log

    q = [s.q1, s.q2, s.q3, 1 - s.q1 - s.q2 - s.q3]

    def one_hot(j):
        return [sp.Integer(1) if i == j else sp.Integer(0) for i in range(K)]

    # The target depends on the drawn class k: one branch per class, each derived with a concrete one-hot p.
    for j in range(K):  # the derivation's own claims, for every possible target
        assert entropy(one_hot(j)) == 0
        assert sp.simplify(tidy_log(cross_entropy(one_hot(j), q) - kl_divergence(one_hot(j), q))) == 0

    def by_class(f):
        return sp.Piecewise(*((f(j), sp.Eq(s.k, j + 1)) for j in range(K - 1)), (f(K - 1), True))

    answer = by_class(lambda j: cross_entropy(one_hot(j), q))
    q_true = by_class(lambda j: q[j])
    return Derivation(
        answer=answer,
        steps=(
            Step("The target is one-hot: $p_{ {{- k -}} } = 1$ and $p_j = 0$ for the other classes. Its entropy "
                 "$H(p) = -\\sum_j p_j \\log p_j$ is 0, because $1 \\cdot \\log 1 = 0$ and classes with $p_j = 0$ contribute nothing."),
            Step("So the cross-entropy equals the KL divergence, $H(p, q) = H(p) + D_{\\mathrm{KL}}(p \\,\\|\\, q) = D_{\\mathrm{KL}}(p \\,\\|\\, q)$: "
                 "minimising one minimises the other."),
            Step("In $H(p, q) = -\\sum_j p_j \\log q_j$ only the true class survives, leaving $-\\log q_{ {{- k -}} }$ "
                 "with $q_{ {{- k -}} } = {{ values.q_true }}$:", answer),
        ),
        wrong=(
            Wrong("log_base_2", by_class(lambda j: cross_entropy(one_hot(j), q, log=bits)),
                  "That is the loss in bits (base-2 logarithm); cross-entropy as a training loss uses the natural "
                  "logarithm.", 0.5),
            Wrong("summed_over_classes", -sum((sp.log(qj) for qj in q), sp.Integer(0)),
                  "You added $-\\log q_j$ over every class. The one-hot target puts weight 0 on the wrong classes, "
                  "so only the true class's term remains.", 0.0),
            Wrong("binary_form", by_class(lambda j: -sp.log(1 - q[j])),
                  "$-\\log(1 - q_k)$ is the binary cross-entropy term for a target of 0. With a one-hot target over "
                  "several classes the loss is $-\\log q_k$ for the true class.", 0.0),
            Wrong("sign", -answer,
                  "$\\log q_k$ is negative since $q_k < 1$; the cross-entropy is its negative, a positive loss.", 0.25),
        ),
        values={"q4": q[3], "q_true": q_true},
    )


def check(p, x):
    import numpy as np

    q = np.array([p["q1"], p["q2"], p["q3"], 1 - p["q1"] - p["q2"] - p["q3"]])
    target = np.zeros(K)
    target[int(round(p["k"])) - 1] = 1.0
    mask = target > 0
    return float(-np.sum(target[mask] * np.log(q[mask])))


QUESTION = Question(
    id="mle/one_hot_cross_entropy",
    title="Cross-entropy with a one-hot target",
    statement=(
        "A classifier's softmax layer outputs the probabilities $q = ({{ q1 }}, {{ q2 }}, {{ q3 }}, {{ values.q4 }})$ "
        "over four classes. The true class of this sample is class {{ k }}, encoded as a one-hot target $p$.\n\n"
        "Compute the cross-entropy loss $H(p, q)$ for this sample (natural logarithm), to 4 significant figures."
    ),
    answer=Numeric(rtol=1e-3),
    derive=derive,
    check=check,
    params=(
        grid("q1", "0.05", "0.6", "0.05"),
        grid("q2", "0.05", "0.6", "0.05"),
        grid("q3", "0.05", "0.6", "0.05"),
        pick("k", "1", "2", "3", "4"),
    ),
    constraint=lambda v: v["q1"] + v["q2"] + v["q3"] <= 0.95,
    tags=("cross-entropy", "kl-divergence", "softmax", "classification"),
    difficulty=1,
    points=1,
)
