"""Multiple choice and true/false: reading what students type, and partial-credit rules.

Choice answers: ``B``, ``b``, ``B, D``, ``B D``, ``BD``, ``{B,D}``, ``(b; d)``, ``B and D``.
Credit with one correct option: 1 or 0. With several (``multiple: true``):
``max(0, (right picks - wrong picks) / number correct)``, and picking every option earns 0.
"""

from __future__ import annotations

import re

_TRUE = {"true", "t", "yes", "y", "1", "wahr", "vrai", "correct"}
_FALSE = {"false", "f", "no", "n", "0", "falsch", "faux", "incorrect"}


class ChoiceError(ValueError):
    """The answer is not a selection of the offered labels; message is for the student."""


def parse_selection(text: str, labels: list[str]) -> frozenset[str]:
    """The set of labels (as in ``labels``) a student chose; case-insensitive."""
    by_lower = {label.lower(): label for label in labels}
    cleaned = re.sub(r"[{}()\[\]]", " ", text.strip())
    parts = [p for p in re.split(r"[\s,;/&+]+|\band\b", cleaned, flags=re.IGNORECASE) if p]
    chosen: set[str] = set()
    single_chars = all(len(label) == 1 for label in labels)
    for part in parts:
        low = part.lower().rstrip(".):")
        if low in by_lower:
            chosen.add(by_lower[low])
        elif single_chars and len(low) > 1 and all(ch in by_lower for ch in low):
            chosen.update(by_lower[ch] for ch in low)
        else:
            shown = part if len(part) <= 20 else part[:20] + "..."
            raise ChoiceError(f"'{shown}' is not one of the options {', '.join(labels)}")
    if not chosen:
        raise ChoiceError(f"choose one of the options {', '.join(labels)}")
    return frozenset(chosen)


def choice_credit(chosen: frozenset[str], correct: frozenset[str], labels: list[str],
                  multiple: bool) -> float:
    """Credit by the documented partial-credit rule."""
    if not multiple:
        return 1.0 if chosen == correct else 0.0
    if len(chosen) == len(labels) and len(correct) < len(labels):
        return 0.0
    right = len(chosen & correct)
    wrong = len(chosen - correct)
    return max(0.0, (right - wrong) / len(correct))


def parse_truefalse(text: str) -> bool:
    """true/false/t/f/yes/no/1/0, case-insensitive. Raises ChoiceError otherwise."""
    low = text.strip().strip(".!").lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise ChoiceError("answer true or false")
