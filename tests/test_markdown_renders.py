"""The Markdown sheets, solutions and feedback files render as Markdown readers show them.

pandoc (CI installs it) must turn every formula into math: no literal ``$`` in its HTML or LaTeX
and no "Could not convert TeX math". Python-Markdown with the usual math extension (arithmatex,
as MkDocs uses) must keep every formula verbatim, so ``_`` inside math never becomes emphasis.
"""

from __future__ import annotations

import csv
import html
import json
import os
import re
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from quizgen.cli import main
from quizgen.export import render_exam
from quizgen.generation.bank import load_bank
from quizgen.generation.exam import build_exam, version_names
from quizgen.grading.report import md_text

pandoc = shutil.which("pandoc")
needs_pandoc = pytest.mark.skipif(
    pandoc is None and not os.environ.get("CI"), reason="pandoc is not installed here (.ci/run installs it)"
)
MATH = re.compile(r"\$\$(.+?)\$\$|\$([^$]+)\$", re.S)


@pytest.fixture(scope="module")
def md_files():
    exam = build_exam(load_bank().topic("mle"), seed=21, students=version_names(2))
    return {name: text for name, text in render_exam(exam, ["md"]).items() if name.endswith(".md")}  # not the PNGs


def run_pandoc(text: str, *args: str) -> tuple[str, str]:
    assert pandoc, "CI must have pandoc: .ci/run installs it"
    proc = subprocess.run([pandoc, "-f", "markdown", *args], input=text, capture_output=True, text=True, check=True)
    return proc.stdout, proc.stderr


@needs_pandoc
def test_pandoc_html_has_every_formula_as_mathml(md_files):
    for name, text in md_files.items():
        out, err = run_pandoc(text, "-t", "html", "--mathml")
        assert "$" not in out, (name, out[max(0, out.find("$") - 200): out.find("$") + 100])
        assert "Could not convert" not in err, (name, err)
        assert out.count("<math") == len(MATH.findall(text)), name


@needs_pandoc
def test_pandoc_latex_has_no_literal_dollar(md_files):
    for name, text in md_files.items():
        out, err = run_pandoc(text, "-t", "latex")
        assert "\\$" not in out and "\\textbackslash" not in out, name
        assert out.count("\\(") + out.count("\\[") == len(MATH.findall(text)), name


def test_answer_lines_are_math_to_pandoc(md_files):
    """`$ x $` with inner spaces is not math to pandoc: the answer line must be `$x$`."""
    answers = [line for text in md_files.values() for line in text.splitlines() if line.startswith("**Answer:** $")]
    assert answers
    for line in answers:
        assert re.fullmatch(r"\*\*Answer:\*\* \$[^\s$][^$]*[^\s$]\$", line), line


def test_python_markdown_with_arithmatex_keeps_every_formula(md_files):
    markdown = pytest.importorskip("markdown", reason="python-markdown is in the test extra")
    for name, text in md_files.items():
        out = markdown.markdown(text, extensions=["pymdownx.arithmatex"],
                                extension_configs={"pymdownx.arithmatex": {"generic": True}})
        assert "$" not in out, name
        for m in MATH.finditer(text):
            formula = html.escape(m.group(1) or m.group(2), quote=False)
            assert formula in out, (name, formula)
        # list items continue with four spaces, so displayed steps stay inside their item
        if name.startswith("solutions"):
            assert re.search(r"<li>\s*<p>[^<]*(<[^/][^>]*>[^<]*</[^>]*>[^<]*)*</p>\s*<div class=\"arithmatex\">", out), name


def test_md_text_keeps_math_and_escapes_prose():
    assert md_text(r"You used $\log_2$ not $\ln$ * 2_x") == r"You used $\log_2$ not $\ln$ \* 2\_x"
    assert md_text("costs $5 and $6") == r"costs \$5 and \$6"
    assert md_text(r"$<b>$ and $\href{x}{y}$") == r"\$\<b\>\$ and \$\\href\{x\}\{y\}\$"


@needs_pandoc
def test_feedback_files_render_their_math(tmp_path):
    """A recognised misconception's feedback (which has $math$) reaches the student as math, not as \\\\log."""
    out = tmp_path / "o"
    result = CliRunner().invoke(main, ["make", "--topic", "mle", "--seed", "4", "--questions", "one_hot_cross_entropy",
                                       "--format", "json", "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    key = json.loads((out / "key.json").read_text())
    q = key["versions"][0]["questions"][0]
    wrong = next(w for w in q["known_wrong"] if "$" in w["feedback"])
    subs = tmp_path / "subs.csv"
    with subs.open("w", newline="") as fh:
        csv.writer(fh).writerows([["student", "question", "answer"], ["v01", q["id"], repr(wrong["value"])]])
    result = CliRunner().invoke(main, ["grade", "--key", str(out / "key.json"), str(subs), "--out", str(tmp_path / "g")])
    feedback = (tmp_path / "g" / "feedback" / "v01.md").read_text()
    assert "\\\\" not in feedback
    assert any(m.group(0) in feedback for m in MATH.finditer(wrong["feedback"]))
    html_out, err = run_pandoc(feedback, "-t", "html", "--mathml")
    assert "$" not in html_out and "Could not convert" not in err
    assert "<math" in html_out
