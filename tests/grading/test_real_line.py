"""Issue 19: real arithmetic at every step, the whole real line, breakpoints, domains compared,
and what decided each verdict."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from quizgen.commands.equiv import command
from quizgen.maths.equiv import check_equivalent
from quizgen.maths.evaluate import evaluate_sample, mp_evaluate
from quizgen.grading.item import compile_question
from quizgen.maths.parse import parse_answer

ROOT = Path(__file__).resolve().parents[2]
X = {"x": "real"}
XP = {"x": "positive"}


def verdict(expected: str, answer: str, doms=X, **kw):  # type: ignore[no-untyped-def]
    return check_equivalent(parse_answer(expected, doms), parse_answer(answer, doms), doms, **kw)


def equiv(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(command, list(args))


# ------------------------------------------------ 1. non-real intermediate values that cancel

CANCELLING = [
    # (expected, answer, domains, the part with no real value, a test of the counterexample)
    ("log(y/z)", "log(y) - log(z)", {"y": "real", "z": "real"}, ("ln(y)", "ln(z)"),
     lambda p: p["y"] < 0 and p["z"] < 0),
    ("sqrt(x/y)", "sqrt(x)/sqrt(y)", {"x": "real", "y": "real"}, ("√(x)", "√(y)"),
     lambda p: p["x"] <= 0 and p["y"] < 0),
    ("x", "exp(log(x))", X, ("ln(x)",), lambda p: p["x"] < 0),
    ("x", "sqrt(x)*sqrt(x)", X, ("√(x)",), lambda p: p["x"] < 0),
    ("x", "(x^(1/3))^3", X, ("x^(1/3)",), lambda p: p["x"] < 0),
    ("1", "sqrt(x)/sqrt(x)", X, ("√(x)",), lambda p: p["x"] < 0),
]


@pytest.mark.parametrize("expected, answer, doms, parts, where", CANCELLING)
def test_a_non_real_step_is_a_difference_of_domains(expected, answer, doms, parts, where) -> None:  # type: ignore[no-untyped-def]
    result = verdict(expected, answer, doms)
    assert (result.status, result.method) == ("different", "sampled"), result.describe()
    assert result.domain and not result.undefined_everywhere
    assert result.counterexample["answer"] == "undefined"
    assert where(result.counterexample["point"]), result.counterexample
    assert result.undefined_part in parts, result.undefined_part
    assert "has no real value there" in result.describe()
    assert result.detail()["answer_undefined"] == result.undefined_part


@pytest.mark.parametrize("expected, answer, doms, parts, where", CANCELLING)
def test_their_declared_positive_twins_are_equivalent(expected, answer, doms, parts, where) -> None:  # type: ignore[no-untyped-def]
    positive = {name: "positive" for name in doms}
    result = verdict(expected, answer, positive)
    assert (result.status, result.method) == ("equivalent", "sampled"), result.describe()
    assert result.n_points >= 8


def test_the_command_line_names_where_and_what() -> None:
    result = equiv("log(y/z)", "log(y) - log(z)", "--real", "y,z")
    assert result.exit_code == 1
    assert "not equivalent (the answer is undefined at point {y=-" in result.output
    assert "has no real value there), where the expected expression is defined" in result.output
    assert "check the domains of log, sqrt and powers" in result.output
    assert equiv("log(y/z)", "log(y) - log(z)", "--positive", "y,z").exit_code == 0


def test_the_grader_reports_the_domain_in_its_feedback() -> None:
    grader = compile_question({"type": "symbolic", "points": 1,
                               "answer": {"expression": "x", "symbols": {"x": "real"}}})
    v = grader.grade("sqrt(x)^2")
    assert (v.status, v.method) == ("incorrect", "sampled")
    assert "It is undefined at x=-" in v.message and "(√(x) has no real value there)" in v.message
    assert v.detail["answer_undefined"] == "√(x)"


def test_an_answer_defined_more_widely_is_fine() -> None:
    # the expected value has no real value for x < 0: those points are not compared
    assert verdict("exp(log(x))", "x").equivalent
    assert verdict("log(y) - log(z)", "log(y/z)", {"y": "real", "z": "real"}).equivalent


# ------------------------------------------------------- 2. differences outside a small box

FAR_APART = [
    ("abs(x-20)", "20-x", lambda x: x > 20),
    ("max(x, 15)", "15", lambda x: x > 15),
    ("abs(x+1000)-1000", "abs(x+1001)-1001", lambda x: x < -1000),
    ("min(x, 10^6)", "x", lambda x: x > 1e6),
    ("x", "x + heaviside(x - 10^9)", lambda x: x >= 1e9),
    ("abs(x*y - 1000)", "x*y - 1000", None),
]


@pytest.mark.parametrize("expected, answer, where", FAR_APART)
def test_a_far_difference_is_seen(expected: str, answer: str, where) -> None:  # type: ignore[no-untyped-def]
    doms = {"x": "real", "y": "real"} if "y" in expected else X
    result = verdict(expected, answer, doms)
    assert (result.status, result.method) == ("different", "sampled"), result.describe()
    if where is not None:
        assert where(result.counterexample["point"]["x"]), result.counterexample
    e, a = result.counterexample["expected"], result.counterexample["answer"]
    assert e != a


@pytest.mark.parametrize("expected, answer, point", [
    ("heaviside(x - 1000)", "max(0, sign(x - 1000))", 1000.0),   # only at x = 1000: 1/2 vs 0
    ("x", "x + max(0, 1 - 10^7*abs(x - 12345.678))", 12345.678),  # a tent 2e-7 wide
    ("heaviside(x^2 - 2)", "max(0, sign(x^2 - 2))", math.sqrt(2)),
])
def test_a_difference_at_a_breakpoint_is_found_there(expected, answer, point) -> None:  # type: ignore[no-untyped-def]
    result = verdict(expected, answer)
    assert result.status == "different", result.describe()
    assert abs(abs(result.counterexample["point"]["x"]) - point) <= 1e-9 * point
    assert result.special_points > 0


@pytest.mark.parametrize("expected, answer", [
    ("heaviside(x - 1000)", "(1 + sign(x - 1000))/2"),
    ("abs(x) + abs(x - 1000)", "max(1000, abs(2x - 1000))"),   # nested kinks, rational pieces
    ("max(0, x - 1000) - max(0, x - 1001)", "min(1, max(0, x - 1000))"),
    ("sign(x^2 - 2)", "2*heaviside(x^2 - 2) - 1"),
    ("max(x, y + 1000)", "(x + y + 1000 + abs(x - y - 1000))/2"),
])
def test_piecewise_identities_are_decided_with_every_breakpoint_located(expected, answer) -> None:  # type: ignore[no-untyped-def]
    doms = {"x": "real", "y": "real"}
    result = verdict(expected, answer, doms)
    assert (result.status, result.method) == ("equivalent", "sampled"), result.describe()
    assert result.breakpoints_sure and result.special_points > 0
    assert f"and {result.special_points} special points" in result.describe()


@pytest.mark.parametrize("expected, answer", [
    ("max(sin(x), 0)", "(sin(x) + abs(sin(x)))/2"),
    ("heaviside(sin(x))", "(1 + sign(sin(x)))/2"),
    ("max(exp(x) - 2, 0)", "(exp(x) - 2 + abs(exp(x) - 2))/2"),
])
def test_sampling_alone_never_says_equivalent_when_a_breakpoint_cannot_be_located(
        expected: str, answer: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import quizgen.maths.proof as proof

    monkeypatch.setattr(proof, "prove_equal", lambda *a, **k: None)
    result = verdict(expected, answer)
    assert (result.status, result.method) == ("undecided", "undecided")
    assert not result.breakpoints_sure and result.detail()["breakpoints_sure"] is False
    assert "a breakpoint of a piecewise part" in result.describe()
    monkeypatch.setattr(proof, "prove_equal", lambda *a, **k: True)
    assert verdict(expected, answer).method == "proved"


def test_an_unlocatable_breakpoint_still_shows_a_difference_it_crosses() -> None:
    result = verdict("abs(sin(x))", "sin(x)")
    # the random points show it: no breakpoint needs locating (none counted, none unsure)
    assert result.status == "different" and result.counterexample["point"]
    assert result.special_points == 0 and result.breakpoints_sure


# ------------------------------------------------------------------------ 3. the 1/0 rule

NOWHERE = ["1/0", "0/0", "log(0)", "sqrt(-1)", "x/0", "log(-1 - x^2)", "sqrt(-1 - x^2)",
           "asin(2)"]


@pytest.mark.parametrize("answer", NOWHERE)
def test_an_answer_without_a_value_is_rejected(answer: str) -> None:
    grader = compile_question({"type": "symbolic", "points": 1,
                               "answer": {"expression": "x + 1", "symbols": {"x": "real"}}})
    v = grader.grade(answer)
    assert (v.status, v.method, v.credit) == ("rejected", "undefined", 0.0), v
    assert v.message.startswith("Your answer does not have a real, finite value")
    if "x" in answer:
        assert "for any value of x" in v.message
    result = equiv("x + 1", answer)
    assert result.exit_code == 2, result.output
    assert "quizgen: error: Your answer does not have a real, finite value" in result.output


def test_an_answer_defined_somewhere_is_graded_not_rejected() -> None:
    grader = compile_question({"type": "symbolic", "points": 1,
                               "answer": {"expression": "x", "symbols": {"x": "real"}}})
    v = grader.grade("sqrt(-x^2)")  # defined at x = 0 only
    assert (v.status, v.method) == ("incorrect", "sampled"), v
    assert equiv("x", "1/0").exit_code == 2
    assert equiv("x", "1/x").exit_code == 1  # a pole at 0 is not "no value"


# ---------------------------------------------------- binomial and factorial, natural domain

def test_binomial_symmetry_where_it_counts() -> None:
    ints = {"n": "integer", "k": "integer"}
    result = verdict("binomial(n, n - k)", "binomial(n, k)", ints)
    assert result.equivalent, result.describe()
    assert verdict("binomial(n, k)", "binomial(n, n - k)",
                   {"n": "nonnegative_integer", "k": "nonnegative_integer"}).equivalent
    assert verdict("n*(n - 1)/2", "binomial(n, 2)", {"n": "integer"}).equivalent
    assert not verdict("binomial(n, k)", "binomial(n, k + 1)", ints).equivalent
    assert equiv("binomial(n, n-k)", "binomial(n, k)", "--integer", "n,k").exit_code == 0


@pytest.mark.parametrize("n, k, value", [
    (5, 2, 10), (5, 7, 0), (5, -1, 0), (0, 0, 1), (-3, 2, 6), (-3, 3, -10), (-3, -3, 0),
    (2.5, 2, 1.875), (10**6, 3, 166666166667000000),
])
def test_binomial_values_follow_sympy(n, k, value) -> None:  # type: ignore[no-untyped-def]
    node = parse_answer("binomial(n, k)", {"n": "real", "k": "real"})
    got = evaluate_sample(node, {"n": np.array([float(n)]), "k": np.array([float(k)])}, 1)
    assert got.ok[0] and math.isclose(got.values[0], value, rel_tol=1e-12)
    natural = evaluate_sample(node, {"n": np.array([float(n)]), "k": np.array([float(k)])}, 1,
                              natural=True)
    assert natural.ok[0] == (not (n < 0 and n == int(n)))


def test_binomial_and_factorial_never_crash_or_hang() -> None:
    node = parse_answer("binomial(n, k) + factorial(n)", {"n": "real", "k": "real"})
    n = np.array([-3.0, -2.5, 1e9, 1e300, -1e9, 3.0, np.inf])
    k = np.array([5.0, 3.0, 5e8, 2.0, 7.0, -0.5, 1.0])
    got = evaluate_sample(node, {"n": n, "k": k}, n.size)
    assert not got.ok[0]  # factorial(-3): a pole
    assert got.undefined[0]


# -------------------------------------------------------- the evaluators: real at every node

@pytest.mark.parametrize("text, x, outcome", [
    ("sqrt(x)", -1.0, "undefined"), ("sqrt(x)", 0.0, 0.0), ("log(x)", -1.0, "undefined"),
    ("log(x)", 0.0, "unknown"),            # a pole, or an underflowed argument: mp decides
    ("x^(1/3)", -8.0, "undefined"), ("x^3", -2.0, -8.0), ("x^(2*x)", -1.0, 1.0),
    ("(-8)^x", 1 / 3, "undefined"), ("1/x", 0.0, "unknown"), ("exp(x)", 1000.0, "unknown"),
    ("log(exp(x))", 1000.0, "unknown"),    # log(inf): an overflow squeezed back is not a value
    ("1/log(exp(x))", 1000.0, "unknown"),
    ("exp(-exp(x))", 1000.0, 0.0),         # a limit that is right
    ("asin(x)", 1.0 + 2e-16, math.pi / 2), ("asin(x)", 1.5, "undefined"),
    ("acosh(x)", 0.5, "undefined"), ("atanh(x)", 1.0, "unknown"), ("atanh(x)", 2.0, "undefined"),
    ("sqrt(sin(x)^2 + cos(x)^2 - 1)", 0.7, 0.0),  # rounding around 0 is not a domain error
    ("sigmoid(x)", -1000.0, 0.0), ("softplus(x)", 1000.0, 1000.0),
    ("factorial(x)", -2.0, "undefined"), ("factorial(x)", 4.0, 24.0),
    ("acot(x)", 0.0, math.pi / 2), ("asec(x)", 0.5, "undefined"), ("asec(x)", 0.0, "undefined"),
    ("asech(x)", 0.0, "unknown"), ("acsch(x)", 0.0, "unknown"),
    ("(x^2)^(1/2)", -3.0, 3.0), ("x^0.5", 0.0, "unknown"),
    ("exp(log(x))", 0.0, "unknown"),       # log(0) is not -inf (then exp would give 0)
    ("acsc(x)", 0.5, "undefined"), ("acsc(x)", -0.5, "undefined"), ("acsc(x)", 2.0, math.pi / 6),
    ("asec(x)", -2.0, 2 * math.pi / 3), ("asec(x)", 0.5, "undefined"), ("asec(x)", -0.5, "undefined"),
    ("asin(x)", -1.0 - 2.2e-16, -math.pi / 2), ("acos(x)", 1.0 + 2.2e-16, 0.0),
    ("acoth(x)", 0.5, "undefined"), ("acoth(x)", 1.0, "unknown"), ("asech(x)", 2.0, "undefined"),
    ("asech(x)", 1.0, 0.0), ("acosh(x)", 1.0 - 2.2e-16, 0.0),
])
def test_float_evaluation_is_real_at_every_node(text: str, x: float, outcome) -> None:  # type: ignore[no-untyped-def]
    got = evaluate_sample(parse_answer(text, X), {"x": np.array([x])}, 1)
    if outcome == "undefined":
        assert got.undefined[0] and not got.ok[0]
    elif outcome == "unknown":
        assert got.unknown[0] and not got.undefined[0]
    else:
        assert got.ok[0] and math.isclose(got.values[0], outcome, rel_tol=1e-12, abs_tol=1e-300)


@pytest.mark.parametrize("text, x, outcome", [
    ("sqrt(x)*sqrt(x)", -1.0, None), ("log(x) - log(x)", -2.0, None), ("x^(1/3)", -8.0, None),
    ("(x^3)^(1/3)", 2.0, 2.0), ("x^3", -2.0, -8.0), ("log(exp(x))", 1000.0, 1000.0),
    ("1/x", 0.0, None), ("asin(x)", 2.0, None), ("exp(exp(exp(x)))", 50.0, "unknown"),
    ("cosh(x)^2 - sinh(x)^2", 30.0, 1.0), ("x^(2*x)", -1.0, 1.0),
    ("sec(x)", 0.0, 1.0), ("csc(x)", 0.0, None), ("cot(x)", 1.0, 1 / math.tan(1.0)),
    ("log(x)", 0.5, math.log(0.5)), ("log(x, 2)", 8.0, 3.0), ("log(x, 1)", 8.0, None),
    ("floor(sqrt(x)^2)", 2.0, 2.0), ("ceil(sqrt(x)^2)", 5.0, 5.0),  # 1.999...97, 5.000...01
    ("floor(x)", 2.5, 2.0), ("factorial(x)", -2.0, None), ("factorial(x)", 3.5, 11.631728396567448),
    ("binomial(x, 3)", -2.0, -4.0), ("binomial(x, 3.5)", 2.5, 0.0),
    ("sign(x)", 0.0, 0.0), ("sign(x)", -2.0, -1.0), ("heaviside(x)", 0.0, 0.5),
    ("abs(asin(x))", 2.0, None), ("abs(acosh(x))", 0.5, None), ("atanh(x)", 1.0, None),
    ("x + 2*x", 1e-45, 3e-45),  # tiny terms are not "within rounding of zero"
])
def test_high_precision_is_real_at_every_node(text: str, x: float, outcome) -> None:  # type: ignore[no-untyped-def]
    got = mp_evaluate(parse_answer(text, X), {"x": x}, 50)
    if outcome is None or outcome == "unknown":
        assert got == outcome
    else:
        assert abs(float(got[0]) - outcome) <= 1e-12 * abs(outcome)


def test_constants_are_exact() -> None:
    assert verdict("7", "7 + 10^300 - 10^300", {}).equivalent
    assert not verdict("x", "x*(1 + 10^-20)").equivalent
    assert verdict("log(x)", "log(x*e^800) - 800", XP).equivalent


# ------------------------------------------------------------------------------ determinism

TRICKY = [
    ("x", "x + heaviside(x - 10^9)", "real"), ("abs(x) + abs(x - 1000)", "max(1000, abs(2x - 1000))", "real"),
    ("cosh(x)^2 - sinh(x)^2", "1", "real"), ("log(y/z)", "log(y) - log(z)", "real"),
    ("sigmoid(x)", "exp(x)/(1 + exp(x))", "real"),
]


def test_verdicts_are_byte_identical_across_processes() -> None:
    script = ("import json, sys\n"
              "from quizgen.grading.item import compile_question\n"
              "out = []\n"
              "for e, a, d in json.loads(sys.argv[1]):\n"
              "    syms = {s: d for s in 'xyz' if s in e + a}\n"
              "    g = compile_question({'type': 'symbolic', 'points': 1,"
              " 'answer': {'expression': e, 'symbols': syms}})\n"
              "    out.append(g.grade(a).to_dict())\n"
              "print(json.dumps(out, sort_keys=True))\n")
    runs = [subprocess.run([sys.executable, "-c", script, json.dumps(TRICKY)], cwd=ROOT,
                           capture_output=True, text=True, timeout=300, check=True).stdout
            for _ in range(2)]
    assert runs[0] == runs[1]
    assert [v["status"] for v in json.loads(runs[0])] == [
        "incorrect", "correct", "correct", "incorrect", "correct"]


# ----------------------------------------------------------- thin domains, huge values

def test_an_expression_defined_on_the_integers_only_is_decided_by_sampling() -> None:
    # (-2)^n for real n has a value at integers only: few random points, the lattice counts
    result = verdict("(-2)^n", "(-1)^n*2^n", {"n": "real"}, prove=False)
    assert (result.status, result.method) == ("equivalent", "sampled"), result.describe()
    assert result.n_points < 8 and result.special_points > 0


@pytest.mark.parametrize("expected, answer, doms, where", [
    ("(-2)^n", "(-1)^n*2^n + heaviside(n - 100)", {"n": "real"}, lambda n: n == 100),
    ("(-2)^n", "(-1)^n*2^n + heaviside(n - 100)", {"n": "integer"}, lambda n: n >= 100),
    ("x", "x + heaviside(x - 10^20)", X, lambda x: x >= 1e20),
])
def test_a_difference_of_one_on_a_huge_value_is_seen(expected, answer, doms, where) -> None:  # type: ignore[no-untyped-def]
    # 1 on 10^30 is below the float tolerance: the largest agreeing values are checked in
    # high precision
    result = verdict(expected, answer, doms, prove=False)
    assert (result.status, result.precise) == ("different", True), result.describe()
    assert where(next(iter(result.counterexample["point"].values())))


def test_a_breakpoint_at_a_constant_expression_is_located() -> None:
    result = verdict("abs(x - 10^20) + abs(x - log(2))", "abs(x - log(2)) + abs(10^20 - x)")
    assert result.equivalent and result.breakpoints_sure
