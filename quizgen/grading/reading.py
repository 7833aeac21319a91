"""How a typed answer was read, shown back to the learner before it is judged.

``quizgen practice`` and ``quizgen serve`` call :func:`read_answer` with a key.json question entry.
Expressions go through :func:`quizgen.grading.show` (the grader's own parser, in the question's
declared symbols; nothing is evaluated as code); choices, true/false, orders and vectors through
the grader's own readers for those types. So what is shown is what will be graded.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any, Mapping


@dataclass(frozen=True)
class Reading:
    """How an answer was read. ``ok`` False: it could not be read; ``message`` says why and how
    to write it. ``text`` is one line of Unicode, ``mathml`` a ``<math>`` element (or "")."""

    ok: bool
    text: str = ""
    mathml: str = ""
    message: str = ""
    value: float | None = None  # numeric answers: the number it evaluates to
    unit: str | None = None
    notes: tuple[str, ...] = ()
    #: a derivation: each line as read, {"number", "text", "mathml", "goal", "connector",
    #: "error"} (``text`` one line of Unicode; ``error`` why it could not be read, or None)
    lines: tuple[dict[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "text": self.text, "mathml": self.mathml, "message": self.message,
                "value": self.value, "unit": self.unit, "notes": list(self.notes),
                "lines": [dict(line) for line in self.lines]}


def _mtext(text: str) -> str:
    return f'<math xmlns="http://www.w3.org/1998/Math/MathML"><mtext>{html.escape(text)}</mtext></math>'


def _cap(text: str) -> str:
    text = str(text)
    text = text[:1].upper() + text[1:]
    return text if "\n" in text or text.endswith(".") else text + "."


def _expression(text: str, symbols: Mapping[str, str], numeric: bool,
                decimal_comma: bool | None = None) -> Reading:
    from quizgen.grading import show

    r = show(text, symbols, decimal_comma=decimal_comma)
    if not r.ok:
        return Reading(False, message=_cap(r.error or "the answer could not be read"))
    value, unit = None, None
    if numeric:
        from quizgen.grading.numeric import NotANumber, read_number
        from quizgen.maths.limits import DEFAULT_LIMITS
        from quizgen.maths.parse import Context, ParseError

        try:
            ctx = Context(frozenset(), decimal_comma=decimal_comma)
            value, unit, _ = read_number(text, DEFAULT_LIMITS, ctx)
        except NotANumber:
            return Reading(False, r.unicode, r.mathml, "This has no real, finite value.")
        except ParseError as err:  # pragma: no cover - show() read it with the same parser
            return Reading(False, message=err.message)
    return Reading(True, r.unicode, r.mathml, value=value, unit=unit, notes=tuple(r.notes))


def read_answer(question: Mapping[str, Any], text: str) -> Reading:
    """How ``text`` is read as an answer to ``question`` (a key.json question entry). Never raises."""
    from quizgen.grading.choice import ChoiceError, parse_selection, parse_truefalse
    from quizgen.maths.limits import DEFAULT_LIMITS, LimitExceeded
    from quizgen.maths.parse import check_text

    if not isinstance(text, str) or not text.strip():
        return Reading(False, message="Type an answer.")
    text = text.strip()
    kind = question.get("type")
    answer = question.get("answer") or {}
    comma = answer.get("decimal_comma") if isinstance(answer.get("decimal_comma"), bool) else None
    try:
        check_text(text, DEFAULT_LIMITS)
        if kind == "symbolic":
            return _expression(text, answer.get("symbols") or {}, numeric=False, decimal_comma=comma)
        if kind == "numeric":
            return _expression(text, {}, numeric=True, decimal_comma=comma)
        if kind == "choice":
            labels = [str(c["label"]) for c in answer.get("choices", [])]
            chosen = sorted(parse_selection(text, labels), key=labels.index)
            shown = f"option{'s' if len(chosen) > 1 else ''} " + ", ".join(chosen)
            return Reading(True, shown, _mtext(shown))
        if kind == "truefalse":
            reason = answer.get("reason")
            if reason:
                import re

                words = [w for w in re.split(r"[\s,;:/]+|\bbecause\b|\bsince\b", text, flags=re.IGNORECASE) if w]
                labels = [str(c["label"]) for c in reason.get("choices", [])]
                if len(words) != 2:
                    return Reading(False, message="Write true or false, then the letter of the reason, "
                                                  f"e.g. 'false, {labels[-1] if labels else 'A'}'.")
                truth = parse_truefalse(words[0])
                picked = sorted(parse_selection(words[1], labels))
                shown = f"{'true' if truth else 'false'}, because of reason {', '.join(picked)}"
            else:
                shown = "true" if parse_truefalse(text) else "false"
            return Reading(True, shown, _mtext(shown))
        if kind == "order":
            from quizgen.grading.structured import OrderError, parse_order

            labels = [str(i["label"]) for i in answer.get("items", [])]
            try:
                order = parse_order(text, labels)
            except OrderError as err:
                return Reading(False, message=_cap(err))
            shown = "steps in the order " + " → ".join(order)
            return Reading(True, shown, _mtext(shown))
        if kind == "derivation":
            return _derivation(answer, text)
        if kind == "vector":
            from quizgen.grading.structured import VectorError, split_vector

            n = len(answer.get("values") or answer.get("expressions") or [])
            try:
                parts = split_vector(text, n, comma)
            except VectorError as err:
                return Reading(False, message=_cap(err))
            numeric = "values" in answer
            read = [_expression(p, answer.get("symbols") or {}, numeric, comma) for p in parts]
            bad = next((i for i, r in enumerate(read) if not r.ok), None)
            if bad is not None:
                return Reading(False, message=f"Component {bad + 1}: {read[bad].message}")
            shown = "(" + ", ".join(r.text for r in read) + ")"
            return Reading(True, shown, _mtext(shown))
        # manual (interview) questions: the text is kept as written, for a person to read
        shown = " ".join(text.split())
        return Reading(True, shown if len(shown) <= 200 else shown[:200] + "…", "")
    except (LimitExceeded, ChoiceError) as err:
        return Reading(False, message=_cap(err))
    except RecursionError:
        return Reading(False, message="The answer is nested too deeply.")


def _derivation(answer: Mapping[str, Any], text: str) -> Reading:
    """Each line of a derivation read back: its connector, min/max, and expression."""
    from quizgen.kernel.errors import QuizgenError
    from quizgen.grading.derivation import _declarations, read_lines
    from quizgen.maths.display import to_latex, to_mathml, to_unicode

    try:
        decl = _declarations(answer, "derivation question")
    except QuizgenError as err:  # pragma: no cover - a key that loaded for grading reads here too
        return Reading(False, message=_cap(str(err)))
    comma = answer.get("decimal_comma") if isinstance(answer.get("decimal_comma"), bool) else None
    lines = []
    for line in read_lines(text, decl, decl.context(comma)):
        head = " ".join(x for x in (line.connector, line.goal) if x)
        if line.node is None:
            lines.append({"number": line.number, "text": line.raw.strip(), "mathml": "",
                          "goal": line.goal, "connector": line.connector, "error": line.error})
            continue
        shown = to_unicode(line.node)
        latex = to_latex(line.node)
        prefix = {"min": "\\min\\ ", "max": "\\max\\ "}.get(line.goal or "", "")
        lines.append({"number": line.number, "text": f"{head} {shown}".strip(),
                      "mathml": to_mathml(prefix + latex), "goal": line.goal,
                      "connector": line.connector, "error": None})
    if not lines:
        return Reading(False, message="Type your derivation, one step per line.")
    shown = "\n".join(f"{x['number']}. {x['text']}" for x in lines)
    bad = next((x for x in lines if x["error"]), None)
    if bad is not None:
        return Reading(False, shown, message=f"Line {bad['number']} could not be read: {bad['error']}",
                       lines=tuple(lines))
    return Reading(True, shown, "", lines=tuple(lines))
