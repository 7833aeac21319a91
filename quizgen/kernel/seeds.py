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


# ---------------------------------------------------------------- exam integrity
#: A seed below this is searchable by a student (try every seed until the numbers match a sheet),
#: so ``quizgen make`` mixes it with a per-exam secret. The default seed has 128 random bits.
SMALL_SEED = 2**64
SECRET_HEX_DIGITS = 32  # a secret is at least 128 bits, written in hex


def new_seed() -> int:
    """A fresh exam seed: 128 random bits (from the operating system's CSPRNG)."""
    import secrets

    return secrets.randbits(128)


def new_secret() -> str:
    """A fresh per-exam secret: 128 random bits as 32 hex digits."""
    import secrets

    return secrets.token_hex(SECRET_HEX_DIGITS // 2)


def root_seed(seed: int, secret: str | None = None) -> int:
    """The seed every random choice of an exam is drawn from: ``seed`` mixed with ``secret``.

    Without a secret it is ``seed`` itself. With one, it is 128 bits of SHA-256 over both, so
    knowing the exam seed alone (say 7) tells nothing about any variant.
    """
    if not secret:
        return seed
    text = f"{SEED_SCHEME}|mix|{seed}|{secret}"
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:16], "big")


def exam_id(root: int) -> str:
    """The public name of an exam, printed on every sheet: 48 bits of SHA-256 of its root seed.

    It identifies the exam (which key grades this sheet) but cannot be turned back into the
    seed: the root seed has 128 unknown bits, so there is nothing to search.
    """
    text = f"{SEED_SCHEME}|exam-id|{root}"
    h = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    return f"{h[:4]}-{h[4:8]}-{h[8:]}"
