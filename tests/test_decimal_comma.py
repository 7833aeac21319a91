"""``--decimal-comma`` / ``--decimal-point`` (issue 8 §2): ``make`` writes the setting into the key
and tells students on the sheet; ``grade`` overrides the key for a whole batch."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizgen.cli import main
from quizgen.export import render_exam
from quizgen.generation.key import build_key, compact_key, dumps, expand_key
from quizgen.grading.batch import grade_class
from quizgen.grading.item import compile_question
from quizgen.grading.keyfile import load_key, validate_key, with_decimal_comma
from quizgen.grading.reading import read_answer

SECRET = "0123456789abcdef0123456789abcdef"
# numeric, symbolic, choice, vector (numbers): the setting goes to all but the choice question
QUESTIONS = "kl_divergence_value,gaussian_nll,argmax_invariance_select,batch_gradient_vector"


def _numeric(value: float, decimal_comma: bool | None, **extra) -> dict:
    return {"type": "numeric", "answer": {"value": value, "decimal_comma": decimal_comma, **extra}}


# ------------------------------------------------------------------------------ the grader
def test_2_143_is_a_decimal_with_the_flag_and_needs_review_without() -> None:
    with_flag = compile_question(_numeric(2.143, True)).grade("2,143")
    assert (with_flag.status, with_flag.detail["value"]) == ("correct", 2.143)
    assert "needs_review" not in with_flag.detail
    without = compile_question(_numeric(2.143, None)).grade("2,143")
    assert (without.status, without.credit, without.method) == ("incorrect", 0.0, "needs_review")
    assert [r["text"] for r in without.detail["readings"]] == ["2.143", "2143"]
    point = compile_question(_numeric(2143.0, False)).grade("2,143")  # a thousands separator
    assert (point.status, point.detail["value"]) == ("correct", 2143.0)


def test_log_2_comma_5_is_log_of_2_5_with_the_flag() -> None:
    ln25 = math.log(2.5)
    for text in ("log(2,5)", "ln(2,5)"):
        assert compile_question(_numeric(ln25, True)).grade(text).status == "correct", text
    assert compile_question(_numeric(ln25, None)).grade("log(2,5)").method == "needs_review"
    # the two-argument reading is still there, with a space or a semicolon
    base5 = math.log(2) / math.log(5)
    for text in ("log(2, 5)", "log(2; 5)"):
        assert compile_question(_numeric(base5, True)).grade(text).status == "correct", text
    symbolic = {"type": "symbolic", "answer": {"expression": "x*log(2.5)", "symbols": {"x": "real"},
                                               "decimal_comma": True}}
    assert compile_question(symbolic).grade("ln(2,5)*x").status == "correct"


def test_a_vector_with_decimal_commas_is_separated_by_semicolons() -> None:
    key = {"type": "vector", "answer": {"values": [0.5, 1.5], "decimal_comma": True}}
    for text in ("(0,5; 1,5)", "(0,5, 1,5)", "0,5;1,5", "(0.5; 1.5)"):
        assert compile_question(key).grade(text).status == "correct", text
    three = {"type": "vector", "answer": {"values": [0.25, -0.5, 0.25], "decimal_comma": True}}
    for text in ("(0,25; -0,5; 0,25)", "(0,25, -0,5, 0,25)"):  # the examples of docs/typing-answers.md (Vectors)
        assert compile_question(three).grade(text).status == "correct", text
    refused = compile_question(key).grade("(0,5,1,5)")
    assert refused.status == "rejected" and "separated by semicolons" in refused.message
    point = compile_question({"type": "vector", "answer": {"values": [0.5, 1.5], "decimal_comma": False}})
    assert "decimals with a point" in point.grade("(0,5, 1,5)").message


def test_the_live_preview_reads_like_the_grader() -> None:
    assert read_answer(_numeric(2.143, True), "2,143").value == 2.143
    assert read_answer(_numeric(2.143, False), "2,143").value == 2143.0
    assert not read_answer(_numeric(2.143, None), "2,143").ok
    vector = {"type": "vector", "answer": {"values": [0.5, 1.5], "decimal_comma": True}}
    assert read_answer(vector, "(0,5; 1,5)").text == "(0.5, 1.5)"


# ------------------------------------------------------------------------------ make
@pytest.fixture(scope="module")
def made(tmp_path_factory):
    out = tmp_path_factory.mktemp("comma")
    r = CliRunner().invoke(main, ["make", "--topic", "mle", "--seed", "4", "--secret", SECRET, "--questions",
                                  QUESTIONS, "--versions", "2", "--decimal-comma", "--format", "md,tex,html,json",
                                  "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "rebuild with --seed 4 --secret " + SECRET + " --decimal-comma" in r.output
    return out


def test_make_writes_the_setting_into_every_answer_with_numbers(made: Path) -> None:
    key = json.loads((made / "key.json").read_text(encoding="utf-8"))
    for version in key["versions"]:
        got = {q["type"]: q["answer"].get("decimal_comma") for q in version["questions"]}
        assert got == {"numeric": True, "symbolic": True, "vector": True, "choice": None}
    validate_key(key)


def test_the_key_round_trips_full_and_compact(made: Path) -> None:
    from quizgen.generation.bank import load_bank
    from quizgen.generation.exam import build_exam

    key = json.loads((made / "key.json").read_text(encoding="utf-8"))
    compact = compact_key(key)
    assert expand_key(json.loads(dumps(compact))) == key
    assert validate_key(compact) == validate_key(key)
    bank = load_bank()
    entries = [bank.find("mle/" + q) for q in QUESTIONS.split(",")]
    exam = build_exam(entries, 4, ["v01", "v02"], topic="mle", secret=SECRET, decimal_comma=False)
    both = [build_key(exam, compact=c) for c in (False, True)]
    assert expand_key(both[1]) == both[0]
    assert all(q["answer"].get("decimal_comma") in (False, None) for v in both[0]["versions"] for q in v["questions"])
    assert all(a["answer"].get("decimal_comma") is False for a in both[1]["variants"].values()
               if a["type"] != "choice")
    sheet = render_exam(exam, ["md"])["sheet-v01.md"]
    assert ("Write decimals with a point (2.5); a comma between digits groups thousands (2,143 is "
            "2143) or separates arguments and components.") in sheet
    assert "separated by commas" in sheet


def test_the_answer_help_of_serve_repeats_the_setting_and_the_unit() -> None:
    from quizgen.practice.session import answer_help

    numeric = {"type": "numeric", "answer": {"value": 0.7, "unit": "nats", "decimal_comma": True}}
    assert answer_help(numeric) == (
        "Type a number or an exact expression (0.7817, -log(0.35), 3/8, ln 2). The unit (nats) may follow "
        "the number or be left out. Write decimals with a comma or a point (2,5 or 2.5); separate the "
        "arguments of a function and the components of a vector with a semicolon: log(2; 5), (0,5; 1,5).")
    assert answer_help({"type": "numeric", "answer": {"value": 0.7}}) == (
        "Type a number or an exact expression (0.7817, -log(0.35), 3/8, ln 2).")
    choice = {"type": "choice", "answer": {"choices": [], "decimal_comma": True}}
    assert "decimals" not in answer_help(choice)


def test_the_sheets_tell_students_how_to_write_decimals(made: Path) -> None:
    sentence = "Write decimals with a comma or a point (2,5 or 2.5)"
    for name in ("sheet-v01.md", "sheet-v01.tex", "sheet-v01.html"):
        text = (made / name).read_text(encoding="utf-8")
        assert text.count(sentence) == 1, name
        assert "separated by semicolons" in text, name  # the vector question's instructions
        assert "separated by commas" not in text, name
        assert re.search(r"\d\.\d", text.split(sentence)[1]), name  # the sheet's own numbers keep their point


def test_a_sheet_made_without_the_flag_says_nothing(tmp_path: Path) -> None:
    r = CliRunner().invoke(main, ["make", "--topic", "mle", "--seed", "4", "--secret", SECRET, "--questions",
                                  "kl_divergence_value,batch_gradient_vector", "--format", "md", "--out", str(tmp_path)])
    assert r.exit_code == 0, r.output
    text = (tmp_path / "sheet.md").read_text(encoding="utf-8")
    assert "Write decimals" not in text and "separated by commas" in text
    key = json.loads((tmp_path / "key.json").read_text(encoding="utf-8"))
    assert all("decimal_comma" not in q["answer"] for v in key["versions"] for q in v["questions"])


def test_a_key_with_a_bad_setting_is_refused() -> None:
    key = json.loads((Path(__file__).parent / "fixtures" / "grade" / "key.json").read_text(encoding="utf-8"))
    key["versions"][0]["questions"][1]["answer"]["decimal_comma"] = "yes"
    with pytest.raises(Exception, match=r"versions\[0\]\.questions\[1\]\.answer\.decimal_comma: expected true or false"):
        validate_key(key)


# ------------------------------------------------------------------------------ grade
def _class(tmp_path: Path, decimal_comma: bool | None) -> tuple[Path, Path]:
    """A one-question key whose answer is 2.143, and one student who typed 2,143."""
    key = {"schema": "quizgen.key/1", "questions": ["q/x"], "seed": 1, "topic": "t", "versions": [
        {"student": "ana", "questions": [{"number": 1, "id": "q/x", "type": "numeric", "points": 1.0,
                                          "answer": {"value": 2.143, "rtol": 1e-3, "decimal_comma": decimal_comma}}]}]}
    (tmp_path / "key.json").write_text(json.dumps(key), encoding="utf-8")
    (tmp_path / "subs.csv").write_text('student,question,answer\nana,q1,"2,143"\n', encoding="utf-8")
    return tmp_path / "key.json", tmp_path / "subs.csv"


@pytest.mark.parametrize("in_key, flag, status", [
    (None, None, "needs_review"), (True, None, "correct"), (None, "--decimal-comma", "correct"),
    (False, "--decimal-comma", "correct"), (True, "--decimal-point", "incorrect"),
])
def test_grade_s_flag_overrides_the_key(tmp_path: Path, in_key, flag, status) -> None:
    key, subs = _class(tmp_path, in_key)
    args = ["grade", "--key", str(key), str(subs), "--out", str(tmp_path / "g"), *([flag] if flag else [])]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 0, r.output
    summary = json.loads((tmp_path / "g" / "summary.json").read_text(encoding="utf-8"))
    row = (tmp_path / "g" / "grades.csv").read_text(encoding="utf-8").splitlines()[1]
    assert row.startswith("ana,1," if status == "correct" else "ana,0,"), row
    feedback = (tmp_path / "g" / "feedback" / "ana.md").read_text(encoding="utf-8")
    assert ("read in two ways" in feedback) == (status == "needs_review"), feedback
    assert summary  # the reports were written


def test_with_decimal_comma_rewrites_each_entry_once() -> None:
    key = load_key(Path(__file__).parent / "fixtures" / "grade" / "key.json")
    changed = with_decimal_comma(key, True)
    for old, new in zip(key.versions, changed.versions):
        for a, b in zip(old.questions, new.questions):
            if a.type in ("numeric", "symbolic", "vector"):
                assert json.loads(b.source)["answer"]["decimal_comma"] is True and a.fingerprint != b.fingerprint
            else:
                assert b == a
    result = grade_class(changed, _one_answer(key), jobs=1)
    assert result.graded == 1


def _one_answer(key):  # a submissions file of one readable row for the fixture key
    import tempfile

    path = Path(tempfile.mkdtemp()) / "subs.csv"
    path.write_text(f"student,question,answer\n{key.versions[0].student},q2,\"0,6931\"\n", encoding="utf-8")
    return path


# ------------------------------------------------------------------------------ practice and serve
def test_practice_reads_decimals_as_its_flag_says() -> None:
    from quizgen.generation.bank import load_bank
    from quizgen.practice.session import Session, answer_help

    entry = load_bank().find("mle/kl_divergence_value")
    for flag, value in ((True, 2.143), (False, 2143.0)):
        session = Session([entry], 3, "mle/kl", flag)
        item = session.next_question()
        assert item.key["answer"]["decimal_comma"] is flag
        assert "Write decimals with" in answer_help(item.key)
        assert session.read("2,143").value == value
    session = Session([entry], 3, "mle/kl")
    assert "decimal_comma" not in session.next_question().key["answer"]
    assert not session.read("2,143").ok  # the default rule: ambiguous


def test_the_practice_page_of_serve_reads_decimals_as_its_flag_says() -> None:
    import warnings

    warnings.filterwarnings("ignore", message=".*httpx.*")
    from starlette.testclient import TestClient

    from quizgen.web.app import Config, create_app

    for flag, ok, value in ((True, True, 2.143), (None, False, None)):
        client = TestClient(create_app(Config(decimal_comma=flag)))
        page = client.get("/practice?topic=mle/kl&qid=mle/kl_divergence_value&v=12345").text
        fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
        r = client.post("/api/read", json={"qid": fields["qid"], "v": fields["v"], "answer": "2,143"},
                        headers={"x-csrf-token": fields["csrf"]})
        reading = r.json()["reading"]
        assert (reading["ok"], reading["value"]) == (ok, value)
        assert ("Write decimals with a comma" in page) == bool(flag)


def test_serve_refuses_the_flag_for_an_exam() -> None:
    key = Path(__file__).parent / "fixtures" / "grade" / "key.json"
    r = CliRunner().invoke(main, ["serve", "--exam", str(key), "--decimal-comma"])
    assert r.exit_code == 2
    assert "--decimal-comma/--decimal-point are for the practice page; an exam reads decimals as its key says" in r.output


def test_quizgen_practice_takes_the_flag(tmp_path: Path) -> None:
    source = Path(__file__).resolve().parents[1] / "question_bank" / "mle" / "kl" / "kl_divergence_value.py"
    (tmp_path / "intro").mkdir()
    (tmp_path / "intro" / "kl_divergence_value.py").write_text(source.read_text(encoding="utf-8").replace('id="mle/', 'id="intro/'),
                                              encoding="utf-8")
    for flag, shown in (("--decimal-comma", "read as: 2.143"), ("--decimal-point", "read as: 2143")):
        r = CliRunner().invoke(main, ["practice", "-t", "intro", "--bank", str(tmp_path), "--seed", "1", flag],
                               input="2,143\nq\n")
        assert r.exit_code == 0, r.output
        assert shown in r.output and "Write decimals with" in r.output
