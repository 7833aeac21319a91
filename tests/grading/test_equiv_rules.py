"""Issue 11 §1: exact comparison, power rules within their domains, exact factorials, the new
functions, unknown function names in keys."""

from __future__ import annotations

import pytest

from quizgen.grading.item import compile_question
from quizgen.kernel.errors import QuizgenError
from quizgen.maths.equiv import check_equivalent
from quizgen.maths.parse import parse_answer

R = {"x": "real", "a": "real", "b": "real", "c": "real", "k": "real"}


def verdict(expected: str, answer: str, doms=R):  # type: ignore[no-untyped-def]
    return check_equivalent(parse_answer(expected, doms), parse_answer(answer, doms), doms)


@pytest.mark.parametrize("expected, answer", [
    ("1/3", "0.333333333333333"),
    ("x^2/3", "0.333333333333333*x^2"),
    ("99999998/99999999", "99999999/10^8"),
    ("x", "x + 10^-10"),
    ("1/5.1", "0.196078431372549"),
    ("log(2)", "0.6931471806"),
])
def test_exact_sides_are_compared_exactly(expected: str, answer: str) -> None:
    result = verdict(expected, answer)
    assert result.status == "different", result.describe()
    assert "close but not equal (rounded?)" in result.describe()


def test_rounded_answer_feedback_says_rounded() -> None:
    grader = compile_question({"type": "symbolic", "points": 1,  # make --exact-constants
                               "answer": {"expression": "x/3", "symbols": {"x": "real"},
                                          "exact_constants": True}})
    v = grader.grade("0.333333333333333x")
    assert v.status == "incorrect" and "close but not equal (rounded?)" in v.message


@pytest.mark.parametrize("expected, answer, equivalent", [
    ("a^(b*c)", "(a^b)^c", False),            # a = -1, b = 2, c = 1/2
    ("6*(x-2)^(3*k)", "6*((x-2)^3)^k", False),  # k = 1/3, x < 2: one side is not real
    ("x^(2*k)", "(x^2)^k", False),
    ("floor(x)", "ceil(x) - 1", False),         # integers
    ("x + 1", "(x^2 - 1)/(x - 1)", True),       # a removable point is not a difference
    ("abs(x)", "sqrt(x^2)", True),
    ("x", "sqrt(x^2)", False),
])
def test_power_rules_only_within_their_domains(expected: str, answer: str,
                                               equivalent: bool) -> None:
    assert verdict(expected, answer).equivalent is equivalent


def test_power_rules_hold_for_integer_exponents() -> None:
    doms = {"x": "real", "k": "integer"}
    assert verdict("6*(x-2)^(3*k)", "6*((x-2)^3)^k", doms).equivalent
    assert verdict("x^(2*k)", "(x^2)^k", doms).equivalent
    pos = {"a": "positive", "b": "real", "c": "real"}
    assert verdict("a^(b*c)", "(a^b)^c", pos).equivalent


def test_factorials_stay_exact() -> None:
    result = verdict("7/22", "175!*56!/(55!*176!)", {})
    assert result.equivalent, result.describe()
    assert not verdict("7/23", "175!*56!/(55!*176!)", {}).equivalent
    assert verdict("x", "x*e^800*e^-800", {"x": "real"}).equivalent


@pytest.mark.parametrize("expected, answer", [
    ("atan(x)", "arctan(x)"), ("asin(x/2)", "arcsin(x/2)"), ("acos(1/2)", "pi/3"),
    ("sec(x)", "1/cos(x)"), ("csc(x)", "1/sin(x)"), ("cosec(x)", "csc(x)"),
    ("cot(x)", "cos(x)/sin(x)"), ("signum(x)", "sign(x)"), ("binomial(5, 2)", "10"),
    ("floor(2.5)", "2"), ("ceil(2.5)", "3"), ("asinh(x)", "log(x + sqrt(x^2 + 1))"),
    ("sech(x)", "1/cosh(x)"), ("atan(1/2)", "pi/2 - atan(2)"),
])
def test_new_functions(expected: str, answer: str) -> None:
    assert verdict(expected, answer).equivalent


def test_unknown_function_in_a_key_is_an_error_naming_it() -> None:
    with pytest.raises(QuizgenError, match="unknown function 'arctan2'"):
        compile_question({"type": "symbolic", "points": 1,
                          "answer": {"expression": "arctan2(x)", "symbols": {"x": "real"}}})
    from click.testing import CliRunner

    from quizgen.commands.equiv import command

    result = CliRunner().invoke(command, ["foo(1/2)", "1"])
    assert result.exit_code == 2 and "unknown function 'foo'" in result.output
