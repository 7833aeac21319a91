"""The base every grader builds on: :class:`QuestionGrader` and the helpers graders share.

Its own module so that ``item`` (the expression and choice graders) and ``structured`` (order,
vector, manual) both import it and neither imports the other first: importing any grading
module first, in a fresh interpreter, works.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from quizgen.grading.verdict import Verdict, empty, rejected
from quizgen.kernel.errors import QuizgenError
from quizgen.maths.limits import DEFAULT_LIMITS, LimitExceeded, Limits
from quizgen.maths.nodes import free_symbols
from quizgen.maths.parse import ParseError, check_text, make_context
from quizgen.maths.proof import SafetyNet

_CACHE_SIZE = 4096


@dataclass(frozen=True)
class KnownWrong:
    name: str
    feedback: str
    credit: float
    target: Any  # parsed Node, float, label or bool, depending on the question type

    @property
    def symbols(self) -> frozenset[str]:
        """Free symbols of a symbolic target (cached: compared against every answer)."""
        cached = self.__dict__.get("_symbols")
        if cached is None:
            cached = free_symbols(self.target)
            object.__setattr__(self, "_symbols", cached)
        return cached


def _verdict_for_known(known: KnownWrong, method: str, detail: dict[str, Any]) -> Verdict:
    status = "partial" if known.credit > 0 else "incorrect"
    return Verdict(status, known.credit, known.feedback, method, known.name, detail)


class QuestionGrader:
    """Grades answers to one question. Subclasses implement :meth:`_grade`."""

    kind = "?"

    def __init__(self, question: Mapping[str, Any], limits: Limits = DEFAULT_LIMITS):
        self.question = question
        self.limits = limits
        self._cache: dict[str, Verdict] = {}
        self.known_wrong: list[KnownWrong] = []

    def grade(self, answer_text: str) -> Verdict:
        """The verdict for ``answer_text``; never raises."""
        if not isinstance(answer_text, str):
            answer_text = "" if answer_text is None else str(answer_text)
        if not answer_text.strip():
            return empty()
        cached = self._cache.get(answer_text)
        if cached is not None:
            return cached
        try:
            check_text(answer_text.strip(), self.limits)  # choice answers too: they are echoed
            verdict = self._grade(answer_text.strip())
        except LimitExceeded as err:
            verdict = rejected(f"Your answer was not graded: {err}.", "limits")
        except ParseError as err:
            verdict = rejected(f"Your answer could not be read: {err.message}", "parse",
                               column=err.column)
        except RecursionError:
            verdict = rejected("Your answer was not graded: it is nested too deeply.", "limits")
        except SafetyNet:
            verdict = Verdict("incorrect", 0.0, "Your answer could not be checked automatically; "
                              "it is flagged for your teacher to review.", "undecided", None,
                              {"needs_review": True, "how": "the proof reached the safety time "
                               "limit (outside the deterministic budget; please report)"})
        except Exception as err:  # noqa: BLE001 - a grader bug must not stop a class's grading
            verdict = rejected("Your answer could not be graded automatically; it is flagged "
                               "for your teacher to review.", "error", error=type(err).__name__)
        if len(self._cache) >= _CACHE_SIZE:
            self._cache.clear()
        self._cache[answer_text] = verdict
        return verdict

    def _grade(self, text: str) -> Verdict:
        raise NotImplementedError

    def prepare(self, answer_texts: list[str]) -> None:
        """A hint, never needed: these answers are about to be graded, so a grader may work out
        at once what their grading shares. No verdict depends on it. Never raises."""

    def _known(self, raw: Any, parse_target: Any) -> list[KnownWrong]:
        if raw is None:
            return []
        if not isinstance(raw, list):
            raise QuizgenError(f"{self.kind} question: 'known_wrong' must be a list")
        out = []
        for i, entry in enumerate(raw):
            where = f"{self.kind} question: known_wrong[{i}]"
            if not isinstance(entry, dict):
                raise QuizgenError(f"{where} must be an object")
            name = entry.get("name")
            if not isinstance(name, str) or not name:
                raise QuizgenError(f"{where} needs a 'name'")
            credit = entry.get("credit", 0.0)
            if isinstance(credit, bool) or not isinstance(credit, (int, float)) \
                    or not 0.0 <= float(credit) <= 1.0:
                raise QuizgenError(f"{where} ('{name}'): 'credit' must be a number from 0 to 1")
            feedback = entry.get("feedback") or f"This is a known mistake ({name})."
            if not isinstance(feedback, str):
                raise QuizgenError(f"{where} ('{name}'): 'feedback' must be text")
            out.append(KnownWrong(name, feedback, float(credit), parse_target(entry, where)))
        return out


def _decimal_comma(answer: Any, kind: str) -> bool | None:
    """The key's ``answer.decimal_comma`` (``make --decimal-comma``): None, true or false."""
    value = answer.get("decimal_comma") if isinstance(answer, dict) else None
    if value is not None and not isinstance(value, bool):
        raise QuizgenError(f"{kind} question: answer.decimal_comma must be true, false or null")
    return value


def _context(symbols: Any, decimal_comma: bool | None):  # type: ignore[no-untyped-def]
    import dataclasses

    return dataclasses.replace(make_context(symbols), decimal_comma=decimal_comma)


def _require(mapping: Any, key: str, where: str) -> Any:
    if not isinstance(mapping, dict) or key not in mapping:
        raise QuizgenError(f"{where}: '{key}' is missing")
    return mapping[key]
