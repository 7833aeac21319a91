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
    return getattr(np, fname)(x)  # tanh sin cos tan sinh cosh: fixed names from names.FUNCTIONS


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
