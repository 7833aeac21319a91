"""The driver: choose questions, build each student's version, hand them to the writers.

This is the library API behind ``quizgen make``; a notebook can call it too::

    from quizgen.exam import build_exam
    from quizgen.bank import load_bank
    exam = build_exam(load_bank().topic("mle"), seed=7, students=["alice", "bob"])
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Sequence

from quizgen import __version__
from quizgen.bank import Entry
from quizgen.errors import QuizgenError
from quizgen.seeds import digest
from quizgen.variant import Variant, make_variant


@dataclass(frozen=True)
class Version:
    """One student's sheet: the student id and their variants, in sheet order."""

    student: str
    variants: tuple[Variant, ...]


@dataclass(frozen=True)
class Exam:
    topic: str
    seed: int
    title: str
    question_ids: tuple[str, ...]
    versions: tuple[Version, ...]
    generator: str = f"quizgen {__version__}"


def choose(entries: Sequence[Entry], count: int | None, seed: int) -> tuple[Entry, ...]:
    """``count`` questions of a topic, chosen by the seed and kept in bank order (all when None)."""
    if count is None or count == len(entries):
        return tuple(entries)
    if not 1 <= count <= len(entries):
        raise QuizgenError(f"--count must be between 1 and {len(entries)} (the topic has {len(entries)} questions)")
    picked = set(sorted(entries, key=lambda e: digest(seed, "choose", e.id))[:count])
    return tuple(e for e in entries if e in picked)


def build_exam(
    entries: Sequence[Entry],
    seed: int,
    students: Sequence[str],
    *,
    topic: str = "",
    title: str | None = None,
    progress: Callable[[Iterable[str]], Iterable[str]] = lambda it: it,
) -> Exam:
    """Build every student's version. Each variant depends only on (seed, question id, student)."""
    versions = []
    for student in progress(students):
        versions.append(Version(student, tuple(make_variant(e.question, seed, student) for e in entries)))
    topic = topic or (entries[0].id.split("/")[0] if entries else "")
    return Exam(
        topic=topic,
        seed=seed,
        title=title or f"Problem sheet: {topic}",
        question_ids=tuple(e.id for e in entries),
        versions=tuple(versions),
    )


def version_names(count: int) -> tuple[str, ...]:
    """``v01``, ``v02``, ... wide enough that they sort in order."""
    width = max(2, len(str(count)))
    return tuple(f"v{i:0{width}d}" for i in range(1, count + 1))


STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")


@dataclass(frozen=True)
class Roster:
    students: tuple[str, ...]
    problems: tuple[str, ...]  # one line each: file, row, what is wrong (those rows were skipped)


def read_roster(path: str | Path) -> Roster:
    """Student ids from a CSV with a ``student`` column. Bad rows are reported and skipped."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise QuizgenError(f"{path}: cannot read the roster: {err.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise QuizgenError(f"{path}: line {line}: not UTF-8 text (save the roster as UTF-8 CSV)") from None
    reader = csv.DictReader(io.StringIO(text))
    fields = [f.strip().lower() for f in (reader.fieldnames or [])]
    if "student" not in fields:
        raise QuizgenError(f"{path}: no 'student' column in the header (found: {', '.join(fields) or 'nothing'})")
    column = (reader.fieldnames or [])[fields.index("student")]
    students: list[str] = []
    problems: list[str] = []
    for row in reader:
        where = f"{path}:{reader.line_num}"
        sid = (row.get(column) or "").strip()
        if not sid:
            problems.append(f"{where}: empty student id; row skipped")
        elif not STUDENT_ID.match(sid):
            problems.append(
                f"{where}: student id {sid!r} may use only letters, digits and . _ @ - (at most 64); row skipped"
            )
        elif sid in students:
            problems.append(f"{where}: student '{sid}' is listed twice; the second row is skipped")
        else:
            students.append(sid)
    if not students:
        raise QuizgenError(f"{path}: the roster lists no valid student")
    return Roster(tuple(students), tuple(problems))
