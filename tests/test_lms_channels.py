"""Moodle XML and Canvas QTI as the LMS scores them (tests/lms_scorer.py), over every question of the
bank of one kind: the defects that made the LMS grade differ from ``quizgen grade``."""

from __future__ import annotations

import json
import re

import pytest

from lms_scorer import canvas_items, moodle_questions, plain
from quizgen.export import notes, render_exam
from quizgen.export.base import Options
from quizgen.generation.bank import load_bank
from quizgen.generation.exam import build_exam
from quizgen.generation.key import expand_key

STUDENTS = ["ana", "ben"]


def _skeleton(text: str) -> str:
    """Letters and digits: the same sentence from Markdown ($…$) and from LMS HTML (\\(…\\))."""
    return re.sub(r"[\W_]+", "", plain(text.replace("\\(", " ").replace("\\)", " ").replace("$", " "))).casefold()


def _exam(kind: str):
    bank = load_bank()
    entries = [e for e in bank.topic("mle") if e.question.kind == kind]
    assert entries, kind
    exam = build_exam(entries, seed=17, students=STUDENTS, topic="mle", jobs=1)
    files = render_exam(exam, ["json", "moodle", "qti"])
    key = expand_key(json.loads(files["key.json"]))
    return exam, key, moodle_questions(files["moodle.xml"]), canvas_items(files["canvas-qti.zip"])


def _canvas(items, q, student):
    return items[f"{q['number']:02d} {q['title']} [{student}]"]  # titles repeat across questions


@pytest.fixture(scope="module")
def truefalse():
    return _exam("truefalse")


def test_truefalse_explanation_is_the_feedback_of_the_wrong_answer_in_moodle_and_canvas(truefalse):
    """The sentence that explains the mistake (``truth_feedback``) was attached to the right answer,
    so a right answer read "Compute both directions rather than assume…" and a wrong one nothing."""
    _, key, moodle, canvas = truefalse
    seen = 0
    for version in key["versions"]:
        for q in version["questions"]:
            why = q["answer"].get("truth_feedback")
            assert why, q["id"]
            truth = q["answer"]["value"]
            m = moodle[f"{q['id']}:{version['student']}"]
            c = _canvas(canvas, q, version["student"])
            right_c, wrong_c = (0, 1) if truth else (1, 0)  # True is listed first
            for shown, right in ((m.score(truth), True), (m.score(not truth), False),
                                 (c.score(right_c), True), (c.score(wrong_c), False)):
                text = _skeleton(" ".join(shown.feedback))
                assert (_skeleton(why) in text) == (not right), (q["id"], right, shown)
                assert (shown.points == q["points"]) == right
            seen += 1
    assert seen == 2 * 5


@pytest.fixture(scope="module")
def vectors():
    return _exam("vector")


def test_moodle_marks_a_vector_out_of_its_points_or_make_says_how_to_set_them(vectors):
    """The cloze of softmax_gradient_vector had three blanks of weight 1 and <defaultgrade>2</…>:
    Moodle ignores defaultgrade for a cloze and marked it out of 3."""
    exam, key, moodle, _ = vectors
    lines = notes(exam, ["moodle"], Options())
    checked = 0
    for version in key["versions"]:
        for q in version["questions"]:
            m = moodle[f"{q['id']}:{version['student']}"]
            weights = {b.weight for b in m.blanks}
            assert len(weights) == 1 and len(m.blanks) == len(q["answer"]["values"])  # equal shares
            said = [line for line in lines if f"({q['id']}, vector)" in line]
            if m.mark == q["points"]:
                assert not any("maximum mark" in line for line in said)
            else:
                assert m.mark % q["points"] == 0
                assert any(f"set its maximum mark to {q['points']:g} in the quiz" in line for line in said), said
            right = m.score([repr(x) for x in q["answer"]["values"]])
            assert right.points == m.mark
            checked += 1
    assert checked == 2 * 5
    assert any("maximum mark" in line for line in lines)  # softmax_gradient_vector: 3 blanks, 2 points


def test_cloze_feedback_is_the_misconceptions_sentence_and_numbers_have_no_float_noise(vectors):
    """The blanks' feedback was the misconception's id ("sign flip") and values read -0.0499999999999999."""
    _, key, moodle, _ = vectors
    for version in key["versions"]:
        for q in version["questions"]:
            m = moodle[f"{q['id']}:{version['student']}"]
            for blank in m.blanks:
                for a in blank.answers:
                    assert not re.search(r"(9{6}|0{6})\d$", a.text), a.text
            for w in q["known_wrong"]:
                shown = m.score([repr(x) for x in w["values"]])
                texts = [_skeleton(f) for f in shown.feedback]
                assert _skeleton(w["feedback"]) in texts, (q["id"], w["name"], shown.feedback)
                assert w["name"].replace("_", " ") not in " ".join(shown.feedback)


def test_canvas_asks_a_vector_as_one_blank_per_component_each_scored_on_its_own(vectors):
    """Vector questions were left out of Canvas ("no vector answers in Canvas QTI"). They are fill-in-
    the-blanks questions: a component typed to the sheet's 4 figures (or fewer, within the key's
    tolerance) is right, each worth its share; 5 figures are text Canvas does not know."""
    from decimal import Decimal

    from quizgen.generation.numbers import fmt_number

    _, key, _, canvas = vectors
    for version in key["versions"]:
        for q in version["questions"]:
            item = _canvas(canvas, q, version["student"])
            assert item.qtype == "fill_in_multiple_blanks_question" and item.points == q["points"]
            values = q["answer"]["values"]
            assert item.score([fmt_number(x, 4) for x in values]).points == q["points"]
            half = [fmt_number(x, 4) if i % 2 == 0 else fmt_number(-3 * x - 1, 4) for i, x in enumerate(values)]
            right = sum(1 for i in range(len(values)) if i % 2 == 0)
            assert item.score(half).points == pytest.approx(q["points"] * right / len(values))
            five = [format(Decimal(f"{x:.12g}").quantize(Decimal(1).scaleb(Decimal(f"{x:.12g}").adjusted() - 4)), "f")
                    for x in values]  # 0.60000, 0.46831: right for quizgen, text Canvas does not list
            assert item.score(five).points == 0
            assert item.score([""] * len(values)).points == 0
