"""Formulas as a sheet shows them and as key.json stores them.

A derived formula is printed ONCE per question, with a placeholder per parameter; each variant
only puts its numbers in (:func:`fill_latex`, :func:`fill_plain`). Printing SymPy per variant
would dominate the cost of a class set, and a worked solution should show the numbers plugged
into the formula anyway.
"""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction
from typing import Any, Mapping, Sequence

import sympy as sp
from sympy.printing.str import StrPrinter

from quizgen.generation.numbers import fmt_number  # noqa: F401 - here too, where formulas are shown


def placeholder(i: int) -> str:
    """The stand-in printed for the i-th parameter (a name no formula uses)."""
    return f"QZ{i:03d}QZ"


class PlainPrinter(StrPrinter):
    """SymPy's plain syntax, in SymPy's own term order, with parameters printed as placeholders."""

    def __init__(self, names: Mapping[sp.Symbol, str]):
        super().__init__({"order": "none"})
        self._names = names

    def _print_Symbol(self, expr: sp.Symbol) -> str:
        return self._names.get(expr) or super()._print_Symbol(expr)


# Substituted numbers are marked while filling so that a multiplication dot is added only where a
# number now stands next to another factor ("2 \\cdot 2.5", "\\frac{1}{2} \\cdot 2.5"), never elsewhere.
_START, _END = "\x00", "\x01"
_DOT_BEFORE = re.compile(r"(?<=[\w})])\s+(?=\x00)")
_DOT_AFTER = re.compile(r"\x01\s+(?=\d|\x00|\\frac|\\sqrt)")
_BIG_OPERATOR = re.compile(r"\\(sum|prod)_\{[^{}]*\}(\^\{[^{}]*\})?$")


def _dot_before(m: re.Match) -> str:
    return m.group(0) if _BIG_OPERATOR.search(m.string, 0, m.start()) else " \\cdot "


_PLACEHOLDER = re.compile(r"QZ(\d+)QZ")


def fill_latex(template: str, shown: Sequence[str]) -> str:
    """Put a variant's numbers into a printed LaTeX form, as a person writes them.

    A negative number merges with the sign before it (``x + (-3)`` is written ``x - 3``, ``x - (-3)``
    is ``x + 3``), stands bare where nothing binds to it (at the start, after ``{`` or ``(``), and is
    bracketed only where it must be (before a power, after a factor). A multiplication dot is added
    where a number meets another factor (``2 \\cdot 2.5``), never elsewhere.
    """
    out: list[str] = []
    pos = 0
    for m in _PLACEHOLDER.finditer(template):
        out.append(template[pos:m.start()])
        pos = m.end()
        v = shown[int(m.group(1))]
        if v.startswith("-"):
            before = "".join(out).rstrip()
            if template.startswith("^", pos):  # a power binds tighter than the sign
                v = f"\\left({v}\\right)"
            elif before.endswith(("+", "-")):  # merge the signs: x + (-3) = x - 3, x - (-3) = x + 3
                head = before[:-1].rstrip()
                unary = head == "" or head.endswith(("{", "(", "="))
                if before.endswith("+"):
                    out = [f"{head} - " if head else "-"]
                else:
                    out = [head + (" " if head.endswith("=") else "")] if unary else [f"{head} + "]
                v = v[1:]
            elif not (before == "" or before.endswith(("{", "(", "="))):  # after a factor: bracket it
                v = f"\\left({v}\\right)"
        out.append(f"{_START}{v}{_END}")
    out.append(template[pos:])
    template = "".join(out)
    template = _DOT_BEFORE.sub(_dot_before, template)
    template = _DOT_AFTER.sub(_END + r" \\cdot ", template)
    return template.replace(_START, "").replace(_END, "")


def fill_plain(template: str, exact: Sequence[str]) -> str:
    """Put a variant's exact numbers (as integers or fractions) into a printed plain form."""
    for i, v in enumerate(exact):
        template = template.replace(placeholder(i), v if v.isdigit() else f"({v})")
    return template


def plain(expr: Any) -> str:
    """An expression in the plain syntax of key.json (SymPy's own term order, no costly sort)."""
    return sp.sstr(expr, order="none")


def fmt_exact(value: Fraction) -> str:
    """An exact number as a person writes it: a terminating decimal in full (0.85), else a fraction (1/3)."""
    den = value.denominator
    while den % 2 == 0:
        den //= 2
    while den % 5 == 0:
        den //= 5
    if den == 1:
        text = format(Decimal(value.numerator) / Decimal(value.denominator), "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    sign = "-" if value < 0 else ""
    return f"{sign}\\frac{{{abs(value.numerator)}}}{{{value.denominator}}}"


# ---------------------------------------------------------------- a person's form of a formula
def _linear_in(term: sp.Expr, params: frozenset) -> bool:
    """A number, a parameter, or a number times a parameter: what a person adds up in their head."""
    if term.is_Number:
        return True
    if term in params:
        return True
    return bool(term.is_Mul and len(term.args) == 2 and term.args[0].is_Number and term.args[1] in params)


class Computed:
    """Sums of numbers in a formula, replaced by stand-ins whose exact values each variant computes."""

    def __init__(self, params: Sequence[sp.Symbol], rows: Mapping[int, int] | None = None):
        self.params = tuple(params)
        self._set = frozenset(params)
        self._rows = dict(rows or {})  # parameter index -> its row in a data table (cells only)
        self.sums: list[tuple[Fraction, tuple[tuple[int, Fraction], ...]]] = []  # (constant, ((param index, coeff), ...))
        self._symbols: dict[sp.Expr, sp.Symbol] = {}

    def stand_in(self, total: sp.Expr) -> sp.Symbol:
        sym = self._symbols.get(total)
        if sym is None:
            coeffs = total.as_coefficients_dict()
            const = Fraction(str(coeffs.get(sp.Integer(1), 0)))
            index = {p: i for i, p in enumerate(self.params)}
            terms = tuple((index[p], Fraction(str(c))) for p, c in coeffs.items() if p in index)
            sym = self._symbols[total] = sp.Symbol(placeholder(len(self.params) + len(self.sums)))
            self.sums.append((const, terms))
        return sym

    def values(self, exact: Sequence[Fraction]) -> list[str]:
        """The stand-ins' values for one variant (its parameters as exact fractions), as shown."""
        return [fmt_exact(c + sum((k * exact[i] for i, k in terms), Fraction(0))) for c, terms in self.sums]

    def _weights(self, term: Any) -> dict[int, Any]:
        """How strongly a term of a sum belongs to each data-table row: the largest coefficient of that
        row's cells in the sums of cells inside it (y_3 in y_3 - (y_1 + ... + y_5)/5), else 0 for each
        row it uses at all."""
        rows = {p: self._rows[i] for i, p in enumerate(self.params) if i in self._rows}
        weights: dict[int, Any] = {rows[p]: 0 for p in getattr(term, "free_symbols", ()) if p in rows}
        for sub in sp.preorder_traversal(term):
            if isinstance(sub, sp.Add) and all(_linear_in(a, self._set) for a in sub.args):
                for p, c in sub.as_coefficients_dict().items():
                    if p in rows:
                        weights[rows[p]] = max(weights[rows[p]], abs(c))
        return weights

    def _data_order(self, terms: tuple[Any, ...]) -> list[int] | None:
        """The terms' positions in the order of the data rows they belong to, when each belongs to a row of
        its own (a sum over the examples); rows go to the terms that hold them most strongly first."""
        weights = [self._weights(t) for t in terms]
        if not all(weights):
            return None
        claims = sorted(((w, -r, k) for k, ws in enumerate(weights) for r, w in ws.items()), reverse=True)
        row_of: dict[int, int] = {}
        for _, r, k in claims:
            if k not in row_of and -r not in row_of.values():
                row_of[k] = -r
        if len(row_of) != len(terms):
            return None
        return sorted(range(len(terms)), key=lambda k: row_of[k])

    def collapse(self, expr: Any) -> Any:
        """Replace every sum of plain numbers, and every number times a parameter, by a stand-in for its value."""
        if not isinstance(expr, sp.Basic) or expr.is_Atom:
            return expr
        if isinstance(expr, sp.Mul) and len(expr.args) == 2 and expr.args[0].is_Number and expr.args[0] not in (1, -1) \
                and expr.args[1] in self._set:
            return self.stand_in(expr)  # k/10 shows as 0.7
        if isinstance(expr, sp.Add):
            pure = [a for a in expr.args if _linear_in(a, self._set)]
            if len(pure) >= 2 and any(a.free_symbols for a in pure):
                rest = [self.collapse(a) for a in expr.args if not _linear_in(a, self._set)]
                if not rest:
                    return self.stand_in(sp.Add(*pure))
                return sp.Add(*rest, self.stand_in(sp.Add(*pure)), evaluate=False)  # the number last: q - 0.85
        order = self._data_order(expr.args) if isinstance(expr, sp.Add) and self._rows else None
        if order is not None:  # one term per row of the data (a sum over the examples): in the data's order
            args = tuple(self.collapse(expr.args[k]) for k in order)
        else:
            args = tuple(self.collapse(a) for a in expr.args)
        if args == expr.args:
            return expr
        try:
            return expr.func(*args, evaluate=False) if isinstance(expr, (sp.Add, sp.Mul, sp.Pow)) else expr.func(*args)
        except Exception:  # a class that cannot be rebuilt from its args: leave it as it was
            return expr


def _negatives(add: sp.Expr) -> int:
    return sum(1 for t in add.args if t.could_extract_minus_sign())


def _ordered_add(terms: Sequence[sp.Expr]) -> sp.Expr:
    """A sum that starts with a positive term when it has one (q - p, not -p + q); otherwise SymPy's order."""
    terms = list(terms)
    first = next((i for i, t in enumerate(terms) if not t.could_extract_minus_sign()), None)
    if first:
        terms.insert(0, terms.pop(first))
    return sp.Add(*terms, evaluate=False)


def _negated(add: sp.Expr) -> sp.Expr:
    return _ordered_add([-t for t in add.args])


def _flip_wins(add: sp.Expr) -> bool:
    """Is -add the nicer way to write this factor (1 - q rather than -1 + q)?"""
    mine, theirs = _negatives(add), len(add.args) - _negatives(add)
    if theirs != mine:
        return theirs < mine
    return any(t.is_Number and t < 0 for t in add.args)


def _sum_power(f: sp.Expr) -> tuple[sp.Expr | None, int]:
    """(the sum, its integer power) for a factor that is a sum or an integer power of one; else (None, 0)."""
    if isinstance(f, sp.Add):
        return f, 1
    if isinstance(f, sp.Pow) and isinstance(f.base, sp.Add) and f.exp.is_Integer:
        return f.base, int(f.exp)
    return None, 0


def _with_base(base: sp.Expr, power: int) -> sp.Expr:
    return base if power == 1 else sp.Pow(base, power, evaluate=False)


def _symmetric(add: sp.Expr) -> bool:
    """A sum without a number whose terms split evenly by sign: x - y reads as well as y - x."""
    return not any(t.is_Number for t in add.args) and 2 * _negatives(add) == len(add.args)


def person_order(expr: Any) -> Any:
    """The same expression arranged as a person writes it: q(1 - q) for -q(-1 + q), (q - p)/2 for -(p - q)/2.

    Factors that are sums are negated where that reads better, the signs cancelled against the
    coefficient, and every sum starts with a positive term. The result is unevaluated (SymPy would
    put its own order back) and equal to ``expr``.
    """
    if not isinstance(expr, sp.Basic) or expr.is_Atom:
        return expr
    args = [person_order(a) for a in expr.args]
    if isinstance(expr, sp.Add):
        return _ordered_add(args)
    if isinstance(expr, sp.Mul):
        coeff = sp.Integer(1)
        factors = []
        for a in args:
            if a.is_Number:
                coeff *= a
            else:
                factors.append(a)
        for i, f in enumerate(factors):
            base, power = _sum_power(f)
            if base is not None and _flip_wins(base):
                factors[i] = _with_base(_negated(base), power)
                coeff *= sp.Integer(-1) ** power
        if coeff < 0:  # cancel the minus against a sum that reads as well either way (y - x for x - y)
            for i, f in enumerate(factors):
                base, power = _sum_power(f)
                if base is not None and power % 2 and _symmetric(base):
                    factors[i] = _with_base(_negated(base), power)
                    coeff = -coeff
                    break
        if coeff == 1 and len(factors) == 1:
            return factors[0]
        return sp.Mul(*([coeff] if coeff != 1 else []), *factors, evaluate=False)
    if isinstance(expr, sp.Pow):
        base, power = _sum_power(sp.Pow(*args, evaluate=False))
        if base is not None and power % 2 == 0 and _flip_wins(base):
            return _with_base(_negated(base), power)
    if tuple(args) == expr.args:
        return expr
    try:
        return expr.func(*args, evaluate=False)
    except TypeError:
        return expr.func(*args)
