"""The sheet says how to write the answer of every type it contains, and its rule for decimals in
expressions is the grader's: a decimal to 4 significant figures may stand for an exact constant,
unless the exam was made with ``--exact-constants`` (then the sheet asks for exact constants)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from quizgen.cli import main
from quizgen.export import render_exam
from quizgen.generation.bank import load_bank
from quizgen.generation.exam import build_exam
from quizgen.generation.key import expand_key
from quizgen.grading.item import grade_item
from quizgen.practice.session import answer_help

ONE_OF_EACH = ["mle/kl_divergence_value", "mle/gaussian_nll", "mle/softmax_gradient_vector", "mle/saturation_choice",
               "mle/overconfidence_truefalse", "mle/mse_from_gaussian_order", "mle/noise_model_interview",
               "mle/gaussian_mse_derivation"]
CLAUSES = {
    "numeric": "numbers to at least 4 significant figures",
    "symbolic": "expressions in plain syntax",
    "vector": "a vector as its components in brackets",
    "choice": "multiple choice as the letter(s)",
    "truefalse": "the letter of the reason",
    "order": "steps as their numbers, in order",
    "manual": "an interview question in words",
    "derivation": "a derivation one step per line",
}
DECIMALS = "where a decimal to 4 significant figures may stand for an exact constant"
EXACT = "with every constant exact"


def sheets(ids: list[str], exact: bool = False) -> tuple[dict, dict]:
    bank = load_bank()
    exam = build_exam([bank.find(i) for i in ids], seed=3, students=["ana"], topic="mle", exact_constants=exact, jobs=1)
    files = render_exam(exam, ["md", "tex", "html", "json"])
    return files, expand_key(json.loads(files["key.json"]))


def test_the_sheet_says_how_to_write_every_answer_type_it_contains():
    files, _ = sheets(ONE_OF_EACH)
    for name in ("sheet.md", "sheet.html", "sheet.tex"):
        text = " ".join(files[name].split())
        for kind, clause in CLAUSES.items():
            assert clause in text.replace("\\texttt{", "").replace("}", ""), (name, kind)
        assert text.count(DECIMALS) == 1 and EXACT not in text


def test_a_sheet_says_only_what_its_types_need():
    files, _ = sheets(["mle/saturation_choice", "mle/mse_from_gaussian_order"])
    text = files["sheet.md"]
    assert CLAUSES["choice"] in text and CLAUSES["order"] in text
    assert "expressions in" not in text and CLAUSES["numeric"] not in text


def test_exact_constants_exam_says_so_records_it_and_grades_by_it():
    files, key = sheets(ONE_OF_EACH, exact=True)
    text = files["sheet.md"]
    assert EXACT in text and DECIMALS not in text
    entries = {q["type"]: q for q in key["versions"][0]["questions"]}
    assert entries["symbolic"]["answer"]["exact_constants"] is True
    assert all("exact_constants" not in q["answer"] for kind, q in entries.items() if kind != "symbolic")
    nll = entries["symbolic"]
    rounded = nll["answer"]["expression"].replace("log(2)/2 + log(pi)/2", "0.9189")
    assert rounded != nll["answer"]["expression"]
    assert grade_item(nll, rounded).credit == 0
    assert "Write constants exactly" in answer_help(nll)
    _, default = sheets(["mle/gaussian_nll"])
    plain = default["versions"][0]["questions"][0]
    assert grade_item(plain, plain["answer"]["expression"].replace("log(2)/2 + log(pi)/2", "0.9189")).credit == 1
    assert "may stand for an exact constant" in answer_help(plain)


def test_make_exact_constants_is_in_the_rebuild_line(tmp_path):
    r = CliRunner().invoke(main, ["make", "-t", "mle", "--questions", "gaussian_nll", "--exact-constants",
                                  "--seed", "5", "-f", "json", "-o", str(tmp_path / "x")])
    assert r.exit_code == 0 and "--exact-constants" in r.output


@pytest.mark.parametrize("exact", [False, True])
def test_old_keys_without_the_field_follow_the_sheets_rule(exact):
    """A key written before the option has no exact_constants: the sheet always said 4 figures."""
    _, key = sheets(["mle/gaussian_nll"], exact=exact)
    entry = key["versions"][0]["questions"][0]
    assert ("exact_constants" in entry["answer"]) == exact
