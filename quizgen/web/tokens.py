"""Per-student exam tokens: ``HMAC-SHA256(key secret, student id)``, so only the holder of key.json
can make or check them, and one student's token says nothing about another's."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
from typing import Any, Mapping

from quizgen.kernel.seeds import root_seed

TOKEN_CHARS = 24  # hex: 96 bits


def _hmac_key(key: Mapping[str, Any]) -> bytes:
    secret = key.get("secret") or ""
    root = root_seed(int(key["seed"]), secret or None)
    return hashlib.sha256(f"quizgen-exam-token|{root}|{secret}".encode()).digest()


def student_token(key: Mapping[str, Any], student: str) -> str:
    mac = hmac.new(_hmac_key(key), f"student|{student}".encode(), hashlib.sha256)
    return mac.hexdigest()[:TOKEN_CHARS]


def tokens_for(key: Mapping[str, Any]) -> dict[str, str]:
    """student id -> token, for every version in the key."""
    hk = _hmac_key(key)
    return {v["student"]: hmac.new(hk, f"student|{v['student']}".encode(), hashlib.sha256).hexdigest()[:TOKEN_CHARS]
            for v in key["versions"]}


def tokens_csv(key: Mapping[str, Any], base_url: str = "http://127.0.0.1:8000") -> str:
    """``student,token,url`` for every student (what ``quizgen make --tokens`` writes)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["student", "token", "url"])
    for student, token in tokens_for(key).items():
        w.writerow([student, token, f"{base_url.rstrip('/')}/exam/{token}"])
    return out.getvalue()
