"""The grading core: a safe parser, numeric-first equivalence, and per-question graders.

Import-light on purpose (no SymPy, no numpy at import): the names below are loaded on first use.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "Verdict", "compile_question", "grade_item", "QuestionGrader", "parse_answer", "ParseError",
    "LimitExceeded", "check_equivalent", "EquivResult", "Limits", "show", "Reading",
]

_WHERE = {
    "Verdict": "quizgen.grading.verdict",
    "compile_question": "quizgen.grading.item",
    "grade_item": "quizgen.grading.item",
    "QuestionGrader": "quizgen.grading.item",
    "parse_answer": "quizgen.maths.parse",
    "ParseError": "quizgen.maths.parse",
    "LimitExceeded": "quizgen.maths.limits",
    "Limits": "quizgen.maths.limits",
    "check_equivalent": "quizgen.maths.equiv",
    "EquivResult": "quizgen.maths.equiv",
    "show": "quizgen.maths.display",
    "Reading": "quizgen.maths.display",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        import importlib

        value = getattr(importlib.import_module(_WHERE[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'quizgen.grading' has no attribute {name!r}")
