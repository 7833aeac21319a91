"""The generated .tex compiles with pdflatex (CI installs TeX Live; locally it may be absent)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from quizgen.export import render_exam
from quizgen.export.markup import markdown_to_tex
from quizgen.generation.bank import load_bank
from quizgen.generation.exam import build_exam, version_names

pdflatex = shutil.which("pdflatex")


def test_markdown_to_tex_keeps_math_and_escapes_prose():
    text = "Cost is 50% of `y_hat` & **bold** *it* with $\\hat{y}_i^2$ and $$a_b$$ #1"
    assert markdown_to_tex(text) == (
        "Cost is 50\\% of \\texttt{y\\_hat} \\& \\textbf{bold} \\emph{it} with $\\hat{y}_i^2$ and \\[a_b\\] \\#1"
    )


needs_pdflatex = pytest.mark.skipif(
    pdflatex is None and not os.environ.get("CI"), reason="pdflatex is not installed here (.ci/run installs TeX Live)"
)


@needs_pdflatex
def test_every_question_compiles_in_sheet_and_solutions():
    """The pdf format compiles the .tex writer's output; a LaTeX error would raise QuizgenError."""
    assert pdflatex, "CI must have pdflatex: .ci/run installs TeX Live"
    exam = build_exam(load_bank().topic("mle"), seed=11, students=version_names(2))
    files = render_exam(exam, ["pdf"])
    assert sorted(files) == ["sheet-v01.pdf", "sheet-v02.pdf", "solutions-v01.pdf", "solutions-v02.pdf"]
    for name, data in files.items():
        assert data.startswith(b"%PDF-") and len(data) > 10_000, name


@needs_pdflatex
def test_pdf_is_byte_identical_across_runs():
    assert pdflatex, "CI must have pdflatex: .ci/run installs TeX Live"
    bank = load_bank()
    entries = [bank.find("mle/gaussian_nll")]
    first = render_exam(build_exam(entries, seed=5, students=["ann"]), ["pdf"])
    second = render_exam(build_exam(entries, seed=5, students=["ann"]), ["pdf"])
    assert first == second


def test_pdf_without_pdflatex_is_a_clear_error(monkeypatch):
    from quizgen.export import pdf as render
    from quizgen.kernel.errors import QuizgenError

    monkeypatch.setattr(render.shutil, "which", lambda name: None)
    exam = build_exam([load_bank().find("mle/gaussian_nll")], seed=5, students=["ann"])
    with pytest.raises(QuizgenError, match="format pdf needs pdflatex"):
        render_exam(exam, ["pdf"])


def test_plugged_numbers_get_a_dot_only_where_they_meet_another_factor():
    from quizgen.generation.formulas import fill_latex

    template = r"2 QZ0QZ^{2} + \frac{1}{2} QZ1QZ + \hat{y} \left(-1 + \hat{y}\right) + QZ0QZ QZ1QZ + \sum_{i=1}^{4} QZ0QZ"
    assert fill_latex(template, ["2.5", "-3"]) == (
        r"2 \cdot 2.5^{2} + \frac{1}{2} \cdot \left(-3\right) + \hat{y} \left(-1 + \hat{y}\right)"
        r" + 2.5 \cdot \left(-3\right) + \sum_{i=1}^{4} 2.5"
    )


_OVERFULL = re.compile(r"Overfull \\hbox \((\d+(?:\.\d+)?)pt too wide\)[^\n]*\n(.*?)\n\n", re.S)


def overfull_boxes(log: str, limit: float = 1.0) -> list[str]:
    """The Overfull \\hbox warnings of a pdflatex log wider than ``limit`` points, with the offending text."""
    return [f"{w}pt: {text.strip()[:200]}" for w, text in _OVERFULL.findall(log) if float(w) > limit]


LONG_BANK = Path(__file__).parent / "fixtures" / "longbank"  # a question whose formula is ~3 lines long


@needs_pdflatex
def test_no_line_of_any_sheet_or_solution_overflows(tmp_path):
    """Every question's sheet and solutions, for several students, with no Overfull \\hbox wider than 1pt;
    plus a question with a formula several lines long, which must break instead of running off the page."""
    assert pdflatex, "CI must have pdflatex: .ci/run installs TeX Live"
    bank = load_bank([LONG_BANK])
    exam = build_exam(bank.topic("mle") + bank.topic("long"), seed=2026, students=version_names(4))
    files = render_exam(exam, ["tex"])
    assert "long_sum" in files["solutions-v01.tex"] or "A long sum" in files["solutions-v01.tex"]
    problems = []
    for name, data in files.items():  # the figures' PNG files first: the .tex files include them
        if isinstance(data, bytes):
            (tmp_path / name).write_bytes(data)
    for name, source in sorted(files.items()):
        if not name.endswith(".tex"):
            continue
        (tmp_path / name).write_text(source, encoding="utf-8")
        proc = subprocess.run(
            [pdflatex, "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", name],
            cwd=tmp_path, capture_output=True, text=True, errors="replace", timeout=300,
        )
        log = (tmp_path / name.replace(".tex", ".log")).read_text(encoding="latin-1")
        assert proc.returncode == 0, (name, log[-2000:])
        problems += [f"{name}: {p}" for p in overfull_boxes(log)]
    assert not problems, "\n".join(problems)


def test_overfull_parser_reads_pdflatex_warnings():
    log = ("Overfull \\hbox (12.5pt too wide) in paragraph at lines 3--4\n[]\\T1/lmr/m/n/10.95 long text\n\n"
           "Overfull \\hbox (0.4pt too wide) detected at line 9\n[]\n\n")
    assert overfull_boxes(log) == ["12.5pt: []\\T1/lmr/m/n/10.95 long text"]


@needs_pdflatex
def test_pdf_embeds_figures_byte_identically():
    """Figures reach the compiled PDF (as images), and the same seed gives the same PDF bytes."""
    assert pdflatex, "CI must have pdflatex: .ci/run installs TeX Live"
    from quizgen.generation import figures

    bank = load_bank()
    entries = [bank.find("mle/reliability_ece"), bank.find("mle/bernoulli_likelihood_curve")]
    first = render_exam(build_exam(entries, seed=5, students=["ann"]), ["pdf"])
    figures.clear_cache()  # draw the figures again, not from the cache
    second = render_exam(build_exam(entries, seed=5, students=["ann"]), ["pdf"])
    assert sorted(first) == ["sheet.pdf", "solutions.pdf"]  # the PNG files are inside, not beside
    assert first == second
    on_sheet = first["sheet.pdf"].count(b"/Subtype /Image")  # the reliability diagram (an image and its alpha mask)
    assert on_sheet >= 1
    assert first["solutions.pdf"].count(b"/Subtype /Image") == 2 * on_sheet  # and the likelihood curve
