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

from quizgen.export.base import ANSWER_TYPES, Carry, Options, TemplateWriter, Writer, environment, get_template
from quizgen.kernel.errors import QuizgenError

if TYPE_CHECKING:
    from quizgen.generation.exam import Exam

__all__ = ["ANSWER_TYPES", "Carry", "Options", "REGISTRY", "Writer", "check_formats", "environment",
           "notes", "render_exam", "shows_figures", "writer"]

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
            extra = w.variant_note(v, options) if carry.how != "dropped" else ""
            if carry.how != "native" or extra:
                lines.append(f"{fmt}: question {number} ({v.question_id}, {v.kind}) {carry.how}: {carry.note}"
                             + (f"; {extra}" if extra else ""))
            shown = w.figure_carry
            if v.figures and shown is not None and shown.how != "native" and carry.how != "dropped":
                lines.append(f"{fmt}: question {number} ({v.question_id}) figures {shown.how}: {shown.note}")
    return lines


def shows_figures(formats: Sequence[str]) -> bool:
    """Whether any of ``formats`` shows the questions' figures (so they must be drawn)."""
    return any(_shows(writer(f)) for f in check_formats(formats))


def _shows(w: Writer) -> bool:
    return w.figure_carry is not None and w.figure_carry.how != "dropped"


#: A class with fewer variants (versions x questions) than this is rendered in this process:
#: forking workers and compiling the templates again in each would cost more than it saves.
MIN_PARALLEL_RENDER = 1000


def render_exam(
    exam: "Exam", formats: Sequence[str], templates: str | Path | None = None, options: Options = Options(),
    jobs: int | None = None,
) -> dict[str, str | bytes]:
    """All output files of ``exam`` in ``formats``, as {file name: text or bytes}; nothing is written.

    ``jobs`` worker processes (default: the CPUs) share the work of a large class, with the same
    bytes as one process: when every figure is drawn already (``build_exam(figures=True)``), the
    per-version pages of the template formats (Markdown, LaTeX, HTML) are rendered by the
    workers, a part of the class each, while this process renders the other formats; otherwise
    the workers draw the figures while this process renders (:func:`quizgen.generation.figures.drawn_ahead`).
    """
    from quizgen.generation.figures import drawn_ahead, undrawn
    from quizgen.kernel.workers import can_fork, default_jobs

    env = environment(templates)
    fmts = check_formats(formats)
    jobs = default_jobs() if jobs is None else jobs
    shows = {f: _shows(writer(f)) for f in fmts}
    paged = [f for f in fmts if isinstance(writer(f), TemplateWriter)]
    size = len(exam.versions) * max((len(v.variants) for v in exam.versions), default=0)
    if (jobs > 1 and paged and size >= MIN_PARALLEL_RENDER and can_fork()
            and not (any(shows.values()) and undrawn(exam.figures()))):
        rendered = _render_parallel(exam, fmts, paged, env, options, jobs)
    else:
        rendered = {}
        advance = options.phase("Rendering", len(fmts))
        with drawn_ahead(exam.figures() if any(shows.values()) else (), jobs):
            for fmt in sorted(fmts, key=lambda f: shows[f]):  # formats with figures last: they wait for the drawings
                rendered[fmt] = _render(fmt, exam, env, options)
                advance(1)
    files: dict[str, str | bytes] = {}
    for fmt in fmts:  # in the order asked for, whatever the order they were rendered in
        files.update(rendered[fmt])
    return files


def _render(fmt: str, exam: "Exam", env: jinja2.Environment, options: Options) -> dict[str, str | bytes]:
    try:
        return writer(fmt).render(exam, env, options)
    except jinja2.TemplateError as err:
        raise QuizgenError(f"format {fmt}: template error: {err}") from None


#: What the forked workers of :func:`_render_parallel` read: (exam, {format: its template environment}).
#: Set before they fork.
_JOB: tuple["Exam", dict[str, jinja2.Environment]] | None = None


def _render_part(fmt: str, start: int, stop: int) -> dict[str, dict[str, str]] | str:
    """In a worker: the pages of versions ``start:stop`` in ``fmt``, or a template error's message."""
    assert _JOB is not None, "workers are forked after _JOB is set"
    exam, envs = _JOB
    w = writer(fmt)
    assert isinstance(w, TemplateWriter)
    try:
        return w.render_pages(exam, envs[fmt], exam.versions[start:stop])
    except jinja2.TemplateError as err:
        return f"format {fmt}: template error: {err}"


def _render_parallel(exam: "Exam", fmts: Sequence[str], paged: Sequence[str], env: jinja2.Environment,
                     options: Options, jobs: int) -> dict[str, dict[str, str | bytes]]:
    """Every format of ``fmts``: the pages of the ``paged`` formats rendered by ``jobs`` forked
    workers, in parts of the class, while this process renders the other formats; then each
    paged format's pages are put together in the order one process lists them."""
    global _JOB
    from quizgen.kernel.workers import fork_pool

    envs = {}
    for fmt in paged:  # compile the templates once, here, before the workers fork (they inherit them)
        w = writer(fmt)
        envs[fmt] = w.overlay(env)
        try:
            for kind in w.KINDS:
                get_template(envs[fmt], f"{w.folder}/{kind}.{w.ext}.j2")
        except jinja2.TemplateError as err:
            raise QuizgenError(f"format {fmt}: template error: {err}") from None
    n = len(exam.versions)
    parts = min(n, 2 * jobs)
    bounds = [(n * i // parts, n * (i + 1) // parts) for i in range(parts)]
    rendered: dict[str, dict[str, str | bytes]] = {}
    _JOB = (exam, envs)
    advance = options.phase("Rendering", len(fmts) - len(paged) + len(paged) * len(bounds))
    try:
        with fork_pool(jobs) as executor:
            futures = {fmt: [executor.submit(_render_part, fmt, a, b) for a, b in bounds] for fmt in paged}
            for fmt in fmts:  # the other formats here, meanwhile
                if fmt not in futures:
                    rendered[fmt] = _render(fmt, exam, env, options)
                    advance(1)
            for fmt, parts_of in futures.items():
                results = []
                for f in parts_of:
                    results.append(f.result())
                    advance(1)
                problem = next((r for r in results if isinstance(r, str)), None)
                if problem is not None:
                    raise QuizgenError(problem)
                w = writer(fmt)
                files: dict[str, str | bytes] = {}
                for kind in w.KINDS:
                    for r in results:
                        files.update(r[kind])  # type: ignore[index]
                rendered[fmt] = w.finish(exam, envs[fmt], files, options)
    finally:
        _JOB = None
    return rendered
