"""Seeds: every random choice in quizgen is a SHA-256 of what it depends on.

SHA-256 gives the same numbers on every machine and Python version (unlike ``hash()`` or the
stream of a PRNG across library versions), so a variant can be rebuilt from its inputs alone.
"""

from __future__ import annotations

import hashlib

SEED_SCHEME = "quizgen/1"


def digest(*parts: object) -> int:
    """64 bits of SHA-256 over the parts, joined with "|" after the scheme name."""
    text = "|".join(str(p) for p in (SEED_SCHEME, *parts))
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


def variant_seed(exam_seed: int, question_id: str, student: str) -> int:
    """The seed of one variant: a function of (exam seed, question id, student id) alone.

    It does not depend on the question's position, so reordering a sheet keeps every variant.
    SHA-256 makes it identical on every machine and Python version.
    """
    return digest(exam_seed, question_id, student)
