"""Numeric answers: exact forms (``log(2)``, ``3/8``, ``1e-3``, ``0,125``, ``ln 2``) are parsed by
the same safe parser with no symbols declared and evaluated with numpy; then compared with
relative, absolute and significant-figure tolerance (rules in the README, "The answer key")."""

from __future__ import annotations

import math

import numpy as np

from quizgen.grading.evaluate import defined, evaluate
from quizgen.grading.limits import DEFAULT_LIMITS, Limits
from quizgen.grading.parse import Context, parse

_NO_SYMBOLS = Context(frozenset())


class NotANumber(ValueError):
    """The answer parsed but has no real, finite value (e.g. ``log(-1)``, ``1/0``)."""


def parse_number(text: str, limits: Limits = DEFAULT_LIMITS) -> float:
    """The value of a numeric answer. Raises ParseError / LimitExceeded / NotANumber."""
    node = parse(text, _NO_SYMBOLS, limits).node
    values, scale = evaluate(node, {}, 1)
    if not bool(defined(values, scale)[0]):
        raise NotANumber("the answer does not have a real, finite value")
    return float(values.real[0])


def round_sig(value: float, sigfigs: int) -> float:
    """``value`` rounded to ``sigfigs`` significant figures."""
    if value == 0 or not math.isfinite(value):
        return value
    digits = sigfigs - 1 - math.floor(math.log10(abs(value)))
    return round(value, digits)


def numbers_match(answer: float, value: float, rtol: float, atol: float,
                  sigfigs: int | None = None) -> bool:
    """True when ``|answer - value| <= max(atol, rtol*|value|)``, or, with ``sigfigs``, when both
    round to the same number at that many significant figures."""
    if abs(answer - value) <= max(atol, rtol * abs(value)):
        return True
    if sigfigs:
        a, v = round_sig(answer, sigfigs), round_sig(value, sigfigs)
        return bool(np.isclose(a, v, rtol=1e-12, atol=0.0))
    return False
