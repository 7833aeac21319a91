"""Checks of a key's content made when the key is loaded, before any student's answer is graded.

Schema validation (:mod:`quizgen.grading.keyfile`) checks shapes; this checks meaning: every
expression must parse with the grader's own parser, and no ``known_wrong`` entry may be the
correct answer itself (a student giving the right answer would be told it is a known mistake).
Each distinct question content is compiled once; the compiled graders are returned for reuse.
"""

from __future__ import annotations

import json
from typing import Any, Callable

from quizgen.grading.keyfile import Key
from quizgen.kernel.errors import EXIT_USAGE, QuizgenError


def content_fingerprint(entry: dict[str, Any]) -> str:
    """What a verdict depends on: the type, the answer and the known wrong answers."""
    return json.dumps([entry.get("type"), entry.get("answer"), entry.get("known_wrong")],
                      sort_keys=True, ensure_ascii=False)


def known_wrong_equal_to_answer(grader: Any) -> int | None:
    """The index of the first known wrong answer that equals the correct answer, or None."""
    from quizgen.grading.item import ChoiceGrader, NumericGrader, SymbolicGrader, TrueFalseGrader

    known_wrong = getattr(grader, "known_wrong", ())
    shown = [False] * len(known_wrong)
    if isinstance(grader, SymbolicGrader) and known_wrong:
        from quizgen.maths.equiv import clearly_different
        from quizgen.maths.sampling import seed_for

        shown = clearly_different(grader.expected, [k.target for k in known_wrong], grader.domains,
                                  seed_for(grader.expected_text), grader.shared_evaluations)
    for i, known in enumerate(known_wrong):
        if shown[i]:  # different at points shared by the answer and every known mistake
            continue
        if isinstance(grader, NumericGrader):
            from quizgen.grading.numeric import numbers_match

            if numbers_match(known.target, grader.value, grader.rtol, grader.atol, grader.sigfigs):
                return i
        elif isinstance(grader, SymbolicGrader):
            from quizgen.maths.equiv import Comparison
            from quizgen.maths.nodes import to_text
            from quizgen.maths.sampling import seed_for

            seed = seed_for(grader.expected_text, to_text(known.target))
            result = Comparison(known.target, grader.domains, seed, grader.limits, grader.expected_symbols,
                                known.symbols).against(grader.expected, want_relation=False,
                                                       target_symbols=grader.expected_symbols,
                                                       only_status=True)
            if result.equivalent:
                return i
        elif isinstance(grader, ChoiceGrader):
            if known.target in grader.correct:
                return i
        elif isinstance(grader, TrueFalseGrader):
            if known.target == grader.value:
                return i
    return None


def compile_problem(err: QuizgenError) -> str:
    """What follows "<key>: <entry path>" in the message for an entry the grader cannot compile."""
    return f": the grader cannot use this key entry: {err}"


def content_problem(grader: Any) -> str | None:
    """What follows "<key>: <entry path>" in the message for a compiled entry whose known wrong
    answer is the correct answer itself, or None."""
    bad = known_wrong_equal_to_answer(grader)
    if bad is None:
        return None
    name = grader.known_wrong[bad].name
    return (f".known_wrong[{bad}] (\"{name}\") is the correct answer itself: a right answer would be graded as "
            "this mistake; fix or remove it")


def check_key_content(key: Key, phases: Callable[[str, int], Callable[[int], None]] | None = None) -> dict[str, Any]:
    """Compile every distinct question of ``key`` once; raise a one-line QuizgenError (exit 2)
    for the first entry whose expression does not parse or whose known wrong answer is right.
    Returns {content fingerprint: compiled grader}. ``phases``: as ``grade_class``'s (a phase
    "Checking the key" over its distinct entries)."""
    from quizgen.grading.item import compile_question

    graders: dict[str, Any] = {}
    advance = phases("Checking the key", len({kq.fingerprint for v in key.versions for kq in v.questions})) \
        if phases is not None else None
    for version in key.versions:
        for kq in version.questions:
            fp = kq.fingerprint
            if fp in graders:
                continue
            entry = kq.entry()
            try:
                grader = compile_question(entry)
            except QuizgenError as err:
                raise QuizgenError(f"{key.name}: {kq.path}{compile_problem(err)}", EXIT_USAGE) from None
            problem = content_problem(grader)
            if problem is not None:
                raise QuizgenError(f"{key.name}: {kq.path}{problem}", EXIT_USAGE)
            graders[fp] = grader
            if advance is not None:
                advance(1)  # once the entry is checked: the bar is full when the last one is
    return graders
