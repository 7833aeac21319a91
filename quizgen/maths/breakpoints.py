"""Special points: where piecewise parts switch and where domains end, and points on both sides.

Random points see most differences, but not one confined to a narrow or far interval
(``abs(x + 1000) - 1000`` against ``abs(x + 1001) - 1001`` differ only for x < -1000;
``x + max(0, 1 - 1e6*abs(x - 1000.5))`` differs from ``x`` on an interval 2e-6 wide). Between two
consecutive breakpoints every piece is smooth, so comparing at each breakpoint and close to it
on both sides compares every piece. Breakpoints are the zeros of

- the argument of ``abs``, ``sign``, ``Heaviside`` and the differences of ``max``/``min``
  arguments (kinks and jumps),
- the argument of ``floor``/``ceil`` minus the integers around its sampled values (jumps),
- the argument of ``sqrt``, ``log``, ``acos``..., the base of a fractional power and every
  denominator (where a domain ends, where a pole is).

They are found along lines through a few sample points, one symbol at a time: exactly (the real
roots of a polynomial, numerator and denominator of a rational function) when the argument is
rational in that symbol, otherwise by sign changes over the whole sampled range and bisection.
In the second case zeros may be missed (two close roots, a touching zero), so for a piecewise
argument the breakpoints are *not sure* and sampling alone may not call the answers equivalent.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Mapping

import numpy as np

from quizgen.maths.evaluate import Evaluator
from quizgen.maths.nodes import Add, Call, Const, Div, Mul, Neg, Node, Num, Pow, Sym, free_symbols, per_node, walk

#: kinds of breakpoint: "kink" (piecewise: abs, sign, ...), "jump" (floor, ceil: zeros of
#: argument - k), "edge" (a domain ends or a pole)
_KINK = frozenset({"abs", "sign", "heaviside"})
_EDGE_AT_ZERO = frozenset({"sqrt", "log", "log2", "log10"})
_EDGE_AT_ONE = frozenset({"asin", "acos", "atanh", "asec", "acsc", "acoth"})  # |arg| = 1
_EDGE_ZERO_AND_ONE = frozenset({"acosh", "asech"})
MAX_ARGUMENTS = 16
MAX_DEGREE = 12
MAX_TERMS = 200
BASE_POINTS = 3
MAX_POINTS = 1200
#: distances either side of a breakpoint, relative to max(|breakpoint|, 1e-3)
OFFSETS = (1e-3, 1e-6, 1e-9)
#: the grid a non-rational argument is scanned on, along each line: 0 and ±10^(-6..12)
_GRID = np.concatenate([-np.logspace(12, -6, 145), [0.0], np.logspace(-6, 12, 145)])
_BISECTIONS = 60


@dataclass
class Breakpoints:
    """Points to evaluate at (float arrays per symbol, every symbol of the comparison), which of
    them are *exact* breakpoints (an isolated undefined point there is a removable point, not a
    difference), and whether every piecewise breakpoint was located."""

    env: dict[str, np.ndarray]
    exact: np.ndarray
    sure: bool = True
    arguments: list[str] = field(default_factory=list)  # what was looked at (for the record)

    @property
    def size(self) -> int:
        return int(self.exact.size)


def arguments(*nodes: Node) -> list[tuple[str, Node]]:
    """The (kind, argument) pairs whose zeros are breakpoints, without repeats."""
    found: list[tuple[str, Node]] = []
    seen: set = set()
    for node in nodes:
        for pair in _arguments_of(node):
            if pair not in seen:
                seen.add(pair)
                found.append(pair)
    return found[:MAX_ARGUMENTS] if len(found) > MAX_ARGUMENTS else found


@per_node()
def _arguments_of(node: Node) -> tuple[tuple[str, Node], ...]:
    """:func:`arguments` of one tree (cached: an expected expression is looked at for every answer)."""
    found: list[tuple[str, Node]] = []
    seen: set = set()

    def add(kind: str, arg: Node) -> None:
        if free_symbols(arg) and (kind, arg) not in seen:
            seen.add((kind, arg))
            found.append((kind, arg))

    one = Num(1)
    for n in walk(node):
        if isinstance(n, Call):
            if n.fname in _KINK:
                add("kink", n.args[0])
            elif n.fname in ("max", "min"):
                for i, a in enumerate(n.args):
                    for b in n.args[i + 1:]:
                        add("kink", Add((a, Neg(b))))
            elif n.fname in ("floor", "ceil"):
                add("jump", n.args[0])
            elif n.fname in _EDGE_AT_ZERO:
                add("edge", n.args[0])
                if len(n.args) == 2:
                    add("edge", n.args[1])
                    add("edge", Add((n.args[1], Neg(one))))
            elif n.fname in _EDGE_AT_ONE:
                add("edge", Add((n.args[0], Neg(one))))
                add("edge", Add((n.args[0], one)))
                add("edge", n.args[0])
            elif n.fname in _EDGE_ZERO_AND_ONE:
                add("edge", Add((n.args[0], Neg(one))))
                add("edge", n.args[0])
            elif n.fname in ("factorial", "binomial"):
                for a in n.args:
                    add("jump", a)  # poles at negative integers
            elif n.fname == "acot":
                add("kink", n.args[0])  # jumps from -pi/2 to pi/2 at 0
            elif n.fname in ("csch", "coth", "acsch"):
                add("edge", n.args[0])  # a pole at 0 (tan, sec, ...: infinitely many poles)
        elif isinstance(n, Div):
            add("edge", n.den)
        elif isinstance(n, Pow):
            if not (isinstance(n.exp, Num) and n.exp.value.denominator == 1):
                add("edge", n.base)
            elif n.exp.value < 0:
                add("edge", n.base)
    return tuple(found)


def is_piecewise(*nodes: Node) -> bool:
    return any(_piecewise(node) for node in nodes)


@per_node()
def _piecewise(node: Node) -> bool:
    return any(isinstance(n, Call) and (n.fname in _KINK or n.fname in ("max", "min", "floor", "ceil"))
               for n in walk(node))


# ------------------------------------------------------------------------ rational functions

Poly = dict  # monomial (tuple of exponents, in the order of the symbol names) -> float coefficient


class _NotRational(Exception):
    pass


def _rational(node: Node, names: list[str]) -> tuple[Poly, Poly]:
    """(numerator, denominator) polynomials of a rational function of the symbols, with float
    coefficients; raises _NotRational otherwise (or when it grows past the caps)."""
    zero = tuple(0 for _ in names)
    if isinstance(node, Num):
        return {zero: float(node.value)}, {zero: 1.0}
    if not isinstance(node, (Sym, Const)) and not free_symbols(node):  # 10^20, log(2): a number
        value = Evaluator({}, 1).run(node)
        if not value.ok[0]:
            raise _NotRational()
        return {zero: float(value.values[0])}, {zero: 1.0}
    if isinstance(node, Const):
        return {zero: math.pi if node.name == "pi" else math.e}, {zero: 1.0}
    if isinstance(node, Sym):
        mono = tuple(1 if n == node.name else 0 for n in names)
        return {mono: 1.0}, {zero: 1.0}
    if isinstance(node, Neg):
        num, den = _rational(node.arg, names)
        return {k: -v for k, v in num.items()}, den
    if isinstance(node, Add):
        num, den = _rational(node.terms[0], names)
        for term in node.terms[1:]:
            n2, d2 = _rational(term, names)
            if den == d2:
                num = _padd(num, n2)
            else:
                num, den = _padd(_pmul(num, d2), _pmul(n2, den)), _pmul(den, d2)
        return num, den
    if isinstance(node, Mul):
        num, den = _rational(node.factors[0], names)
        for factor in node.factors[1:]:
            n2, d2 = _rational(factor, names)
            num, den = _pmul(num, n2), _pmul(den, d2)
        return num, den
    if isinstance(node, Div):
        n1, d1 = _rational(node.num, names)
        n2, d2 = _rational(node.den, names)
        return _pmul(n1, d2), _pmul(d1, n2)
    if isinstance(node, Pow) and isinstance(node.exp, Num) and node.exp.value.denominator == 1 \
            and abs(node.exp.value) <= MAX_DEGREE:
        num, den = _rational(node.base, names)
        k = int(node.exp.value)
        if k < 0:
            num, den, k = den, num, -k
        out_n, out_d = {zero: 1.0}, {zero: 1.0}
        for _ in range(k):
            out_n, out_d = _pmul(out_n, num), _pmul(out_d, den)
        return out_n, out_d
    raise _NotRational()


def _padd(a: Poly, b: Poly) -> Poly:
    out = dict(a)
    for k, v in b.items():
        out[k] = out.get(k, 0.0) + v
    return out


def _pmul(a: Poly, b: Poly) -> Poly:
    out: Poly = {}
    for k1, v1 in a.items():
        for k2, v2 in b.items():
            k = tuple(x + y for x, y in zip(k1, k2))
            if sum(k) > MAX_DEGREE * 2:
                raise _NotRational()
            out[k] = out.get(k, 0.0) + v1 * v2
    if len(out) > MAX_TERMS:
        raise _NotRational()
    return out


def _line_coefficients(poly: Poly, names: list[str], j: int, base: Mapping[str, float]) -> np.ndarray:
    """Coefficients (highest first) of the polynomial along symbol ``names[j]``, the other
    symbols fixed at ``base``."""
    degree = max((k[j] for k in poly), default=0)
    coeffs = np.zeros(degree + 1)
    for mono, c in poly.items():
        factor = c
        for i, e in enumerate(mono):
            if i != j and e:
                factor *= base[names[i]] ** e
        coeffs[degree - mono[j]] += factor
    return coeffs


def _real_roots(coeffs: np.ndarray) -> list[float]:
    nonzero = np.flatnonzero(coeffs)
    if not nonzero.size or not np.all(np.isfinite(coeffs)):
        return []
    coeffs = coeffs[nonzero[0]:]
    if coeffs.size <= 1:
        return []
    if coeffs.size == 2:  # a linear argument (most of them): no eigenvalues needed
        return [float(-coeffs[1] / coeffs[0])]
    scale = np.max(np.abs(coeffs))
    coeffs = coeffs / scale
    roots = np.roots(coeffs)
    out = []
    deriv = np.polyder(coeffs)
    for r in roots:
        if abs(r.imag) > 1e-6 * (abs(r.real) + 1e-6):
            continue
        x = float(r.real)
        for _ in range(4):  # polish: Newton on the polynomial
            d = np.polyval(deriv, x)
            if d == 0 or not math.isfinite(d):
                break
            step = np.polyval(coeffs, x) / d
            if not math.isfinite(step) or abs(step) > 1e-3 * (abs(x) + 1e-9):
                break
            x -= step
        if math.isfinite(x):
            out.append(x)
    return out


# ------------------------------------------------------------------------- finding the points

def _in_domain(domain: str, values: np.ndarray) -> np.ndarray:
    if domain == "real":
        return np.isfinite(values)
    if domain == "positive":
        return values > 0
    if domain == "nonnegative":
        return values >= 0
    if domain == "unit_interval":
        return (values > 0) & (values < 1)
    integer = values == np.floor(values)
    if domain == "integer":
        return integer
    if domain == "positive_integer":
        return integer & (values >= 1)
    return integer & (values >= 0)  # nonnegative_integer


def _around(root: float, domain: str) -> tuple[list[float], list[bool]]:
    """The breakpoint and points either side of it (offsets at three scales); for an integer
    symbol, the integers around it. (values, exact?)."""
    if domain.endswith("integer"):
        low, high = math.floor(root), math.ceil(root)
        values = [float(v) for v in range(low - 1, high + 2)]
        return values, [True] * len(values)
    values, exact = [root], [True]
    size = max(abs(root), 1e-3)
    for off in OFFSETS:
        values += [root - off * size, root + off * size]
        exact += [False, False]
    return values, exact


def find(expected: Node, answer: Node, domains: Mapping[str, str],
         base: Mapping[str, np.ndarray]) -> Breakpoints | None:
    """Breakpoints of both sides and points around them, along lines through (up to
    :data:`BASE_POINTS` of) the ``base`` points; None when neither side has any."""
    names = sorted(domains)
    args = arguments(expected, answer)
    if not args or not names:
        return None
    n_base = min(BASE_POINTS, next(iter(base.values())).size)
    rows: list[dict[str, float]] = []
    exact: list[bool] = []
    sure = True
    looked: list[str] = []
    from quizgen.maths.nodes import to_text

    for kind, arg in args:
        looked.append(f"{kind}: {to_text(arg)}")
        arg_names = sorted(free_symbols(arg))
        polys = _rational_pieces(arg, names)
        lines = []  # (base point, symbol) pairs
        for b in range(n_base):
            point = {n: float(base[n][b]) for n in names}
            if all(math.isfinite(v) for v in point.values()):
                lines += [(point, name) for name in arg_names]
        if polys is not None:
            found, known = [], {}
            for point, name in lines:  # the same roots for lines that differ only elsewhere
                key = (name, tuple(point[n] for n in arg_names if n != name))
                if key not in known:
                    known[key] = _rational_roots(polys, arg, point, names, name, kind, domains)
                found.append((point, name, known[key]))
        elif kind == "edge":
            continue  # where a non-rational argument ends its domain: left to the random points
        else:
            sure = False  # zeros between two grid points may be missed
            found = _scan(arg, lines, domains, kind)
        for point, name, roots in found:
            for root in roots:
                values, ex = _around(root, domains[name])
                ok = _in_domain(domains[name], np.asarray(values))
                for v, e, inside in zip(values, ex, ok):
                    if inside:
                        row = dict(point)
                        row[name] = v
                        rows.append(row)
                        exact.append(e)
        if len(rows) > MAX_POINTS:
            sure = sure and not is_piecewise(expected, answer)
            rows, exact = rows[:MAX_POINTS], exact[:MAX_POINTS]
            break
    if not rows:
        return Breakpoints({n: np.zeros(0) for n in names}, np.zeros(0, dtype=bool), sure, looked)
    unique: dict[tuple, bool] = {}
    for row, e in zip(rows, exact):  # one point once (lines through points equal on arg's symbols)
        key = tuple(row[n] for n in names)
        unique[key] = unique.get(key, False) or e
    env = {n: np.array([k[i] for k in unique]) for i, n in enumerate(names)}
    return Breakpoints(env, np.array(list(unique.values()), dtype=bool), sure, looked)


def _rational_pieces(arg: Node, names: list[str]) -> tuple[Poly, ...] | None:
    return _rational_pieces_of(arg, tuple(names))


@per_node()
def _rational_pieces_of(arg: Node, names: tuple[str, ...]) -> tuple[Poly, ...] | None:
    """Numerators and denominators whose zeros include every zero of ``arg``: of ``arg`` itself
    when it is rational, or of each of its branches when it is rational piece by piece
    (``1000 - abs(2x - 1000)``: 2x and 2000 - 2x); None otherwise."""
    variants = _unfold(arg)
    if variants is None:
        return None
    polys: list[Poly] = []
    try:
        for variant in variants:
            num, den = _rational(variant, names)
            polys += [num, den]
    except _NotRational:
        return None
    return tuple(polys)  # (cached: shared by every caller)


MAX_VARIANTS = 16
_BRANCHES = {"abs": lambda a: [a[0], Neg(a[0])], "max": list, "min": list,
             "sign": lambda a: [Num(1), Num(-1), Num(0)],
             "heaviside": lambda a: [Num(1), Num(0)]}


def _unfold(node: Node) -> list[Node] | None:
    """``node`` with every abs/max/min/sign/Heaviside replaced by each of its branches in turn
    (at most :data:`MAX_VARIANTS` versions); None when it has floor or ceil, or too many."""
    from quizgen.maths.nodes import children

    kids = children(node)
    if isinstance(node, Call) and node.fname in ("floor", "ceil"):
        return None
    if not isinstance(node, (Num, Sym, Const, Add, Mul, Div, Neg, Pow, Call)):
        return None  # a sum over data or a derivative: not here
    options = []
    for kid in kids:
        got = _unfold(kid)
        if got is None:
            return None
        options.append(got)
    rebuilt: list[Node] = [node] if not kids else []
    if kids:
        combos: list[list[Node]] = [[]]
        for opts in options:
            combos = [c + [o] for c in combos for o in opts]
            if len(combos) > MAX_VARIANTS:
                return None
        rebuilt = [_rebuild(node, combo) for combo in combos]
    if isinstance(node, Call) and node.fname in _BRANCHES:
        out = [b for r in rebuilt for b in _BRANCHES[node.fname](list(r.args))]  # type: ignore[union-attr]
        return out if len(out) <= MAX_VARIANTS else None
    return rebuilt


def _rebuild(node: Node, kids: list[Node]) -> Node:
    if isinstance(node, Add):
        return Add(tuple(kids))
    if isinstance(node, Mul):
        return Mul(tuple(kids))
    if isinstance(node, Div):
        return Div(kids[0], kids[1])
    if isinstance(node, Neg):
        return Neg(kids[0])
    if isinstance(node, Pow):
        return Pow(kids[0], kids[1])
    return Call(node.fname, tuple(kids))  # type: ignore[union-attr]


def _rational_roots(polys: tuple[Poly, ...], arg: Node, point: Mapping[str, float], names: list[str],
                    name: str, kind: str, domains: Mapping[str, str]) -> list[float]:
    """Zeros and poles of a rational argument along ``name`` through ``point``; for a jump
    (floor, ceil), where it crosses the integers around its value at ``point``."""
    j = names.index(name)
    targets = [0.0]
    if kind == "jump":
        g = _value_at(arg, point, domains)
        if math.isfinite(g):  # the jumps around the sampled value
            k = math.floor(g)
            targets = [float(k + d) for d in (-1, 0, 1, 2)]
    roots: list[float] = []
    pairs = list(zip(polys[::2], polys[1::2]))  # (numerator, denominator) of each piece

    def along(poly: Poly) -> list[float]:
        return _real_roots(_line_coefficients(poly, names, j, point))

    for t in targets:
        for num, den in pairs:
            if t == 0.0:  # zeros, and the poles between them
                roots += along(num) + along(den)
            else:  # num/den = t where num - t*den = 0 (den's poles are added once, below)
                roots += along(_padd(num, {m: -t * c for m, c in den.items()}))
    if 0.0 not in targets:
        for _, den in pairs:
            roots += along(den)
    return roots


def _value_at(node: Node, point: Mapping[str, float], domains: Mapping[str, str]) -> float:
    env = {n: np.array([v]) for n, v in point.items()}
    out = Evaluator(env, 1).run(node)
    return float(out.values[0]) if out.ok[0] else math.nan


def _scan(arg: Node, lines: list[tuple[dict[str, float], str]], domains: Mapping[str, str],
          kind: str) -> list[tuple[dict[str, float], str, list[float]]]:
    """Zeros (or, for a jump, integer crossings) of ``arg`` along each line (base point, symbol),
    found by sign changes on :data:`_GRID` and bisection, every line at once. Zeros between two
    grid points with no sign change between them are missed (the caller knows)."""
    if not lines:
        return []
    names = sorted(lines[0][0])
    grids = []
    for point, name in lines:
        if domains[name].endswith("integer"):
            grids.append(np.unique(np.round(_GRID)))
        else:
            grids.append(_GRID[_in_domain(domains[name], _GRID)])
    sizes = [g.size for g in grids]
    env = {n: np.concatenate([np.where(name == n, grid, point[n])
                              for (point, name), grid in zip(lines, grids)]) for n in names}
    values = Evaluator(env, sum(sizes)).run(arg)
    g = np.floor(values.values) if kind == "jump" else np.sign(values.values)
    ok = values.ok
    starts = np.cumsum([0] + sizes[:-1])
    brackets = []  # (line, lo, hi, value at lo, ok at lo)
    for li, (start, size) in enumerate(zip(starts, sizes)):
        sl = slice(start, start + size)
        gg, oo = g[sl], ok[sl]
        if kind == "jump":
            change = oo[:-1] & oo[1:] & (gg[:-1] != gg[1:])
        else:
            change = (oo[:-1] & oo[1:] & (gg[:-1] * gg[1:] < 0)) | (oo[:-1] != oo[1:])
        for i in np.flatnonzero(change):
            brackets.append((li, grids[li][i], grids[li][i + 1], gg[i], oo[i]))
    found: list[list[float]] = [[] for _ in lines]
    continuous = [b for b in brackets if not domains[lines[b[0]][1]].endswith("integer")]
    for b in brackets:
        if domains[lines[b[0]][1]].endswith("integer"):
            found[b[0]] += [float(b[1]), float(b[2])]
    if continuous:
        which = np.array([b[0] for b in continuous])
        lo = np.array([b[1] for b in continuous], dtype=float)
        hi = np.array([b[2] for b in continuous], dtype=float)
        g_lo = np.array([b[3] for b in continuous], dtype=float)
        ok_lo = np.array([b[4] for b in continuous], dtype=bool)
        for _ in range(_BISECTIONS):
            mid = (lo + hi) / 2
            env = {n: np.array([mid[k] if lines[w][1] == n else lines[w][0][n]
                                for k, w in enumerate(which)]) for n in names}
            m = Evaluator(env, mid.size).run(arg)
            gm = np.floor(m.values) if kind == "jump" else np.sign(m.values)
            same = (m.ok == ok_lo) & (gm == g_lo)
            lo = np.where(same, mid, lo)
            hi = np.where(same, hi, mid)
        for w, root in zip(which, (lo + hi) / 2):
            found[w].append(float(root))
    return [(point, name, roots) for (point, name), roots in zip(lines, found)]
