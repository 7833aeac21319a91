"""Read a class's submissions (CSV long/wide form, or JSON) into a flat list of entries.

Reading is forgiving: a bad row becomes a :class:`Problem` naming the file and the row, and every
other row is still read. Only an unusable file (missing, unreadable, no recognisable form, over
a limit of :class:`~quizgen.grading.intake.ReadLimits`) raises :class:`QuizgenError` with exit
status 2. The file is read as a stream (:func:`open_submissions`): entries are handed on as they
are read and problems are kept in a :class:`ProblemLog` that lists the first of each kind and
counts the rest, so memory follows the limits, not the size of the file. Matching students and questions against the key happens
in :mod:`quizgen.grading.batch`; this module only needs the key's question ids, to tell question
columns from the other columns of an LMS export.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections import Counter, deque
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Collection, Iterator

from quizgen.grading.entries import (
    CSV_SYNTAX, MALFORMED, NOT_UTF8, NUMBER_REF, TOO_LONG, UNCLOSED, UNDECODABLE, UNKNOWN_QUESTION, Entry, Problem,
    ProblemLog, SubmissionStream, Submissions,
)
from quizgen.grading.intake import DEFAULT_READ_LIMITS, ReadLimits, open_binary, open_text, physical_lines
from quizgen.kernel.errors import EXIT_USAGE, QuizgenError

if TYPE_CHECKING:
    from quizgen.grading.keyfile import Key
    from quizgen.grading.lms import LmsMap

#: Column headers (compared case-insensitively, spaces trimmed) that name the student column.
STUDENT_HEADERS = ("student", "student_id", "student id")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _bad_bytes(text: str) -> str | None:
    """A description of the first undecodable byte in ``text``, or None if it is clean. A lone
    surrogate written as a JSON escape (``"\\ud800"``) counts too: it cannot be written to any
    UTF-8 report."""
    if _SURROGATE.search(text) is None:  # the usual case, in one search (undecodable bytes are surrogates)
        return None
    m = UNDECODABLE.search(text)
    if m is not None:
        return f"byte {ord(m.group()) - 0xDC00:#04x} is not UTF-8 (save the file as UTF-8 and re-run)"
    m = _SURROGATE.search(text)
    if m is not None:
        return f"\\u{ord(m.group()):04x} is not a Unicode character (a lone surrogate)"
    return None




def read_submissions(path: str | os.PathLike[str], question_ids: Collection[str], key: "Key | None" = None,
                     mapping: "LmsMap | None" = None, limits: ReadLimits = DEFAULT_READ_LIMITS) -> Submissions:
    """Read the whole of ``path`` (see :func:`open_submissions`) into a :class:`Submissions`."""
    return open_submissions(path, question_ids, key, mapping, limits).collect()


def open_submissions(path: str | os.PathLike[str], question_ids: Collection[str], key: "Key | None" = None,
                     mapping: "LmsMap | None" = None, limits: ReadLimits = DEFAULT_READ_LIMITS) -> SubmissionStream:
    """Start reading ``path``, choosing the form from its extension and first line (see
    docs/grading.md, "Submission formats"); an unusable file raises QuizgenError (exit 2) here or, for a limit
    passed or a JSON syntax error further on, while its entries are read. ``key`` is needed for
    LMS exports (their rows are matched to variants by version code); ``mapping`` (``--map``)
    renames columns and maps LMS identities to key students."""
    path = Path(path)
    name = path.name
    fh = open_binary(path, "submissions file", limits.max_file_bytes, "--max-file-mb")
    try:
        text = open_text(fh, path)
        suffix = path.suffix.lower()
        head = fh.peek(4096)[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
        log = ProblemLog(limits.listed_per_kind)
        if suffix == ".json" or (suffix not in (".csv", ".tsv", ".txt") and head[:1] in (b"[", b"{")):
            stream = _read_json(text, name, log, limits)
        else:
            stream = _read_csv(text, name, set(question_ids), log, limits, tab=suffix == ".tsv", key=key,
                               mapping=mapping)
    except BaseException:
        fh.close()
        raise
    stream.entries = _closing(stream.entries, fh)
    try:
        stream.size = os.fstat(fh.fileno()).st_size
    except OSError:
        stream.size = 0
    raw = fh.raw
    stream.position = lambda: getattr(raw, "total", 0)
    if mapping is not None and mapping.students and stream.form not in LMS_FORMS:
        students = mapping.students
        stream.entries = (replace(e, student=students.get(e.student, e.student)) for e in stream.entries)
    return stream


def _closing(entries: Iterator[Entry], fh: io.IOBase) -> Iterator[Entry]:
    try:
        yield from entries
    except OSError as err:
        raise QuizgenError(f"{getattr(fh, 'name', 'submissions file')}: cannot read the submissions file "
                           f"({err.strerror or err})", EXIT_USAGE) from None
    finally:
        fh.close()


#: Forms read by quizgen.grading.lms.
LMS_FORMS = ("moodle-responses", "canvas-student-analysis")


def _answer_problem(answer: str, limits: ReadLimits) -> str | None:
    """Why an answer is not graded at all (over the length limit, bytes that are not UTF-8), or None."""
    if len(answer) > limits.max_answer_chars:
        return (f"an answer of {len(answer):,} characters, over the limit of {limits.max_answer_chars:,} "
                "(--max-answer-chars raises it); not graded")
    return _bad_bytes(answer)


def _answer_kind(answer: str, limits: ReadLimits) -> str:
    return TOO_LONG if len(answer) > limits.max_answer_chars else NOT_UTF8


# ----------------------------------------------------------------------------------------- CSV


def _delimiter(first_line: str, tab: bool) -> str:
    if tab:
        return "\t"
    if "," not in first_line:
        for candidate in (";", "\t"):
            if candidate in first_line:
                return candidate
    return ","


class _Overlong(Exception):
    """Internal: the record being read passed the record length limit."""


class _Records:
    """(first line number, fields, problem, kind) for each CSV record, quoted newlines included,
    read from a stream of physical lines and holding only the lines of the record being read.

    ``problem`` is None for a good record. A quote that is opened and not closed would make the
    csv module read the rest of the file as one answer; so a record that spans several lines is
    checked: if it runs to the end of the file unclosed, or a line inside it looks like a row of
    its own (as many fields as the header, a student id first), that record is reported and
    skipped, and reading starts again on the line after it. So does a record longer than
    ``cap`` characters (an answer far over the length limit, or a quote never closed): it is
    never held whole. A CSV syntax error (a NUL byte) skips its line.
    """

    def __init__(self, lines: Iterator[tuple[str, bool]], delimiter: str, cap: int):
        csv.field_size_limit(max(csv.field_size_limit(), min(cap + 1, 2**31 - 1)))
        self.source = lines
        self.delimiter = delimiter
        self.cap = cap
        self.width: int | None = None  # the header's field count, once known
        self.pending: deque[tuple[int, str, bool]] = deque()  # lines to read again, then the source
        self.current: list[tuple[int, str, bool]] = []  # the lines of the record being read
        self.number = 0  # the last line number taken from the source
        self._gen = self._generate()

    def __iter__(self) -> "_Records":
        return self

    def __next__(self) -> tuple[int, list[str], str | None, str]:
        return next(self._gen)

    def _next_line(self) -> tuple[int, str, bool] | None:
        if self.pending:
            return self.pending.popleft()
        try:
            text, cut = next(self.source)
        except StopIteration:
            return None
        self.number += 1
        return self.number, text, cut

    def _at_end(self) -> bool:
        if self.pending:
            return False
        line = self._next_line()
        if line is None:
            return True
        self.pending.append(line)
        return False

    def _feed(self) -> Iterator[str]:
        size = 0
        while True:
            line = self._next_line()
            if line is None:
                return
            if not self.current:
                size = 0
            self.current.append(line)
            size += len(line[1])
            if line[2] or size > self.cap:
                raise _Overlong
            yield line[1]

    def _read_again(self, lines: list[tuple[int, str, bool]]) -> None:
        self.pending.extendleft(reversed(lines))

    def _generate(self) -> Iterator[tuple[int, list[str], str | None, str]]:
        reader = None
        while True:
            if reader is None:
                reader = csv.reader(self._feed(), delimiter=self.delimiter)
            self.current = []
            try:
                fields = next(reader)
            except StopIteration:
                return
            except _Overlong:
                lines, reader = self.current, None
                problem = self._unclosed_quote(lines, at_end=False)
                if problem is None:
                    yield (lines[0][0], [], f"a row of more than {self.cap:,} characters (an answer far over the "
                           "length limit, --max-answer-chars raises it, or a quote never closed); row skipped, "
                           "the lines after it are read as rows", TOO_LONG)
                else:
                    yield lines[0][0], [], problem, UNCLOSED
                self._read_again(lines[1:])
                continue
            except csv.Error as err:
                line = self.current[-1][0] if self.current else self.number
                yield line, [], f"CSV syntax error ({err}); line skipped", CSV_SYNTAX
                continue
            lines = self.current
            # a one-line record without a quote cannot hold an open one (and needs no look ahead)
            quoted = len(lines) > 1 or (lines and '"' in lines[0][1])
            problem = self._unclosed_quote(lines, at_end=self._at_end()) if quoted else None
            if problem:
                yield lines[0][0], fields, problem, UNCLOSED
                self._read_again(lines[1:])
                continue
            yield (lines[0][0] if lines else self.number), fields, None, ""

    def _unclosed_quote(self, lines: list[tuple[int, str, bool]], at_end: bool) -> str | None:
        """A reason if the record on ``lines`` is a quote left open."""
        if self.width is None:
            return None
        for number, text, _cut in lines[1:]:
            try:
                alone = next(csv.reader([text], delimiter=self.delimiter), [])
            except csv.Error:
                continue
            if len(alone) == self.width and alone[0].strip() and '"' not in alone[0]:
                return (f"a quote opened in this row is not closed before line {number}, which looks "
                        "like a row of its own; row skipped, the lines after it are read as rows")
        if at_end and '"' in "".join(text for _, text, _ in lines):
            try:
                list(csv.reader([text for _, text, _ in lines], delimiter=self.delimiter, strict=True))
            except csv.Error:
                return ("a quote opened in this row is never closed; row skipped, the lines after "
                        "it are read as rows")
        return None


def _read_csv(text: io.TextIOBase, name: str, question_ids: set[str], log: ProblemLog, limits: ReadLimits,
              tab: bool, key: "Key | None" = None, mapping: "LmsMap | None" = None) -> SubmissionStream:
    lines = physical_lines(text, limits.max_record_chars)
    first = next(lines, None)
    if first is None:
        raise QuizgenError(f"{name}: the file is empty (expected a header row)", EXIT_USAGE)
    records = _Records(lines, _delimiter(first[0], tab), limits.max_record_chars)
    records.pending.append((1, *first))
    records.number = 1
    try:
        header_line, header, problem, _ = next(records)
        while problem is None and not any(h.strip() for h in header):
            header_line, header, problem, _ = next(records)
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

    rows = _safe_records(records, name, log, limits)
    form = lms.lms_form(header)
    if form is not None:
        if key is None:
            raise QuizgenError(f"{name}: an LMS export ({form}) is read with its key", EXIT_USAGE)
        read = lms.read_moodle if form == lms.MOODLE else lms.read_canvas
        subs = read(rows, name, header, key, mapping or lms.LmsMap(), log)  # type: ignore[arg-type]
        stream = SubmissionStream(name, subs.form, iter(subs.entries), log, subs.ignored_columns, subs.rows,
                                  subs.people)
        return _answers_within_limit(stream, limits)
    norm = [h.strip().lower() for h in header]
    student_col = next((i for i, h in enumerate(norm) if h in STUDENT_HEADERS), None)
    if student_col is None:
        raise QuizgenError(
            f"{name}: no recognisable form: the header needs a \"student\" column "
            f"(long form: student,question,answer; wide form: student plus one column per question)",
            EXIT_USAGE,
        )
    stream = SubmissionStream(name, "long", iter(()), log)
    if "question" in norm and "answer" in norm:
        stream.entries = _read_long(rows, stream, header, student_col, norm.index("question"), norm.index("answer"),
                                    limits)
        return stream
    stream.form = "wide"
    stream.entries = _read_wide(rows, stream, header, student_col, question_ids, limits)
    next(stream.entries, None)  # the header's problems and its unusable forms come now, not when grading starts
    return stream


def _answers_within_limit(stream: SubmissionStream, limits: ReadLimits) -> SubmissionStream:
    """An LMS export's entries without those over the answer length limit (each reported)."""
    def entries(read: Iterator[Entry]) -> Iterator[Entry]:
        for e in read:
            if len(e.answer) > limits.max_answer_chars:
                stream.problems.add(Problem(stream.name, e.where, _answer_problem(e.answer, limits) or "",
                                            e.order, TOO_LONG))
            else:
                yield e

    stream.entries = entries(stream.entries)
    return stream


def _safe_records(records: _Records, name: str, problems: ProblemLog,
                  limits: ReadLimits) -> Iterator[tuple[int, list[str]]]:
    """Skip blank lines; a record the reader flags (an unclosed quote, a CSV syntax error) is a
    reported problem and the lines after it are still read. More than ``limits.max_rows``
    records: exit status 2."""
    rows = 0
    for line, fields, problem, kind in records:
        if problem is not None:
            problems.add(Problem(name, f"line {line}", problem, order=line, kind=kind))
        elif any(f.strip() for f in fields):
            rows += 1
            if rows > limits.max_rows:
                raise QuizgenError(f"{name}: more than {limits.max_rows:,} rows, the limit (--max-rows raises it)",
                                   EXIT_USAGE)
            yield line, fields


def _field_count_problem(name: str, line: int, fields: list[str], header: list[str]) -> Problem:
    return Problem(name, f"line {line}", f"malformed row: {len(fields)} fields but the header has "
                   f"{len(header)} (an unquoted comma in an answer?)", order=line, kind=MALFORMED)


def _read_long(records: Iterator[tuple[int, list[str]]], stream: SubmissionStream, header: list[str],
               s_col: int, q_col: int, a_col: int, limits: ReadLimits) -> Iterator[Entry]:
    name, problems = stream.name, stream.problems
    for line, fields in records:
        stream.rows += 1
        where = f"line {line}"
        if len(fields) != len(header):
            problems.add(_field_count_problem(name, line, fields, header))
            continue
        bad = _bad_bytes(fields[s_col] + fields[q_col]) or _answer_problem(fields[a_col], limits)
        if bad:
            kind = NOT_UTF8 if _bad_bytes(fields[s_col] + fields[q_col]) else _answer_kind(fields[a_col], limits)
            problems.add(Problem(name, where, bad, order=line, kind=kind))
            continue
        student, question = fields[s_col].strip(), fields[q_col].strip()
        if not student or not question:
            missing = "student" if not student else "question"
            problems.add(Problem(name, where, f"malformed row: the {missing} column is empty", order=line,
                                 kind=MALFORMED))
            continue
        yield Entry(student, question, fields[a_col], where, order=line)


def _read_wide(records: Iterator[tuple[int, list[str]]], stream: SubmissionStream, header: list[str],
               s_col: int, question_ids: set[str], limits: ReadLimits) -> Iterator[Entry | None]:
    """One row per student. A column is a question if its header is a key question id or ``qN``;
    a header that looks like an id (has a ``/``) but is not in the key is reported; other columns
    (name, email, timestamps of an LMS export) are ignored. Yields None first, once the header
    is checked."""
    name, problems = stream.name, stream.problems
    columns: list[tuple[int, str]] = []
    ignored: list[str] = []
    for i, h in enumerate(header):
        ref = h.strip()
        if i == s_col:
            continue
        if ref in question_ids or NUMBER_REF.match(ref):
            columns.append((i, ref))
        elif "/" in ref:
            problems.add(Problem(name, f'column "{ref}"', "unknown question id (not in the key); column skipped",
                                 kind=UNKNOWN_QUESTION))
        else:
            ignored.append(ref)
    if not columns:
        raise QuizgenError(f"{name}: no recognisable form: a \"student\" column but no question columns "
                           f"(headers must be question ids such as {sorted(question_ids)[0] if question_ids else 'topic/name'} "
                           f"or q1, q2, ...)", EXIT_USAGE)
    stream.ignored_columns = tuple(ignored)
    yield None
    for line, fields in records:
        stream.rows += 1
        where = f"line {line}"
        if len(fields) != len(header):
            problems.add(_field_count_problem(name, line, fields, header))
            continue
        student = fields[s_col].strip()
        if not student:
            problems.add(Problem(name, where, "malformed row: the student column is empty", order=line, kind=MALFORMED))
            continue
        if _bad_bytes(student):
            problems.add(Problem(name, where, f"student id: {_bad_bytes(student)}", order=line, kind=NOT_UTF8))
            continue
        for col, ref in columns:
            answer = fields[col]
            if not answer.strip():
                continue  # an empty cell is an unanswered question, graded 0 like one left blank
            bad = _answer_problem(answer, limits)
            if bad:
                problems.add(Problem(name, f'{where}, column "{ref}"', bad, order=line,
                                     kind=_answer_kind(answer, limits)))
                continue
            yield Entry(student, ref, answer, f'{where}, column "{ref}"', order=line)


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


class _Pairs(dict):  # type: ignore[type-arg]
    """A JSON object that repeats a key: every (key, value) pair in order is kept in ``pairs``."""

    pairs: list[tuple[str, Any]]


def _object_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    d = dict(pairs)
    if len(d) == len(pairs):
        return d
    out = _Pairs(d)
    out.pairs = pairs
    return out


_DECODER = json.JSONDecoder(object_pairs_hook=_object_pairs)
_SPACE = " \t\r\n"


class _JsonReader:
    """Values of a JSON document read one at a time from a text stream (``raw_decode`` on a
    window that holds the value being read), so a list of a million entries is never held whole.
    A value longer than ``cap`` characters is exit status 2."""

    def __init__(self, text: io.TextIOBase, name: str, cap: int, too_long: str):
        self.text, self.name, self.cap, self.too_long = text, name, cap, too_long
        self.buf, self.pos, self.eof = "", 0, False
        self.lines_before = 0  # lines dropped from the window, for line numbers in messages

    def _more(self, at_least: int = 1 << 20) -> bool:
        if self.eof:
            return False
        if self.pos > 1 << 20:  # drop what was read, keeping line numbers and columns right
            cut = self.buf.rfind("\n", 0, self.pos) + 1
            self.lines_before += self.buf.count("\n", 0, cut)
            self.buf, self.pos = self.buf[cut:], self.pos - cut
        chunk = self.text.read(max(at_least, 1 << 20))
        if not chunk:
            self.eof = True
            return False
        self.buf += chunk
        return True

    def char(self) -> str:
        """The next character that is not white space ('' at the end), not consumed."""
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in _SPACE:
                self.pos += 1
            if self.pos < len(self.buf) or not self._more():
                return self.buf[self.pos:self.pos + 1]

    def expect(self, chars: str) -> str:
        c = self.char()
        if not c or c not in chars:
            self.fail(f"Expecting {' or '.join(repr(x) for x in chars)}")
        self.pos += 1
        return c

    def fail(self, message: str, pos: int | None = None) -> None:
        pos = self.pos if pos is None else pos
        line = self.lines_before + self.buf.count("\n", 0, pos) + 1
        column = pos - self.buf.rfind("\n", 0, pos)
        raise QuizgenError(f"{self.name}: not valid JSON (line {line}, column {column}: {message})", EXIT_USAGE)

    def value(self) -> Any:
        self.char()
        while True:
            try:
                value, end = _DECODER.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as err:
                if self._more(len(self.buf) - self.pos):
                    self._check_size()
                    continue
                self.fail(err.msg, err.pos)
            except (ValueError, RecursionError):  # a number of over 4300 digits; thousands of nested [
                raise QuizgenError(f"{self.name}: not usable JSON (a number with thousands of digits, or "
                                   "lists nested thousands deep)", EXIT_USAGE) from None
            if end == len(self.buf) and not self.eof and self._more():
                self._check_size()
                continue  # a number may go on in the next chunk
            self.pos = end
            return value

    def _check_size(self) -> None:
        if len(self.buf) - self.pos > self.cap:
            line = self.lines_before + self.buf.count("\n", 0, self.pos) + 1
            raise QuizgenError(f"{self.name}, line {line}: {self.too_long}", EXIT_USAGE)


def _read_json(text: io.TextIOBase, name: str, log: ProblemLog, limits: ReadLimits) -> SubmissionStream:
    cap = limits.max_record_chars
    reader = _JsonReader(text, name, cap, f"an entry of more than {cap:,} characters (an answer far over the "
                         f"length limit of {limits.max_answer_chars:,}; --max-answer-chars raises it)")
    first = reader.char()
    if first == "[":
        stream = SubmissionStream(name, "json-list", iter(()), log)
        stream.entries = _read_json_list(reader, stream, limits)
        return stream
    if first == "{":
        stream = SubmissionStream(name, "json-map", iter(()), log)
        stream.entries = _read_json_map(reader, stream, limits)
        return stream
    if not first:
        reader.fail("Expecting value")
    reader.value()  # not valid JSON is said first
    raise _no_json_form(name)


def _no_json_form(name: str) -> QuizgenError:
    return QuizgenError(f'{name}: no recognisable form: expected a list of {{"student", "question", "answer"}} '
                        f'objects or an object {{student: {{question: answer}}}}', EXIT_USAGE)


def _items(reader: _JsonReader, close: str, limits: ReadLimits, stream: SubmissionStream,
           read_item: Callable[[], Any]) -> Iterator[Any]:
    """The items of the list or object just opened, each read by ``read_item``; the row limit applies."""
    reader.expect("[" if close == "]" else "{")
    if reader.char() == close:
        reader.pos += 1
        return
    while True:
        if stream.rows >= limits.max_rows:
            raise QuizgenError(f"{stream.name}: more than {limits.max_rows:,} entries, the limit (--max-rows "
                               "raises it)", EXIT_USAGE)
        yield read_item()
        if reader.expect("," + close) == close:
            break
    if reader.char():
        reader.fail("Extra data")


def _read_json_list(reader: _JsonReader, stream: SubmissionStream, limits: ReadLimits) -> Iterator[Entry]:
    name, problems = stream.name, stream.problems
    shaped = False  # a file where not one entry has the right shape is the wrong file, not bad rows
    for i, item in enumerate(_items(reader, "]", limits, stream, reader.value), start=1):
        stream.rows += 1
        where = f"entry {i}"
        if isinstance(item, dict) and "student" in item:
            shaped = True
        if not isinstance(item, dict):
            problems.add(Problem(name, where, "malformed entry: expected an object with student, question, "
                                 "answer", order=i, kind=MALFORMED))
            continue
        if isinstance(item, _Pairs):
            repeated = next(k for j, (k, _) in enumerate(item.pairs) if k in dict(item.pairs[:j]))
            problems.add(Problem(name, where, f'malformed entry: the key "{repeated}" appears twice; not graded',
                                 order=i, kind=MALFORMED))
            continue
        student, question = item.get("student"), item.get("question")
        answer = _answer_text(item.get("answer"))
        if not isinstance(student, str) or not student.strip() or not isinstance(question, str) \
                or not question.strip() or answer is None or "answer" not in item:
            problems.add(Problem(name, where, 'malformed entry: needs string "student" and "question" and '
                                 'an "answer" (string, number or true/false)', order=i, kind=MALFORMED))
            continue
        bad = _bad_bytes(student + question) or _answer_problem(answer, limits)
        if bad:
            kind = NOT_UTF8 if _bad_bytes(student + question) else _answer_kind(answer, limits)
            problems.add(Problem(name, where, bad, order=i, kind=kind))
            continue
        yield Entry(student.strip(), question.strip(), answer, where, order=i)
    if stream.rows and not shaped:
        raise _no_json_form(name)


def _read_json_map(reader: _JsonReader, stream: SubmissionStream, limits: ReadLimits) -> Iterator[Entry]:
    """``{student: {question: answer}}``. A key given twice (a student, or a question within a
    student's object) is kept each time, so the duplicate answer is reported, not lost."""
    name, problems = stream.name, stream.problems
    order = 0
    shaped = False

    def pair() -> tuple[Any, Any]:
        if reader.char() != '"':
            reader.fail("Expecting property name enclosed in double quotes")
        student = reader.value()
        reader.expect(":")
        return student, reader.value()

    for student, answers in _items(reader, "}", limits, stream, pair):
        order += 1
        if not isinstance(answers, dict):
            stream.rows += 1
            problems.add(Problem(name, f'student "{student}"', "malformed entry: expected an object "
                                 "{question: answer}", order=order, kind=MALFORMED))
            continue
        shaped = True
        pairs = answers.pairs if isinstance(answers, _Pairs) else list(answers.items())
        seen: Counter[str] = Counter()
        for question, value in pairs:
            order += 1
            stream.rows += 1
            seen[question] += 1
            where = f'student "{student}", question "{question}"'
            if seen[question] > 1:
                where += f" (occurrence {seen[question]})"
            answer = _answer_text(value)
            if answer is None:
                problems.add(Problem(name, where, "malformed entry: the answer must be a string, number or "
                                     "true/false", order=order, kind=MALFORMED))
                continue
            bad = _bad_bytes(student + question) or _answer_problem(answer, limits)
            if bad:
                kind = NOT_UTF8 if _bad_bytes(student + question) else _answer_kind(answer, limits)
                problems.add(Problem(name, where, bad, order=order, kind=kind))
                continue
            if not student.strip() or not question.strip():
                problems.add(Problem(name, where, "malformed entry: empty student or question", order=order,
                                     kind=MALFORMED))
                continue
            yield Entry(student.strip(), question.strip(), answer, where, order=order)
    if stream.rows and not shaped:
        raise _no_json_form(name)
