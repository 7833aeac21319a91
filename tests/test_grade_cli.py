"""``quizgen grade`` on the command line: outputs, messages and exit statuses, never a traceback."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizgen.cli import main
from quizgen.generation.key import answer_text
from quizgen.grading.report import fmt_points

FIXTURES = Path(__file__).parent / "fixtures" / "grade"
KEY = FIXTURES / "key.json"
REPO = Path(__file__).resolve().parent.parent


def _run(*args: str) -> tuple[int, str, str]:
    runner = CliRunner(mix_stderr=False) if "mix_stderr" in CliRunner.__init__.__code__.co_varnames else CliRunner()
    res = runner.invoke(main, ["grade", *args])
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    return res.exit_code, res.stdout, res.stderr


def test_grades_a_class(tmp_path: Path) -> None:
    code, out, err = _run("--key", str(KEY), str(FIXTURES / "wide_numbers.csv"), "--out", str(tmp_path / "g"))
    assert code == 0, err
    assert err == ""
    assert "Graded 11 answers from 3 students; 1 student with no submission." in out
    assert (tmp_path / "g" / "grades.csv").read_text(encoding="utf-8").splitlines()[2] == "bob,0.5,0,0,0,0.5,5,10.00"
    assert sorted(p.name for p in (tmp_path / "g" / "feedback").iterdir()) == [
        "alice.md", "bob.md", "carol.md", "dan.md"]
    assert json.loads((tmp_path / "g" / "summary.json").read_text(encoding="utf-8"))["form"] == "wide"


def test_default_out_is_grades_beside_the_submissions(tmp_path: Path) -> None:
    subs = tmp_path / "class" / "subs.json"
    subs.parent.mkdir()
    shutil.copy(FIXTURES / "map.json", subs)
    code, _, err = _run("--key", str(KEY), str(subs))
    assert code == 0, err
    assert (tmp_path / "class" / "grades" / "grades.csv").exists()


def test_rejected_rows_exit_1_and_are_reported_on_stderr(tmp_path: Path) -> None:
    subs = tmp_path / "subs.csv"
    subs.write_bytes(b"student,question,answer\n"
                     b"alice,q3,A\n"
                     b"zed,q1,x\n"
                     b"bob,q1,caf\xe9\n"
                     b"alice,q3,B\n"
                     b"carol,q2\n"
                     b"carol,q4,\n")
    code, out, err = _run("--key", str(KEY), str(subs), "--out", str(tmp_path / "g"))
    assert code == 1
    assert err.splitlines() == [
        "quizgen: subs.csv, line 2: duplicate answer for alice / mle/kl_direction: not graded, "
        "the later one at line 5 counts",
        'quizgen: subs.csv, line 3: unknown student "zed" (not in key.json)',
        "quizgen: subs.csv, line 4: byte 0xe9 is not UTF-8 (save the file as UTF-8 and re-run)",
        "quizgen: subs.csv, line 6: malformed row: 2 fields but the header has 3 (an unquoted comma in an answer?)",
    ]
    assert "4 problems (rows not graded)" in out
    grades = (tmp_path / "g" / "grades.csv").read_text(encoding="utf-8").splitlines()
    assert grades[1].startswith("alice,0,0,1,0,1,")  # the later B counted
    summary = (tmp_path / "g" / "summary.md").read_text(encoding="utf-8")
    assert 'subs.csv, line 3: unknown student "zed"' in summary


@pytest.mark.parametrize(("make_args", "message"), [
    (lambda t: ["--key", str(t / "nokey.json"), str(FIXTURES / "long.csv")], "nokey.json: key file not found"),
    (lambda t: ["--key", str(KEY), str(t / "none.csv")], "none.csv: submissions file not found"),
    (lambda t: ["--key", str(FIXTURES / "long.csv"), str(FIXTURES / "long.csv")], "long.csv: not valid JSON"),
    (lambda t: ["--key", str(KEY), str(KEY)], "key.json: no recognisable form"),
])
def test_unusable_invocations_exit_2_with_one_line(tmp_path: Path, make_args, message: str) -> None:  # type: ignore[no-untyped-def]
    code, out, err = _run(*make_args(tmp_path), "--out", str(tmp_path / "g"))
    assert code == 2
    assert not (tmp_path / "g").exists()
    assert err.startswith("quizgen: error: ") and message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err + out


def test_invalid_key_names_the_json_path(tmp_path: Path) -> None:
    data = json.loads(KEY.read_text(encoding="utf-8"))
    data["versions"][3]["questions"][3]["answer"]["rtol"] = "tight"
    bad = tmp_path / "key.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    code, _, err = _run("--key", str(bad), str(FIXTURES / "long.csv"), "--out", str(tmp_path / "g"))
    assert code == 2
    assert err.strip() == ('quizgen: error: key.json: versions[3].questions[3].answer.rtol: '
                           'expected a number, got the string "tight"')
    assert not (tmp_path / "g").exists()


def test_unwritable_output_is_exit_2(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    code, _, err = _run("--key", str(KEY), str(FIXTURES / "long.csv"), "--out", str(blocker / "g"))
    assert code == 2
    assert "cannot write the grades there" in err


def test_missing_key_option_is_usage_error() -> None:
    code, _, err = _run(str(FIXTURES / "long.csv"))
    assert code == 2
    assert "--key" in err


def test_rerun_into_existing_folder_is_byte_identical(tmp_path: Path) -> None:
    args = ["--key", str(KEY), str(FIXTURES / "list.json"), "--out", str(tmp_path / "g")]
    assert _run(*args)[0] == 0
    first = {p: p.read_bytes() for p in sorted((tmp_path / "g").rglob("*")) if p.is_file()}
    assert _run(*args, "--jobs", "1")[0] == 0
    assert {p: p.read_bytes() for p in sorted((tmp_path / "g").rglob("*")) if p.is_file()} == first


def test_grade_module_does_not_import_sympy() -> None:
    code = "import sys, quizgen.cli, quizgen.commands.grade; print('sympy' in sys.modules)"
    res = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert res.stdout.strip() == "False"


def test_real_subprocess(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    res = subprocess.run(
        [sys.executable, "-m", "quizgen", "grade", "--key", str(KEY), str(FIXTURES / "long.csv"),
         "--out", str(tmp_path / "g")],
        cwd=tmp_path, capture_output=True, text=True, env=env, timeout=120,
    )
    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr
    assert (tmp_path / "g" / "grades.csv").read_text(encoding="utf-8").splitlines()[-1] == "dan,0,0,0,0,0,5,0.00"


def test_grades_a_key_written_by_quizgen_make(tmp_path: Path) -> None:
    """The schema contract end to end: `make` writes a key, `grade` accepts it and gives full marks
    for the key's own answers and the known-wrong credit for a known wrong answer."""
    runner = CliRunner()
    made = runner.invoke(main, ["make", "--topic", "mle", "--seed", "7", "--versions", "2", "-f", "json",
                                "-o", str(tmp_path / "exam")])
    assert made.exit_code == 0, made.output
    key = json.loads((tmp_path / "exam" / "key.json").read_text(encoding="utf-8"))
    rows = []
    for version in key["versions"]:
        for q in version["questions"]:
            text = answer_text(q)
            if text is None:  # a manual (interview) question: graded by a person, not by the key
                continue
            rows.append({"student": version["student"], "question": f"q{q['number']}", "answer": text})
    first = key["versions"][0]["questions"][0]
    wrong = next(iter(first.get("known_wrong", [])), None)
    if wrong is not None:
        rows.append({"student": key["versions"][0]["student"], "question": first["id"],
                     "answer": wrong.get("expression") or json.dumps(wrong.get("value", wrong.get("choice")))})
    subs = tmp_path / "subs.json"
    subs.write_text(json.dumps(rows), encoding="utf-8")
    code, _, err = _run("--key", str(tmp_path / "exam" / "key.json"), str(subs), "--out", str(tmp_path / "g"))
    summary = json.loads((tmp_path / "g" / "summary.json").read_text(encoding="utf-8"))
    assert code == (1 if wrong else 0), err  # the known-wrong row superseded the right one: a duplicate
    assert len(summary["problems"]) == (1 if wrong else 0)
    grades = (tmp_path / "g" / "grades.csv").read_text(encoding="utf-8").splitlines()
    manual = {q["id"] for q in key["versions"][1]["questions"] if q["type"] == "manual"}
    possible = sum(q["points"] for q in key["versions"][1]["questions"])
    manual_points = sum(q["points"] for q in key["versions"][1]["questions"] if q["id"] in manual)
    assert grades[2].endswith(f",{100 * (possible - manual_points) / possible:.2f}"), grades
    assert {r["question"] for r in summary["manual_review"]} == set()  # unanswered: nothing to review
    if wrong is not None:
        expected = wrong.get("credit", 0.0) * first["points"]
        assert grades[1].split(",")[1 + key["questions"].index(first["id"])] == fmt_points(expected)


def test_the_collector_is_tuned_for_the_run_and_handed_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """grade freezes what lives to its end (the key, the results) and raises the young-generation
    threshold while it runs; an in-process caller gets its collector back, also after an error."""
    import gc

    import quizgen.grading.batch as batch

    seen: list[tuple[tuple[int, int, int], int]] = []
    real = batch.grade_class

    def spying(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append((gc.get_threshold(), gc.get_freeze_count()))
        return real(*args, **kwargs)

    monkeypatch.setattr(batch, "grade_class", spying)
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    try:
        code, _, err = _run("--key", str(KEY), str(FIXTURES / "long.csv"), "--out", str(tmp_path / "g"))
        assert code == 0, err
        (threshold, frozen), = seen
        assert threshold == (10_000, 10, 10) and frozen > 0
        assert gc.get_threshold() == (700, 10, 10) and gc.get_freeze_count() == 0
        code, _, err = _run("--key", str(tmp_path / "missing.json"), str(FIXTURES / "long.csv"))
        assert code == 2 and "not found" in err
        assert gc.get_threshold() == (700, 10, 10) and gc.get_freeze_count() == 0
    finally:
        gc.set_threshold(*before)


def test_a_file_where_the_feedback_folder_goes_is_named_in_one_line(tmp_path):
    out = tmp_path / "o"
    out.mkdir()
    (out / "feedback").write_text("not a folder")
    r = subprocess.run([sys.executable, "-m", "quizgen", "grade", "--key", str(KEY),
                        str(FIXTURES / "long.csv"), "--out", str(out)], capture_output=True, text=True, cwd=REPO)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.strip().splitlines() == [
        f"quizgen: error: {out}: cannot write the grades there (File exists: {out / 'feedback'})"]
    assert (out / "feedback").read_text() == "not a folder" and not (out / "grades.csv").exists()
