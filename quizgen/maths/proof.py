"""The SymPy proof step, used only when sampling is inconclusive.

Our AST is converted with explicit SymPy constructors (``sympy.Integer``, ``Rational``, ``Symbol``
with assumptions, ``sympy.exp`` ...); no text is ever handed to SymPy's parser. SymPy is
imported here, lazily, so the common path never pays for it.
"""

from __future__ import annotations

from typing import Any, Mapping

from quizgen.kernel.domains import ASSUMPTIONS
from quizgen.maths.limits import DEFAULT_LIMITS, Limits, run_with_time_limit
from quizgen.maths.nodes import Add, Call, Const, Div, Mul, Neg, Node, Num, Pow, Sym

def to_sympy(node: Node, domains: Mapping[str, str]) -> Any:
    """The SymPy expression for ``node``; symbols carry their domain's assumptions."""
    import sympy

    symbols = {name: sympy.Symbol(name, **ASSUMPTIONS.get(domain, {}))
               for name, domain in domains.items()}

    def conv(n: Node) -> Any:
        if isinstance(n, Num):
            return sympy.Rational(n.value.numerator, n.value.denominator)
        if isinstance(n, Sym):
            return symbols.get(n.name) or sympy.Symbol(n.name)
        if isinstance(n, Const):
            return sympy.pi if n.name == "pi" else sympy.E
        if isinstance(n, Add):
            return sympy.Add(*[conv(t) for t in n.terms])
        if isinstance(n, Mul):
            return sympy.Mul(*[conv(f) for f in n.factors])
        if isinstance(n, Div):
            return sympy.Mul(conv(n.num), sympy.Pow(conv(n.den), -1))
        if isinstance(n, Neg):
            return sympy.Mul(sympy.Integer(-1), conv(n.arg))
        if isinstance(n, Pow):
            return sympy.Pow(conv(n.base), conv(n.exp))
        if isinstance(n, Call):
            args = [conv(a) for a in n.args]
            return _FUNCS[n.fname](sympy, *args)
        raise TypeError(f"not a node: {n!r}")

    return conv(node)


_FUNCS: dict[str, Any] = {
    "exp": lambda sp, x: sp.exp(x),
    "log": lambda sp, x, b=None: sp.log(x) if b is None else sp.log(x) / sp.log(b),
    "log2": lambda sp, x: sp.log(x) / sp.log(2),
    "log10": lambda sp, x: sp.log(x) / sp.log(10),
    "sqrt": lambda sp, x: sp.sqrt(x),
    "sigmoid": lambda sp, x: 1 / (1 + sp.exp(-x)),
    "softplus": lambda sp, x: sp.log(1 + sp.exp(x)),
    "tanh": lambda sp, x: sp.tanh(x),
    "abs": lambda sp, x: sp.Abs(x),
    "factorial": lambda sp, x: sp.factorial(x),
    "sin": lambda sp, x: sp.sin(x),
    "cos": lambda sp, x: sp.cos(x),
    "tan": lambda sp, x: sp.tan(x),
    "sinh": lambda sp, x: sp.sinh(x),
    "cosh": lambda sp, x: sp.cosh(x),
    "max": lambda sp, *xs: sp.Max(*xs),
    "min": lambda sp, *xs: sp.Min(*xs),
    "sign": lambda sp, x: sp.sign(x),
    "heaviside": lambda sp, x: sp.Heaviside(x, sp.Rational(1, 2)),
    "asin": lambda sp, x: sp.asin(x), "acos": lambda sp, x: sp.acos(x),
    "atan": lambda sp, x: sp.atan(x), "sec": lambda sp, x: sp.sec(x),
    "csc": lambda sp, x: sp.csc(x), "cot": lambda sp, x: sp.cot(x),
    "sech": lambda sp, x: sp.sech(x), "csch": lambda sp, x: sp.csch(x),
    "coth": lambda sp, x: sp.coth(x), "asinh": lambda sp, x: sp.asinh(x),
    "acosh": lambda sp, x: sp.acosh(x), "atanh": lambda sp, x: sp.atanh(x),
    "floor": lambda sp, x: sp.floor(x), "ceil": lambda sp, x: sp.ceiling(x),
    "binomial": lambda sp, n, k: sp.binomial(n, k),
    "acot": lambda sp, x: sp.acot(x), "asec": lambda sp, x: sp.asec(x),
    "acsc": lambda sp, x: sp.acsc(x), "acoth": lambda sp, x: sp.acoth(x),
    "asech": lambda sp, x: sp.asech(x), "acsch": lambda sp, x: sp.acsch(x),
}


#: the largest integer part of an exponential's argument (exp(x + 40)) or numeric exponent
#: (x^1000) that ``simplify`` is asked to work on
SIMPLIFY_MAX_DEGREE = 30


def _dense_in_simplify(sympy: Any, diff: Any) -> bool:
    """Whether ``simplify`` would turn part of ``diff`` into a dense polynomial of a large
    degree: its factoring reads exp(x + n) as E^n times exp(x), a polynomial of degree n in E
    (n = 100 takes 40 s, n = 10^9 never ends), and x^n likewise. Its size in operations does
    not show this, so the size budget alone would leave the answer to the safety net."""
    for e in diff.atoms(sympy.exp):
        constant = e.args[0].as_coeff_Add()[0]
        if constant.is_Number and abs(constant) > SIMPLIFY_MAX_DEGREE:
            return True
    return any(p.exp.is_Number and abs(p.exp) > 1000 for p in diff.atoms(sympy.Pow))


class SafetyNet(Exception):
    """The proof ran into the wall-clock safety net (never expected within the size budget)."""


def proof_size(expected: Node, answer: Node, domains: Mapping[str, str]) -> int:
    """SymPy's operation count of ``answer - expected`` (what the size budget measures)."""
    import sympy

    return int(sympy.count_ops(to_sympy(answer, domains) - to_sympy(expected, domains)))


def prove_equal(expected: Node, answer: Node, domains: Mapping[str, str],
                limits: Limits = DEFAULT_LIMITS, seconds: float | None = None) -> bool | None:
    """True when SymPy shows ``answer - expected == 0``; False when the difference simplifies
    to a nonzero number; None when undecided or over the size budget.

    The budget is deterministic (operation counts, see :class:`Limits`), so the result is the
    same on any machine, under any load. ``seconds`` (default ``limits.time_budget``) is only a
    safety net: if it fires, :class:`SafetyNet` is raised so the caller can flag the answer.

    Only rewrites that hold under the symbols' assumptions are used: ``force=True`` in
    ``expand_log``/``powsimp`` would "prove" ``2*log(x) == log(x**2)`` for real ``x`` and
    ``sqrt(x)*sqrt(y) == sqrt(x*y)``, which is exactly what domains are for.
    """
    import sympy  # before the clock starts: a first import must not use up the answer's time

    budget = limits.time_budget if seconds is None else seconds
    cap = 4 * limits.proof_max_ops

    def attempt() -> bool | None:
        diff = to_sympy(answer, domains) - to_sympy(expected, domains)
        ops = sympy.count_ops(diff)
        if ops > limits.proof_max_ops:
            return None
        steps = [lambda d: d, sympy.expand, sympy.cancel]
        if ops <= limits.proof_simplify_ops and not _dense_in_simplify(sympy, diff):
            steps += [sympy.simplify, lambda d: sympy.simplify(sympy.expand_log(d)),
                      lambda d: sympy.simplify(sympy.expand(sympy.powsimp(d)))]
        for step in steps:
            result = step(diff)
            if result == 0:
                return True
            if result.is_number and result.is_zero is False:
                return False
            if sympy.count_ops(result) > cap:
                return None
        return None

    try:
        finished, result = run_with_time_limit(attempt, budget)
    except Exception:  # noqa: BLE001 - SymPy may fail on odd input; that is "undecided"
        return None
    if not finished:
        raise SafetyNet()
    return result
