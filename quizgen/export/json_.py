"""The machine-readable answer key, ``key.json`` (see docs/grading.md, "The answer key")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from quizgen.export.base import ANSWER_TYPES, NATIVE, Options, Writer

if TYPE_CHECKING:
    import jinja2

    from quizgen.generation.exam import Exam


class KeyWriter(Writer):
    name = "json"
    summary = "the answer key that `quizgen grade` reads"
    files = "key.json (one for all versions)"
    carries = {k: NATIVE for k in ANSWER_TYPES}
    figure_carry = None  # the key holds answers, not question text

    def render(self, exam: "Exam", env: "jinja2.Environment", options: Options = Options()) -> dict[str, str | bytes]:
        from quizgen.generation import key as keymod

        return {"key.json": keymod.dumps(keymod.build_key(exam))}


WRITER = KeyWriter()
