"""Grade a whole class: match submissions to the key, compile each distinct question once, grade.

``grade_class`` is the library entry point (a notebook can call it); ``quizgen grade`` is a thin
layer over it plus :mod:`quizgen.grading.report`. Large classes are graded in worker processes over
chunks grouped by question, so each worker compiles a question once; the results are the same
bytes as a serial run because every verdict depends only on (question, answer) and the assembly
below happens in key order in the parent process.
"""

from __future__ import annotations

import difflib
import math
import os
from collections import OrderedDict
from concurrent.futures import as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Sequence

from quizgen.grading.intake import DEFAULT_READ_LIMITS, ReadLimits
from quizgen.grading.keyfile import Key, KeyQuestion, load_key
from quizgen.kernel.errors import EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, QuizgenError
from quizgen.grading.entries import (
    DUPLICATE, UNKNOWN_QUESTION, UNKNOWN_STUDENT, Entry, Problem, ProblemLog, SubmissionStream, Submissions,
    question_number,
)
from quizgen.grading.submissions import open_submissions
from quizgen.kernel.workers import MAX_DEFAULT_JOBS, stop_pool
from quizgen.kernel.workers import pool as worker_pool

if TYPE_CHECKING:
    from quizgen.grading.lms import LmsMap
    from quizgen.grading.verdict import Verdict

#: Below this many answers a process pool costs more (start-up, SymPy import) than it saves.
MIN_PARALLEL_ROWS = 400
#: Compiled questions a worker keeps (a big group split across chunks is compiled once per worker;
#: an unbounded cache would hold every student's variant in memory).
WORKER_CACHE_SIZE = 32


@dataclass(frozen=True)
class GradedAnswer:
    """One question on one student's sheet. ``answer is None`` means nothing was submitted."""

    question_id: str
    number: int
    points_possible: float
    answer: str | None
    verdict: "Verdict | None"
    points: float
    where: str | None = None  # the submissions row that counted
    title: str = ""
    #: the key entry (JSON) of the variant graded, for --show-solutions; "" when not known (a
    #: question an LMS drew for the student and they left blank)
    key_source: str | None = field(default=None, compare=False, repr=False)

    @property
    def status(self) -> str:
        return self.verdict.status if self.verdict is not None else "unanswered"


@dataclass(frozen=True)
class StudentResult:
    """A student's graded sheet, questions in sheet order."""

    student: str
    answers: tuple[GradedAnswer, ...]
    submitted: bool
    total: float
    max_points: float

    @property
    def percent(self) -> float:
        return 100.0 * self.total / self.max_points if self.max_points > 0 else 0.0

    def answer_for(self, question_id: str) -> GradedAnswer | None:
        index = self.__dict__.get("_by_id")
        if index is None:  # built once: reports look up every question of every student
            index = {a.question_id: a for a in reversed(self.answers)}
            object.__setattr__(self, "_by_id", index)
        return index.get(question_id)


@dataclass(frozen=True)
class ClassResult:
    """Everything ``quizgen grade`` reports. File names only, never absolute paths (reruns are
    byte-identical wherever they run)."""

    key_name: str
    submissions_name: str
    form: str
    question_ids: tuple[str, ...]
    students: tuple[StudentResult, ...]
    problems: tuple[Problem, ...]
    rows: int
    graded: int
    ignored_columns: tuple[str, ...] = ()
    key: Key | None = field(default=None, compare=False, repr=False)  # for solutions in feedback
    #: LMS exports: who each student is in the LMS (quizgen.grading.lms.Person), for --gradebook
    people: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    #: (kind, count) of the problems beyond the first of each kind, counted but not in ``problems``
    unlisted: tuple[tuple[str, int], ...] = ()

    @property
    def problem_count(self) -> int:
        """Every problem, listed or not."""
        return len(self.problems) + sum(n for _, n in self.unlisted)

    @property
    def missing(self) -> tuple[str, ...]:
        """Students in the key with no submission at all (they get 0)."""
        return tuple(s.student for s in self.students if not s.submitted)

    @property
    def exit_code(self) -> int:
        return EXIT_PARTIAL if self.problem_count else EXIT_OK


# --------------------------------------------------------------------------------- matching


def _suggest(word: str, options: Sequence[str]) -> str:
    lowered = [o for o in options if o.lower() == word.lower()]
    close = lowered or difflib.get_close_matches(word, options, n=1, cutoff=0.75)
    return f' (did you mean "{close[0]}"?)' if close else ""


#: Unknown student ids whose "did you mean" suggestion is remembered (each costs a search of the key).
_HINTS_KEPT = 1000


def _resolve(key: Key, entries: Iterable[Entry], name: str, problems: ProblemLog,
             seen: set[str]) -> dict[tuple[str, str], tuple[Entry, KeyQuestion]]:
    """Match each entry to (student, question), as the entries are read; the LAST entry for a
    pair counts, earlier ones are reported as duplicates so the instructor can check which answer
    the student meant. Memory: the counted answers (at most the key's questions), whatever the
    number of rows. ``seen`` collects the key students with any entry."""
    versions = {v.student: v for v in key.versions}
    counted: dict[tuple[str, str], tuple[Entry, KeyQuestion]] = {}
    unknown_hint: dict[str, str] = {}
    numbers: dict[str, int | None] = {}  # a class writes the same few question references
    for e in entries:
        version = versions.get(e.version or e.student)
        if e.student in versions:
            seen.add(e.student)
        if version is None and e.version is not None:  # cannot happen for a code read from this key
            problems.add(Problem(name, e.where, f'no version of "{e.version}" in {key.name}', e.order,
                                 UNKNOWN_STUDENT))
            continue
        if version is None:
            if problems.full(UNKNOWN_STUDENT):
                problems.count(UNKNOWN_STUDENT)
                continue
            hint = unknown_hint.get(e.student)
            if hint is None:
                hint = _suggest(e.student, key.students)
                if len(unknown_hint) < _HINTS_KEPT:
                    unknown_hint[e.student] = hint
            problems.add(Problem(name, e.where, f'unknown student "{e.student}" (not in {key.name}){hint}',
                                 e.order, UNKNOWN_STUDENT))
            continue
        kq = version.by_id(e.question)
        number = None
        if kq is None:
            number = numbers.get(e.question, -1)
            if number == -1:
                number = question_number(e.question)
                if len(numbers) < _HINTS_KEPT:
                    numbers[e.question] = number
        if kq is None and number is not None:
            kq = version.by_number(number)
        if kq is None:
            if problems.full(UNKNOWN_QUESTION):
                problems.count(UNKNOWN_QUESTION)
                continue
            if e.question in key.question_ids:
                msg = f'question "{e.question}" is not on {e.student}\'s sheet'
            elif number is not None:
                msg = f"{e.student}'s sheet has no question {number} (it has 1-{len(version.questions)})"
            else:
                msg = f'unknown question id "{e.question}"{_suggest(e.question, key.question_ids)}'
            problems.add(Problem(name, e.where, msg, e.order, UNKNOWN_QUESTION))
            continue
        if e.raw:  # an LMS's summary of the response: what our grader reads, and the question as asked
            from quizgen.grading.lms import lms_answer

            answer, kq = lms_answer(kq, e.answer)
            e = replace(e, answer=answer)
        previous = counted.get((e.student, kq.id))
        if previous is not None:
            problems.add(Problem(name, previous[0].where,
                                 f"duplicate answer for {e.student} / {kq.id}: not graded, the later one at "
                                 f"{e.where} counts", previous[0].order, DUPLICATE))
        counted[(e.student, kq.id)] = (e, kq)
    return counted


# --------------------------------------------------------------------------------- grading

#: One unit of work: (question fingerprint, key entry as JSON, [(row index, answer text), ...]).
Group = tuple[str, str, list[tuple[int, str]]]

_WORKER_CACHE: "OrderedDict[str, Any]" = OrderedDict()


def _failed_verdict(err: BaseException) -> "Verdict":
    """The grader core promises never to raise; if it does anyway, one answer is sent to a human
    instead of the whole class run dying with a traceback."""
    from quizgen.grading.verdict import Verdict

    return Verdict(status="rejected", credit=0.0,
                   message="The automatic grader failed on this answer; it needs grading by hand.",
                   method="error", misconception=None, detail={"error": f"{type(err).__name__}: {err}"})


def _grade_groups(groups: list[Group], cache: "OrderedDict[str, Any]",
                  check: bool = False) -> tuple[list[tuple[int, "Verdict"]], tuple[str, str] | None]:
    """Grade groups of answers; returns (verdicts, None) or ([], (fingerprint, what is wrong with
    that key entry)). ``check``: run the key content check on each entry as it is compiled (a
    trusted key was not checked when loaded)."""
    import json

    from quizgen.grading.item import compile_question
    from quizgen.grading.keycheck import compile_problem, content_problem

    out: list[tuple[int, Verdict]] = []
    for fingerprint, source, rows in groups:
        grader = cache.get(fingerprint)
        fresh = grader is None
        if fresh:
            try:
                grader = compile_question(json.loads(source))
            except QuizgenError as err:
                return [], (fingerprint, compile_problem(err))
        else:
            cache.move_to_end(fingerprint)
        try:  # first: the key's own check may use what it works out
            grader.prepare([answer for _, answer in rows])  # a hint: no verdict depends on it
        except Exception:  # noqa: BLE001 - see _failed_verdict; grading goes on without it
            pass
        if fresh:
            problem = content_problem(grader) if check else None
            if problem is not None:
                return [], (fingerprint, problem)
            cache[fingerprint] = grader
            if len(cache) > WORKER_CACHE_SIZE:
                cache.popitem(last=False)
        for index, answer in rows:
            try:
                verdict = grader.grade(answer)  # (it remembers the verdict of each distinct text)
            except Exception as err:  # noqa: BLE001 - see _failed_verdict
                verdict = _failed_verdict(err)
            out.append((index, verdict))
    return out, None


def _worker(groups: list[Group], check: bool) -> tuple[list[tuple[int, "Verdict"]], tuple[str, str] | None]:
    return _grade_groups(groups, _WORKER_CACHE, check)


def _chunks(groups: list[Group], target: int) -> list[list[Group]]:
    """Pack question groups into chunks of about ``target`` answers, splitting only big groups."""
    chunks: list[list[Group]] = []
    current: list[Group] = []
    size = 0
    for fingerprint, source, rows in groups:
        for start in range(0, len(rows), target):
            piece = rows[start:start + target]
            current.append((fingerprint, source, piece))
            size += len(piece)
            if size >= target:
                chunks.append(current)
                current, size = [], 0
    if current:
        chunks.append(current)
    return chunks


def effective_jobs(jobs: int | None, n_answers: int, min_parallel_rows: int = MIN_PARALLEL_ROWS) -> int:
    """How many processes to use: 1 for small classes or ``jobs=1``, else ``jobs`` (default: cores)."""
    if jobs is None:
        jobs = min(os.cpu_count() or 1, MAX_DEFAULT_JOBS)
    if jobs <= 1 or n_answers < min_parallel_rows:
        return 1
    return jobs


def _run(groups: list[Group], jobs: int, progress: Callable[[int], None] | None,
         compiled: dict[str, Any] | None = None, check: bool = False) -> tuple[dict[int, "Verdict"], tuple[str, str] | None]:
    verdicts: dict[int, Verdict] = {}
    if jobs == 1:
        cache: OrderedDict[str, Any] = OrderedDict(compiled or {})
        for group in groups:
            done, error = _grade_groups([group], cache, check)
            if error:
                return verdicts, error
            verdicts.update(done)
            if progress:
                progress(len(done))
        return verdicts, None
    total = sum(len(g[2]) for g in groups)
    target = max(20, math.ceil(total / (jobs * 4)))
    with worker_pool(jobs) as executor:  # Ctrl-C or an error stops the workers at once
        futures = [executor.submit(_worker, chunk, check) for chunk in _chunks(groups, target)]
        for future in as_completed(futures):
            try:
                done, error = future.result()
            except BrokenProcessPool:
                raise QuizgenError("a grading worker process died (out of memory?); "
                                   "rerun with --jobs 1 or fewer jobs", EXIT_USAGE) from None
            if error:
                stop_pool(executor)
                return verdicts, error
            verdicts.update(done)
            if progress:
                progress(len(done))
    return verdicts, None


def grade_class(
    key: Key | dict[str, Any] | str | os.PathLike[str],
    submissions: str | os.PathLike[str] | Submissions,
    *,
    jobs: int | None = None,
    progress: Callable[[int], None] | None = None,
    min_parallel_rows: int = MIN_PARALLEL_ROWS,
    on_start: Callable[[int], None] | None = None,
    decimal_comma: bool | None = None,
    mapping: "LmsMap | None" = None,
    limits: ReadLimits = DEFAULT_READ_LIMITS,
    phases: "Callable[[str, int], Callable[[int], None]] | None" = None,
) -> ClassResult:
    """Grade every submission in ``submissions`` against ``key``.

    Bad rows are reported in ``ClassResult.problems`` and everything else is graded; an unusable
    key or submissions file raises :class:`QuizgenError` (exit status 2). ``progress(n)`` is called
    as ``n`` more answers are graded; ``on_start(total)`` once before grading starts.
    ``decimal_comma`` (True/False) overrides every entry's ``answer.decimal_comma`` of the key.
    ``limits``: the bounds on the files read (exit status 2 past one, naming the flag).
    ``phases(label, total)``: called as each phase that can take seconds starts (checking the
    key's entries, reading the submissions in bytes, grading the answers); returns the
    ``advance(n)`` callback of that phase (``quizgen grade`` shows a progress bar with it).
    """
    if phases is None:
        def phases(label: str, total: int) -> Callable[[int], None]:
            if label == "Grading":
                if on_start:
                    on_start(total)
                return progress or _still
            return _still

    key = load_key(key, max_bytes=limits.max_key_bytes)
    if decimal_comma is not None:
        from quizgen.grading.keyfile import with_decimal_comma

        key = with_decimal_comma(key, decimal_comma)
    from quizgen.grading.keycheck import check_key_content
    from quizgen.grading.keyfile import mark_checked

    # A broken key entry stops here, before any grading; a key whose exact bytes were checked
    # before (or written by make) by this code has each graded entry checked as it is compiled.
    compiled = {} if key.trusted else check_key_content(key, phases)
    mark_checked(key)
    if isinstance(submissions, Submissions):
        log = ProblemLog(limits.listed_per_kind)
        log.extend(submissions.problems)
        for kind, n in submissions.unlisted:
            log.counts[kind] += n
        subs = SubmissionStream(submissions.name, submissions.form, iter(submissions.entries), log,
                                submissions.ignored_columns, submissions.rows, submissions.people)
    else:
        subs = open_submissions(submissions, key.question_ids, key=key, mapping=mapping, limits=limits)
    seen: set[str] = set()
    counted = _resolve(key, _reading(subs, phases), subs.name, subs.problems, seen)

    by_fingerprint: dict[str, tuple[KeyQuestion, list[tuple[int, str]]]] = {}
    ordered = list(counted.values())
    for index, (entry, kq) in enumerate(ordered):
        by_fingerprint.setdefault(kq.fingerprint, (kq, []))[1].append((index, entry.answer))
    groups: list[Group] = [(fp, kq.source, rows) for fp, (kq, rows) in by_fingerprint.items()]
    advance = phases("Grading", len(ordered))
    verdicts, error = _run(groups, effective_jobs(jobs, len(ordered), min_parallel_rows), advance, compiled,
                           check=key.trusted)
    if error:
        fingerprint, problem = error
        raise QuizgenError(f"{key.name}: {by_fingerprint[fingerprint][0].path}{problem}", EXIT_USAGE)

    results = {(entry.student, kq.id): (entry, kq, verdicts[i]) for i, (entry, kq) in enumerate(ordered)}
    submitted = {e.student for e, _ in ordered} | seen | {p.student for p in subs.people}
    drawn = {e.student for e, _ in ordered if e.version is not None}
    students = tuple(_student_result(student, sheet, results, student in submitted, student in drawn)
                     for student, sheet in _sheets(key, subs, ordered))
    return ClassResult(key.name, subs.name, subs.form, key.question_ids, students, subs.problems.listed(),
                       rows=subs.rows, graded=len(ordered), ignored_columns=subs.ignored_columns, key=key,
                       people={p.student: p for p in subs.people}, unlisted=subs.problems.unlisted())


def _still(n: int = 1) -> None:
    return None


#: Shown reading a submissions file from this size on (bytes); the bar moves every so many entries.
READING_BAR_BYTES = 5_000_000
_READING_STEP = 2000


def _reading(subs: SubmissionStream, phases: "Callable[[str, int], Callable[[int], None]]") -> Iterable[Entry]:
    """The stream's entries, moving a progress bar over the bytes read when the file is large."""
    if subs.size < READING_BAR_BYTES:
        return subs.entries

    def entries() -> Iterator[Entry]:
        advance = phases("Reading", subs.size)
        done = 0
        for i, entry in enumerate(subs.entries, 1):
            if i % _READING_STEP == 0:
                now = subs.position()
                advance(now - done)
                done = now
            yield entry
        advance(subs.size - done)

    return entries()


def _sheets(key: Key, subs: SubmissionStream, ordered: list[tuple[Entry, KeyQuestion]]) -> list[tuple[str, list[KeyQuestion]]]:
    """Who is graded, and on which sheet.

    Normally the key's students on their own sheets. An LMS that drew variants (a version code
    mapped a response to another student's variant) puts every question of the key on each
    sheet, numbered in key order as the quiz's slots are; its students are the export's
    students, plus the key's students who made no attempt when the key was made from the
    class roster (some export student is a key student)."""
    drawn = {e.student for e, _ in ordered if e.version is not None}
    if not drawn:
        return [(v.student, list(v.questions)) for v in key.versions]
    template: dict[str, KeyQuestion] = {}
    for v in key.versions:
        for kq in v.questions:
            template.setdefault(kq.id, kq)
    answered: dict[tuple[str, str], KeyQuestion] = {(e.student, kq.id): kq for e, kq in ordered}
    versions = {v.student: v for v in key.versions}

    def drawn_sheet(student: str) -> list[KeyQuestion]:
        own = versions.get(student)
        sheet = []
        for n, qid in enumerate(key.question_ids, 1):
            kq = answered.get((student, qid)) or (own.by_id(qid) if own else None) or template[qid]
            sheet.append(replace(kq, number=n))
        return sheet

    lms_students = list(dict.fromkeys([p.student for p in subs.people] + [e.student for e, _ in ordered]))
    key_students = set(key.students)
    out: list[tuple[str, list[KeyQuestion]]] = []
    roster = bool(key_students & set(lms_students))
    if roster:
        out += [(v.student, drawn_sheet(v.student) if v.student in drawn else list(v.questions)) for v in key.versions]
    out += [(s, drawn_sheet(s)) for s in lms_students if not roster or s not in key_students]
    return out


def _student_result(student: str, questions: Sequence[KeyQuestion],
                    results: dict[tuple[str, str], tuple[Entry, KeyQuestion, "Verdict"]], submitted: bool,
                    drawn: bool = False) -> StudentResult:
    answers = []
    for kq in questions:
        hit = results.get((student, kq.id))
        if hit is None:
            answers.append(GradedAnswer(kq.id, kq.number, kq.points, None, None, 0.0, title=kq.title,
                                        key_source="" if drawn else None))  # None: the student's own (solutions)
            continue
        entry, graded, verdict = hit
        credit = min(1.0, max(0.0, float(verdict.credit)))
        answers.append(GradedAnswer(kq.id, kq.number, kq.points, entry.answer, verdict, credit * kq.points,
                                    entry.where, kq.title, key_source=graded.source))
    total = math.fsum(a.points for a in answers)
    max_points = math.fsum(kq.points for kq in questions)
    return StudentResult(student, tuple(answers), submitted, total, max_points)


def default_out_dir(submissions: str | os.PathLike[str]) -> Path:
    """``grades/`` beside the submissions file."""
    return Path(submissions).parent / "grades"
