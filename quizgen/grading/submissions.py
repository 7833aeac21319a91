"""Read a class's submissions (CSV long/wide form, or JSON) into a flat list of entries.

Reading is forgiving: a bad row becomes a :class:`Problem` naming the file and the row, and every
other row is still read. Only an unusable file (missing, unreadable, no recognisable form) raises
:class:`QuizgenError` with exit status 2. Matching students and questions against the key happens
in :mod:`quizgen.grading.batch`; this module only needs the key's question ids, to tell question
columns from the other columns of an LMS export.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Collection, Iterator

from quizgen.errors import EXIT_USAGE, QuizgenError

if TYPE_CHECKING:
    from quizgen.grading.keyfile import Key
    from quizgen.grading.lms import LmsMap

#: Column headers (compared case-insensitively, spaces trimmed) that name the student column.
STUDENT_HEADERS = ("student", "student_id", "student id")
#: ``q3`` / ``Q3`` / ``q 3``: question number 3 on that student's sheet.
NUMBER_REF = re.compile(r"^q\s*([0-9]{1,6})$", re.IGNORECASE | re.ASCII)
#: ASCII digits only (``²`` and ``①`` are digits to ``str.isdigit``, not to ``int``); a question
#: number has at most 6 digits, so a 5,000-digit cell is an unknown question, not a crash.
_PLAIN_NUMBER = re.compile(r"^[0-9]{1,6}$", re.ASCII)
_UNDECODABLE = re.compile("[\udc80-\udcff]")


@dataclass(frozen=True)
class Problem:
    """One reported problem with the input. ``where`` is a row/entry locator, '' for the whole file."""

    file: str
    where: str
    message: str
    order: int = -1  # position in the file, so problems are listed in file order

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


@dataclass(frozen=True)
class Submissions:
    """Everything read from one submissions file."""

    name: str
    form: str  # "long", "wide", "json-list" or "json-map"
    entries: tuple[Entry, ...]
    problems: tuple[Problem, ...]
    rows: int  # data rows (CSV) or entries (JSON) seen, good or bad
    ignored_columns: tuple[str, ...] = ()
    people: tuple[Any, ...] = ()  # LMS exports: who each row is (quizgen.grading.lms.Person)


#: Longest problem message or locator kept (the whole row is in the file itself).
MAX_MESSAGE_CHARS = 400


def _printable(text: str) -> str:
    """``text`` safe for a terminal line: undecodable bytes as U+FFFD, control, format and
    line-separator characters as ``\\xNN`` / ``\\uNNNN``, at most :data:`MAX_MESSAGE_CHARS`."""
    text = _UNDECODABLE.sub("\ufffd", text)
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


def _decode(raw: bytes) -> str:
    """UTF-8 (BOM tolerated; UTF-16 with a BOM too). Bad bytes survive as surrogates so the
    row that holds them can be reported and the rest of the file still read."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    return raw.decode("utf-8-sig", errors="surrogateescape")


_SURROGATE = re.compile("[\ud800-\udfff]")


def _bad_bytes(text: str) -> str | None:
    """A description of the first undecodable byte in ``text``, or None if it is clean. A lone
    surrogate written as a JSON escape (``"\\ud800"``) counts too: it cannot be written to any
    UTF-8 report."""
    m = _UNDECODABLE.search(text)
    if m is not None:
        return f"byte {ord(m.group()) - 0xDC00:#04x} is not UTF-8 (save the file as UTF-8 and re-run)"
    m = _SURROGATE.search(text)
    if m is not None:
        return f"\\u{ord(m.group()):04x} is not a Unicode character (a lone surrogate)"
    return None


def read_submissions(path: str | os.PathLike[str], question_ids: Collection[str], key: "Key | None" = None,
                     mapping: "LmsMap | None" = None) -> Submissions:
    """Read ``path``, choosing the form from its extension and header (see the README, "quizgen grade").
    ``key`` is needed for LMS exports (their rows are matched to variants by version code);
    ``mapping`` (``--map``) renames columns and maps LMS identities to key students."""
    path = Path(path)
    name = path.name
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise QuizgenError(f"{path}: submissions file not found", EXIT_USAGE) from None
    except IsADirectoryError:
        raise QuizgenError(f"{path}: is a folder, expected a CSV or JSON submissions file", EXIT_USAGE) from None
    except OSError as err:
        raise QuizgenError(f"{path}: cannot read the submissions file ({err.strerror or err})", EXIT_USAGE) from None
    text = _decode(raw)
    suffix = path.suffix.lower()
    if suffix == ".json" or (suffix not in (".csv", ".tsv", ".txt") and text.lstrip()[:1] in ("[", "{")):
        subs = _read_json(text, name)
    else:
        subs = _read_csv(text, name, set(question_ids), tab=suffix == ".tsv", key=key, mapping=mapping)
    if mapping is not None and mapping.students and subs.form not in LMS_FORMS:
        subs = replace(subs, entries=tuple(replace(e, student=mapping.students.get(e.student, e.student))
                                           for e in subs.entries))
    return subs


#: Forms read by quizgen.grading.lms.
LMS_FORMS = ("moodle-responses", "canvas-student-analysis")


# ----------------------------------------------------------------------------------------- CSV


def _delimiter(first_line: str, tab: bool) -> str:
    if tab:
        return "\t"
    if "," not in first_line:
        for candidate in (";", "\t"):
            if candidate in first_line:
                return candidate
    return ","


class _Records:
    """(first line number, fields, problem) for each CSV record, quoted newlines included.

    ``problem`` is None for a good record. A quote that is opened and not closed would make the
    csv module read the rest of the file as one answer; so a record that spans several lines is
    checked: if it runs to the end of the file unclosed, or a line inside it looks like a row of
    its own (as many fields as the header, a student id first), that record is reported and
    skipped, and reading starts again on the line after it. A CSV syntax error (a NUL byte)
    skips its line the same way.

    The csv module refuses fields over 128 KiB and the reader cannot go on after that, so one
    student pasting a huge answer would end the file for everyone after them. No field can be
    longer than the text, so that is the limit (the answer itself is then refused as too long).
    """

    def __init__(self, text: str, delimiter: str):
        csv.field_size_limit(max(csv.field_size_limit(), min(len(text) + 1, 2**31 - 1)))
        self.lines = list(io.StringIO(text, newline=""))
        self.delimiter = delimiter
        self.width: int | None = None  # the header's field count, once known
        self._gen = self._generate()

    def __iter__(self) -> "_Records":
        return self

    def __next__(self) -> tuple[int, list[str], str | None]:
        return next(self._gen)

    def _generate(self) -> Iterator[tuple[int, list[str], str | None]]:
        start = 0  # index of the line the current reader starts on
        while start < len(self.lines):
            reader = csv.reader(iter(self.lines[start:]), delimiter=self.delimiter)
            last = 0
            restart = None
            while True:
                try:
                    fields = next(reader)
                except StopIteration:
                    return
                except csv.Error as err:
                    line = start + reader.line_num
                    yield line, [], f"CSV syntax error ({err}); line skipped"
                    restart = line
                    break
                first, end = start + last + 1, start + reader.line_num
                problem = self._unclosed_quote(first, end) if end > first or end == len(self.lines) else None
                if problem:
                    yield first, fields, problem
                    restart = first
                    break
                yield first, fields, None
                last = reader.line_num
            start = restart

    def _unclosed_quote(self, first: int, end: int) -> str | None:
        """A reason if the record on lines ``first``..``end`` is a quote left open."""
        if self.width is None:
            return None
        for line in range(first + 1, end + 1):
            try:
                alone = next(csv.reader([self.lines[line - 1]], delimiter=self.delimiter), [])
            except csv.Error:
                continue
            if len(alone) == self.width and alone[0].strip() and '"' not in alone[0]:
                return (f"a quote opened in this row is not closed before line {line}, which looks "
                        "like a row of its own; row skipped, the lines after it are read as rows")
        if end == len(self.lines):
            try:
                list(csv.reader(self.lines[first - 1:end], delimiter=self.delimiter, strict=True))
            except csv.Error:
                return ("a quote opened in this row is never closed; row skipped, the lines after "
                        "it are read as rows")
        return None


def _records(text: str, delimiter: str) -> _Records:
    return _Records(text, delimiter)


def _read_csv(text: str, name: str, question_ids: set[str], tab: bool, key: "Key | None" = None,
              mapping: "LmsMap | None" = None) -> Submissions:
    first_line = text.split("\n", 1)[0]
    records = _records(text, _delimiter(first_line, tab))
    try:
        header_line, header, problem = next(records)
        while problem is None and not any(h.strip() for h in header):
            header_line, header, problem = next(records)
    except StopIteration:
        raise QuizgenError(f"{name}: the file is empty (expected a header row)", EXIT_USAGE) from None
    if problem is not None:
        raise QuizgenError(f"{name}, line {header_line} (header): not a readable CSV header ({problem})", EXIT_USAGE)
    records.width = len(header)
    bad = _bad_bytes("".join(header))
    if bad:
        raise QuizgenError(f"{name}, line {header_line} (header): {bad}", EXIT_USAGE)
    if mapping is not None:
        header = [mapping.column(h) for h in header]
    from quizgen.grading import lms

    form = lms.lms_form(header)
    if form is not None:
        if key is None:
            raise QuizgenError(f"{name}: an LMS export ({form}) is read with its key", EXIT_USAGE)
        problems: list[Problem] = []
        read = lms.read_moodle if form == lms.MOODLE else lms.read_canvas
        return read(_safe_records(records, name, problems), name, header, key, mapping or lms.LmsMap(), problems)
    norm = [h.strip().lower() for h in header]
    student_col = next((i for i, h in enumerate(norm) if h in STUDENT_HEADERS), None)
    if student_col is None:
        raise QuizgenError(
            f"{name}: no recognisable form: the header needs a \"student\" column "
            f"(long form: student,question,answer; wide form: student plus one column per question)",
            EXIT_USAGE,
        )
    if "question" in norm and "answer" in norm:
        return _read_long(records, name, header, student_col, norm.index("question"), norm.index("answer"))
    return _read_wide(records, name, header, student_col, question_ids)


def _safe_records(records: _Records, name: str, problems: list[Problem]) -> Iterator[tuple[int, list[str]]]:
    """Skip blank lines; a record the reader flags (an unclosed quote, a CSV syntax error) is a
    reported problem and the lines after it are still read."""
    for line, fields, problem in records:
        if problem is not None:
            problems.append(Problem(name, f"line {line}", problem, order=line))
        elif any(f.strip() for f in fields):
            yield line, fields


def _field_count_problem(name: str, line: int, fields: list[str], header: list[str]) -> Problem:
    return Problem(name, f"line {line}", f"malformed row: {len(fields)} fields but the header has "
                   f"{len(header)} (an unquoted comma in an answer?)", order=line)


def _read_long(records: _Records, name: str, header: list[str],
               s_col: int, q_col: int, a_col: int) -> Submissions:
    entries: list[Entry] = []
    problems: list[Problem] = []
    rows = 0
    for line, fields in _safe_records(records, name, problems):
        rows += 1
        where = f"line {line}"
        if len(fields) != len(header):
            problems.append(_field_count_problem(name, line, fields, header))
            continue
        bad = _bad_bytes("".join(fields))
        if bad:
            problems.append(Problem(name, where, bad, order=line))
            continue
        student, question = fields[s_col].strip(), fields[q_col].strip()
        if not student or not question:
            missing = "student" if not student else "question"
            problems.append(Problem(name, where, f"malformed row: the {missing} column is empty", order=line))
            continue
        entries.append(Entry(student, question, fields[a_col], where, order=line))
    return Submissions(name, "long", tuple(entries), tuple(problems), rows)


def _read_wide(records: _Records, name: str, header: list[str],
               s_col: int, question_ids: set[str]) -> Submissions:
    """One row per student. A column is a question if its header is a key question id or ``qN``;
    a header that looks like an id (has a ``/``) but is not in the key is reported; other columns
    (name, email, timestamps of an LMS export) are ignored."""
    problems: list[Problem] = []
    columns: list[tuple[int, str]] = []
    ignored: list[str] = []
    for i, h in enumerate(header):
        ref = h.strip()
        if i == s_col:
            continue
        if ref in question_ids or NUMBER_REF.match(ref):
            columns.append((i, ref))
        elif "/" in ref:
            problems.append(Problem(name, f'column "{ref}"', "unknown question id (not in the key); column skipped"))
        else:
            ignored.append(ref)
    if not columns:
        raise QuizgenError(f"{name}: no recognisable form: a \"student\" column but no question columns "
                           f"(headers must be question ids such as {sorted(question_ids)[0] if question_ids else 'topic/name'} "
                           f"or q1, q2, ...)", EXIT_USAGE)
    entries: list[Entry] = []
    rows = 0
    for line, fields in _safe_records(records, name, problems):
        rows += 1
        where = f"line {line}"
        if len(fields) != len(header):
            problems.append(_field_count_problem(name, line, fields, header))
            continue
        student = fields[s_col].strip()
        if not student:
            problems.append(Problem(name, where, "malformed row: the student column is empty", order=line))
            continue
        if _bad_bytes(student):
            problems.append(Problem(name, where, f"student id: {_bad_bytes(student)}", order=line))
            continue
        for col, ref in columns:
            answer = fields[col]
            if not answer.strip():
                continue  # an empty cell is an unanswered question, graded 0 like one left blank
            bad = _bad_bytes(answer)
            if bad:
                problems.append(Problem(name, f'{where}, column "{ref}"', bad, order=line))
                continue
            entries.append(Entry(student, ref, answer, f'{where}, column "{ref}"', order=line))
    return Submissions(name, "wide", tuple(entries), tuple(problems), rows, tuple(ignored))


# ---------------------------------------------------------------------------------------- JSON


def _answer_text(value: Any) -> str | None:
    """Answers may be JSON strings, numbers or booleans (a notebook's natural output); null is blank."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    return None


def _read_json(text: str, name: str) -> Submissions:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise QuizgenError(f"{name}: not valid JSON (line {err.lineno}, column {err.colno}: {err.msg})",
                           EXIT_USAGE) from None
    except (ValueError, RecursionError):  # a number of over 4300 digits; thousands of nested [
        raise QuizgenError(f"{name}: not usable JSON (a number with thousands of digits, or lists "
                           "nested thousands deep)", EXIT_USAGE) from None
    # A file where not one entry has the right shape is the wrong file, not a file with bad rows.
    if isinstance(data, list) and (not data or any(isinstance(i, dict) and "student" in i for i in data)):
        return _read_json_list(data, name)
    if isinstance(data, dict) and (not data or any(isinstance(v, dict) for v in data.values())):
        return _read_json_map(data, name)
    raise QuizgenError(f'{name}: no recognisable form: expected a list of {{"student", "question", "answer"}} '
                       f'objects or an object {{student: {{question: answer}}}}', EXIT_USAGE)


def _read_json_list(data: list[Any], name: str) -> Submissions:
    entries: list[Entry] = []
    problems: list[Problem] = []
    for i, item in enumerate(data, start=1):
        where = f"entry {i}"
        if not isinstance(item, dict):
            problems.append(Problem(name, where, "malformed entry: expected an object with student, question, "
                                    "answer", order=i))
            continue
        student, question = item.get("student"), item.get("question")
        answer = _answer_text(item.get("answer"))
        if not isinstance(student, str) or not student.strip() or not isinstance(question, str) \
                or not question.strip() or answer is None or "answer" not in item:
            problems.append(Problem(name, where, 'malformed entry: needs string "student" and "question" and '
                                    'an "answer" (string, number or true/false)', order=i))
            continue
        bad = _bad_bytes(student + question + answer)
        if bad:
            problems.append(Problem(name, where, bad, order=i))
            continue
        entries.append(Entry(student.strip(), question.strip(), answer, where, order=i))
    return Submissions(name, "json-list", tuple(entries), tuple(problems), len(data))


def _read_json_map(data: dict[str, Any], name: str) -> Submissions:
    entries: list[Entry] = []
    problems: list[Problem] = []
    order = rows = 0
    for student, answers in data.items():
        order += 1
        if not isinstance(answers, dict):
            rows += 1
            problems.append(Problem(name, f'student "{student}"', "malformed entry: expected an object "
                                    "{question: answer}", order=order))
            continue
        for question, value in answers.items():
            order += 1
            rows += 1
            where = f'student "{student}", question "{question}"'
            answer = _answer_text(value)
            if answer is None:
                problems.append(Problem(name, where, "malformed entry: the answer must be a string, number or "
                                        "true/false", order=order))
                continue
            bad = _bad_bytes(student + question + answer)
            if bad:
                problems.append(Problem(name, where, bad, order=order))
                continue
            if not student.strip() or not question.strip():
                problems.append(Problem(name, where, "malformed entry: empty student or question", order=order))
                continue
            entries.append(Entry(student.strip(), question.strip(), answer, where, order=order))
    return Submissions(name, "json-map", tuple(entries), tuple(problems), rows)
