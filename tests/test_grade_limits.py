"""``grade`` reads within bounds (issue 21): /dev/zero, a 200 MB file, a 50 MB answer and a file of
thousands of bad rows each end in one line naming the limit and the flag that raises it, with
memory that follows the limits, not the input; reports list the first problems of each kind and
count the rest."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
KEY = ROOT / "tests" / "fixtures" / "grade" / "key.json"

#: A grade run of a tiny class peaks near 80 MB (Python, numpy); before issue 21 a 50 MB answer
#: took 509 MB and /dev/zero grew until the kernel killed it.
PEAK_MB = 200


def grade(*args: str) -> tuple[int, str, str, float]:
    """(exit status, stdout, stderr, peak resident MB) of ``quizgen grade ARGS`` in a fresh process."""
    code = ("import re, sys\nfrom click.testing import CliRunner\nfrom quizgen.cli import main\n"
            f"r = CliRunner().invoke(main, ['grade', *{list(args)!r}])\n"
            "hwm = int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))\n"
            "print(repr((r.exit_code, r.stdout, r.stderr, hwm / 1024)))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return eval(out.stdout.strip().splitlines()[-1])  # noqa: S307 - our own repr of a tuple


def error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    return lines[0]


pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists() or not Path("/dev/zero").exists(),
                                reason="needs /proc and /dev/zero")


def test_dev_zero_as_submissions_or_key_is_one_line_in_bounded_memory(tmp_path: Path) -> None:
    status, _, err, peak = grade("--key", str(KEY), "/dev/zero", "--out", str(tmp_path / "g"))
    assert status == 2 and error_line(err) == (
        "quizgen: error: /dev/zero: not UTF-8 text (it holds NUL bytes); save the file as UTF-8 and re-run")
    assert peak < PEAK_MB
    status, _, err, peak = grade("--key", "/dev/zero", str(ROOT / "tests/fixtures/grade/long.csv"),
                                 "--out", str(tmp_path / "g"), "--max-key-mb", "20")
    assert status == 2 and error_line(err) == (
        "quizgen: error: /dev/zero: the key file is larger than 20 MB, the limit (--max-key-mb raises it)")
    assert peak < PEAK_MB
    assert not (tmp_path / "g").exists()


def test_a_200_mb_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    with big.open("wb") as fh:
        fh.write(b"student,question,answer\n")
        fh.truncate(200 * 1_000_000)
    status, _, err, peak = grade("--key", str(KEY), str(big), "--out", str(tmp_path / "g"))
    assert status == 2 and error_line(err) == (
        f"quizgen: error: {big}: the submissions file is larger than 100 MB, the limit (--max-file-mb raises it)")
    assert peak < PEAK_MB


def test_a_stream_is_cut_at_the_file_limit_and_rows_at_the_row_limit(tmp_path: Path) -> None:
    """Size not known up front (a pipe, a device): reading stops at the limit. And a file of many
    duplicate rows stops at --max-rows; raising the flags reads it."""
    rows = tmp_path / "rows.csv"
    rows.write_text("student,question,answer\n" + "alice,q1,0.693\n" * 150_000)  # 2.25 MB
    status, _, err, _ = grade("--key", str(KEY), str(rows), "--out", str(tmp_path / "g"), "--max-file-mb", "1")
    assert status == 2 and error_line(err).endswith("the submissions file is larger than 1 MB, the limit "
                                                    "(--max-file-mb raises it)")
    status, _, err, _ = grade("--key", str(KEY), str(rows), "--out", str(tmp_path / "g"), "--max-rows", "100000")
    assert status == 2 and error_line(err) == (
        "quizgen: error: rows.csv: more than 100,000 rows, the limit (--max-rows raises it)")
    pipe = subprocess.run(["sh", "-c", f"cat {rows} | {sys.executable} -m quizgen grade --key {KEY} /dev/stdin "
                           f"--out {tmp_path / 'g'} --max-file-mb 1"], capture_output=True, text=True, cwd=ROOT)
    assert pipe.returncode == 2 and "larger than 1 MB, the limit (--max-file-mb raises it)" in pipe.stderr
    assert not (tmp_path / "g").exists()


def test_a_50_mb_answer_is_one_reported_row_and_the_class_is_graded(tmp_path: Path) -> None:
    subs = tmp_path / "subs.csv"
    with subs.open("w") as fh:
        fh.write("student,question,answer\nalice,q1,")
        fh.write("y" * 50_000_000)
        fh.write(f"\nbob,q1,0.693\ncarol,q2,{'z' * 20_000}\ncarol,q1,0.5\n")
    status, out, err, peak = grade("--key", str(KEY), str(subs), "--out", str(tmp_path / "g"))
    assert status == 1 and "Traceback" not in err
    assert err.splitlines() == [
        "quizgen: subs.csv, line 2: a row of more than 1,010,000 characters (an answer far over the length limit, "
        "--max-answer-chars raises it, or a quote never closed); row skipped, the lines after it are read as rows",
        "quizgen: subs.csv, line 4: an answer of 20,000 characters, over the limit of 10,000 (--max-answer-chars "
        "raises it); not graded"]
    assert out.startswith("Graded 2 answers from 2 students")
    assert peak < PEAK_MB
    status, out, _, _ = grade("--key", str(KEY), str(subs), "--out", str(tmp_path / "g2"), "--max-answer-chars", "30000")
    assert status == 1 and out.startswith("Graded 3 answers from 2 students")


def test_reports_list_the_first_problems_of_each_kind_and_count_the_rest(tmp_path: Path) -> None:
    subs = tmp_path / "subs.csv"
    subs.write_text("student,question,answer\n" + "alice,q1,0.693\n" * 3000 + "zed,q1,1\n" * 250
                    + "alice,q9,1\n")
    status, out, err, _ = grade("--key", str(KEY), str(subs), "--out", str(tmp_path / "g"))
    assert status == 1
    summary = json.loads((tmp_path / "g" / "summary.json").read_text())
    assert summary["problem_count"] == 2999 + 250 + 1
    assert len(summary["problems"]) == 100 + 100 + 1
    assert summary["problems_not_listed"] == [{"kind": "duplicate answer", "count": 2899},
                                              {"kind": "unknown student", "count": 150}]
    md = (tmp_path / "g" / "summary.md").read_text()
    assert "- ... and 2,899 more of this kind, not listed: duplicate answer" in md
    assert "- ... and 150 more of this kind, not listed: unknown student" in md
    assert "problems (not graded): 3250" in md
    html = (tmp_path / "g" / "report.html").read_text()
    assert "and 2,899 more of this kind, not listed: duplicate answer" in html
    assert "3250 problems (rows not graded)" in out
    assert err.splitlines()[-1] == ("quizgen: ... and 3,200 more problems, the first 100 of each kind listed in "
                                    f"{tmp_path / 'g' / 'summary.md'}")
