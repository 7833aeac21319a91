"""``quizgen.grading.show``: how an answer was read, as Unicode, LaTeX and MathML."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from quizgen.grading import Reading, show

GAUSS = {"y": "real", "y_hat": "real", "sigma": "positive"}


def test_show_reads_like_the_grader() -> None:
    r = show("(y-ŷ)²/(2σ²) + ln σ + 1/2 ln(2π)", GAUSS)
    assert isinstance(r, Reading) and r.ok and r.error is None
    assert r.unicode == "(y − ŷ)²/(2σ²) + ln(σ) + (1/2)ln(2π)"
    assert r.plain == "(y - y_hat)**2/(2*sigma**2) + log(sigma) + 1/2*log(2*pi)"
    assert "\\frac{(y - \\hat{y})^{2}}{2 \\sigma^{2}}" in r.latex  # plain parentheses around a line (issue 20)
    root = ET.fromstring(r.mathml)
    assert root.tag.endswith("math")


def test_show_makes_the_division_rule_visible() -> None:
    r = show("a/bc", ["a", "b", "c"])
    assert r.unicode == "(a/b)c"
    assert r.notes and "a/(bc)" in r.notes[0]


@pytest.mark.parametrize("text, unicode", [
    ("x^-2", "x⁻²"),
    ("-x^2", "−x²"),
    ("2x sin(x)", "2x·sin(x)"),
    ("|x| + sqrt(x)", "|x| + √(x)"),
    ("x_1 + 3!", "x₁ + 3!"),
    ("1e-5 x", "10⁻⁵x"),
    ("log(8, 2)", "log_2(8)"),
])
def test_show_unicode_forms(text: str, unicode: str) -> None:
    assert show(text, ["x", "x_1"]).unicode == unicode


def test_show_never_raises() -> None:
    r = show("((y", GAUSS)
    assert not r.ok and "missing ')'" in (r.error or "") and r.unicode == ""
    r = show("9^9^9^9", GAUSS)
    assert not r.ok and "too large" in (r.error or "")
    r = show("z", GAUSS)
    assert not r.ok and "unknown name 'z'" in (r.error or "")
