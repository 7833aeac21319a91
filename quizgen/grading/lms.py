"""Read LMS quiz exports as they come: Moodle's Responses report and Canvas's Student Analysis.

Both are wide CSV files, one row per attempt, but neither says which of our variants a student
answered: with the random-question pattern the LMS drew any student's variant. The Moodle and
Canvas writers end each variant's text with its version code (:mod:`quizgen.kernel.versioncode`), and
both exports carry the question text beside the response (Moodle's ``Question N`` column when
"Question text" is ticked; Canvas's ``<id>: <question text>`` header), so a response maps to
(key student whose variant it is, question). Without a code (``make --moodle-by-student``, a
question column renamed by ``--map``), the row's student must be a key student and ``Response
N`` is question N of their sheet.

Answers come back as the LMS summarises them: a choice as the option's text, true/false as
``True``/``False``, a cloze as ``part 1: …; part 2: …``. :func:`lms_answer` turns these into what
our graders read, using the key entry of the variant answered. Student text is only compared as
text here, never evaluated.
"""

from __future__ import annotations

import csv
import functools
import html
import io
import json
import math
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from quizgen.grading.entries import Entry, Problem, Submissions
from quizgen.kernel.errors import EXIT_USAGE, QuizgenError
from quizgen.kernel.versioncode import find_code, version_code

if TYPE_CHECKING:
    from quizgen.grading.keyfile import Key, KeyQuestion

MOODLE = "moodle-responses"
CANVAS = "canvas-student-analysis"

_RESPONSE = re.compile(r"^response\s+(\d{1,4})$", re.IGNORECASE)
_QUESTION = re.compile(r"^question\s+(\d{1,4})$", re.IGNORECASE)
_CANVAS_QUESTION = re.compile(r"^(\d{1,12}):\s?(.*)$", re.DOTALL)
#: Moodle's identity columns, most to least preferred as the student id, by header (lower case).
MOODLE_IDENTITY = (("username", "username"), ("id number", "idnumber"), ("email address", "email"))
MOODLE_NAME_HEADERS = ("first name", "last name", "surname")
#: Canvas's identity columns, likewise.
CANVAS_IDENTITY = (("sis_id", "sis_id"), ("id", "canvas_id"))
UNANSWERED = ("", "-")


@dataclass(frozen=True)
class Person:
    """Who a row of an LMS export is: the id the grades use and what the LMS calls them.
    The gradebook layouts (``--gradebook moodle|canvas``) write these back."""

    student: str
    name: str = ""
    username: str = ""
    email: str = ""
    idnumber: str = ""
    canvas_id: str = ""
    sis_id: str = ""
    section: str = ""


@dataclass(frozen=True)
class LmsMap:
    """``--map FILE``: export column headers renamed to ones quizgen reads, and LMS identities
    (a username, an e-mail address, a Canvas id) mapped to key student ids."""

    columns: dict[str, str] = field(default_factory=dict)
    students: dict[str, str] = field(default_factory=dict)

    def column(self, header: str) -> str:
        return self.columns.get(header.strip(), header)


def load_map(path: str | Path) -> LmsMap:
    """Read a map file: CSV with ``kind,from,to`` rows (kind ``column`` or ``student``), or JSON
    ``{"columns": {from: to}, "students": {from: to}}``. A bad file is exit status 2."""
    from quizgen.kernel.files import read_user_text

    path = Path(path)
    text = read_user_text(path, "map file", EXIT_USAGE)
    columns: dict[str, str] = {}
    students: dict[str, str] = {}
    if path.suffix.lower() == ".json" or text.lstrip()[:1] == "{":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            raise QuizgenError(f"{path}: not valid JSON (line {err.lineno}: {err.msg})", EXIT_USAGE) from None
        if not isinstance(data, dict) or set(data) - {"columns", "students"}:
            raise QuizgenError(f'{path}: expected an object with "columns" and/or "students"', EXIT_USAGE)
        for kind, target in (("columns", columns), ("students", students)):
            part = data.get(kind, {})
            if not isinstance(part, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in part.items()):
                raise QuizgenError(f'{path}: "{kind}" must map texts to texts', EXIT_USAGE)
            target.update({k.strip(): v.strip() for k, v in part.items()})
        return LmsMap(columns, students)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = [h.strip().lower() for h in rows[0]] if rows else []
    if header != ["kind", "from", "to"]:
        raise QuizgenError(f"{path}: the map file's header must be kind,from,to", EXIT_USAGE)
    for line, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != 3 or row[0].strip().lower() not in ("column", "student") or not row[1].strip() or not row[2].strip():
            raise QuizgenError(f"{path}, line {line}: expected column|student,<from>,<to>", EXIT_USAGE)
        (columns if row[0].strip().lower() == "column" else students)[row[1].strip()] = row[2].strip()
    return LmsMap(columns, students)


def lms_form(header: list[str]) -> str | None:
    """Which LMS export a header row is, if any."""
    norm = [h.strip().lower() for h in header]
    if any(_RESPONSE.match(h) for h in norm) and any(
            h in norm for h in (*(c for c, _ in MOODLE_IDENTITY), *MOODLE_NAME_HEADERS)):
        return MOODLE
    if norm[:2] == ["name", "id"] and "score" in norm and any(_CANVAS_QUESTION.match(h) for h in header):
        return CANVAS
    return None


# --------------------------------------------------------------------------------- reading


class _Codes:
    """Version code -> the key questions that show it (normally exactly one)."""

    def __init__(self, key: "Key"):
        self.index: dict[str, list[tuple[str, "KeyQuestion"]]] = {}
        if key.exam_id:
            for version in key.versions:
                for kq in version.questions:
                    code = version_code(key.exam_id, kq.id, version.student)
                    self.index.setdefault(code, []).append((version.student, kq))

    def lookup(self, code: str) -> tuple[str, "KeyQuestion"] | str:
        """(owner, key question), or why not."""
        hits = self.index.get(code)
        if not hits:
            return f"version code {code} is not in the key (a quiz made from another exam?)"
        if len({kq.fingerprint for _, kq in hits}) > 1:
            return f"version code {code} is shown by {len(hits)} different variants; cannot tell which was answered"
        return hits[0]


def _identity(values: dict[str, str], order: tuple[str, ...], key_students: set[str], mp: LmsMap) -> str:
    """The student id of a row: a mapped identity, else the first identity that is a key
    student, else the first one given."""
    present = [values[f] for f in order if values.get(f)]
    for v in present:
        if v in mp.students:
            return mp.students[v]
    for v in present:
        if v in key_students:
            return v
    return present[0] if present else ""


@dataclass
class _Reader:
    name: str
    key: "Key"
    mp: LmsMap
    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    people: dict[str, Person] = field(default_factory=dict)
    rows: int = 0

    def __post_init__(self) -> None:
        self.codes = _Codes(self.key)
        self.key_students = set(self.key.students)

    def answer(self, student: str, line: int, column: str, code_text: str | None, number: int | None,
               answer: str, unmapped: list[str]) -> None:
        """One response: by its version code, else by number on the student's own sheet."""
        if answer.strip() in UNANSWERED:
            return
        where = f'line {line}, column "{column}"'
        code = find_code(code_text) if code_text else None
        if code is not None:
            hit = self.codes.lookup(code)
            if isinstance(hit, str):
                self.problems.append(Problem(self.name, where, f"{hit}; not graded", order=line))
                return
            owner, kq = hit
            self.entries.append(Entry(student, kq.id, answer, where, line, version=owner, raw=True))
        elif number is not None and student in self.key_students:
            self.entries.append(Entry(student, f"q{number}", answer, where, line, raw=True))
        else:
            unmapped.append(column)

    def person(self, person: Person, before: int, unmapped: list[str]) -> None:
        """Keep who this row is, unless none of its responses could be mapped (a blank grade is
        safer than a 0 in a gradebook for a row nobody could grade)."""
        if not unmapped or len(self.entries) > before:
            self.people.setdefault(person.student, person)

    def unmapped(self, student: str, line: int, columns: list[str], hint: str) -> None:
        if columns:
            shown = ", ".join(f'"{c}"' for c in columns[:3]) + (f" and {len(columns) - 3} more" if len(columns) > 3 else "")
            self.problems.append(Problem(self.name, f"line {line}", (
                f'cannot tell which version "{student}" answered in {shown}: no version code there and '
                f'"{student}" is not a student in {self.key.name} ({hint}); not graded'), order=line))

    def result(self, form: str, ignored: list[str]) -> Submissions:
        return Submissions(self.name, form, tuple(self.entries), tuple(self.problems), self.rows,
                           tuple(ignored), people=tuple(self.people.values()))


def _rows(records: Iterator[tuple[int, list[str]]], name: str, width: int,
          problems: list[Problem]) -> Iterator[tuple[int, list[str]]]:
    for line, fields in records:
        if len(fields) != width:
            problems.append(Problem(name, f"line {line}", f"malformed row: {len(fields)} fields but the header "
                                    f"has {width}", order=line))
            continue
        yield line, fields


def read_moodle(records: Iterator[tuple[int, list[str]]], name: str, header: list[str], key: "Key",
                mp: LmsMap, problems: list[Problem]) -> Submissions:
    """Moodle quiz > Results > Responses, downloaded as CSV (one row per attempt)."""
    norm = [h.strip().lower() for h in header]
    r = _Reader(name, key, mp, problems=problems)
    responses = {int(m.group(1)): i for i, h in enumerate(norm) if (m := _RESPONSE.match(h))}
    questions = {int(m.group(1)): i for i, h in enumerate(norm) if (m := _QUESTION.match(h))}
    state_col = next((i for i, h in enumerate(norm) if h in ("state", "status")), None)
    ident = {f: norm.index(h) for h, f in MOODLE_IDENTITY if h in norm}
    first = norm.index("first name") if "first name" in norm else None
    last = next((norm.index(h) for h in ("last name", "surname") if h in norm), None)
    used = set(responses.values()) | set(questions.values())
    ignored = [h for i, h in enumerate(header) if i not in used and not _RIGHT.match(norm[i])]
    hint = ('tick "Question text" in the Responses report so its version codes come along, '
            "or map the student with --map")
    for line, fields in _rows(records, name, len(header), r.problems):
        if fields[0].strip().lower() == "overall average":
            continue
        r.rows += 1
        values = {f: fields[i].strip() for f, i in ident.items()}
        full = " ".join(fields[i].strip() for i in (first, last) if i is not None and fields[i].strip())
        values["name"] = full
        student = _identity(values, ("username", "idnumber", "email", "name"), r.key_students, mp)
        if not student:
            r.problems.append(Problem(name, f"line {line}", "no username, e-mail address or name in this row; "
                                      "not graded", order=line))
            continue
        state = fields[state_col].strip().lower() if state_col is not None else ""
        if state == "-":  # an enrolled user with no attempt (the report can list them): missing
            continue
        if state not in ("finished", ""):
            r.problems.append(Problem(name, f"line {line}", f'attempt of "{student}" is "{fields[state_col].strip()}", '
                                      "not Finished; not graded", order=line))
            continue
        unmapped: list[str] = []
        before = len(r.entries)
        for number, col in sorted(responses.items()):
            qcol = questions.get(number)
            r.answer(student, line, header[col], fields[qcol] if qcol is not None else None, number,
                     fields[col], unmapped)
        r.unmapped(student, line, unmapped, hint)
        r.person(Person(student, full, values.get("username", ""), values.get("email", ""),
                        values.get("idnumber", "")), before, unmapped)
    return r.result(MOODLE, ignored)


_RIGHT = re.compile(r"^right answer\s+\d+$", re.IGNORECASE)


def read_canvas(records: Iterator[tuple[int, list[str]]], name: str, header: list[str], key: "Key",
                mp: LmsMap, problems: list[Problem]) -> Submissions:
    """Canvas (classic) quiz > Quiz Statistics > Student Analysis CSV (one row per submission)."""
    from quizgen.grading.entries import question_number

    norm = [h.strip().lower() for h in header]
    r = _Reader(name, key, mp, problems=problems)
    ident = {f: norm.index(h) for h, f in CANVAS_IDENTITY if h in norm}
    section = norm.index("section") if "section" in norm else None
    attempt = norm.index("attempt") if "attempt" in norm else None
    # question columns: "<canvas id>: <text>" (each followed by its points column), or a header
    # --map renamed to a question id / qN
    columns: list[tuple[int, str | None, int | None]] = []  # (column, code text, sheet number)
    skip: set[int] = set()
    for i, h in enumerate(header):
        if i in skip:
            continue
        text = h.strip()
        if _CANVAS_QUESTION.match(text):
            columns.append((i, text, None))
            skip.add(i + 1)  # its points column
        elif text in key.question_ids or question_number(text) is not None and text.lower().startswith("q"):
            number = question_number(text)
            columns.append((i, None, number))
            skip.add(i + 1)
    for i, text, _number in columns:
        if text is not None and find_code(text) is None:
            r.problems.append(Problem(name, f'column "{header[i][:60]}"', (
                "no quizgen version code in this question's text (not made by make --format qti?); column "
                "skipped; name its question with --map (column,<header>,q<N>)")))
    columns = [(i, t, n) for i, t, n in columns if t is None or find_code(t) is not None]
    used = {i for i, _, _ in columns} | skip
    ignored = [h for i, h in enumerate(header) if i not in used]
    hint = "map the student with --map"
    latest: dict[str, int] = {}
    rows: list[tuple[int, list[str], str]] = []
    for line, fields in _rows(records, name, len(header), r.problems):
        r.rows += 1
        values = {f: fields[i].strip() for f, i in ident.items()}
        values["name"] = fields[0].strip()
        student = _identity(values, ("sis_id", "canvas_id", "name"), r.key_students, mp)
        if not student:
            r.problems.append(Problem(name, f"line {line}", "no name, id or sis_id in this row; not graded", order=line))
            continue
        person = Person(student, values["name"], sis_id=values.get("sis_id", ""), canvas_id=values.get("canvas_id", ""),
                        section=fields[section].strip() if section is not None else "")
        rows.append((line, fields, person))
        if attempt is not None:
            n = int(fields[attempt]) if fields[attempt].strip().isdigit() else 0
            if n >= latest.get(student, -1):
                latest[student] = n
    for line, fields, person in rows:
        student = person.student
        if attempt is not None:
            n = int(fields[attempt]) if fields[attempt].strip().isdigit() else 0
            if n != latest[student]:
                continue  # an earlier attempt: the latest one counts
        unmapped: list[str] = []
        before = len(r.entries)
        for i, text, number in columns:
            r.answer(student, line, header[i][:60], text, number, fields[i], unmapped)
        r.unmapped(student, line, unmapped, hint)
        r.person(person, before, unmapped)
    return r.result(CANVAS, ignored)


# --------------------------------------------------------------------------------- answers


def _plain(text: str) -> str:
    """Text as an LMS shows it, for comparing: no tags, entities decoded, TeX delimiters gone,
    spaces collapsed, case folded."""
    text = html.unescape(re.sub(r"<[^>]*>", " ", text))
    for mark in ("\\(", "\\)", "\\[", "\\]", "$"):
        text = text.replace(mark, " ")
    return " ".join(text.split()).casefold()


def _skeleton(text: str) -> str:
    """Letters and digits only: what survives any LMS's HTML-to-text conversion."""
    return re.sub(r"[\W_]+", "", _plain(text))


def _match(options: list[tuple[str, str]], text: str) -> str | None:
    """The label of the option whose text ``text`` is (exactly, else by letters and digits)."""
    from quizgen.export.lms import lms_html

    for norm in (_plain, _skeleton):
        want = norm(text)
        hits = [label for label, option in options if norm(lms_html(option)) == want]
        if len(hits) == 1:
            return hits[0]
    return None


def _split_choices(text: str) -> list[str]:
    """Several options picked: Moodle joins their texts with "; ", Canvas with "," (a comma
    inside an option's text escaped as "\\,")."""
    if "; " in text:
        return [t for t in text.split("; ") if t.strip()]
    parts = re.split(r"(?<!\\),", text)
    return [p.replace("\\,", ",") for p in parts if p.strip()]


def _choice(entry: dict, text: str) -> str:
    options = [(c["label"], c.get("text", "")) for c in entry["answer"]["choices"]]
    whole = _match(options, text)
    if whole is not None:
        return whole
    picks = [_match(options, part) for part in _split_choices(text)]
    if picks and all(p is not None for p in picks):
        return ", ".join(p for p in picks if p)
    return text  # the grader says which labels it offers


def _order(entry: dict, text: str) -> str:
    """Moodle's ordering summary: the steps' texts in the student's order, joined by "; ", each
    cut to 10 characters and "..." (shorten_text), so a step is the one its text starts with."""
    from quizgen.export.lms import lms_html

    steps = [(i["label"], i.get("text", "")) for i in entry["answer"]["items"]]
    skeletons = [(label, _skeleton(lms_html(t))) for label, t in steps]
    labels: list[str | None] = []
    for part in (p for p in text.split("; ") if p.strip()):
        label = _match(steps, part)
        if label is None:
            prefix = _skeleton(re.sub(r"(\.\.\.|…)\s*$", "", part))
            hits = [lab for lab, skel in skeletons if prefix and skel.startswith(prefix)]
            label = hits[0] if len(hits) == 1 else None
        labels.append(label)
    if len(labels) == len(steps) and all(labels) and len(set(labels)) == len(labels):
        return ", ".join(label for label in labels if label)
    return text


_CLOZE_PART = re.compile(r"part\s*(\d+):\s*([^;]*)", re.IGNORECASE)
_NUMBER = re.compile(r"^\s*[-+−]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$")
_STACK = re.compile(r"ans1:\s*(.*?)\s*\[(?:score|valid|invalid)\]", re.IGNORECASE)


def lms_answer(kq: "KeyQuestion", text: str) -> tuple[str, "KeyQuestion"]:
    """An LMS response as our grader reads it, and the key question to grade it against (the
    question as the LMS asked it: a symbolic answer's value at the stated point, true/false
    without the reason part)."""
    answer, asked = _convert(kq.source, kq.type, kq.variant_seed, text.strip())
    if asked is None:
        return answer, kq
    kind, source, fingerprint = asked
    return answer, replace(kq, type=kind, source=source, fingerprint=fingerprint)


#: (key entry, type, variant seed, response) -> (answer, (type, source, fingerprint) of the
#: question as asked, or None for the key's own); a class repeats its variants and responses
@functools.lru_cache(maxsize=65536)
def _convert(source: str, kind: str, seed: int | None, text: str) -> tuple[str, tuple[str, str, str] | None]:
    entry = json.loads(source)
    if kind == "choice":
        return _choice(entry, text), None
    if kind == "order":
        return _order(entry, text), None
    if kind == "truefalse":
        if "reason" in entry["answer"]:  # the LMS asked for the truth only
            truth = {k: entry["answer"][k] for k in ("value", "truth_feedback") if k in entry["answer"]}
            return text, _derived({**entry, "answer": truth, "known_wrong": []})
        return text, None
    if kind == "vector":
        parts = sorted((int(n), v.strip()) for n, v in _CLOZE_PART.findall(text))
        return ("(" + ", ".join(v for _, v in parts) + ")" if parts else text), None
    if kind == "symbolic":
        m = _STACK.search(text)
        if m:  # a STACK response summary
            return m.group(1), None
        if _NUMBER.match(text) and seed is not None:
            return text, _at_point_entry(entry, seed)
    return text, None


def _derived(entry: dict) -> tuple[str, str, str]:
    source = json.dumps({k: v for k, v in entry.items() if k not in ("number", "variant_seed")},
                        sort_keys=True, ensure_ascii=False)
    fingerprint = json.dumps([entry["type"], entry["answer"], entry.get("known_wrong")], sort_keys=True,
                             ensure_ascii=False)
    return entry["type"], source, fingerprint


def _at_point_entry(entry: dict, seed: int) -> tuple[str, str, str] | None:
    """The numeric question the Moodle/Canvas writers made of a symbolic one (same point)."""
    from quizgen.export.lms import AT_POINT_TOLERANCE, at_point

    wrongs = entry.get("known_wrong") or []
    p = at_point(entry["answer"], [w.get("expression") or "" for w in wrongs], seed)
    if p is None or not math.isfinite(p.value):
        return None
    known = [{"name": wrongs[i]["name"], "value": value, "credit": wrongs[i].get("credit", 0.0),
              "feedback": wrongs[i].get("feedback", "")} for i, value in p.wrong]
    answer = {"value": p.value, **AT_POINT_TOLERANCE, "sigfigs": None}
    if "decimal_comma" in entry["answer"]:  # how this batch reads 2,143 (grade --decimal-comma)
        answer["decimal_comma"] = entry["answer"]["decimal_comma"]
    numeric = {k: entry[k] for k in ("id", "title", "points") if k in entry}
    return _derived({**numeric, "type": "numeric", "answer": answer, "known_wrong": known})
