"""Figures: drawn from the variant's numbers, once per distinct figure, byte-identical, in Markdown and LaTeX."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from fractions import Fraction

import pytest

from quizgen.export import render_exam
from quizgen.generation import figures
from quizgen.generation.bank import load_bank
from quizgen.generation.exam import build_exam, version_names
from quizgen.generation.figures import FigureRef, figure_files, png
from quizgen.generation.variant import make_variant

BANK = load_bank()
WITH_FIGURES = [e for e in BANK.topic("mle") if e.question.figures]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_at_least_four_questions_have_figures_of_every_kind():
    assert len(WITH_FIGURES) >= 4
    kinds = {f.kind for e in WITH_FIGURES for f in e.question.figures}
    assert kinds == {"sigmoid_slope", "loss_vs_output", "reliability", "likelihood"}
    assert set(figures.DRAWINGS) == kinds


def test_markdown_shows_each_figure_beside_the_sheet_with_alt_text():
    exam = build_exam(WITH_FIGURES, seed=4, students=version_names(3))
    files = render_exam(exam, ["md"])
    pngs = {name for name in files if name.endswith(".png")}
    assert pngs
    for name, text in files.items():
        if name.endswith(".md"):
            for alt, target in re.findall(r"!\[([^\]]+)\]\(([^)]+)\)", text):
                assert target in pngs and len(alt) > 40, (name, target)
    for name in pngs:
        assert files[name].startswith(PNG_SIGNATURE)
    # the reliability diagram is on the sheet; the likelihood curve (it shows the answer) only in the solutions
    sheet, solutions = files["sheet-v01.md"], files["solutions-v01.md"]
    assert "fig-reliability-" in sheet and "fig-reliability-" in solutions
    assert "fig-likelihood-" not in sheet and "fig-likelihood-" in solutions


def test_latex_includes_the_figures_and_pdf_embeds_them():
    exam = build_exam(WITH_FIGURES, seed=4, students=["ann"])
    files = render_exam(exam, ["tex"])
    included = re.findall(r"\\qzfigure\{([^}]+)\}", files["solutions.tex"])
    assert included and all(name in files for name in included)
    assert "\\usepackage{graphicx}" in files["solutions.tex"]


def test_figure_arguments_are_the_questions_own_numbers():
    """The reliability diagram's bars are the accuracies of the variant's bins (recomputed here from its parameters)."""
    q = BANK.find("mle/reliability_ece").question
    for seed in range(20):
        v = make_variant(q, seed, "s")
        (ref,) = v.figures
        args = dict(ref.args)
        gap, step = Fraction(v.params["gap"]), Fraction(v.params["step"])
        expected = tuple(float(Fraction(c) - gap - b * step) for b, c in enumerate(("0.6", "0.7", "0.8", "0.9")))
        assert args["accuracy"] == pytest.approx(expected)
        assert all(a < c for a, c in zip(args["accuracy"], args["confidence"]))  # overconfident, as the text says
    q = BANK.find("mle/bernoulli_likelihood_curve").question
    v = make_variant(q, 3, "s")
    assert dict(v.figures[0].args) == {"k": int(v.params["k"]), "n": 10}


def test_each_distinct_figure_is_drawn_once():
    figures.clear_cache()
    exam = build_exam(WITH_FIGURES, seed=9, students=version_names(40))
    files = figure_files(exam.figures())
    distinct = {ref.file for version in exam.versions for v in version.variants for ref in v.figures}
    assert set(files) == distinct
    assert len(distinct) < 40 * len(WITH_FIGURES)  # shared between students
    assert figures._draw.cache_info().misses == len(distinct)
    render_exam(exam, ["md", "tex"])  # both writers use the same drawings: nothing is drawn again
    assert figures._draw.cache_info().misses == len(distinct)


def test_png_has_no_date_or_software_stamp():
    data = png(FigureRef("likelihood", (("k", 3), ("n", 10)), "alt"))
    assert data.startswith(PNG_SIGNATURE)
    assert b"tIME" not in data and b"Software" not in data and b"matplotlib" not in data.lower()


_DRAW_ALL = (
    "import hashlib, sys\n"
    "from quizgen.generation.bank import load_bank\nfrom quizgen.generation.exam import build_exam, version_names\n"
    "from quizgen.export import render_exam\n"
    "entries = [e for e in load_bank().topic('mle') if e.question.figures]\n"
    "files = render_exam(build_exam(entries, seed=12, students=version_names(3)), ['md'])\n"
    "for n in sorted(files):\n"
    "    if n.endswith('.png'): print(n, hashlib.sha256(files[n]).hexdigest())\n"
)


def test_same_seed_same_figure_bytes_in_fresh_processes():
    runs = [subprocess.run([sys.executable, "-c", _DRAW_ALL], capture_output=True, text=True, check=True).stdout
            for _ in range(2)]
    assert runs[0] == runs[1] and runs[0].count(".png") >= 4


def test_matplotlib_is_imported_only_to_draw():
    code = (
        "import sys\nfrom click.testing import CliRunner\nfrom quizgen.cli import main\n"
        "r = CliRunner().invoke(main, ['--help']); assert r.exit_code == 0\n"
        "r = CliRunner().invoke(main, ['list']); assert r.exit_code == 0, r.output\n"
        "print('matplotlib' in sys.modules)\n"
        "from quizgen.generation.bank import load_bank\nfrom quizgen.generation.exam import build_exam\nfrom quizgen.export import render_exam\n"
        "bank = load_bank()\n"
        "render_exam(build_exam([bank.find('mle/gaussian_nll')], seed=1, students=['a']), ['md', 'tex'])\n"
        "print('matplotlib' in sys.modules)\n"
        "render_exam(build_exam([bank.find('mle/reliability_ece')], seed=1, students=['a']), ['md'])\n"
        "print('matplotlib' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False", "True"]


def test_unknown_drawing_is_named():
    with pytest.raises(KeyError, match="no drawing named 'pie'"):
        png(FigureRef("pie", (), "alt"))


PDFLATEX = shutil.which("pdflatex")


@pytest.mark.skipif(PDFLATEX is None and not os.environ.get("CI"), reason="pdflatex is not installed here (.ci/run installs it)")
def test_make_writes_every_format_for_each_student_with_the_figures(tmp_path):
    """Issue 9's full run: every format for each student of a roster, a figure in each that shows questions."""
    import base64
    import io
    import json
    import zipfile
    import xml.etree.ElementTree as ET

    from click.testing import CliRunner

    from quizgen.cli import main

    roster = tmp_path / "class.csv"
    roster.write_text("student,name\nalice,Alice\nbob,Bob\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, [
        "make", "--topic", "mle", "--seed", "5", "--secret", "0123456789abcdef0123456789abcdef",
        "--questions", "reliability_ece,saturation_choice,gaussian_nll_value",
        "--format", "html,moodle,qti,md,tex,pdf,json", "--roster", str(roster), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert ") figures " not in result.output  # no format left a figure out
    names = {p.name for p in out.iterdir()}
    pngs = {n for n in names if n.endswith(".png")}
    students = ["alice", "bob"]
    assert names - pngs == {f"{kind}-{s}.{ext}" for s in students for kind in ("sheet", "solutions")
                            for ext in ("md", "tex", "pdf", "html")} | {"index.html", "moodle.xml", "canvas-qti.zip", "key.json"}
    assert {v["student"] for v in json.loads((out / "key.json").read_text())["versions"]} == set(students)
    for s in students:
        # the reliability diagram is on the sheet, the sigmoid slope only with the solution
        sheet_md, solutions_md = (out / f"sheet-{s}.md").read_text(), (out / f"solutions-{s}.md").read_text()
        shown = re.findall(r"\]\((fig-[a-z-]+-[0-9a-f]+\.png)\)", sheet_md)
        assert [n.split("-")[1] for n in shown] == ["reliability"] and set(shown) <= pngs
        assert len(re.findall(r"\]\((fig-[^)]+)\)", solutions_md)) == 2
        assert len(re.findall(r"\\qzfigure\{", (out / f"solutions-{s}.tex").read_text())) == 2
        pdf = (out / f"solutions-{s}.pdf").read_bytes()
        assert pdf.startswith(b"%PDF") and pdf.count(b"/Subtype /Image") >= 2
        html_pages = {k: (out / f"{k}-{s}.html").read_text() for k in ("sheet", "solutions")}
        for k, count in (("sheet", 1), ("solutions", 2)):
            data = re.findall(r'src="data:image/png;base64,([^"]+)"', html_pages[k])
            assert len(data) == count and all(base64.b64decode(d) in {(out / n).read_bytes() for n in pngs} for d in data)
    root = ET.parse(out / "moodle.xml").getroot()
    embedded = [q for q in root if q.get("type") != "category" and q.find(".//file") is not None]
    assert sorted(q.findtext("idnumber") for q in embedded) == sorted(
        f"mle/{qid}:{s}" for qid in ("reliability_ece", "saturation_choice") for s in students)
    zf = zipfile.ZipFile(io.BytesIO((out / "canvas-qti.zip").read_bytes()))
    packed = {n.rsplit("/", 1)[1] for n in zf.namelist() if n.startswith("web_resources/")}
    assert packed == pngs  # the same pictures as beside the Markdown sheets, each once
    assert all(zf.read(f"web_resources/quizgen-figures/{n}") == (out / n).read_bytes() for n in packed)
