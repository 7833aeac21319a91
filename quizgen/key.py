"""Key: what grading needs, as the JSON document described in the README ("The answer key")."""

from __future__ import annotations

import json
from typing import Any

from quizgen.exam import Exam
from quizgen.variant import KnownWrong, Variant

SCHEMA = "quizgen.key/1"


def _wrong(w: KnownWrong, kind: str) -> dict[str, Any]:
    item: dict[str, Any] = {"name": w.name, "feedback": w.feedback, "credit": w.credit}
    if kind == "numeric":
        item["value"] = w.value
    elif kind == "symbolic":
        item["expression"] = w.expression
    else:
        item["choice"] = w.choice
    return item


def question_key(v: Variant, number: int) -> dict[str, Any]:
    return {
        "number": number,
        "id": v.question_id,
        "title": v.title,
        "variant_seed": v.seed,
        "type": v.kind,
        "points": v.points,
        "answer": dict(v.answer),
        "known_wrong": [_wrong(w, v.kind) for w in v.known_wrong],
    }


def build_key(exam: Exam) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "generator": exam.generator,
        "topic": exam.topic,
        "seed": exam.seed,
        "secret": exam.secret or None,
        "exam_id": exam.id,
        "shuffle": exam.shuffle,
        "pool": exam.pool,
        "questions": list(exam.question_ids),
        "versions": [
            {"student": ver.student, "questions": [question_key(v, n) for n, v in enumerate(ver.variants, 1)]}
            for ver in exam.versions
        ],
    }


def dumps(key: dict[str, Any]) -> str:
    """Stable bytes: sorted keys, fixed indent, shortest float repr, a final newline."""
    return json.dumps(key, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
