"""The answer types beyond numeric/symbolic/single choice: grading rules, keys and rendering."""

from __future__ import annotations

import json

import pytest

from quizgen.export import render_exam
from quizgen.generation.bank import load_bank
from quizgen.generation.exam import build_exam, version_names
from quizgen.generation.key import build_key, dumps
from quizgen.generation.variant import make_variant
from quizgen.grading import compile_question
from quizgen.grading.keyfile import load_key
from quizgen.grading.structured import longest_run, order_credit, split_vector, VectorError

BANK = load_bank()


# ------------------------------------------------------------------------------ order
ORDER = {"type": "order", "answer": {"items": [{"label": str(i), "text": f"s{i}"} for i in range(1, 5)],
                                     "correct": ["3", "1", "4", "2"]},
         "known_wrong": [{"name": "swap", "order": ["1", "3", "4", "2"], "feedback": "IID first.", "credit": 0.25}]}


@pytest.mark.parametrize("text", ["3,1,4,2", "3 1 4 2", "3; 1; 4; 2", "3 -> 1 -> 4 -> 2", "3142", "(3, 1, 4, 2)"])
def test_order_accepts_the_documented_spellings(text):
    v = compile_question(ORDER).grade(text)
    assert (v.status, v.credit) == ("correct", 1.0)


@pytest.mark.parametrize("answer,run,credit", [
    (["3", "1", "2", "4"], 3, 0.75),  # 3,1,4 in order, 2 between 1 and 4 (Moodle's contiguous subset)
    (["2", "3", "1", "4"], 3, 0.75),  # 3,1,4
    (["1", "3", "2", "4"], 2, 0.5),  # 1 then 4 (3 is followed by 1 in the right order, not after it here)
    (["2", "4", "1", "3"], 1, 0.0),  # reversed: no run
    (["3", "1", "4", "2"], 4, 1.0),
])
def test_order_credit_is_the_longest_correct_run(answer, run, credit):
    assert longest_run(answer, ["3", "1", "4", "2"])[0] == run
    assert order_credit(answer, ["3", "1", "4", "2"]) == credit


def test_order_credit_is_moodles_longest_contiguous_subset():
    """Every order of 5 steps gets the credit Moodle's ordering question gives it (tests/lms_scorer.py,
    from qtype_ordering's get_ordered_subsets), so an exported ordering question scores the same."""
    from itertools import permutations

    from lms_scorer import ordering_fraction

    correct = ["2", "5", "1", "4", "3"]
    for answer in permutations(correct):
        moodle = ordering_fraction([correct.index(label) for label in answer], len(correct))
        assert order_credit(list(answer), correct) == pytest.approx(moodle), answer


def test_order_feedback_names_the_run_and_known_wrong_orders():
    g = compile_question(ORDER)
    v = g.grade("2,3,1,4")
    assert (v.status, v.credit) == ("partial", 0.75)
    assert "3, 1, 4" in v.message and "3 of 4" in v.message
    v = g.grade("1,3,4,2")
    assert (v.misconception, v.credit, v.message) == ("swap", 0.25, "IID first.")


@pytest.mark.parametrize("text,says", [
    ("3,1,4", "step 2 is missing"), ("3,1,4,4", "step 4 appears more than once"),
    ("3,1,5,2", "'5' is not a step number"), ("first 3 then 1", "not a step number"),
])
def test_malformed_orders_are_refused_with_how_to_write_them(text, says):
    v = compile_question(ORDER).grade(text)
    assert v.status == "rejected" and v.credit == 0
    assert says in v.message and "for example 4, 3, 2, 1" in v.message


# ------------------------------------------------------------------------------ vector
VEC = {"type": "vector", "answer": {"values": [0.25, -0.5, 0.25], "rtol": 1e-3, "atol": 1e-9, "sigfigs": None},
       "known_wrong": [{"name": "sign", "values": [-0.25, 0.5, -0.25], "feedback": "Sign.", "credit": 0.25}]}


@pytest.mark.parametrize("text", ["(0.25, -0.5, 0.25)", "[1/4, -1/2, 0.25]", "0.25, -0.5, 0.25", "(0.25; -0.5; 0.25)"])
def test_vector_spellings(text):
    assert compile_question(VEC).grade(text).status == "correct"


def test_vector_is_graded_component_wise_with_feedback_per_component():
    v = compile_question(VEC).grade("(0.25, 0.5, 0.3)")
    assert (v.status, v.credit) == ("partial", pytest.approx(1 / 3))
    assert "1 of 3 components is right" in v.message
    assert "Component 2" in v.message and "sign is flipped" in v.message and "Component 3" in v.message
    assert v.detail["components"] == [True, False, False]
    v = compile_question(VEC).grade("(-0.25, 0.5, -0.25)")
    assert (v.misconception, v.credit, v.message) == ("sign", 0.25, "Sign.")


@pytest.mark.parametrize("text,says", [
    ("(0.25, -0.5)", "expected 3 components, got 2"),
    ("0.25", "not one value"),
    ("(0,25, -0,5, 0,25)", "decimal comma"),
    ("(0.25, , 0.25)", "a component is empty"),
    ("(0.25, x, 0.25)", "Component 2 could not be read"),
])
def test_vector_refusals_say_how_to_write_it(text, says):
    v = compile_question(VEC).grade(text)
    assert v.status == "rejected" and says in v.message


def test_split_vector_keeps_function_arguments_together():
    assert split_vector("(exp(1)/(1+exp(1)), max(1, 2))", 2) == ["exp(1)/(1+exp(1))", "max(1, 2)"]
    with pytest.raises(VectorError):
        split_vector("(1)*(2)", 2)


def test_symbolic_vector_components():
    q = {"type": "vector", "answer": {"expressions": ["q1 - 1", "q2"], "symbols": {"q1": "unit_interval", "q2": "unit_interval"}},
         "known_wrong": [{"name": "no_target", "expressions": ["q1", "q2"], "feedback": "Subtract y.", "credit": 0}]}
    g = compile_question(q)
    assert g.grade("[-(1 - q1), q2]").status == "correct"
    assert g.grade("(q1, q2)").misconception == "no_target"
    v = g.grade("(q1 - 1, 2*q2)")
    assert v.credit == 0.5 and "Component 2" in v.message


# ------------------------------------------------------------------------------ true/false with the reason
TF = {"type": "truefalse", "answer": {"value": False, "truth_credit": 0.5, "truth_feedback": "Compute it.",
                                      "reason": {"choices": [{"label": "A", "text": "1.14"}, {"label": "B", "text": "0.8"},
                                                             {"label": "C", "text": "prose"}], "correct": "A"}},
      "known_wrong": [{"name": "sq", "choice": "B", "feedback": "Sigma, not sigma squared.", "credit": 0.5},
                      {"name": "prob", "choice": "C", "feedback": "A density is not a probability.", "credit": 0}]}


@pytest.mark.parametrize("text,credit", [("false, A", 1.0), ("F; a", 1.0), ("false because A", 1.0),
                                         ("true, A", 0.5), ("false, C", 0.5), ("false, B", 0.75), ("true, C", 0.0)])
def test_truefalse_with_reason_credits_both_parts(text, credit):
    assert compile_question(TF).grade(text).credit == pytest.approx(credit)


def test_truefalse_with_reason_feedback_covers_both_parts():
    v = compile_question(TF).grade("true, C")
    assert "The statement is false." in v.message and "Compute it." in v.message
    assert "A density is not a probability." in v.message and v.misconception == "prob"
    v = compile_question(TF).grade("false, C")
    assert "indeed false" in v.message


def test_truefalse_without_a_reason_says_why_the_statement_has_its_truth():
    plain = {"type": "truefalse", "answer": {"value": False, "truth_feedback": "Compute it."}}
    v = compile_question(plain).grade("true")
    assert v.credit == 0 and v.message == "The statement is false. Compute it."
    assert compile_question({"type": "truefalse", "answer": {"value": False}}).grade("true").message == \
        "The statement is false."


@pytest.mark.parametrize("text", ["false", "A", "false, A, B", "maybe, A", "false, D"])
def test_truefalse_with_reason_refuses_incomplete_answers(text):
    v = compile_question(TF).grade(text)
    assert v.status == "rejected" and "true or false, then the letter of the reason" in v.message


# ------------------------------------------------------------------------------ multiple select
MULTI = {"type": "choice", "answer": {"choices": [{"label": x, "text": x} for x in "ABCD"], "correct": ["A", "C"],
                                      "multiple": True, "explain": {"A": "A is proper.", "C": "C is proper."}},
         "known_wrong": [{"name": "b", "choice": "B", "feedback": "B is linear.", "credit": 0},
                         {"name": "d", "choice": "D", "feedback": "D is swapped.", "credit": 0}]}


def test_multiple_select_feedback_for_each_wrong_pick_and_missed_option():
    g = compile_question(MULTI)
    v = g.grade("A, B")
    assert v.credit == 0.0
    assert "You chose B: B is linear." in v.message and "You missed C: C is proper." in v.message
    v = g.grade("A")
    assert v.credit == 0.5 and "You missed C: C is proper." in v.message and "You chose" not in v.message
    assert g.grade("C, A").status == "correct"


# ------------------------------------------------------------------------------ manual
def test_manual_answers_are_listed_for_a_person_never_scored():
    q = {"type": "manual", "answer": {"model_answer": "m", "rubric": ["overconfidence"], "followups": []}}
    v = compile_question(q).grade("It is overconfident; use temperature scaling.")
    assert (v.status, v.credit, v.method) == ("manual", 0.0, "manual")
    assert v.detail == {"needs_review": True, "rubric": ["overconfidence"]}
    assert compile_question(q).grade("  ").status == "empty"


# ------------------------------------------------------------------------------ the example questions
EXAMPLES = {
    "mle/softmax_gradient_vector": "vector", "mle/density_above_one_truefalse": "truefalse",
    "mle/mse_from_gaussian_order": "order", "mle/onehot_calibration_interview": "manual",
    "mle/proper_scoring_select": "choice",
}


@pytest.mark.parametrize("qid,kind", EXAMPLES.items())
def test_example_questions_render_and_their_keys_load(qid, kind, tmp_path):
    entry = BANK.find(qid)
    assert entry.question.kind == kind
    exam = build_exam([entry], seed=11, students=version_names(3))
    files = render_exam(exam, ["md", "tex", "json"])
    assert render_exam(build_exam([entry], seed=11, students=version_names(3)), ["md", "tex", "json"]) == files
    (tmp_path / "key.json").write_text(files["key.json"], encoding="utf-8")
    key = load_key(tmp_path / "key.json")
    assert key.versions[0].questions[0].type == kind
    sheet, solutions = files["sheet-v01.md"], files["solutions-v01.md"]
    tex = files["solutions-v01.tex"]
    if kind == "manual":
        entry_key = json.loads(files["key.json"])["versions"][0]["questions"][0]["answer"]
        assert "**Model answer.**" in solutions and "**Listen for:**" in solutions and "**Follow-up questions:**" in solutions
        assert all(r in solutions for r in entry_key["rubric"]) and "Model answer" not in sheet
        assert r"\textbf{Model answer.}" in tex
    if kind == "order":
        assert "Put these steps in order" in sheet and r"\item[\textbf{1.}]" in tex
    if kind == "truefalse":
        assert "True or false? Answer with `true` or `false`" in sheet
    if kind == "vector":
        assert "components in brackets" in sheet


def test_order_steps_are_shuffled_per_variant_and_never_in_the_right_order():
    q = BANK.find("mle/mse_from_gaussian_order").question
    orders = set()
    for seed in range(40):
        v = make_variant(q, seed, "s")
        assert v.answer["correct"] != [o.label for o in v.options]
        orders.add(tuple(v.answer["correct"]))
        assert make_variant(q, seed, "s") == v
    assert len(orders) >= 10


def test_the_key_of_the_new_types_is_stable_bytes():
    entries = [BANK.find(qid) for qid in EXAMPLES]
    a = dumps(build_key(build_exam(entries, seed=5, students=["x", "y"])))
    b = dumps(build_key(build_exam(entries, seed=5, students=["x", "y"])))
    assert a == b
