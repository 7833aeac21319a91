"""No file or page we produce shows template syntax: every text of a variant (statement, options,
feedback of known wrong answers, explanations of right options, the true/false explanation, model
answers) is filled in with the variant's numbers, once, in the variant stage.

On 7039a38 ``argmax_invariance_select`` explained an option with "Dividing by $T = {{ T }} > 0$" and
``proper_scoring_select`` said ``{{ values.one_minus_p }}`` in its feedback: in the solutions, the
key, the grader's feedback and the PDF."""

from __future__ import annotations

import io
import json
import re
import warnings
import zipfile

import pytest
from click.testing import CliRunner

from quizgen.checking.leftovers import template_syntax
from quizgen.cli import main
from quizgen.export import render_exam
from quizgen.generation.bank import load_bank
from quizgen.generation.exam import build_exam
from quizgen.generation.key import expand_key, wrong_text

warnings.filterwarnings("ignore", message=".*httpx.*")

STUDENTS = ["ana", "ben"]


@pytest.mark.parametrize("text, found", [
    ("Dividing by $T = {{ T }} > 0$", ["{{ T }}"]),
    ("says {{ values.one_minus_p }} here", ["{{ values.one_minus_p }}"]),
    ("{{p|num}} and {% if x %}y{% endif %} {# note #}", ["{{p|num}}", "{% if x %}", "{% endif %}", "{# note #}"]),
    (r"$\frac{1}{{\sigma}^{2}}$, $x^{2}}$, $e^{{-z}}$, {\#}", []),  # LaTeX braces
    ('{"a": {"b": 1}}', []),  # JSON
])
def test_template_syntax_is_found_and_latex_is_not(text, found):
    assert template_syntax(text) == found


@pytest.fixture(scope="module")
def bank_exam(tmp_path_factory):
    """The whole bank for two students, in every text format, and its key."""
    out = tmp_path_factory.mktemp("bank")
    exam = build_exam(list(load_bank().topic("mle")), seed=31, students=STUDENTS, topic="mle", jobs=1)
    files = render_exam(exam, ["md", "tex", "html", "json", "moodle", "qti"])
    for name, data in files.items():
        (out / name).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return out, files


def leftovers(text: str) -> list[str]:
    """Template syntax in a text, or in what a reader sees of a page (math as MathML spreads
    ``{{ T }}`` over one element per character)."""
    return template_syntax(text) + template_syntax(re.sub(r"<[^>]*>", "", text))


def _texts(files: dict) -> dict[str, str]:
    texts = {}
    for name, data in files.items():
        if name.endswith(".zip"):
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                texts.update({f"{name}:{n}": zf.read(n).decode("utf-8") for n in zf.namelist() if n.endswith(".xml")})
        elif isinstance(data, str):
            texts[name] = data
    return texts


def test_no_file_make_writes_shows_template_syntax(bank_exam):
    _, files = bank_exam
    found = {name: leftovers(text) for name, text in _texts(files).items()}
    assert not {k: v for k, v in found.items() if v}


def test_the_graders_feedback_and_report_show_no_template_syntax(bank_exam):
    """A known wrong answer to every question (and, for a multiple-select question, a right option
    missed, whose explanation the feedback gives), graded: the feedback is filled in."""
    out, _ = bank_exam
    key = expand_key(json.loads((out / "key.json").read_text()))
    rows = ["student,question,answer"]
    for version in key["versions"]:
        for q in version["questions"]:
            answers = [wrong_text(q, w) for w in q["known_wrong"]]
            if q["type"] == "choice" and q["answer"].get("multiple"):
                answers.insert(0, ", ".join(q["answer"]["correct"][:-1]))
            if answers:  # ana the first, ben the last
                answer = answers[0] if version["student"] == "ana" else answers[-1]
                rows.append(",".join([version["student"], q["id"], json.dumps(answer)]))
    (out / "answers.csv").write_text("\n".join(rows) + "\n")
    r = CliRunner().invoke(main, ["grade", "--key", str(out / "key.json"), str(out / "answers.csv"),
                                  "--out", str(out / "grades"), "--show-solutions"])
    assert r.exit_code == 0, r.output
    texts = {p.name: p.read_text() for p in (out / "grades").rglob("*") if p.suffix in (".md", ".html", ".json", ".csv")}
    assert len(texts) > 4
    assert not {k: leftovers(v) for k, v in texts.items() if leftovers(v)}


def test_served_pages_show_no_template_syntax(bank_exam, tmp_path):
    """The exam page of each student, and the practice page's verdict for a known wrong answer of
    the two questions whose feedback was stored unrendered."""
    from starlette.testclient import TestClient

    from quizgen.generation.key import question_key
    from quizgen.generation.variant import make_variant
    from quizgen.web.app import Config, create_app
    from quizgen.web.tokens import tokens_for

    out, _ = bank_exam
    key = json.loads((out / "key.json").read_text())
    exam = TestClient(create_app(Config(exam_key=out / "key.json", db=tmp_path / "a.sqlite", rate=1000.0, burst=1000)))
    for student, token in tokens_for(key).items():
        page = exam.get(f"/exam/{token}").text
        assert "Question 1" in page and not leftovers(page), student
    exam.app.state.exam.store.close()
    practice = TestClient(create_app(Config(rate=1000.0, burst=1000)))
    bank = load_bank()
    for qid in ("mle/argmax_invariance_select", "mle/proper_scoring_select"):
        entry = question_key(make_variant(bank.find(qid).question, 5, "practice"), 1)
        group = bank.find(qid).group
        page = practice.get(f"/practice?topic={group}&qid={qid}&v=5").text
        csrf = re.search(r'<meta name="csrf" content="([0-9a-f]+)"', page).group(1)
        for answer in [wrong_text(entry, w) for w in entry["known_wrong"]] + [entry["answer"]["correct"][0]]:
            r = practice.post("/practice/answer", data={"csrf": csrf, "topic": group, "difficulty": "", "qid": qid,
                                                        "v": "5", "answer": answer})
            assert r.status_code == 200 and not leftovers(r.text), (qid, answer)
