"""Progress bars on stderr when it is a terminal, nothing in pipes or CI (issue 21 §4)."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizgen.cli import main

ROOT = Path(__file__).resolve().parents[1]
SECRET = "00112233445566778899aabbccddeeff"


def on_a_terminal(*args: str) -> tuple[int, str]:
    """(exit status, what went to stderr) of ``quizgen ARGS`` with stderr a terminal (a pty)."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "quizgen", *args], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=follower, env={**os.environ, "COLUMNS": "100"})
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # the other end closed
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    return proc.wait(timeout=120), b"".join(chunks).decode("utf-8", "replace")


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> tuple[Path, Path]:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("progress")
    r = CliRunner().invoke(main, ["make", "--topic", "mle", "--seed", "5", "--secret", SECRET, "--versions", "250",
                                  "--format", "json", "--questions", "gaussian_nll_value", "--out", str(folder)])
    assert r.exit_code == 0, r.output
    key = json.loads((folder / "key.json").read_text())
    subs = folder / "subs.csv"
    subs.write_text("student,question,answer\n" + "".join(f"{v['student']},q1,0.5\n" for v in key["versions"]))
    return folder / "key.json", subs


@pytest.mark.skipif(not hasattr(pty, "openpty") or sys.platform == "win32", reason="needs a pty")
def test_grade_shows_each_long_phase_on_a_terminal(big: tuple[Path, Path], tmp_path: Path) -> None:
    key, subs = big
    status, err = on_a_terminal("grade", "--key", str(key), str(subs), "--out", str(tmp_path / "g"), "--jobs", "1")
    assert status == 0, err
    for label in ("Grading", "Writing"):
        assert label in err and "100%" in err, err


def test_grade_is_silent_in_a_pipe(big: tuple[Path, Path], tmp_path: Path) -> None:
    key, subs = big
    out = subprocess.run([sys.executable, "-m", "quizgen", "grade", "--key", str(key), str(subs), "--out",
                          str(tmp_path / "g"), "--jobs", "1"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0 and out.stderr == "", out.stderr


def test_checking_a_key_reports_its_distinct_entries(big: tuple[Path, Path]) -> None:
    from quizgen.grading.keycheck import check_key_content
    from quizgen.grading.keyfile import validate_key

    key = validate_key(json.loads(big[0].read_text()))
    seen: list[tuple[str, int]] = []
    steps: list[int] = []

    def phases(label: str, total: int):  # type: ignore[no-untyped-def]
        seen.append((label, total))
        return steps.append

    graders = check_key_content(key, phases)
    assert seen == [("Checking the key", len(graders))] and sum(steps) == len(graders) > 1


@pytest.mark.skipif(not hasattr(pty, "openpty") or sys.platform == "win32", reason="needs a pty")
def test_make_shows_building_rendering_and_writing_on_a_terminal(tmp_path: Path) -> None:
    status, err = on_a_terminal("make", "--topic", "mle", "--questions", "gaussian_nll", "--versions", "60",
                                "--seed", "3", "--secret", SECRET, "--out", str(tmp_path / "m"), "--jobs", "1")
    assert status == 0, err
    for label in ("Building versions", "Rendering", "Writing"):
        assert label in err, err


def test_make_is_silent_in_a_pipe(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "quizgen", "make", "--topic", "mle", "--questions", "gaussian_nll",
                          "--versions", "60", "--seed", "3", "--secret", SECRET, "--out", str(tmp_path / "m"),
                          "--jobs", "1"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0 and out.stderr == "", out.stderr


def test_pdf_compiles_report_their_progress(tmp_path: Path) -> None:
    """Each compiled PDF moves the bar (from pdflatex's threads)."""
    import shutil

    from quizgen.export.base import Options

    if shutil.which("pdflatex") is None and not os.environ.get("CI"):
        pytest.skip("pdflatex is not installed here")
    from quizgen.generation.bank import load_bank
    from quizgen.generation.exam import build_exam, version_names
    from quizgen.export import render_exam

    exam = build_exam([load_bank().find("mle/gaussian_nll")], 3, version_names(2), secret=SECRET, jobs=1)
    seen: list[tuple[str, int]] = []
    steps: list[int] = []

    def phases(label: str, total: int):  # type: ignore[no-untyped-def]
        seen.append((label, total))
        return steps.append

    files = render_exam(exam, ["pdf"], options=Options(phases=phases), jobs=1)
    pdfs = [n for n in files if n.endswith(".pdf")]
    assert ("Compiling PDFs", len(pdfs)) in seen and sum(steps) >= len(pdfs) == 4


@pytest.mark.skipif(not hasattr(pty, "openpty") or sys.platform == "win32", reason="needs a pty")
def test_check_shows_its_questions_on_a_terminal_and_nothing_in_a_pipe() -> None:
    args = ("check", "--topic", "mle/kl", "--seeds", "2", "--jobs", "1")
    status, err = on_a_terminal(*args)
    assert status == 0 and "Checking questions" in err and "100%" in err, err
    out = subprocess.run([sys.executable, "-m", "quizgen", *args], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0 and "Checking questions" not in out.stderr, out.stderr
