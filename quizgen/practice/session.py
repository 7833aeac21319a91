"""Practice: one question at a time, graded at once, with hints, solutions and fresh variants.

The session logic behind ``quizgen practice`` (terminal) and the practice page of ``quizgen serve``.
It is a thin layer over the pipeline: bank -> :func:`~quizgen.generation.variant.make_variant` -> the key
entry of :func:`~quizgen.generation.key.question_key` -> :func:`quizgen.grading.item.grade_item`, the same
grader ``quizgen grade`` runs. Nothing a learner types is evaluated as code.

Scoring: a question's score is the credit of the FIRST answer to it that is graded (an answer that
cannot be read, or an empty one, is not an attempt: the learner is told how to write it). Later
tries show their verdict but do not change the score; asking for the full solution before any
graded answer scores the question 0. Hints are free.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from quizgen.generation.bank import Entry
from quizgen.grading.reading import Reading, read_answer
from quizgen.kernel.errors import QuizgenError
from quizgen.kernel.seeds import digest

DIFFICULTIES = {"1": 1, "2": 2, "3": 3, "easy": 1, "medium": 2, "hard": 3}


def parse_difficulty(value: str | int | None) -> int | None:
    """``1``/``easy``, ``2``/``medium``, ``3``/``hard``, or None for any."""
    if value is None or value == "" or value == "any":
        return None
    level = DIFFICULTIES.get(str(value).strip().lower())
    if level is None:
        raise QuizgenError(f"unknown difficulty '{value}'; use 1, 2, 3 (or easy, medium, hard)")
    return level


def select_entries(entries: Sequence[Entry], difficulty: int | None, topic: str = "") -> tuple[Entry, ...]:
    """The questions of a topic at ``difficulty`` (all when None); an error when none is left."""
    chosen = tuple(e for e in entries if difficulty is None or e.question.difficulty == difficulty)
    if not chosen:
        levels = sorted({e.question.difficulty for e in entries})
        raise QuizgenError(f"topic '{topic}' has no question of difficulty {difficulty}; "
                           f"it has difficulties {', '.join(map(str, levels))}")
    return chosen


@dataclass(frozen=True)
class Attempt:
    answer: str
    reading: Reading
    verdict: Any  # quizgen.grading.verdict.Verdict
    counted: bool  # this attempt set the question's score


@dataclass
class Item:
    """One question as practised: the entry, its current variant and what happened."""

    entry: Entry
    variant: Any  # quizgen.generation.variant.Variant
    key: dict[str, Any]  # the key.json entry the grader reads
    student: str  # the variant's student id (practice-N-V)
    hints: int = 0
    solution_shown: bool = False
    attempts: list[Attempt] = field(default_factory=list)
    score: float | None = None  # credit of the counted attempt (None: not yet scored)
    misconception: str | None = None
    feedback: str | None = None  # the feedback of the counted attempt, for the summary

    @property
    def points(self) -> float:
        return float(self.variant.points)

    @property
    def subtopic(self) -> str:
        return self.entry.group


@dataclass(frozen=True)
class Outcome:
    """What happened when an answer was submitted."""

    reading: Reading
    verdict: Any | None  # None when the answer could not be read (not an attempt)
    counted: bool
    score: float | None  # the question's score after this answer


class Session:
    """A practice session over ``entries`` (already filtered by topic and difficulty)."""

    def __init__(self, entries: Sequence[Entry], seed: int, topic: str = "",
                 decimal_comma: bool | None = None):
        if not entries:
            raise QuizgenError("no questions to practise")
        self.entries = tuple(entries)
        self.decimal_comma = decimal_comma  # practice --decimal-comma/--decimal-point, as make's
        self.seed = seed
        self.topic = topic
        self.items: list[Item] = []
        self._variants = 0

    # ---------------------------------------------------------------- questions
    def _order(self, round_: int) -> list[Entry]:
        return sorted(self.entries, key=lambda e: digest(self.seed, "practice", round_, e.id))

    def _make(self, entry: Entry) -> Item:
        from quizgen.generation.key import question_key
        from quizgen.generation.variant import make_variant

        self._variants += 1
        student = f"practice-{self._variants}"
        variant = make_variant(entry.question, self.seed, student)
        return Item(entry, variant, question_key(variant, len(self.items) + 1, self.decimal_comma), student)

    @property
    def current(self) -> Item | None:
        return self.items[-1] if self.items else None

    def next_question(self) -> Item:
        """The next question: every question of the selection once, in an order set by the seed,
        then again in a new order (with new numbers)."""
        n = len(self.items)
        round_, pos = divmod(n, len(self.entries))
        entry = self._order(round_)[pos]
        item = self._make(entry)
        self.items.append(item)
        return item

    def new_variant(self) -> Item:
        """A fresh variant of the current question (new numbers); it replaces the current one
        if nothing was graded yet, else it is a new item of its own."""
        cur = self.current
        if cur is None:
            return self.next_question()
        item = self._make(cur.entry)
        if cur.score is None and not cur.solution_shown:
            self.items[-1] = item
        else:
            self.items.append(item)
        return item

    # ---------------------------------------------------------------- answering
    def read(self, text: str) -> Reading:
        cur = self._need()
        return read_answer(cur.key, text)

    def answer(self, text: str) -> Outcome:
        """Show how ``text`` was read, then grade it with the grader ``quizgen grade`` uses."""
        from quizgen.grading.item import grade_item

        cur = self._need()
        reading = read_answer(cur.key, text)
        verdict = grade_item(cur.key, text)
        if verdict.status in ("rejected", "empty", "manual"):
            # not an attempt (the learner is told how to write it), or graded by a person
            return Outcome(reading, verdict, False, cur.score)
        counted = cur.score is None and not cur.solution_shown
        if counted:
            cur.score = float(verdict.credit)
            cur.misconception = verdict.misconception
            cur.feedback = verdict.message
        cur.attempts.append(Attempt(text, reading, verdict, counted))
        return Outcome(reading, verdict, counted, cur.score)

    def hint(self) -> str | None:
        """The first step of the worked solution (Markdown with $math$), or None if there is none."""
        cur = self._need()
        cur.hints += 1
        steps = cur.variant.steps
        if not steps:
            return None
        step = steps[0]
        return step.text + (f"\n\n$${step.latex}$$" if step.latex else "")

    def solution(self) -> list[tuple[str, str | None]]:
        """The worked solution as (text, formula LaTeX) pairs, the answer last. Shown before any
        graded answer, it scores the question 0."""
        cur = self._need()
        if cur.score is None:
            cur.score = 0.0
        cur.solution_shown = True
        steps = [(s.text, s.latex) for s in cur.variant.steps]
        return steps

    def _need(self) -> Item:
        if self.current is None:
            raise QuizgenError("no question yet")
        return self.current

    # ---------------------------------------------------------------- score and summary
    @property
    def scored(self) -> list[Item]:
        return [i for i in self.items if i.score is not None]

    @property
    def earned(self) -> float:
        return math.fsum(i.score * i.points for i in self.scored)

    @property
    def possible(self) -> float:
        return math.fsum(i.points for i in self.scored)

    def summary(self) -> "Summary":
        rows: dict[str, list[Item]] = {}
        for item in self.scored:
            rows.setdefault(item.subtopic, []).append(item)
        groups = []
        review = []
        for sub, items in rows.items():
            earned = math.fsum(i.score * i.points for i in items)
            possible = math.fsum(i.points for i in items)
            groups.append(GroupScore(sub, len(items), earned, possible))
            for i in items:
                if i.score < 1.0:
                    review.append(ReviewItem(sub, i.variant.title, i.misconception,
                                             "you looked at the solution first" if i.solution_shown and not i.attempts
                                             else (i.feedback or "")))
        return Summary(tuple(groups), tuple(review), self.earned, self.possible, len(self.items))


@dataclass(frozen=True)
class GroupScore:
    subtopic: str
    questions: int
    earned: float
    possible: float


@dataclass(frozen=True)
class ReviewItem:
    subtopic: str
    title: str
    misconception: str | None
    why: str


@dataclass(frozen=True)
class Summary:
    groups: tuple[GroupScore, ...]
    review: tuple[ReviewItem, ...]
    earned: float
    possible: float
    shown: int  # questions shown, scored or not


def fmt_points(x: float) -> str:
    """2 -> "2", 1.5 -> "1.5", 0.3333 -> "0.33"."""
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def verdict_label(verdict: Any) -> str:
    return {"correct": "Correct", "partial": "Partly right", "incorrect": "Not right",
            "rejected": "Not read", "empty": "No answer"}.get(verdict.status, verdict.status)


def choices_of(variant: Any) -> list[tuple[str, str]]:
    """(label, option text as Markdown with $math$) of a choice variant."""
    return [(o.label, o.text) for o in getattr(variant, "options", ()) or ()]


def answer_help(key: Mapping[str, Any]) -> str:
    """One line on how to type an answer to this question (with the key's unit and decimal
    comma setting, so an exam served from a key tells each student what its grader accepts)."""
    line = _answer_help(key)
    answer = key.get("answer") or {}
    if key.get("type") == "numeric" and answer.get("unit"):
        line += f" The unit ({answer['unit']}) may follow the number or be left out."
    comma = answer.get("decimal_comma")
    if key.get("type") in ("numeric", "symbolic", "vector") and isinstance(comma, bool):
        from quizgen.kernel.decimals import decimal_sentence

        line += " " + decimal_sentence(comma)
    return line


def _answer_help(key: Mapping[str, Any]) -> str:
    kind = key.get("type")
    answer = key.get("answer") or {}
    if kind == "symbolic":
        from quizgen.kernel.decimals import SHEET_SIGFIGS

        names = ", ".join(answer.get("symbols", {}))
        constants = ("Write constants exactly (log(2*pi)/2, not 0.9189)." if answer.get("exact_constants") else
                     f"A decimal to {SHEET_SIGFIGS} significant figures may stand for an exact constant "
                     "(0.9189 for log(2*pi)/2).")
        return (f"Type an expression in {names} (plain, Unicode or LaTeX: (y - y_hat)^2/2, "
                f"(y − ŷ)²/2 and \\frac{{(y-\\hat{{y}})^2}}{{2}} all work). {constants}")
    if kind == "numeric":
        return "Type a number or an exact expression (0.7817, -log(0.35), 3/8, ln 2)."
    if kind == "choice":
        return "Type the letter(s) of your choice" + (
            ", e.g. B, D (select all that apply)." if answer.get("multiple") else ", e.g. B.")
    if kind == "truefalse":
        if answer.get("reason"):
            return "Type true or false, then the letter of the reason, e.g. false, B."
        return "Type true or false."
    if kind == "order":
        n = len(answer.get("items", []))
        return f"Type the {n} step numbers in the right order, e.g. {', '.join(str(i) for i in range(n, 0, -1))}."
    if kind == "vector":
        n = len(answer.get("values") or answer.get("expressions") or [])
        return f"Type the {n} components in brackets, separated by commas, e.g. ({', '.join('abcdefgh'[:n])})."
    if kind == "derivation":
        return ("Type your derivation one step per line (an empty line ends it). Each line is an "
                "expression, optionally after =, ∝ or ⇔; start a line with min or max when the problem "
                "changes; write a sum as Σ_i (…) or sum(…, i, 1, m).")
    return "Answer in words; this question is graded by a person: you will see the model answer and the rubric."


def options_heading(kind: str) -> str:
    return {"truefalse": "Reasons:", "order": "Steps, in a shuffled order:"}.get(kind, "")
