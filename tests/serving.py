"""Helpers for the tests of ``quizgen serve``: a real server process on a free loopback port, and
answer stores of both kinds (an SQLite file, or a fresh schema in the PostgreSQL that
``QUIZGEN_TEST_POSTGRES`` names; ``.ci/run`` starts one and sets it). Without that variable the
PostgreSQL cases skip here and fail under ``CI=true``."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PG_ENV = "QUIZGEN_TEST_POSTGRES"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``quizgen serve ARGS`` in a child process (its own process group); always stopped by the caller."""

    def __init__(self, *args: str, env: dict[str, str] | None = None):
        self.args = args
        self.port = free_port()
        self.env = env
        self.proc: subprocess.Popen | None = None
        self.output = ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 240) -> "Server":
        self.proc = subprocess.Popen([sys.executable, "-m", "quizgen", "serve", "--port", str(self.port), *self.args],
                                     cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     start_new_session=True, env={**os.environ, **(self.env or {})})
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise AssertionError(f"server exited: {self.proc.stdout.read()}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"server did not start in {timeout:g} s")

    def stop(self) -> str:
        """Stop it as Ctrl-C or SIGTERM would; return what it printed."""
        import signal

        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.output, _ = self.proc.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.output, _ = self.proc.communicate()
        return self.output

    def kill9(self) -> None:
        """``kill -9`` of every process of the server at once (a crash, a power cut of the app)."""
        import signal

        os.killpg(self.proc.pid, signal.SIGKILL)
        self.output, _ = self.proc.communicate()


def postgres_base() -> str:
    url = os.environ.get(PG_ENV)
    if not url:
        message = f"{PG_ENV} is not set: no PostgreSQL to test against (.ci/run starts one)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return url


class PgSchema:
    """A schema of its own in the test database, dropped afterwards: the URL selects it."""

    def __init__(self, base: str):
        import psycopg

        self.base, self.name = base, "qz_" + secrets.token_hex(6)
        with psycopg.connect(base, autocommit=True) as con:
            con.execute(f"CREATE SCHEMA {self.name}")
        sep = "&" if "?" in base else "?"
        self.url = f"{base}{sep}options=-csearch_path%3D{self.name}"

    def drop(self) -> None:
        import psycopg

        with psycopg.connect(self.base, autocommit=True) as con:
            con.execute(f"DROP SCHEMA {self.name} CASCADE")


@pytest.fixture(params=["sqlite", "postgresql"])
def store_db(request, tmp_path):
    """Where a test's answers go: an SQLite file, then a PostgreSQL schema (both run the same test)."""
    if request.param == "sqlite":
        yield tmp_path / "answers.sqlite"
        return
    schema = PgSchema(postgres_base())
    try:
        yield schema.url
    finally:
        schema.drop()
