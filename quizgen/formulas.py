"""Formulas as a sheet shows them and as key.json stores them.

A derived formula is printed ONCE per question, with a placeholder per parameter; each variant
only puts its numbers in (:func:`fill_latex`, :func:`fill_plain`). Printing SymPy per variant
would dominate the cost of a class set, and a worked solution should show the numbers plugged
into the formula anyway.
"""

from __future__ import annotations

import math
import re
from typing import Any, Mapping, Sequence

import sympy as sp
from sympy.printing.str import StrPrinter


def placeholder(i: int) -> str:
    """The stand-in printed for the i-th parameter (a name no formula uses)."""
    return f"QZ{i}QZ"


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


def fill_latex(template: str, shown: Sequence[str]) -> str:
    """Put a variant's numbers into a printed LaTeX form, with a dot where a number meets a factor."""
    for i, v in enumerate(shown):
        number = f"\\left({v}\\right)" if v.startswith("-") else v
        template = template.replace(placeholder(i), f"{_START}{number}{_END}")
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


def fmt_number(x: float, digits: int = 4) -> str:
    """``x`` to ``digits`` significant figures, without exponent notation for everyday sizes."""
    if x == 0:
        return "0"
    if 1e-4 <= abs(x) < 1e6:
        decimals = max(0, digits - 1 - math.floor(math.log10(abs(x))))
        text = f"{x:.{decimals}f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    return f"{x:.{digits - 1}e}"
