"""docs/writing-questions.md, "A complete question from scratch": the folder, the question, the check
command and the make command exactly as written there."""

from __future__ import annotations

import re
import shlex

from click.testing import CliRunner
from docpages import block, page

from quizgen.cli import main

DOC = page("docs/writing-questions.md")


def _block(marker: str, lang: str) -> str:
    return block(marker) + "\n"


def test_the_walkthrough_question_passes_quizgen_check(tmp_path, monkeypatch):
    assert block("walkthrough-folder") == "mkdir -p mybank/intro"
    (tmp_path / "mybank" / "intro").mkdir(parents=True)
    (tmp_path / "mybank" / "intro" / "coin_mle.py").write_text(_block("walkthrough-question", "python"), encoding="utf-8")
    (command,) = [line for line in _block("walkthrough-check", "bash").splitlines() if line.strip()]
    args = shlex.split(command)
    assert args[0] == "quizgen"
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, [*args[1:], "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert "check: 1 question(s) x 50 seed(s): all passed" in result.output
    assert "\nintro/coin_mle " in result.output


def test_the_coarse_check_the_page_warns_about_is_caught(tmp_path, monkeypatch):
    """The page says a grid-search check is not precise enough and `check` names the seeds."""
    source = _block("walkthrough-question", "python")
    coarse = re.sub(r"def check\(p, x\):.*?\n\n\n", "def check(p, x):\n    import numpy as np\n\n"
                    "    t = np.linspace(1e-6, 1 - 1e-6, 1_000_001)\n"
                    "    return t[np.argmax(p['k'] * np.log(t) + (p['n'] - p['k']) * np.log(1 - t))]\n\n\n", source, flags=re.S)
    assert coarse != source
    (tmp_path / "mybank" / "intro").mkdir(parents=True)
    (tmp_path / "mybank" / "intro" / "coin_mle.py").write_text(coarse, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "--bank", "mybank", "--seeds", "10", "--jobs", "1"])
    assert result.exit_code == 1
    assert "FAIL intro/coin_mle seed " in result.output and "disagrees with the independent check" in result.output


def test_the_walkthrough_question_makes_sheets_with_its_steps_and_mistakes(tmp_path, monkeypatch):
    (tmp_path / "mybank" / "intro").mkdir(parents=True)
    (tmp_path / "mybank" / "intro" / "coin_mle.py").write_text(_block("walkthrough-question", "python"), encoding="utf-8")
    assert "**Use it:** `quizgen make --topic intro --bank mybank --versions 30`" in DOC
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["make", "--topic", "intro", "--bank", "mybank", "--versions", "30",
                                       "-f", "md", "-o", "out"])
    assert result.exit_code == 0, result.output
    solutions = (tmp_path / "out" / "solutions-v01.md").read_text(encoding="utf-8")
    assert "\\log{\\left(\\theta \\right)}" in solutions and "= 0$$" in solutions
    assert "*add one smoothing*" in solutions and "**Common mistakes:**" in solutions


def test_the_helpers_question_passes_quizgen_check(tmp_path, monkeypatch):
    (tmp_path / "mybank" / "intro").mkdir(parents=True)
    (tmp_path / "mybank" / "intro" / "cross_entropy_bits.py").write_text(_block("helpers-question", "python"),
                                                                           encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "--bank", "mybank", "--seeds", "50", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert "check: 1 question(s) x 50 seed(s): all passed" in result.output
