"""Property-based fuzzing: any text gives a Verdict quickly; generated expressions are
equivalent to themselves and to rewritten forms."""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizgen.grading import Verdict, compile_question
from quizgen.maths.equiv import check_equivalent
from quizgen.maths.parse import parse_answer

DOMAINS = {"x": "real", "y": "positive", "p": "unit_interval"}
GRADER = compile_question({
    "type": "symbolic", "points": 1,
    "answer": {"expression": "x*log(y) + sigmoid(x)/p", "symbols": DOMAINS},
    "known_wrong": [{"name": "w", "expression": "x*log(y)", "credit": 0.5}],
})
ALPHABET = st.sampled_from(list("xyp0123456789+-*/^().,| eσπ√²_{}\\") +
                           ["log", "exp", "sqrt", "\\frac", "\\sigma", "sigmoid", "**",
                            "\x00", "\u202e", "−", "×"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ALPHABET, max_size=40).map("".join))
def test_any_text_gives_a_verdict(text: str) -> None:
    start = time.perf_counter()
    verdict = GRADER.grade(text)
    assert isinstance(verdict, Verdict)
    assert verdict.status in ("correct", "partial", "incorrect", "rejected", "empty")
    assert 0.0 <= verdict.credit <= 1.0
    assert time.perf_counter() - start < 3.0


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_unicode_gives_a_verdict(text: str) -> None:
    assert isinstance(GRADER.grade(text), Verdict)


LEAVES = st.sampled_from(["x", "y", "p", "2", "3", "1/2", "pi", "0.25"])


def _combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    binary = st.tuples(children, st.sampled_from(["+", "-", "*", "/"]), children).map(
        lambda t: f"({t[0]}){t[1]}({t[2]})")
    power = st.tuples(children, st.sampled_from(["2", "3", "-1"])).map(
        lambda t: f"({t[0]})^{t[1]}")
    call = st.tuples(st.sampled_from(["exp", "log", "sqrt", "sigmoid", "abs"]), children).map(
        lambda t: f"{t[0]}({t[1]})")
    return st.one_of(binary, power, call)


EXPRESSIONS = st.recursive(LEAVES, _combine, max_leaves=6)
REWRITES = ["1*({})", "({})+0", "2*({})/2", "-(-({}))", "({})*x/x", "({}) + log(y) - log(y)"]


@settings(max_examples=120, deadline=None)
@given(EXPRESSIONS, st.sampled_from(REWRITES))
def test_generated_expression_equivalences(text: str, rewrite: str) -> None:
    node = parse_answer(text, DOMAINS)
    same = check_equivalent(node, node, DOMAINS, prove=False)
    assert same.status in ("equivalent", "undecided")
    rewritten = parse_answer(rewrite.format(text), DOMAINS)
    result = check_equivalent(node, rewritten, DOMAINS, prove=False)
    assert result.status in ("equivalent", "undecided"), (text, rewrite, result.describe())
