"""Request hardening for ``quizgen serve``: body size limit, per-client rate limit, CSRF tokens
and security headers. Pure ASGI / small helpers, no state shared between processes."""

from __future__ import annotations

import hmac
import json
import secrets
import threading
import time
from dataclasses import dataclass

CSRF_COOKIE = "qz_csrf"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


def new_csrf() -> str:
    return secrets.token_hex(16)


def csrf_ok(cookie: str | None, sent: str | None) -> bool:
    """Double-submit check: the token in the form (or header) equals the one in our cookie."""
    return bool(cookie) and bool(sent) and len(sent) <= 64 and hmac.compare_digest(cookie, sent)


async def _send_error(send, status: int, message: str, headers: list[tuple[bytes, bytes]] = ()) -> None:
    body = json.dumps({"ok": False, "error": message}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *headers]})
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """Refuse request bodies larger than ``max_bytes`` (413), whether or not Content-Length is sent."""

    def __init__(self, app, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope.get("headers") or []).get(b"content-length")
        message = f"The request is too large (the limit is {self.max_bytes} bytes)."
        if length is not None:
            try:
                too_big = int(length) > self.max_bytes
            except ValueError:
                return await _send_error(send, 400, "The request has an invalid Content-Length.")
            if too_big:
                return await _send_error(send, 413, message)
        seen = 0

        async def limited():
            nonlocal seen
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLarge()
            return msg

        started = False

        async def tracking_send(msg):
            nonlocal started
            if msg["type"] == "http.response.start":
                started = True
            await send(msg)

        try:
            await self.app(scope, limited, tracking_send)
        except _TooLarge:
            if not started:
                await _send_error(send, 413, message)


class _TooLarge(Exception):
    pass


@dataclass
class _Bucket:
    tokens: float
    stamp: float


class RateLimit:
    """A token bucket per client: ``rate`` requests a second on average, bursts of ``burst``.

    The client is the exam token in the path (``/exam/<token>/...``) when there is one, else the
    peer address: every student of an exam sits behind the same address in a classroom NAT, so
    an address alone would throttle them together.
    """

    def __init__(self, app, rate: float, burst: int, max_clients: int = 100_000):
        self.app, self.rate, self.burst, self.max_clients = app, rate, burst, max_clients
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def client(self, scope) -> str:
        path = scope.get("path", "")
        parts = path.split("/")
        if len(parts) > 2 and parts[1] == "exam" and parts[2]:
            return "exam:" + parts[2][:64]
        peer = scope.get("client") or ("?", 0)
        return "ip:" + str(peer[0])

    def allow(self, who: str) -> float:
        """0 when allowed, else the seconds to wait."""
        now = time.monotonic()
        with self._lock:
            b = self._buckets.get(who)
            if b is None:
                if len(self._buckets) >= self.max_clients:
                    self._buckets.clear()
                b = self._buckets[who] = _Bucket(float(self.burst), now)
            b.tokens = min(self.burst, b.tokens + (now - b.stamp) * self.rate)
            b.stamp = now
            if b.tokens >= 1:
                b.tokens -= 1
                return 0.0
            return (1 - b.tokens) / self.rate

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("path", "").startswith("/static/"):
            return await self.app(scope, receive, send)
        wait = self.allow(self.client(scope))
        if wait:
            secs = max(1, int(wait + 0.999))
            return await _send_error(send, 429, f"Too many requests; wait {secs} s and try again. "
                                                "Your saved answers are kept.",
                                     [(b"retry-after", str(secs).encode())])
        return await self.app(scope, receive, send)


class SecurityHeaders:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def add(msg):
            if msg["type"] == "http.response.start":
                headers = list(msg.get("headers", []))
                headers += [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
                            (b"referrer-policy", b"no-referrer"), (b"x-frame-options", b"DENY"),
                            (b"cache-control", b"no-store")]
                msg = {**msg, "headers": headers}
            await send(msg)

        await self.app(scope, receive, add)
