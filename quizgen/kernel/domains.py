"""The domains a symbol may have: one list shared by question files, key.json and the grader.

A domain is part of the key's contract (``answer.symbols``), so authoring, key validation,
sampling and proofs must all mean the same thing by it. Import-light: no SymPy, no NumPy.
"""

from __future__ import annotations

from typing import Literal

Domain = Literal["real", "positive", "nonnegative", "unit_interval", "integer", "positive_integer",
                 "nonnegative_integer"]
DOMAINS: tuple[str, ...] = ("real", "positive", "nonnegative", "unit_interval", "integer", "positive_integer",
                            "nonnegative_integer")

#: SymPy assumptions for each domain. SymPy has no interval assumption: (0, 1) is only "positive".
ASSUMPTIONS: dict[str, dict[str, bool]] = {
    "real": {"real": True},
    "positive": {"positive": True},
    "nonnegative": {"nonnegative": True},
    "unit_interval": {"positive": True},
    "integer": {"integer": True},
    "positive_integer": {"integer": True, "positive": True},
    "nonnegative_integer": {"integer": True, "nonnegative": True},
}

#: The domain of a symbol given several (``quizgen equiv --integer n --nonnegative n``): their
#: intersection, or None when no number is in all of them (an integer in (0, 1)).
_SETS = {  # (lowest bound, whether the bound is included, upper bound is 1, integers only)
    "real": (None, False, False, False), "positive": (0, False, False, False),
    "nonnegative": (0, True, False, False), "unit_interval": (0, False, True, False),
    "integer": (None, False, False, True), "positive_integer": (0, False, False, True),
    "nonnegative_integer": (0, True, False, True),
}


def intersect(first: str, second: str) -> str | None:
    """The domain of the numbers in both ``first`` and ``second`` (None: no number is)."""
    a, b = _SETS[first], _SETS[second]
    low = a[0] if b[0] is None else b[0]
    included = (a[1] if a[0] is not None else True) and (b[1] if b[0] is not None else True)
    below_one, integer = a[2] or b[2], a[3] or b[3]
    if below_one and integer:
        return None
    for name, spec in _SETS.items():
        if spec == (low, included if low is not None else False, below_one, integer):
            return name
    raise AssertionError((first, second))  # every intersection of the list is in the list
