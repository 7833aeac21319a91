"""Grading a derivation line by line: the student writes the steps, the grader finds the first
one that breaks, names what kind each step is, and matches a broken step against the question's
named misconceptions.

An answer is lines (newlines, or ``;`` outside brackets in a CSV cell; ``A = B = C`` on one line
is three lines joined by ``=``). Each line is an expression, optionally after a connector (``=``,
``∝``, ``⇔``, ``⇒``, "same minimiser") and the word ``min`` or ``max`` (``argmin_θ``, ``\\min_{ŷ}``)
that states or switches the problem. The chain starts from the question's objective; every step
is related by :func:`quizgen.maths.steps.relate`. Credit: 1 when every step is valid and the
last line has the required final form; otherwise ``prefix`` credit in proportion to the valid
steps before the first broken one (counted against the model derivation's length).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Mapping

from quizgen.grading.base import QuestionGrader, _require
from quizgen.grading.verdict import Verdict, rejected
from quizgen.kernel.errors import QuizgenError
from quizgen.maths.indexed import Declarations, IndexProblem, TooLarge, check_indices, declarations
from quizgen.maths.limits import DEFAULT_LIMITS, LimitExceeded, Limits
from quizgen.maths.nodes import Add, BigOp, Deriv, Div, Mul, Neg, Node, Sym, to_text
from quizgen.maths.parse import ParseError, parse
from quizgen.generation.question import DETECTORS  # what a misconception may be detected by

GOALS = ("min", "max")
RELATIONS = ("equal", "same_minimiser", "monotone")
#: What a step may do: "optimisation" (any valid step) or "equality" (each line equal to the
#: previous one: a derivative or a value is being computed, not a minimiser kept)
MOVES = ("optimisation", "equality")
KIND_WORDS = {
    "equal": "equal",
    "same_minimiser": "same minimiser",
    "monotone": "monotone transform",
    "invalid": "invalid",
    "undecided": "not decided",
    "unread": "not read",
}
MAX_LINES = 30


# ---------------------------------------------------------------- reading lines
@dataclass(frozen=True)
class Line:
    """One line of a derivation as read: ``connector`` and ``goal`` as typed (None when
    absent), ``text`` the expression part; ``node`` its reading or ``error`` why there is none."""

    number: int
    raw: str
    text: str
    connector: str | None = None
    goal: str | None = None
    node: Node | None = None
    error: str | None = None


_CONNECTORS = [
    ("<=>", "⇔"), ("⇔", "⇔"), ("\\iff", "⇔"), ("\\Leftrightarrow", "⇔"), ("iff", "⇔"),
    ("=>", "⇒"), ("⇒", "⇒"), ("\\Rightarrow", "⇒"), ("\\implies", "⇒"), ("->", "⇒"), ("→", "⇒"),
    ("∝", "∝"), ("\\propto", "∝"), ("propto", "∝"), ("≡", "="), ("=", "="),
]
_SAME = re.compile(r"^(same\s+(?:arg\s*)?(?:minimi[sz]er|maximi[sz]er|argmin|argmax|min|max)"
                   r"(?:\s+as)?)\s*:?\s*", re.IGNORECASE)
_GOAL = re.compile(r"^(?:\\operatorname\{\s*)?\\?(arg\s*\\?)?(min|max)(?:imi[sz]e|imum)?(\})?",
                   re.IGNORECASE)


def split_steps(text: str) -> list[tuple[int, str]]:
    """(number, piece) for each step, numbered 1, 2, …: lines, ``;`` outside brackets, ``=``
    outside brackets (keeping ``=`` as the connector of the piece after it)."""
    out: list[tuple[int, str]] = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        for piece in _split_top(line, ";"):
            parts = _split_equals(piece)
            for k, part in enumerate(parts):
                if part.strip():
                    out.append((len(out) + 1, ("= " if k else "") + part.strip()))
    return out


def _top_level(text: str):
    """(position, character) of each character outside brackets."""
    depth = 0
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(0, depth - 1)
        elif depth == 0:
            yield i, ch


def _split_top(text: str, sep: str) -> list[str]:
    cuts = [i for i, ch in _top_level(text) if ch == sep]
    return [text[a + 1:b] for a, b in zip([-1] + cuts, cuts + [len(text)])]


def _split_equals(text: str) -> list[str]:
    """Split at ``=`` outside brackets that is not part of ``<=>``, ``=>``, ``<=``, ``>=``, and
    not a leading connector."""
    body = text.strip()
    start, out = 0, []
    for i, ch in _top_level(body):
        if ch in "=≡" and i > 0:
            before, after = body[i - 1], body[i + 1: i + 2]
            if before in "<>!=" or after in (">", "="):
                continue
            if not body[start:i].strip() or _only_connector(body[start:i]):
                continue
            out.append(body[start:i])
            start = i + 1
    out.append(body[start:])
    return out


def _only_connector(text: str) -> bool:
    rest = text.strip()
    for typed, _ in _CONNECTORS:
        if rest.startswith(typed):
            rest = rest[len(typed):].strip()
    return not rest


def read_line(number: int, piece: str, decl: Declarations, ctx: Any,
              limits: Limits = DEFAULT_LIMITS) -> Line:
    """Read one step: connector, goal word, expression (never raises)."""
    rest = piece.strip()
    connector = None
    same = _SAME.match(rest)
    if same:
        connector, rest = "same minimiser", rest[same.end():]
    else:
        for typed, name in _CONNECTORS:
            if rest.startswith(typed):
                connector, rest = name, rest[len(typed):].lstrip()
                break
    goal, rest = _read_goal(rest)
    if not rest.strip():
        return Line(number, piece, rest, connector, goal,
                    error="this line has no expression" + (f" after '{goal}'" if goal else ""))
    try:
        node = parse(rest, ctx, limits).node
        check_indices(node, decl, rest)
    except (ParseError, LimitExceeded) as err:
        message = err.message if isinstance(err, ParseError) else str(err)
        return Line(number, piece, rest, connector, goal, error=message)
    except RecursionError:
        return Line(number, piece, rest, connector, goal, error="the line is nested too deeply")
    return Line(number, piece, rest, connector, goal, node)


def _read_goal(text: str) -> tuple[str | None, str]:
    m = _GOAL.match(text)
    if not m:
        return None, text
    end = m.end()
    if m.group(0).startswith("\\operatorname") and not m.group(3):
        return None, text
    nxt = text[end:end + 1]
    if nxt.isalpha() or nxt.isdigit():
        return None, text  # "minus", "maxima", "m" ...: not the goal word
    goal = m.group(2).lower()
    rest = text[end:]
    if rest.startswith("("):
        end = _balanced(rest, 0)
        if end is None or len(_split_top(rest[1:end], ",")) > 1:
            return None, text  # max(a, b): the function, not the goal
    if rest.startswith("_"):
        rest = _skip_subscript(rest[1:])
    rest = rest.lstrip()
    if rest.startswith(":"):
        rest = rest[1:]
    return goal, rest


def _balanced(text: str, start: int) -> int | None:
    """Index of the bracket closing the one at ``start``."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] in "([{":
            depth += 1
        elif text[i] in ")]}":
            depth -= 1
            if depth == 0:
                return i
    return None


def _skip_subscript(text: str) -> str:
    """Drop what ``min_`` ranges over: ``{…}``, ``\\theta``, ``\\hat{y}``, ``θ``, ``ŷ``, ``w``."""
    if text.startswith("{"):
        end = _balanced(text, 0)
        return text[end + 1:] if end is not None else ""
    if text.startswith("\\"):
        m = re.match(r"\\[A-Za-z]+\s*", text)
        rest = text[m.end():] if m else text[1:]
        if rest.startswith("{"):
            end = _balanced(rest, 0)
            return rest[end + 1:] if end is not None else ""
        return _skip_subscript(rest) if m and m.group(0).strip() in ("\\hat", "\\bar") else rest
    k = 1
    while k < len(text) and (text[k] in "\u0302\u0304" or text[k] in "ᵢⱼₖₘₙ₀₁₂₃₄₅₆₇₈₉"):
        k += 1
    return text[k:]


def read_lines(text: str, decl: Declarations, ctx: Any, limits: Limits = DEFAULT_LIMITS) -> list[Line]:
    """Every step of an answer, read (see the module docstring)."""
    return [read_line(number, piece, decl, ctx, limits) for number, piece in split_steps(text)]


# ---------------------------------------------------------------- the key
@dataclass(frozen=True)
class Objective:
    node: Node
    goal: str
    text: str


@dataclass(frozen=True)
class Misconception:
    name: str
    feedback: str
    credit: float
    forms: tuple[Objective, ...] = ()
    detect: str | None = None
    term: Node | None = None  # dropped_term / lost_factor: which one


@dataclass(frozen=True)
class Final:
    target: Objective
    relation: str
    description: str


@dataclass
class StepReport:
    """One step as graded, for the verdict's detail and the feedback."""

    line: int
    text: str
    goal: str
    kind: str
    transform: str | None = None
    factor: float | None = None
    reason: str = ""
    witness: dict[str, Any] | None = None
    diagnosis: dict[str, Any] | None = None
    misconception: str | None = None
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        out = {"line": self.line, "text": self.text, "goal": self.goal, "kind": self.kind}
        for key in ("transform", "factor", "reason", "witness", "diagnosis", "misconception", "note"):
            value = getattr(self, key)
            if value not in (None, ""):
                out[key] = value
        return out


class DerivationGrader(QuestionGrader):
    """Grades a derivation (``type: derivation`` in key.json)."""

    kind = "derivation"

    def __init__(self, question: Mapping[str, Any], limits: Limits = DEFAULT_LIMITS):
        super().__init__(question, limits)
        answer = _require(question, "answer", "derivation question")
        self.decl = _declarations(answer, "derivation question")
        from quizgen.grading.base import _decimal_comma

        self.ctx = self.decl.context(_decimal_comma(answer, "derivation"))
        start = _require(answer, "start", "derivation question: answer")
        self.start = self._objective(start, "answer.start")
        final = _require(answer, "final", "derivation question: answer")
        relation = final.get("relation", "same_minimiser") if isinstance(final, dict) else None
        if relation not in RELATIONS:
            raise QuizgenError(f"derivation question: answer.final.relation must be one of "
                               f"{', '.join(RELATIONS)}")
        self.final = Final(self._objective(final, "answer.final"), relation,
                           str(final.get("description") or ""))
        model = answer.get("model") or []
        if not isinstance(model, list):
            raise QuizgenError("derivation question: answer.model must be a list of steps")
        self.model = [self._objective(step, f"answer.model[{k}]") for k, step in enumerate(model)]
        credit = answer.get("credit") or {}
        if not isinstance(credit, dict):
            raise QuizgenError("derivation question: answer.credit must be an object")
        self.prefix_credit = _fraction(credit.get("prefix", 0.5), "answer.credit.prefix")
        self.min_lines = int(credit.get("min_lines", 1))
        self.strict_connectors = bool(credit.get("strict_connectors", False))
        self.moves = answer.get("moves", "optimisation")
        if self.moves not in MOVES:
            raise QuizgenError(f"derivation question: answer.moves must be one of {', '.join(MOVES)}")
        self.misconceptions = self._misconceptions(question.get("known_wrong"))
        self.key_text = to_text(self.start.node) + "\x1f" + to_text(self.final.target.node)

    # -------------------------------------------------------- key reading
    def _objective(self, raw: Any, where: str) -> Objective:
        if isinstance(raw, str):
            raw = {"expression": raw}
        if not isinstance(raw, dict):
            raise QuizgenError(f"derivation question: {where} must be an object with an expression")
        text = _require(raw, "expression", f"derivation question: {where}")
        goal = raw.get("goal", "min")
        if goal not in GOALS:
            raise QuizgenError(f"derivation question: {where}.goal must be min or max")
        node = read_key_expression(text, self.ctx, self.decl, self.limits,
                                   f"derivation question: {where}.expression")
        return Objective(node, goal, text)

    def _misconceptions(self, raw: Any) -> list[Misconception]:
        out = []
        for entry in self._known(raw, lambda entry, where: entry):
            data = entry.target
            where = f"derivation question: known_wrong '{entry.name}'"
            forms = tuple(self._objective(f, f"known_wrong '{entry.name}'.forms")
                          for f in data.get("forms") or ())
            detect = data.get("detect")
            if detect is not None and detect not in DETECTORS:
                raise QuizgenError(f"{where}: detect must be one of {', '.join(DETECTORS)}")
            if not forms and detect is None:
                raise QuizgenError(f"{where}: give its forms (wrong lines) or what to detect")
            term = None
            if data.get("term") is not None:
                term = self._objective(data["term"], f"known_wrong '{entry.name}'.term").node
            out.append(Misconception(entry.name, entry.feedback, entry.credit, forms, detect, term))
        return out

    # -------------------------------------------------------- grading
    def _grade(self, text: str) -> Verdict:
        from quizgen.maths.steps import seeded

        lines = read_lines(text, self.decl, self.ctx, self.limits)
        if len(lines) > MAX_LINES:
            return rejected(f"Your derivation has {len(lines)} lines; at most {MAX_LINES} are "
                            "graded. Write one step per line.", "limits")
        unread = [ln for ln in lines if ln.error is not None]
        if unread:
            first = unread[0]
            return rejected(f"Line {first.number} ('{first.raw.strip()}') could not be read: "
                            f"{first.error}", "parse", line=first.number,
                            lines=[_line_detail(ln) for ln in lines])
        space = seeded(self.decl, self.key_text, text)
        try:
            return self._grade_lines(space, lines)
        except TooLarge:
            return rejected("Your derivation was not graded: a line is too large once its sums "
                            "are written out; simplify it.", "limits")
        except IndexProblem as err:
            return rejected(f"Your derivation could not be read: {err.reason}.", "parse")
        except ValueError as err:  # a derivative of a function that has none (abs, max, …)
            from quizgen.maths.calculus import NotDifferentiable

            if isinstance(err, NotDifferentiable):
                return rejected(f"Your derivation could not be read: {err}.", "parse")
            raise

    def _grade_lines(self, space, lines: list[Line]) -> Verdict:
        from quizgen.maths.steps import relate

        reports: list[StepReport] = []
        previous, goal = self.start.node, self.start.goal
        first_bad: int | None = None
        undecided = False
        for k, line in enumerate(lines):
            new_goal = line.goal or goal
            relation = relate(space, previous, line.node, new_goal != goal)  # type: ignore[arg-type]
            report = StepReport(line.number, line.raw.strip(), new_goal, relation.kind,
                                relation.transform, relation.factor, relation.reason,
                                relation.witness)
            if relation.valid and relation.kind != "equal" and self.moves == "equality":
                report.kind = "invalid"
                report.reason = (f"each line must equal the previous one here (a value is being "
                                 f"computed); this step is only a {KIND_WORDS[relation.kind]} step")
            elif relation.valid and line.connector == "=" and relation.kind != "equal":
                report.note = (f"you wrote '=', but the lines are not equal: the step is "
                               f"'{KIND_WORDS[relation.kind]}'")
                if self.strict_connectors:
                    report.kind = "invalid"
                    report.reason = "the lines are not equal, as '=' claims"
            if report.kind == "invalid":
                self._diagnose(space, previous, line, goal, new_goal, relation, report)
            reports.append(report)
            if first_bad is None and report.kind == "invalid":
                first_bad = k
            if first_bad is None and report.kind == "undecided":
                undecided = True
                first_bad = k
            previous, goal = line.node, new_goal  # type: ignore[assignment]
        final_ok = self._final_ok(space, lines[-1].node, goal) if lines else False
        return self._verdict(lines, reports, first_bad, undecided, final_ok)

    def _final_ok(self, space, node: Node, goal: str) -> bool:
        from quizgen.maths.steps import relate

        target = self.final.target
        relation = relate(space, target.node, node, goal != target.goal)
        if not relation.valid:
            return False
        if self.final.relation == "equal":
            return relation.kind == "equal" and goal == target.goal
        if self.final.relation == "same_minimiser":
            return relation.kind in ("equal", "same_minimiser") and goal == target.goal
        return True

    # -------------------------------------------------------- what went wrong
    def _diagnose(self, space, before: Node, line: Line, old_goal: str, new_goal: str,
                  relation: Any, report: StepReport) -> None:
        """Name the mistake: the question's misconceptions first (their wrong lines, then what
        they detect), then the generic diagnoses."""
        from quizgen.maths.steps import relate

        after = line.node
        for m in self.misconceptions:
            for form in m.forms:
                r = relate(space, form.node, after, new_goal != form.goal)
                if r.kind == "equal" or (self.moves == "optimisation" and r.valid):
                    report.misconception = m.name
                    report.diagnosis = {"detect": "form"}
                    return
        diagnosis = _generic(space, before, after, old_goal, new_goal, relation, self.decl,  # type: ignore[arg-type]
                             self.moves)
        if diagnosis is None:
            return
        report.diagnosis = {k: v for k, v in diagnosis.items() if k != "node"}
        for m in self.misconceptions:
            if m.detect != diagnosis["detect"]:
                continue
            if m.term is not None:
                term = diagnosis.get("node")
                if term is None or not _same_value(space, m.term, term):
                    continue
            report.misconception = m.name
            return

    # -------------------------------------------------------- the verdict
    def _verdict(self, lines: list[Line], reports: list[StepReport], first_bad: int | None,
                 undecided: bool, final_ok: bool) -> Verdict:
        n_model = max(len(self.model), 1)
        valid_steps = len(reports) if first_bad is None else first_bad
        complete = first_bad is None and final_ok
        enough = len(lines) >= self.min_lines
        misconception = next((r.misconception for r in reports if r.misconception), None)
        known = next((m for m in self.misconceptions if m.name == misconception), None)
        if complete and enough:
            credit, status = 1.0, "correct"
        else:
            credit = self.prefix_credit * min(1.0, valid_steps / n_model)
            if complete:  # right, but fewer lines than the question asks to see
                credit = self.prefix_credit
            if known is not None:
                credit = max(credit, known.credit)
            credit = min(credit, 1.0)
            status = "partial" if credit > 0 else "incorrect"
        message = self._message(reports, first_bad, undecided, final_ok, complete, enough, known)
        detail: dict[str, Any] = {
            "steps": [r.to_dict() for r in reports],
            "final_form": final_ok,
            "valid_steps": valid_steps,
        }
        if first_bad is not None:
            detail["first_invalid_line"] = reports[first_bad].line
        method = "sampled"
        if undecided:
            detail["needs_review"] = True
            method = "undecided"
        return Verdict(status, round(credit, 6), message, method, misconception, detail)

    def _message(self, reports: list[StepReport], first_bad: int | None, undecided: bool,
                 final_ok: bool, complete: bool, enough: bool,
                 known: Misconception | None) -> str:
        parts = []
        for k, r in enumerate(reports):
            parts.append(_step_sentence(k + 1, r, self.decl))
        if undecided:
            parts.append("A step could not be checked automatically; your derivation is flagged "
                         "for your teacher to review.")
        elif first_bad is not None:
            bad = reports[first_bad]
            parts.append(f"The derivation breaks at line {bad.line}.")
            if known is not None:
                parts.append(known.feedback)
        elif not final_ok:
            want = self.final.description or self.final.target.text
            parts.append(f"Every step is valid, but the last line is not in the required form "
                         f"({self.final.target.goal}imise {want}).")
        elif not enough:
            parts.append(f"Every step is valid, but show your working: at least "
                         f"{self.min_lines} lines.")
        else:
            parts.append("Every step is valid and the last line has the required form.")
        return "\n".join(parts)


def _step_sentence(k: int, r: StepReport, decl: Declarations) -> str:
    head = f"Line {r.line}: {KIND_WORDS.get(r.kind, r.kind)}"
    if r.kind == "monotone" and r.transform in ("log", "exp"):
        head += f" ({r.transform})"
    if r.kind == "monotone" and r.transform == "affine":
        head += " (negated, min and max switched)"
    if r.kind in ("invalid", "undecided"):
        if r.diagnosis and r.diagnosis.get("message") and not r.misconception:
            head += f": {r.diagnosis['message']}"  # names the mistake: more than the reason says
        elif r.reason:
            head += f": {r.reason}"
        if r.witness:
            from quizgen.maths.steps import describe_witness

            head += ". " + describe_witness(r.witness, lambda n: pretty_name(n, decl))
        else:
            head += "."
    else:
        head += "."
    if r.note:
        head += f" (Note: {r.note}.)"
    return head


def pretty_name(name: str, decl: Declarations | None = None) -> str:
    """``y_hat[2]`` -> ``ŷ₂``, ``sigma`` -> ``σ`` (for witnesses)."""
    from quizgen.maths.display import _sym_unicode

    family, _, rest = name.partition("[")
    if rest:
        return _sym_unicode(family + "_" + rest.rstrip("]").replace(",", "_"))
    return _sym_unicode(name)


def _line_detail(line: Line) -> dict[str, Any]:
    out: dict[str, Any] = {"line": line.number, "text": line.raw.strip()}
    if line.error:
        out["error"] = line.error
    return out


# ---------------------------------------------------------------- generic diagnoses
def _generic(space, before: Node, after: Node, old_goal: str, new_goal: str, relation: Any,
             decl: Declarations, moves: str = "optimisation") -> dict[str, Any] | None:
    """A named mistake for an invalid step, or None."""
    from quizgen.maths.steps import relate

    switched = new_goal != old_goal
    if relation.witness and relation.witness.get("kind") == "undefined":
        return {"detect": "undefined", "message": "A sign may have changed inside a log or a "
                "square root: the new line has no value at some parameter values"}
    if moves == "equality":  # a value is being computed: no min or max to switch
        r = relate(space, before, after)
        if r.kind == "same_minimiser" and r.factor is not None and not r.offset:  # (factor > 0)
            return {"detect": "lost_factor", "message": f"The new line is {r.factor:.4g} times "
                    "the previous one: a constant factor was lost or added"}
        r = relate(space, Neg(before), after)
        if r.kind == "equal":
            return {"detect": "sign_flip", "message": "The new line is the negative of the "
                    "previous one: a sign was lost"}
        if r.kind == "same_minimiser" and r.factor is not None and not r.offset:
            return {"detect": "sign_flip", "message": f"The new line is {-r.factor:.4g} times the "
                    "previous one: a sign was lost, and a constant factor lost or added"}
    elif not switched and relate(space, before, after, True).valid:
        return {"detect": "sign_flip", "message": "The sign changed but the problem did not: "
                "negating an objective turns a minimum into a maximum, so write max (or min) "
                "on the new line"}
    if moves != "equality" and switched and relate(space, before, after, False).valid:
        return {"detect": "switch_without_negation", "message": "min and max were switched "
                "without negating the objective"}
    for kind, reduced, part, info in _candidates(before, decl):
        try:
            if relate(space, reduced, after, switched).valid:
                return _describe(kind, part, info, decl)
        except (TooLarge, IndexProblem, ValueError):
            continue
    return None


def _describe(kind: str, part: Node, info: dict[str, Any], decl: Declarations) -> dict[str, Any]:
    from quizgen.maths.display import to_unicode

    shown = to_unicode(part)
    params = _params_in(part, decl)
    who = ", ".join(pretty_name(p) for p in params)
    if kind == "dropped_term":
        if params:
            message = (f"The term {shown} was dropped, but it depends on {who} (a parameter "
                       "here): only terms constant in the parameters may be dropped")
        else:
            message = f"The term {shown} was dropped"
        return {"detect": "dropped_term", "term": to_text(part), "depends_on": params,
                "message": message, "node": part}
    per_example = info.get("index") is not None and info["index"] in _letters(part)
    if per_example:
        message = (f"The factor {shown} inside the sum was dropped: it differs from one example "
                   "to the next (a per-example weight), so it cannot be dropped or taken out of "
                   "the sum")
    elif params:
        message = (f"The factor {shown} was dropped, but it depends on {who}: only a positive "
                   "factor constant in the parameters may be dropped")
    else:
        message = f"The factor {shown} inside the sum was dropped"
    return {"detect": "lost_factor", "term": to_text(part), "depends_on": params,
            "per_example": per_example, "message": message, "node": part}


def _letters(node: Node) -> set[str]:
    from quizgen.maths.nodes import walk

    out: set[str] = set()
    for n in walk(node):
        if isinstance(n, Sym) and "_" in n.name:
            out.update(n.name.rpartition("_")[2])
        if isinstance(n, Sym) and len(n.name) == 1:
            out.add(n.name)
    return out


def _params_in(node: Node, decl: Declarations) -> list[str]:
    """The parameters a sub-expression depends on (through definitions too)."""
    from quizgen.maths.nodes import walk

    found: list[str] = []
    stack = [node]
    seen_defs: set[str] = set()
    while stack:
        for n in walk(stack.pop()):
            if not isinstance(n, Sym):
                continue
            split = decl.split(n.name)
            family = split[0] if split else n.name
            if family in decl.definitions and family not in seen_defs:
                seen_defs.add(family)
                stack.append(decl.definitions[family].body)
            s = decl.symbols.get(family)
            if s is not None and s.param and family not in decl.definitions and family not in found:
                found.append(family)
    return found


MAX_CANDIDATES = 40


def _candidates(node: Node, decl: Declarations):
    """Lines that differ from ``node`` by one classic mistake: a term of a sum dropped, or a
    factor of a summand dropped (``kind, the reduced line, the part removed, info``)."""
    out: list[tuple[str, Node, Node, dict[str, Any]]] = []

    def visit(n: Node, rebuild, index: str | None) -> None:
        if len(out) >= MAX_CANDIDATES:
            return
        if isinstance(n, Add):
            for k, term in enumerate(n.terms):
                rest = n.terms[:k] + n.terms[k + 1:]
                reduced = rest[0] if len(rest) == 1 else Add(rest)
                out.append(("dropped_term", rebuild(reduced), term.arg if isinstance(term, Neg) else term,
                            {"index": index}))
            for k, term in enumerate(n.terms):
                visit(term, lambda new, k=k: rebuild(Add(n.terms[:k] + (new,) + n.terms[k + 1:])), index)
        elif isinstance(n, Neg):
            visit(n.arg, lambda new: rebuild(Neg(new)), index)
        elif isinstance(n, Mul):
            for k, factor in enumerate(n.factors):
                if index is not None:
                    rest = n.factors[:k] + n.factors[k + 1:]
                    out.append(("lost_factor", rebuild(rest[0] if len(rest) == 1 else Mul(rest)),
                                factor, {"index": index}))
                visit(factor, lambda new, k=k: rebuild(Mul(n.factors[:k] + (new,) + n.factors[k + 1:])), index)
        elif isinstance(n, Div):
            if index is not None:
                out.append(("lost_factor", rebuild(n.num), n.den, {"index": index}))
            visit(n.num, lambda new: rebuild(Div(new, n.den)), index)
            visit(n.den, lambda new: rebuild(Div(n.num, new)), index)
        elif isinstance(n, BigOp):
            visit(n.body, lambda new: rebuild(BigOp(n.op, new, n.index, n.lower, n.upper)), n.index)
        elif isinstance(n, Deriv):
            visit(n.body, lambda new: rebuild(Deriv(new, n.var)), index)

    visit(node, lambda new: new, None)
    return out


def _same_value(space, a: Node, b: Node) -> bool:
    from quizgen.maths.steps import relate

    try:
        return relate(space, a, b).kind == "equal"
    except (TooLarge, IndexProblem, ValueError):
        return False


# ---------------------------------------------------------------- key helpers
def read_key_expression(text: Any, ctx: Any, decl: Declarations, limits: Limits, where: str) -> Node:
    """An expression of a key, read as a student's line is; a QuizgenError naming ``where``."""
    if not isinstance(text, str):
        raise QuizgenError(f"{where} must be text")
    try:
        node = parse(text, ctx, limits).node
        check_indices(node, decl, text)
    except (ParseError, LimitExceeded) as err:
        reason = err.reason if isinstance(err, ParseError) else str(err)
        raise QuizgenError(f"{where} {text!r}: {reason}") from None
    return node


def _declarations(answer: Mapping[str, Any], where: str) -> Declarations:
    symbols = _require(answer, "symbols", where + ": answer")
    if not isinstance(symbols, dict):
        raise QuizgenError(f"{where}: answer.symbols must be an object")
    try:
        return declarations(symbols, sizes=answer.get("sizes") or {}, free=answer.get("free") or {},
                            define=answer.get("define") or {})
    except (ValueError, ParseError, LimitExceeded) as err:
        raise QuizgenError(f"{where}: {getattr(err, 'reason', None) or err}") from None


def _fraction(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1 \
            or not math.isfinite(value):
        raise QuizgenError(f"derivation question: {where} must be a number from 0 to 1")
    return float(value)


def classify_model(grader: DerivationGrader) -> list[StepReport]:
    """The model derivation as the grader sees it (for solutions: each step's kind)."""
    from quizgen.maths.steps import relate, seeded

    space = seeded(grader.decl, grader.key_text, "model")
    previous, goal = grader.start.node, grader.start.goal
    out = []
    for k, step in enumerate(grader.model):
        relation = relate(space, previous, step.node, step.goal != goal)
        out.append(StepReport(k + 1, step.text, step.goal, relation.kind, relation.transform,
                              relation.factor, relation.reason, relation.witness))
        previous, goal = step.node, step.goal
    return out


__all__ = ["DerivationGrader", "Line", "OptimiseGrader", "StepReport", "classify_model",
           "read_lines", "split_steps", "pretty_name"]



# ---------------------------------------------------------------- "equivalent for optimisation"
class OptimiseGrader(QuestionGrader):
    """A symbolic answer judged by its minimiser (``answer.optimise`` in a symbolic key entry):
    any loss with the same minimiser in the declared parameters is right (MSE, SSE, ½·SSE and
    3·SSE + 7 for "a loss whose minimiser is the maximum-likelihood estimate"), and the verdict says
    which relation was found. ``answer.optimise``: ``goal`` ("min"/"max") and the declarations of a
    derivation (``symbols``, ``sizes``, ``define``, ``free``)."""

    kind = "symbolic"

    def __init__(self, question: Mapping[str, Any], limits: Limits = DEFAULT_LIMITS):
        super().__init__(question, limits)
        answer = _require(question, "answer", "symbolic question")
        spec = _require(answer, "optimise", "symbolic question: answer")
        if not isinstance(spec, dict):
            raise QuizgenError("symbolic question: answer.optimise must be an object")
        self.decl = _declarations(spec, "symbolic question: answer.optimise")
        from quizgen.grading.base import _decimal_comma

        self.ctx = self.decl.context(_decimal_comma(answer, "symbolic"))
        self.goal = spec.get("goal", "min")
        if self.goal not in GOALS:
            raise QuizgenError("symbolic question: answer.optimise.goal must be min or max")
        self.expected = self._read(_require(answer, "expression", "symbolic question: answer"),
                                   "answer.expression")
        self.expected_text = to_text(self.expected)
        self.known_wrong = self._known(
            question.get("known_wrong"),
            lambda entry, where: self._read(_require(entry, "expression", where), f"{where}.expression"))

    def _read(self, text: Any, where: str) -> Node:
        return read_key_expression(text, self.ctx, self.decl, self.limits,
                                   "symbolic question: " + where.removeprefix("symbolic question: "))

    def _grade(self, text: str) -> Verdict:
        from quizgen.grading.base import _verdict_for_known
        from quizgen.maths.steps import describe_witness, relate, seeded

        line = read_line(1, text, self.decl, self.ctx, self.limits)
        if line.error is not None:
            return rejected(f"Your answer could not be read: {line.error}", "parse")
        goal = line.goal or self.goal
        space = seeded(self.decl, self.expected_text, text)
        try:
            relation = relate(space, self.expected, line.node, goal != self.goal)  # type: ignore[arg-type]
        except TooLarge:
            return rejected("Your answer was not graded: it is too large once its sums are "
                            "written out; simplify it.", "limits")
        except (IndexProblem, ValueError) as err:
            return rejected(f"Your answer could not be read: {getattr(err, 'reason', err)}.", "parse")
        detail: dict[str, Any] = {"relation": relation.kind}
        if relation.transform:
            detail["transform"] = relation.transform
        if relation.factor is not None:
            detail["factor"] = relation.factor
        if relation.valid:
            return Verdict("correct", 1.0, "Correct: " + _relation_words(relation, self.goal, goal)
                           + ".", "sampled", None, detail)
        if relation.kind == "undecided":
            detail["needs_review"] = True
            return Verdict("incorrect", 0.0, "Your answer could not be checked automatically; it is "
                           "flagged for your teacher to review.", "undecided", None, detail)
        if relation.witness:
            detail["witness"] = relation.witness
        for known in self.known_wrong:
            if relate(space, known.target, line.node, goal != self.goal).valid:
                return _verdict_for_known(known, "sampled", detail)
        message = f"Your answer does not have the expected minimiser: {relation.reason}."
        if relation.witness:
            message += " " + describe_witness(relation.witness, lambda n: pretty_name(n, self.decl))
        for step_word, answer_word in (("the previous line", "the expected loss"),
                                       ("the previous one", "the expected loss"),
                                       ("the new line", "your answer")):
            message = message.replace(step_word, answer_word)
        return Verdict("incorrect", 0.0, message, "sampled", None, detail)


def _relation_words(relation: Any, goal: str, answered: str) -> str:
    """Which relation was found, in words: "it is 3 times the expected loss plus a constant"."""
    what = "maximiser" if goal == "max" else "minimiser"
    if relation.kind == "equal":
        return "your answer equals the expected one"
    if relation.kind == "same_minimiser":
        times = (f"{relation.factor:.4g} times" if relation.factor is not None
                 else "a positive multiple of")
        plus = " plus a term constant in the parameters" if relation.offset else ""
        return f"your answer is {times} the expected one{plus}, so it has the same {what}"
    if relation.transform in ("log", "exp"):
        how = f"the {relation.transform} of the expected one"
    elif relation.transform == "affine":
        how = "a negative multiple of the expected one (plus a constant)"
    else:
        how = f"{'a decreasing' if relation.direction < 0 else 'an increasing'} function of the expected one"
    switched = ", with max and min switched" if answered != goal else ""
    return f"your answer is {how}{switched}, so it has the same {what}"
