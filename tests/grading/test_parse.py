"""The safe parser: what people type, plain, Unicode and LaTeX."""

from __future__ import annotations

import pytest

from quizgen.maths.limits import LimitExceeded
from quizgen.maths.nodes import to_text
from quizgen.maths.parse import ParseError, parse_answer

SYMS = {"y": "real", "y_hat": "real", "sigma": "positive", "x": "real", "z": "real",
        "a": "real", "b": "real", "x_i": "real", "theta": "real", "lam": "positive"}


@pytest.mark.parametrize("text, expected", [
    ("2x", "2*x"),
    ("2 sigma", "2*sigma"),
    ("(a+b)(a-b)", "(a + b)*(a - b)"),
    ("x(1-x)", "x*(1 - x)"),
    ("x^2", "x**2"),
    ("x**2", "x**2"),
    ("x²", "x**2"),
    ("yhat", "y_hat"),
    ("y_hat", "y_hat"),
    ("ŷ", "y_hat"),
    ("y\u0302", "y_hat"),
    ("\\hat{y}", "y_hat"),
    ("\\hat y", "y_hat"),
    ("x_{i}", "x_i"),
    ("x_i", "x_i"),
    ("θ", "theta"),
    ("\\theta", "theta"),
    ("λ", "lam"),
    ("lambda", "lam"),
    ("xy", "x*y"),
    ("e^{-z}", "E**(-z)"),
    ("\\mathrm{e}^{z}", "E**z"),
    ("0,125", "0.125"),
    ("log(8, 2)", "log(8, 2)"),
    ("ln 2", "log(2)"),
    ("\\ln\\sigma", "log(sigma)"),
    ("2·x×3", "2*x*3"),
    ("2\\cdot x \\times 3", "2*x*3"),
    ("a − b", "a - b"),
    ("|x|", "abs(x)"),
    ("Abs(x)", "abs(x)"),
    ("\\sqrt{x}", "sqrt(x)"),
    ("\\sqrt[3]{x}", "x**(1/3)"),
    ("\\frac{a}{b}", "a/b"),
    ("\\frac12", "1/2"),
    ("\\left(y-\\hat y\\right)^2", "(y - y_hat)**2"),
    ("log_2(x)", "log2(x)"),
    ("\\log_2 x", "log2(x)"),
    ("sigmoid(z)", "sigmoid(z)"),
    ("softplus(z)", "softplus(z)"),
    ("-x^2", "-x**2"),
    ("2^-1", "2**(-1)"),
    ("a^b^2", "a**b**2"),
    ("1e-3", "0.001"),
    ("pi", "pi"),
    ("π", "pi"),
    ("\\pi", "pi"),
])
def test_accepted_syntax(text: str, expected: str) -> None:
    assert to_text(parse_answer(text, SYMS)) == expected


def test_sigma_call_is_sigmoid_unless_declared() -> None:
    assert to_text(parse_answer("σ(z)(1−σ(z))", ["z"])) == "sigmoid(z)*(1 - sigmoid(z))"
    assert to_text(parse_answer("\\sigma(z)", ["z"])) == "sigmoid(z)"
    assert to_text(parse_answer("σ(z)", ["z", "sigma"])) == "sigma*z"
    assert to_text(parse_answer("sigmoid(z)", ["z", "sigma"])) == "sigmoid(z)"


def test_function_names_never_split() -> None:
    assert to_text(parse_answer("sigmoid(x)", ["s", "i", "g", "m", "o", "d", "x"])) \
        == "sigmoid(x)"
    assert to_text(parse_answer("exp(x)", ["e", "x", "p"])) == "exp(x)"


def test_sympy_str_output_round_trips() -> None:
    for text in ["(y - y_hat)**2/(2*sigma**2) + log(sigma) + log(2*pi)/2",
                 "-y*log(y_hat) - (1 - y)*log(1 - y_hat)", "sqrt(2)*exp(-x**2/2)/(2*sqrt(pi))",
                 "Abs(x) + E**x + 1/2 + 0.5*x", "log(2*pi)"]:
        node = parse_answer(text, SYMS)
        assert parse_answer(to_text(node), SYMS) == node


@pytest.mark.parametrize("text, fragment", [
    ("z2 + q", "unknown name 'z2'"),
    ("w", "unknown name 'w'; this question uses"),
    ("(x", "missing ')'"),
    ("x)", "unmatched ')'"),
    ("x +", "ends too early"),
    ("1,000", "ambiguous"),
    ("log(8,2)", "ambiguous"),
    ("2*(0,5) + (1,5", "missing ')'"),
    ("\\input{/etc/passwd}", "\\input is not supported"),
    ("y = x", "without '='"),
    ("x.y", "unexpected"),
])
def test_parse_errors_say_where(text: str, fragment: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_answer(text, SYMS)
    assert fragment in info.value.message
    assert "column" in info.value.message and "^" in info.value.message


@pytest.mark.parametrize("text", ["9**9**9**9", "2**10**10", "factorial(10**8)",
                                  "(" * 10000 + "x" + ")" * 10000, "x" * 3000,
                                  "1" * 200, "x**(10**9)", "1e99999"])
def test_limits(text: str) -> None:
    with pytest.raises(LimitExceeded):
        parse_answer(text, SYMS)


def test_allow_unknown_takes_names_whole() -> None:
    assert to_text(parse_answer("mu + sigma*k2", allow_unknown=True)) == "mu + sigma*k2"
    assert to_text(parse_answer("sigma(z)", allow_unknown=True)) == "sigmoid(z)"


def test_glued_names_are_split_into_declared_pieces() -> None:
    assert to_text(parse_answer("plogp", ["p"])) == "p*log(p)"
    assert to_text(parse_answer("yy_hat", ["y", "y_hat"])) == "y*y_hat"
    assert to_text(parse_answer("x_1 + x_{2}", ["x1", "x2"])) == "x1 + x2"


def test_ambiguous_division_gets_a_note() -> None:
    from quizgen.maths.parse import make_context, parse

    result = parse("1/2x", make_context(["x"]))
    assert to_text(result.node) == "1/2*x"
    assert result.notes and "(a/b)" in result.notes[0]
    assert result.symbols == frozenset({"x"})


def test_importing_the_parser_is_light() -> None:
    import subprocess
    import sys

    code = ("import sys, quizgen.grading, quizgen.maths.parse; "
            "print('sympy' in sys.modules, 'numpy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=__file__.rsplit("/tests/", 1)[0], timeout=60)
    assert out.stdout.split() == ["False", "False"], out.stderr


def test_caret_display_is_one_line_when_the_answer_has_newlines_or_tabs() -> None:
    from quizgen.maths.parse import ParseError, parse_answer

    with pytest.raises(ParseError) as info:
        parse_answer("(y\n\t<b>", ["y"])
    lines = info.value.message.splitlines()
    assert lines[1:] == ["  (y  <b>", "      ^"]
