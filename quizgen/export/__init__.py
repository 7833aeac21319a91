"""Export: an exam -> files, one writer module per format, read through one registry.

A format is a writer module ``quizgen/export/<name>.py`` (defining ``WRITER``) plus, for template
formats, a folder ``templates/<format>/``. :data:`REGISTRY` lists them in the order ``quizgen
formats`` shows them; ``quizgen make --format`` accepts exactly these names. Each writer declares
how it carries every answer type and a question's figures (:class:`~quizgen.export.base.Carry`),
and :func:`notes` turns that into the per-question lines ``make`` prints, so no question or figure
is converted or left out silently.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

import jinja2

from quizgen.errors import QuizgenError
from quizgen.export.base import ANSWER_TYPES, Carry, Options, Writer, environment

if TYPE_CHECKING:
    from quizgen.exam import Exam

__all__ = ["ANSWER_TYPES", "Carry", "Options", "REGISTRY", "Writer", "check_formats", "environment",
           "notes", "render_exam", "writer"]

#: format name -> module under quizgen.export (imported when the format is used)
REGISTRY: dict[str, str] = {
    "md": "md",
    "tex": "tex",
    "pdf": "pdf",
    "json": "json_",
    "html": "html",
    "moodle": "moodle",
    "qti": "qti",
}


def writer(name: str) -> Writer:
    return importlib.import_module(f"quizgen.export.{REGISTRY[name]}").WRITER


def check_formats(formats: Sequence[str]) -> tuple[str, ...]:
    unknown = [f for f in formats if f not in REGISTRY]
    if unknown or not formats:
        raise QuizgenError(f"unknown format '{','.join(unknown) or ''}'; valid formats: {', '.join(REGISTRY)}")
    return tuple(dict.fromkeys(formats))


def notes(exam: "Exam", formats: Sequence[str], options: Options = Options()) -> list[str]:
    """One line per (format, question) that a format converts or drops: what and how."""
    lines = []
    first = exam.versions[0].variants if exam.versions else ()
    for fmt in check_formats(formats):
        w = writer(fmt)
        for number, v in enumerate(first, 1):
            carry = w.carry(v.kind, options)
            if carry.how != "native":
                lines.append(f"{fmt}: question {number} ({v.question_id}, {v.kind}) {carry.how}: {carry.note}")
            shown = w.figure_carry
            if v.figures and shown is not None and shown.how != "native" and carry.how != "dropped":
                lines.append(f"{fmt}: question {number} ({v.question_id}) figures {shown.how}: {shown.note}")
    return lines


def render_exam(
    exam: "Exam", formats: Sequence[str], templates: str | Path | None = None, options: Options = Options(),
    jobs: int | None = None,
) -> dict[str, str | bytes]:
    """All output files of ``exam`` in ``formats``, as {file name: text or bytes}; nothing is written.

    When a format shows figures, ``jobs`` worker processes (default: the CPUs) draw them while
    the writers render (see :func:`quizgen.figures.drawn_ahead`); the bytes are the same.
    """
    from quizgen.figures import drawn_ahead
    from quizgen.workers import default_jobs

    env = environment(templates)
    fmts = check_formats(formats)
    shows = {f: writer(f).figure_carry is not None and writer(f).figure_carry.how != "dropped" for f in fmts}
    rendered: dict[str, dict[str, str | bytes]] = {}
    with drawn_ahead(exam if any(shows.values()) else None, default_jobs() if jobs is None else jobs):
        for fmt in sorted(fmts, key=lambda f: shows[f]):  # formats with figures last: they wait for the drawings
            try:
                rendered[fmt] = writer(fmt).render(exam, env, options)
            except jinja2.TemplateError as err:
                raise QuizgenError(f"format {fmt}: template error: {err}") from None
    files: dict[str, str | bytes] = {}
    for fmt in fmts:  # in the order asked for, whatever the order they were rendered in
        files.update(rendered[fmt])
    return files
