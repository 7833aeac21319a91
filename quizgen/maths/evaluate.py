"""Evaluate our AST with numpy, vectorised over sample points, in real arithmetic at every node.

Every sub-expression must have a real value: ``log`` of a negative number, ``sqrt`` of a negative
number, a negative base under a non-integer power (principal values, as in SymPy: ``(-8)^(1/3)``
is not -2), ``asin(2)``, ... make the whole expression *undefined* at that point, even when a
complex intermediate would cancel later (``sqrt(x)*sqrt(x)`` has no value at x = -1, and
``log(y) - log(z)`` none at y, z < 0). Three outcomes per point:

- *defined*: a finite real value;
- *undefined*: a domain error somewhere (recorded in a mask, never guessed from the value);
- *unknown*: floats cannot tell (an overflow, ``inf - inf``, a division by a zero that may be an
  underflow, ``log`` of such a zero): the high-precision evaluator below decides those points.

A sum within rounding of zero (``sin(x)^2 + cos(x)^2 - 1``) is taken as exactly zero, so that a
rounding error cannot put ``sqrt`` of it outside its domain. Besides the value we track
``scale``: the largest magnitude of any term added along the way, so the comparison tolerance
can allow for cancellation (``y**2 - 2*y*y_hat + y_hat**2`` near ``y == y_hat``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from fractions import Fraction
from typing import Any, Mapping

import numpy as np

from quizgen.maths.nodes import Add, Call, Const, Div, Mul, Neg, Node, Num, Pow, Sym, per_node, walk

_LN2 = math.log(2.0)
_LN10 = math.log(10.0)
_CONSTS = {"pi": math.pi, "E": math.e}
_EPS = np.finfo(float).eps
#: a result within this many rounding errors of a domain edge is put on the edge (asin(1 + 2e-16))
_EDGE = 4 * _EPS


@dataclass
class Evaluation:
    """Values of one expression at a set of points: ``values`` (NaN where not defined),
    ``scale`` (the cancellation allowance), ``undefined`` (a domain error: no real value)."""

    values: np.ndarray
    scale: np.ndarray
    undefined: np.ndarray
    #: points where a part of the value that floats never see is largest, one per such part: a
    #: term of a sum below float resolution at every point (``1 + exp(-x^2 - 40)``), or what a
    #: function flat at 0 or saturated adds (``exp(exp(-x^2 - 40))``, ``sigmoid(x^2 + 40)``);
    #: only when asked for (``hidden=True``)
    hidden: tuple[int, ...] = ()

    @cached_property
    def ok(self) -> np.ndarray:
        """Defined: a finite real value (worked out once; read-only)."""
        return _frozen(np.isfinite(self.values) & ~self.undefined)

    @cached_property
    def unknown(self) -> np.ndarray:
        """Neither defined nor a domain error: floats cannot tell (overflow, a zero that may be
        an underflow)."""
        return _frozen(~np.isfinite(self.values) & ~self.undefined)


def _frozen(mask: np.ndarray) -> np.ndarray:
    mask.setflags(write=False)
    return mask


def _num(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except OverflowError:
        return math.copysign(math.inf, float(value > 0) - 0.5)  # type: ignore[operator]


# ------------------------------------------------------------------------ scalar special functions

def _gamma_scalar(x: float) -> float:
    """Gamma(x): NaN at the poles (0, -1, -2, ...), inf beyond float range."""
    if not math.isfinite(x):
        return math.nan if x < 0 or math.isnan(x) else math.inf
    if x <= 0 and x == math.floor(x):
        return math.nan
    try:
        return math.gamma(x)
    except OverflowError:
        return math.inf if x > 0 else 0.0
    except ValueError:
        return math.nan


def _binomial_scalar(n: float, k: float) -> float:
    """binomial(n, k) as SymPy defines it (for an integer k: the polynomial n(n-1)...(n-k+1)/k!,
    0 for k < 0; otherwise Gamma(n+1)/(Gamma(k+1) Gamma(n-k+1)) and its limits); NaN where it
    has no value (a pole of Gamma(n+1) not cancelled)."""
    if not (math.isfinite(n) and math.isfinite(k)):
        return math.nan
    if k == math.floor(k):
        if k < 0:
            return 0.0
        if n == math.floor(n) and 0 <= n < k:
            return 0.0
        if n == math.floor(n) and n < 0:
            n, sign = k - n - 1, (-1.0) ** (k % 2)  # (-1)^k C(k - n - 1, k)
        else:
            sign = 1.0
        if k <= 60:  # the polynomial, for any n: lgamma differences lose every digit for huge n
            out, ki = 1.0, int(k)
            for i in range(ki):  # exact in floats while it fits; a product of k terms, never huge work
                out = out * (n - i) / (i + 1)
            return sign * out
        return sign * _gamma_ratio(n, k)
    return _gamma_ratio(n, k)


def _gamma_ratio(n: float, k: float) -> float:
    """Gamma(n+1) / (Gamma(k+1) Gamma(n-k+1)) through lgamma (no overflow in between)."""
    args = (n + 1.0, k + 1.0, n - k + 1.0)
    poles = [a <= 0 and a == math.floor(a) for a in args]
    if poles[0]:
        return math.nan  # Gamma(n+1) has a pole: no limit in general
    if poles[1] or poles[2]:
        return 0.0  # 1/Gamma at a pole is 0
    try:
        logs = [math.lgamma(a) for a in args]
    except (ValueError, OverflowError):
        return math.nan
    signs = [_gamma_sign(a) for a in args]
    magnitude = logs[0] - logs[1] - logs[2]
    if magnitude > 709.0:
        return math.inf * signs[0] * signs[1] * signs[2]
    return signs[0] * signs[1] * signs[2] * math.exp(magnitude)


def _gamma_sign(a: float) -> float:
    if a > 0:
        return 1.0
    return -1.0 if math.floor(a) % 2 else 1.0  # Gamma alternates in sign between the poles


_gamma_u = np.frompyfunc(_gamma_scalar, 1, 1)
_binomial_u = np.frompyfunc(_binomial_scalar, 2, 1)


def _as_float(out: object) -> np.ndarray:
    return np.asarray(out, dtype=np.float64)


def _float_array(v: object) -> np.ndarray:
    """A symbol's values as float64 (the caller's array itself when it is one: never written to)."""
    if isinstance(v, np.ndarray) and v.dtype == np.float64:
        return v
    return np.real(np.asarray(v)).astype(np.float64)


def _full(v: object, dtype: type, size: int) -> np.ndarray:
    """A fresh array of ``size`` from a scalar or an array of that size."""
    if isinstance(v, np.ndarray):
        if v.shape == (size,):
            return v.astype(dtype)  # (a copy)
        return np.array(np.broadcast_to(np.asarray(v, dtype=dtype), (size,)))
    return np.full(size, v, dtype=dtype)  # a scalar


# ------------------------------------------------------------------------------- the evaluator

class Evaluator:
    """Evaluates nodes for one set of sample points (``env``: symbol name -> array).

    ``natural``: binomial(n, k) with a negative integer n (outside its natural domain, where
    SymPy's convention and the Gamma form part ways) has no value. Used for the expected side,
    so that points are taken where the key's binomials count something.
    """

    def __init__(self, env: Mapping[str, np.ndarray], size: int, natural: bool = False,
                 hidden: bool = False, segments: tuple[tuple[int, int], ...] | None = None):
        self.env = {k: _float_array(v) for k, v in env.items()}
        self.size = size
        self.natural = natural
        self.scale: np.ndarray | float = 0.0
        self.find_hidden = hidden
        #: the points as (start, stop) runs, each a set of its own (see :func:`evaluate_segments`):
        #: a part unseen "at every point" is looked for in each run on its own
        self.segments = ((0, size),) if segments is None else segments
        self.hidden_by_segment: list[list[int]] = [[] for _ in self.segments]
        self.hidden = self.hidden_by_segment[0]

    def run(self, node: Node) -> Evaluation:
        self.scale = 0.0
        self.taint: object = False
        self.constants = constant_values(node)
        size = self.size
        with np.errstate(all="ignore"):
            value, bad = self._ev(node)
            values = _full(value, np.float64, size)
            undefined = _full(bad, bool, size)
            # an overflow squeezed back into range (log(exp(1000)) = log(inf) = inf, then
            # 1/inf = 0) gives a finite but wrong value: such points are unknown
            if self.taint is False:
                values[undefined] = np.nan
            else:
                values[undefined | np.asarray(self.taint, dtype=bool)] = np.nan  # (a scalar broadcasts)
            scale = _full(self.scale, np.float64, size)
        return Evaluation(values, scale, undefined, tuple(self.hidden))

    def _ev(self, node: Node) -> tuple[object, object]:
        """(value, undefined mask) of ``node``; values may be scalars (constants) or arrays."""
        folded = self.constants.get(id(node))
        if folded is not None:
            return folded
        kind = type(node)
        if kind is Sym:
            return self.env[node.name], False  # type: ignore[union-attr]
        if kind is Num:
            return _num(node.value), False  # type: ignore[union-attr]
        if kind is Const:
            return _CONSTS[node.name], False  # type: ignore[union-attr]
        if kind is Add:
            total, bad, size = None, False, 0.0
            magnitudes = []
            for term in node.terms:  # type: ignore[union-attr]
                value, b = self._ev(term)
                bad = bad | b
                magnitude = np.abs(value)
                magnitudes.append(magnitude)
                self.scale = np.maximum(self.scale, magnitude)
                size = size + magnitude
                total = value if total is None else total + value
            if self.find_hidden:
                self._hidden_terms(magnitudes)
            noise = 8 * _EPS * size  # rounding of the sum: within it, the sum is taken as zero
            return np.where(np.isfinite(noise) & (np.abs(total) <= noise), 0.0, total), bad
        if kind is Mul:
            product, bad = None, False
            for factor in node.factors:  # type: ignore[union-attr]
                value, b = self._ev(factor)
                bad = bad | b
                product = value if product is None else product * value
            return product, bad
        if kind is Div:
            num, b1 = self._ev(node.num)  # type: ignore[union-attr]
            den, b2 = self._ev(node.den)  # type: ignore[union-attr]
            # x/0: a zero denominator may be an underflow (1/exp(-800)): unknown, not undefined
            zero = den == 0
            if not np.any(zero):
                return np.divide(num, den), b1 | b2  # (numpy's division, for scalars too)
            return np.where(zero, np.nan, num / np.where(zero, 1.0, den)), b1 | b2
        if kind is Neg:
            value, bad = self._ev(node.arg)  # type: ignore[union-attr]
            return -value, bad  # type: ignore[operator]
        if kind is Pow:
            return self._pow(node)  # type: ignore[arg-type]
        if kind is Call:
            parts = [self._ev(a) for a in node.args]  # type: ignore[union-attr]
            bad = False
            for _, b in parts:
                bad = bad | b
            value, b = self._call(node.fname, [p[0] for p in parts])  # type: ignore[union-attr]
            if self.find_hidden and node.fname in _UNSEEN:  # type: ignore[union-attr]
                self._hidden_argument(parts[0][0], _UNSEEN[node.fname])  # type: ignore[union-attr]
            return value, bad | b
        raise TypeError(f"not a node: {node!r}")

    def _hidden_argument(self, arg: object, unseen: Any) -> None:
        """exp(t) is 1 + t, cos(t) 1 - t^2/2, sigmoid(t) 1 - e^-t: when that part is below float
        resolution at every point (``exp(exp(-x^2 - 40))``, ``sigmoid(x^2 + 40)``), floats never
        saw it; record where it is largest."""
        if np.ndim(arg):
            m = unseen(np.asarray(arg, dtype=float), np)
            self._record_unseen(np.where(np.isfinite(m), m, -1.0))

    def _hidden_terms(self, magnitudes: list) -> None:  # type: ignore[type-arg]
        """Record where each term of a sum that floats never see (below 1e-13 of the largest
        term at every point, or 0 everywhere, as an underflow is) is relatively largest; a
        constant term too (``n^100 + 1`` for an integer n >= 2)."""
        if not any(isinstance(m, np.ndarray) and m.ndim for m in magnitudes):
            return  # constants only: worked out exactly or in high precision already
        # a constant term counts too: 1 beside n^100 (n = 2, 3, ...) is below every float's
        # resolution; a constant exactly 0 is not a term (a far one is seen by its digits)
        rows = [m for m in magnitudes if (isinstance(m, np.ndarray) and m.ndim) or m != 0]
        table = np.empty((len(rows), self.size))
        for i, m in enumerate(rows):
            table[i] = m  # (a constant fills its row)
        biggest = table.max(axis=0)
        usable = np.isfinite(biggest) & (biggest > 0)
        if not usable.any():
            return
        # every term at once; a term visible (>= HIDDEN of the largest) somewhere is not recorded
        shares = np.where(usable & np.isfinite(table), table / np.where(usable, biggest, 1.0), -1.0)
        if len(self.segments) == 1:
            for row in np.flatnonzero(shares.max(axis=1) < HIDDEN):
                self._record_unseen(shares[row])
            return
        starts = [start for start, _ in self.segments]
        for row in np.flatnonzero((np.maximum.reduceat(shares, starts, axis=1) < HIDDEN).any(axis=1)):
            self._record_unseen(shares[row])

    def _record_unseen(self, share: np.ndarray) -> None:
        """``share``: how visible a part is at each point (-1 where it does not count). Below
        :data:`HIDDEN` at every point of a segment, its best point there is recorded; 0 at every
        point (an underflow), the point nearest the origin."""
        for (start, stop), out in zip(self.segments, self.hidden_by_segment):
            part = share[start:stop]
            top = int(np.argmax(part))
            if part[top] == 0:
                near = sum((np.abs(v[start:stop]) for v in self.env.values()), np.zeros(stop - start))
                top = int(np.argmin(np.where(part == 0, near, np.inf)))
            if 0 <= part[top] < HIDDEN:
                out.append(top)

    def _pow(self, node: Pow) -> tuple[object, object]:
        base, b1 = self._ev(node.base)
        exp_node = node.exp
        if type(exp_node) is Num and exp_node.value.denominator == 1 and abs(exp_node.value) <= 64:
            n = int(exp_node.value)
            if n < 0:  # 0^-n: a pole, or an underflowed base: unknown
                return np.where(base == 0, np.nan, np.power(np.where(base == 0, 1.0, base),
                                                              float(n))), b1
            return np.power(base, float(n)), b1
        exp, b2 = self._ev(exp_node)
        base, exp = np.broadcast_arrays(_as_float(base), _as_float(exp))
        integer = np.isfinite(exp) & (exp == np.floor(exp))
        # a negative base has a real power only under an integer exponent (principal values)
        bad = (base < 0) & ~integer & np.isfinite(exp)
        # 0^-c: a pole; 0^c for 0 < c < 1: the zero may be an underflow ((e^-800)^0.001 is not
        # 0): unknown, decided in high precision
        pole = ((base == 0) & (exp < 0)) | ((base == 0) & (exp > 0) & (exp < 1) & ~integer)
        value = np.power(np.where(bad | pole, 1.0, base), exp)
        # an overflowed base under a compressing power (inf^0.5, inf^-0.001), or an overflowed
        # exponent: the float result says nothing
        self.taint = self.taint | (np.isinf(base) & ~integer & (exp > -2) & (exp < 1)) \
            | np.isinf(exp)
        value = np.where(pole, np.nan, value)
        if self.find_hidden:  # b^t is 1 + t ln b: below float resolution at every point, unseen
            share = np.abs(exp * np.log(np.abs(base)))
            self._record_unseen(np.where(np.isfinite(share) & (base != 0), share, -1.0))
        return value, b1 | b2 | bad

    def _call(self, fname: str, args: list) -> tuple[object, object]:
        x = args[0]
        if fname in _COMPRESSING:  # log(inf) = inf, but log of an overflowed 1e400 is 921
            for a in args:
                self.taint = self.taint | np.isinf(a)
        if fname in _PERIODIC:  # sin(pi*n) at n = 3e8: the argument's rounding (~1e-7) shows
            self.scale = np.maximum(self.scale, np.abs(x))  # in the value: allow for it
        if fname in _SIMPLE:
            return _SIMPLE[fname](x), False
        if fname in ("log", "log2", "log10"):
            out, bad = _log(x)
            if fname == "log2":
                return out / _LN2, bad
            if fname == "log10":
                return out / _LN10, bad
            if len(args) == 2:
                base, b2 = _log(args[1])
                # log base 1 divides by 0: no value
                return np.where(base == 0, np.nan, out / np.where(base == 0, 1.0, base)), \
                    bad | b2 | (np.asarray(args[1]) == 1)
            return out, bad
        if fname == "sqrt":
            x = _as_float(x)
            return np.sqrt(np.where(x < 0, 0.0, x)), x < 0
        if fname in _RECIPROCAL:  # sec, csc, cot, sech, csch, coth
            num, den = _RECIPROCAL[fname](x)
            return np.where(den == 0, np.nan, num / np.where(den == 0, 1.0, den)), False
        if fname in _INVERSE:
            return _inverse(fname, _as_float(x))
        if fname in ("max", "min"):
            pick = np.maximum if fname == "max" else np.minimum
            out = args[0]
            for a in args[1:]:
                out = pick(out, a)
            return out, False
        if fname == "factorial":
            x = _as_float(x)
            pole = (x + 1 <= 0) & (x == np.floor(x))
            return _as_float(_gamma_u(x + 1.0)), pole
        if fname == "binomial":
            n, k = np.broadcast_arrays(_as_float(x), _as_float(args[1]))
            value = _as_float(_binomial_u(n, k))
            bad = np.isnan(value) & np.isfinite(n) & np.isfinite(k)
            if self.natural:
                bad = bad | ((n < 0) & (n == np.floor(n)))
            return value, bad
        raise KeyError(fname)  # every name of names.FUNCTIONS is handled above


def _log(x: object) -> tuple[np.ndarray, np.ndarray]:
    """ln x: undefined for x < 0; at x == 0 unknown (a pole, or an underflowed argument)."""
    x = _as_float(x)
    return np.where(x > 0, np.log(np.where(x > 0, x, 1.0)), np.nan), x < 0


def _heaviside(x: object) -> np.ndarray:
    return np.heaviside(x, 0.5)  # H(0) = 1/2, as in SymPy


#: functions that bring a huge argument back to moderate size: their value at an overflowed
#: (infinite) argument is wrong, not a limit
_COMPRESSING = frozenset({"log", "log2", "log10", "sqrt", "asinh", "acosh"})
_PERIODIC = frozenset({"sin", "cos", "tan", "sec", "csc", "cot"})
_SIMPLE = {
    "exp": np.exp, "sin": np.sin, "cos": np.cos, "tan": np.tan, "sinh": np.sinh,
    "cosh": np.cosh, "tanh": np.tanh, "atan": np.arctan, "asinh": np.arcsinh,
    "abs": np.abs, "sign": np.sign, "heaviside": _heaviside, "floor": np.floor, "ceil": np.ceil,
    "sigmoid": lambda x: 1.0 / (1.0 + np.exp(-x)),
    "softplus": lambda x: np.logaddexp(0.0, x),
}
_RECIPROCAL = {
    "sec": lambda x: (1.0, np.cos(x)), "csc": lambda x: (1.0, np.sin(x)),
    "cot": lambda x: (np.cos(x), np.sin(x)), "sech": lambda x: (1.0, np.cosh(x)),
    "csch": lambda x: (1.0, np.sinh(x)), "coth": lambda x: (np.cosh(x), np.sinh(x)),
}
#: inverse functions with a restricted real domain: (function, lowest, highest, ends are poles,
#: of 1/x, what happens at x = 0 when of 1/x). The ones of 1/x follow SymPy's branches:
#: asec(x) = acos(1/x), acot(x) = atan(1/x) with acot(0) = pi/2, ...
_INVERSE: dict[str, tuple] = {
    "asin": (np.arcsin, -1.0, 1.0, False, False, None),
    "acos": (np.arccos, -1.0, 1.0, False, False, None),
    "acosh": (np.arccosh, 1.0, math.inf, False, False, None),
    "atanh": (np.arctanh, -1.0, 1.0, True, False, None),
    "asec": (np.arccos, -1.0, 1.0, False, True, "undefined"),
    "acsc": (np.arcsin, -1.0, 1.0, False, True, "undefined"),
    "acoth": (np.arctanh, -1.0, 1.0, True, True, "undefined"),  # acoth(0) = i*pi/2
    "asech": (np.arccosh, 1.0, math.inf, False, True, "pole"),
    "acsch": (np.arcsinh, -math.inf, math.inf, False, True, "pole"),
    "acot": (np.arctan, -math.inf, math.inf, False, True, math.pi / 2),
}


def _inverse(fname: str, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    fn, low, high, poles, of_reciprocal, at_zero = _INVERSE[fname]
    zero = x == 0
    arg = 1.0 / np.where(zero, 1.0, x) if of_reciprocal else x
    # a rounding error past an end of the domain (asin(1 + 2e-16)) is put back on the end
    arg = np.where((arg > high) & (arg <= high + _EDGE * abs(high)), high, arg)
    arg = np.where((arg < low) & (arg >= low - _EDGE * abs(low)), low, arg)
    outside = (arg < low) | (arg > high)
    pole = ((arg == low) | (arg == high)) if poles else np.zeros_like(outside)
    inside = 2.0 if low == 1.0 else 0.0
    value = np.where(pole, np.nan, fn(np.where(outside | pole, inside, arg)))
    if of_reciprocal:  # (at 0 the argument was taken as 1: inside)
        if at_zero == "undefined":
            outside = outside | zero
        elif at_zero == "pole":
            value = np.where(zero, np.nan, value)
        else:
            value = np.where(zero, at_zero, value)
    return value, outside


# ------------------------------------------------------------------------- exact constants

_CONSTANT_LEAVES = (Num, Const)


def constant_values(root: Node) -> dict[int, tuple[float, bool]]:
    """The float value (and whether it is undefined) of every largest sub-expression of
    ``root`` without symbols that is more than a number (``7 + 1e300 - 1e300``, ``log(2*pi)/2``,
    ``175!*56!/(55!*176!)``), computed once in high precision: floats would lose the 7 to
    cancellation, or overflow. Keyed by ``id`` of the sub-expression (valid while ``root`` is)."""
    cached = _FOLDED.get(id(root))
    if cached is not None and cached[0] is root:
        return cached[1]
    from quizgen.maths.nodes import children

    out: dict[int, tuple[float, bool]] = {}
    symbolic = symbol_ids(root)
    stack = [root]
    while stack:
        n = stack.pop()
        if id(n) in symbolic:
            stack.extend(children(n))
        elif not isinstance(n, _CONSTANT_LEAVES):
            value = _fold(n)
            if value is not None:
                out[id(n)] = value
    if len(_FOLDED) > 2048:
        _FOLDED.clear()
    _FOLDED[id(root)] = (root, out)
    return out


_FOLDED: dict[int, tuple[Node, dict]] = {}


def _fold(node: Node) -> tuple[float, bool] | None:
    """(float value, undefined?) of a constant sub-expression: exactly when it is rational,
    otherwise in high precision with enough digits to see through cancellation (pi + 10^300 -
    10^300); None when it cannot be computed there (then floats do what they can).
    Remembered by the sub-expression itself (its structure, not its identity): every variant of
    a question, and most answers to it, repeat the same constants (``log(2*pi)/2``)."""
    try:
        return _FOLDS[node]
    except KeyError:
        pass
    value = _fold_once(node)
    if len(_FOLDS) >= 4096:
        _FOLDS.clear()
    _FOLDS[node] = value
    return value


_FOLDS: dict[Node, tuple[float, bool] | None] = {}


def _fold_once(node: Node) -> tuple[float, bool] | None:
    try:
        value = exact_value(node)
    except ZeroDivisionError:
        return math.nan, True
    except ArithmeticError:
        pass
    else:
        return _num(value), False
    from quizgen.maths.nodes import walk

    digits = max((len(str(abs(n.value.numerator))) + len(str(n.value.denominator))
                  for n in walk(node) if isinstance(n, Num)), default=1)
    dps = max(60, 2 * digits + 40)
    got = mp_evaluate(node, {}, dps)
    if isinstance(got, tuple) and got[1] > 1 and abs(got[0]) < got[1] * 10.0 ** (20 - dps):
        import mpmath  # cancellation: once more, with digits for the terms' size on top

        more = dps + int(mpmath.log10(got[1])) + 30
        if more <= 1500:
            got = mp_evaluate(node, {}, more)
    if got == "unknown":
        return None
    if got is None:
        return math.nan, True
    return float(got[0]), False  # (an mpf beyond float range becomes ±inf, never raises)


#: exact constants are worked out up to this many digits (beyond: high precision)
MAX_EXACT_DIGITS = 2000


def exact_value(node: Node) -> Fraction:
    """The exact value of a rational expression without symbols (``1 + 10^-20``, ``2^40/3``).
    Raises ZeroDivisionError for a division by zero and ArithmeticError when it is not rational
    (pi, a function) or has more than :data:`MAX_EXACT_DIGITS` digits."""
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Neg):
        return -exact_value(node.arg)
    if isinstance(node, Add):
        return sum((exact_value(t) for t in node.terms), Fraction(0))
    if isinstance(node, Mul):
        out = Fraction(1)
        for f in node.factors:
            out *= exact_value(f)
        return out
    if isinstance(node, Div):
        return exact_value(node.num) / exact_value(node.den)  # ZeroDivisionError at x/0
    if isinstance(node, Pow):
        base, k = exact_value(node.base), exact_value(node.exp)
        if k.denominator != 1:
            raise ArithmeticError("not rational")
        if base == 0 and k < 0:
            raise ZeroDivisionError
        size = max(len(str(abs(base.numerator))), len(str(base.denominator)))
        if size * abs(k.numerator) > MAX_EXACT_DIGITS:
            raise ArithmeticError("too many digits")
        return base ** int(k)
    raise ArithmeticError("not rational")


#: a term below this share of the largest term of its sum is invisible to floats
HIDDEN = 1e-13


def _regimes(small: Any, large: Any) -> Any:
    """A share that is ``small(|t|)`` below |t| = 1 and ``large(|t|)`` from there (on numpy
    arrays or one mpmath number)."""
    def share(t: Any, xp: Any) -> Any:
        a = abs(t)
        if xp is np:
            with np.errstate(all="ignore"):
                return np.where(a < 1, small(a, xp), large(a, xp))
        return small(a, xp) if a < 1 else large(a, xp)
    return share


_LINEAR = lambda a, xp: a  # noqa: E731 - exp(t) = 1 + t: t is what floats drop
_SQUARE = lambda a, xp: a * a  # noqa: E731 - sin(t) = t(1 - t^2/6), cos(t) = 1 - t^2/2
_RECIPROCAL_SHARE = lambda a, xp: 1 / a  # noqa: E731 - atan(t) = pi/2 - 1/t
_RECIPROCAL_SQUARE = lambda a, xp: 1 / (a * a)  # noqa: E731 - asinh(t) = log(2t) + 1/(4t^2)
_EXP = lambda a, xp: xp.exp(-a)  # noqa: E731 - sigmoid(t) = 1 - e^-t
_EXP2 = lambda a, xp: xp.exp(-2 * a)  # noqa: E731 - tanh(t) = 1 - 2e^-2t, cosh(t) = e^t/2 (1 + e^-2t)
_NONE = lambda a, xp: 1.0  # noqa: E731 - nothing dropped in that regime

#: how far each function's value is, relatively, from what a float may round it to, at t: the
#: part of the value that depends on t beyond what floats keep, near 0 (exp(t) = 1 + t,
#: sin(t)/t = 1 - t^2/6, acos(t) = pi/2 - t) and for a large |t| (tanh(t) = 1 - 2e^-2t,
#: atan(t) = pi/2 - 1/t). Below float resolution at every point, it was never seen. Every
#: function that is not piecewise (those have their breakpoints) is here except sqrt and log,
#: whose dropped parts are terms of a sum inside them. Works on floats and mpmath numbers.
_UNSEEN = {
    "exp": _regimes(_LINEAR, _NONE), "factorial": _regimes(_LINEAR, _NONE),
    "sin": _regimes(_SQUARE, _NONE), "cos": _regimes(_SQUARE, _NONE),
    "tan": _regimes(_SQUARE, _NONE), "sec": _regimes(_SQUARE, _NONE),
    "csc": _regimes(_SQUARE, _NONE), "cot": _regimes(_SQUARE, _NONE),
    "sinh": _regimes(_SQUARE, _EXP2), "cosh": _regimes(_SQUARE, _EXP2),
    "tanh": _regimes(_SQUARE, _EXP2), "sech": _regimes(_SQUARE, _EXP2),
    "csch": _regimes(_SQUARE, _EXP2), "coth": _regimes(_SQUARE, _EXP2),
    "asin": _regimes(_SQUARE, _NONE), "acos": _regimes(_LINEAR, _NONE),
    "atan": _regimes(_SQUARE, _RECIPROCAL_SHARE), "acot": _regimes(_LINEAR, _RECIPROCAL_SQUARE),
    "asec": _regimes(_NONE, _RECIPROCAL_SHARE), "acsc": _regimes(_NONE, _RECIPROCAL_SQUARE),
    "asinh": _regimes(_SQUARE, _RECIPROCAL_SQUARE), "acosh": _regimes(_NONE, _RECIPROCAL_SQUARE),
    "atanh": _regimes(_SQUARE, _NONE), "acoth": _regimes(_NONE, _RECIPROCAL_SQUARE),
    "asech": _regimes(_SQUARE, _NONE), "acsch": _regimes(_SQUARE, _RECIPROCAL_SQUARE),
    "sigmoid": _regimes(_LINEAR, _EXP), "softplus": _regimes(_LINEAR, _EXP),
}


def evaluate_sample(node: Node, env: Mapping[str, np.ndarray], size: int,
                    natural: bool = False, hidden: bool = False) -> Evaluation:
    """Values, cancellation scale and undefined mask of ``node`` at the points in ``env``
    (``hidden``: and where its terms that floats never see are largest, see
    :attr:`Evaluation.hidden`)."""
    return Evaluator(env, size, natural, hidden).run(node)


def evaluate_segments(node: Node, env: Mapping[str, np.ndarray], sizes: list[int],
                      natural: bool = False, hidden: bool = False) -> list[Evaluation]:
    """:func:`evaluate_sample` of ``node`` at several sets of points at once, in one pass: ``env``
    holds the sets one after the other (``sizes`` points each). Each returned evaluation is the
    one :func:`evaluate_sample` gives for its set alone, ``hidden`` included: every step is
    point by point, except the search for unseen parts, which is done in each set on its own.
    (A key's expression is evaluated at the points of many answers: one pass, not one each.)"""
    segments, start = [], 0
    for n in sizes:
        segments.append((start, start + n))
        start += n
    evaluator = Evaluator(env, start, natural, hidden, tuple(segments))
    whole = evaluator.run(node)
    for array in (whole.values, whole.scale, whole.undefined):
        array.setflags(write=False)  # shared by the parts: nobody writes into one of them
    return [Evaluation(whole.values[a:b], whole.scale[a:b], whole.undefined[a:b], tuple(found))
            for (a, b), found in zip(segments, evaluator.hidden_by_segment)]


def evaluate(node: Node, env: Mapping[str, np.ndarray], size: int) -> tuple[np.ndarray, np.ndarray]:
    """Values (NaN where there is no real value) and cancellation scale of ``node``."""
    result = evaluate_sample(node, env, size)
    return result.values, result.scale


def defined(values: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Mask of points where a value from :func:`evaluate` is finite (and so real)."""
    return np.isfinite(values)


# --------------------------------------------------------------------------- high precision

class _Undefined(Exception):
    """An expression has no real value at a point (a domain error, a pole, 0/0)."""


class _TooBig(Exception):
    """An argument beyond what we compute in high precision: the check is inconclusive."""


def _mp_functions(mp):  # type: ignore[no-untyped-def]
    """Real functions of real mpf arguments; a point outside a function's real domain raises
    :class:`_Undefined`. Arguments within rounding of an edge (of 0, of an integer) are put on
    it by the caller (see ``snap``)."""

    def bounded(fn):  # type: ignore[no-untyped-def]
        def wrapped(x):  # type: ignore[no-untyped-def]
            if abs(x) > _MP_MAX_ARG:
                raise _TooBig()  # exp(exp(exp(..))): beyond what we compute; inconclusive
            return fn(x)
        return wrapped

    def within(fn, low, high, open_ends=False):  # type: ignore[no-untyped-def]
        def wrapped(x):  # type: ignore[no-untyped-def]
            if x < low or x > high or (open_ends and (x == low or x == high)):
                raise _Undefined()
            return fn(x)
        return wrapped

    def of_reciprocal(fn):  # type: ignore[no-untyped-def]
        def wrapped(x):  # type: ignore[no-untyped-def]
            if x == 0:
                raise _Undefined()
            return fn(1 / x)
        return wrapped

    def nonzero(fn):  # type: ignore[no-untyped-def]
        def wrapped(x):  # type: ignore[no-untyped-def]
            value = fn(x)
            if value == 0:
                raise _Undefined()
            return value
        return wrapped

    def sign(x):  # type: ignore[no-untyped-def]
        return mp.mpf((x > 0) - (x < 0))

    def heaviside(x):  # type: ignore[no-untyped-def]
        return mp.mpf(1) if x > 0 else (mp.mpf(1) / 2 if x == 0 else mp.mpf(0))

    def factorial(x):  # type: ignore[no-untyped-def]
        if x < 0 and x == mp.floor(x):
            raise _Undefined()
        if abs(x) > _MP_MAX_ARG:
            raise _TooBig()
        return mp.gamma(x + 1)

    def binomial(n, k):  # type: ignore[no-untyped-def]
        if abs(n) > _MP_MAX_ARG or abs(k) > _MP_MAX_ARG:
            raise _TooBig()
        if k == mp.floor(k):
            if k < 0:
                return mp.mpf(0)
            if n == mp.floor(n) and 0 <= n < k:
                return mp.mpf(0)
            if n == mp.floor(n) and n < 0:
                return (-1) ** int(k) * mp.binomial(k - n - 1, k)
            return mp.binomial(n, k)
        if n < 0 and n == mp.floor(n):
            raise _Undefined()
        return mp.binomial(n, k)

    def log(x, b=None):  # type: ignore[no-untyped-def]
        if x <= 0 or (b is not None and (b <= 0 or b == 1)):
            raise _Undefined()
        return mp.log(x) if b is None else mp.log(x) / mp.log(b)

    def sqrt(x):  # type: ignore[no-untyped-def]
        if x < 0:
            raise _Undefined()
        return mp.sqrt(x)

    def acot(x):  # type: ignore[no-untyped-def]
        return mp.pi / 2 if x == 0 else mp.atan(1 / x)

    return {
        "exp": bounded(mp.exp), "log": log, "log2": lambda x: log(x, 2),
        "log10": lambda x: log(x, 10), "sqrt": sqrt,
        "sigmoid": lambda x: 1 / (1 + bounded(mp.exp)(-x)),
        "softplus": lambda x: mp.log(1 + bounded(mp.exp)(x)), "tanh": bounded(mp.tanh),
        "abs": lambda x: abs(x), "factorial": factorial, "sin": bounded(mp.sin),
        "cos": bounded(mp.cos), "tan": bounded(lambda x: mp.sin(x) / nonzero(mp.cos)(x)),
        "sinh": bounded(mp.sinh), "cosh": bounded(mp.cosh),
        "max": lambda *xs: max(xs), "min": lambda *xs: min(xs), "sign": sign,
        "heaviside": heaviside, "floor": mp.floor, "ceil": mp.ceil,
        "asin": within(mp.asin, -1, 1), "acos": within(mp.acos, -1, 1), "atan": mp.atan,
        "sec": bounded(lambda x: 1 / nonzero(mp.cos)(x)),
        "csc": bounded(lambda x: 1 / nonzero(mp.sin)(x)),
        "cot": bounded(lambda x: mp.cos(x) / nonzero(mp.sin)(x)),
        "sech": bounded(mp.sech), "csch": bounded(lambda x: 1 / nonzero(mp.sinh)(x)),
        "coth": bounded(lambda x: mp.cosh(x) / nonzero(mp.sinh)(x)), "asinh": mp.asinh,
        "acosh": within(mp.acosh, 1, mp.inf), "atanh": within(mp.atanh, -1, 1, True),
        "binomial": binomial, "acot": acot,
        "asec": of_reciprocal(within(mp.acos, -1, 1)), "acsc": of_reciprocal(within(mp.asin, -1, 1)),
        "acoth": of_reciprocal(within(mp.atanh, -1, 1, True)),
        "asech": of_reciprocal(within(mp.acosh, 1, mp.inf)), "acsch": of_reciprocal(mp.asinh),
    }


#: functions whose argument is put on an integer when within rounding of it (a sum within
#: rounding of 0 is already 0), and those whose argument is put on ±1
_SNAP_INTEGER = frozenset({"floor", "ceil", "factorial", "binomial"})
_SNAP_UNIT = frozenset({"asin", "acos", "acosh", "atanh", "asec", "acsc", "acoth", "asech"})


def mp_evaluate(node: Node, point: Mapping[str, object], dps: int,
                natural: bool = False, thin: list | None = None) -> tuple[object, object] | str | None:  # type: ignore[type-arg]
    """(value, scale) of ``node`` at one point with ``dps`` decimal digits (mpmath), in real
    arithmetic at every node; None where it has no real value; ``"unknown"`` where an argument
    is too large to compute (exp(exp(50))). Inputs (floats, mpf or Fractions) are converted
    exactly (a Fraction to the working precision).
    ``natural``: as for :class:`Evaluator`. ``thin``: a one-element list that receives the
    smallest share a nonzero term has of the largest term of its sum, or a function flat at 0 or
    saturated adds to its value (a term 10^-60 of its neighbours needs more than 50 digits)."""
    import mpmath

    global _MP_FUNCS
    old = mpmath.mp.dps
    mpmath.mp.dps = dps
    mp = mpmath.mp
    try:
        env = {k: mp.mpf(v.numerator) / v.denominator if isinstance(v, Fraction) else mp.mpf(v)
               for k, v in point.items()}
        if _MP_FUNCS is None:
            _MP_FUNCS = _mp_functions(mp)
        funcs = _MP_FUNCS
        scale = [mp.mpf(0)]
        tiny = mp.mpf(10) ** (-(dps - 8))

        def snap(x, size):  # type: ignore[no-untyped-def]
            """A value within rounding of an integer (0 included) is that integer."""
            nearest = mp.nint(x)
            if abs(x - nearest) <= tiny * (abs(size) + 1):
                return nearest
            return x

        symbolic = symbol_ids(node)
        within = [False]  # inside a part without symbols being computed: its parts go with it

        def ev(n: Node):  # type: ignore[no-untyped-def]
            kind = type(n)
            if id(n) not in symbolic and kind is not Num and kind is not Const and not within[0]:
                return constant(n)
            return ev_node(n, kind)

        def constant(n: Node):  # type: ignore[no-untyped-def]
            """A part without symbols: the same at every point, so computed once per precision
            (with what it adds to ``scale`` and ``thin``, replayed on each use)."""
            key = (n, dps, natural, thin is not None)
            hit = _MP_CONSTANTS.get(key)
            if hit is None:
                outer_scale, outer_thin = scale[0], thin[0] if thin is not None else None
                scale[0] = mp.mpf(0)
                if thin is not None:
                    thin[0] = mp.mpf(1)
                within[0] = True
                try:
                    hit = (ev_node(n, type(n)), scale[0], thin[0] if thin is not None else None, None)
                except (_TooBig, _Undefined, ZeroDivisionError, ValueError, OverflowError) as err:
                    hit = (None, None, None, type(err))
                finally:
                    within[0] = False
                scale[0] = outer_scale
                if thin is not None:
                    thin[0] = outer_thin
                if len(_MP_CONSTANTS) >= 4096:
                    _MP_CONSTANTS.clear()
                _MP_CONSTANTS[key] = hit
            value, its_scale, its_thin, error = hit
            if error is not None:
                raise error()  # (a fresh one: a kept exception would collect tracebacks)
            scale[0] = max(scale[0], its_scale)
            if thin is not None:
                thin[0] = min(thin[0], its_thin)
            return value

        def ev_node(n: Node, kind: type):  # type: ignore[no-untyped-def]
            if kind is Num:
                return mp.mpf(n.value.numerator) / n.value.denominator
            if kind is Sym:
                return env[n.name]
            if kind is Const:
                return +mp.pi if n.name == "pi" else mp.e
            if kind is Add:
                total, size = mp.mpf(0), mp.mpf(0)
                terms = [ev(t) for t in n.terms]
                for v in terms:
                    scale[0] = max(scale[0], abs(v))
                    size += abs(v)
                    total += v
                if thin is not None and size:
                    biggest = max(abs(v) for v in terms)
                    smallest = min((abs(v) for v in terms if v), default=biggest)
                    thin[0] = min(thin[0], smallest / biggest)
                return mp.mpf(0) if abs(total) <= tiny * size else total
            if kind is Mul:
                out = mp.mpf(1)
                for f in n.factors:
                    out *= ev(f)
                return out
            if kind is Div:
                den = ev(n.den)
                if den == 0:
                    raise _Undefined()
                return ev(n.num) / den
            if kind is Neg:
                return -ev(n.arg)
            if kind is Pow:
                return power(ev(n.base), ev(n.exp))
            if kind is Call:
                args = [ev(a) for a in n.args]
                if thin is not None and n.fname in _UNSEEN and args[0]:
                    thin[0] = min(thin[0], _UNSEEN[n.fname](args[0], mp))
                if n.fname in _SNAP_INTEGER:
                    args = [snap(a, a) for a in args]
                elif n.fname in _SNAP_UNIT:
                    args = [snap(a, 1) if abs(abs(a) - 1) <= tiny else a for a in args]
                if n.fname == "binomial" and natural and args[0] < 0 \
                        and args[0] == mp.floor(args[0]):
                    raise _Undefined()
                return funcs[n.fname](*args)
            raise TypeError(f"not a node: {n!r}")

        def power(base, exp):  # type: ignore[no-untyped-def]
            exp = snap(exp, exp)
            if base == 0:
                if exp > 0:
                    return mp.mpf(0)
                if exp == 0:
                    return mp.mpf(1)
                raise _Undefined()
            # |log base| < (|mag| + 3) * 0.7 (mpmath's mag is at most 2 above log2 |base|):
            # the log itself only when that bound is too coarse
            if abs(exp) * ((abs(mp.mag(base)) + 3) * 0.7 + 1) > _MP_MAX_ARG \
                    and abs(exp) * (abs(mp.log(abs(base))) + 1) > _MP_MAX_ARG:
                raise _TooBig()
            if thin is not None and base > 0:  # b^t is 1 + t ln b (see Evaluator._pow)
                added = abs(exp * mp.log(base))
                if added:
                    thin[0] = min(thin[0], added)
            if base < 0:
                if exp != mp.floor(exp):
                    raise _Undefined()  # a negative base: real only under an integer exponent
                return (-1) ** int(exp % 2) * mp.power(-base, exp)
            return mp.power(base, exp)

        try:
            value = ev(node)
        except _TooBig:
            return "unknown"
        except (_Undefined, ZeroDivisionError, ValueError, OverflowError):
            return None
        if isinstance(value, mp.mpc) or not mp.isfinite(value):
            return None  # complex or infinite: no real value
        return value, scale[0]
    finally:
        mpmath.mp.dps = old


_MP_FUNCS: dict | None = None
#: parts without symbols already computed: (node, digits, natural, thin?) -> (value, scale,
#: thin, the class of the exception it raised)
_MP_CONSTANTS: dict[tuple, tuple] = {}


@per_node()
def symbol_ids(root: Node) -> frozenset[int]:
    """The ids of the sub-expressions of ``root`` (``root`` included) that contain a symbol."""
    from quizgen.maths.nodes import children

    order: list[Node] = []
    stack = [root]
    while stack:  # parents before children; reversed, children before parents
        n = stack.pop()
        order.append(n)
        stack.extend(children(n))
    out: set[int] = set()
    for n in reversed(order):
        if type(n) is Sym or any([id(c) in out for c in children(n)]):
            out.add(id(n))
    return frozenset(out)


#: functions that give every real argument a value or a pole (unknown), never a domain error
_TOTAL_FUNCTIONS = frozenset(_SIMPLE) | frozenset(_RECIPROCAL) | {"max", "min"}


def built_from(root: Node, kinds: tuple[type, ...], functions: frozenset[str],
               max_exponent: float = math.inf, parts: frozenset[int] | None = None) -> bool:
    """Whether every node of ``root`` (of its ``parts`` only, by id, when given) is one of
    ``kinds``, a call of one of ``functions`` or a power with an integer exponent of at most
    ``max_exponent`` in size: what a shortcut may rely on about a whole tree."""
    for n in walk(root):
        if parts is not None and id(n) not in parts:
            continue
        kind = type(n)
        if kind is Call:
            if n.fname not in functions:  # type: ignore[union-attr]
                return False
        elif kind is Pow:
            exp = n.exp  # type: ignore[union-attr]
            if not (type(exp) is Num and exp.value.denominator == 1 and abs(exp.value) <= max_exponent):
                return False
        elif kind not in kinds:
            return False
    return True


@per_node()
def domain_varies(root: Node) -> bool:
    """Whether :class:`Evaluator` may find a domain error in ``root`` at some points and not at
    others: a part with a symbol under log, sqrt, an inverse function, factorial, binomial or a
    power whose exponent is not an integer. (A part without symbols has one value at every
    point: a domain error there is one everywhere.)"""
    return not built_from(root, (Sym, Add, Mul, Div, Neg), _TOTAL_FUNCTIONS, parts=symbol_ids(root))


#: largest |argument| of exp, sinh, factorial, ... (and |exponent * log base|) computed in high
#: precision: a bound on work; beyond it the check is inconclusive. mpmath computes exp(1e15),
#: sin(1e15) or Gamma(1e9) in about 0.1 ms, so the whole sampled range (|x| up to 1e12) is covered.
_MP_MAX_ARG = 1e15
