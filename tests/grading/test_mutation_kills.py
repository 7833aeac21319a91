"""Issue 19 §6: tests that notice a wrong grader. Each asserts what decided a verdict (status,
credit, method, message) at the boundaries a mutant would move (bench/mutate_grading.py)."""

from __future__ import annotations

import math

import pytest

from quizgen.grading.choice import ChoiceError, choice_credit, parse_selection, parse_truefalse
from quizgen.grading.item import compile_question
from quizgen.grading.numeric import NotANumber, numbers_match, read_number, round_sig
from quizgen.grading.structured import (
    OrderError, VectorError, longest_run, order_credit, parse_order, split_vector,
)
from quizgen.kernel.errors import QuizgenError

ABCD = ["A", "B", "C", "D"]


# ------------------------------------------------------------------------------------ choice

@pytest.mark.parametrize("text, chosen", [
    ("B", {"B"}), ("b", {"B"}), ("(b)", {"B"}), ("B, D", {"B", "D"}), ("B D", {"B", "D"}),
    ("BD", {"B", "D"}), ("{B,D}", {"B", "D"}), ("(b; d)", {"B", "D"}), ("B and D", {"B", "D"}),
    ("b.", {"B"}), ("B) ", {"B"}), ("a/c", {"A", "C"}), ("A&C", {"A", "C"}), ("A+C", {"A", "C"}),
    ("[c]", {"C"}), ("  d  ", {"D"}), ("ABCD", {"A", "B", "C", "D"}), ("B:", {"B"}),
])
def test_selections_are_read(text: str, chosen: set) -> None:
    assert parse_selection(text, ABCD) == frozenset(chosen)


@pytest.mark.parametrize("text, named", [
    ("B, E", "'E' is not one of the options A, B, C, D"),
    ("BE", "'BE' is not one of the options"),
    ("x" * 30, "'" + "x" * 20 + "...' is not one of the options"),
    ("", "choose one of the options A, B, C, D"),
    ("()", "choose one of the options A, B, C, D"),
])
def test_an_unknown_label_is_refused(text: str, named: str) -> None:
    with pytest.raises(ChoiceError) as err:
        parse_selection(text, ABCD)
    assert named in str(err.value)


def test_long_labels_are_not_split_into_letters() -> None:
    labels = ["AB", "C"]
    assert parse_selection("ab", labels) == frozenset({"AB"})
    with pytest.raises(ChoiceError):
        parse_selection("CA", labels)


@pytest.mark.parametrize("chosen, credit", [
    ({"A", "C"}, 1.0), ({"A"}, 0.5), ({"A", "B"}, 0.0), ({"A", "C", "B"}, 0.5),
    ({"B", "D"}, 0.0), ({"A", "B", "C", "D"}, 0.0), ({"A", "C", "D"}, 0.5), ({"C"}, 0.5),
])
def test_partial_credit_rule(chosen: set, credit: float) -> None:
    assert choice_credit(frozenset(chosen), frozenset({"A", "C"}), ABCD, True) == credit


def test_picking_every_option_earns_nothing_even_with_three_right() -> None:
    three = frozenset({"A", "B", "C"})
    assert choice_credit(frozenset(ABCD), three, ABCD, True) == 0.0  # was 0.67 for a mutant
    assert choice_credit(frozenset({"A", "B", "C"}), three, ABCD, True) == 1.0
    assert choice_credit(frozenset(ABCD), frozenset(ABCD), ABCD, True) == 1.0  # all correct
    assert choice_credit(frozenset({"A"}), frozenset({"A"}), ABCD, False) == 1.0
    assert choice_credit(frozenset({"B"}), frozenset({"A"}), ABCD, False) == 0.0


MULTI = {"type": "choice", "points": 1,
         "answer": {"choices": [{"label": c, "text": c} for c in ABCD], "correct": ["A", "B", "C"],
                    "multiple": True}}


def test_the_grader_says_why_every_option_earns_nothing() -> None:
    v = compile_question(MULTI).grade("A, B, C, D")
    assert (v.status, v.credit) == ("incorrect", 0.0)
    assert v.message.startswith("Choosing every option earns no credit.")
    v = compile_question(MULTI).grade("B, E")
    assert v.status == "rejected" and "'E' is not one of the options" in v.message
    v = compile_question(MULTI).grade("A, D")
    assert (v.status, v.credit) == ("incorrect", 0.0)  # one right, one wrong: (1 - 1)/3
    v = compile_question(MULTI).grade("A, B")
    assert (v.status, round(v.credit, 6)) == ("partial", round(2 / 3, 6))
    assert v.message.startswith("2 of your choices are right and 0 wrong; 3 options are correct.")


@pytest.mark.parametrize("text, value", [
    ("true", True), ("T", True), ("yes", True), ("1", True), ("Wahr", True), ("vrai", True),
    ("correct", True), ("false", False), ("f", False), ("No", False), ("0", False),
    ("falsch", False), ("faux", False), ("incorrect", False), ("True.", True), ("false!", False),
])
def test_true_false(text: str, value: bool) -> None:
    assert parse_truefalse(text) is value


def test_true_false_refuses_anything_else() -> None:
    with pytest.raises(ChoiceError, match="answer true or false"):
        parse_truefalse("maybe")


# ----------------------------------------------------------------------------------- numeric

@pytest.mark.parametrize("answer, value, rtol, atol, sigfigs, match", [
    (0.25, 0.25, 0.0, 0.0, None, True),          # an exact key: equal is right (<=, not <)
    (101.0, 100.0, 0.01, 0.0, None, True),       # exactly at the relative tolerance
    (101.000001, 100.0, 0.01, 0.0, None, False),
    (0.1 + 1e-9, 0.1, 0.0, 1e-9, None, True),    # within the absolute tolerance
    (0.1 + 3e-9, 0.1, 0.0, 1e-9, None, False),
    (-99.0, 100.0, 0.01, 0.0, None, False),      # the sign matters
    (0.13, 0.125, 0.0, 0.0, 2, True),            # 0.125 rounds to 0.13, half away from zero
    (0.12, 0.125, 0.0, 0.0, 2, False),
    (-0.13, -0.125, 0.0, 0.0, 2, True),
    (2.68, 2.675, 0.0, 0.0, 3, True),            # on the decimal printed, not the binary float
    (1234.0, 1231.0, 0.0, 0.0, 3, True),         # both 1.23e3
    (1234.0, 1235.0, 0.0, 0.0, 3, False),        # 1.23e3 and 1.24e3
])
def test_numbers_match_at_their_boundaries(answer, value, rtol, atol, sigfigs, match) -> None:  # type: ignore[no-untyped-def]
    assert numbers_match(answer, value, rtol, atol, sigfigs) is match


@pytest.mark.parametrize("value, sig, rounded", [
    (0.125, 2, 0.13), (-0.125, 2, -0.13), (2.675, 3, 2.68), (0.0, 3, 0.0), (123456.0, 2, 120000.0),
    (9.995, 3, 10.0), (1e-7 * 1.55, 2, 1.6e-7), (3.14159, 17, 3.14159), (math.inf, 2, math.inf),
])
def test_round_sig(value: float, sig: int, rounded: float) -> None:
    assert round_sig(value, sig) == rounded


def test_an_exact_key_accepts_its_exact_forms() -> None:
    q = {"type": "numeric", "points": 1, "answer": {"value": 0.25, "rtol": 0, "atol": 0}}
    grader = compile_question(q)
    for text in ("1/4", "0.25", "2^-2", "0,25", "25%"):
        assert grader.grade(text).status == "correct", text
    v = grader.grade("0.2500001")
    assert (v.status, v.method) == ("incorrect", "numeric") and v.detail["value"] == 0.2500001


@pytest.mark.parametrize("text, value, unit, note", [
    ("0.6931 nats", 0.6931, "nats", None), ("3/8", 0.375, None, None),
    ("6.931 e-1", 0.6931, None, "read as 6.931×10^-1"), ("ln 2", math.log(2), None, None),
    ("12.5%", 12.5, "%", None),
])
def test_numbers_are_read_with_unit_and_notes(text: str, value: float, unit, note) -> None:  # type: ignore[no-untyped-def]
    got, got_unit, notes = read_number(text)
    assert math.isclose(got, value, rel_tol=1e-12) and got_unit == unit
    assert (note is None and not notes) or any(note in n for n in notes)


@pytest.mark.parametrize("text", ["log(-1)", "1/0", "0/0", "sqrt(-2)", "exp(1000)", "log(0)"])
def test_no_real_finite_value(text: str) -> None:
    with pytest.raises(NotANumber):
        read_number(text)
    q = {"type": "numeric", "points": 1, "answer": {"value": 1.0}}
    v = compile_question(q).grade(text)
    assert (v.status, v.method) == ("rejected", "numeric")
    assert v.message == "Your answer does not have a real, finite value."


# ------------------------------------------------------------------------------------- order

LABELS = ["1", "2", "3", "4"]


@pytest.mark.parametrize("text", ["3,1,4,2", "3 1 4 2", "3; 1; 4; 2", "3 -> 1 -> 4 -> 2",
                                  "3142", "[3, 1, 4, 2]", "3→1→4→2.", "3 > 1 > 4 > 2"])
def test_orders_are_read(text: str) -> None:
    assert parse_order(text, LABELS) == ["3", "1", "4", "2"]


@pytest.mark.parametrize("text, message", [
    ("3,1,5,2", "'5' is not a step number (1 to 4)"),
    ("3,1,1,2", "step 1 appears more than once"),
    ("3,1", "steps 2, 4 are missing"),
    ("3,1,4", "step 2 is missing"),
    ("31", "'31' is not a step number (1 to 4)"),
])
def test_a_bad_order_is_refused_with_how_to_write_it(text: str, message: str) -> None:
    with pytest.raises(OrderError) as err:
        parse_order(text, LABELS)
    assert message in str(err.value)
    assert "list the 4 step numbers in order, each once, separated by commas (for example 4, 3, 2, 1)" \
        in str(err.value)


@pytest.mark.parametrize("answer, run, credit", [
    ("3142", "3142", 1.0), ("2314", "314", 0.75), ("2413", "2", 0.0), ("2431", "31", 0.5),
    ("1423", "142", 0.75), ("4231", "42", 0.5), ("3124", "314", 0.75),  # steps between count
])
def test_longest_correct_run(answer: str, run: str, credit: float) -> None:
    correct = ["3", "1", "4", "2"]
    assert longest_run(list(answer), correct) == (len(run), list(run))
    assert order_credit(list(answer), correct) == credit


ORDER = {"type": "order", "points": 1,
         "answer": {"items": [{"label": s, "text": s} for s in LABELS], "correct": ["3", "1", "4", "2"]},
         "known_wrong": [{"name": "reversed", "order": ["2", "4", "1", "3"], "feedback": "Reversed.",
                          "credit": 0.25}]}


def test_order_grader_says_what_earned_what() -> None:
    grader = compile_question(ORDER)
    v = grader.grade("2,3,1,4")
    assert (v.status, v.credit, v.method) == ("partial", 0.75, "order")
    assert v.message == ("Your longest run of steps in the right order is 3, 1, 4 (3 of 4 steps, "
                         "in this order in your answer though maybe not side by side), worth 3/4 "
                         "of the points.")
    assert v.detail == {"order": ["2", "3", "1", "4"], "longest_run": 3}
    v = grader.grade("2,4,1,3")
    assert (v.status, v.credit, v.misconception, v.message) == ("partial", 0.25, "reversed", "Reversed.")
    v = grader.grade("4,2,3,1")
    assert (v.status, v.credit) == ("partial", 0.5)
    v = grader.grade("2,4,3,1")
    assert (v.status, v.credit) == ("partial", 0.5)  # 3 then 1, with a step between
    v = grader.grade("2,4,1,3")
    assert v.misconception == "reversed"
    v = grader.grade("4,2,1,3")
    assert (v.status, v.credit) == ("partial", 0.5)
    v = compile_question(dict(ORDER, known_wrong=[])).grade("2,4,1,3")
    assert (v.status, v.credit) == ("incorrect", 0.0)
    assert v.message.startswith("No two steps that follow each other in the right order come in "
                                "that order in your answer")
    assert grader.grade("3,1,4,2").status == "correct"
    assert grader.grade("3,1,4").status == "rejected"


def test_order_keys_are_checked() -> None:
    for answer in ({"items": [{"label": "1", "text": "a"}], "correct": ["1"]},
                   {"items": [{"label": s, "text": s} for s in "12"], "correct": ["1"]},
                   {"items": [{"label": s, "text": s} for s in "11"], "correct": ["1", "1"]}):
        with pytest.raises(QuizgenError):
            compile_question({"type": "order", "points": 1, "answer": answer})


# ------------------------------------------------------------------------------------ vector

@pytest.mark.parametrize("text, n, comma, parts", [
    ("(1, 2, 3)", 3, None, ["1", "2", "3"]), ("[1; 2; 3]", 3, None, ["1", "2", "3"]),
    ("1, 2, 3", 3, None, ["1", "2", "3"]), ("(a)*(b), c", 2, None, ["(a)*(b)", "c"]),
    ("(max(1, 2), 3)", 2, None, ["max(1, 2)", "3"]), ("(0,5; 1,5)", 2, True, ["0,5", "1,5"]),
    ("(0,5, 1,5)", 2, True, ["0,5", "1,5"]), ("(0.5, 1.5)", 2, False, ["0.5", "1.5"]),
])
def test_vectors_are_split(text: str, n: int, comma, parts: list) -> None:  # type: ignore[no-untyped-def]
    assert split_vector(text, n, comma) == parts


@pytest.mark.parametrize("text, n, comma, message", [
    ("(1, , 3)", 3, None, "a component is empty"),
    ("(1, 2)", 3, None, "expected 3 components, got 2"),
    ("5", 3, None, "the answer is a vector of 3 components, not one value"),
    ("(0,5, 1,5)", 2, False, "this exam writes decimals with a point (0.5)"),
    ("(0,25, -0,5, 0,25)", 3, None, "a comma is both a decimal comma and a separator here"),
    ("(0,5,1,5)", 2, True, "separated by semicolons"),
])
def test_a_bad_vector_is_refused_with_how_to_write_it(text, n, comma, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(VectorError) as err:
        split_vector(text, n, comma)
    assert message in str(err.value)


VECTOR = {"type": "vector", "points": 1, "answer": {"values": [0.5, -1.0, 2.0], "rtol": 1e-3},
          "known_wrong": [{"name": "signs", "values": [-0.5, 1.0, -2.0], "feedback": "All signs.",
                           "credit": 0.2}]}


def test_vector_grader_names_each_wrong_component() -> None:
    grader = compile_question(VECTOR)
    v = grader.grade("(0.5, 1, 2)")
    assert (v.status, round(v.credit, 6)) == ("partial", round(2 / 3, 6))
    assert v.message == ("2 of 3 components are right. Component 2 is not the expected value: "
                         "Your answer is -1 times the correct value; the sign is flipped.")
    assert v.detail == {"components": [True, False, True]}
    v = grader.grade("(-0.5, 1, -2)")
    assert (v.status, v.credit, v.misconception) == ("partial", 0.2, "signs")
    v = grader.grade("(7, 7, 7)")
    assert (v.status, v.credit) == ("incorrect", 0.0)
    assert v.message.startswith("0 of 3 components are right. Component 1 is not the expected value")
    assert grader.grade("(1/2, -1, 2.0005)").status == "correct"  # within rtol 1e-3
    assert grader.grade("(1/2, -1, 2.01)").status == "partial"
    v = grader.grade("(1/2, log(-1), 2)")
    assert v.status == "rejected" and v.message == "Component 2 does not have a real, finite value."


def test_symbolic_vector_components() -> None:
    q = {"type": "vector", "points": 1,
         "answer": {"expressions": ["2*x", "x^2"], "symbols": {"x": "real"}},
         "known_wrong": [{"name": "swap", "expressions": ["x^2", "2*x"], "feedback": "Swapped."}]}
    grader = compile_question(q)
    assert grader.grade("(x + x, x*x)").status == "correct"
    v = grader.grade("(x^2, 2x)")
    assert (v.misconception, v.message) == ("swap", "Swapped.")
    v = grader.grade("(2x, sqrt(x)^4)")
    assert (v.status, v.detail["components"]) == ("partial", [True, False])  # sqrt(x): x < 0


def test_manual_answers_wait_for_a_person() -> None:
    q = {"type": "manual", "points": 2, "answer": {"rubric": ["names the loss", "derives it"]}}
    v = compile_question(q).grade("cross-entropy, because ...")
    assert (v.status, v.credit, v.method) == ("manual", 0.0, "manual")
    assert v.detail == {"needs_review": True, "rubric": ["names the loss", "derives it"]}


# ------------------------------------------------------- found by the mutation run (issue 19)

def test_significant_figures_compare_rounded_values_exactly() -> None:
    # at 12 figures, 1.00000000001 and 1.00000000002 are different numbers (1e-11 apart)
    assert numbers_match(1.00000000001, 1.00000000002, 0.0, 0.0, 12) is False
    assert numbers_match(1.000000000011, 1.000000000012, 0.0, 0.0, 12) is True
    # near the top of a decade the gap between two 12-figure roundings is 1e-12 relative
    assert numbers_match(9.99999999998, 9.99999999999, 0.0, 0.0, 12) is False
    # and at 13 to 16 figures different roundings stay different (they once matched within 1e-12)
    assert numbers_match(1.00000000000001, 1.00000000000002, 0.0, 0.0, 15) is False
    assert numbers_match(1.000000000000011, 1.000000000000014, 0.0, 0.0, 15) is True
    assert numbers_match(0.1 + 0.2, 0.3, 0.0, 0.0, 16) is True  # 0.30000000000000004 at 16 figures
    assert numbers_match(0.1 + 0.2, 0.3, 0.0, 0.0, 17) is False


def test_a_single_answer_question_with_two_keys_wants_exactly_them() -> None:
    assert choice_credit(frozenset({"A"}), frozenset({"A", "C"}), ABCD, False) == 0.0
    assert choice_credit(frozenset({"A", "C"}), frozenset({"A", "C"}), ABCD, False) == 1.0
    q = {"type": "choice", "points": 1,
         "answer": {"choices": [{"label": c, "text": c} for c in ABCD], "correct": ["A", "C"],
                    "multiple": False}}
    v = compile_question(q).grade("A")
    assert (v.status, v.credit) == ("incorrect", 0.0)


def test_known_wrong_orders_and_vectors_are_checked_in_the_key() -> None:
    bad_order = dict(ORDER, known_wrong=[{"name": "short", "order": ["2", "4", "1"]}])
    with pytest.raises(QuizgenError, match="order must list every step label once"):
        compile_question(bad_order)
    for answer in ({"values": [1.0, 2.0], "sigfigs": 0}, {"values": [1.0, 2.0], "sigfigs": True},
                   {"values": [1.0, 2.0], "sigfigs": 2.5}, {"values": [1.0]}):
        with pytest.raises(QuizgenError):
            compile_question({"type": "vector", "points": 1, "answer": answer})
    two = compile_question({"type": "vector", "points": 1, "answer": {"values": [1.0, 2.0],
                                                                     "sigfigs": 2}})
    assert two.grade("(1.04, 2)").status == "correct"  # 1.0 at two figures


@pytest.mark.parametrize("text, n, parts", [
    ("(1)+(2), (3)", 2, ["(1)+(2)", "(3)"]),  # outer brackets that do not hold the vector
    ("(1,2,3)", 3, ["1", "2", "3"]),          # commas between digits, all alike: separators
    ("[(1, 2), 3]", 2, ["(1, 2)", "3"]),
])
def test_more_vectors_are_split(text: str, n: int, parts: list) -> None:
    assert split_vector(text, n) == parts


def test_an_unknown_part_is_shown_whole_up_to_20_characters() -> None:
    with pytest.raises(ChoiceError) as err:
        parse_selection("y" * 20, ABCD)
    assert str(err.value) == "'" + "y" * 20 + "' is not one of the options A, B, C, D"
    with pytest.raises(ChoiceError) as err:
        parse_selection("y" * 21, ABCD)
    assert str(err.value) == "'" + "y" * 20 + "...' is not one of the options A, B, C, D"


SYMBOLIC_VECTOR = {"type": "vector", "points": 1,
                   "answer": {"expressions": ["2*x", "x^2"], "symbols": {"x": "real"}}}


def test_a_wrong_symbolic_component_is_named_without_a_note() -> None:
    grader = compile_question(SYMBOLIC_VECTOR)
    v = grader.grade("(2x, x^3)")
    assert (v.status, v.credit) == ("partial", 0.5)
    assert v.message == "1 of 2 components is right. Component 2 is not the expected value."
    v = grader.grade("(x, x^3)")
    assert v.message == ("0 of 2 components are right. Component 1 is not the expected value. "
                         "Component 2 is not the expected value.")


def test_a_component_that_is_not_a_number_is_named() -> None:
    grader = compile_question(VECTOR)
    v = grader.grade("(1/2, y, 2)")
    assert (v.status, v.method) == ("rejected", "parse")
    assert v.message.startswith("Component 2 could not be read as a number: unknown name 'y'")
    v = grader.grade("(1/2, -1, 2+)")
    assert v.message.startswith("Component 3 could not be read as a number: the answer ends too early")


@pytest.mark.parametrize("question, message", [
    (dict(SYMBOLIC_VECTOR, answer={"expressions": ["2*x", "x^2"], "symbols": {"x": "complex"}}),
     "vector question: symbol 'x' has unknown domain 'complex'"),
    (dict(SYMBOLIC_VECTOR, answer={"expressions": ["2*x", 2], "symbols": {"x": "real"}}),
     "vector question: answer.expressions[] must be text"),
    (dict(SYMBOLIC_VECTOR, known_wrong=[{"name": "short", "expressions": ["x"]}]),
     "vector question: known_wrong[0]: expressions must list 2 components"),
    (dict(VECTOR, known_wrong=[{"name": "short", "values": [0.5, -1.0]}]),
     "vector question: known_wrong[0]: values must list 3 components"),
])
def test_vector_keys_are_checked(question: dict, message: str) -> None:
    with pytest.raises(QuizgenError) as err:
        compile_question(question)
    assert str(err.value) == message


# ---------------------------------------------------------------- the mutation tool itself

def _mutator():  # type: ignore[no-untyped-def]
    import importlib.util
    import sys
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "bench" / "mutate_grading.py"
    spec = importlib.util.spec_from_file_location("mutate_grading", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["mutate_grading"] = module  # (dataclasses look their module up)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_every_mutant_of_a_module_is_valid_python_and_a_change() -> None:
    import ast

    tool = _mutator()
    source = tool._path("choice").read_text(encoding="utf-8")
    sites = tool.sites(ast.parse(source))
    kinds = {kind for _, kind, _ in sites}
    assert kinds == {"compare", "binop", "boolop", "not", "constant", "delete"}
    original = ast.dump(ast.parse(source))
    for index in range(len(sites)):
        mutated, line, change = tool.mutate(source, index)
        assert ast.dump(ast.parse(mutated)) != original, (line, change)
        assert 1 <= line <= len(source.splitlines())


def test_the_named_equivalent_mutants_are_still_in_the_code() -> None:
    tool = _mutator()
    for (module, key), why in tool.EQUIVALENT.items():
        lines = [line.strip()[:80] for line in tool._path(module).read_text().splitlines()]
        # "change | source line"; a deleted line may hold " | " itself (np.ndarray | float)
        cuts = [i for i in range(len(key)) if key.startswith(" | ", i)]
        assert any(key[i + 3:] in lines for i in cuts), (module, key)
        assert why
