"""Properties of variants over arbitrary seeds and student ids (hypothesis)."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from quizgen.generation.bank import load_bank
from quizgen.generation.exam import STUDENT_ID
from quizgen.generation.key import question_key
from quizgen.generation.variant import make_variant
from quizgen.kernel.seeds import variant_seed

ENTRIES = load_bank().topic("mle")
seeds = st.integers(min_value=0, max_value=2**63 - 1)
students = st.from_regex(STUDENT_ID, fullmatch=True)


@settings(max_examples=40, deadline=None)
@given(seed=seeds, student=students, index=st.integers(0, len(ENTRIES) - 1))
def test_any_seed_and_student_give_a_verified_reproducible_variant(seed, student, index):
    q = ENTRIES[index].question
    a = make_variant(q, seed, student)  # raises QuestionError if the key disagrees with check()
    b = make_variant(q, seed, student)
    assert a == b
    key = question_key(a, 1)
    assert json.loads(json.dumps(key)) == key  # JSON-clean: no NaN, no SymPy objects
    assert key["variant_seed"] == variant_seed(seed, q.id, student)


@settings(max_examples=200, deadline=None)
@given(seed=seeds, a=students, b=students)
def test_variant_seeds_separate_students_and_questions(seed, a, b):
    if a != b:
        assert variant_seed(seed, "mle/x", a) != variant_seed(seed, "mle/x", b)
    assert variant_seed(seed, "mle/x", a) != variant_seed(seed, "mle/y", a)
