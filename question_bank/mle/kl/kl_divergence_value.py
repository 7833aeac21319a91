"""KL divergence between two distributions over three classes, in nats (numeric)."""

from quizgen.generation.authoring import ClassPair
from quizgen.generation.question import Derivation, Numeric, Question, Step, Wrong

PAIR = ClassPair()  # the data's p and the model's q over three classes


def derive(s):
    from quizgen.generation.derivations import bits, cross_entropy, entropy, kl_divergence

    p, q = PAIR.symbolic(s)
    kl = kl_divergence(p, q)
    return Derivation(
        answer=kl,
        steps=(
            Step(r"""
                By definition $D_{\mathrm{KL}}(p \,\|\, q) = \sum_k p_k \log \frac{p_k}{q_k}$: an average over
                $p$ of the log-ratio of the two probabilities, with the natural logarithm for nats.
            """),
            Step("The third probabilities are $p_3 = 1 - p_1 - p_2 = {{ values.p3 }}$ and $q_3 = {{ values.q3 }}$. Summing the three terms $p_k \\log(p_k/q_k)$:", kl),
            Step(r"""
                Equivalently, it is the cross-entropy minus the entropy of $p$: $H(p, q) = {{ values.cross }}$
                and $H(p) = {{ values.ent }}$ nats.
            """),
        ),
        wrong=(
            Wrong("reversed_kl", kl_divergence(q, p), r"""
                You computed $D_{\mathrm{KL}}(q \,\|\, p)$, weighting the log-ratio by $q$. KL divergence is
                not symmetric: $D_{\mathrm{KL}}(p \,\|\, q)$ averages $\log(p_k/q_k)$ under $p$.
            """, 0.25),
            Wrong("bits", kl_divergence(p, q, log=bits), r"""
                That is the divergence in bits (base-2 logarithm). Nats use the natural logarithm; the two
                differ by the factor $\ln 2$.
            """, 0.5),
            Wrong("cross_entropy", cross_entropy(p, q), r"""
                That is the cross-entropy $H(p, q) = -\sum_k p_k \log q_k$. The KL divergence subtracts the
                entropy $H(p)$ from it.
            """, 0.25),
            Wrong("entropy_of_p", entropy(p),
                  "That is the entropy $H(p)$ of the first distribution alone; it does not involve $q$ at all.", 0.0),
        ),
        values={"p3": p[2], "q3": q[2], "cross": cross_entropy(p, q), "ent": entropy(p)},
    )


def check(p, x):
    import numpy as np

    pv, qv = PAIR.arrays(p)
    return float(np.sum(pv * (np.log(pv) - np.log(qv))))


QUESTION = Question(
    id="mle/kl_divergence_value",
    title="KL divergence over three classes",
    statement=r"""
        Over three classes, the data distribution is $p = ({{ p1 }}, {{ p2 }}, p_3)$ and a model
        predicts $q = ({{ q1 }}, {{ q2 }}, q_3)$, where $p_3$ and $q_3$ make each distribution sum
        to 1.

        Compute the Kullback-Leibler divergence $D_{\mathrm{KL}}(p \,\|\, q)$ in nats (natural
        logarithm), to 4 significant figures.
    """,
    answer=Numeric(rtol=1e-3, unit="nats"),
    params=PAIR.params,
    constraint=PAIR.constraint,
    tags=("kl-divergence", "cross-entropy", "classification"),
    difficulty=1,
    points=1,
)
