"""Reject answers whose constant parts are astronomically large, by estimating, never computing.

``9**9**9**9`` or ``factorial(10**8)`` would stall SymPy (exact integers) for minutes; here each
constant sub-expression is approximated in floating point, and powers/factorials are judged by
log10 of their magnitude (``e * log10|b|``, ``lgamma``), which costs nothing.
"""

from __future__ import annotations

import math
from fractions import Fraction

from quizgen.maths.limits import LimitExceeded, Limits, log10_factorial
from quizgen.maths.nodes import Add, Call, Const, Div, Mul, Neg, Node, Num, Pow, Sym, children

_CONST_VALUES = {"pi": math.pi, "E": math.e}


def check_magnitudes(node: Node, limits: Limits) -> None:
    """Raise :class:`LimitExceeded` if a constant power/factorial or an exponent is too large."""
    _approx(node, limits)


def number_in_range(value: Fraction) -> bool:
    """Whether :func:`check_magnitudes` accepts a typed number (the parser asks when it reads
    one: a tree with no power, factorial or binomial and no such number is not walked)."""
    try:
        _number(value)
    except LimitExceeded:
        return False
    return True


def _number(value: Fraction) -> float:
    """A typed number as a float, refused outside 1e-300..1e300 (0 is fine)."""
    try:
        size = float(value)
    except OverflowError:
        size = math.inf
    if size and not 1e-300 <= abs(size) <= 1e300:
        raise LimitExceeded("a number in the answer is outside the range 1e-300 to 1e300")
    return size


def _too_big(log10_size: float, limits: Limits) -> LimitExceeded:
    if math.isfinite(log10_size):
        size = f"about 10^{log10_size:.3g}"
    else:
        size = "astronomically large"
    return LimitExceeded(f"a number in the answer is far too large to work with ({size}); "
                         "simplify it first")


def _approx(node: Node, limits: Limits) -> float | None:
    """Approximate value of a constant subtree (None when it contains a symbol). Dispatches on
    the exact node class (no node class is subclassed), commonest first: every answer with a
    power comes through here, node by node."""
    kind = type(node)
    if kind is Sym:
        return None
    if kind is Num:
        return _number(node.value)
    if kind is Add or kind is Mul:
        parts = [_approx(c, limits) for c in (node.terms if kind is Add else node.factors)]
        if None in parts:
            return None
        if kind is Add:
            return _safe(lambda: math.fsum(parts))  # type: ignore[arg-type]
        return _safe(lambda: math.prod(parts))  # type: ignore[arg-type]
    if kind is Pow:
        return _approx_pow(node, limits)
    if kind is Div:
        num, den = _approx(node.num, limits), _approx(node.den, limits)
        if num is None or den is None:
            return None
        return _safe(lambda: num / den)
    if kind is Neg:
        value = _approx(node.arg, limits)
        return None if value is None else -value
    if kind is Const:
        return _CONST_VALUES[node.name]
    if kind is Call:
        args = [_approx(a, limits) for a in node.args]
        if None in args:
            return None
        if node.fname == "factorial":
            if log10_factorial(args[0]) > limits.max_magnitude_digits or math.isnan(args[0]):
                raise _too_big(log10_factorial(args[0]), limits)
        if node.fname == "binomial":
            n = args[0]
            if math.isnan(n) or log10_factorial(abs(n)) > limits.max_magnitude_digits:
                raise _too_big(log10_factorial(abs(n)) if not math.isnan(n) else math.inf,
                               limits)
        # The value matters when the call is raised to a power: factorial(3000)**10000 is a
        # 90-million-digit integer for SymPy although every part passes on its own.
        fn = _FUNCTIONS.get(node.fname)
        return math.nan if fn is None else _safe(lambda: fn(*args))
    for child in children(node):  # a sum, a derivative: their insides are checked too
        _approx(child, limits)
    return None


def _gamma1(x: float) -> float:
    if x < 0 and x == int(x):
        return math.nan  # a pole
    return math.gamma(x + 1.0)


def _log(x: float, base: float | None = None) -> float:
    if not math.isfinite(x) or x <= 0 or (base is not None and (base <= 0 or base == 1)):
        return math.nan  # log of a huge or negative number: small, but unknown here
    return math.log(x) if base is None else math.log(x, base)


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x > -700 else 0.0


#: Approximate values of functions of a constant. Huge results must come out as ``inf``:
#: factorial(3000)**10000 would otherwise pass as a power of something unknown.
_FUNCTIONS = {
    "exp": math.exp, "sqrt": lambda x: math.sqrt(abs(x)), "abs": abs, "factorial": _gamma1,
    "sinh": math.sinh, "cosh": math.cosh, "log": _log, "log2": lambda x: _log(x, 2.0),
    "log10": lambda x: _log(x, 10.0), "tanh": math.tanh, "sigmoid": _sigmoid,
    "softplus": lambda x: x if x > 700 else math.log1p(math.exp(x)),
    "sin": math.sin, "cos": math.cos, "tan": math.tan,
    "max": max, "min": min, "sign": lambda x: float((x > 0) - (x < 0)),
    "heaviside": lambda x: 1.0 if x > 0 else (0.5 if x == 0 else 0.0),
    "floor": lambda x: float(math.floor(x)) if math.isfinite(x) else math.nan,
    "ceil": lambda x: float(math.ceil(x)) if math.isfinite(x) else math.nan,
    "atan": math.atan, "asinh": math.asinh,
    "binomial": lambda n, k: math.gamma(n + 1) / (math.gamma(k + 1) * math.gamma(n - k + 1)),
}


def _approx_pow(node: Pow, limits: Limits) -> float | None:
    base = _approx(node.base, limits)
    exp = _approx(node.exp, limits)
    if exp is None:
        return None
    if base is None:
        if not abs(exp) <= limits.max_symbolic_exponent:
            raise LimitExceeded("an exponent in the answer is far too large "
                                f"(more than {limits.max_symbolic_exponent:g})")
        return None
    if math.isnan(base):
        # Unknown size (inf - inf, a complex intermediate, a log of a huge number): only a small
        # power of it is safe to hand to exact arithmetic.
        if not abs(exp) <= _UNKNOWN_BASE_MAX_EXP:
            raise LimitExceeded("a power in the answer has a base whose size cannot be estimated "
                                "and a large exponent; simplify it first")
        return math.nan
    if base in (0.0, 1.0, -1.0):
        return _safe(lambda: base ** exp)
    if math.isinf(base):
        raise _too_big(math.inf, limits)
    log10_size = exp * math.log10(abs(base)) if math.isfinite(exp) else math.inf
    if not abs(log10_size) <= limits.max_magnitude_digits:
        raise _too_big(log10_size, limits)
    return _safe(lambda: base ** exp)


#: Largest constant exponent allowed on a base of unknown size.
_UNKNOWN_BASE_MAX_EXP = 64.0


def _safe(fn) -> float:  # type: ignore[no-untyped-def]
    """The float value of ``fn()``; overflow is ``inf`` (huge: it must not pass as "unknown"),
    any other failure or a complex result is ``nan`` (unknown)."""
    try:
        value = fn()
    except OverflowError:
        return math.inf
    except (ZeroDivisionError, ValueError):
        return math.nan
    if isinstance(value, complex):
        return math.nan
    return float(value)
