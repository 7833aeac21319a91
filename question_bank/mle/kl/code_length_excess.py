"""Extra bits per symbol from coding with the wrong distribution: D_KL in bits, since min_q H(p, q) = H(p) (numeric)."""

from quizgen.generation.authoring import ClassPair
from quizgen.generation.question import Derivation, Numeric, Question, Step, Wrong

PAIR = ClassPair()  # the data's p and the model's q over three classes


def derive(s):
    import sympy as sp

    from quizgen.generation.derivations import bits, cross_entropy, entropy, kl_divergence

    p, q = PAIR.symbolic(s)
    ce = cross_entropy(p, q, log=bits)
    ent = entropy(p, log=bits)
    excess = kl_divergence(p, q, log=bits)
    # the best code is the one built for p itself: H(p, r) over r on the simplex is smallest at r = p
    r1, r2 = sp.symbols("r1 r2", positive=True)
    h_r = cross_entropy(p, [r1, r2, 1 - r1 - r2])
    stationary = sp.solve([sp.diff(h_r, r1), sp.diff(h_r, r2)], [r1, r2], dict=True)
    assert stationary == [{r1: p[0], r2: p[1]}]
    assert sp.simplify(sp.expand_log(ce - ent - excess, force=True)) == 0
    return Derivation(
        answer=excess,
        steps=(
            Step(r"""
                A code built for a distribution $r$ gives a symbol of class $k$ a code word of about
                $-\log_2 r_k$ bits. The symbols actually follow $p$, so the average length is the
                cross-entropy in bits,
            """, sp.Eq(sp.Symbol("H_{2}(p, q)"), ce)),
            Step(r"""
                Over all codes $r$, the average length $H(p, r)$ is smallest at $r = p$ (setting its
                derivatives on the simplex to zero gives $r_k = p_k$). The minimum is the entropy, the length
                of the best code:
            """, sp.Eq(sp.Symbol("H_{2}(p)"), ent)),
            Step(r"""
                The waste is the difference, $H_2(p, q) - H_2(p) = {{ values.ce }} - {{ values.ent }}$ bits
                per symbol, which is the KL divergence measured in bits:
            """, excess),
            Step(r"""
                It is positive whenever $q \neq p$ (Gibbs' inequality), and it is
                $D_{\mathrm{KL}}(p \,\|\, q)$ with the data distribution first: the symbols are drawn from $p$
                and only the code comes from $q$. Minimising cross-entropy over a model $q$ minimises exactly
                this waste.
            """),
        ),
        wrong=(
            Wrong("total_length", ce, r"""
                That is the whole average length with the mismatched code, $H(p, q)$. The question asks for
                the extra length compared with the best code, so subtract the entropy $H(p)$.
            """, 0.25),
            Wrong("nats", kl_divergence(p, q), r"""
                That is the excess in nats (natural logarithm). Code words are made of bits, so use $\log_2$;
                the nat figure is smaller by the factor $\ln 2$.
            """, 0.5),
            Wrong("reversed", kl_divergence(q, p, log=bits), r"""
                You computed $D_{\mathrm{KL}}(q \,\|\, p)$. The symbols are drawn from $p$, so the lengths are
                averaged under $p$: the divergence is $D_{\mathrm{KL}}(p \,\|\, q)$, and it is not symmetric.
            """, 0.0),
            Wrong("entropy_difference", entropy(q, log=bits) - ent, r"""
                $H(q) - H(p)$ compares the two entropies, but the mismatched code is used on symbols from $p$:
                its length is $H(p, q)$, not $H(q)$. The difference can even be negative.
            """, 0.0),
        ),
        values={"ce": ce, "ent": ent},
    )


def check(p, x):
    import numpy as np

    pv, qv = PAIR.arrays(p)
    # the best code: minimise the average length sum p_k * (-log2 r_k) over a fine grid of codes r
    best = np.inf
    for r1 in np.linspace(0.005, 0.99, 198):
        r2 = np.linspace(0.005, 0.995 - r1, 200)
        r = np.stack([np.full_like(r2, r1), r2, 1 - r1 - r2])
        best = min(best, float(np.min(-(pv[:, None] * np.log2(r)).sum(axis=0))))
    exact_best = float(-(pv * np.log2(pv)).sum())
    assert exact_best <= best + 1e-12 and best - exact_best < 1e-3  # the grid search finds the entropy
    with_q = float(-(pv * np.log2(qv)).sum())
    return with_q - exact_best


QUESTION = Question(
    id="mle/code_length_excess",
    title="Extra code length from the wrong distribution",
    statement=r"""
        Symbols from a three-letter alphabet occur with probabilities
        $p = ({{ p1 }}, {{ p2 }}, p_3)$. They are encoded with a code designed for the probabilities
        $q = ({{ q1 }}, {{ q2 }}, q_3)$ instead, spending $-\log_2 q_k$ bits on letter $k$ ($p_3$
        and $q_3$ complete each to 1).

        How many bits per symbol, on average, does this code waste compared with the best possible
        code for these symbols? Give it to 4 significant figures.
    """,
    answer=Numeric(rtol=1e-3, unit="bits"),
    params=PAIR.params,
    constraint=PAIR.constraint,
    tags=("entropy", "cross-entropy", "kl-divergence", "bits", "code-length"),
    difficulty=2,
    points=2,
)
