"""What every writer shares: how it declares what it carries, the template environment, options.

A writer turns an :class:`~quizgen.generation.exam.Exam` into ``{file name: text or bytes}`` and says, for
each answer type, whether it carries it as is (``native``), ``converted`` (and how), or cannot
carry it (``dropped``); it says the same of a question's figures. ``quizgen make`` prints every
conversion and drop per question, so nothing is left out silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Mapping, Sequence

import jinja2

from quizgen.kernel.errors import QuizgenError
from quizgen.kernel.resources import shipped

if TYPE_CHECKING:
    from quizgen.generation.exam import Exam, Version
    from quizgen.generation.variant import Variant

#: Answer types the engine produces today (a writer that does not list a type drops it, loudly).
ANSWER_TYPES = ("numeric", "symbolic", "choice", "truefalse", "order", "vector", "manual", "derivation")


@dataclass(frozen=True)
class Carry:
    """How a format carries one answer type: ``native``, ``converted`` or ``dropped``, and a note."""

    how: str
    note: str = ""

    def __post_init__(self) -> None:
        if self.how not in ("native", "converted", "dropped"):
            raise ValueError(f"Carry.how must be native, converted or dropped, not {self.how!r}")


NATIVE = Carry("native")
#: What a writer that says nothing about figures does with them: leaves them out, and ``make`` says so.
NO_FIGURES = Carry("dropped", "no figures in this format; left out")


@dataclass(frozen=True)
class Options:
    """Choices of ``quizgen make`` that change what a writer writes."""

    moodle_stack: bool = False  # symbolic questions as STACK questions instead of numerical ones
    moodle_by_student: bool = False  # one Moodle category per student instead of one per question
    #: called with one line per variant a writer had to leave out (make prints them as notes)
    report: Callable[[str], None] | None = field(default=None, compare=False)
    #: ``phases(label, total)`` -> ``advance(n)``: progress of the phases that can take seconds
    #: (rendering, compiling PDFs); make shows them as bars on a terminal (commands.Progress)
    phases: Callable[[str, int], Callable[[int], None]] | None = field(default=None, compare=False)

    def tell(self, line: str) -> None:
        if self.report is not None:
            self.report(line)

    def phase(self, label: str, total: int) -> Callable[[int], None]:
        if self.phases is None:
            return lambda n=1: None
        return self.phases(label, total)


class Writer:
    """Base of every writer: its registry entry (name, summary, files) and what it carries."""

    name: str = ""
    summary: str = ""
    files: str = ""  # the file layout, e.g. "sheet[-<student>].md, solutions[-<student>].md"
    carries: Mapping[str, Carry] = {}
    #: how the format shows a question's figures; None for a format without question text (the key)
    figure_carry: Carry | None = NO_FIGURES

    def carry(self, kind: str, options: Options = Options()) -> Carry:
        return self.carries.get(kind) or Carry("dropped", f"{self.name} has no {kind} questions; left out")

    def variant_note(self, variant: "Variant", options: Options = Options()) -> str:
        """What else an instructor must know about this question in this format (``make`` adds it
        to the question's note), e.g. a mark the LMS computes differently; "" for nothing."""
        return ""

    def render(self, exam: "Exam", env: jinja2.Environment, options: Options = Options()) -> dict[str, str | bytes]:
        raise NotImplementedError


def per_version_name(exam: "Exam", kind: str, student: str, ext: str) -> str:
    """``sheet.md`` for a single version, ``sheet-<student>.md`` for several."""
    return f"{kind}.{ext}" if len(exam.versions) == 1 else f"{kind}-{student}.{ext}"


@dataclass(frozen=True, kw_only=True)
class TemplateWriter(Writer):
    """Renders ``templates/<folder>/{sheet,solutions}.<ext>.j2`` once per student version."""

    name: str
    summary: str
    folder: str
    ext: str
    markup: Callable[[str], str] = lambda text: text
    escape: Callable[[str], str] = lambda text: text
    carries: Mapping[str, Carry] = field(default_factory=lambda: {k: NATIVE for k in ANSWER_TYPES})
    figures: bool = False  # write each figure's PNG beside the sheets (the templates refer to ref.file)
    figure_carry: Carry | None = NO_FIGURES

    @property
    def files(self) -> str:  # type: ignore[override]
        return f"sheet[-<student>].{self.ext}, solutions[-<student>].{self.ext}"

    def filters(self) -> dict[str, Callable]:
        from quizgen.generation.numbers import fmt_number

        return dict(text=self.markup, escape_text=self.escape, num=fmt_number, counted=counted)

    #: the per-version pages, in the order they are listed: every sheet, then every solutions page
    KINDS = ("sheet", "solutions")

    def overlay(self, env: jinja2.Environment) -> jinja2.Environment:
        """``env`` with this format's filters (in a dict of its own: an overlay shares its parent's,
        so updating that would give every format the filters of the last one made)."""
        env = env.overlay()
        env.filters = {**env.filters, **self.filters()}
        return env

    def render_pages(self, exam: "Exam", env: jinja2.Environment,
                     versions: "Sequence[Version]") -> dict[str, dict[str, str]]:
        """The sheet and solutions pages of ``versions`` (some or all of the exam's):
        ``{kind: {file name: text}}``. ``env`` comes from :meth:`overlay`. Pages depend only on
        their own version, so the versions can be rendered in parts, in any process."""
        pages: dict[str, dict[str, str]] = {}
        for kind in self.KINDS:
            template = get_template(env, f"{self.folder}/{kind}.{self.ext}.j2")
            pages[kind] = {
                per_version_name(exam, kind, version.student, self.ext): template.render(
                    exam=exam.public, version=version,
                    questions=[dict(number=n, v=v) for n, v in enumerate(version.variants, 1)])
                for version in versions
            }
        return pages

    def finish(self, exam: "Exam", env: jinja2.Environment, files: dict[str, str | bytes],
               options: Options = Options()) -> dict[str, str | bytes]:
        """Add what is not a per-version page to the pages in ``files`` (the figures' PNG files)."""
        if self.figures:
            from quizgen.generation.figures import figure_files  # draws (and imports matplotlib) only if a variant has figures

            files.update(figure_files(exam.figures()))
        return files

    def render(self, exam: "Exam", env: jinja2.Environment, options: Options = Options()) -> dict[str, str | bytes]:
        env = self.overlay(env)
        pages = self.render_pages(exam, env, exam.versions)
        files: dict[str, str | bytes] = {name: text for kind in self.KINDS for name, text in pages[kind].items()}
        return self.finish(exam, env, files, options)


def counted(count: float, noun: str) -> str:
    """``1 question``, ``3 questions``, ``1.5 points``: a count and its noun, singular only for exactly one."""
    from quizgen.generation.numbers import fmt_number

    return f"{fmt_number(count)} {noun}{'' if count == 1 else 's'}"


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
        auto_reload=False,  # one environment per run: no stat() of the template file at every page
    )


def get_template(env: jinja2.Environment, name: str) -> jinja2.Template:
    try:
        return env.get_template(name)
    except jinja2.TemplateNotFound:
        raise QuizgenError(f"template not found: {name}") from None
    except jinja2.TemplateSyntaxError as err:
        raise QuizgenError(f"{err.filename or name}:{err.lineno}: template syntax error: {err.message}") from None
