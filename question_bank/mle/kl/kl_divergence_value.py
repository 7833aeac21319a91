"""KL divergence between two distributions over three classes, in nats (numeric)."""

from quizgen.generation.question import Derivation, Numeric, Question, Step, Wrong, grid


def derive(s):
    from quizgen.generation.derivations import bits, cross_entropy, entropy, kl_divergence

    p = [s.p1, s.p2, 1 - s.p1 - s.p2]
    q = [s.q1, s.q2, 1 - s.q1 - s.q2]
    kl = kl_divergence(p, q)
    return Derivation(
        answer=kl,
        steps=(
            Step("By definition $D_{\\mathrm{KL}}(p \\,\\|\\, q) = \\sum_k p_k \\log \\frac{p_k}{q_k}$: an average over $p$ "
                 "of the log-ratio of the two probabilities, with the natural logarithm for nats."),
            Step("The third probabilities are $p_3 = 1 - p_1 - p_2 = {{ values.p3 }}$ and $q_3 = {{ values.q3 }}$. Summing the three terms $p_k \\log(p_k/q_k)$:", kl),
            Step("Equivalently, it is the cross-entropy minus the entropy of $p$: "
                 "$H(p, q) = {{ values.cross }}$ and $H(p) = {{ values.ent }}$ nats."),
        ),
        wrong=(
            Wrong("reversed_kl", kl_divergence(q, p),
                  "You computed $D_{\\mathrm{KL}}(q \\,\\|\\, p)$, weighting the log-ratio by $q$. KL divergence is not "
                  "symmetric: $D_{\\mathrm{KL}}(p \\,\\|\\, q)$ averages $\\log(p_k/q_k)$ under $p$.", 0.25),
            Wrong("bits", kl_divergence(p, q, log=bits),
                  "That is the divergence in bits (base-2 logarithm). Nats use the natural logarithm; the two differ "
                  "by the factor $\\ln 2$.", 0.5),
            Wrong("cross_entropy", cross_entropy(p, q),
                  "That is the cross-entropy $H(p, q) = -\\sum_k p_k \\log q_k$. The KL divergence subtracts the "
                  "entropy $H(p)$ from it.", 0.25),
            Wrong("entropy_of_p", entropy(p),
                  "That is the entropy $H(p)$ of the first distribution alone; it does not involve $q$ at all.", 0.0),
        ),
        values={"p3": p[2], "q3": q[2], "cross": cross_entropy(p, q), "ent": entropy(p)},
    )


def check(p, x):
    import numpy as np

    pv = np.array([p["p1"], p["p2"], 1 - p["p1"] - p["p2"]])
    qv = np.array([p["q1"], p["q2"], 1 - p["q1"] - p["q2"]])
    return float(np.sum(pv * (np.log(pv) - np.log(qv))))


def _well_posed(v):
    return (v["p1"] + v["p2"] < 1 and v["q1"] + v["q2"] < 1
            and (v["p1"], v["p2"]) != (v["q1"], v["q2"]))


QUESTION = Question(
    id="mle/kl_divergence_value",
    title="KL divergence over three classes",
    statement=(
        "Over three classes, the data distribution is $p = ({{ p1 }}, {{ p2 }}, p_3)$ and a model predicts "
        "$q = ({{ q1 }}, {{ q2 }}, q_3)$, where $p_3$ and $q_3$ make each distribution sum to 1.\n\n"
        "Compute the Kullback-Leibler divergence $D_{\\mathrm{KL}}(p \\,\\|\\, q)$ in nats (natural logarithm), "
        "to 4 significant figures."
    ),
    answer=Numeric(rtol=1e-3, unit="nats"),
    derive=derive,
    check=check,
    params=(
        grid("p1", "0.1", "0.8", "0.1"),
        grid("p2", "0.1", "0.8", "0.1"),
        grid("q1", "0.1", "0.8", "0.1"),
        grid("q2", "0.1", "0.8", "0.1"),
    ),
    constraint=_well_posed,
    tags=("kl-divergence", "cross-entropy", "classification"),
    difficulty=1,
    points=1,
)
