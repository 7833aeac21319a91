"""The sheet's rule for decimals inside symbolic answers: "numbers to at least 4 significant figures".

A decimal given to that precision in place of an exact constant gets full credit, with a note
naming the constant; a coarser one gets 0 with how many figures are needed; an exam made with
``--exact-constants`` asks for exact constants; ``quizgen equiv`` without ``--key`` stays exact.
"""

from __future__ import annotations

import time

import pytest
from click.testing import CliRunner

from quizgen.cli import main
from quizgen.grading.item import compile_question

SIGMA_11 = {"type": "symbolic", "points": 2,
            "answer": {"expression": "log(2)/2 + log(pi)/2 + 25*(y - y_hat)**2/(2*(11/10)**2*25) + log(11/10)",
                       "symbols": {"y": "real", "y_hat": "real"}},
            "known_wrong": [{"name": "lost_half", "credit": 0.5, "feedback": "The exponent has a factor 1/2.",
                             "expression": "log(2)/2 + log(pi)/2 + (y - y_hat)**2/(11/10)**2 + log(11/10)"}]}
#: gradient_ratio with sigma = 7.7: c = -m/(2 sigma^2)
RATIO = {"type": "symbolic", "points": 2, "answer": {"expression": "-50*m/5929", "symbols": {"m": "positive_integer"}},
         "known_wrong": [{"name": "sign_flip", "credit": 0.5, "feedback": "The gradients point in opposite directions.",
                          "expression": "50*m/5929"}]}


def grade(entry: dict, text: str):
    return compile_question(entry).grade(text)


@pytest.mark.parametrize("entry, text, constant", [
    # the two answers, which got 0 ("close but not equal (rounded?)")
    (SIGMA_11, "(y-y_hat)^2/(2*1.1^2) + log(1.1) + 0.9189", "log(2)/2 + log(pi)/2"),
    (RATIO, "-0.008433*m", "-50/5929"),
    (SIGMA_11, "0.4132*(y - y_hat)^2 + 1.014", "50/121"),  # every constant rounded
    (SIGMA_11, "(y-y_hat)^2/(2*1.1^2) + log(1.1) + 0.9190", "log(2)/2 + log(pi)/2"),  # 4 figures, last one off by one unit
])
def test_a_decimal_to_the_sheets_figures_in_place_of_a_constant_is_right_with_a_note(entry, text, constant):
    v = grade(entry, text)
    assert (v.status, v.credit) == ("correct", 1.0), v.message
    assert "read as" in v.message and constant in v.message
    assert {d["constant"] for d in v.detail["decimals"]} & {constant}


def test_a_decimal_for_a_constant_the_key_does_not_spell_is_read_by_its_value():
    v = grade(SIGMA_11, "(y-y_hat)^2/(2*1.1^2) + log(1.1) + 0.5*log(6.283)")  # 6.283 for 2*pi
    assert v.status == "correct" and "6.283 as 6.28318" in v.message
    v = grade(SIGMA_11, "(y-y_hat)^2/(2*1.1^2) + log(1.1*2.507)")  # 2.507 for sqrt(2*pi)
    assert v.status == "correct" and "2.507 as 2.50662" in v.message


@pytest.mark.parametrize("text, short, better", [
    ("(y-y_hat)^2/(2*1.1^2) + log(1.1) + 0.919", "0.919 has 3 significant figures", "0.9189"),
    ("-0.0084*m", "-0.0084 has 2 significant figures", "-0.008433"),
    ("(y-y_hat)^2/2.42 + 0.0953 + 0.9189", "0.0953 has 3 significant figures", "0.09531"),  # the other one is fine
])
def test_a_coarser_decimal_gets_nothing_and_says_how_many_figures(text, short, better):
    entry = RATIO if "m" in text else SIGMA_11
    v = grade(entry, text)
    assert (v.status, v.credit) == ("incorrect", 0.0)
    assert short in v.message and "at least 4 significant figures" in v.message and better in v.message


def test_a_known_mistake_with_decimals_is_that_mistake():
    v = grade(SIGMA_11, "(y-y_hat)^2/1.21 + log(1.1) + 0.9189")
    assert (v.misconception, v.credit) == ("lost_half", 0.5) and "0.9189 as log(2)/2 + log(pi)/2" in v.message
    v = grade(RATIO, "0.008433*m")
    assert v.misconception == "sign_flip"


@pytest.mark.parametrize("text", [
    "(y-y_hat)^2/(2*1.1^2) + log(1.1) + 0.9289",  # a wrong constant, to 4 figures
    "(y-y_hat)^2/(2*1.1^2) + 0.9189",  # log(1.1) missing
    "0.4134*(y - y_hat)^2 + 1.014",  # 50/121 is 0.41322: 0.4134 is off by more than a unit
    "(y-y_hat)^2/(2*1.1^2) + log(1.1) + 0.9",  # one figure: never read as another number
])
def test_wrong_answers_with_decimals_stay_wrong(text):
    v = grade(SIGMA_11, text)
    assert v.credit == 0 and v.status == "incorrect" and "read as the exact numbers" not in v.message


def test_exact_constants_exam_asks_for_exact_constants():
    entry = {**SIGMA_11, "answer": {**SIGMA_11["answer"], "exact_constants": True}}
    v = grade(entry, "(y-y_hat)^2/(2*1.1^2) + log(1.1) + 0.9189")
    assert (v.status, v.credit) == ("incorrect", 0.0) and "use exact values" in v.message
    assert grade(entry, "(y-y_hat)^2/(2*1.1^2) + log(1.1) + log(2*pi)/2").status == "correct"


def test_equiv_without_a_key_stays_exact_mathematics():
    r = CliRunner().invoke(main, ["equiv", "log(2*pi)/2 + x", "0.9189 + x"])
    assert r.exit_code == 1 and "not equivalent" in r.output


def test_answers_without_the_rule_cost_nothing_and_with_it_little():
    g = compile_question(SIGMA_11)
    g.grade("0.5*(y-y_hat)^2 + 0.1234")  # warm up (SymPy names the key's constants once)
    start = time.perf_counter()
    for k in range(20):
        g.grade(f"{0.5 + k / 1000:.4f}*(y-y_hat)^2 + {0.1 + k / 1000:.4f}")  # wrong, with decimals
    assert (time.perf_counter() - start) / 20 < 0.25
