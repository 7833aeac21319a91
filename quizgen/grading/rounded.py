"""Decimals in place of exact constants: the sheet's rule for the numbers inside a symbolic answer.

Every sheet says "numbers to at least 4 significant figures", and a student who writes
``(y - y_hat)^2/(2*1.1^2) + log(1.1) + 0.9189`` for the Gaussian NLL has followed it: 0.9189 is
½·log(2π) to 4 figures. Exact equivalence (the engine) rightly calls that answer different. This
module decides whether it is right *when its decimals are read as the numbers they round*:

- each decimal literal of the answer with at least 2 significant figures may stand for any value
  that rounds to it at its own precision (within one unit of its last figure, so a truncated
  decimal counts too); the others stay as typed;
- the answer is read that way if, with at most 3 of its decimals read so (the most precise first),
  it equals the target at every sample point (values fitted by least squares, then checked to
  1e-9 relative at each point);
- a decimal so read is named by the exact constant of the key it equals (a term, a sum of constant
  terms, a coefficient), or by its value.

The grader (:class:`~quizgen.grading.item.SymbolicGrader`) then gives full credit with a note when
every decimal read so has at least the sheet's figures, and 0 with a message saying how many
figures are needed when one has fewer. A key made with ``make --exact-constants`` asks for exact
constants and this module is not used; neither is it by ``quizgen equiv`` without ``--key``, which
stays exact mathematics.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations, product
from typing import Mapping, Sequence

import numpy as np

from quizgen.kernel.decimals import SHEET_SIGFIGS  # noqa: F401 (the grader's figure, imported from here)
from quizgen.maths.evaluate import evaluate
from quizgen.maths.nodes import Add, Call, Div, Mul, Neg, Node, Num, Pow, Sym, walk

MAX_FREE = 3  # decimals read at once
MAX_TRIES = 2000  # readings as the key's constants tried
MIN_SIGFIGS = 2  # a decimal of 1 significant figure (0.5, 2.0) is never read as something else
POINTS = 24
_PREFIX = "__qz_decimal_"


def significant_figures(value: Fraction) -> int:
    """Significant figures of a terminating decimal as typed (trailing zeros after the point
    cannot be told apart once read: 0.9190 counts as 3)."""
    value = abs(value)
    if value == 0:
        return 1
    k = 0
    while (value * 10 ** k).denominator != 1:
        k += 1
    digits = str((value * 10 ** k).numerator).rstrip("0")
    return max(1, len(digits))


def last_unit(value: Fraction, sigfigs: int) -> float:
    """One unit of the last significant figure of ``value``."""
    v = abs(float(value))
    return 10.0 ** (math.floor(math.log10(v)) - sigfigs + 1) if v else 1.0


@dataclass(frozen=True)
class Decimal:
    typed: str  # as the student wrote it (shortest form of its value)
    value: float  # what it was read as
    sigfigs: int
    constant: str | None  # the key's exact constant it equals, if one does


@dataclass(frozen=True)
class RoundedReading:
    """How an answer equals a target once some of its decimals are read as the numbers they round."""

    decimals: tuple[Decimal, ...]

    def short(self, sigfigs: int) -> tuple[Decimal, ...]:
        return tuple(d for d in self.decimals if d.sigfigs < sigfigs)

    def note(self) -> str:
        parts = [f"{d.typed} as {d.constant} = {d.value:.10g}" if d.constant else f"{d.typed} as {d.value:.10g}"
                 for d in self.decimals]
        return "Your decimals were read as the exact numbers they round: " + "; ".join(parts) + "."

    def too_few_figures(self, sigfigs: int) -> str:
        parts = []
        for d in self.short(sigfigs):
            better = _rounded(d.value, sigfigs)
            exact = f", or the exact {d.constant}" if d.constant else ""
            parts.append(f"{d.typed} has {d.sigfigs} significant figure{'s' if d.sigfigs > 1 else ''} "
                         f"(write {better}{exact})")
        return (f"Your expression would be right with more precise numbers, but numbers need at least "
                f"{sigfigs} significant figures: " + "; ".join(parts) + ".")

    def to_dict(self) -> list[dict]:
        return [{"typed": d.typed, "read_as": d.value, "sigfigs": d.sigfigs, "constant": d.constant}
                for d in self.decimals]


def _rounded(value: float, sigfigs: int) -> str:
    from decimal import ROUND_HALF_UP
    from decimal import Decimal as D

    exact = D(f"{value:.12g}")
    return format(exact.quantize(D(1).scaleb(exact.adjusted() - sigfigs + 1), rounding=ROUND_HALF_UP), "f")


def _replace(node: Node, new: Mapping[int, Node]) -> Node:
    """``node`` with the sub-nodes whose ``id`` is in ``new`` replaced."""
    if id(node) in new:
        return new[id(node)]
    if isinstance(node, Add):
        return Add(tuple(_replace(t, new) for t in node.terms))
    if isinstance(node, Mul):
        return Mul(tuple(_replace(f, new) for f in node.factors))
    if isinstance(node, Div):
        return Div(_replace(node.num, new), _replace(node.den, new))
    if isinstance(node, Neg):
        return Neg(_replace(node.arg, new))
    if isinstance(node, Pow):
        return Pow(_replace(node.base, new), _replace(node.exp, new))
    if isinstance(node, Call):
        return Call(node.fname, tuple(_replace(a, new) for a in node.args))
    return node


class Constants:
    """The exact constants of a target expression (our own key, read by SymPy): its constant
    terms and their sums, and the coefficient of each term, to name a decimal read as one."""

    def __init__(self, target: Node, domains: Mapping[str, str]):
        self._target, self._domains = target, domains
        self._values: list[tuple[float, str]] | None = None

    @property
    def values(self) -> list[tuple[float, str]]:
        """Computed on first use: SymPy is imported only for an answer with decimals to read."""
        if self._values is None:
            self._values = self._find(self._target, self._domains)
        return self._values

    @staticmethod
    def _find(target: Node, domains: Mapping[str, str]) -> list[tuple[float, str]]:
        try:
            import sympy

            from quizgen.maths.proof import to_sympy

            expr = to_sympy(target, domains)
            symbols = list(expr.free_symbols)
            found: dict[str, float] = {}

            def add(c) -> None:  # type: ignore[no-untyped-def]
                if c.free_symbols or c.is_zero or c in (1, -1):
                    return
                value = float(c)
                if math.isfinite(value):
                    found.setdefault(sympy.sstr(c), value)
                    found.setdefault(sympy.sstr(-c), -value)

            for sub in sympy.preorder_traversal(expr):  # every constant inside: 2*pi, log(11/10), ...
                if isinstance(sub, sympy.Expr) and not sub.free_symbols:
                    add(sub)
            terms = sympy.Add.make_args(expr) if symbols else (expr,)
            constant = [t for t in terms if not t.free_symbols]
            for size in range(1, min(len(constant), 5) + 1):
                for group in combinations(constant, size):
                    add(sympy.Add(*group))
            for t in terms:
                if t.free_symbols:
                    coefficient = t.as_independent(*symbols)[0]
                    add(coefficient)
                    if not coefficient.is_zero:
                        add(1 / coefficient)
            for factor in sympy.Mul.make_args(expr):
                add(factor)
            return [(v, text) for text, v in found.items()]
        except Exception:  # naming is a courtesy: a key SymPy cannot read is still graded
            return []

    def near(self, value: float, unit: float) -> list[tuple[float, str]]:
        """The constants within one unit of a decimal's last figure, nearest first."""
        return sorted(((v, t) for v, t in self.values if abs(v - value) <= unit * (1 + 1e-9)),
                      key=lambda item: abs(item[0] - value))

    def name(self, value: float) -> str | None:
        for v, text in self.values:
            if abs(v - value) <= 1e-9 * max(abs(v), 1e-300):
                return text
        return None


def read_rounded(answer: Node, target: Node, domains: Mapping[str, str], seed: int,
                 constants: Constants | None = None) -> RoundedReading | None:
    """A reading of ``answer``'s decimals under which it equals ``target``, or None."""
    literals = [n for n in walk(answer) if isinstance(n, Num) and n.decimal and n.value != 0]
    found = {}
    for n in literals:  # one entry per literal node (the same number typed twice is two literals)
        sf = n.digits or significant_figures(n.value)  # as typed: 0.9190 has 4
        if sf >= MIN_SIGFIGS:
            found[id(n)] = (n, sf)
    if not found:
        return None
    candidates = sorted(found.values(), key=lambda item: -item[1])
    names = {id(n): f"{_PREFIX}{i}" for i, (n, _) in enumerate(candidates)}
    free = _replace(answer, {id(n): Sym(names[id(n)]) for n, _ in candidates})
    doms = {k: v for k, v in domains.items() if not k.startswith(_PREFIX)}
    size = POINTS if doms else 1
    env = _everyday_points(doms, np.random.default_rng(seed ^ 0x0DEC), size)
    expected, _ = evaluate(target, env, size)
    ok = np.isfinite(expected)
    if int(ok.sum()) < min(8, size):
        return None
    typed = np.array([float(n.value) for n, _ in candidates])
    units = np.array([last_unit(n.value, sf) for n, sf in candidates])

    def values(t: np.ndarray) -> np.ndarray:
        full = {**env, **{names[id(n)]: np.full(size, t[i]) for i, (n, _) in enumerate(candidates)}}
        with np.errstate(all="ignore"):
            return evaluate(free, full, size)[0][ok]

    want = expected[ok]
    base = values(typed)
    if not np.all(np.isfinite(base)):
        return None
    jac = _jacobian(values, typed, base, units)
    if jac is None:
        return None
    # no choice of values within a unit of each decimal's last figure can close this gap
    reach = np.abs(jac) @ units * 2 + 1e-9 * np.abs(want) + 1e-12
    if np.any(np.abs(base - want) > reach):
        return None
    constants = constants or Constants(target, domains)

    def reading(chosen: Sequence[int], t: np.ndarray, named: Sequence[str | None]) -> RoundedReading:
        return RoundedReading(tuple(
            Decimal(_rounded(typed[i], candidates[i][1]), float(t[i]), candidates[i][1], name)
            for i, name in zip(chosen, named)))

    # 1. decimals read as constants of the key they round (0.0953 as log(11/10)), the fewest first
    near = [constants.near(typed[i], units[i]) for i in range(len(candidates))]
    tries = 0
    for size_free in range(1, min(MAX_FREE, len(candidates)) + 1):
        for chosen in combinations([i for i in range(len(candidates)) if near[i]], size_free):
            for assignment in product(*(near[i] for i in chosen)):
                tries += 1
                if tries > MAX_TRIES:
                    break
                t = typed.copy()
                t[list(chosen)] = [v for v, _ in assignment]
                if _equal(values(t), want):
                    return reading(chosen, t, [name for _, name in assignment])
    # 2. decimals read as whatever values within a unit make the answer equal (6.283 for 2*pi)
    for size_free in range(1, min(MAX_FREE, len(candidates)) + 1):
        for chosen in combinations(range(len(candidates)), size_free):
            t = _fit(values, typed, units, list(chosen), want, jac)
            if t is not None:
                return reading(chosen, t, [constants.name(float(t[i])) for i in chosen])
    return None


def _equal(got: np.ndarray, want: np.ndarray) -> bool:
    return bool(np.all(np.isfinite(got)) and np.all(np.abs(want - got) <= 1e-9 * np.maximum(np.abs(want), np.abs(got)) + 1e-12))


#: Values of everyday size per domain, where a fit in floating point is well conditioned (the
#: engine's own points reach 1e10 and beyond, where a rounded constant vanishes in the sum).
_EVERYDAY = {"real": (0.3, 3.0, True), "positive": (0.3, 3.0, False), "nonnegative": (0.0, 3.0, False),
             "unit_interval": (0.05, 0.95, False)}
_WHOLE = {"integer": (-6, 6), "positive_integer": (1, 10), "nonnegative_integer": (0, 10)}


def _everyday_points(domains: Mapping[str, str], rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    out = {}
    for name in sorted(domains):
        domain = domains[name]
        if domain in _WHOLE:
            low, high = _WHOLE[domain]
            out[name] = rng.integers(low, high + 1, n).astype(float)
        else:
            low, high, signed = _EVERYDAY.get(domain, _EVERYDAY["positive"])
            values = low + (high - low) * rng.random(n)
            out[name] = values * np.where(rng.random(n) < 0.5, -1.0, 1.0) if signed else values
    return out


def _jacobian(values, t: np.ndarray, base: np.ndarray, units: np.ndarray) -> np.ndarray | None:
    cols = []
    for i in range(len(t)):
        step = units[i] * 1e-3
        moved = t.copy()
        moved[i] += step
        v = values(moved)
        if not np.all(np.isfinite(v)):
            return None
        cols.append((v - base) / step)
    return np.stack(cols, axis=1)


def _fit(values, typed: np.ndarray, units: np.ndarray, chosen: Sequence[int], want: np.ndarray,
         jac: np.ndarray) -> np.ndarray | None:
    """Gauss-Newton on the chosen decimals (the others as typed): the values, if they stay within
    a unit of each one's last figure and make the answer equal the target at every point."""
    t = typed.copy()
    for step_number in range(6):
        got = values(t)
        if not np.all(np.isfinite(got)):
            return None
        gap = want - got
        if _equal(got, want):
            return t if np.all(np.abs(t - typed) <= units * (1 + 1e-9)) else None
        j = _jacobian(values, t, got, units) if step_number else jac
        if j is None:
            return None
        step, *_rest = np.linalg.lstsq(j[:, chosen], gap, rcond=None)
        t = t.copy()
        t[list(chosen)] += step
        if np.any(np.abs(t - typed) > 10 * units):
            return None
    return None
