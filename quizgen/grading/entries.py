"""What reading submissions produces: entries as written, problems with the input (listed or
counted by kind), and the question references (``q3``) that our forms and the LMS readers share.

Used by :mod:`quizgen.grading.submissions` (our CSV and JSON forms), :mod:`quizgen.grading.lms`
(Moodle and Canvas exports) and :mod:`quizgen.grading.batch`, so none imports another's types.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

from quizgen.grading.intake import DEFAULT_READ_LIMITS

#: ``q3`` / ``Q3`` / ``q 3``: question number 3 on that student's sheet.
NUMBER_REF = re.compile(r"^q\s*([0-9]{1,6})$", re.IGNORECASE | re.ASCII)
#: ASCII digits only (``²`` and ``①`` are digits to ``str.isdigit``, not to ``int``); a question
#: number has at most 6 digits, so a 5,000-digit cell is an unknown question, not a crash.
_PLAIN_NUMBER = re.compile(r"^[0-9]{1,6}$", re.ASCII)
UNDECODABLE = re.compile("[\udc80-\udcff]")


@dataclass(frozen=True)
class Problem:
    """One reported problem with the input. ``where`` is a row/entry locator, '' for the whole file."""

    file: str
    where: str
    message: str
    order: int = -1  # position in the file, so problems are listed in file order
    #: what went wrong, in a few words (the first problems of each kind are listed, the rest counted)
    kind: str = "other"

    def __post_init__(self) -> None:
        # Messages quote what the file says (an unknown student id, a question header) and go to
        # the instructor's terminal: undecodable bytes could not be printed, and control or bidi
        # characters (ESC sequences, U+202E) would act on the terminal, so both are made visible;
        # a pasted megabyte is cut short.
        for name in ("where", "message"):
            object.__setattr__(self, name, _printable(getattr(self, name)))

    def __str__(self) -> str:
        return f"{self.file}, {self.where}: {self.message}" if self.where else f"{self.file}: {self.message}"


@dataclass(frozen=True)
class Entry:
    """One submitted answer as written: ``question`` is an id or ``qN`` (not yet matched to the key)."""

    student: str
    question: str
    answer: str
    where: str
    order: int
    #: the key student whose variant was answered, when not the student's own (an LMS drew it)
    version: str | None = None
    #: the answer as an LMS summarises it (an option's text, ``True``): converted before grading
    raw: bool = False


# Kinds of problem (Problem.kind).
MALFORMED = "malformed row"
NOT_UTF8 = "not UTF-8"
UNCLOSED = "unclosed quote"
TOO_LONG = "answer over the length limit"
CSV_SYNTAX = "CSV syntax error"
UNKNOWN_STUDENT = "unknown student"
UNKNOWN_QUESTION = "unknown question"
DUPLICATE = "duplicate answer"


class ProblemLog:
    """The problems of one run: the first ``per_kind`` of each kind kept (listed in the reports),
    the rest only counted, so 3 million duplicate rows cost a counter, not 3 million messages."""

    def __init__(self, per_kind: int = DEFAULT_READ_LIMITS.listed_per_kind):
        self.per_kind = per_kind
        self.kept: list[Problem] = []
        self.counts: Counter[str] = Counter()

    def full(self, kind: str) -> bool:
        """Whether a new problem of ``kind`` would only be counted (its message need not be made)."""
        return self.counts[kind] >= self.per_kind

    def add(self, problem: Problem) -> None:
        if not self.full(problem.kind):
            self.kept.append(problem)
        self.counts[problem.kind] += 1

    def count(self, kind: str) -> None:
        """One more problem of ``kind``, when :meth:`full` said it would not be listed."""
        self.counts[kind] += 1

    def append(self, problem: Problem) -> None:  # a ProblemLog stands where a list of problems did
        self.add(problem)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.listed())

    def extend(self, problems: Iterable[Problem]) -> None:
        for p in problems:
            self.add(p)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def listed(self) -> tuple[Problem, ...]:
        return tuple(sorted(self.kept, key=lambda p: p.order))

    def unlisted(self) -> tuple[tuple[str, int], ...]:
        """(kind, how many of it are not listed), for each kind with some."""
        return tuple((k, n - self.per_kind) for k, n in sorted(self.counts.items()) if n > self.per_kind)


@dataclass(frozen=True)
class Submissions:
    """Everything read from one submissions file."""

    name: str
    form: str  # "long", "wide", "json-list" or "json-map"
    entries: tuple[Entry, ...]
    problems: tuple[Problem, ...]  # the listed ones (the first of each kind)
    rows: int  # data rows (CSV) or entries (JSON) seen, good or bad
    ignored_columns: tuple[str, ...] = ()
    people: tuple[Any, ...] = ()  # LMS exports: who each row is (quizgen.grading.lms.Person)
    unlisted: tuple[tuple[str, int], ...] = ()  # (kind, count) of problems not in ``problems``


@dataclass
class SubmissionStream:
    """A submissions file being read: iterate it for its entries; ``rows``, ``problems`` and
    ``people`` are complete once it is exhausted."""

    name: str
    form: str
    entries: Iterator[Entry]
    problems: ProblemLog
    ignored_columns: tuple[str, ...] = ()
    rows: int = 0
    people: tuple[Any, ...] = ()
    size: int = 0  # of the file in bytes, when known (0: a pipe)
    position: Callable[[], int] = lambda: 0  # bytes read so far

    def __iter__(self) -> Iterator[Entry]:
        return self.entries

    def collect(self) -> Submissions:
        entries = tuple(self.entries)
        return Submissions(self.name, self.form, entries, self.problems.listed(), self.rows,
                           self.ignored_columns, self.people, self.problems.unlisted())


#: Longest problem message or locator kept (the whole row is in the file itself).
MAX_MESSAGE_CHARS = 400


def _printable(text: str) -> str:
    """``text`` safe for a terminal line: undecodable bytes as U+FFFD, control, format and
    line-separator characters as ``\\xNN`` / ``\\uNNNN``, at most :data:`MAX_MESSAGE_CHARS`."""
    text = UNDECODABLE.sub("\ufffd", text)
    if len(text) > MAX_MESSAGE_CHARS:
        text = f"{text[:MAX_MESSAGE_CHARS]}... ({len(text)} characters)"
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if ch.isprintable() or ch == " ":
            out.append(ch)
        else:
            out.append(f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
    return "".join(out)


def question_number(ref: str) -> int | None:
    """``"q3"`` -> 3 (also ``"Q3"``, ``"3"``); anything else -> None."""
    ref = ref.strip()
    if _PLAIN_NUMBER.match(ref):
        return int(ref)
    m = NUMBER_REF.match(ref)
    return int(m.group(1)) if m else None
