"""Cross-entropy from the data entropy and the KL divergence, H(p, q) = H(p) + D_KL(p || q) (numeric)."""

from quizgen.generation.authoring import ClassPair
from quizgen.generation.question import Derivation, Numeric, Question, Step, Wrong

PAIR = ClassPair()  # the data's p and the model's q over three classes


def derive(s):
    import sympy as sp

    from quizgen.generation.derivations import cross_entropy, entropy, kl_divergence, tidy_log

    p, q = PAIR.symbolic(s)
    ent, kl, ce = entropy(p), kl_divergence(p, q), cross_entropy(p, q)
    assert sp.simplify(tidy_log(ce - ent - kl)) == 0  # the decomposition, checked symbolically
    return Derivation(
        answer=ce,
        steps=(
            Step(r"""
                Write $\log\frac{p_k}{q_k} = \log p_k - \log q_k$ inside the divergence. Then
                $D_{\mathrm{KL}}(p \,\|\, q) = \sum_k p_k \log p_k - \sum_k p_k \log q_k = -H(p) + H(p, q)$,
                so the cross-entropy is the entropy of the data plus the divergence:
            """, sp.Eq(sp.Symbol("H(p, q)"), sp.Symbol("H(p)") + sp.Symbol("D_{\\mathrm{KL}}(p \\| q)"))),
            Step(r"""
                With the numbers given, $H(p, q) = {{ values.ent }} + {{ values.kl }} = {{ values.ce }}$ nats.
                As a check, the direct sum $-\sum_k p_k \log q_k$ over the three classes
                ($p_3 = {{ values.p3 }}$, $q_3 = {{ values.q3 }}$) gives the same number:
            """, ce),
            Step(r"""
                Why this matters for training: if $q$ depends on parameters $\theta$, the term $H(p)$ is fixed
                by the data and has no $\theta$ in it, so $\partial H(p, q)/\partial\theta = \partial
                D_{\mathrm{KL}}(p \,\|\, q)/\partial\theta$. Minimising the cross-entropy and minimising the
                divergence move $\theta$ the same way; their values differ by the constant $H(p)$.
            """),
        ),
        wrong=(
            Wrong("subtracted_entropy", kl - ent, r"""
                The entropy is added, not subtracted: $D_{\mathrm{KL}} = H(p, q) - H(p)$, so
                $H(p, q) = H(p) + D_{\mathrm{KL}}$. The cross-entropy can never be smaller than $H(p)$,
                because the divergence is never negative.
            """, 0.0),
            Wrong("entropy_minus_divergence", ent - kl, r"""
                The divergence is added to the entropy, not subtracted: $D_{\mathrm{KL}} = H(p, q) - H(p)$, so
                $H(p, q) = H(p) + D_{\mathrm{KL}}$, never below $H(p)$.
            """, 0.0),
            Wrong("kl_only", kl, r"""
                That is the divergence alone. It equals the cross-entropy only when $H(p) = 0$, which happens
                for a one-hot $p$; here $p$ spreads over three classes, so its entropy must be added.
            """, 0.0),
            Wrong("entropy_only", ent, r"""
                That is $H(p)$, the smallest value the cross-entropy can take (reached when $q = p$). The
                model differs from the data, so the divergence adds to it.
            """, 0.0),
            Wrong("reversed_cross_entropy", cross_entropy(q, p), r"""
                You computed $-\sum_k q_k \log p_k$, averaging under the model instead of the data. The
                cross-entropy $H(p, q)$ averages the model's $-\log q_k$ under the data's $p_k$.
            """, 0.25),
        ),
        values={"ce": ce, "ent": ent, "kl": kl, "p3": p[2], "q3": q[2]},
    )


def check(p, x):
    import numpy as np

    pv, qv = PAIR.arrays(p)
    total = 0.0
    for pk, qk in zip(pv, qv):  # -sum p log q, term by term
        total -= pk * np.log(qk)
    return total


QUESTION = Question(
    id="mle/cross_entropy_decomposition",
    title="Cross-entropy = entropy + divergence",
    statement=r"""
        Over three classes, the data distribution is $p = ({{ p1 }}, {{ p2 }}, p_3)$ and a model
        predicts $q = ({{ q1 }}, {{ q2 }}, q_3)$, where $p_3$ and $q_3$ make each sum to 1. The
        entropy of the data is $H(p) = {{ values.ent }}$ nats and the divergence is
        $D_{\mathrm{KL}}(p \,\|\, q) = {{ values.kl }}$ nats.

        Compute the cross-entropy $H(p, q)$ in nats, to 4 significant figures.
    """,
    answer=Numeric(rtol=1e-3, unit="nats"),
    params=PAIR.params,
    constraint=PAIR.constraint,
    tags=("cross-entropy", "kl-divergence", "entropy"),
    difficulty=1,
    points=1,
)
