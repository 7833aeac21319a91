"""Load and fully validate a ``key.json`` (schema ``quizgen.key/1``, see docs/grading.md, "The answer key").

Validation happens here, before any grading, so that a hand-edited or truncated key fails with
one message naming the file and the JSON path (``key.json: versions[3].questions[2].answer.rtol:
expected a number``) instead of a puzzling verdict on question 40 of student 200.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from quizgen.kernel.decimals import DECIMAL_TYPES
from quizgen.kernel.domains import DOMAINS
from quizgen.kernel.errors import EXIT_USAGE, QuizgenError

SCHEMA = "quizgen.key/1"
QUESTION_TYPES = ("numeric", "symbolic", "choice", "truefalse", "order", "vector", "manual", "derivation")
_SURROGATE = re.compile("[\ud800-\udfff]")
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89abcdefABCDEF]")
#: Points for one question: a bound so that totals and means stay finite numbers.
MAX_POINTS = 1e6


@dataclass(frozen=True)
class KeyQuestion:
    """One question on one student's sheet.

    ``source`` is the key entry as canonical JSON (immutable, picklable for worker processes);
    ``fingerprint`` is what a verdict depends on (type, answer, known wrong answers), so identical
    variants are compiled and graded once.
    """

    number: int
    id: str
    type: str
    points: float
    path: str
    source: str
    fingerprint: str
    title: str = ""
    variant_seed: int | None = None  # where an LMS writer stated a symbolic answer's values

    def __getattr__(self, name: str) -> Any:
        # A key loaded on the trusted path (load_key) makes its questions without ``source`` and
        # ``fingerprint``: each is computed the first time it is read (a 1-row grade of a
        # 300 x 60 key needs two of 13,000), once per distinct variant.
        if name in ("source", "fingerprint"):
            shared = self.__dict__.get("_variant")
            if shared is not None:
                value = shared.get(name)
                object.__setattr__(self, name, value)
                return value
        raise AttributeError(name)

    def entry(self) -> dict[str, Any]:
        """A fresh copy of the key entry, as ``compile_question`` expects it."""
        return json.loads(self.source)


@dataclass(frozen=True)
class KeyVersion:
    """One student's sheet: their questions in sheet order."""

    student: str
    questions: tuple[KeyQuestion, ...]

    def by_id(self, qid: str) -> KeyQuestion | None:
        return self._index()[0].get(qid)

    def by_number(self, number: int) -> KeyQuestion | None:
        return self._index()[1].get(number)

    def _index(self) -> tuple[dict[str, KeyQuestion], dict[int, KeyQuestion]]:
        index = self.__dict__.get("_by")
        if index is None:  # built once: grade looks up every answer of the class (the first match wins)
            first = tuple(reversed(self.questions))
            index = ({q.id: q for q in first}, {q.number: q for q in first})
            object.__setattr__(self, "_by", index)
        return index

    @property
    def max_points(self) -> float:
        return math.fsum(q.points for q in self.questions)


@dataclass(frozen=True)
class Key:
    """A validated answer key. ``name`` is the file name shown in messages (never a full path)."""

    name: str
    question_ids: tuple[str, ...]
    versions: tuple[KeyVersion, ...]
    topic: str | None = None
    seed: int | None = None
    exam_id: str | None = None
    #: the exact bytes were written by ``make`` or fully checked before, by this very code (see
    #: :mod:`quizgen.kernel.cache`): their schema and content checks were not run again
    trusted: bool = field(default=False, compare=False)
    #: the cache entry that says so, to record once the content check passes (None: cache off)
    digest: str | None = field(default=None, compare=False, repr=False)

    def version(self, student: str) -> KeyVersion | None:
        index = self.__dict__.get("_by_student")
        if index is None:  # built once: --show-solutions asks for every student's version
            index = {v.student: v for v in reversed(self.versions)}
            object.__setattr__(self, "_by_student", index)
        return index.get(student)

    @property
    def students(self) -> tuple[str, ...]:
        return tuple(v.student for v in self.versions)


class _Invalid(Exception):
    """Internal: a validation failure at a JSON path (turned into a QuizgenError by load_key)."""

    def __init__(self, path: str, problem: str):
        super().__init__(f"{path}: {problem}" if path else problem)


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        shown = value if len(value) <= 30 else value[:27] + "..."
        return f"the string {json.dumps(shown)}"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _field(obj: dict[str, Any], name: str, path: str, required: bool = True) -> Any:
    if name not in obj:
        if required:
            raise _Invalid(path, f'missing required field "{name}"')
        return None
    return obj[name]


def _expect(ok: bool, path: str, what: str, value: Any) -> None:
    if not ok:
        raise _Invalid(path, f"expected {what}, got {_describe(value)}")


def _string(obj: dict[str, Any], name: str, path: str, *, required: bool = True,
            nonempty: bool = True, nullable: bool = False) -> str | None:
    value = _field(obj, name, path, required)
    sub = f"{path}.{name}" if path else name
    if name not in obj or (nullable and value is None):
        return None
    _expect(isinstance(value, str), sub, "a string", value)
    if nonempty and not value.strip():
        raise _Invalid(sub, "must not be empty")
    return value


def _number(obj: dict[str, Any], name: str, path: str, *, required: bool = True,
            minimum: float | None = None, maximum: float | None = None) -> float | None:
    value = _field(obj, name, path, required)
    sub = f"{path}.{name}" if path else name
    if name not in obj:
        return None
    _expect(_is_number(value), sub, "a number", value)
    if minimum is not None and value < minimum:
        raise _Invalid(sub, f"must be at least {minimum:g}, got {value!r}")
    if maximum is not None and value > maximum:
        raise _Invalid(sub, f"must be at most {maximum:g}, got {value!r}")
    return float(value)


def _integer(obj: dict[str, Any], name: str, path: str, *, required: bool = True,
             minimum: int | None = None, nullable: bool = False) -> int | None:
    value = _field(obj, name, path, required)
    sub = f"{path}.{name}" if path else name
    if name not in obj or (nullable and value is None):
        return None
    _expect(isinstance(value, int) and not isinstance(value, bool), sub, "an integer", value)
    if minimum is not None and value < minimum:
        raise _Invalid(sub, f"must be at least {minimum}, got {value}")
    return value


def _boolean(obj: dict[str, Any], name: str, path: str, *, required: bool = True) -> bool | None:
    value = _field(obj, name, path, required)
    if name not in obj:
        return None
    _expect(isinstance(value, bool), f"{path}.{name}" if path else name, "true or false", value)
    return value


def _object(value: Any, path: str) -> dict[str, Any]:
    _expect(isinstance(value, dict), path, "an object", value)
    return value


def _list(value: Any, path: str, *, nonempty: bool = True) -> list[Any]:
    _expect(isinstance(value, list), path, "a list", value)
    if nonempty and not value:
        raise _Invalid(path, "must not be empty")
    return value


#: Units a numeric answer may declare (``answer.unit``; the grader accepts them after the number).
UNITS = ("nats", "bits", "%")


def _check_decimal_comma(answer: dict[str, Any], path: str) -> None:
    if answer.get("decimal_comma") is not None:
        _boolean(answer, "decimal_comma", path)


def _check_numeric(answer: dict[str, Any], path: str) -> None:
    _number(answer, "value", path)
    _string(answer, "exact", path, required=False, nullable=True)
    _number(answer, "rtol", path, required=False, minimum=0)
    _number(answer, "atol", path, required=False, minimum=0)
    _integer(answer, "sigfigs", path, required=False, minimum=1, nullable=True)
    unit = _string(answer, "unit", path, required=False, nullable=True)
    if unit is not None and unit not in UNITS:
        raise _Invalid(f"{path}.unit", f'unknown unit "{unit}" (expected one of {", ".join(UNITS)}, or null)')
    _check_decimal_comma(answer, path)


def _check_symbolic(answer: dict[str, Any], path: str) -> None:
    _string(answer, "expression", path)
    symbols = _object(_field(answer, "symbols", path), f"{path}.symbols")
    for name, domain in symbols.items():
        sub = f"{path}.symbols.{name}"
        if not name.isidentifier():
            raise _Invalid(sub, "a symbol name must be a plain identifier such as y_hat")
        _expect(isinstance(domain, str), sub, "a domain name", domain)
        if domain not in DOMAINS:
            raise _Invalid(sub, f'unknown domain "{domain}" (expected one of {", ".join(DOMAINS)})')
    _check_decimal_comma(answer, path)


def _check_choice(answer: dict[str, Any], path: str) -> set[str]:
    choices = _list(_field(answer, "choices", path), f"{path}.choices")
    labels: set[str] = set()
    for i, choice in enumerate(choices):
        sub = f"{path}.choices[{i}]"
        choice = _object(choice, sub)
        label = _string(choice, "label", sub)
        _string(choice, "text", sub, nonempty=False)
        if label in labels:
            raise _Invalid(f"{sub}.label", f'duplicate label "{label}"')
        labels.add(label)  # type: ignore[arg-type]
    correct = _list(_field(answer, "correct", path), f"{path}.correct")
    for i, label in enumerate(correct):
        sub = f"{path}.correct[{i}]"
        _expect(isinstance(label, str), sub, "a choice label", label)
        if label not in labels:
            raise _Invalid(sub, f'"{label}" is not one of the labels {", ".join(sorted(labels))}')
    if len(set(correct)) != len(correct):
        raise _Invalid(f"{path}.correct", "lists a label twice")
    multiple = _boolean(answer, "multiple", path)
    if not multiple and len(correct) != 1:
        raise _Invalid(f"{path}.correct", 'must hold exactly one label when "multiple" is false')
    return labels


def _check_order(answer: dict[str, Any], path: str) -> set[str]:
    items = _list(_field(answer, "items", path), f"{path}.items")
    labels: list[str] = []
    for i, item in enumerate(items):
        sub = f"{path}.items[{i}]"
        item = _object(item, sub)
        label = _string(item, "label", sub)
        _string(item, "text", sub, nonempty=False)
        if label in labels:
            raise _Invalid(f"{sub}.label", f'duplicate label "{label}"')
        labels.append(label)  # type: ignore[arg-type]
    correct = _list(_field(answer, "correct", path), f"{path}.correct")
    if sorted(map(str, correct)) != sorted(labels) or not all(isinstance(c, str) for c in correct):
        raise _Invalid(f"{path}.correct", "must list every step label once")
    for i, other in enumerate(_list(answer.get("also_correct", []), f"{path}.also_correct", nonempty=False)):
        other = _list(other, f"{path}.also_correct[{i}]")
        if sorted(map(str, other)) != sorted(labels) or not all(isinstance(c, str) for c in other):
            raise _Invalid(f"{path}.also_correct[{i}]", "must list every step label once")
    return set(labels)


def _check_vector(answer: dict[str, Any], path: str) -> None:
    if "values" in answer:
        values = _list(answer["values"], f"{path}.values")
        for i, v in enumerate(values):
            _expect(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v),
                    f"{path}.values[{i}]", "a finite number", v)
        _number(answer, "rtol", path, required=False, minimum=0)
        _number(answer, "atol", path, required=False, minimum=0)
        _integer(answer, "sigfigs", path, required=False, minimum=1, nullable=True)
    else:
        exprs = _list(_field(answer, "expressions", path), f"{path}.expressions")
        for i, e in enumerate(exprs):
            _expect(isinstance(e, str), f"{path}.expressions[{i}]", "an expression (text)", e)
        _check_symbolic({"expression": "0", "symbols": _field(answer, "symbols", path)}, path)
    _check_decimal_comma(answer, path)


def _check_vector_wrong(answer: dict[str, Any], wrong: dict[str, Any], path: str) -> None:
    field = "values" if "values" in answer else "expressions"
    items = _list(_field(wrong, field, path), f"{path}.{field}")
    if len(items) != len(answer[field]):
        raise _Invalid(f"{path}.{field}", f"must have {len(answer[field])} components like the answer")


def _check_line(value: Any, path: str) -> None:
    line = _object(value, path)
    _string(line, "expression", path)
    goal = _string(line, "goal", path, required=False)
    if goal is not None and goal not in ("min", "max"):
        raise _Invalid(f"{path}.goal", f'"{goal}" is not min or max')


def _check_derivation(answer: dict[str, Any], path: str) -> None:
    """Shapes only: what the expressions mean is checked by the grader when the key loads."""
    symbols = _object(_field(answer, "symbols", path), f"{path}.symbols")
    for name, spec in symbols.items():
        sub = f"{path}.symbols.{name}"
        if not name.isidentifier():
            raise _Invalid(sub, "a symbol name must be a plain identifier such as y_hat")
        spec = _object(spec, sub)
        _string(spec, "domain", sub, required=False)
        _boolean(spec, "param", sub, required=False)
    _object(answer.get("sizes", {}), f"{path}.sizes")
    for name in ("start", "final"):
        _check_line(_field(answer, name, path), f"{path}.{name}")
    for i, step in enumerate(_list(answer.get("model", []), f"{path}.model", nonempty=False)):
        _check_line(step, f"{path}.model[{i}]")
    _check_decimal_comma(answer, path)


def _check_derivation_wrong(wrong: dict[str, Any], path: str) -> None:
    if "forms" in wrong:
        for i, form in enumerate(_list(wrong["forms"], f"{path}.forms")):
            _check_line(form, f"{path}.forms[{i}]")
    else:
        _string(wrong, "detect", path)


#: Fields of a key entry that belong to one student's sheet, not to the variant.
PER_SHEET_FIELDS = ("number", "variant_seed")


def _check_question(q: Any, path: str, known_ids: set[str], interned: dict[str, str] | None = None,
                    shared: bool = False) -> KeyQuestion:
    """Validate one key entry. ``shared``: an entry of the top-level ``variants`` (no number)."""
    q = _object(q, path)
    number = 1 if shared else _integer(q, "number", path, minimum=1)
    qid = _string(q, "id", path)
    if qid not in known_ids:
        raise _Invalid(f"{path}.id", f'"{qid}" is not in the top-level "questions" list')
    title = _string(q, "title", path, required=False, nonempty=False) or ""
    seed = _integer(q, "variant_seed", path, required=False)
    qtype = _string(q, "type", path)
    if qtype not in QUESTION_TYPES:
        raise _Invalid(f"{path}.type", f'unknown type "{qtype}" (expected one of {", ".join(QUESTION_TYPES)})')
    points = _number(q, "points", path, minimum=0, maximum=MAX_POINTS)
    apath = f"{path}.answer"
    answer = _object(_field(q, "answer", path), apath)
    labels: set[str] = set()
    if qtype == "numeric":
        _check_numeric(answer, apath)
    elif qtype == "symbolic":
        _check_symbolic(answer, apath)
    elif qtype == "choice":
        labels = _check_choice(answer, apath)
    elif qtype == "order":
        labels = _check_order(answer, apath)
    elif qtype == "vector":
        _check_vector(answer, apath)
    elif qtype == "derivation":
        _check_derivation(answer, apath)
    elif qtype == "manual":
        rubric = _list(_field(answer, "rubric", apath), f"{apath}.rubric")
        followups = _list(answer.get("followups", []), f"{apath}.followups", nonempty=False)
        for name, items in (("rubric", rubric), ("followups", followups)):
            for i, item in enumerate(items):
                _expect(isinstance(item, str), f"{apath}.{name}[{i}]", "a text", item)
        _string(answer, "model_answer", apath, required=False, nonempty=False)
    else:
        _boolean(answer, "value", apath)
        if "reason" in answer:
            labels = _check_choice({**_object(answer["reason"], f"{apath}.reason"), "multiple": False,
                                    "correct": [answer["reason"].get("correct")]}, f"{apath}.reason")
            _number(answer, "truth_credit", apath, required=False, minimum=0, maximum=1)
    if "known_wrong" in q:
        wrongs = _list(q["known_wrong"], f"{path}.known_wrong", nonempty=False)
        for i, wrong in enumerate(wrongs):
            sub = f"{path}.known_wrong[{i}]"
            wrong = _object(wrong, sub)
            _string(wrong, "name", sub)
            _string(wrong, "feedback", sub, required=False, nonempty=False)
            _number(wrong, "credit", sub, required=False, minimum=0, maximum=1)
            if qtype == "numeric":
                _number(wrong, "value", sub)
            elif qtype == "symbolic":
                _string(wrong, "expression", sub)
            elif qtype == "choice" or (qtype == "truefalse" and labels):
                choice = _string(wrong, "choice", sub)
                if choice not in labels:
                    raise _Invalid(f"{sub}.choice", f'"{choice}" is not one of the labels {", ".join(sorted(labels))}')
            elif qtype == "order":
                order = _list(_field(wrong, "order", sub), f"{sub}.order")
                if sorted(map(str, order)) != sorted(labels):
                    raise _Invalid(f"{sub}.order", "must list every step label once")
            elif qtype == "vector":
                _check_vector_wrong(answer, wrong, sub)
            elif qtype == "derivation":
                _check_derivation_wrong(wrong, sub)
            elif qtype == "manual":
                raise _Invalid(sub, "a manual question has no known wrong answers")
            else:
                _boolean(wrong, "value", sub)
    source = json.dumps({k: v for k, v in q.items() if k not in PER_SHEET_FIELDS}, sort_keys=True, ensure_ascii=False)
    # what a verdict depends on (not the number, title, points or variant seed): identical
    # variants of different students are compiled and graded once
    fingerprint = json.dumps([qtype, answer, q.get("known_wrong")], sort_keys=True, ensure_ascii=False)
    if interned is not None:  # one string per distinct variant, however many students share it
        source = interned.setdefault(source, source)
        fingerprint = interned.setdefault(fingerprint, fingerprint)
    return KeyQuestion(
        number=number,  # type: ignore[arg-type]
        id=qid,  # type: ignore[arg-type]
        type=qtype,  # type: ignore[arg-type]
        points=points,  # type: ignore[arg-type]
        path=path,
        source=source,
        fingerprint=fingerprint,
        title=title,
        variant_seed=seed,  # type: ignore[arg-type]
    )


_REF_FIELDS = frozenset(("number", "id", "variant", "variant_seed"))


def _check_reference(q: Any, path: str, variants: dict[str, KeyQuestion]) -> KeyQuestion:
    """One question of a compact key: ``{"number", "id", "variant", "variant_seed"}``.

    A class of 8,000 has 100,000 of these, so a well-formed one is checked inline; anything
    else goes through the field-by-field checks below for a message naming the problem."""
    if type(q) is dict and q.keys() <= _REF_FIELDS:
        number, ref, seed = q.get("number"), q.get("variant"), q.get("variant_seed", 0)
        shared = variants.get(ref) if type(ref) is str else None
        if type(number) is int and number >= 1 and type(seed) is int and shared is not None \
                and q.get("id", shared.id) == shared.id:
            return KeyQuestion(number, shared.id, shared.type, shared.points, path, shared.source,
                               shared.fingerprint, shared.title, q.get("variant_seed"))
    return _check_reference_slow(q, path, variants)


def _check_reference_slow(q: Any, path: str, variants: dict[str, KeyQuestion]) -> KeyQuestion:
    q = _object(q, path)
    number = _integer(q, "number", path, minimum=1)
    ref = _string(q, "variant", path)
    shared = variants.get(ref)  # type: ignore[arg-type]
    if shared is None:
        raise _Invalid(f"{path}.variant", f'"{ref}" is not in the top-level "variants"')
    qid = _string(q, "id", path, required=False)
    if qid is not None and qid != shared.id:
        raise _Invalid(f"{path}.id", f'"{qid}" is not the id of variant "{ref}" ("{shared.id}")')
    seed = _integer(q, "variant_seed", path, required=False)
    extra = set(q) - {"number", "id", "variant", "variant_seed"}
    if extra:
        raise _Invalid(path, f'unexpected field "{sorted(extra)[0]}" beside "variant"')
    return KeyQuestion(number=number, id=shared.id, type=shared.type, points=shared.points, path=path,  # type: ignore[arg-type]
                       source=shared.source, fingerprint=shared.fingerprint, title=shared.title,
                       variant_seed=seed)  # type: ignore[arg-type]


def _check_version(v: Any, path: str, known_ids: set[str], interned: dict[str, str] | None = None,
                   variants: dict[str, KeyQuestion] | None = None) -> KeyVersion:
    v = _object(v, path)
    student = _string(v, "student", path)
    qs = _list(_field(v, "questions", path), f"{path}.questions")
    questions = [_check_reference(q, f"{path}.questions[{j}]", variants)
                 if variants is not None and isinstance(q, dict) and "variant" in q
                 else _check_question(q, f"{path}.questions[{j}]", known_ids, interned)
                 for j, q in enumerate(qs)]
    seen_ids: dict[str, int] = {}
    seen_numbers: dict[int, int] = {}
    for j, q in enumerate(questions):
        if q.id in seen_ids:
            raise _Invalid(f"{path}.questions[{j}].id", f'"{q.id}" already appears at questions[{seen_ids[q.id]}]')
        if q.number in seen_numbers:
            raise _Invalid(f"{path}.questions[{j}].number",
                           f"number {q.number} already used at questions[{seen_numbers[q.number]}]")
        seen_ids[q.id] = j
        seen_numbers[q.number] = j
    ordered = tuple(sorted(questions, key=lambda q: q.number))
    return KeyVersion(student=student, questions=ordered)  # type: ignore[arg-type]


def _check_unicode(data: Any) -> None:
    """Refuse a lone surrogate anywhere (a JSON escape such as ``"\\ud800"``): ids, titles and
    feedback are written to UTF-8 reports, which cannot hold one. Iterative: no depth limit."""
    stack: list[tuple[Any, str]] = [(data, "")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            strings = [value]
        elif isinstance(value, dict):
            strings = list(value)
            stack.extend((v, f"{path}.{k}" if path else str(k)) for k, v in value.items())
        elif isinstance(value, list):
            strings = []
            stack.extend((v, f"{path}[{i}]") for i, v in enumerate(value))
        else:
            continue
        for text in strings:
            bad = _SURROGATE.search(text)
            if bad is not None:
                raise _Invalid(path, f"contains \\u{ord(bad.group()):04x}, which is not a Unicode "
                                     "character (a lone surrogate)")


def validate_key(data: Any, name: str = "key.json", *, check_unicode: bool = True) -> Key:
    """Check ``data`` (parsed key.json) against ``quizgen.key/1``; raise QuizgenError (exit 2) if not.

    ``check_unicode=False`` skips the search for lone surrogates (``load_key`` does, when the
    file's text has no ``\\ud8..``-``\\udf..`` escape: UTF-8 text cannot hold one otherwise)."""
    try:
        if check_unicode:
            _check_unicode(data)
        top = _object(data, "")
        schema = _string(top, "schema", "")
        if schema != SCHEMA:
            raise _Invalid("schema", f'expected "{SCHEMA}", got "{schema}" (written by a different quizgen?)')
        _string(top, "generator", "", required=False, nonempty=False)
        topic = _string(top, "topic", "", required=False, nonempty=False)
        seed = _integer(top, "seed", "", required=False, nullable=True)
        _string(top, "secret", "", required=False, nullable=True)
        exam_id = _string(top, "exam_id", "", required=False, nullable=True)
        if "shuffle" in top:
            _boolean(top, "shuffle", "")
        _integer(top, "pool", "", required=False, minimum=1, nullable=True)
        ids = _list(_field(top, "questions", ""), "questions")
        for i, qid in enumerate(ids):
            _expect(isinstance(qid, str) and bool(qid.strip()), f"questions[{i}]", "a question id", qid)
            if ids.index(qid) != i:
                raise _Invalid(f"questions[{i}]", f'"{qid}" is listed twice')
        versions_raw = _list(_field(top, "versions", ""), "versions")
        known = set(ids)
        interned: dict[str, str] = {}
        variants = None
        if "variants" in top:  # a compact key: each distinct variant once, sheets refer to it
            raw = _object(top["variants"], "variants")
            variants = {ref: _check_question(q, f"variants.{ref}", known, interned, shared=True) for ref, q in raw.items()}
        versions = [_check_version(v, f"versions[{i}]", known, interned, variants) for i, v in enumerate(versions_raw)]
        first: dict[str, int] = {}
        for i, v in enumerate(versions):
            if v.student in first:
                raise _Invalid(f"versions[{i}].student", f'"{v.student}" already has versions[{first[v.student]}]')
            first[v.student] = i
    except _Invalid as err:
        raise QuizgenError(f"{name}: {err}", EXIT_USAGE) from None
    return Key(name=name, question_ids=tuple(ids), versions=tuple(versions), topic=topic, seed=seed, exam_id=exam_id)


def with_decimal_comma(key: Key, decimal_comma: bool) -> Key:
    """``key`` with ``answer.decimal_comma`` set on every numeric, symbolic and vector entry:
    ``quizgen grade --decimal-comma/--decimal-point`` settles how a whole batch reads ``2,143``,
    whatever the key says. Each distinct entry is rewritten once (a class shares its variants)."""
    import dataclasses

    done: dict[str, tuple[str, str]] = {}

    def rewrite(q: KeyQuestion) -> KeyQuestion:
        if q.type not in DECIMAL_TYPES:
            return q
        got = done.get(q.source)
        if got is None:
            entry = json.loads(q.source)
            entry["answer"]["decimal_comma"] = decimal_comma
            got = done[q.source] = (
                json.dumps(entry, sort_keys=True, ensure_ascii=False),
                json.dumps([q.type, entry["answer"], entry.get("known_wrong")], sort_keys=True, ensure_ascii=False))
        return dataclasses.replace(q, source=got[0], fingerprint=got[1])

    versions = tuple(KeyVersion(v.student, tuple(rewrite(q) for q in v.questions)) for v in key.versions)
    return dataclasses.replace(key, versions=versions)


class _Variant:
    """A compact key's variant, shared by every sheet that shows it: its canonical JSON and
    fingerprint are made when first needed (see KeyQuestion.__getattr__)."""

    __slots__ = ("entry", "source", "fingerprint")

    def __init__(self, entry: dict[str, Any]):
        self.entry = entry
        self.source: str | None = None
        self.fingerprint: str | None = None

    def get(self, name: str) -> str:
        if name == "source":
            if self.source is None:
                self.source = json.dumps(self.entry, sort_keys=True, ensure_ascii=False)
            return self.source
        if self.fingerprint is None:
            e = self.entry
            self.fingerprint = json.dumps([e["type"], e["answer"], e.get("known_wrong")], sort_keys=True,
                                          ensure_ascii=False)
        return self.fingerprint


def _trusted_compact_key(data: dict[str, Any], name: str) -> Key:
    """A compact key whose exact bytes were checked before (see :func:`load_key`): built without
    checking again, each question's canonical JSON left to be made when first read."""
    shared = {ref: (entry, _Variant(entry)) for ref, entry in data["variants"].items()}
    versions = []
    new = object.__new__
    for i, v in enumerate(data["versions"]):
        questions = []
        for j, q in enumerate(v["questions"]):
            entry, variant = shared[q["variant"]]
            kq = new(KeyQuestion)
            kq.__dict__.update(number=q["number"], id=entry["id"], type=entry["type"], points=float(entry["points"]),
                               path=f"versions[{i}].questions[{j}]", title=entry.get("title") or "",
                               variant_seed=q.get("variant_seed"), _variant=variant)
            questions.append(kq)
        questions.sort(key=lambda kq: kq.number)
        versions.append(KeyVersion(v["student"], tuple(questions)))
    return Key(name=name, question_ids=tuple(data["questions"]), versions=tuple(versions), topic=data.get("topic"),
               seed=data.get("seed"), exam_id=data.get("exam_id"), trusted=True)


def key_digest(raw: bytes) -> str | None:
    """The cache entry naming these exact key bytes for this code (None when the cache is off)."""
    from quizgen.kernel import cache

    return None if cache.directory() is None else cache.entry_name("key.json", raw)


def remember_key(raw: bytes) -> None:
    """Record that the key ``raw`` needs no checking when it is loaded again by this same code:
    ``make`` calls it for the key it writes, ``grade`` once a key has passed every check."""
    from quizgen.kernel import cache

    digest = key_digest(raw)
    if digest is not None:
        cache.write("keys", digest)


def mark_checked(key: Key) -> None:
    """``grade`` checked every entry of ``key`` (schema and content): remember its bytes."""
    from quizgen.kernel import cache

    if key.digest is not None and not key.trusted:
        cache.write("keys", key.digest)


def load_key(source: Key | dict[str, Any] | str | os.PathLike[str], max_bytes: int | None = None) -> Key:
    """Read and validate a key from a path, or validate an already parsed dict (e.g. in a notebook).
    A file over ``max_bytes`` (default: :class:`~quizgen.grading.intake.ReadLimits`, 200 MB; a
    compact key of 300 students x 60 questions is 28 MB) is a one-line error (exit 2), read no further."""
    if isinstance(source, Key):
        return source
    if isinstance(source, dict):
        return validate_key(source, "key.json")
    from quizgen.grading.intake import DEFAULT_READ_LIMITS, not_text_error, read_bytes

    if max_bytes is None:
        max_bytes = DEFAULT_READ_LIMITS.max_key_bytes

    path = Path(source)
    raw = read_bytes(path, "key file", max_bytes, "--max-key-mb")
    error = not_text_error(path, raw[:4096])
    if error is not None:
        raise error
    try:
        text = raw.decode("utf-8-sig")
        data = json.loads(text)
    except UnicodeDecodeError as err:
        raise QuizgenError(f"{path}: not UTF-8 (byte {err.object[err.start]:#04x} at offset {err.start})",
                           EXIT_USAGE) from None
    except json.JSONDecodeError as err:
        raise QuizgenError(f"{path}: not valid JSON (line {err.lineno}, column {err.colno}: {err.msg})",
                           EXIT_USAGE) from None
    except (ValueError, RecursionError):  # a number of over 4300 digits; thousands of nested [
        raise QuizgenError(f"{path}: not usable JSON (a number with thousands of digits, or lists "
                           "nested thousands deep)", EXIT_USAGE) from None
    from quizgen.kernel import cache

    digest = key_digest(raw)
    trusted = digest is not None and cache.has("keys", digest)
    if trusted and isinstance(data, dict) and isinstance(data.get("variants"), dict):
        try:
            return _trusted_compact_key(data, path.name)
        except (KeyError, TypeError, ValueError, AttributeError):  # pragma: no cover - checked bytes
            pass  # not what was checked after all: check it now
    key = validate_key(data, path.name, check_unicode=_ESCAPED_SURROGATE.search(text) is not None)
    return dataclasses.replace(key, trusted=trusted, digest=digest)
