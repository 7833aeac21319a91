"""Defects found trying quizgen as a large course would (issue 21), each failing before its fix."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from processes import alive, children, seconds_until_gone
from quizgen.cli import main

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "grade"


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args))


def one_line_error(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 2 and result.exception is None or isinstance(result.exception, SystemExit), \
        result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize("sigfigs", [29, 40, 10**6])
def test_numeric_sigfigs_of_29_or_more_grade_like_any_other(tmp_path: Path, sigfigs: int) -> None:
    """decimal's 28-digit context made rounding to 29+ figures raise InvalidOperation (a traceback)."""
    key = json.loads((FIXTURES / "key.json").read_text())
    for version in key["versions"]:
        for q in version["questions"]:
            if q["type"] == "numeric":
                q["answer"]["sigfigs"] = sigfigs
    kpath = tmp_path / "key.json"
    kpath.write_text(json.dumps(key))
    subs = tmp_path / "subs.csv"
    subs.write_text("student,question,answer\nalice,mle/bernoulli_entropy,0.7\nbob,mle/bernoulli_entropy,0.693147\n")
    r = run("grade", "--key", str(kpath), str(subs), "--out", str(tmp_path / "g"), "--jobs", "1")
    assert r.exit_code == 0 and r.exception is None, r.output
    grades = (tmp_path / "g" / "grades.csv").read_text().splitlines()
    assert len(grades) == 5


def test_make_into_an_unwritable_folder_is_one_line(tmp_path: Path) -> None:
    for out in ("/proc/quizgen-x", "/sys/quizgen-x"):
        if not Path(out).parent.is_dir():
            continue
        r = run("make", "--topic", "mle", "--questions", "gaussian_nll", "--versions", "2", "--seed", "3",
                "--out", out)
        assert one_line_error(r).startswith(f"quizgen: error: {out}: cannot write the files there (")


def test_make_removes_what_a_killed_make_left_behind(tmp_path: Path) -> None:
    """kill -9 cannot clean up: the next make into the folder removes the temporary files of the
    files it writes (with --force or not), and no other file."""
    out = tmp_path / "out"
    args = ("make", "--topic", "mle", "--questions", "gaussian_nll", "--versions", "2", "--seed", "3",
            "--format", "md,json", "--out", str(out))
    out.mkdir()
    stale = [out / ".sheet-v01.md.k3j_9xq2.tmp", out / ".key.json.ab12cd34.tmp"]
    keep = out / ".notes.txt.ab12cd34.tmp"
    for p in (*stale, keep):
        p.write_text("half")
    assert run(*args).exit_code == 0
    assert not any(p.exists() for p in stale) and keep.exists()
    (out / ".sheet-v02.md.zz11yy22.tmp").write_text("half")
    assert run(*args, "--force").exit_code == 0
    assert sorted(p.name for p in out.glob(".*.tmp")) == [keep.name]


def test_json_duplicate_keys_are_reported(tmp_path: Path) -> None:
    """json.loads keeps the last of two equal keys silently: one answer was lost, unreported."""
    subs = tmp_path / "subs.json"
    subs.write_text('{"alice": {"q2": "0.5", "q2": "0.693"}, '
                    '"bob": {"q1": "x"}, "bob": {"q1": "(y - y_hat)**2/(2*sigma**2)"}}')
    r = run("grade", "--key", str(FIXTURES / "key.json"), str(subs), "--out", str(tmp_path / "g"), "--jobs", "1")
    assert r.exit_code == 1, r.output
    assert r.stderr.splitlines() == [
        'quizgen: subs.json, student "alice", question "q2": duplicate answer for alice / mle/bernoulli_entropy: '
        'not graded, the later one at student "alice", question "q2" (occurrence 2) counts',
        'quizgen: subs.json, student "bob", question "q1": duplicate answer for bob / mle/bernoulli_entropy: '
        'not graded, the later one at student "bob", question "q1" counts']
    lst = tmp_path / "list.json"
    lst.write_text('[{"student": "alice", "question": "q1", "answer": "1", "answer": "2"}]')
    r = run("grade", "--key", str(FIXTURES / "key.json"), str(lst), "--out", str(tmp_path / "g2"), "--jobs", "1")
    assert r.exit_code == 1
    assert r.stderr.splitlines() == [
        'quizgen: list.json, entry 1: malformed entry: the key "answer" appears twice; not graded']


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_said_to_be_not_utf8(tmp_path: Path, encoding: str) -> None:
    subs = tmp_path / "subs.csv"
    subs.write_bytes("student,question,answer\nalice,q1,0.5\n".encode(encoding))
    r = run("grade", "--key", str(FIXTURES / "key.json"), str(subs), "--out", str(tmp_path / "g"))
    assert one_line_error(r) == (f"quizgen: error: {subs}: not UTF-8 (it looks like UTF-16 without a "
                                 "byte-order mark); save the file as UTF-8 and re-run")
    key = tmp_path / "key.json"
    key.write_bytes((FIXTURES / "key.json").read_text().encode(encoding))
    r = run("grade", "--key", str(key), str(FIXTURES / "long.csv"), "--out", str(tmp_path / "g"))
    assert "it looks like UTF-16 without a byte-order mark" in one_line_error(r)


def test_one_feedback_file_is_singular(tmp_path: Path) -> None:
    key = json.loads((FIXTURES / "key.json").read_text())
    key["versions"] = key["versions"][:1]
    kpath = tmp_path / "key.json"
    kpath.write_text(json.dumps(key))
    subs = tmp_path / "subs.csv"
    subs.write_text(f"student,question,answer\n{key['versions'][0]['student']},q1,1\n")
    r = run("grade", "--key", str(kpath), str(subs), "--out", str(tmp_path / "g"))
    assert r.exit_code == 0, r.output
    assert r.stdout.rstrip().endswith("report.html and 1 feedback file.")


_BUSY_POOL = """
import sys
from quizgen.kernel.workers import pool

def busy(n):
    return sum(range(n))  # one C call that holds the GIL: the worker's watch thread cannot run

with pool(1) as executor:
    future = executor.submit(busy, 10**11)
    print("started", flush=True)
    future.result()
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG and /proc are Linux's")
def test_a_busy_worker_dies_with_its_killed_parent_at_once() -> None:
    """A worker inside a long computation that holds the GIL outlived a kill -9 of quizgen until
    that computation ended (its watch thread could not run); the kernel now kills it with its parent."""
    proc = subprocess.Popen([sys.executable, "-c", _BUSY_POOL], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "started"
        end = time.monotonic() + 30
        while not children(proc.pid) and time.monotonic() < end:
            time.sleep(0.02)
        workers = children(proc.pid)
        assert workers
        time.sleep(0.5)  # the worker is inside sum() now
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        outlived = seconds_until_gone(workers)
    finally:
        for pid in alive(children(proc.pid) | locals().get("workers", set())):
            os.kill(pid, signal.SIGKILL)
    assert outlived < 0.5, f"the worker outlived its killed parent by {outlived:.2f} s"
