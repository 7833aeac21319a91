"""The labelled corpus (tests/grading/derivation_corpus.py) graded through the bank's own keys.

The test that matters most: no step labelled invalid is ever classified valid. Every other label
is checked exactly too (valid steps get their kind; an invalid first step is named as the
misconception its label gives), so a regression either way fails here.
"""

from __future__ import annotations

import functools

import pytest

from quizgen.grading.item import compile_question
from derivation_corpus import CORPUS, PARAMS, Case

VALID = {"E": "equal", "S": "same_minimiser", "M": "monotone"}


@functools.lru_cache(maxsize=None)
def grader(question: str):
    from quizgen.generation.bank import load_bank
    from quizgen.generation.key import question_key
    from quizgen.generation.variant import Variant, _instance

    q = load_bank().find(f"mle/{question}").question
    drawn = tuple(sorted(PARAMS[question].items()))
    variant = Variant(seed=0, **_instance(q, drawn, 0))
    return compile_question(question_key(variant, 1))


def test_the_corpus_is_large_and_covers_every_question_and_kind():
    assert len(CORPUS) >= 200
    assert {c.question for c in CORPUS} == set(PARAMS)
    labels = [k for c in CORPUS for k in c.kinds]
    for kind in ("E", "S", "M", "X"):
        assert labels.count(kind) >= 20, kind
    assert all(c.reason for c in CORPUS)
    # every named misconception of every question is exercised somewhere
    for question in PARAMS:
        named = {c.misconception for c in CORPUS if c.question == question}
        for known in grader(question).misconceptions:
            if known.forms:
                assert known.name in named, (question, known.name)


def _id(case: Case) -> str:
    return f"{case.question}:{case.reason[:40]}"


@pytest.mark.parametrize("case", CORPUS, ids=[_id(c) for c in CORPUS])
def test_case(case: Case):
    verdict = grader(case.question).grade(case.text)
    assert verdict.status != "rejected", verdict.message
    got = [s["kind"] for s in verdict.detail["steps"]]
    assert len(got) == len(case.kinds), (got, case.kinds)
    for k, (want, kind) in enumerate(zip(case.kinds, got), 1):
        if want in ("X", "U"):
            # the requirement: a broken step is never accepted
            assert kind not in VALID.values(), f"line {k} is {kind}, labelled invalid: {case.reason}\n{verdict.message}"
            if want == "X":
                assert kind == "invalid", f"line {k}: {kind}\n{verdict.message}"
        else:
            assert kind == VALID[want], f"line {k} is {kind}, labelled {VALID[want]}: {case.reason}\n{verdict.message}"
    if case.misconception:  # the question's name for it, or the generic detector's
        first = next(s for s in verdict.detail["steps"] if s["kind"] == "invalid")
        named = {verdict.misconception, (first.get("diagnosis") or {}).get("detect")}
        assert case.misconception in named, verdict.message
    if all(k in VALID for k in case.kinds):
        assert verdict.misconception is None
