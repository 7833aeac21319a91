"""How many factors of a small probability make a float64 likelihood underflow to 0: why we sum logs (numeric)."""

from quizgen.generation.question import Derivation, Numeric, Question, Step, Wrong, grid

# float64: the smallest positive (subnormal) number is 2**-1074; a result below half of it rounds to 0.
# The smallest *normal* float64 is 2**-1022; float32's smallest subnormal is 2**-149.
SUBNORMAL_EXP, NORMAL_EXP, FLOAT32_EXP = 1074, 1022, 149


def derive(s):
    import sympy as sp

    p = s.p
    n = sp.Symbol("n", positive=True)
    ln2 = sp.Symbol("ln2", positive=True)  # kept apart so that SymPy does not fold 1075 log 2 into log(2**1075)
    # p**n rounds to 0 once p**n <= 2**-(1074 + 1), i.e. n * log(1/p) >= 1075 * log 2
    (bound,) = sp.solve(sp.Eq(n * sp.log(1 / p), (SUBNORMAL_EXP + 1) * ln2), n)
    (normal,) = sp.solve(sp.Eq(n * sp.log(1 / p), NORMAL_EXP * ln2), n)
    (single,) = sp.solve(sp.Eq(n * sp.log(1 / p), (FLOAT32_EXP + 1) * ln2), n)
    bound, normal, single = (e.xreplace({ln2: sp.log(2)}) for e in (bound, normal, single))
    answer = sp.ceiling(bound)
    return Derivation(
        answer=answer,
        steps=(
            Step(r"""
                The smallest positive float64 is $2^{-1074} \approx 4.94 \times 10^{-324}$ (a *subnormal*
                number). Rounded to the nearest float64, a value of at most half of it, $2^{-1075}$, becomes 0
                (exactly half is a tie, and ties go to the even neighbour, 0). So $p^n$ comes out as 0 once
                $p^n \le 2^{-1075}$, that is once $n \log(1/p) \ge 1075 \log 2$:
            """, sp.Eq(sp.Symbol("n"), bound)),
            Step(r"""
                The count of factors is a whole number, so we round up: $n = {{ values.n }}$ factors give
                exactly 0, while $n - 1$ factors still give a tiny positive number.
            """),
            Step(r"""
                The log-likelihood of the same data is $n \log p = {{ values.log_lik }}$ (natural log), an
                ordinary number. Taking logs turns the product into a sum, which neither underflows nor loses
                precision; and since $\log$ is increasing, the parameter that maximises the log-likelihood
                also maximises the likelihood.
            """),
        ),
        wrong=(
            Wrong("normal_minimum", sp.ceiling(normal), r"""
                You used $2^{-1022} \approx 2.2 \times 10^{-308}$, the smallest *normal* float64 (the value
                NumPy reports as its `tiny`). Below it, subnormal numbers with fewer significant bits carry
                the product further down, to about $4.9 \times 10^{-324}$, before it becomes 0.
            """, 0.25),
            Wrong("last_nonzero", answer - 1, r"""
                With this many factors the product is still a positive (subnormal) number; the question asks
                for the first count at which it rounds to 0, one factor more.
            """, 0.5),
            Wrong("single_precision", sp.ceiling(single), r"""
                That is where a float32 product underflows (its smallest positive number is $2^{-149}$). NumPy
                and Python compute in float64 by default.
            """, 0.25),
        ),
        values={"n": answer, "log_lik": answer * sp.log(p)},
    )


def check(p, x):
    from fractions import Fraction

    # exact arithmetic: the exact p**n rounds to 0 in float64 once it is at most half the smallest subnormal,
    # 2**-1075 (exactly half is a tie, which goes to the even neighbour, 0); the first such n, by bisection
    prob = Fraction(repr(p["p"]))  # the decimal the parameter was drawn as

    def underflows(n: int) -> bool:
        return prob.numerator**n * 2**1075 <= prob.denominator**n

    lo, hi = 1, 2
    while not underflows(hi):
        lo, hi = hi, hi * 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if underflows(mid) else (mid, hi)
    return float(hi)


QUESTION = Question(
    id="mle/underflow_count",
    title="When a likelihood underflows",
    statement=r"""
        A model gives each of $n$ independent observations the probability $p = {{ p }}$, so the
        likelihood of the data is the product $p^n$.

        Suppose the exact value of $p^n$ is rounded once to the nearest double-precision number
        (float64). What is the smallest number of observations $n$ for which the likelihood comes
        out as exactly 0? (Multiplying the factors one at a time, rounding after each product, can
        give a slightly different count; this question asks about the single rounding.)
    """,
    answer=Numeric(rtol=0.0, atol=0.05, shown_digits=4),
    params=(grid("p", "0.005", "0.5", "0.005"),),
    tags=("likelihood", "log-likelihood", "floating-point", "underflow"),
    difficulty=2,
    points=1,
)
