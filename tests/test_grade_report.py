"""Reports: grades.csv, feedback and summary contents; atomic writes; byte-identical reruns."""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest

from quizgen.grading.batch import ClassResult, grade_class
from quizgen.grading.report import (
    feedback_md, feedback_names, fmt_points, grades_csv, md_code, summary_data, summary_md, write_reports,
)

FIXTURES = Path(__file__).parent / "fixtures" / "grade"
KEY = FIXTURES / "key.json"


@pytest.fixture(scope="module")
def result() -> ClassResult:
    return grade_class(KEY, FIXTURES / "long.csv", jobs=1)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_grades_csv(result: ClassResult) -> None:
    assert grades_csv(result) == (
        "student,mle/gaussian_nll,mle/bernoulli_entropy,mle/kl_direction,mle/mse_is_gaussian,total,max,percent\n"
        "alice,2,1,1,1,5,5,100.00\n"
        "bob,0.5,0,0,0,0.5,5,10.00\n"
        "carol,0.5,0,1,0,1.5,5,30.00\n"
        "dan,0,0,0,0,0,5,0.00\n"
    )


def test_feedback_lists_each_question_in_sheet_order(result: ClassResult) -> None:
    text = feedback_md(result.students[1])
    assert text.startswith("# Feedback for bob\n\nScore: **0.5 / 5** (10.00%)\n")
    assert text.index("## Question 1: Entropy") < text.index("## Question 2: Squared-error")
    assert "- Your answer: `(y - y_hat)**2/sigma**2`\n- Verdict: partial\n- Points: 0.5 / 2" in text
    dan = feedback_md(result.students[3])
    assert "No submission was received" in dan and "- Your answer: (none submitted)" in dan


def test_summary(result: ClassResult) -> None:
    data = summary_data(result)
    assert data["missing"] == ["dan"]
    assert data["exit_status"] == 0
    nll = data["questions"][0]
    assert nll["id"] == "mle/gaussian_nll"
    assert (nll["answered"], nll["correct"], nll["mean_points"], nll["students"]) == (3, 1, 0.75, 4)
    assert nll["common_wrong"] == [{"answer": "(y - y_hat)**2/sigma**2", "count": 2,
                                    "misconception": "lost_half", "status": "partial"}]
    entropy = data["questions"][1]
    assert entropy["common_wrong"][0]["misconception"] == "sign_flip"
    text = summary_md(result)
    assert "| `(y - y_hat)**2/sigma**2` | 2 | lost\\_half | partial |" in text
    assert "## Missing students (no submission, scored 0)\n\n- dan\n" in text


def test_problems_appear_in_summary(tmp_path: Path) -> None:
    subs = tmp_path / "s.csv"
    subs.write_text("student,question,answer\nzed,q1,x\n", encoding="utf-8")
    result = grade_class(KEY, subs, jobs=1)
    assert summary_data(result)["problems"] == [
        {"file": "s.csv", "where": "line 2", "message": 'unknown student "zed" (not in key.json)'}]
    assert '- s.csv, line 2: unknown student "zed" (not in key.json)' in summary_md(result)


def test_feedback_names_are_safe_and_distinct() -> None:
    names = feedback_names(["alice", "../etc/passwd", "Bob Smith", "bob_smith", "con", "", "a/b", "a_b"])
    assert names["alice"] == "alice.md"
    assert names["../etc/passwd"] == "etc_passwd.md"
    assert names["Bob Smith"] == "Bob_Smith.md"
    assert names["bob_smith"].startswith("bob_smith-") and names["bob_smith"].endswith(".md")
    assert names["con"] == "con_.md"
    assert names[""] == "student.md"
    assert len(set(n.lower() for n in names.values())) == len(names)
    assert all("/" not in n and "\\" not in n for n in names.values())


@pytest.mark.parametrize(("x", "text"), [(2.0, "2"), (0.5, "0.5"), (2 / 3, "0.6667"), (0.0, "0"),
                                         (-0.0, "0"), (1e-9, "0"), (12.25, "12.25")])
def test_fmt_points(x: float, text: str) -> None:
    assert fmt_points(x) == text


def test_md_code_survives_backticks_and_newlines() -> None:
    assert md_code("a`b") == "``a`b``"
    assert md_code("`x`") == "`` `x` ``"
    assert md_code("a\nb") == "`a b`"
    assert md_code("  ") == "(empty)"
    assert md_code("\x00B") == "`\\x00B`"
    assert md_code("9" * 100, limit=10) == "`9999999999... (100 characters)`"


def test_write_reports_and_rerun_is_byte_identical(result: ClassResult, tmp_path: Path) -> None:
    written = write_reports(result, tmp_path / "out")
    assert sorted(p.name for p in written) == ["alice.md", "bob.md", "carol.md", "dan.md",
                                               "grades.csv", "report.html", "summary.json", "summary.md"]
    first = _snapshot(tmp_path / "out")
    again = grade_class(KEY, FIXTURES / "long.csv", jobs=1)
    write_reports(again, tmp_path / "out")
    write_reports(again, tmp_path / "elsewhere" / "deeper")
    assert _snapshot(tmp_path / "out") == first
    assert _snapshot(tmp_path / "elsewhere" / "deeper") == first
    for blob in first.values():
        assert str(tmp_path).encode() not in blob
        assert b"\r\n" not in blob
    json.loads(first["summary.json"])


def test_failed_write_leaves_the_old_grades_csv(result: ClassResult, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    (out).mkdir()
    (out / "grades.csv").write_text("old grades\n", encoding="utf-8")
    real_fdopen, real_mkstemp = os.fdopen, tempfile.mkstemp
    opened: list[str] = []

    def recording_mkstemp(*args: Any, **kwargs: Any) -> tuple[int, str]:
        fd, name = real_mkstemp(*args, **kwargs)
        opened.append(name)
        return fd, name

    class DiskFullHalfway:
        """Writes half of grades.csv's new bytes, then fails like a full disk."""

        def __init__(self, fh: Any) -> None:
            self.fh = fh

        def __enter__(self) -> "DiskFullHalfway":
            return self

        def __exit__(self, *exc: Any) -> None:
            self.fh.close()

        def write(self, data: bytes) -> int:
            self.fh.write(data[: len(data) // 2])
            self.fh.flush()
            raise OSError(28, "No space left on device")

    def failing_fdopen(fd: int, *args: Any, **kwargs: Any) -> Any:
        fh = real_fdopen(fd, *args, **kwargs)
        # (a new feedback folder's files are opened with os.open, before any mkstemp)
        return DiskFullHalfway(fh) if opened and Path(opened[-1]).name.startswith(".grades.csv.") else fh

    monkeypatch.setattr("quizgen.kernel.files.tempfile.mkstemp", recording_mkstemp)
    monkeypatch.setattr("quizgen.kernel.files.os.fdopen", failing_fdopen)
    with pytest.raises(OSError, match="No space left"):
        write_reports(result, out)
    assert (out / "grades.csv").read_text(encoding="utf-8") == "old grades\n"
    assert not [p for p in out.rglob("*.tmp")]
    assert (out / "summary.md").exists()  # files before it are complete
    assert any(Path(name).name.startswith(".grades.csv.") for name in opened)


def _modes(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_mode & 0o777 for p in sorted(folder.rglob("*"))}


@pytest.mark.parametrize("umask", [0o022, 0o077])
def test_a_first_run_writes_the_feedback_folder_aside_and_renames_it_once(
        result: ClassResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, umask: int) -> None:
    real_mkstemp, real_rename = tempfile.mkstemp, os.rename
    temporaries: list[str] = []
    renames: list[tuple[str, str]] = []

    def recording_mkstemp(*args: Any, **kwargs: Any) -> tuple[int, str]:
        fd, name = real_mkstemp(*args, **kwargs)
        temporaries.append(Path(name).name)
        return fd, name

    def recording_rename(src: str, dst: str) -> None:
        renames.append((str(Path(src).relative_to(tmp_path)), str(Path(dst).relative_to(tmp_path))))
        real_rename(src, dst)

    monkeypatch.setattr("quizgen.kernel.files.tempfile.mkstemp", recording_mkstemp)
    monkeypatch.setattr(os, "rename", recording_rename)
    progress: list[tuple[str, int]] = []

    def phases(name: str, total: int) -> Any:
        progress.append((name, total))
        return lambda n: progress.append(("advance", n))

    old_umask = os.umask(umask)
    try:
        (tmp_path / "old" / "feedback").mkdir(parents=True)  # an existing folder: written as before
        write_reports(result, tmp_path / "old")
        written = write_reports(result, tmp_path / "new" / "out", phases=phases)
    finally:
        os.umask(old_umask)
    (rename,) = renames
    assert rename[1] == "new/out/feedback" and re.fullmatch(r"new/out/\.feedback\.[A-Za-z0-9_]{8}\.tmp", rename[0])
    # a temporary file for each of the existing folder's feedback files and top files; for the
    # new folder's top files only
    top = ["summary.json", "summary.md", "report.html", "grades.csv"]
    assert [t[1:-13] for t in temporaries] == ["alice.md", "bob.md", "carol.md", "dan.md", *top, *top]
    assert not [p for p in tmp_path.rglob("*.tmp")]
    assert written[:4] == [tmp_path / "new" / "out" / "feedback" / f"{n}.md" for n in ("alice", "bob", "carol", "dan")]
    assert all(p.is_file() for p in written)
    assert progress == [("Writing", 8), *[("advance", 1)] * 4, ("advance", 4)]
    # the same bytes and the same modes as per-file atomic writes, whatever the umask
    assert _snapshot(tmp_path / "new" / "out") == _snapshot(tmp_path / "old")
    assert _modes(tmp_path / "new" / "out") == _modes(tmp_path / "old")
    assert (tmp_path / "new" / "out" / "feedback").stat().st_mode & 0o777 == 0o777 & ~umask


def test_an_existing_feedback_folder_keeps_its_other_files(result: ClassResult, tmp_path: Path) -> None:
    feedback = tmp_path / "out" / "feedback"
    feedback.mkdir(parents=True)
    (feedback / "alice.md").write_text("old\n", encoding="utf-8")
    (feedback / "zoe.md").write_text("no longer in the key\n", encoding="utf-8")
    write_reports(result, tmp_path / "out")
    write_reports(result, tmp_path / "fresh")
    assert (feedback / "zoe.md").read_text(encoding="utf-8") == "no longer in the key\n"
    assert (feedback / "alice.md").read_bytes() == (tmp_path / "fresh" / "feedback" / "alice.md").read_bytes()
    assert sorted(p.name for p in feedback.iterdir()) == ["alice.md", "bob.md", "carol.md", "dan.md", "zoe.md"]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="kills a forked copy of itself")
def test_a_killed_first_run_leaves_a_feedback_folder_the_next_run_removes(result: ClassResult, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"

    def killed(src: str, dst: str) -> None:  # as kill -9 just before the folder's rename: nothing cleans up
        os._exit(9)

    pid = os.fork()
    if pid == 0:
        monkeypatch.setattr(os, "rename", killed)
        write_reports(result, out)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status) == 9
    (stale,) = out.iterdir()
    assert re.fullmatch(r"\.feedback\.[A-Za-z0-9_]{8}\.tmp", stale.name) and len(list(stale.iterdir())) == 4
    other = out / ".notes.ab12cd34.tmp"  # not ours: kept
    other.mkdir()
    write_reports(result, out)
    assert sorted(p.name for p in out.iterdir()) == [".notes.ab12cd34.tmp", "feedback", "grades.csv", "report.html",
                                                     "summary.json", "summary.md"]
    assert sorted(p.name for p in (out / "feedback").iterdir()) == ["alice.md", "bob.md", "carol.md", "dan.md"]


def test_feedback_does_not_pass_student_html_or_markdown_through(tmp_path: Path) -> None:
    """Verdict messages echo the answer (``unexpected character '<'`` and the caret display);
    in a rendered feedback page that was raw HTML and live links."""
    import csv

    subs = tmp_path / "subs.csv"
    with open(subs, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([
            ["student", "question", "answer"],
            ["alice", "mle/gaussian_nll", "<img src=x onerror=alert(1)>"],
            ["alice", "mle/kl_direction", "[click](http://evil.example)"],
            ["bob", "mle/gaussian_nll", "(y\n<script>alert(1)</script>"],
        ])
    result = grade_class(KEY, subs, jobs=1)
    alice = feedback_md(result.students[0])
    bob = feedback_md(result.students[1])
    quoted = [line for text in (alice, bob) for line in text.splitlines() if line.startswith(">")]
    outside_code: list[str] = []
    in_code = False
    for line in quoted:
        if line.startswith("> ```"):
            in_code = not in_code
        elif not in_code:
            outside_code.append(line)
    assert not any("<" in line.replace("\\<", "") for line in outside_code), outside_code
    assert not any("[click]" in line for line in outside_code), outside_code
    assert "> ```\n>   <img src=x onerror=alert(1)>\n>   ^\n> ```" in alice
    assert ">   (y <script>alert(1)</script>\n>      ^" in bob  # one line, caret under the '<'


def test_grades_csv_cells_cannot_be_spreadsheet_formulas() -> None:
    key = json.loads(KEY.read_text(encoding="utf-8"))
    key["versions"][0]["student"] = "=cmd|' /C calc'!A0"
    key["versions"][1]["student"] = "@SUM(1+1)"
    key["versions"][2]["student"] = "+1"
    result = grade_class(key, FIXTURES / "long.csv", jobs=1)
    rows = grades_csv(result).splitlines()
    assert [row.split(",")[0] for row in rows[1:]] == ["'=cmd|' /C calc'!A0", "'@SUM(1+1)", "'+1", "dan"]
    from quizgen.grading.report import csv_text

    assert csv_text("alice") == "alice" and csv_text("-x") == "'-x" and csv_text("") == ""


def test_equal_messages_of_different_variants_keep_each_variants_markdown() -> None:
    """Feedback sections are rendered once per distinct content: two variants giving the same
    message share a section only when their authors' sentences inside it are the same."""
    from quizgen.grading.batch import GradedAnswer, StudentResult
    from quizgen.grading.verdict import Verdict

    message = "The gradient *is* negative."
    authored = json.dumps({"type": "numeric", "known_wrong": [{"feedback": message}], "answer": {}})
    other = json.dumps({"type": "numeric", "known_wrong": [{"feedback": "Another *note*."}], "answer": {}})
    verdict = Verdict("incorrect", 0.0, message, "numeric", "sign")

    def sheet(source: str) -> str:
        answer = GradedAnswer("mle/x", 1, 1.0, "-3", verdict, 0.0, "line 2", "X", key_source=source)
        return feedback_md(StudentResult("s", (answer,), True, 0.0, 1.0))

    for _ in range(2):  # in either order, and with the first rendering remembered
        assert "> The gradient *is* negative." in sheet(authored)
        assert "> The gradient \\*is\\* negative." in sheet(other)
        assert "> The gradient \\*is\\* negative." in sheet("")
