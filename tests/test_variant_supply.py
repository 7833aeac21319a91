"""Every shipped question has enough distinct variants for a class of 30 (the count `make` warns with).

`variant_supply` counts the parameter sets a question's grid and constraint allow; a set that
makes the question ill-posed (a misconception giving the answer's number, a claim on its
borderline) is redrawn, so for the small grids the test also builds the variants and counts
those that are well-posed.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest

from quizgen.generation.bank import load_bank
from quizgen.generation.exam import variant_supply
from quizgen.generation.variant import _instance

CLASS = 30
ENTRIES = load_bank().topic("mle")
#: the questions whose grids were widened for issue 7: at least 60 distinct variants each
WIDENED = ("density_above_one_truefalse", "gradient_ratio", "mse_from_gaussian_order", "gaussian_nll",
           "sigmoid_bce_gradient", "sigmoid_mse_gradient", "bernoulli_kl_gradient", "kl_cross_entropy_choice",
           "proper_scoring_select")
#: grids up to this size are small enough that a share of redrawn sets could leave too few variants
ENUMERATE_UP_TO = 120


def _well_posed(q, needed: int) -> int:
    """How many parameter sets, in grid order, give a well-posed variant (stops at ``needed``)."""
    names = [p.name for p in q.params]
    found = 0
    for combo in itertools.product(*(p.values for p in q.params)):
        drawn = dict(zip(names, combo))
        if q.constraint is not None and not q.constraint({k: Fraction(v) for k, v in drawn.items()}):
            continue
        if not isinstance(_instance(q, tuple(sorted(drawn.items())), 1), str):
            found += 1
            if found == needed:
                break
    return found


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
def test_every_question_has_variants_for_a_class(entry):
    assert variant_supply(entry.question) >= CLASS, f"{entry.id}: {variant_supply(entry.question)} variants"


@pytest.mark.parametrize("name", WIDENED)
def test_the_widened_questions_have_at_least_60_variants(name):
    (entry,) = [e for e in ENTRIES if e.id == f"mle/{name}"]
    assert variant_supply(entry.question) >= 60


@pytest.mark.parametrize("entry", [e for e in ENTRIES if variant_supply(e.question) <= ENUMERATE_UP_TO],
                         ids=lambda e: e.id)
def test_small_grids_have_a_class_worth_of_well_posed_variants(entry):
    assert _well_posed(entry.question, CLASS) == CLASS
