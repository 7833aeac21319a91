"""The driver: choose questions, build each student's version, hand them to the writers.

This is the library API behind ``quizgen make``; a notebook can call it too::

    from quizgen.generation.bank import load_bank
    from quizgen.generation.exam import build_exam
    exam = build_exam(load_bank().topic("mle"), seed=7, students=["alice", "bob"])
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping, Sequence

from quizgen import __version__
from quizgen.generation.bank import Entry
from quizgen.generation.question import Question
from quizgen.generation.variant import Variant, make_variant
from quizgen.kernel.errors import QuizgenError
from quizgen.kernel.seeds import digest, exam_id, root_seed
from quizgen.kernel.workers import can_fork, default_jobs

if TYPE_CHECKING:
    from quizgen.generation.figures import FigureRef


@dataclass(frozen=True)
class Version:
    """One student's sheet: the student id and their variants, in sheet order."""

    student: str
    variants: tuple[Variant, ...]


@dataclass(frozen=True)
class Exam:
    """A whole exam. ``seed`` and ``secret`` are private (they rebuild every sheet); templates and
    every student-facing file see only :attr:`public` (title, topic, the exam id)."""

    topic: str
    seed: int
    title: str
    question_ids: tuple[str, ...]
    versions: tuple[Version, ...]
    generator: str = f"quizgen {__version__}"
    secret: str = ""  # mixed with a small seed (see quizgen.kernel.seeds.root_seed); "" = none
    shuffle: bool = False  # each student's questions in their own order
    pool: int | None = None  # each student draws this many of question_ids
    #: ``make --decimal-comma`` (True) / ``--decimal-point`` (False): how students write decimals,
    #: told on the sheets and written into every numeric, symbolic and vector answer of the key
    decimal_comma: bool | None = None
    #: ``make --exact-constants``: expressions must spell their constants exactly (no 0.9189 for
    #: log(2*pi)/2); told on the sheets and written into every symbolic answer of the key
    exact_constants: bool = False

    @property
    def root(self) -> int:
        return root_seed(self.seed, self.secret)

    @property
    def id(self) -> str:
        """The exam id shown on sheets: a hash of the (mixed) seed that cannot be inverted."""
        return exam_id(self.root)

    def figures(self) -> Iterator["FigureRef"]:
        """Every figure of every version (repeats included): what the writers draw for this exam."""
        for version in self.versions:
            for v in version.variants:
                yield from v.figures

    @property
    def public(self) -> "PublicExam":
        return PublicExam(title=self.title, topic=self.topic, id=self.id, versions=self.versions,
                          decimal_comma=self.decimal_comma, exact_constants=self.exact_constants)


@dataclass(frozen=True)
class PublicExam:
    """What templates see of an exam: no seed, no secret."""

    title: str
    topic: str
    id: str
    versions: tuple[Version, ...]
    decimal_comma: bool | None = None  # the sheets say how to write decimals when set
    exact_constants: bool = False

    @property
    def decimals(self) -> str:
        """The sheets' sentence on how to write decimals ("" when make had no such option)."""
        from quizgen.kernel.decimals import decimal_sentence

        return decimal_sentence(self.decimal_comma)

    @property
    def instructions(self) -> str:
        """How to write the answer of every type on the sheets (question-text Markdown)."""
        kinds = {v.kind for version in self.versions for v in version.variants}
        return answer_instructions(kinds, self.exact_constants)


def answer_instructions(kinds: Iterable[str], exact_constants: bool = False) -> str:
    """The sheets' one line on how to write answers, a clause for each answer type present."""
    from quizgen.kernel.decimals import SHEET_SIGFIGS

    kinds = set(kinds)
    parts = []
    if kinds & {"numeric", "symbolic", "vector"}:
        parts.append(f"numbers to at least {SHEET_SIGFIGS} significant figures")
    if "symbolic" in kinds:
        parts.append("expressions in plain syntax, e.g. `(y - y_hat)^2/(2*sigma^2) + log(sigma)`, "
                     + ("with every constant exact (`log(2*pi)/2`, not `0.9189`)" if exact_constants else
                        f"where a decimal to {SHEET_SIGFIGS} significant figures may stand for an exact "
                        "constant (`0.9189` for `log(2*pi)/2`)"))
    if "vector" in kinds:
        parts.append("a vector as its components in brackets")
    if "choice" in kinds:
        parts.append("multiple choice as the letter(s)")
    if "truefalse" in kinds:
        parts.append("true or false as `true` or `false` and the letter of the reason")
    if "order" in kinds:
        parts.append("steps as their numbers, in order")
    if "manual" in kinds:
        parts.append("an interview question in words (a person grades it)")
    if "derivation" in kinds:
        parts.append("a derivation one step per line, with `min` or `max` where the problem changes")
    return ("Write " + "; ".join(parts) + ".") if parts else ""


def choose(entries: Sequence[Entry], count: int | None, seed: int) -> tuple[Entry, ...]:
    """``count`` questions balanced across sub-topics, chosen by the seed, in bank order (all when None)."""
    from quizgen.generation.selection import choose_balanced

    return choose_balanced(entries, count, seed)


def sheet_entries(entries: Sequence[Entry], root: int, student: str, *, shuffle: bool = False,
                  pool: int | None = None) -> tuple[Entry, ...]:
    """The questions on one student's sheet, in sheet order: a function of (root seed, student).

    ``pool``: the student draws ``pool`` of ``entries`` (kept in their order unless shuffled);
    ``shuffle``: the student's questions in an order of their own.
    """
    chosen = tuple(entries)
    if pool is not None and pool < len(chosen):
        picked = set(sorted(chosen, key=lambda e: digest(root, "pool", student, e.id))[:pool])
        chosen = tuple(e for e in chosen if e in picked)
    if shuffle:
        chosen = tuple(sorted(chosen, key=lambda e: digest(root, "order", student, e.id)))
    return chosen


def build_exam(
    entries: Sequence[Entry],
    seed: int,
    students: Sequence[str],
    *,
    topic: str = "",
    title: str | None = None,
    secret: str = "",
    shuffle: bool = False,
    pool: int | None = None,
    decimal_comma: bool | None = None,
    exact_constants: bool = False,
    progress: Callable[[Iterable[str]], Iterable[str]] = lambda it: it,
    jobs: int | None = None,
    figures: bool = False,
) -> Exam:
    """Build every student's version.

    Each variant depends only on (seed, secret, question id, student); the questions on a sheet
    and their order only on (seed, secret, student) and the ``shuffle``/``pool`` choices. So a
    class of at least :data:`MIN_PARALLEL_VARIANTS` variants is built in ``jobs`` worker
    processes (default: the CPUs) with the same result, byte for byte, as one process.

    ``figures``: the files to be written will show the variants' figures (see
    :func:`quizgen.export.shows_figures`), so a worker draws them while the variants are built
    in workers; the writers then find them drawn (the same bytes as drawing them later).
    """
    if pool is not None and not 1 <= pool <= len(entries):
        raise QuizgenError(f"--pool must be between 1 and {len(entries)} (the number of questions selected)")
    root = root_seed(seed, secret)
    students = list(students)
    sheets = [sheet_entries(entries, root, student, shuffle=shuffle, pool=pool) for student in students]
    jobs = default_jobs() if jobs is None else jobs
    if jobs > 1 and sum(len(s) for s in sheets) >= MIN_PARALLEL_VARIANTS and can_fork():
        versions = _build_parallel(entries, root, students, sheets, jobs, iter(progress(students)), figures)
    else:
        versions = []
        by_student = dict(zip(students, sheets))
        for student in progress(students):
            versions.append(Version(student, tuple(make_variant(e.question, root, student) for e in by_student[student])))
    from quizgen.generation import derived

    derived.flush()  # what this process derived, for the next run (generation/derived.py)
    topic = topic or (entries[0].id.split("/")[0] if entries else "")
    return Exam(
        topic=topic,
        seed=seed,
        title=title or f"Problem sheet: {topic}",
        question_ids=tuple(e.id for e in entries),
        versions=tuple(versions),
        secret=secret,
        shuffle=shuffle,
        pool=pool if pool is not None and pool < len(entries) else None,
        decimal_comma=decimal_comma,
        exact_constants=exact_constants,
    )


#: Below this many variants, forking workers costs more than it saves: each derives its questions
#: and imports what the first variant needs again (about 0.3 s a worker on the 2-core machine).
MIN_PARALLEL_VARIANTS = 2000
#: A question's students are built in this many chunks (more when there are few questions for the
#: workers): a chunk is what a worker takes at a time, small enough that the last chunks balance
#: the workers, large enough that the round trips are few.
CHUNKS_PER_QUESTION = 2

#: What the forked workers of :func:`_build_parallel` read: (questions, root seed). Set before they fork.
_JOB: tuple[tuple[Question, ...], int] | None = None


def _build_chunk(question: int, students: tuple[str, ...]) -> tuple[int, list[Variant]]:
    """In a worker: this worker's pid, and one question's variants for some students."""
    assert _JOB is not None, "workers are forked after _JOB is set"
    from quizgen.generation import derived

    questions, root = _JOB
    variants = [make_variant(questions[question], root, student) for student in students]
    derived.flush()  # what this worker derived, for the next run (generation/derived.py)
    return os.getpid(), variants


def _build_parallel(entries: Sequence[Entry], root: int, students: list[str],
                    sheets: list[tuple[Entry, ...]], jobs: int, bar: Iterator[str],
                    figures: bool = False) -> list[Version]:
    """Every version, built by ``jobs`` forked workers in chunks of one question's students.

    Deriving a question is the costly start of its first variant, so a worker keeps to the
    questions it has derived: when it finishes a chunk it gets the next chunk of the same
    question, else a question nobody has started, and only when none is left a chunk of another
    worker's question (so the end is shared, not left to one worker). With ``figures``, one
    more process draws each new figure as the variants that show it come back
    (:class:`quizgen.generation.figures.Drawer`).

    The parent assembles the sheets in student and sheet order, so the result does not depend
    on which worker built what. ``bar`` (the students, through ``build_exam``'s progress
    wrapper) is advanced in proportion to the variants built.
    """
    global _JOB
    from concurrent.futures import FIRST_COMPLETED, wait
    from concurrent.futures.process import BrokenProcessPool

    from quizgen.generation.figures import drawn_alongside
    from quizgen.kernel.workers import fork_pool

    index = {e.id: i for i, e in enumerate(entries)}
    takers: dict[int, list[str]] = {}
    for student, sheet in zip(students, sheets):
        for e in sheet:
            takers.setdefault(index[e.id], []).append(student)
    todo: dict[int, list[tuple[str, ...]]] = {}  # question -> its chunks not yet handed out, in order
    pieces = max(CHUNKS_PER_QUESTION, -(-2 * jobs // max(1, len(takers))))  # a few questions: split more
    for question, names in sorted(takers.items()):
        size = -(-len(names) // pieces)
        todo[question] = [tuple(names[i:i + size]) for i in range(0, len(names), size)]
    fresh = list(todo)  # questions no worker has started, in bank order
    derived: dict[int, list[int]] = {}  # worker pid -> the questions it has built

    def next_chunk(pid: int | None) -> tuple[int, tuple[str, ...]] | None:
        own = [q for q in derived.get(pid, ()) if todo[q]] if pid is not None else []
        if own:
            q = own[0]
        elif fresh:
            q = fresh.pop(0)
        else:
            left = [q for q in todo if todo[q]]
            if not left:
                return None
            q = max(left, key=lambda k: len(todo[k]))  # help with the question that has most left
        return q, todo[q].pop(0)

    built: dict[tuple[int, str], Variant] = {}
    total, shown = sum(len(names) for names in takers.values()), 0
    _JOB = (tuple(e.question for e in entries), root)
    try:
        draws = figures and any(e.question.figures for e in entries)
        with drawn_alongside(draws) as drawer, fork_pool(min(jobs, sum(map(len, todo.values())))) as executor:
            running = {}
            for _ in range(jobs):
                chunk = next_chunk(None)
                if chunk is not None:
                    running[executor.submit(_build_chunk, *chunk)] = chunk
            while running:
                busy = drawer is not None and drawer.busy  # then look after it every 50 ms
                done, _ = wait(running, timeout=0.05 if busy else None, return_when=FIRST_COMPLETED)
                if drawer is not None:
                    drawer.serve()
                for future in done:
                    q, names = running.pop(future)
                    try:
                        pid, variants = future.result()
                    except BrokenProcessPool:
                        raise QuizgenError("a worker process died (out of memory?); rerun with --jobs 1") from None
                    if q not in derived.setdefault(pid, []):
                        derived[pid].append(q)
                    chunk = next_chunk(pid)
                    if chunk is not None:  # hand out the next chunk first: the worker waits for it
                        running[executor.submit(_build_chunk, *chunk)] = chunk
                    built.update(((q, s), v) for s, v in zip(names, variants))
                    if drawer is not None:
                        drawer.hand(ref for v in variants for ref in v.figures)
                    while shown < len(built) * len(students) // total:
                        next(bar, None)
                        shown += 1
    finally:
        _JOB = None
    for _ in bar:
        pass
    return [Version(student, tuple(built[(index[e.id], student)] for e in sheet))
            for student, sheet in zip(students, sheets)]


#: Enumerating more parameter sets than this to count a question's variants is not worth it.
SUPPLY_ENUMERATION_LIMIT = 200_000


def variant_supply(q, at_least: int | None = None) -> int:
    """How many distinct parameter sets a question can draw (those its constraint allows).

    An upper bound on its distinct variants (a draw that is ill-posed is also redrawn). Above
    :data:`SUPPLY_ENUMERATION_LIMIT` combinations the product is returned without enumerating.
    ``at_least``: the caller only asks whether there are that many; counting stops there (and
    returns ``at_least``), so a question with a large grid is not enumerated to the end.
    """
    import itertools
    from fractions import Fraction

    total = 1
    for p in q.params:
        total *= len(p.values)
    if q.constraint is None or total > SUPPLY_ENUMERATION_LIMIT:
        return total
    names = [p.name for p in q.params]
    values = [[Fraction(v) for v in p.values] for p in q.params]
    count = 0
    for combo in itertools.product(*values):
        if q.constraint(dict(zip(names, combo))):
            count += 1
            if count == at_least:
                break
    return count


def supply_warnings(entries: Sequence[Entry], students: int) -> list[str]:
    """One line per question with fewer distinct variants than there are students."""
    out = []
    if students < 2:
        return out
    for e in entries:
        n = variant_supply(e.question, at_least=students)
        if n < students:
            out.append(f"{e.id} has at most {n} distinct variant(s) for {students} students: "
                       "some students will share numbers")
    return out


#: The answer types a student types (and could copy from a neighbour).
TYPED_KINDS = ("numeric", "vector", "symbolic")


def answer_fingerprint(kind: str, answer: Mapping[str, Any]) -> str:
    """A correct answer as two students would compare them: numbers to 4 significant figures."""
    from quizgen.generation.numbers import fmt_number

    if kind == "numeric":
        return fmt_number(answer["value"], 4)
    if kind == "vector":
        parts = answer.get("values") or answer.get("expressions") or []
        return "(" + ", ".join(fmt_number(v, 4) if isinstance(v, (int, float)) else str(v) for v in parts) + ")"
    if kind == "symbolic":
        return str(answer["expression"])
    return json.dumps(answer, sort_keys=True)


def answer_warnings(exam: "Exam") -> list[str]:
    """One line per typed question whose class shares answers across different numbers: fewer than
    nine tenths as many distinct correct answers as distinct variants (a neighbour's answer pays)."""
    out = []
    by_question: dict[str, dict[tuple, str]] = {}
    for version in exam.versions:
        for v in version.variants:
            if v.kind in TYPED_KINDS:
                by_question.setdefault(v.question_id, {})[tuple(sorted(v.params.items()))] = \
                    answer_fingerprint(v.kind, v.answer)
    for qid, answers in by_question.items():
        distinct = len(set(answers.values()))
        if len(answers) >= 2 and distinct < 0.9 * len(answers):
            out.append(f"{qid} gives {len(answers)} different sets of numbers only {distinct} distinct correct "
                       "answer(s): students with different numbers will share answers")
    return out


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
    from quizgen.kernel.files import read_user_text

    path = Path(path)
    text = read_user_text(path, "roster")
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
