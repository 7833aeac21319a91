"""Graders for the structured answer types: ordered steps, vectors and interview (manual) questions.

Rules (also in docs/typing-answers.md):

- **order**: the student lists the step numbers in order (``3,1,4,2``, ``3 1 4 2``, ``3;1;4;2``,
  ``3 -> 1 -> 4 -> 2``, or ``3142`` when every number is one digit). Each number must appear
  exactly once; anything else is refused with a message saying how to write it. Credit is the
  *longest correct run*, as Moodle's ordering question grades it (``LONGEST_CONTIGUOUS_SUBSET``),
  so an ordering question scores the same in Moodle: the largest number L of steps that follow
  each other in the right order and appear in that order in the answer (not necessarily side by
  side), as ``L / n``; a run of one step earns 0. The full right order earns 1. Steps that
  commute (the key's ``also_correct`` lists the other right orders) are right either way, and a
  run counts against the right order that gives it the most credit.
- **vector**: ``(a, b, c)``, ``[a, b, c]`` or ``a, b, c`` (``;`` may separate too). Each component
  is read like a numeric or symbolic answer and graded on its own; credit is the fraction of right
  components, and the feedback names each wrong one. Commas separate components, so decimals
  are written with a point; an answer that mixes ``0,5`` with ``, `` is refused as ambiguous.
  An answer whose every component matches a known wrong vector gets that entry's feedback and
  credit (the author's judgement of that mistake), not the component count.
- **manual**: never scored automatically. A non-empty answer gets status ``manual`` (0 points
  until a person grades it) and is listed for review with the rubric.
"""

from __future__ import annotations

import math
import re
from typing import Any, Mapping

from quizgen.grading.base import QuestionGrader, _context, _decimal_comma, _require, _verdict_for_known
from quizgen.grading.verdict import Verdict, rejected
from quizgen.kernel.domains import DOMAINS
from quizgen.kernel.errors import QuizgenError
from quizgen.maths.limits import DEFAULT_LIMITS, Limits
from quizgen.maths.names import canonical_symbol
from quizgen.maths.parse import ParseError, parse


# ------------------------------------------------------------------------------------ order
class OrderError(ValueError):
    """The answer is not an order of the steps; the message says how to write one."""


def parse_order(text: str, labels: list[str]) -> list[str]:
    """The step labels in the order the student wrote them. Raises :class:`OrderError`."""
    n = len(labels)
    how = (f"list the {n} step numbers in order, each once, separated by commas "
           f"(for example {', '.join(reversed(labels))})")
    cleaned = re.sub(r"[()\[\]{}]", " ", text.strip()).strip().rstrip(".")
    parts = [p for p in re.split(r"\s*(?:->|→|>|,|;|\s)\s*", cleaned) if p]
    if len(parts) == 1 and len(parts[0]) == n and all(len(lab) == 1 for lab in labels):
        parts = list(parts[0])  # "3142"
    unknown = [p for p in parts if p not in labels]
    if unknown:
        shown = unknown[0] if len(unknown[0]) <= 12 else unknown[0][:12] + "..."
        raise OrderError(f"'{shown}' is not a step number ({labels[0]} to {labels[-1]}); {how}")
    repeated = sorted({p for p in parts if parts.count(p) > 1}, key=labels.index)
    if repeated:
        raise OrderError(f"step {repeated[0]} appears more than once; {how}")
    missing = [lab for lab in labels if lab not in parts]
    if missing:
        raise OrderError(f"step{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
                         f"{'are' if len(missing) > 1 else 'is'} missing; {how}")
    return parts


def longest_run(answer: list[str], correct: list[str]) -> tuple[int, list[str]]:
    """(length, steps) of the longest run: steps consecutive in ``correct`` that the answer lists
    in that order, others possibly between them; the first such run found, reading the answer
    from the left. Moodle's ``get_ordered_subsets`` (contiguous): each step of the answer extends
    every run that ends with the step before it in the right order, else starts a run."""
    pos = {label: i for i, label in enumerate(correct)}
    runs: list[list[str]] = []
    for label in answer:
        extended = False
        for run in runs:
            if pos[label] == pos[run[-1]] + 1:
                run.append(label)
                extended = True
        if not extended:
            runs.append([label])
    best = max(runs, key=len)  # the first of the longest
    return len(best), best


def order_credit(answer: list[str], correct: list[str]) -> float:
    """The documented rule: L / n for the longest correct run L, and 0 when L is 1."""
    length, _ = longest_run(answer, correct)
    return 0.0 if length < 2 else length / len(correct)


class OrderGrader(QuestionGrader):
    kind = "order"

    def __init__(self, question: Mapping[str, Any], limits: Limits = DEFAULT_LIMITS):
        super().__init__(question, limits)
        answer = _require(question, "answer", "order question")
        items = _require(answer, "items", "order question: answer")
        if not isinstance(items, list) or len(items) < 2:
            raise QuizgenError("order question: answer.items must list at least two steps")
        self.labels = [str(_require(it, "label", "order question: answer.items[]")) for it in items]
        correct = _require(answer, "correct", "order question: answer")
        if not isinstance(correct, list) or sorted(map(str, correct)) != sorted(self.labels) \
                or len(set(self.labels)) != len(self.labels):
            raise QuizgenError("order question: answer.correct must list every step label once")
        self.correct = [str(c) for c in correct]
        others = answer.get("also_correct", [])
        if not isinstance(others, list) or any(not isinstance(o, list) or sorted(map(str, o)) != sorted(self.labels)
                                               for o in others):
            raise QuizgenError("order question: answer.also_correct must list orders of every step label")
        self.right = [self.correct] + [[str(x) for x in o] for o in others]

        def target(entry: dict, where: str) -> tuple[str, ...]:
            order = _require(entry, "order", where)
            if not isinstance(order, list) or sorted(map(str, order)) != sorted(self.labels):
                raise QuizgenError(f"{where}: order must list every step label once")
            return tuple(str(o) for o in order)

        self.known_wrong = self._known(question.get("known_wrong"), target)

    def _grade(self, text: str) -> Verdict:
        try:
            got = parse_order(text, self.labels)
        except OrderError as err:
            return rejected(f"Your answer could not be read: {err}.", "order")
        detail: dict[str, Any] = {"order": got}
        if got in self.right:
            return Verdict("correct", 1.0, "Correct.", "order", None, detail)
        for known in self.known_wrong:
            if tuple(got) == known.target:
                return _verdict_for_known(known, "order", detail)
        n = len(self.correct)
        runs = [longest_run(got, r) for r in self.right]
        credits = [0.0 if length < 2 else length / n for length, _ in runs]  # order_credit's rule
        best = credits.index(max(credits))
        (length, steps), credit = runs[best], credits[best]
        detail["longest_run"] = length
        if length < 2:
            message = (f"No two steps that follow each other in the right order come in that order in "
                       f"your answer; a run of at least 2 of the {n} steps earns credit.")
        else:
            message = (f"Your longest run of steps in the right order is {', '.join(steps)} "
                       f"({length} of {n} steps, in this order in your answer though maybe not side by "
                       f"side), worth {length}/{n} of the points.")
        return Verdict("partial" if credit > 0 else "incorrect", credit, message, "order", None, detail)


# ----------------------------------------------------------------------------------- vector
class VectorError(ValueError):
    """The answer is not a vector of the expected length; the message says how to write one."""


_AMBIGUOUS_COMMA = re.compile(r"\d,\d")


def split_vector(text: str, n: int, decimal_comma: bool | None = None) -> list[str]:
    """The component texts of ``(a, b, c)``, ``[a, b, c]`` or ``a, b, c``. Raises VectorError.

    ``decimal_comma`` (the key's setting): True makes a comma between two digits a decimal comma
    (``(0,5; 1,5)``, ``(0,5, 1,5)``); components are then separated by ``;`` or a comma that is
    not between digits."""
    if decimal_comma:
        how = f"write the {n} components in brackets, separated by semicolons, e.g. ({'; '.join('abcdefghijkl'[:n])})"
    else:
        how = f"write the {n} components in brackets, separated by commas, e.g. ({', '.join('abcdefghijkl'[:n])})"
    body = text.strip()
    if len(body) >= 2 and (body[0], body[-1]) in (("(", ")"), ("[", "]")):
        inner = body[1:-1]
        depth = 0
        for ch in inner:  # "(a)*(b)" is not a bracketed vector
            if ch in "([":
                depth += 1
            elif ch in ")]":
                depth -= 1
            if depth < 0:
                break
        else:
            body = inner
    parts, depth, current = [], 0, []
    seps = []
    for i, ch in enumerate(body):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        decimal = (decimal_comma and ch == "," and 0 < i < len(body) - 1
                   and body[i - 1].isdigit() and body[i + 1].isdigit())
        if depth == 0 and ch in ",;" and not decimal:
            parts.append("".join(current))
            seps.append((ch, body[i + 1: i + 2]))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    if any(not p.strip() for p in parts):
        raise VectorError(f"a component is empty; {how}")
    commas = [after for sep, after in seps if sep == ","]
    if decimal_comma is False and len(parts) != n and _AMBIGUOUS_COMMA.search(body):
        raise VectorError(f"this exam writes decimals with a point (0.5), and a comma separates components; {how}")
    if decimal_comma is None and commas and _AMBIGUOUS_COMMA.search(body) and len({a == " " for a in commas}) > 1:
        raise VectorError(f"a comma is both a decimal comma and a separator here; write decimals with a point (0.5); {how}")
    if len(parts) != n:
        if n > len(parts) == 1:
            raise VectorError(f"the answer is a vector of {n} components, not one value; {how}")
        raise VectorError(f"expected {n} components, got {len(parts)}; {how}")
    return [p.strip() for p in parts]


class VectorGrader(QuestionGrader):
    kind = "vector"

    def __init__(self, question: Mapping[str, Any], limits: Limits = DEFAULT_LIMITS):
        super().__init__(question, limits)
        answer = _require(question, "answer", "vector question")
        self.decimal_comma = _decimal_comma(answer, "vector")
        self.ctx = _context((), self.decimal_comma)
        self.numeric = "values" in answer
        if self.numeric:
            values = _require(answer, "values", "vector question: answer")
            if not isinstance(values, list) or len(values) < 2:
                raise QuizgenError("vector question: answer.values must list at least two numbers")
            self.expected = [self._number(v, "answer.values[]") for v in values]
            self.rtol = self._number(answer.get("rtol", 1e-3), "answer.rtol")
            self.atol = self._number(answer.get("atol", 1e-9), "answer.atol")
            sigfigs = answer.get("sigfigs")
            if sigfigs is not None and (isinstance(sigfigs, bool) or not isinstance(sigfigs, int) or sigfigs < 1):
                raise QuizgenError("vector question: answer.sigfigs must be a positive integer or null")
            self.sigfigs = sigfigs
        else:
            exprs = _require(answer, "expressions", "vector question: answer")
            symbols = answer.get("symbols") or {}
            if not isinstance(exprs, list) or len(exprs) < 2 or not isinstance(symbols, dict):
                raise QuizgenError("vector question: answer.expressions must list at least two expressions "
                                   "and answer.symbols be an object")
            self.domains: dict[str, str] = {}
            for name, domain in symbols.items():
                if domain not in DOMAINS:
                    raise QuizgenError(f"vector question: symbol '{name}' has unknown domain '{domain}'")
                self.domains[canonical_symbol(name)] = domain
            self.ctx = _context(self.domains, self.decimal_comma)
            self.expected = [self._parse_key(e, "answer.expressions[]") for e in exprs]
        self.n = len(self.expected)

        def target(entry: dict, where: str) -> list[Any]:
            field = "values" if self.numeric else "expressions"
            raw = _require(entry, field, where)
            if not isinstance(raw, list) or len(raw) != self.n:
                raise QuizgenError(f"{where}: {field} must list {self.n} components")
            if self.numeric:
                return [self._number(v, f"{where}.values[]") for v in raw]
            return [self._parse_key(e, f"{where}.expressions[]") for e in raw]

        self.known_wrong = self._known(question.get("known_wrong"), target)

    @staticmethod
    def _number(value: Any, where: str) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise QuizgenError(f"vector question: {where} must be a finite number")
        return float(value)

    def _parse_key(self, text: Any, where: str):
        if not isinstance(text, str):
            raise QuizgenError(f"vector question: {where} must be text")
        try:
            return parse(text, self.ctx, self.limits).node
        except ParseError as err:
            raise QuizgenError(f"vector question: {where} {text!r}: {err.reason}") from None

    def _component(self, i: int, text: str) -> tuple[Verdict | None, bool, set[str], str]:
        """(rejection or None, right?, names of known wrong vectors whose component i it matches, message)."""
        from quizgen.grading.numeric import NotANumber, numbers_match, parse_number

        if self.numeric:
            try:
                got = parse_number(text, self.limits, self.ctx)
            except NotANumber:
                return rejected(f"Component {i + 1} does not have a real, finite value.", "numeric"), False, set(), ""
            except ParseError as err:
                return rejected(f"Component {i + 1} could not be read as a number: {err.message}", "parse"), False, set(), ""

            def same(a: float, b: float) -> bool:
                return numbers_match(a, b, self.rtol, self.atol, self.sigfigs)

            right = same(got, self.expected[i])
            matched = {k.name for k in self.known_wrong if same(got, k.target[i])}
            message = ""
            if not right and self.expected[i] != 0:
                from quizgen.maths.relations import name_factor

                relation = name_factor(got / self.expected[i], max(self.rtol, 1e-9))
                message = relation["message"] if relation else ""
            return None, right, matched, message
        from quizgen.maths.equiv import Comparison
        from quizgen.maths.nodes import free_symbols, to_text
        from quizgen.maths.sampling import seed_for

        try:
            parsed = parse(text, self.ctx, self.limits)
        except ParseError as err:
            return rejected(f"Component {i + 1} could not be read: {err.message}", "parse"), False, set(), ""
        expected = self.expected[i]
        seed = seed_for(to_text(expected), to_text(parsed.node))  # the component as read
        comparison = Comparison(parsed.node, self.domains, seed, self.limits,
                                free_symbols(expected), parsed.symbols)
        result = comparison.against(expected, want_relation=False, target_symbols=free_symbols(expected))
        matched = set()
        for k in self.known_wrong:
            if comparison.against(k.target[i], want_relation=False, target_symbols=free_symbols(k.target[i]),
                                  only_status=True).equivalent:
                matched.add(k.name)
        message = "it could not be checked automatically" if result.status == "undecided" else ""
        return None, bool(result.equivalent), matched, message

    def _grade(self, text: str) -> Verdict:
        try:
            parts = split_vector(text, self.n, self.decimal_comma)
        except VectorError as err:
            return rejected(f"Your answer could not be read: {err}.", "vector")
        rights, matches, notes = [], [], []
        for i, part in enumerate(parts):
            refused, right, matched, message = self._component(i, part)
            if refused is not None:
                return refused
            rights.append(right)
            matches.append(matched)
            notes.append(message)
        detail: dict[str, Any] = {"components": [bool(r) for r in rights]}
        credit = sum(rights) / self.n
        if all(rights):
            return Verdict("correct", 1.0, "Correct.", "vector", None, detail)
        for known in self.known_wrong:
            if all(known.name in m for m in matches):
                return _verdict_for_known(known, "vector", detail)
        wrong = [i for i, r in enumerate(rights) if not r]
        right = sum(rights)
        lines = [f"{right} of {self.n} components {'is' if right == 1 else 'are'} right."]
        for i in wrong:
            lines.append(f"Component {i + 1} is not the expected value" + (f": {notes[i]}" if notes[i] else "."))
        return Verdict("partial" if credit > 0 else "incorrect", credit, " ".join(lines), "vector", None, detail)


# ----------------------------------------------------------------------------------- manual
class ManualGrader(QuestionGrader):
    kind = "manual"

    def __init__(self, question: Mapping[str, Any], limits: Limits = DEFAULT_LIMITS):
        super().__init__(question, limits)
        answer = _require(question, "answer", "manual question")
        rubric = _require(answer, "rubric", "manual question: answer")
        if not isinstance(rubric, list) or not all(isinstance(r, str) for r in rubric):
            raise QuizgenError("manual question: answer.rubric must be a list of texts")
        self.rubric = list(rubric)

    def _grade(self, text: str) -> Verdict:
        return Verdict("manual", 0.0, "This answer is graded by a person (interview question); it is listed "
                       "for review and scores 0 until then.", "manual", None,
                       {"needs_review": True, "rubric": self.rubric})
