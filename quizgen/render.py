"""Render: an exam + templates -> files, one writer per format.

Every writer turns an :class:`~quizgen.exam.Exam` into ``{file name: text}``. Template formats
share one writer class; a new format is a folder ``templates/<format>/`` holding
``sheet.<ext>.j2`` and ``solutions.<ext>.j2`` plus one :class:`TemplateWriter` entry in
:data:`WRITERS` saying how question text (Markdown with ``$math$``) is written in it.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping, Sequence

import jinja2

from quizgen import key as keymod
from quizgen.errors import QuizgenError
from quizgen.exam import Exam
from quizgen.resources import shipped
from quizgen.formulas import fmt_number

# ---------------------------------------------------------------- question text -> LaTeX
_MATH = re.compile(r"(\$\$.+?\$\$|\$[^$]+\$)", re.S)
_TEX_SPECIAL = {"&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}",
                "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "\\": r"\textbackslash{}"}


def tex_escape(text: str) -> str:
    return "".join(_TEX_SPECIAL.get(ch, ch) for ch in text)


@functools.lru_cache(maxsize=65536)
def markdown_to_tex(text: str) -> str:
    """Question text to LaTeX: math kept as is, prose escaped, `code`, **bold** and *emphasis* mapped."""
    out = []
    for i, part in enumerate(_MATH.split(text)):
        if i % 2:  # math
            out.append(r"\[" + part[2:-2] + r"\]" if part.startswith("$$") else part)
            continue
        chunks = re.split(r"(`[^`]*`)", part)
        for j, chunk in enumerate(chunks):
            if j % 2:
                out.append(r"\texttt{" + tex_escape(chunk[1:-1]) + "}")
                continue
            chunk = tex_escape(chunk)
            chunk = re.sub(r"\*\*(.+?)\*\*", r"\\textbf{\1}", chunk)
            chunk = re.sub(r"\*(.+?)\*", r"\\emph{\1}", chunk)
            out.append(chunk)
    return "".join(out)


# ---------------------------------------------------------------- writers
@dataclass(frozen=True)
class TemplateWriter:
    """Renders ``templates/<folder>/{sheet,solutions}.<ext>.j2`` once per student version."""

    folder: str
    ext: str
    markup: Callable[[str], str] = lambda text: text
    escape: Callable[[str], str] = lambda text: text

    def render(self, exam: Exam, env: jinja2.Environment) -> dict[str, str]:
        env = env.overlay()
        env.filters.update(text=self.markup, escape_text=self.escape, num=fmt_number)
        files: dict[str, str] = {}
        single = len(exam.versions) == 1
        for kind in ("sheet", "solutions"):
            template = _template(env, f"{self.folder}/{kind}.{self.ext}.j2")
            for version in exam.versions:
                name = f"{kind}.{self.ext}" if single else f"{kind}-{version.student}.{self.ext}"
                questions = [dict(number=n, v=v) for n, v in enumerate(version.variants, 1)]
                files[name] = template.render(exam=exam, version=version, questions=questions)
        return files


@dataclass(frozen=True)
class KeyWriter:
    """The machine-readable answer key, ``key.json``."""

    def render(self, exam: Exam, env: jinja2.Environment) -> dict[str, str]:
        return {"key.json": keymod.dumps(keymod.build_key(exam))}


#: A fixed timestamp for pdfTeX, so the same exam gives the same PDF bytes (it honours this variable).
PDF_SOURCE_DATE_EPOCH = "1767225600"  # 2026-01-01


@dataclass(frozen=True)
class PdfWriter:
    """Sheets and solutions as PDF: the LaTeX writer's files compiled by pdflatex, two at a time."""

    source: TemplateWriter

    def render(self, exam: Exam, env: jinja2.Environment) -> dict[str, bytes]:
        pdflatex = shutil.which("pdflatex")
        if pdflatex is None:
            raise QuizgenError(
                "format pdf needs pdflatex (Debian: apt-get install texlive-latex-base texlive-latex-recommended "
                "texlive-fonts-recommended lmodern); use --format tex to write the LaTeX only"
            )
        sources = self.source.render(exam, env)
        with tempfile.TemporaryDirectory(prefix="quizgen-pdf-") as tmp, ThreadPoolExecutor(os.cpu_count() or 1) as pool:
            compiled = pool.map(lambda item: _pdflatex(pdflatex, Path(tmp), *item), sources.items())
            return dict(compiled)


def _pdflatex(pdflatex: str, tmp: Path, name: str, source: str) -> tuple[str, bytes]:
    """Compile one .tex in its own folder (no shell escape, a fixed date) and return (pdf name, bytes)."""
    stem = name.rsplit(".", 1)[0]
    folder = tmp / stem
    folder.mkdir()
    (folder / name).write_text(source, encoding="utf-8")
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


LATEX = TemplateWriter("tex", "tex", markup=markdown_to_tex, escape=tex_escape)

WRITERS: Mapping[str, TemplateWriter | KeyWriter | PdfWriter] = {
    "md": TemplateWriter("md", "md"),
    "tex": LATEX,
    "pdf": PdfWriter(LATEX),
    "json": KeyWriter(),
}


def environment(templates: str | Path | None = None) -> jinja2.Environment:
    """Templates from ``templates`` first (an instructor's overrides), then the shipped ones."""
    loaders: list[jinja2.BaseLoader] = []
    if templates is not None:
        if not Path(templates).is_dir():
            raise QuizgenError(f"templates folder not found: {templates}")
        loaders.append(jinja2.FileSystemLoader(str(templates)))
    loaders.append(jinja2.FileSystemLoader(str(shipped("templates"))))
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )


def _template(env: jinja2.Environment, name: str) -> jinja2.Template:
    try:
        return env.get_template(name)
    except jinja2.TemplateNotFound:
        raise QuizgenError(f"template not found: {name}") from None
    except jinja2.TemplateSyntaxError as err:
        raise QuizgenError(f"{err.filename or name}:{err.lineno}: template syntax error: {err.message}") from None


def check_formats(formats: Sequence[str]) -> tuple[str, ...]:
    unknown = [f for f in formats if f not in WRITERS]
    if unknown or not formats:
        raise QuizgenError(f"unknown format '{','.join(unknown) or ''}'; valid formats: {', '.join(WRITERS)}")
    return tuple(dict.fromkeys(formats))


def render_exam(exam: Exam, formats: Sequence[str], templates: str | Path | None = None) -> dict[str, str | bytes]:
    """All output files of ``exam`` in ``formats``, as {file name: text or bytes}; nothing is written."""
    env = environment(templates)
    files: dict[str, str | bytes] = {}
    for fmt in check_formats(formats):
        try:
            files.update(WRITERS[fmt].render(exam, env))
        except jinja2.TemplateError as err:
            raise QuizgenError(f"format {fmt}: template error: {err}") from None
    return files
