"""The step classifier and the derivation grader (issue 22, layer A part 2).

The labelled corpus (tests/grading/test_derivation_corpus.py) checks hundreds of student
derivations of the bank's questions; here: the relations one by one, the witnesses, how lines are
read, and how credit and feedback come out.
"""

from __future__ import annotations

import pytest

from quizgen.grading.derivation import DerivationGrader, read_lines, split_steps
from quizgen.grading.item import compile_question
from quizgen.kernel.errors import QuizgenError
from quizgen.maths.indexed import declarations
from quizgen.maths.parse import parse
from quizgen.maths.steps import describe_witness, relate, seeded

FIXED = {"y": {"over": ["m"]}, "y_hat": {"over": ["m"], "param": True}, "sigma": {"domain": "positive"}}
LEARNED = {**FIXED, "sigma": {"domain": "positive", "param": True}}
SIZES = {"m": [1, 2, 3, 5]}
NLL = "Σ_i (y_i - ŷ_i)^2/(2σ^2) + m log σ + m/2 log(2π)"


def kind(symbols, before, after, switched=False, sizes=SIZES):
    decl = declarations(symbols, sizes=sizes)
    ctx = decl.context()
    space = seeded(decl, before, after)
    return relate(space, parse(before, ctx).node, parse(after, ctx).node, switched)


@pytest.mark.parametrize("before, after, switched, expected", [
    (NLL, "m/2 log(2π) + m log σ + Σ_i (ŷ_i - y_i)^2 / (2σ^2)", False, "equal"),
    (NLL, "Σ_i (y_i - ŷ_i)^2", False, "same_minimiser"),  # σ fixed: drop, scale by 2σ² > 0
    (NLL, "(1/m) Σ_i (y_i - ŷ_i)^2", False, "same_minimiser"),
    (NLL, "3 Σ_i (y_i - ŷ_i)^2 + 7", False, "same_minimiser"),
    (NLL, "-Σ_i (y_i - ŷ_i)^2", True, "monotone"),  # negated, min -> max
    ("Π_i exp(-(y_i - ŷ_i)^2)", "Σ_i -(y_i - ŷ_i)^2", False, "monotone"),  # log
    ("Σ_i (y_i - ŷ_i)^2", "exp(Σ_i (y_i - ŷ_i)^2)", False, "monotone"),
    ("Σ_i (y_i - ŷ_i)^2", "sqrt(Σ_i (y_i - ŷ_i)^2) + σ", False, "monotone"),  # general h
    # invalid
    (NLL, "-Σ_i (y_i - ŷ_i)^2", False, "invalid"),  # sign flip, problem not switched
    (NLL, "Σ_i (y_i - ŷ_i)^2", True, "invalid"),  # switched without negating
    ("Σ_i (y_i - ŷ_i)^2", "Σ_i abs(y_i - ŷ_i)", False, "invalid"),  # same argmin here, but not order
    ("Σ_i (y_i - ŷ_i)^2", "(Σ_i (y_i - ŷ_i))^2", False, "invalid"),  # equal only for m = 1
    ("Σ_i (y_i - ŷ_i)^2", "Σ_i (y_i^2 - ŷ_i^2)", False, "invalid"),
    ("Σ_i (y_i - ŷ_i)^2", "σ", False, "invalid"),  # does not depend on the parameters
])
def test_relations(before, after, switched, expected):
    assert kind(FIXED, before, after, switched).kind == expected


def test_a_constant_is_constant_in_the_parameters_not_in_everything():
    # dropping m log σ: valid when σ is fixed, invalid when σ is a parameter
    dropped = "Σ_i (y_i - ŷ_i)^2/(2σ^2) + m/2 log(2π)"
    assert kind(FIXED, NLL, dropped).kind == "same_minimiser"
    r = kind(LEARNED, NLL, dropped)
    assert r.kind == "invalid" and r.witness["kind"] == "order"
    assert set(r.witness["first"]) >= {"sigma"}  # the parameters include σ


def test_a_tiny_parameter_dependent_change_is_never_accepted():
    r = kind(FIXED, "Σ_i (y_i - ŷ_i)^2", "Σ_i (y_i - ŷ_i)^2 + 1e-9 Σ_i ŷ_i")
    assert r.kind in ("invalid", "undecided")
    r = kind(FIXED, "Σ_i (y_i - ŷ_i)^2", "Σ_i (y_i - ŷ_i)^2 + 1e-4 Σ_i ŷ_i")
    assert r.kind == "invalid"


def test_a_witness_of_a_reversed_order_is_two_parameter_points_and_their_values():
    r = kind(FIXED, NLL, "-Σ_i (y_i - ŷ_i)^2")
    w = r.witness
    assert w["kind"] == "order" and w["world"] == {"m": 1}  # the smallest size that shows it
    (a1, a2), (b1, b2) = w["before"], w["after"]
    assert a1 < a2 and b1 > b2
    text = describe_witness(w)
    assert "the order is reversed" in text and "y_hat[1]" in text


def test_a_line_undefined_where_the_previous_is_defined_is_invalid():
    r = kind(FIXED, "Σ_i log(1 + (y_i - ŷ_i)^2)", "Σ_i log((y_i - ŷ_i)^2 - 1)")
    assert r.kind == "invalid" and r.witness["kind"] == "undefined"
    assert "has no value" in describe_witness(r.witness)


# ---------------------------------------------------------------- reading lines
def test_steps_split_on_lines_semicolons_and_equals_outside_brackets():
    assert split_steps("a\n\n= b; c") == [(1, "a"), (2, "= b"), (3, "c")]
    assert split_steps("f(x; y) = g = h") == [(1, "f(x; y)"), (2, "= g"), (3, "= h")]
    assert split_steps("a <=> b") == [(1, "a <=> b")]
    assert split_steps("= a") == [(1, "= a")]


@pytest.mark.parametrize("typed, connector, goal, expression", [
    ("= Σ_i y_i", "=", None, "Σ_i y_i"),
    ("∝ Σ_i y_i", "∝", None, "Σ_i y_i"),
    ("\\propto Σ_i y_i", "∝", None, "Σ_i y_i"),
    ("⇔ min Σ_i y_i", "⇔", "min", "Σ_i y_i"),
    ("<=> max_θ Σ_i y_i", "⇔", "max", "Σ_i y_i"),
    ("same minimiser as Σ_i y_i", "same minimiser", None, "Σ_i y_i"),
    ("argmin_{ŷ} Σ_i y_i", None, "min", "Σ_i y_i"),
    ("\\min_{\\hat{y}} Σ_i y_i", None, "min", "Σ_i y_i"),
    ("\\arg\\max_\\theta Σ_i y_i", None, "max", "Σ_i y_i"),
    ("minimise Σ_i y_i", None, "min", "Σ_i y_i"),
    ("max(σ, 1)", None, None, "max(σ, 1)"),  # the function max, not the goal
    ("m Σ_i y_i", None, None, "m Σ_i y_i"),  # m is a size, not "min"
])
def test_connectors_and_goal_words(typed, connector, goal, expression):
    decl = declarations(FIXED, sizes=SIZES)
    (line,) = read_lines(typed, decl, decl.context())
    assert (line.connector, line.goal, line.text.strip()) == (connector, goal, expression)
    assert line.error is None


def test_an_unreadable_line_names_itself():
    decl = declarations(FIXED, sizes=SIZES)
    lines = read_lines("Σ_i y_i\nmin Σ_i y_i +\nmax", decl, decl.context())
    assert [ln.error is None for ln in lines] == [True, False, False]
    assert "ends too early" in lines[1].error
    assert "no expression" in lines[2].error


# ---------------------------------------------------------------- the grader
KEY = {
    "type": "derivation",
    "answer": {
        "symbols": FIXED, "sizes": SIZES,
        "start": {"expression": "prod(exp(-(y_i - y_hat_i)^2/(2*sigma^2))/sqrt(2*pi*sigma^2), i, 1, m)",
                  "goal": "max"},
        "final": {"expression": "sum((y_i - y_hat_i)^2, i, 1, m)", "goal": "min",
                  "relation": "same_minimiser", "description": "a positive multiple of Σ(yᵢ − ŷᵢ)² plus a constant"},
        "model": [{"expression": "sum(-(y_i - y_hat_i)^2/(2*sigma^2) - log(sigma*sqrt(2*pi)), i, 1, m)", "goal": "max"},
                  {"expression": "sum((y_i - y_hat_i)^2/(2*sigma^2), i, 1, m) + m*log(sigma*sqrt(2*pi))", "goal": "min"},
                  {"expression": "sum((y_i - y_hat_i)^2, i, 1, m)", "goal": "min"},
                  {"expression": "sum((y_i - y_hat_i)^2, i, 1, m)/m", "goal": "min"}],
        "credit": {"prefix": 0.5},
    },
    "known_wrong": [
        {"name": "sign_flip", "detect": "sign_flip", "feedback": "Negating swaps max and min.", "credit": 0.1},
        {"name": "mae", "forms": [{"expression": "sum(abs(y_i - y_hat_i), i, 1, m)", "goal": "min"}],
         "feedback": "That is the Laplace noise model."},
    ],
}
GOOD = """max Σ_i log(exp(-(y_i - ŷ_i)^2/(2σ^2))/sqrt(2πσ^2))
= Σ_i (-(y_i - ŷ_i)^2/(2σ^2) - log σ - ½ log(2π))
min Σ_i (y_i - ŷ_i)^2/(2σ^2) + m log σ + m/2 log(2π)
∝ Σ_i (y_i - ŷ_i)^2"""


@pytest.fixture(scope="module")
def grader():
    return compile_question(KEY)


def test_a_valid_derivation_reaching_the_final_form_is_correct(grader):
    v = grader.grade(GOOD)
    assert (v.status, v.credit) == ("correct", 1.0)
    assert [s["kind"] for s in v.detail["steps"]] == ["monotone", "equal", "monotone", "same_minimiser"]
    assert "Line 1: monotone transform (log)." in v.message
    assert "negated, min and max switched" in v.message


def test_the_same_steps_in_a_csv_cell_with_semicolons(grader):
    v = grader.grade(GOOD.replace("\n", "; "))
    assert (v.status, v.credit) == ("correct", 1.0)


def test_the_first_broken_line_is_named_with_a_witness_and_the_misconception(grader):
    v = grader.grade(GOOD.replace("min Σ_i (y_i - ŷ_i)^2/(2σ^2)", "Σ_i (y_i - ŷ_i)^2/(2σ^2)"))
    assert v.detail["first_invalid_line"] == 3
    assert v.misconception == "sign_flip"
    assert "The derivation breaks at line 3." in v.message and "Negating swaps max and min." in v.message
    assert "the order is reversed" in v.message and "ŷ₁" in v.message
    # credit: 2 valid steps before the break, of the model's 4, times the prefix credit 0.5
    assert v.credit == pytest.approx(0.25)


def test_a_misconception_given_by_its_wrong_line(grader):
    v = grader.grade(GOOD.replace("∝ Σ_i (y_i - ŷ_i)^2", "Σ_i |y_i - ŷ_i|"))
    assert v.misconception == "mae" and "Laplace" in v.message


def test_valid_steps_short_of_the_final_form(grader):
    v = grader.grade("max Σ_i log(exp(-(y_i - ŷ_i)^2/(2σ^2))/sqrt(2πσ^2))")
    assert v.status == "partial" and v.credit == pytest.approx(0.5 * 1 / 4)
    assert "not in the required form" in v.message


def test_an_equals_sign_between_lines_that_are_not_equal_is_noted(grader):
    v = grader.grade(GOOD.replace("∝", "="))
    assert v.status == "correct"
    assert "you wrote '=', but the lines are not equal" in v.message
    strict = {**KEY, "answer": {**KEY["answer"], "credit": {"prefix": 0.5, "strict_connectors": True}}}
    v = compile_question(strict).grade(GOOD.replace("∝", "="))
    assert v.status == "partial" and v.detail["first_invalid_line"] == 4


def test_an_unreadable_line_is_refused_and_named(grader):
    v = grader.grade("max Σ_i log(ŷ_i\n= 2")
    assert v.status == "rejected" and v.detail["line"] == 1
    v = grader.grade("Σ_i y_i log ŷ_i + (1 - y_i) log(1 - ŷ_i)")
    assert v.status == "rejected" and "put the whole summand in parentheses" in v.message


def test_the_verdict_is_a_function_of_the_key_and_the_text():
    one = compile_question(KEY).grade(GOOD.replace("min Σ", "Σ"))
    two = compile_question(KEY).grade(GOOD.replace("min Σ", "Σ"))
    assert one == two


@pytest.mark.parametrize("change, message", [
    ({"final": {"expression": "y_i", "goal": "min"}}, "outside a sum"),
    ({"final": {"expression": "sum(y_i, i)", "goal": "down"}}, "goal must be min or max"),
    ({"final": {"expression": "sum(y_i, i)", "relation": "close"}}, "relation must be one of"),
    ({"symbols": {"y": {"over": ["q"]}}}, "not a size"),
    ({"credit": {"prefix": 2}}, "from 0 to 1"),
])
def test_a_malformed_key_is_named(change, message):
    with pytest.raises(QuizgenError, match=message):
        DerivationGrader({**KEY, "answer": {**KEY["answer"], **change}})


# ---------------------------------------------------------------- "equivalent for optimisation"
OPTIMISE = {"type": "symbolic",
            "answer": {"expression": "sum((y_i - y_hat_i)^2, i, 1, m)", "symbols": {},
                       "optimise": {"goal": "min", "symbols": {"y": {"over": ["m"]},
                                                              "y_hat": {"over": ["m"], "param": True}},
                                    "sizes": {"m": [1, 2, 3, 5]}}},
            "known_wrong": [{"name": "mae", "expression": "sum(abs(y_i - y_hat_i), i, 1, m)",
                             "feedback": "That is the Laplace model."}]}


@pytest.mark.parametrize("typed, relation, words", [
    ("(1/m) Σ_i (y_i - ŷ_i)^2", "same_minimiser", "a positive multiple of the expected one"),
    ("Σ_i (y_i - ŷ_i)^2", "equal", "equals the expected one"),
    ("½ Σ_i (y_i - ŷ_i)^2", "same_minimiser", "0.5 times the expected one"),
    ("3 Σ_i (y_i - ŷ_i)^2 + 7", "same_minimiser", "3 times the expected one plus a term constant in the parameters"),
    ("log(1 + Σ_i (y_i - ŷ_i)^2)", "monotone", "an increasing function of the expected one"),
    ("max -Σ_i (y_i - ŷ_i)^2", "monotone", "with max and min switched"),
])
def test_equivalent_for_optimisation_accepts_any_loss_with_the_minimiser_and_says_why(typed, relation, words):
    v = compile_question(OPTIMISE).grade(typed)
    assert v.status == "correct" and v.detail["relation"] == relation
    assert words in v.message and "same minimiser" in v.message or relation == "equal"


@pytest.mark.parametrize("typed, misconception, words", [
    ("Σ_i |y_i - ŷ_i|", "mae", "Laplace"),
    ("-Σ_i (y_i - ŷ_i)^2", None, "the sign changed (your answer decreases where the expected loss increases)"),
    ("Σ_i (y_i - ŷ_i)", None, "the order is reversed"),
])
def test_equivalent_for_optimisation_refuses_another_minimiser(typed, misconception, words):
    v = compile_question(OPTIMISE).grade(typed)
    assert v.status == "incorrect" and v.misconception == misconception and words in v.message


def test_a_plain_symbolic_key_is_graded_as_before():
    from quizgen.grading.item import SymbolicGrader

    plain = {"type": "symbolic", "answer": {"expression": "x^2", "symbols": {"x": "real"}}}
    assert isinstance(compile_question(plain), SymbolicGrader)


EQUALITY_KEY = {
    "type": "derivation",
    "answer": {
        "symbols": {"theta": {"domain": "real", "param": True}, "x": {"domain": "real"}},
        "start": {"expression": "diff(theta^2*x/2, theta)", "goal": "min"},
        "final": {"expression": "theta*x", "goal": "min", "relation": "equal", "description": "θx"},
        "model": [{"expression": "theta*x", "goal": "min"}],
        "moves": "equality",
        "credit": {"prefix": 0.5},
    },
}


@pytest.mark.parametrize(("line", "words"), [
    ("-2*theta*x", "The new line is -2 times the previous one: a sign was lost, and a constant factor"),
    ("-theta*x", "The new line is the negative of the previous one: a sign was lost"),
    ("3*theta*x", "The new line is 3 times the previous one: a constant factor was lost or added"),
])
def test_an_equality_chain_names_a_lost_sign_or_factor_without_talk_of_min_and_max(line, words):
    v = compile_question(EQUALITY_KEY).grade("diff(theta^2*x/2, theta)\n= " + line)
    assert v.detail["first_invalid_line"] == 2
    assert words in v.message
    assert "max" not in v.message and "minimum" not in v.message
