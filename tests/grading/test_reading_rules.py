"""Issue 8 §2: answers read as students type them, or refused with a message saying how to
write them. Every row of the table "typed -> read as" of docs/typing-answers.md is a case here."""

from __future__ import annotations

import pytest

from quizgen.grading.item import compile_question
from quizgen.maths.nodes import to_text
from quizgen.maths.parse import AmbiguousReading, ParseError, make_context, parse

SYMS = ["x", "y", "z", "sigma", "p"]


def read(text: str, symbols=SYMS, decimal_comma=None) -> str:  # type: ignore[no-untyped-def]
    import dataclasses

    ctx = dataclasses.replace(make_context(symbols), decimal_comma=decimal_comma)
    return to_text(parse(text, ctx).node)


# The table of docs/typing-answers.md, verbatim: typed -> read as (canonical plain text).
TABLE = [
    ("6.931e-1", "0.6931"),
    ("6.931e−1", "0.6931"),
    ("6.931 e-1", "0.6931"),
    ("6.931×10^-1", "6.931*10**(-1)"),
    ("6.931·10⁻¹", "6.931*10**(-1)"),
    ("0,125", "0.125"),
    ("ln(2,5)", "log(2.5)"),
    ("(0,5)x", "0.5*x"),
    ("log(8, 2)", "log(8, 2)"),
    ("log(8; 2)", "log(8, 2)"),
    ("max(0,5)", "max(0, 5)"),
    ("½", "(1/2)"),
    ("¾x", "(3/4)*x"),
    ("0.69.", "0.69"),
    ("= 2x", "2*x"),
    ("answer: 2x", "2*x"),
    ("max(0, z)", "max(0, z)"),
    ("min(0, z)", "min(0, z)"),
    ("abs(z)", "abs(z)"),
    ("sign(z)", "sign(z)"),
    ("sgn(z)", "sign(z)"),
    ("Heaviside(z)", "heaviside(z)"),
    ("step(z)", "heaviside(z)"),
    ("0.5 ln 2π", "0.5*log(2*pi)"),
    ("ln 2πσ^2", "log(2*pi*sigma**2)"),
    ("sin x cos x", "sin(x)*cos(x)"),
    ("ln2", "log(2)"),
    ("arctan(x)", "atan(x)"),
    ("cosec(x)", "csc(x)"),
    ("binom(5, 2)", "binomial(5, 2)"),
    ("ceiling(x)", "ceil(x)"),
]


@pytest.mark.parametrize("typed, meaning", TABLE)
def test_typed_is_read_as(typed: str, meaning: str) -> None:
    assert read(typed) == meaning


def test_the_doc_table_matches_the_tests() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "docs" / "typing-answers.md").read_text(encoding="utf-8")
    section = readme.split("### Typed → read as", 1)[1].split("\n\n", 2)[1]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    assert len(rows) >= 20
    for typed, meaning in TABLE:
        assert f"`{typed}`" in section, typed


@pytest.mark.parametrize("typed, fragment", [
    ("x1 + x2", "unknown name 'x1'"),
    ("atan2(x)", "unknown function 'atan2'"),
    ("ln 2 (x+1)", "write parentheses"),
    ("2½", "mixed number"),
    ("log(2,5)", "ambiguous"),
    ("2,143", "ambiguous"),
    ("ln(2, 5)", "takes 1 argument"),
    ("max 0", "takes 2 arguments"),
])
def test_refused_with_a_message(typed: str, fragment: str) -> None:
    with pytest.raises(ParseError) as info:
        read(typed)
    assert fragment in info.value.message


def test_ambiguity_carries_both_readings() -> None:
    with pytest.raises(AmbiguousReading) as info:
        read("2,143")
    assert [text for _, text in info.value.readings] == ["2.143", "2143"]


def test_decimal_comma_setting_settles_it() -> None:
    assert read("2,143", decimal_comma=True) == "2.143"
    assert read("log(2,5)", decimal_comma=True) == "log(2.5)"
    assert read("log(8;2)", decimal_comma=True) == "log(8, 2)"
    assert read("2,143", decimal_comma=False) == "2143"
    assert read("1,234,567", decimal_comma=False) == "1234567"
    assert read("log(8,2)", decimal_comma=False) == "log(8, 2)"
    with pytest.raises(ParseError, match="decimal point"):
        read("0,5", decimal_comma=False)


def test_scientific_notation_needs_a_decimal_mantissa_after_a_space() -> None:
    # a space before e only makes an exponent after a decimal mantissa, never in a power
    assert read("2 e-1") == "2*E + (-1)"
    assert read("x^2.5 e-1") == "x**2.5*E + (-1)"
    assert read("2.5 e-1", ["x", "e"]) == "2.5*e + (-1)"


def test_equivalence_reads_undeclared_function_names_as_errors() -> None:
    from quizgen.maths.parse import parse_answer

    with pytest.raises(ParseError, match="unknown function 'foo'"):
        parse_answer("foo(1/2)", allow_unknown=True)
    assert to_text(parse_answer("f(x)", allow_unknown=True)) == "f*x"  # one letter: a product


def _numeric(value: float, **extra):  # type: ignore[no-untyped-def]
    answer = {"value": value, "rtol": 1e-3, "atol": 1e-9}
    answer.update(extra)
    return compile_question({"type": "numeric", "points": 1, "answer": answer})


def test_numeric_ambiguous_number_goes_to_review_with_both_readings() -> None:
    verdict = _numeric(2.143).grade("2,143")
    assert verdict.method == "needs_review" and verdict.detail["needs_review"] is True
    assert [r["text"] for r in verdict.detail["readings"]] == ["2.143", "2143"]
    assert [r["status"] for r in verdict.detail["readings"]] == ["correct", "incorrect"]
    assert "review" in verdict.message
    # both readings wrong: it is simply wrong
    assert _numeric(5.0).grade("2,143").status == "incorrect"
    # the key's setting settles it
    assert _numeric(2.143, decimal_comma=True).grade("2,143").status == "correct"
    assert _numeric(2143, decimal_comma=False).grade("2,143").status == "correct"


def test_numeric_units() -> None:
    nats = _numeric(0.6931, unit="nats")
    assert nats.grade("0.6931 nats").status == "correct"
    assert nats.grade("0.6931").status == "correct"
    wrong = nats.grade("1 bits")
    assert wrong.status == "incorrect" and "bits" in wrong.message and "nats" in wrong.message
    plain = _numeric(0.125)
    assert plain.grade("12.5%").status == "correct"  # 12.5% = 0.125
    refused = plain.grade("0.125 nats")
    assert refused.status == "rejected" and "without 'nats'" in refused.message
    percent = _numeric(12.5, unit="%")
    assert percent.grade("12.5 %").status == "correct"
    assert percent.grade("12.5").status == "correct"


def test_numeric_readings_of_scientific_notation() -> None:
    grader = _numeric(0.6931)
    for text in ["6.931e−1", "6.931 e-1", "6.931×10^-1", "6.931·10⁻¹", "= 0.6931", "0.6931."]:
        assert grader.grade(text).status == "correct", text


@pytest.mark.parametrize("value, sigfigs, typed, ok", [
    (0.125, 2, "0.13", True),   # rounded on the decimal, half away from zero
    (0.125, 2, "0.12", False),
    (-0.125, 2, "-0.13", True),
    (2.675, 3, "2.68", True),
    (2.675, 3, "2.67", False),
])
def test_sigfigs_round_like_a_person(value: float, sigfigs: int, typed: str, ok: bool) -> None:
    grader = _numeric(value, sigfigs=sigfigs)
    grader.rtol = 1e-6
    assert (grader.grade(typed).status == "correct") is ok


def test_symbolic_answer_with_a_unit_is_refused() -> None:
    grader = compile_question({"type": "symbolic", "points": 1,
                               "answer": {"expression": "x", "symbols": {"x": "real"}}})
    verdict = grader.grade("x nats")
    assert verdict.status == "rejected" and "without a unit" in verdict.message


def test_new_functions_evaluate() -> None:
    from quizgen.maths.equiv import check_equivalent
    from quizgen.maths.parse import parse_answer

    doms = {"z": "real", "n": "positive_integer"}
    pairs = [("max(0, z)", "(z + abs(z))/2", True), ("max(0, z)", "z", False),
             ("heaviside(z)", "(sign(z) + 1)/2", True), ("binomial(n, 2)", "n(n-1)/2", True)]
    for e, a, eq in pairs:
        r = check_equivalent(parse_answer(e, doms), parse_answer(a, doms), doms)
        assert r.equivalent is eq, (e, a, r.describe())


def test_constant_answer_with_variables_says_what_to_write() -> None:
    grader = compile_question({"type": "symbolic", "points": 1,
                               "answer": {"expression": "1", "symbols": {}}})
    verdict = grader.grade("sin(x)^2 + cos(x)^2")
    assert verdict.status == "rejected"
    assert "unknown name 'x'" in verdict.message and "write the number it equals" in verdict.message
    assert _numeric(1.0).grade("sin(x)^2+cos(x)^2").status == "rejected"
    from click.testing import CliRunner

    from quizgen.commands.equiv import command

    result = CliRunner().invoke(command, ["1", "sin(x)^2 + cos(x)^2", "--real", "x"])
    assert result.exit_code == 0, result.output
