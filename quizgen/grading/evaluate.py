"""Evaluate our AST with numpy, vectorised over sample points, in complex arithmetic.

Complex arithmetic keeps intermediate steps such as ``sqrt(x)**2`` with ``x < 0`` well defined;
a final value is "defined" at a point when it is finite and (numerically) real. Besides the value
we track ``scale``: the largest magnitude of any term added along the way, so the comparison
tolerance can allow for cancellation (``y**2 - 2*y*y_hat + y_hat**2`` near ``y == y_hat``).
"""

from __future__ import annotations

import math
from typing import Mapping

import numpy as np

from quizgen.grading.nodes import Add, Call, Const, Div, Mul, Neg, Node, Num, Pow, Sym

_LN2 = math.log(2.0)
_LN10 = math.log(10.0)
_CONSTS = {"pi": np.complex128(math.pi), "E": np.complex128(math.e)}


def _num(value: object) -> np.complex128:
    try:
        return np.complex128(float(value))  # type: ignore[arg-type]
    except OverflowError:
        return np.complex128(math.copysign(math.inf, float(value > 0) - 0.5))  # type: ignore[operator]


def _gamma_real(x: complex) -> complex:
    if x.imag != 0 or not math.isfinite(x.real):
        return complex(math.nan, 0)
    try:
        return complex(math.gamma(x.real), 0)
    except (ValueError, OverflowError):
        return complex(math.nan, 0)


_gamma = np.frompyfunc(_gamma_real, 1, 1)


def _factorial(x: np.ndarray) -> np.ndarray:
    return np.asarray(_gamma(np.asarray(x, dtype=np.complex128) + 1), dtype=np.complex128)


def _call(fname: str, args: list) -> object:
    x = args[0]
    if fname == "exp":
        return np.exp(x)
    if fname == "log":
        if len(args) == 2:
            return np.log(x) / np.log(args[1])
        return np.log(x)
    if fname == "sqrt":
        return np.sqrt(x)
    if fname == "sigmoid":
        return 1.0 / (1.0 + np.exp(-x))
    if fname == "softplus":
        return np.log(1.0 + np.exp(x))
    if fname == "abs":
        return np.abs(x) + 0j
    if fname == "log2":
        return np.log(x) / _LN2
    if fname == "log10":
        return np.log(x) / _LN10
    if fname == "factorial":
        return _factorial(x)
    if fname in ("max", "min"):
        arrays = [np.asarray(a, dtype=np.complex128) for a in args]
        real = [a.real for a in arrays]
        pick = np.maximum if fname == "max" else np.minimum
        out = real[0]
        for r in real[1:]:
            out = pick(out, r)
        complex_arg = np.zeros(np.shape(out), dtype=bool)
        for a in arrays:
            complex_arg = complex_arg | (np.abs(a.imag) > 1e-9 * (np.abs(a.real) + 1e-300))
        return np.where(complex_arg, np.nan, out) + 0j
    if fname in _REAL_ONLY:
        xr = np.asarray(x, dtype=np.complex128)
        out = _REAL_ONLY[fname](xr.real)
        return np.where(np.abs(xr.imag) > 1e-9 * (np.abs(xr.real) + 1e-300), np.nan, out) + 0j
    if fname == "binomial":
        return _binomial(np.asarray(x, dtype=np.complex128), np.asarray(args[1], dtype=np.complex128))
    if fname == "sec":
        return 1.0 / np.cos(x)
    if fname == "csc":
        return 1.0 / np.sin(x)
    if fname == "cot":
        return np.cos(x) / np.sin(x)
    if fname == "sech":
        return 1.0 / np.cosh(x)
    if fname == "csch":
        return 1.0 / np.sinh(x)
    if fname == "coth":
        return np.cosh(x) / np.sinh(x)
    if fname in _INVERSE:
        return _inverse(fname, np.asarray(x, dtype=np.complex128))
    if fname in _RECIPROCAL_INVERSE:  # acot(x) = atan(1/x), ... (SymPy's branches)
        x = np.asarray(x, dtype=np.complex128)
        out = _inverse(_RECIPROCAL_INVERSE[fname], 1.0 / x)
        if fname == "acot":
            out = np.where(x == 0, complex(math.pi / 2), out)
        return out
    return getattr(np, fname)(x)  # tanh sin cos tan sinh cosh: fixed names from names.FUNCTIONS


#: functions of a real argument (NaN for a complex one): sign, Heaviside step (H(0) = 1/2, as in
#: SymPy), floor, ceil
_REAL_ONLY = {
    "sign": np.sign,
    "heaviside": lambda r: np.heaviside(r, 0.5),
    "floor": np.floor,
    "ceil": np.ceil,
}
_INVERSE = {"asin": np.arcsin, "acos": np.arccos, "atan": np.arctan, "asinh": np.arcsinh,
            "acosh": np.arccosh, "atanh": np.arctanh}
_RECIPROCAL_INVERSE = {"acot": "atan", "asec": "acos", "acsc": "asin", "acoth": "atanh",
                       "asech": "acosh", "acsch": "asinh"}
#: real domain of each inverse function (closed intervals); outside it the value is not real
_INVERSE_DOMAIN = {"asin": (-1.0, 1.0), "acos": (-1.0, 1.0), "acosh": (1.0, np.inf),
                   "atanh": (-1.0, 1.0)}


def _inverse(fname: str, x: np.ndarray) -> np.ndarray:
    """Principal values; outside the real domain the result is marked not real (numpy's branch
    choice on the cut would otherwise return a real-looking number)."""
    out = np.asarray(_INVERSE[fname](x), dtype=np.complex128)
    if fname in _INVERSE_DOMAIN:
        low, high = _INVERSE_DOMAIN[fname]
        real_arg = np.abs(x.imag) <= 1e-12 * (np.abs(x.real) + 1e-300)
        outside = real_arg & ((x.real < low) | (x.real > high))
        if fname == "atanh":
            outside = real_arg & ((x.real <= low) | (x.real >= high))
        out = np.where(outside, complex(math.nan, math.nan), out)
    return out


def _binomial_real(n: complex, k: complex) -> complex:
    if n.imag != 0 or k.imag != 0 or not (math.isfinite(n.real) and math.isfinite(k.real)):
        return complex(math.nan, 0)
    a, b = n.real, k.real
    if a == int(a) and b == int(b) and abs(a) <= 10**6:
        a, b = int(a), int(b)
        if b < 0:
            return complex(0.0, 0)
        if a >= 0:
            try:
                return complex(float(math.comb(a, b)) if b <= a else 0.0, 0)
            except OverflowError:
                return complex(math.inf, 0)
        # negative integer n: (-1)^k C(k - n - 1, k)
        try:
            return complex((-1) ** b * float(math.comb(b - a - 1, b)), 0)
        except OverflowError:
            return complex(math.inf, 0)
    try:
        return complex(math.gamma(a + 1) / (math.gamma(b + 1) * math.gamma(a - b + 1)), 0)
    except (ValueError, OverflowError, ZeroDivisionError):
        return complex(math.nan, 0)


_binomial_u = np.frompyfunc(_binomial_real, 2, 1)


def _binomial(n: np.ndarray, k: np.ndarray) -> np.ndarray:
    return np.asarray(_binomial_u(n, k), dtype=np.complex128)


class Evaluator:
    """Evaluates nodes for one set of sample points (``env``: symbol name -> complex array)."""

    def __init__(self, env: Mapping[str, np.ndarray], size: int):
        self.env = env
        self.size = size
        self.scale: np.ndarray | float = 0.0

    def value(self, node: Node) -> tuple[np.ndarray, np.ndarray]:
        """(values, scale) as arrays of length ``size``."""
        self.scale = 0.0
        with np.errstate(all="ignore"):
            result = self._ev(node)
            values = np.broadcast_to(np.asarray(result, dtype=np.complex128), (self.size,))
            scale = np.broadcast_to(np.asarray(self.scale, dtype=np.float64), (self.size,))
        return values, scale

    def _ev(self, node: Node) -> object:
        kind = type(node)
        if kind is Sym:
            return self.env[node.name]  # type: ignore[union-attr]
        if kind is Num:
            return _num(node.value)  # type: ignore[union-attr]
        if kind is Add:
            total = None
            for term in node.terms:  # type: ignore[union-attr]
                value = self._ev(term)
                self.scale = np.maximum(self.scale, np.abs(value))
                total = value if total is None else total + value
            return total
        if kind is Mul:
            product = None
            for factor in node.factors:  # type: ignore[union-attr]
                value = self._ev(factor)
                product = value if product is None else product * value
            return product
        if kind is Div:
            return self._ev(node.num) / self._ev(node.den)  # type: ignore[union-attr]
        if kind is Neg:
            return -self._ev(node.arg)  # type: ignore[union-attr, operator]
        if kind is Pow:
            base = self._ev(node.base)  # type: ignore[union-attr]
            exp_node = node.exp  # type: ignore[union-attr]
            if type(exp_node) is Num and exp_node.value.denominator == 1 \
                    and abs(exp_node.value) <= 64:
                return np.power(base, int(exp_node.value))
            return np.power(base, self._ev(exp_node))
        if kind is Const:
            return _CONSTS[node.name]  # type: ignore[union-attr]
        if kind is Call:
            return _call(node.fname, [self._ev(a) for a in node.args])  # type: ignore[union-attr]
        raise TypeError(f"not a node: {node!r}")


def evaluate(node: Node, env: Mapping[str, np.ndarray], size: int) -> tuple[np.ndarray, np.ndarray]:
    """Values and cancellation scale of ``node`` at the points in ``env``."""
    return Evaluator(env, size).value(node)


def defined(values: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Mask of points where a value is finite and real (imaginary part is rounding noise)."""
    finite = np.isfinite(values)
    noise = 1e-9 * (np.abs(values.real) + scale) + 1e-12
    return finite & (np.abs(values.imag) <= noise)


# --------------------------------------------------------------------------- high precision

class _Undefined(Exception):
    """An expression has no value at a point (a pole, 0/0, an overflow of mpmath's range)."""


class _TooBig(Exception):
    """An argument beyond what we compute in high precision: the check is inconclusive."""


def _mp_functions(mp):  # type: ignore[no-untyped-def]
    def real_only(fn):  # type: ignore[no-untyped-def]
        def wrapped(x):  # type: ignore[no-untyped-def]
            if isinstance(x, mp.mpc):
                if abs(x.imag) > mp.mpf(10) ** (-(mp.dps - 10)) * (abs(x.real) + 1):
                    raise _Undefined()
                x = x.real
            return fn(x)
        return wrapped

    def sign(x):  # type: ignore[no-untyped-def]
        return mp.mpf((x > 0) - (x < 0))

    def heaviside(x):  # type: ignore[no-untyped-def]
        return mp.mpf(1) if x > 0 else (mp.mpf(1) / 2 if x == 0 else mp.mpf(0))

    def factorial(x):  # type: ignore[no-untyped-def]
        if isinstance(x, mp.mpf) and x < 0 and x == mp.floor(x):
            raise _Undefined()
        if abs(x) > _MP_MAX_ARG:
            raise _TooBig()
        return mp.gamma(x + 1)

    def binomial(n, k):  # type: ignore[no-untyped-def]
        n, k = real_only(lambda v: v)(n), real_only(lambda v: v)(k)
        if abs(n) > _MP_MAX_ARG or abs(k) > _MP_MAX_ARG:
            raise _TooBig()
        if n == mp.floor(n) and k == mp.floor(k):
            if k < 0:
                return mp.mpf(0)
            if n >= 0:
                return mp.binomial(n, k) if k <= n else mp.mpf(0)
        return mp.binomial(n, k)

    def log(x, b=None):  # type: ignore[no-untyped-def]
        if x == 0:
            raise _Undefined()
        return mp.log(x) if b is None else mp.log(x) / mp.log(b)

    def extreme(pick):  # type: ignore[no-untyped-def]
        def fn(*xs):  # type: ignore[no-untyped-def]
            vals = [real_only(lambda v: v)(x) for x in xs]
            out = vals[0]
            for v in vals[1:]:
                out = pick(out, v)
            return out
        return fn

    def bounded(fn):  # type: ignore[no-untyped-def]
        def wrapped(x):  # type: ignore[no-untyped-def]
            if abs(x) > _MP_MAX_ARG:
                raise _TooBig()  # exp(exp(exp(..))): beyond what we compute; inconclusive
            return fn(x)
        return wrapped

    def sigmoid(x):  # type: ignore[no-untyped-def]
        return 1 / (1 + bounded(mp.exp)(-x))

    return {
        "exp": bounded(mp.exp), "log": log, "log2": lambda x: log(x, 2), "log10": lambda x: log(x, 10),
        "sqrt": mp.sqrt, "sigmoid": sigmoid,
        "softplus": lambda x: mp.log(1 + bounded(mp.exp)(x)), "tanh": bounded(mp.tanh),
        "abs": lambda x: abs(x), "factorial": factorial, "sin": mp.sin, "cos": mp.cos,
        "tan": bounded(mp.tan), "sinh": bounded(mp.sinh), "cosh": bounded(mp.cosh),
        "max": extreme(max), "min": extreme(min), "sign": real_only(sign),
        "heaviside": real_only(heaviside), "floor": real_only(mp.floor),
        "ceil": real_only(mp.ceil), "asin": mp.asin, "acos": mp.acos, "atan": mp.atan,
        "sec": bounded(mp.sec), "csc": bounded(mp.csc), "cot": bounded(mp.cot),
        "sech": bounded(mp.sech), "csch": bounded(mp.csch), "coth": bounded(mp.coth), "asinh": mp.asinh, "acosh": mp.acosh, "atanh": mp.atanh,
        "binomial": binomial, "acot": mp.acot, "asec": mp.asec, "acsc": mp.acsc,
        "acoth": mp.acoth, "asech": mp.asech, "acsch": mp.acsch,
    }


def mp_evaluate(node: Node, point: Mapping[str, float], dps: int) -> tuple[object, object] | str | None:
    """(value, scale) of ``node`` at one point with ``dps`` decimal digits (mpmath); None where
    it has no value; ``"unknown"`` where an argument is too large to compute (exp(exp(50)))).
    Inputs are the float sample values, converted exactly."""
    import mpmath

    global _MP_FUNCS
    old = mpmath.mp.dps
    mpmath.mp.dps = dps
    mp = mpmath.mp
    try:
        env = {k: mp.mpf(v) for k, v in point.items()}
        if _MP_FUNCS is None:
            _MP_FUNCS = _mp_functions(mp)
        funcs = _MP_FUNCS
        scale = [mp.mpf(0)]

        def ev(n: Node):  # type: ignore[no-untyped-def]
            kind = type(n)
            if kind is Num:
                return mp.mpf(n.value.numerator) / n.value.denominator
            if kind is Sym:
                return env[n.name]
            if kind is Const:
                return +mp.pi if n.name == "pi" else mp.e
            if kind is Add:
                total = mp.mpf(0)
                for t in n.terms:
                    v = ev(t)
                    scale[0] = max(scale[0], abs(v))
                    total += v
                return total
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
                base, exp = ev(n.base), ev(n.exp)
                if base == 0 and (exp.real if isinstance(exp, mp.mpc) else exp) <= 0:
                    raise _Undefined()
                if base != 0 and abs(exp) * (abs(mp.log(base)) + 1) > _MP_MAX_ARG:
                    raise _TooBig()
                return mp.power(base, exp)
            if kind is Call:
                return funcs[n.fname](*[ev(a) for a in n.args])
            raise TypeError(f"not a node: {n!r}")

        try:
            value = ev(node)
        except _TooBig:
            return "unknown"
        except (_Undefined, ZeroDivisionError, ValueError, OverflowError):
            return None
        if not mp.isfinite(value):
            return None
        if isinstance(value, mp.mpc):
            if abs(value.imag) > mp.mpf(10) ** (-(dps - 10)) * (abs(value.real) + scale[0] + 1):
                return None
            value = value.real
        return value, scale[0]
    finally:
        mpmath.mp.dps = old


_MP_FUNCS: dict | None = None
#: largest |argument| of exp, sinh, factorial, ... (and |exponent * log base|) computed in high
#: precision: a bound on work (and on sin of a huge argument); beyond it the check is inconclusive
_MP_MAX_ARG = 1e5
