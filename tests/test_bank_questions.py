"""Every question of every shipped topic, over many seeds: variants build, keys verify and make sense."""

from __future__ import annotations

import functools
import itertools
import math

import numpy as np
import pytest
import sympy as sp

from quizgen.generation.bank import load_bank
from quizgen.generation.question import Choice, Numeric, Right, Symbolic
from quizgen.generation.variant import compiled, make_variant
from quizgen.generation.verify import sample_domain
from quizgen.kernel.errors import QuestionError

SEEDS = range(50)
STUDENTS = [f"s{i:02d}" for i in range(20)]

BANK = load_bank()
ENTRIES = [e for t in sorted(BANK.topics) for e in BANK.topics[t]]
IDS = [e.id for e in ENTRIES]


@functools.lru_cache(maxsize=None)
def _variants(qid: str):
    """The question and its variants for SEEDS (building one verifies its key, or raises QuestionError)."""
    q = BANK.find(qid).question
    try:
        return q, [make_variant(q, seed, "student") for seed in SEEDS]
    except QuestionError as err:  # pragma: no cover - the failure message is the point
        pytest.fail(f"{q.id}: {err}")


def _of_kind(kind):
    """Question ids with answers of ``kind`` (each test runs only where it applies; no skips)."""
    return [e.id for e in ENTRIES if kind is None or isinstance(e.question.answer, kind)]


@pytest.fixture
def variants(request):
    return _variants(request.param)


def test_bank_has_questions():
    assert ENTRIES, "the shipped bank is empty"
    assert len(set(IDS)) == len(IDS)


@pytest.mark.parametrize("variants", _of_kind(None), indirect=True)
def test_variants_have_text_and_steps(variants):
    q, vs = variants
    for v in vs:
        assert v.question_id == q.id
        assert v.statement.strip()
        assert v.steps, f"{q.id}: no worked solution"
        assert "{{" not in v.statement and "{%" not in v.statement
        for s in v.steps:
            assert "{{" not in s.text


@pytest.mark.parametrize("variants", _of_kind(Numeric), indirect=True)
def test_numeric_answers(variants):
    q, vs = variants
    spec = q.answer
    for v in vs:
        value = v.answer["value"]
        assert math.isfinite(value)
        assert value not in (0.0, 1.0, -1.0)
        tol = max(spec.atol, spec.rtol * abs(value))
        # the key agrees with the question's own independent check
        ref = q.check({k: float(x) for k, x in v.params.items()}, {})
        assert abs(float(ref) - value) <= tol, (q.id, v.params, value, ref)
        assert v.known_wrong, f"{q.id}: no known wrong answers"
        for w in v.known_wrong:
            assert w.value is not None and math.isfinite(w.value)
            assert abs(w.value - value) > tol, (q.id, w.name, v.params)


def _points(symbols, n=24, seed=0):
    rng = np.random.default_rng(seed)
    return {name: sample_domain(dom, rng, n) for name, dom in symbols.items()}


@pytest.mark.parametrize("variants", _of_kind(Symbolic), indirect=True)
def test_symbolic_keys_match_check(variants):
    q, vs = variants
    names = list(q.answer.symbols)
    local = {n: sp.Symbol(n) for n in names}
    for i, v in enumerate(vs):
        key = sp.sympify(v.answer["expression"], locals=local)  # the key is trusted text
        assert key.free_symbols <= set(local.values()), (q.id, key)
        x = _points(q.answer.symbols, seed=i)
        with np.errstate(all="ignore"):
            got = np.broadcast_to(np.asarray(sp.lambdify([local[n] for n in names], key, "numpy")(*(x[n] for n in names)), dtype=float), (24,))
            ref = np.broadcast_to(np.asarray(q.check({k: float(val) for k, val in v.params.items()}, x), dtype=float), (24,))
        assert np.all(np.isfinite(got)), (q.id, v.answer["expression"])
        assert np.allclose(got, ref, rtol=1e-5, atol=1e-8), (q.id, v.answer["expression"])
        assert len(v.known_wrong) >= 3, f"{q.id}: fewer than 3 misconceptions"
        for w in v.known_wrong:
            wrong = sp.sympify(w.expression, locals=local)
            with np.errstate(all="ignore"):
                wv = np.broadcast_to(np.asarray(sp.lambdify([local[n] for n in names], wrong, "numpy")(*(x[n] for n in names)), dtype=float), (24,))
            assert not np.allclose(wv, ref, rtol=1e-5, atol=1e-8), (q.id, w.name)


@pytest.mark.parametrize("variants", _of_kind(Choice), indirect=True)
def test_choice_options(variants):
    q, vs = variants
    declared = len(compiled(q).derivation.answer) if q.answer.multiple else 1
    for v in vs:
        labels = [o.label for o in v.options]
        assert len(set(labels)) == len(labels)
        texts = [o.text for o in v.options]
        assert len(set(texts)) == len(texts), (q.id, texts)
        correct = v.answer["correct"]
        assert len(correct) == declared, (q.id, correct)
        assert len(set(correct)) == len(correct) and set(correct) <= set(labels)
        assert v.answer["multiple"] is q.answer.multiple
        wrong_labels = {w.choice for w in v.known_wrong}
        assert wrong_labels.isdisjoint(correct)
        assert wrong_labels | set(correct) == set(labels)
        assert len(v.known_wrong) >= 3


def test_choice_shuffles_options():
    """Across students the correct option does not always carry the same label."""
    for e in ENTRIES:
        if isinstance(e.question.answer, Choice):
            seen = {tuple(make_variant(e.question, 1, s).answer["correct"]) for s in STUDENTS}
            assert len(seen) > 1, e.id


def test_every_question_varies_between_students():
    """A question without parameters would give every student the same sheet."""
    for e in ENTRIES:
        combos = math.prod(len(p.values) for p in e.question.params)
        assert combos >= 15, f"{e.id}: only {combos} parameter combinations"


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_students_get_different_parameters(entry):
    params = [tuple(sorted(make_variant(entry.question, 7, s).params.items())) for s in STUDENTS]
    pairs = list(itertools.combinations(params, 2))
    distinct = sum(a != b for a, b in pairs) / len(pairs)
    assert distinct >= 0.8, f"{entry.id}: only {distinct:.0%} of student pairs differ"


def test_variants_are_reproducible():
    for e in ENTRIES:
        a, b = make_variant(e.question, 3, "alice"), make_variant(e.question, 3, "alice")
        assert a == b, e.id


def test_texts_are_paragraphs_without_line_breaks_inside():
    """What the outputs rely on, now that question files write long texts as indented blocks
    (question.unwrap): each statement, step and feedback is one-line paragraphs separated by one
    blank line, as when the files wrote them as strings (the bank has no lists or tables in its texts)."""
    for e in ENTRIES:
        d = compiled(e.question).derivation
        rights = [r.feedback for r in (d.answer if isinstance(d.answer, tuple) else ()) if isinstance(r, Right)]
        for text in (e.question.statement, *(s.text for s in d.steps), *(w.feedback for w in d.wrong), *rights):
            paragraphs = text.split("\n\n")
            assert all(p and p == p.strip() and "\n" not in p for p in paragraphs), f"{e.id}: {text!r}"
