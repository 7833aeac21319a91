"""make -> key.json -> grade: every key's own answer is right and every known wrong answer is recognised.

This is the contract between the two halves of quizgen: the plain expressions and numbers that
`quizgen make` writes must read back through the safe parser, and each misconception it derives
must be told apart from the answer and named.
"""

from __future__ import annotations

import json

import pytest

from quizgen.generation.bank import load_bank
from quizgen.generation.exam import build_exam, version_names
from quizgen.generation.key import answer_text, build_key, wrong_credit, wrong_text
from quizgen.grading import compile_question

ENTRIES = load_bank().topic("mle")
KEYS = [json.loads(json.dumps(build_key(build_exam(ENTRIES, seed=s, students=version_names(5))))) for s in (99, 2026, 7)]
QUESTIONS = [q for key in KEYS for v in key["versions"] for q in v["questions"]]


@pytest.mark.parametrize("q", QUESTIONS, ids=[f"{q['id']}#{i}" for i, q in enumerate(QUESTIONS)])
def test_key_answers_grade_correct_and_misconceptions_are_named(q):
    grader = compile_question(q)
    own = answer_text(q)
    if own is None:  # manual: never scored, listed for a person
        verdict = grader.grade("The model is overconfident.")
        assert (verdict.status, verdict.credit, verdict.detail["needs_review"]) == ("manual", 0.0, True)
        return
    verdict = grader.grade(own)
    assert verdict.status == "correct", (q["id"], verdict.message)
    assert verdict.credit == 1.0
    if q["type"] == "numeric":
        assert grader.grade(q["answer"]["exact"]).status == "correct"
    for w in q["known_wrong"]:
        text = wrong_text(q, w)
        if text is None:  # a derivation's mistake found by what a step does: the corpus checks it
            assert q["type"] == "derivation" and w["detect"] in ("dropped_term", "lost_factor", "undefined")
            continue
        verdict = grader.grade(text)
        credit = wrong_credit(q, w)
        assert verdict.misconception == w["name"], (q["id"], w["name"], verdict.message)
        assert verdict.credit == pytest.approx(credit)
        assert verdict.status == ("partial" if credit > 0 else "incorrect")


def test_every_question_and_type_is_covered():
    assert {q["id"] for q in QUESTIONS} == {e.id for e in load_bank().topic("mle")}
    assert {q["type"] for q in QUESTIONS} == {"numeric", "symbolic", "choice", "truefalse", "order", "vector", "manual",
                                              "derivation"}
