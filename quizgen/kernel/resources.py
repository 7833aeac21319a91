"""Where the shipped question bank and templates are.

In a wheel they are copied inside the package (``quizgen/question_bank``, ``quizgen/templates``);
in a source checkout or an editable install they sit at the top of the repository.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[1]  # quizgen/


def shipped(name: str) -> Path:
    """The shipped folder ``name`` ("question_bank" or "templates")."""
    inside = _PACKAGE / name
    return inside if inside.is_dir() else _PACKAGE.parent / name
