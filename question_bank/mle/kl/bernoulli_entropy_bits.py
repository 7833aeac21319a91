"""Entropy of a Bernoulli source in bits, as the shortest average code length (numeric)."""

from quizgen.generation.question import Derivation, Numeric, Question, Step, Wrong, grid


def derive(s):
    import sympy as sp

    from quizgen.generation.derivations import bits, entropy

    p, N = s.p, s.N
    h_bits = entropy([p, 1 - p], log=bits)
    h_nats = entropy([p, 1 - p])
    return Derivation(
        answer=N * h_bits,
        steps=(
            Step(r"""
                An ideal code would spend $-\log_2 P(x)$ bits on a symbol of probability $P(x)$: rare symbols
                get long code words, frequent ones short. Averaged over the source, that length per symbol is
                the entropy in bits,
            """, sp.Eq(sp.Symbol("H_{2}(p)"), h_bits)),
            Step(r"""
                Here $H_2({{ p }}) = {{ values.h }}$ bits per symbol. No code can do better on average, and
                one that is optimal for this source gets arbitrarily close when it encodes long blocks of
                symbols.
            """),
            Step("For $N = {{ N }}$ independent symbols the entropies add up:", N * h_bits),
            Step(r"""
                The base of the logarithm only sets the unit: in nats (natural logarithm) the same entropy is
                $H = {{ values.h_nats }}$, and $1$ nat $= 1/\ln 2 \approx 1.443$ bits.
            """),
        ),
        wrong=(
            Wrong("nats", N * h_nats, r"""
                That is the length in nats, with the natural logarithm. A bit is a binary digit, so code
                length in bits uses $\log_2$; the nat figure is smaller by the factor $\ln 2$.
            """, 0.5),
            Wrong("one_bit_per_symbol", N, r"""
                One bit per symbol is what a plain binary code spends. When the two outcomes are not equally
                likely, the frequent one can get shorter code words (in blocks of symbols), so the average
                drops to $H_2(p) < 1$ bit.
            """, 0.0),
            Wrong("one_term_only", -N * p * bits(p), r"""
                You kept only the term of the outcome $x = 1$. The entropy averages $-\log_2 P(x)$ over both
                outcomes, so the term $-(1-p)\log_2(1-p)$ of $x = 0$ belongs in it too.
            """, 0.0),
        ),
        values={"h": h_bits, "h_nats": h_nats},
    )


def check(p, x):
    import numpy as np

    probs = {1: p["p"], 0: 1 - p["p"]}
    per_symbol = sum(-pr * np.log(pr) / np.log(2.0) for pr in probs.values())  # change of base by hand
    return p["N"] * per_symbol


QUESTION = Question(
    id="mle/bernoulli_entropy_bits",
    title="Entropy of a binary source in bits",
    statement=r"""
        A source emits independent binary symbols, each equal to 1 with probability $p = {{ p }}$.

        What is the entropy of a message of $N = {{ N }}$ such symbols, in bits: the lower bound on
        the average number of bits any code spends on it, which a code for long blocks of symbols
        gets arbitrarily close to? Give it to 4 significant figures.
    """,
    answer=Numeric(rtol=1e-3, unit="bits"),
    params=(
        grid("p", "0.02", "0.98", "0.02", exclude=("0.5",)),
        grid("N", "10", "100", "10"),
    ),
    tags=("entropy", "bits", "code-length"),
    difficulty=1,
    points=1,
)
