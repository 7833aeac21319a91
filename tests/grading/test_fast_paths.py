"""Shortcuts taken for speed (issue 21) give what the full computation gives."""

from __future__ import annotations

import numpy as np
import pytest

from quizgen.maths.equiv import check_equivalent, clearly_different
from quizgen.maths.evaluate import evaluate_sample
from quizgen.maths.parse import parse_answer
from quizgen.maths.sampling import sample_points

DOMS = {"x": "real", "y": "positive"}


def node(text: str):
    return parse_answer(text, DOMS)


@pytest.mark.parametrize("other, shown", [
    ("x + y", False),              # the same: never "shown different"
    ("y + x", False),
    ("2*(x + y)/2", False),
    ("x - y", True),
    ("x + y + 1", True),
    ("x + y + 1e-30", False),      # below float resolution: left to the full comparison
    ("x + y + heaviside(x - 10^13)", False),  # a jump beyond every sampled point
    ("log(-y)", False),            # no value anywhere: nothing to compare
    ("sqrt(x)^2 + y", False),      # equal where both have a value (x >= 0)
    ("sqrt(x)^2 + y + 1", True),
])
def test_clearly_different_is_sure_and_leaves_the_rest_to_the_full_comparison(other, shown):
    reference = node("x + y")
    got = clearly_different(reference, [node(other)], DOMS, seed=5)
    assert got == [shown]
    if shown:  # the full comparison agrees whenever the shortcut speaks
        assert check_equivalent(reference, node(other), DOMS).status == "different"


def test_clearly_different_checks_each_expression_in_order_at_shared_points():
    got = clearly_different(node("x*y"), [node("x*y + 1"), node("y*x"), node("x/y")], DOMS, seed=9)
    assert got == [True, False, True]
    assert clearly_different(node("2"), [node("4/2"), node("3")], {}, seed=1) == [False, True]


def test_evaluation_does_not_write_into_the_points_it_is_given():
    env = sample_points(DOMS, np.random.default_rng(3), 24)
    before = {k: v.copy() for k, v in env.items()}
    for text in ("x", "y", "-x", "x + 0*y", "1/(x - x)", "log(x)", "x^2 + y"):
        result = evaluate_sample(node(text), env, 24, hidden=True)
        result.values[:] = 7.0  # the result is the caller's own
        result.undefined[:] = True
    assert all(np.array_equal(env[k], before[k]) for k in env)
