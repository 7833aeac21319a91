"""Gibbs' inequality, D_KL(p || q) >= 0: put the steps of the proof in order (ordered steps)."""

from quizgen.generation.authoring import ClassPair
from quizgen.generation.question import Derivation, Order, Question, Step, Wrong

PAIR = ClassPair()  # the data's p and the model's q over three classes


def derive(s):
    import sympy as sp

    from quizgen.generation.derivations import kl_divergence

    p, q = PAIR.symbolic(s)
    kl = kl_divergence(p, q)
    # the bound of each term: p log(q/p) <= p (q/p - 1) = q - p, from log t <= t - 1
    terms = [pk * sp.log(qk / pk) for pk, qk in zip(p, q)]
    bounds = [qk - pk for pk, qk in zip(p, q)]
    t = sp.Symbol("t", positive=True)
    gap = t - 1 - sp.log(t)  # >= 0, with its only minimum at t = 1
    assert sp.solve(sp.diff(gap, t), t) == [1] and gap.subs(t, 1) == 0 and sp.diff(gap, t, 2).is_positive
    assert sp.simplify(sum(bounds)) == 0
    return Derivation(
        answer=(
            "Write the negative divergence as an average under $p$: "
            "$-D_{\\mathrm{KL}}(p \\,\\|\\, q) = \\sum_k p_k \\log \\frac{q_k}{p_k}$.",
            "Bound every logarithm by its tangent line at 1, $\\log t \\le t - 1$, with $t = q_k/p_k$: "
            "$\\sum_k p_k \\log \\frac{q_k}{p_k} \\le \\sum_k p_k \\left(\\frac{q_k}{p_k} - 1\\right)$.",
            "Multiply out: the $p_k$ cancel in the first part, and the bound is $\\sum_k q_k - \\sum_k p_k$.",
            "Both distributions sum to 1, so the bound is $1 - 1 = 0$, and therefore $D_{\\mathrm{KL}}(p \\,\\|\\, q) \\ge 0$.",
            "Equality in $\\log t \\le t - 1$ holds only at $t = 1$, so $D_{\\mathrm{KL}}(p \\,\\|\\, q) = 0$ only when "
            "$q_k = p_k$ for every $k$.",
        ),
        steps=(
            Step(r"""
                The proof needs one fact about the logarithm: $g(t) = t - 1 - \log t$ has $g'(t) = 1 - 1/t$,
                which vanishes only at $t = 1$, and $g''(t) = 1/t^2 > 0$, so $g(t) \ge g(1) = 0$. The
                logarithm lies below its tangent at 1.
            """, sp.Eq(sp.Symbol("g(t)"), gap)),
            Step(r"""
                The inequality can only be applied once the divergence is written as a sum of logarithms with
                positive weights $p_k$, so that step comes first. Term by term for this $p$ and $q$, the bound
                $p_k\log(q_k/p_k) \le q_k - p_k$ reads ${{ values.t1 }} \le {{ values.b1 }}$,
                ${{ values.t2 }} \le {{ values.b2 }}$ and ${{ values.t3 }} \le {{ values.b3 }}$.
            """),
            Step(r"""
                The bounds add up to $0$, because both distributions sum to 1; the logarithm terms add up to
                $-D_{\mathrm{KL}}(p \,\|\, q)$. So the divergence is at least 0; for this $p$ and $q$ it is
            """, kl),
            Step(r"""
                That is ${{ values.kl }}$. The equality case comes last, because it reads the condition for
                equality off the inequality just used.
            """),
        ),
        wrong=(
            Wrong("bound_before_average", (1, 0, 2, 3, 4), r"""
                The bound $\log t \le t - 1$ is applied to the terms $\log(q_k/p_k)$, which only appear once
                the divergence has been written as that average under $p$.
            """, 0.8),
            Wrong("equality_before_conclusion", (0, 1, 2, 4, 3), r"""
                The equality case is read off the inequality after the conclusion $D_{\mathrm{KL}} \ge 0$; it
                says when the bound is tight, so it cannot come before the bound is established.
            """, 0.8),
        ),
        values={"kl": kl, **{f"t{k}": terms[k - 1] for k in (1, 2, 3)}, **{f"b{k}": bounds[k - 1] for k in (1, 2, 3)}},
    )


def check(p, x):
    import numpy as np

    pv, qv = PAIR.arrays(p)
    out = {"kl": float(np.sum(pv * (np.log(pv) - np.log(qv))))}
    for k in range(3):
        out[f"t{k + 1}"] = float(pv[k] * (np.log(qv[k]) - np.log(pv[k])))
        out[f"b{k + 1}"] = float(qv[k] - pv[k])
        assert out[f"t{k + 1}"] <= out[f"b{k + 1}"] + 1e-15  # the bound holds term by term
    assert out["kl"] > 0
    return out


QUESTION = Question(
    id="mle/gibbs_inequality_order",
    title="Gibbs' inequality, step by step",
    statement=r"""
        The steps below prove Gibbs' inequality, $D_{\mathrm{KL}}(p \,\|\, q) \ge 0$ with equality
        only for $q = p$, for distributions over a finite set of classes with every $p_k > 0$ (for
        instance $p = ({{ p1 }}, {{ p2 }}, p_3)$ and $q = ({{ q1 }}, {{ q2 }}, q_3)$ over three
        classes). They are shuffled: put them in order.
    """,
    answer=Order(),
    params=PAIR.params,
    constraint=PAIR.constraint,
    tags=("kl-divergence", "gibbs-inequality", "proof"),
    difficulty=3,
    points=2,
)
