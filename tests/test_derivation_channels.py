"""A derivation through every door (issue 22, layer B): the sheets and solutions, key.json, Moodle
and Canvas, ``grade`` from a CSV cell (lines or ``;``), ``equiv --key``, ``practice`` in the
terminal (lines ended by an empty one, each read back), and the practice and exam pages (a text
area whose preview reads every line)."""

from __future__ import annotations

import csv
import json
import re
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner

warnings.filterwarnings("ignore", message=".*httpx.*")
from starlette.testclient import TestClient  # noqa: E402

from quizgen.cli import main  # noqa: E402
from quizgen.web.app import Config, create_app  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

QUESTION = "mle/gaussian_mse_derivation"


def lines_for(sd: str) -> list[str]:
    """A valid derivation of the Gaussian question for noise level ``sd`` (as printed on the sheet)."""
    two_var = f"2*{sd}^2"
    return [f"max Σ_i (-(y_i - ŷ_i)^2/({two_var}) - log(sqrt(2π {sd}^2)))",
            f"min Σ_i (y_i - ŷ_i)^2/({two_var}) + m log(sqrt(2π {sd}^2))",
            "∝ Σ_i (y_i - ŷ_i)^2"]


def wrong_for(sd: str) -> list[str]:
    """The sign flipped without switching max to min."""
    return [lines_for(sd)[0], f"Σ_i (y_i - ŷ_i)^2/(2*{sd}^2)"]


@pytest.fixture(scope="module")
def exam(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("derivation") / "exam"
    r = CliRunner().invoke(main, ["make", "-t", "mle", "--questions", QUESTION, "--versions", "3", "--seed", "11",
                                  "--secret", "00112233445566778899aabbccddeeff", "--tokens",
                                  "-f", "md,tex,html,json,moodle,qti", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "derivation) converted: plain-text essay" in r.output  # make says what Moodle gets
    return out


def key_of(exam: Path) -> dict:
    return json.loads((exam / "key.json").read_text())


def sd_of(exam: Path, student: str) -> str:
    """The noise level on this student's sheet."""
    sheet = (exam / f"sheet-{student}.md").read_text()
    return re.search(r"\\sigma = ([0-9.]+)", sheet).group(1)


def test_sheets_give_ruled_lines_and_solutions_the_kind_of_each_step(exam):
    sheet = (exam / "sheet-v01.md").read_text()
    assert "one step per line" in sheet and "\n8. \\_\\_" in sheet
    assert "\\rule" in (exam / "sheet-v01.tex").read_text()
    assert 'class="answer-lines"' in (exam / "sheet-v01.html").read_text()
    solutions = (exam / "solutions-v01.md").read_text()
    for kind in ("**Monotone transform (log).**", "**Equal.**", "**Same minimiser.**"):
        assert kind in solutions
    assert "**Final form:**" in solutions


def test_key_entry(exam):
    entry = key_of(exam)["versions"][0]["questions"][0]
    assert entry["type"] == "derivation"
    answer = entry["answer"]
    assert answer["start"]["goal"] == "max" and answer["final"]["relation"] == "same_minimiser"
    assert [s["kind"] for s in answer["model"]] == ["monotone", "equal", "monotone", "same_minimiser", "same_minimiser"]
    names = {w["name"]: w for w in entry["known_wrong"]}
    assert names["sign_flip"] == {"name": "sign_flip", "detect": "sign_flip", "credit": 0.0,
                                  "feedback": names["sign_flip"]["feedback"]}
    assert names["absolute_error"]["forms"][0]["goal"] == "min"


def test_moodle_and_canvas_get_an_essay_with_the_model_derivation(exam):
    moodle = (exam / "moodle.xml").read_text()
    assert '<question type="essay">' in moodle and "<responseformat>plain</responseformat>" in moodle
    assert "Model derivation" in moodle and "Monotone transform (log)" in moodle
    import zipfile

    with zipfile.ZipFile(exam / "canvas-qti.zip") as z:
        qti = next(z.read(n).decode() for n in z.namelist() if n.endswith(".xml") and "manifest" not in n)
    assert "essay_question" in qti and "Monotone transform (log)" in qti


def test_grade_from_a_csv_cell_with_lines_or_semicolons(exam, tmp_path):
    rows = [["student", "question", "answer"],
            ["v01", "q1", "\n".join(lines_for(sd_of(exam, "v01")))],
            ["v02", "q1", "; ".join(lines_for(sd_of(exam, "v02")))],
            ["v03", "q1", "\n".join(wrong_for(sd_of(exam, "v03")))]]
    subs = tmp_path / "answers.csv"
    with subs.open("w", newline="") as f:
        csv.writer(f).writerows(rows)
    r = CliRunner().invoke(main, ["grade", "--key", str(exam / "key.json"), str(subs), "--out", str(tmp_path / "g")])
    assert r.exit_code == 0, r.output
    grades = {row["student"]: row for row in csv.DictReader((tmp_path / "g" / "grades.csv").open())}
    assert grades["v01"][QUESTION] == "4" and grades["v02"][QUESTION] == "4"
    assert float(grades["v03"][QUESTION]) < 1
    feedback = (tmp_path / "g" / "feedback" / "v03.md").read_text()
    assert "Line 2: invalid" in feedback and "the order is reversed" in feedback
    assert "- Your answer:\n    1. `max Σ_i" in feedback  # the lines listed, numbered as in the feedback
    assert "Negating the log-likelihood turns its maximum into a minimum" in feedback


def test_the_feedback_file_numbers_steps_as_the_grader_does(exam, tmp_path):
    # three steps on two lines ("a = b" splits in two): the file lists them as "Line N" counts them
    lines = lines_for(sd_of(exam, "v01"))
    typed = lines[0] + " = " + lines[1] + "\n" + "\n".join(lines[2:])
    subs = tmp_path / "answers.csv"
    with subs.open("w", newline="") as f:
        csv.writer(f).writerows([["student", "question", "answer"], ["v01", "q1", typed]])
    r = CliRunner().invoke(main, ["grade", "--key", str(exam / "key.json"), str(subs), "--out", str(tmp_path / "g")])
    assert r.exit_code == 0, r.output
    feedback = (tmp_path / "g" / "feedback" / "v01.md").read_text()
    listed = re.findall(r"^    (\d+)\. `(.*)`$", feedback, re.M)
    assert [int(n) for n, _ in listed] == list(range(1, len(lines) + 1))
    assert listed[1][1].startswith("= ")  # the second step is the piece after "=", as read


def test_equiv_with_the_key(exam):
    key = str(exam / "key.json")
    ok = CliRunner().invoke(main, ["equiv", "--key", key, "--question", "q1", "--student", "v01",
                                   "\n".join(lines_for(sd_of(exam, "v01")))])
    assert ok.exit_code == 0 and "Line 1: monotone transform (log)." in ok.output
    bad = CliRunner().invoke(main, ["equiv", "--key", key, "--question", "q1", "--student", "v01", "--json",
                                    "; ".join(wrong_for(sd_of(exam, "v01")))])
    verdict = json.loads(bad.output)
    assert bad.exit_code == 1 and verdict["misconception"] == "sign_flip"
    assert verdict["detail"]["first_invalid_line"] == 2


def test_practice_in_the_terminal_reads_lines_until_an_empty_one(tmp_path):
    from quizgen.generation.bank import load_bank
    from quizgen.practice.session import Session

    # a seed whose session starts with this question, and the numbers it draws for it
    entries = load_bank().topic("mle/derivations")
    seed = next(s for s in range(200) if Session(entries, s).next_question().entry.id == QUESTION)
    sd = Session(entries, seed).next_question().variant.params["sd"]
    typed = "\n".join(lines_for(sd)) + "\n\nq\n"
    r = CliRunner().invoke(main, ["practice", "-t", "mle/derivations", "--seed", str(seed)], input=typed)
    assert r.exit_code == 0, r.output
    assert f"σ = {sd}" in r.output
    assert "read as:" in r.output and "1. max Σ_i" in r.output and "3. ∝ Σ_i (y_i − ŷ_i)²" in r.output
    assert "✓ Correct" in r.output


def test_practice_page_text_area_with_a_preview_per_line():
    from quizgen.generation.bank import load_bank
    from quizgen.generation.variant import make_variant

    client = TestClient(create_app(Config()))
    page = client.get(f"/practice?topic=mle/derivations&qid={QUESTION}&v=77")
    assert page.status_code == 200 and '<textarea id="answer"' in page.text and 'class="lines"' in page.text
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page.text))
    sd = make_variant(load_bank().find(QUESTION).question, 77, "practice").params["sd"]
    typed = "\n".join(lines_for(sd))
    read = client.post("/api/read", json={"qid": QUESTION, "v": "77", "answer": typed},
                       headers={"x-csrf-token": fields["csrf"]}).json()["reading"]
    assert read["ok"] and [line["number"] for line in read["lines"]] == [1, 2, 3]
    assert all("<math" in line["mathml"] for line in read["lines"])
    bad = client.post("/api/read", json={"qid": QUESTION, "v": "77", "answer": typed + "\nmin Σ_i (y_i"},
                      headers={"x-csrf-token": fields["csrf"]}).json()["reading"]
    assert not bad["ok"] and bad["lines"][3]["error"] and "Line 4 could not be read" in bad["message"]
    right = client.post("/practice/answer", data={**fields, "answer": typed})
    assert 'class="verdict correct"' in right.text
    wrong = client.post("/practice/answer", data={**fields, "answer": "\n".join(wrong_for(sd))})
    assert 'class="verdict partial"' in wrong.text  # the valid first step earns prefix credit
    assert wrong.text.count("<p>Line ") == 2  # one paragraph per line of feedback


def test_exam_page_text_area_preview_and_save(exam, tmp_path):
    tokens = {row["student"]: row["token"] for row in csv.DictReader((exam / "tokens.csv").open())}
    client = TestClient(create_app(Config(exam_key=exam / "key.json", db=tmp_path / "a.sqlite")))
    tok = tokens["v01"]
    page = client.get(f"/exam/{tok}").text
    assert '<textarea id="answer1"' in page and 'data-preview="/exam/' in page
    csrf = re.search(r'<meta name="csrf" content="([0-9a-f]+)"', page).group(1)
    typed = "\n".join(lines_for(sd_of(exam, "v01")))
    read = client.post(f"/exam/{tok}/read", data={"csrf": csrf, "q": "1", "answer": typed}).json()
    assert read["ok"] and len(read["reading"]["lines"]) == 3
    saved = client.post(f"/exam/{tok}/save", data={"csrf": csrf, "q": "1", "rev": "0", "answer": typed},
                        headers={"accept": "application/json"}).json()
    assert saved["ok"]
    client.app.state.exam.store.close()
