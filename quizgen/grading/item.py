"""Grading one question: compile the key entry once, then grade any number of answers.

``compile_question`` validates a key entry (``versions[*].questions[*]`` of key.json) and returns
a :class:`QuestionGrader`, whose ``grade`` never raises: every answer text becomes a
:class:`~quizgen.grading.verdict.Verdict`. Verdicts are cached by answer text (students repeat
answers, and a verdict depends only on the key and the text, so this is exact).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, Mapping

from quizgen.kernel.domains import DOMAINS
from quizgen.kernel.errors import QuizgenError
from quizgen.grading.base import (  # noqa: F401 - KnownWrong, QuestionGrader: their old home, kept importable
    _CACHE_SIZE, KnownWrong, QuestionGrader, _context, _decimal_comma, _require, _verdict_for_known,
)
from quizgen.grading.choice import ChoiceError, choice_credit, parse_selection, parse_truefalse
from quizgen.grading.structured import ManualGrader, OrderGrader, VectorGrader
from quizgen.grading.verdict import Verdict, rejected
from quizgen.maths.limits import DEFAULT_LIMITS, LimitExceeded, Limits
from quizgen.maths.names import canonical_symbol
from quizgen.maths.nodes import Node, free_symbols, to_text
from quizgen.maths.parse import ParseError, parse


def _has_decimal(node: Node) -> bool:
    """Whether the answer types a decimal (``0.333``, ``1e-3``), which rounding may explain."""
    from quizgen.maths.nodes import Num, walk

    return any(isinstance(n, Num) and n.decimal for n in walk(node))


def _reading(parsed: Any) -> tuple:
    """What a verdict depends on in a parsed answer: its tree and the notes on how it was read."""
    return parsed.node, tuple(parsed.notes)


#: readings prepared together at most (their points: memory bounded whatever the class size)
_PREPARED_AT_ONCE = 512


class SymbolicGrader(QuestionGrader):
    kind = "symbolic"

    def __init__(self, question: Mapping[str, Any], limits: Limits = DEFAULT_LIMITS):
        super().__init__(question, limits)
        answer = _require(question, "answer", "symbolic question")
        expression = _require(answer, "expression", "symbolic question: answer")
        symbols = answer.get("symbols") or {}
        if not isinstance(expression, str) or not isinstance(symbols, dict):
            raise QuizgenError("symbolic question: answer.expression must be text and "
                               "answer.symbols an object")
        self.domains: dict[str, str] = {}
        for name, domain in symbols.items():
            if domain not in DOMAINS:
                raise QuizgenError(f"symbolic question: symbol '{name}' has unknown domain "
                                   f"'{domain}' (use one of {', '.join(DOMAINS)})")
            self.domains[canonical_symbol(name)] = domain
        self.ctx = _context(self.domains, _decimal_comma(answer, "symbolic"))
        exact = answer.get("exact_constants", False)
        if not isinstance(exact, bool):
            raise QuizgenError("symbolic question: answer.exact_constants must be true or false")
        #: make --exact-constants: decimals in place of exact constants are not read as them
        self.exact_constants = exact
        self._constants: dict[int, Any] = {}
        self._by_reading: dict[tuple, Verdict] = {}
        self._prepared: dict[tuple, Any] = {}  # reading -> Comparison, from prepare()
        #: {id(expression): Evaluation} of the key's answer and known mistakes at the points of
        #: its own check (quizgen.grading.keycheck), when prepare() worked them out
        self.shared_evaluations: dict[int, Any] | None = None
        self.expected = self._parse_key(expression, "answer.expression")
        self.expected_text = to_text(self.expected)
        self.expected_symbols = free_symbols(self.expected)
        self.known_wrong = self._known(
            question.get("known_wrong"),
            lambda entry, where: self._parse_key(_require(entry, "expression", where),
                                                 f"{where}.expression"))

    def _parse_key(self, text: Any, where: str) -> Node:
        if not isinstance(text, str):
            raise QuizgenError(f"symbolic question: {where} must be text")
        try:
            return parse(text, self.ctx, self.limits).node
        except ParseError as err:
            where = where.removeprefix("symbolic question: ")  # known_wrong paths carry it
            raise QuizgenError(f"symbolic question: {where} {text!r}: {err.reason}"
                               + (f" at column {err.column + 1}" if err.column is not None
                                  else "")) from None
        except LimitExceeded as err:
            raise QuizgenError(f"symbolic question: {where.removeprefix('symbolic question: ')}: "
                               f"{err}") from None

    def _grade(self, text: str) -> Verdict:
        parsed = parse(text, self.ctx, self.limits)
        if parsed.unit is not None:
            return rejected(f"Your answer could not be read: write the expression without a "
                            f"unit ('{parsed.unit}').", "parse")
        # One expression, one verdict: spellings that read as the same tree (spaces, ^ or **,
        # redundant brackets) are graded once, at the same points.
        reading = _reading(parsed)
        verdict = self._by_reading.get(reading)
        if verdict is None:
            verdict = self._grade_reading(parsed)
            if len(self._by_reading) >= _CACHE_SIZE:
                self._by_reading.clear()
            self._by_reading[reading] = verdict
        return verdict

    def _comparison(self, parsed: Any) -> Any:
        from quizgen.maths.equiv import Comparison
        from quizgen.maths.sampling import seed_for

        seed = seed_for(self.expected_text, to_text(parsed.node))  # the answer as read, not as spaced
        return Comparison(parsed.node, self.domains, seed, self.limits, self.expected_symbols,
                          parsed.symbols)

    def prepare(self, answer_texts: list[str]) -> None:
        """The key's answer and known mistakes are evaluated once at the random points of all
        the new readings among ``answer_texts`` (see :func:`quizgen.maths.equiv.prepare`)."""
        self._prepared = {}
        try:
            from quizgen.maths.equiv import prepare
            from quizgen.maths.parse import check_text

            fresh = {}
            for text in dict.fromkeys(answer_texts):
                if not isinstance(text, str) or text in self._cache or not text.strip():
                    continue
                try:
                    check_text(text.strip(), self.limits)
                    parsed = parse(text.strip(), self.ctx, self.limits)
                except (ParseError, LimitExceeded, RecursionError):
                    continue  # grade() says why
                reading = _reading(parsed)
                if parsed.unit is None and reading not in self._by_reading and reading not in fresh:
                    fresh[reading] = self._comparison(parsed)
                if len(fresh) >= _PREPARED_AT_ONCE:
                    break
            shared = None
            if self.known_wrong and self.shared_evaluations is None:  # the key's own check: once
                from quizgen.maths.equiv import shared_points
                from quizgen.maths.sampling import seed_for

                shared = shared_points(self.expected, [k.target for k in self.known_wrong],
                                       self.domains, seed_for(self.expected_text))
            if len(fresh) + (shared is not None) >= 2:
                evaluated = prepare(list(fresh.values()), [(self.expected, self.expected_symbols)]
                                    + [(k.target, k.symbols) for k in self.known_wrong], shared)
                self._prepared = fresh
                if evaluated:
                    self.shared_evaluations = evaluated
        except Exception:  # noqa: BLE001 - only a shortcut: grade() does without it, and reports
            self._prepared = {}

    def _grade_reading(self, parsed: Any) -> Verdict:
        from quizgen.maths.display import to_unicode

        node = parsed.node
        comparison = self._prepared.pop(_reading(parsed), None) or self._comparison(parsed)
        seed = comparison.seed
        result = comparison.against(self.expected, want_relation=False,
                                    target_symbols=self.expected_symbols)
        detail = result.detail()
        detail["how"] = result.describe()
        if result.undefined_everywhere:  # 1/0, log(0), sqrt(-1): no value to grade
            part = (f" ({result.undefined_part} has no real value)"
                    if result.undefined_part and result.undefined_part != to_unicode(node) else "")
            anywhere = (" for any value of " + ", ".join(sorted(parsed.symbols))
                        if parsed.symbols else "")
            return rejected(f"Your answer does not have a real, finite value{anywhere}{part}.",
                            "undefined", **detail)
        if result.equivalent:
            return Verdict("correct", 1.0, "Correct.", result.method, None, detail)
        if result.find_relation():  # reported independently of known wrong answers
            detail["relation"] = result.relation
        for known in self.known_wrong:
            match = comparison.against(known.target, want_relation=False,
                                       target_symbols=known.symbols, only_status=True)
            if match.equivalent:
                return _verdict_for_known(known, match.method, detail)
        if not self.exact_constants:
            rounded = self._rounded(node, seed, detail)
            if rounded is not None:
                return rounded
        if result.status == "undecided":
            detail["needs_review"] = True
            return Verdict("incorrect", 0.0, "Your answer could not be checked automatically; "
                           "it is flagged for your teacher to review.", "undecided", None, detail)
        return Verdict("incorrect", 0.0, self._explain(result, parsed.notes, _has_decimal(node)), result.method,
                       None, detail)

    def _rounded(self, node: Node, seed: int, detail: dict[str, Any]) -> Verdict | None:
        """The sheet's rule for decimals (quizgen.grading.rounded): an answer right once its decimals
        are read as the numbers they round is right when each has the sheet's figures, and worth 0
        with how many figures are needed when one has fewer; likewise a known wrong answer."""
        from quizgen.grading.rounded import SHEET_SIGFIGS, Constants, read_rounded

        def reading(target: Node):  # type: ignore[no-untyped-def]
            if id(target) not in self._constants:
                self._constants[id(target)] = Constants(target, self.domains)
            return read_rounded(node, target, self.domains, seed, self._constants[id(target)])

        def with_decimals(r) -> dict[str, Any]:  # type: ignore[no-untyped-def]
            return {**detail, "how": "equal once its decimals are read as the numbers they round",
                    "decimals": r.to_dict()}

        right = reading(self.expected)
        if right is not None and not right.short(SHEET_SIGFIGS):
            return Verdict("correct", 1.0, "Correct. " + right.note(), "rounded", None, with_decimals(right))
        wrong = [(known, reading(known.target)) for known in self.known_wrong]
        for known, r in wrong:
            if r is not None and not r.short(SHEET_SIGFIGS):
                v = _verdict_for_known(known, "rounded", with_decimals(r))
                return Verdict(v.status, v.credit, f"{v.message} ({r.note()})", v.method, v.misconception, v.detail)
        if right is not None:
            return Verdict("incorrect", 0.0, right.too_few_figures(SHEET_SIGFIGS), "rounded", None, with_decimals(right))
        for known, r in wrong:
            if r is not None:
                v = _verdict_for_known(known, "rounded", with_decimals(r))
                return Verdict(v.status, v.credit, f"{v.message} ({r.too_few_figures(SHEET_SIGFIGS)})", v.method,
                               v.misconception, v.detail)
        return None

    def _explain(self, result: Any, notes: list[str], decimals: bool = True) -> str:
        parts = ["Your answer is not equivalent to the expected one."]
        counter = result.counterexample
        if result.relation:
            parts.append(result.relation["message"])
        elif result.near and not decimals:  # nothing typed was rounded: say what was found
            parts.append("It is very close to the expected value but not equal to it (high "
                         "precision tells them apart): a term or a factor is slightly off.")
        elif result.near:
            parts.append("It is close but not equal (rounded?): use exact values (e.g. log(2*pi), "
                         "1/3) instead of rounded decimals." if self.exact_constants else
                         "It is close but not equal (rounded?): write numbers to at least 4 "
                         "significant figures, correctly rounded, or exact values (e.g. log(2*pi), 1/3).")
        elif counter and counter.get("answer") == "undefined":
            where = ", ".join(f"{k}={v:.4g}" for k, v in counter["point"].items())
            part = f" ({result.undefined_part} has no real value there)" \
                if result.undefined_part else ""
            parts.append(f"It is undefined at {where}{part}, where the expected expression is "
                         "defined: check the domains of log, sqrt and powers.")
        elif counter and counter.get("point"):
            where = ", ".join(f"{k}={v:.4g}" for k, v in counter["point"].items())
            parts.append(f"For example, they differ at {where}.")
        parts.extend(n[0].upper() + n[1:] + "." for n in notes[:1])
        return " ".join(parts)


class NumericGrader(QuestionGrader):
    kind = "numeric"

    def __init__(self, question: Mapping[str, Any], limits: Limits = DEFAULT_LIMITS):
        super().__init__(question, limits)
        answer = _require(question, "answer", "numeric question")
        self.value = self._number(_require(answer, "value", "numeric question: answer"),
                                  "answer.value")
        self.rtol = self._number(answer.get("rtol", 1e-3), "answer.rtol")
        self.atol = self._number(answer.get("atol", 1e-9), "answer.atol")
        sigfigs = answer.get("sigfigs")
        if sigfigs is not None and (isinstance(sigfigs, bool) or not isinstance(sigfigs, int)
                                    or sigfigs < 1):
            raise QuizgenError("numeric question: answer.sigfigs must be a positive integer "
                               "or null")
        self.sigfigs: int | None = sigfigs
        unit = answer.get("unit")
        if unit is not None and unit not in ("nats", "bits", "%"):
            raise QuizgenError("numeric question: answer.unit must be \"nats\", \"bits\", "
                               "\"%\" or null")
        self.unit: str | None = unit
        self.ctx = _context((), _decimal_comma(answer, "numeric"))
        self.known_wrong = self._known(
            question.get("known_wrong"),
            lambda entry, where: self._number(_require(entry, "value", where), f"{where}.value"))

    @staticmethod
    def _number(value: Any, where: str) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or not math.isfinite(value):
            raise QuizgenError(f"numeric question: {where} must be a finite number")
        return float(value)

    def _grade(self, text: str) -> Verdict:
        from quizgen.maths.parse import AmbiguousReading

        try:
            return self._grade_reading(text)
        except AmbiguousReading as err:
            return self._needs_review(text, err)

    def _needs_review(self, text: str, err: Any) -> Verdict:
        """Two readings of the text (``2,143``): grade each; if they agree, that is the verdict;
        otherwise the answer goes to the teacher's needs-review list with both readings."""
        from quizgen.maths.parse import AmbiguousReading

        readings = []
        for description, variant in err.readings:
            try:
                verdict = self._grade_reading(variant)
            except AmbiguousReading:
                verdict = rejected("two ambiguous numbers", "parse")
            except (ParseError, LimitExceeded) as inner:
                verdict = rejected(str(inner), "parse")
            readings.append({"reading": description, "text": variant, "status": verdict.status,
                             "credit": verdict.credit, "value": verdict.detail.get("value")})
        statuses = {(r["status"], r["credit"]) for r in readings}
        if len(statuses) == 1 and readings[0]["status"] != "rejected":
            verdict = self._grade_reading(err.readings[0][1])
            detail = dict(verdict.detail, readings=readings)
            return Verdict(verdict.status, verdict.credit, verdict.message, verdict.method,
                           verdict.misconception, detail)
        both = " or ".join(f"{r['reading']}" for r in readings)
        message = (f"Your answer can be read in two ways ({both}); it is flagged for your "
                   f"teacher to review. {err.reason[0].upper() + err.reason[1:]}.")
        return Verdict("incorrect", 0.0, message, "needs_review", None,
                       {"needs_review": True, "readings": readings})

    def _grade_reading(self, text: str) -> Verdict:
        from quizgen.grading.numeric import NotANumber, numbers_match, read_number

        try:
            got, unit, _notes = read_number(text, self.limits, self.ctx)
        except NotANumber:
            return rejected("Your answer does not have a real, finite value.", "numeric")
        except ParseError as err:
            if hasattr(err, "readings"):
                raise
            return rejected(f"Your answer could not be read as a number: {err.message}",
                            "parse", column=err.column)
        detail: dict[str, Any] = {"value": got}
        if unit is not None:
            detail["unit"] = unit
            if unit == "%" and self.unit is None:
                got = got / 100.0  # 12.5% = 0.125
                detail["value"] = got
            elif self.unit is None:
                return rejected(f"This question's answer has no unit: write just the number, "
                                f"without '{unit}'.", "numeric", unit=unit)
            elif unit != self.unit:
                wrong_unit = f"Your answer is in {unit}, but the question asks for {self.unit}."
                for known in self.known_wrong:  # 6.93 nats for a bits question: the ln-vs-log2 mistake
                    if numbers_match(got, known.target, self.rtol, self.atol, self.sigfigs):
                        verdict = _verdict_for_known(known, "numeric", detail)
                        return Verdict(verdict.status, verdict.credit, f"{wrong_unit} {verdict.message}",
                                       verdict.method, verdict.misconception, verdict.detail)
                return Verdict("incorrect", 0.0, wrong_unit, "numeric", None, detail)
        if numbers_match(got, self.value, self.rtol, self.atol, self.sigfigs):
            return Verdict("correct", 1.0, "Correct.", "numeric", None, detail)
        for known in self.known_wrong:
            if numbers_match(got, known.target, self.rtol, self.atol, self.sigfigs):
                return _verdict_for_known(known, "numeric", detail)
        message = "Your answer is not the expected value."
        if self.value != 0:
            from quizgen.maths.relations import name_factor

            relation = name_factor(got / self.value, max(self.rtol, 1e-9))
            if relation:
                detail["relation"] = relation
                message += " " + relation["message"]
        return Verdict("incorrect", 0.0, message, "numeric", None, detail)


def _tally(chosen: frozenset[str], correct: frozenset[str]) -> str:
    """"2 of your choices are right and 1 wrong" (and "1 of your choices is right")."""
    right = len(chosen & correct)
    return f"{right} of your choices {'is' if right == 1 else 'are'} right and {len(chosen - correct)} wrong"


class ChoiceGrader(QuestionGrader):
    kind = "choice"

    def __init__(self, question: Mapping[str, Any], limits: Limits = DEFAULT_LIMITS):
        super().__init__(question, limits)
        answer = _require(question, "answer", "choice question")
        choices = _require(answer, "choices", "choice question: answer")
        if not isinstance(choices, list) or not choices:
            raise QuizgenError("choice question: answer.choices must be a non-empty list")
        self.labels = [str(_require(c, "label", "choice question: answer.choices[]"))
                       for c in choices]
        if len({label.lower() for label in self.labels}) != len(self.labels):
            raise QuizgenError("choice question: choice labels must be distinct")
        correct = _require(answer, "correct", "choice question: answer")
        if not isinstance(correct, list) or not correct \
                or any(str(c) not in self.labels for c in correct):
            raise QuizgenError("choice question: answer.correct must list labels from "
                               "answer.choices")
        self.correct = frozenset(str(c) for c in correct)
        self.multiple = bool(answer.get("multiple", len(self.correct) > 1))
        explain = answer.get("explain") or {}
        if not isinstance(explain, dict) or not all(isinstance(v, str) for v in explain.values()):
            raise QuizgenError("choice question: answer.explain must map labels to texts")
        self.explain: dict[str, str] = dict(explain)

        def target(entry: dict, where: str) -> str:
            label = str(_require(entry, "choice", where))
            if label not in self.labels:
                raise QuizgenError(f"{where}: choice '{label}' is not one of the labels")
            return label

        self.known_wrong = self._known(question.get("known_wrong"), target)

    def _grade(self, text: str) -> Verdict:
        try:
            chosen = parse_selection(text, self.labels)
        except ChoiceError as err:
            return rejected(f"Your answer could not be read: {err}.", "choice")
        if not self.multiple and len(chosen) > 1:
            return rejected("Choose only one option.", "choice", chosen=sorted(chosen))
        credit = choice_credit(chosen, self.correct, self.labels, self.multiple)
        detail: dict[str, Any] = {"chosen": sorted(chosen)}
        picked = [k for k in self.known_wrong if k.target in chosen]
        if picked and chosen == frozenset([picked[0].target]):
            return _verdict_for_known(picked[0], "choice", detail)
        if credit >= 1.0:
            return Verdict("correct", 1.0, "Correct.", "choice", None, detail)
        status = "partial" if credit > 0 else "incorrect"
        if picked and self.multiple:
            return Verdict(status, credit, _tally(chosen, self.correct) + "." + self._per_option(chosen),
                           "choice", picked[0].name, detail)
        if picked:
            return Verdict(status, credit, picked[0].feedback, "choice", picked[0].name, detail)
        if self.multiple:
            n = len(self.correct)
            message = _tally(chosen, self.correct) + f"; {n} option{' is' if n == 1 else 's are'} correct."
            if len(chosen) == len(self.labels):
                message = "Choosing every option earns no credit."
            message += self._per_option(chosen)
        else:
            message = "That is not the right option."
        return Verdict(status, credit, message, "choice", None, detail)


    def _per_option(self, chosen: frozenset[str]) -> str:
        """Multiple-select feedback: why each wrong pick is wrong, and why each missed option is right."""
        parts = []
        feedback = {k.target: k.feedback for k in self.known_wrong}
        for label in self.labels:
            if label in chosen and label not in self.correct:
                parts.append(f" You chose {label}: {feedback.get(label, 'it is not correct.')}")
            elif label in self.correct and label not in chosen:
                parts.append(f" You missed {label}: {self.explain.get(label, 'it is also correct.')}")
        return "".join(parts)


class TrueFalseGrader(QuestionGrader):
    kind = "truefalse"

    def __init__(self, question: Mapping[str, Any], limits: Limits = DEFAULT_LIMITS):
        super().__init__(question, limits)
        answer = _require(question, "answer", "truefalse question")
        value = _require(answer, "value", "truefalse question: answer")
        if not isinstance(value, bool):
            raise QuizgenError("truefalse question: answer.value must be true or false")
        self.value = value
        reason = answer.get("reason")
        self.reason_labels: list[str] = []
        self.reason_correct = ""
        if reason is not None:
            choices = _require(reason, "choices", "truefalse question: answer.reason")
            if not isinstance(choices, list) or len(choices) < 2:
                raise QuizgenError("truefalse question: answer.reason.choices must list the reasons")
            self.reason_labels = [str(_require(c, "label", "truefalse question: answer.reason.choices[]"))
                                  for c in choices]
            self.reason_correct = str(_require(reason, "correct", "truefalse question: answer.reason"))
            if self.reason_correct not in self.reason_labels:
                raise QuizgenError("truefalse question: answer.reason.correct must be one of the labels")
        self.truth_credit = float(answer.get("truth_credit", 0.5))
        self.truth_feedback = str(answer.get("truth_feedback") or "")

        def target(entry: dict, where: str) -> Any:
            if self.reason_labels:
                label = str(_require(entry, "choice", where))
                if label not in self.reason_labels:
                    raise QuizgenError(f"{where}: choice '{label}' is not one of the reasons")
                return label
            v = _require(entry, "value", where)
            if not isinstance(v, bool):
                raise QuizgenError(f"{where}: value must be true or false")
            return v

        self.known_wrong = self._known(question.get("known_wrong"), target)

    def _grade(self, text: str) -> Verdict:
        if self.reason_labels:
            return self._grade_with_reason(text)
        try:
            got = parse_truefalse(text)
        except ChoiceError as err:
            return rejected(f"Your answer could not be read: {err}.", "choice")
        detail = {"chosen": got}
        if got == self.value:
            return Verdict("correct", 1.0, "Correct.", "choice", None, detail)
        for known in self.known_wrong:
            if known.target == got:
                return _verdict_for_known(known, "choice", detail)
        why = f" {self.truth_feedback}" if self.truth_feedback else ""
        return Verdict("incorrect", 0.0, f"The statement is {str(self.value).lower()}.{why}",
                       "choice", None, detail)


    def _grade_with_reason(self, text: str) -> Verdict:
        """``true, B`` / ``F; C`` / ``false because A``: the truth value first, then the reason's label."""
        how = (f"write true or false, then the letter of the reason, e.g. 'false, {self.reason_labels[-1]}'")
        words = [w for w in re.split(r"[\s,;:/]+|\bbecause\b|\bsince\b", text, flags=re.IGNORECASE) if w]
        if len(words) != 2:
            return rejected(f"Your answer could not be read: {how}.", "choice")
        try:
            truth = parse_truefalse(words[0])
            label = parse_selection(words[1], self.reason_labels)
        except ChoiceError as err:
            return rejected(f"Your answer could not be read: {err}; {how}.", "choice")
        if len(label) != 1:
            return rejected(f"Choose one reason; {how}.", "choice")
        (reason,) = label
        detail: dict[str, Any] = {"chosen": truth, "reason": reason}
        truth_ok, reason_ok = truth == self.value, reason == self.reason_correct
        credit = self.truth_credit * truth_ok + (1 - self.truth_credit) * reason_ok
        if truth_ok and reason_ok:
            return Verdict("correct", 1.0, "Correct.", "choice", None, detail)
        parts = [("The statement is indeed " if truth_ok else "The statement is ")
                 + f"{str(self.value).lower()}."]
        if not truth_ok and self.truth_feedback:
            parts.append(self.truth_feedback)
        known = next((k for k in self.known_wrong if k.target == reason), None)
        if reason_ok:
            parts.append("Your reason is right.")
        elif known is not None:
            parts.append(f"Reason {reason} is not why: {known.feedback}")
            credit += (1 - self.truth_credit) * known.credit
        else:
            parts.append(f"Reason {reason} is not why.")
        status = "partial" if credit > 0 else "incorrect"
        return Verdict(status, credit, " ".join(parts), "choice", known.name if known else None, detail)


_GRADERS: dict[str, type[QuestionGrader]] = {
    "symbolic": SymbolicGrader, "numeric": NumericGrader, "choice": ChoiceGrader,
    "truefalse": TrueFalseGrader, "order": OrderGrader, "vector": VectorGrader,
    "manual": ManualGrader,
}


def _derivation(question: Mapping[str, Any], limits: Limits = DEFAULT_LIMITS) -> QuestionGrader:
    """The derivation grader, imported when a key has one (it needs NumPy at import)."""
    from quizgen.grading.derivation import DerivationGrader

    return DerivationGrader(question, limits)


_GRADERS["derivation"] = _derivation  # type: ignore[assignment]


def _symbolic(question: Mapping[str, Any], limits: Limits = DEFAULT_LIMITS) -> QuestionGrader:
    """A symbolic answer: equivalent as an expression, or (``answer.optimise``) as a loss to
    optimise, judged by its minimiser (quizgen.grading.derivation.OptimiseGrader)."""
    answer = question.get("answer")
    if isinstance(answer, dict) and "optimise" in answer:
        from quizgen.grading.derivation import OptimiseGrader

        return OptimiseGrader(question, limits)
    return SymbolicGrader(question, limits)


_GRADERS["symbolic"] = _symbolic  # type: ignore[assignment]


def compile_question(question: dict, limits: Limits = DEFAULT_LIMITS) -> QuestionGrader:
    """A grader for one key entry. Raises :class:`QuizgenError` naming what is malformed."""
    if not isinstance(question, dict):
        raise QuizgenError("a question in the key must be an object")
    kind = question.get("type")
    if kind not in _GRADERS:
        raise QuizgenError(f"question type {kind!r} is not one of {', '.join(_GRADERS)}")
    return _GRADERS[kind](question, limits)


_compiled: dict[str, QuestionGrader] = {}


def grade_item(question: dict, answer_text: str) -> Verdict:
    """Grade one answer; the compiled question is cached by the JSON of its
    (type, answer, known_wrong), so calling this per student is cheap."""
    try:
        key = json.dumps([question.get("type"), question.get("answer"),
                          question.get("known_wrong")], sort_keys=True)
    except (TypeError, ValueError, AttributeError):
        raise QuizgenError("a question in the key is not valid JSON data") from None
    grader = _compiled.get(key)
    if grader is None:
        grader = compile_question(question)
        if len(_compiled) >= 512:
            _compiled.clear()
        _compiled[key] = grader
    return grader.grade(answer_text)
