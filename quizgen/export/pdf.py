"""PDF: the LaTeX writer's files compiled by pdflatex, two at a time."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

from quizgen.export.base import Carry, Options, TemplateWriter, Writer
from quizgen.export.tex import WRITER as LATEX
from quizgen.kernel.errors import QuizgenError

if TYPE_CHECKING:
    import jinja2

    from quizgen.generation.exam import Exam

#: A fixed timestamp for pdfTeX, so the same exam gives the same PDF bytes (it honours this variable).
PDF_SOURCE_DATE_EPOCH = "1767225600"  # 2026-01-01


class PdfWriter(Writer):
    """Sheets and solutions as PDF: the LaTeX writer's files compiled by pdflatex."""

    name = "pdf"
    summary = "the LaTeX compiled by pdflatex (needs TeX Live; byte-identical across runs)"
    files = "sheet[-<student>].pdf, solutions[-<student>].pdf"
    figure_carry = Carry("native", "compiled into the PDF")

    def __init__(self, source: TemplateWriter):
        self.source = source
        self.carries = source.carries

    def render(self, exam: "Exam", env: "jinja2.Environment", options: Options = Options()) -> dict[str, str | bytes]:
        pdflatex = shutil.which("pdflatex")
        if pdflatex is None:
            raise QuizgenError(
                "format pdf needs pdflatex (Debian: apt-get install texlive-latex-base texlive-latex-recommended "
                "texlive-fonts-recommended lmodern); use --format tex to write the LaTeX only"
            )
        sources = self.source.render(exam, env, options)
        # the figures' PNG files go into every compile folder; the PDFs embed them, so they are not output
        assets = {name: data for name, data in sources.items() if isinstance(data, bytes)}
        texts = {name: text for name, text in sources.items() if isinstance(text, str)}
        advance = options.phase("Compiling PDFs", len(texts))

        def compile_one(item: tuple[str, str]) -> tuple[str, bytes]:
            out = _pdflatex(pdflatex, Path(tmp), *item, assets=assets)
            advance(1)
            return out

        with tempfile.TemporaryDirectory(prefix="quizgen-pdf-") as tmp, ThreadPoolExecutor(os.cpu_count() or 1) as pool:
            compiled = pool.map(compile_one, texts.items())
            return dict(compiled)


def _pdflatex(pdflatex: str, tmp: Path, name: str, source: str, assets: Mapping[str, bytes] = {}) -> tuple[str, bytes]:
    """Compile one .tex in its own folder (no shell escape, a fixed date) and return (pdf name, bytes)."""
    stem = name.rsplit(".", 1)[0]
    folder = tmp / stem
    folder.mkdir()
    (folder / name).write_text(source, encoding="utf-8")
    for asset, data in assets.items():
        if asset in source:  # only the figures this sheet includes
            (folder / asset).write_bytes(data)
    env = {**os.environ, "SOURCE_DATE_EPOCH": PDF_SOURCE_DATE_EPOCH, "FORCE_SOURCE_DATE": "1"}
    try:
        proc = subprocess.run(
            [pdflatex, "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", name],
            cwd=folder, env=env, capture_output=True, text=True, errors="replace", timeout=300,
        )
    except subprocess.TimeoutExpired:
        raise QuizgenError(f"{name}: pdflatex did not finish in 300 s") from None
    pdf = folder / f"{stem}.pdf"
    if proc.returncode != 0 or not pdf.exists():
        first = next((line for line in proc.stdout.splitlines() if line.startswith("!")), "see the .tex output")
        raise QuizgenError(f"{name}: pdflatex failed: {first.lstrip('! ')}")
    return f"{stem}.pdf", pdf.read_bytes()


WRITER = PdfWriter(LATEX)
