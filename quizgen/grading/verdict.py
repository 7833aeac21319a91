"""The one result type every grader returns, so the batch grader treats all question types alike."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

STATUSES = ("correct", "partial", "incorrect", "rejected", "empty", "manual")


@dataclass(frozen=True)
class Verdict:
    """How one answer was judged.

    ``status`` is one of :data:`STATUSES` (``manual``: an interview answer, left for a person); ``credit`` the fraction (0..1) of the question's points;
    ``message`` feedback written for the student; ``method`` how the decision was reached
    ("proved", "sampled", "undecided", "numeric", "choice", "parse", "limits", "empty");
    ``misconception`` the name of the recognised known-wrong answer, if any; ``detail`` a
    JSON-serialisable record (seed, points, relation, ...) so a regrade can reproduce the decision.
    """

    status: str
    credit: float
    message: str
    method: str
    misconception: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A plain dict (JSON-serialisable) with the same fields."""
        return asdict(self)


def empty() -> Verdict:
    """The verdict for a blank answer."""
    return Verdict("empty", 0.0, "No answer was given.", "empty")


def rejected(reason: str, method: str = "limits", **detail: Any) -> Verdict:
    """The verdict for an answer the grader refuses to evaluate (unparseable, too big, ...)."""
    return Verdict("rejected", 0.0, reason, method, None, dict(detail))
