"""How students write decimals on an exam made with ``--decimal-comma`` or ``--decimal-point``.

One sentence, shared by the sheets (md, tex, html), the solutions and the answer help of
``quizgen practice``/``serve``, so that what a student is told is what the grader reads
(:class:`quizgen.maths.parse.Context`, ``decimal_comma``).
"""

from __future__ import annotations

#: Answer types whose answers hold typed numbers: ``answer.decimal_comma`` applies to them.
DECIMAL_TYPES = ("numeric", "symbolic", "vector")


#: Every sheet asks for numbers to this many significant figures, and in an expression a decimal to
#: this many may stand for an exact constant (the grader's rule, quizgen.grading.rounded).
SHEET_SIGFIGS = 4


def decimal_sentence(decimal_comma: bool | None) -> str:
    """The sentence for ``--decimal-comma`` (True) or ``--decimal-point`` (False); "" for None."""
    if decimal_comma is None:
        return ""
    if decimal_comma:
        return ("Write decimals with a comma or a point (2,5 or 2.5); separate the arguments of a "
                "function and the components of a vector with a semicolon: log(2; 5), (0,5; 1,5).")
    return ("Write decimals with a point (2.5); a comma between digits groups thousands (2,143 is "
            "2143) or separates arguments and components.")
