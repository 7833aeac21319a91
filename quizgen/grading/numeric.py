"""Numeric answers: exact forms (``log(2)``, ``3/8``, ``1e-3``, ``0,125``, ``ln 2``) are parsed by
the same safe parser with no symbols declared and evaluated with numpy; then compared with
relative, absolute and significant-figure tolerance (rules in docs/grading.md, "The answer key")."""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal

from quizgen.maths.evaluate import defined, evaluate
from quizgen.maths.limits import DEFAULT_LIMITS, Limits
from quizgen.maths.parse import Context, parse, remember_readings

_NO_SYMBOLS = Context(frozenset())


class NotANumber(ValueError):
    """The answer parsed but has no real, finite value (e.g. ``log(-1)``, ``1/0``)."""


def parse_number(text: str, limits: Limits = DEFAULT_LIMITS, ctx: Context = _NO_SYMBOLS) -> float:
    """The value of a numeric answer. Raises ParseError / LimitExceeded / NotANumber."""
    return read_number(text, limits, ctx)[0]


#: a plain decimal (``0.1234``, ``-2.5``, ``1.5e-3``): most numeric answers. Python reads it as
#: the parser does (the nearest double; no unit, no note, whatever the decimal-comma rule), so it
#: skips the parser; tests/grading/test_numeric_fast.py holds the two readings equal.
_PLAIN = re.compile(r"-?[0-9]{1,17}(?:\.[0-9]{1,17})?(?:[eE][-+]?[0-9]{1,2})?")


def read_number(text: str, limits: Limits = DEFAULT_LIMITS,
                ctx: Context = _NO_SYMBOLS) -> tuple[float, str | None, list[str]]:
    """(value, unit typed or None, notes) of a numeric answer. Raises ParseError (including
    :class:`~quizgen.maths.parse.AmbiguousReading`) / LimitExceeded / NotANumber."""
    if _PLAIN.fullmatch(text):
        return float(text) + 0.0, None, []  # (+ 0.0: -0 is 0, as the parser reads it)
    return parsed_number(text, limits, ctx)


@remember_readings(lambda read: (read[0], read[1], list(read[2])))
def parsed_number(text: str, limits: Limits = DEFAULT_LIMITS,
                  ctx: Context = _NO_SYMBOLS) -> tuple[float, str | None, list[str]]:
    """:func:`read_number` through the safe parser and the evaluator, for every text (a value
    read is remembered, as the parser remembers its readings: exact forms repeat in a class)."""
    result = parse(text, ctx, limits)
    values, scale = evaluate(result.node, {}, 1)
    if not bool(defined(values, scale)[0]):
        raise NotANumber("the answer does not have a real, finite value")
    return float(values.real[0]), result.unit, result.notes


def round_sig(value: float, sigfigs: int) -> float:
    """``value`` rounded to ``sigfigs`` significant figures as a person does it: on the decimal
    that ``value`` prints as (``repr``), half away from zero (0.125 -> 0.13, -0.125 -> -0.13),
    never on the binary float (where 0.125 would give 0.12)."""
    if value == 0 or not math.isfinite(value) or sigfigs >= 17:
        return value  # repr has at most 17 significant digits: rounding to 17 or more changes nothing
    exact = Decimal(repr(value))
    quantum = Decimal(1).scaleb(exact.adjusted() - sigfigs + 1)
    return float(exact.quantize(quantum, rounding=ROUND_HALF_UP))


def numbers_match(answer: float, value: float, rtol: float, atol: float,
                  sigfigs: int | None = None) -> bool:
    """True when ``|answer - value| <= max(atol, rtol*|value|)``, or, with ``sigfigs``, when both
    round to the same number at that many significant figures."""
    if abs(answer - value) <= max(atol, rtol * abs(value)):
        return True
    if sigfigs:
        # the same decimal gives the same float: equal, not close (a tolerance of 1e-12 made
        # different 13..16-figure roundings match)
        return round_sig(answer, sigfigs) == round_sig(value, sigfigs)
    return False
