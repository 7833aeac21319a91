"""The domains a symbol may have: one list shared by question files, key.json and the grader.

A domain is part of the key's contract (``answer.symbols``), so authoring, key validation,
sampling and proofs must all mean the same thing by it. Import-light: no SymPy, no NumPy.
"""

from __future__ import annotations

from typing import Literal

Domain = Literal["real", "positive", "nonnegative", "unit_interval", "integer", "positive_integer"]
DOMAINS: tuple[str, ...] = ("real", "positive", "nonnegative", "unit_interval", "integer", "positive_integer")

#: SymPy assumptions for each domain. SymPy has no interval assumption: (0, 1) is only "positive".
ASSUMPTIONS: dict[str, dict[str, bool]] = {
    "real": {"real": True},
    "positive": {"positive": True},
    "nonnegative": {"nonnegative": True},
    "unit_interval": {"positive": True},
    "integer": {"integer": True},
    "positive_integer": {"integer": True, "positive": True},
}
