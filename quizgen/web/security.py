"""Request hardening for ``quizgen serve``: body size and time limits, per-client rate limits,
CSRF tokens bound to a session and checked against the request's origin, security headers, and a
deadline for slow clients' request headers. Pure ASGI / small helpers."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import re
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, Mapping
from urllib.parse import urlsplit

SESSION_COOKIE = "qz_session"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
HEADER_TIMEOUT = 10.0  # seconds a client has to send a request's headers

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")

_SESSION = re.compile(r"[0-9a-f]{32}")


def new_session() -> str:
    return secrets.token_hex(16)


def valid_session(value: str | None) -> bool:
    return value is not None and _SESSION.fullmatch(value) is not None


def csrf_token(secret: bytes, session: str) -> str:
    """The CSRF token of a session: an HMAC under the server's secret, so a cookie planted by
    another page (cookies are shared between the ports of a host) has no token that goes with it."""
    return hmac.new(secret, f"csrf|{session}".encode(), hashlib.sha256).hexdigest()[:32]


def csrf_ok(secret: bytes, session: str | None, sent: str | None) -> bool:
    return valid_session(session) and bool(sent) and len(sent) <= 64 and \
        hmac.compare_digest(csrf_token(secret, session), sent)  # type: ignore[arg-type]


def same_origin(headers: Mapping[str, str], extra_origins: tuple[str, ...] = ()) -> bool:
    """False when the browser says the request comes from another origin: ``Sec-Fetch-Site``
    other than ``same-origin``/``none``, or an ``Origin`` whose host and port differ from the
    ``Host`` the request was sent to (and from each of ``extra_origins``). ``Origin: null`` (a
    form posted under a strict referrer policy, or a sandboxed frame) passes only with
    ``Sec-Fetch-Site: same-origin``. Clients that send neither header (curl, old browsers) are left
    to the CSRF token."""
    site = headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return False
    origin = headers.get("origin")
    if origin is None or origin in extra_origins:
        return True
    if origin == "null":
        return site == "same-origin"
    return urlsplit(origin).netloc.lower() == headers.get("host", "").lower()


async def _send_error(send, status: int, message: str, headers: list[tuple[bytes, bytes]] = ()) -> None:
    body = json.dumps({"ok": False, "error": message}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *headers]})
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """Read the whole request body before the app sees it: larger than ``max_bytes`` -> 413
    (with or without Content-Length, chunked included), not complete within ``timeout`` seconds
    -> 408, the client gone mid-upload -> nothing (no response, no traceback)."""

    def __init__(self, app, max_bytes: int, timeout: float = 10.0):
        self.app, self.max_bytes, self.timeout = app, max_bytes, timeout

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope.get("headers") or []).get(b"content-length")
        too_large = f"The request is too large (the limit is {self.max_bytes} bytes)."
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                return await _send_error(send, 400, "The request has an invalid Content-Length.")
            if declared > self.max_bytes:
                return await _send_error(send, 413, too_large)
        chunks, seen = [], 0
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                msg = await asyncio.wait_for(receive(), max(0.0, deadline - time.monotonic()))
            except asyncio.TimeoutError:
                return await _send_error(send, 408, f"The request body did not arrive within {self.timeout:g} s.")
            if msg["type"] == "http.disconnect":
                return  # the client left: nothing to answer, nothing to log
            body = msg.get("body", b"")
            seen += len(body)
            if seen > self.max_bytes:
                return await _send_error(send, 413, too_large)
            chunks.append(body)
            if not msg.get("more_body", False):
                break
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


@dataclass
class _Bucket:
    tokens: float
    stamp: float


class RateLimit:
    """A token bucket per client: ``rate`` requests a second on average, bursts of ``burst``.

    The client is the exam token in the path (``/exam/<token>/...``: the page, saves and the
    preview) when it is one of the exam's, else the peer address: a classroom shares one address
    behind its NAT, so an address alone would throttle the students together, while made-up
    tokens must not each get a bucket of their own. At most ``max_clients`` buckets are kept; the
    least recently used one is dropped to make room (never all at once). Each process keeps its
    own buckets (``--workers N`` allows up to N times the rate).
    """

    def __init__(self, app, rate: float, burst: int, max_clients: int = 100_000,
                 known: Callable[[str], bool] = lambda token: False):
        self.app, self.rate, self.burst, self.max_clients, self.known = app, rate, burst, max_clients, known
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._lock = threading.Lock()

    def client(self, scope) -> str:
        parts = scope.get("path", "").split("/")
        if len(parts) > 2 and parts[1] == "exam" and self.known(parts[2]):
            return "exam:" + parts[2]
        peer = scope.get("client") or ("?", 0)
        return "ip:" + str(peer[0])

    def allow(self, who: str) -> float:
        """0 when allowed, else the seconds to wait."""
        now = time.monotonic()
        with self._lock:
            b = self._buckets.get(who)
            if b is None:
                while len(self._buckets) >= self.max_clients:
                    self._buckets.popitem(last=False)
                b = self._buckets[who] = _Bucket(float(self.burst), now)
            else:
                self._buckets.move_to_end(who)
            b.tokens = min(self.burst, b.tokens + (now - b.stamp) * self.rate)
            b.stamp = now
            if b.tokens >= 1:
                b.tokens -= 1
                return 0.0
            return (1 - b.tokens) / self.rate

    def __len__(self) -> int:
        return len(self._buckets)

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
                            (b"referrer-policy", b"same-origin"), (b"x-frame-options", b"DENY"),
                            (b"cache-control", b"no-store")]
                msg = {**msg, "headers": headers}
            await send(msg)

        await self.app(scope, receive, add)


def slow_client_protocol(header_timeout: float = HEADER_TIMEOUT):
    """uvicorn's h11 protocol with a deadline for each request's headers: a client that opens a
    connection (or keeps one alive) and trickles its headers is disconnected after
    ``header_timeout`` seconds instead of holding the connection forever (uvicorn times out only
    idle keep-alive connections, and only once a response is complete; bodies are timed by
    :class:`BodyLimit`)."""
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class SlowClientH11(H11Protocol):
        def connection_made(self, transport):  # type: ignore[override]
            super().connection_made(transport)
            self._header_timer = None
            self._arm_header_deadline()

        def data_received(self, data: bytes) -> None:
            if self._header_timer is None and (self.cycle is None or self.cycle.response_complete):
                self._arm_header_deadline()  # the first bytes of a new request on a kept-alive connection
            super().data_received(data)

        def connection_lost(self, exc):  # type: ignore[override]
            if self._header_timer is not None:
                self._header_timer.cancel()
            super().connection_lost(exc)

        def _arm_header_deadline(self) -> None:
            cycle = self.cycle  # a complete request replaces it; the same one at the deadline: too slow

            def check() -> None:
                self._header_timer = None
                if self.cycle is cycle and not self.transport.is_closing():
                    self.transport.close()

            self._header_timer = self.loop.call_later(header_timeout, check)

    return SlowClientH11
