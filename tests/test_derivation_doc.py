"""docs/derivations.md: its worked example is graded and shows exactly the grader's feedback, and
its figures (the bank's count, the sampling, the corpus size, the formats) are the code's."""

from __future__ import annotations

import sys
from pathlib import Path

from click.testing import CliRunner
from docpages import block

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "derivations.md").read_text(encoding="utf-8")


def test_the_worked_example_gets_the_feedback_the_page_shows():
    from quizgen.generation.bank import load_bank
    from quizgen.grading.item import compile_question
    from quizgen.generation.key import question_key
    from quizgen.generation.variant import Variant, _instance

    answer, feedback = block("derivation-answer"), block("derivation-feedback")
    q = load_bank().find("mle/gaussian_sigma_learned_derivation").question
    grader = compile_question(question_key(Variant(seed=0, **_instance(q, (("b", "0.5"),), 0)), 1))
    verdict = grader.grade(answer)
    assert verdict.message == feedback
    assert "(credit 0.375 of the question's points)" in DOC and verdict.credit == 0.375
    assert verdict.misconception == "dropped_log_sigma"
    assert "(m = 1)" in DOC and verdict.detail["steps"][3]["witness"]["world"] == {"m": 1}


def test_the_figures_on_the_page_are_the_code_s():
    from quizgen.generation.bank import load_bank
    from quizgen.maths import steps
    from quizgen.generation.question import Steps

    sys.path.insert(0, str(ROOT / "tests" / "grading"))
    from derivation_corpus import CORPUS

    assert len(load_bank().topic("mle/derivations")) == 8 and "The bank has eight" in DOC
    assert f"{steps.N_DATA} draws of the data × {steps.N_PARAM} parameter values" in DOC
    assert "m = 1,\n2, 3, 5" in DOC and Steps.__dataclass_fields__["sizes"].default_factory() == {"m": (1, 2, 3, 5)}
    assert f"A corpus of {len(CORPUS)} labelled" in DOC
    assert "prefix credit (0.5 in the bank)" in DOC
    assert all(e.question.answer.prefix_credit == 0.5 for e in load_bank().topic("mle/derivations"))


def test_moodle_stack_leaves_derivations_as_essays_and_make_says_so(tmp_path):
    from quizgen.cli import main

    r = CliRunner().invoke(main, ["make", "-t", "mle", "-q", "sigmoid_mse_gradient_derivation", "--versions", "1",
                                  "--seed", "3", "-f", "moodle", "--moodle-stack", "-o", str(tmp_path)])
    assert r.exit_code == 0, r.output
    assert "STACK's equivalence reasoning has no optimisation steps nor sums over data" in r.output
    assert '<question type="essay">' in (tmp_path / "moodle.xml").read_text()
    assert "With `--moodle-stack`,\nderivations stay essays" in DOC
