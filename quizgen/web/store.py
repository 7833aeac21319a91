"""Where ``quizgen serve --exam`` keeps answers: a small interface, two engines.

- :class:`SqliteStore` (the default, one file beside key.json): WAL mode, a busy timeout and
  ``synchronous=FULL``, so several worker processes of one machine share it safely and an answer
  acknowledged to the browser survives a crash of the server or of the machine.
- :class:`PostgresStore` (``--db postgresql://...``, psycopg 3): the same tables in PostgreSQL, so
  app processes on several machines behind a load balancer serve one exam and hold no state.

Both keep the latest answer per (student, question) with a revision number, an append-only log of
every accepted save, when each student first opened the exam, and the exam's settings (time limit
and grace), so a restart without ``--time-limit`` keeps the limit. A save is one transaction that
checks the revision and the deadline with the store's own clock (one clock for every machine).
Every row carries the exam id, so one PostgreSQL database can hold several exams.
"""

from __future__ import annotations

import csv
import io
import os
import secrets
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from quizgen.kernel.errors import QuizgenError

DEFAULT_GRACE_SECONDS = 30.0
BUSY_TIMEOUT_MS = 10_000

_TABLES = """
CREATE TABLE IF NOT EXISTS qz_meta (exam TEXT NOT NULL, k TEXT NOT NULL, v TEXT NOT NULL, PRIMARY KEY (exam, k));
CREATE TABLE IF NOT EXISTS qz_answers (
  exam TEXT NOT NULL, student TEXT NOT NULL, number INTEGER NOT NULL, question TEXT NOT NULL,
  answer TEXT NOT NULL, rev INTEGER NOT NULL, saved_at DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (exam, student, number));
CREATE TABLE IF NOT EXISTS qz_log (
  id {serial} PRIMARY KEY, exam TEXT NOT NULL, student TEXT NOT NULL, number INTEGER NOT NULL,
  answer TEXT NOT NULL, rev INTEGER NOT NULL, saved_at DOUBLE PRECISION NOT NULL);
CREATE TABLE IF NOT EXISTS qz_starts (
  exam TEXT NOT NULL, student TEXT NOT NULL, started_at DOUBLE PRECISION NOT NULL, PRIMARY KEY (exam, student));
"""


class StaleRevision(Exception):
    """The submission was made against an older revision (another tab, a replay, a stale page).
    ``current`` and ``answer`` are what is stored, so the page can show it."""

    def __init__(self, current: int, answer: str):
        super().__init__(current)
        self.current, self.answer = current, answer


class TimeUp(Exception):
    """The student's time (limit + grace, on the store's clock) is over."""


class StoreUnavailable(QuizgenError):
    """The store cannot take writes or cannot be reached (disk full, read-only, database down).
    Nothing acknowledged is lost; the message says what the server saw."""


@dataclass(frozen=True)
class Settings:
    """The exam's stored rules. ``time_limit``: seconds from a student's first opening (None: no
    limit); ``grace``: seconds after that during which saves still count (network delays)."""

    time_limit: float | None = None
    grace: float = DEFAULT_GRACE_SECONDS


class Store(Protocol):
    """What serve needs from a store. Implementations are safe to share between threads, and open
    their connections lazily in each process (so a store made before ``fork`` works after it)."""

    settings: Settings

    def start(self, student: str) -> float | None: ...  # seconds left (None: no limit); records the first opening
    def answers(self, student: str) -> dict[int, tuple[str, int]]: ...
    def save(self, student: str, number: int, question: str, answer: str, expected_rev: int) -> int: ...
    def secret(self) -> bytes: ...
    def counts(self) -> tuple[int, int]: ...
    def export_csv(self) -> str: ...
    def close(self) -> None: ...


class _SqlStore:
    """The shared logic; subclasses give a connection, a placeholder style and a clock."""

    P = "?"  # placeholder
    describe = "the answers database"

    def __init__(self, exam_id: str, time_limit: float | None, grace: float | None, *, writable_check: bool = True):
        self.exam = exam_id
        self.settings = Settings()
        self._setup(time_limit, grace, writable_check)

    # ---- hooks
    def _tx(self) -> Any:  # context manager yielding a cursor inside one transaction
        raise NotImplementedError

    def _now_sql(self) -> str:
        raise NotImplementedError

    def _unavailable(self, err: Exception) -> StoreUnavailable:
        raise NotImplementedError

    # ---- helpers
    def _q(self, sql: str) -> str:
        return sql.replace("?", self.P)

    def _run(self, fn):  # noqa: ANN001 - a function of a cursor
        try:
            with self._tx() as cur:
                return fn(cur)
        except (StaleRevision, TimeUp, QuizgenError):
            raise
        except Exception as err:  # noqa: BLE001 - the engine's own error types differ; each is named
            raise self._unavailable(err) from None

    def _meta(self, cur, k: str) -> str | None:
        cur.execute(self._q("SELECT v FROM qz_meta WHERE exam=? AND k=?"), (self.exam, k))
        row = cur.fetchone()
        return None if row is None else row[0]

    def _set_meta(self, cur, k: str, v: str) -> None:
        cur.execute(self._q("INSERT INTO qz_meta VALUES (?,?,?) ON CONFLICT (exam, k) DO UPDATE SET v=excluded.v"),
                    (self.exam, k, v))

    def _setup(self, time_limit: float | None, grace: float | None, writable_check: bool) -> None:
        def setup(cur) -> tuple[Settings, Settings]:
            stored = Settings(*(float(x) if x else None for x in
                                (self._meta(cur, "time_limit"), self._meta(cur, "grace") or str(DEFAULT_GRACE_SECONDS))))
            new = Settings(stored.time_limit if time_limit is None else time_limit,
                           stored.grace if grace is None else grace)
            if writable_check:  # a store that cannot be written is found now, not at the first save
                self._set_meta(cur, "time_limit", "" if new.time_limit is None else repr(new.time_limit))
                self._set_meta(cur, "grace", repr(new.grace))
                if self._meta(cur, "secret") is None:
                    self._set_meta(cur, "secret", secrets.token_hex(32))
            return stored, new

        self.previous, self.settings = self._run(setup)

    # ---- the interface
    def secret(self) -> bytes:
        """A random key made with the store: every process and machine serving the exam shares it
        (CSRF tokens made by one are accepted by the others)."""
        value = self._run(lambda cur: self._meta(cur, "secret"))
        return bytes.fromhex(value) if value else b""

    def start(self, student: str) -> float | None:
        def run(cur):
            cur.execute(self._q(f"INSERT INTO qz_starts VALUES (?, ?, {self._now_sql()}) ON CONFLICT DO NOTHING"),
                        (self.exam, student))
            cur.execute(self._q(f"SELECT started_at, {self._now_sql()} FROM qz_starts WHERE exam=? AND student=?"),
                        (self.exam, student))
            return cur.fetchone()

        limit = self.settings.time_limit
        if limit is None:
            return None
        started, now = self._run(run)
        return started + limit - now

    def answers(self, student: str) -> dict[int, tuple[str, int]]:
        def run(cur):
            cur.execute(self._q("SELECT number, answer, rev FROM qz_answers WHERE exam=? AND student=?"),
                        (self.exam, student))
            return cur.fetchall()

        return {n: (a, r) for n, a, r in self._run(run)}

    def save(self, student: str, number: int, question: str, answer: str, expected_rev: int) -> int:
        """Store ``answer`` if the stored revision is ``expected_rev`` and the student's time is not
        over; return the new revision. Raises :class:`StaleRevision` or :class:`TimeUp` otherwise,
        leaving the stored answer untouched, or :class:`StoreUnavailable`."""
        limit, grace = self.settings.time_limit, self.settings.grace

        def run(cur):
            now_sql = self._now_sql()
            if limit is not None:  # a save without opening the page starts the clock too
                cur.execute(self._q(f"INSERT INTO qz_starts VALUES (?, ?, {now_sql}) ON CONFLICT DO NOTHING"),
                            (self.exam, student))
                cur.execute(self._q(f"SELECT started_at, {now_sql} FROM qz_starts WHERE exam=? AND student=?"),
                            (self.exam, student))
                row = cur.fetchone()
                if row[1] > row[0] + limit + grace:
                    raise TimeUp()
            if expected_rev == 0:
                cur.execute(self._q(f"INSERT INTO qz_answers VALUES (?,?,?,?,?,1,{now_sql}) ON CONFLICT DO NOTHING "
                                    "RETURNING rev, saved_at"), (self.exam, student, number, question, answer))
            else:
                cur.execute(self._q(f"UPDATE qz_answers SET answer=?, rev=rev+1, saved_at={now_sql} "
                                    "WHERE exam=? AND student=? AND number=? AND rev=? RETURNING rev, saved_at"),
                            (answer, self.exam, student, number, expected_rev))
            row = cur.fetchone()
            if row is None:
                cur.execute(self._q("SELECT rev, answer FROM qz_answers WHERE exam=? AND student=? AND number=?"),
                            (self.exam, student, number))
                current = cur.fetchone() or (0, "")
                raise StaleRevision(current[0], current[1])
            cur.execute(self._q("INSERT INTO qz_log (exam, student, number, answer, rev, saved_at) VALUES (?,?,?,?,?,?)"),
                        (self.exam, student, number, answer, row[0], row[1]))
            return row[0]

        return self._run(run)

    def counts(self) -> tuple[int, int]:
        """(answers stored, saves logged)."""
        def run(cur):
            out = []
            for table in ("qz_answers", "qz_log"):
                cur.execute(self._q(f"SELECT COUNT(*) FROM {table} WHERE exam=?"), (self.exam,))
                out.append(cur.fetchone()[0])
            return tuple(out)

        return self._run(run)

    def log(self) -> list[tuple[str, int, str, int]]:
        """Every accepted save, oldest first: (student, number, answer, revision)."""
        def run(cur):
            cur.execute(self._q("SELECT student, number, answer, rev FROM qz_log WHERE exam=? ORDER BY id"), (self.exam,))
            return [tuple(r) for r in cur.fetchall()]

        return self._run(run)

    def export_csv(self) -> str:
        """The latest answers as a long-form CSV (student,question,answer) that ``quizgen grade`` reads."""
        def run(cur):
            cur.execute(self._q("SELECT student, question, answer FROM qz_answers WHERE exam=? ORDER BY student, number"),
                        (self.exam,))
            return cur.fetchall()

        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["student", "question", "answer"])
        w.writerows(self._run(run))
        return out.getvalue()


class SqliteStore(_SqlStore):
    """One SQLite file. One connection per process (opened after a fork), used under a lock by the
    process's threads; processes wait for each other's writes up to the busy timeout."""

    def __init__(self, path: str | Path, exam_id: str, time_limit: float | None = None, grace: float | None = None,
                 *, writable_check: bool = True):
        self.path = Path(path)
        self.describe = str(self.path)
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._pid = -1
        if self.path.is_dir():
            raise QuizgenError(f"{self.path}: is a folder; --db names the answers database file")
        super().__init__(exam_id, time_limit, grace, writable_check=writable_check)

    def _connect(self) -> sqlite3.Connection:
        if self._db is None or self._pid != os.getpid():
            try:
                db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None,
                                     timeout=BUSY_TIMEOUT_MS / 1000)
                db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=FULL")
                if db.execute("SELECT 1 FROM sqlite_master WHERE name='answers'").fetchone():
                    raise QuizgenError(f"{self.path}: was written by an older quizgen serve (no exam column); "
                                       "export its answers with that version, or use another --db file")
                db.executescript(_TABLES.format(serial="INTEGER"))
            except sqlite3.Error as err:
                raise self._unavailable(err) from None
            self._db, self._pid = db, os.getpid()
        return self._db

    class _Tx:
        def __init__(self, store: "SqliteStore"):
            self.store = store

        def __enter__(self):
            self.store._lock.acquire()
            try:
                self.db = self.store._connect()
                self.db.execute("BEGIN IMMEDIATE")
            except BaseException:
                self.store._lock.release()
                raise
            return self.db.cursor()

        def __exit__(self, kind, value, tb):
            try:
                if kind is None:
                    self.db.execute("COMMIT")
                elif self.db.in_transaction:
                    self.db.execute("ROLLBACK")
            finally:
                self.store._lock.release()
            return False

    def _tx(self):
        return SqliteStore._Tx(self)

    def _now_sql(self) -> str:
        return "(julianday('now') - 2440587.5) * 86400.0"  # Unix time with sub-second precision

    def _unavailable(self, err: Exception) -> StoreUnavailable:
        text, folder = str(err), self.path.parent
        if "full" in text:
            hint = " (the disk is full)"
        elif not folder.is_dir():
            hint = f" (no folder {folder})"
        elif not os.access(folder, os.W_OK) or (self.path.exists() and not os.access(self.path, os.W_OK)) \
                or "readonly" in text:
            hint = " (the file or its folder is read-only)"
        else:
            hint = ""
        return StoreUnavailable(f"{self.path}: cannot write the answers database: {text}{hint}")

    def close(self) -> None:
        with self._lock:
            if self._db is not None and self._pid == os.getpid():
                self._db.close()
            self._db = None


class PostgresStore(_SqlStore):
    """PostgreSQL through psycopg 3 and a small connection pool per process (opened after a fork).
    Several machines can serve one exam: every decision (revision, deadline) is made in one
    transaction on the database, with the database's clock."""

    P = "%s"

    def __init__(self, url: str, exam_id: str, time_limit: float | None = None, grace: float | None = None,
                 *, writable_check: bool = True, pool_size: int = 4):
        try:
            import psycopg  # noqa: F401
            import psycopg_pool  # noqa: F401
        except ImportError:
            raise QuizgenError("--db postgresql://... needs psycopg 3: pip install 'quizgen[postgres]'") from None
        self.url, self.pool_size = url, pool_size
        self.describe = _redact(url)
        self._pool = None
        self._pid = -1
        self._lock = threading.Lock()
        self._ensure_tables()
        super().__init__(exam_id, time_limit, grace, writable_check=writable_check)

    def _ensure_tables(self) -> None:
        import psycopg

        try:
            with psycopg.connect(self.url, connect_timeout=10, autocommit=True) as con:
                con.execute("SELECT pg_advisory_lock(20200)")  # two processes creating the tables at once
                try:
                    con.execute(_TABLES.format(serial="BIGSERIAL"))
                finally:
                    con.execute("SELECT pg_advisory_unlock(20200)")
        except psycopg.Error as err:
            raise self._unavailable(err) from None

    def _get_pool(self):
        with self._lock:
            if self._pool is None or self._pid != os.getpid():
                from psycopg_pool import ConnectionPool

                self._pool = ConnectionPool(self.url, min_size=1, max_size=self.pool_size, open=True, timeout=10,
                                            kwargs={"connect_timeout": 10}, name="quizgen")
                self._pid = os.getpid()
            return self._pool

    class _Tx:
        def __init__(self, store: "PostgresStore"):
            self.store = store

        def __enter__(self):
            self.cm = self.store._get_pool().connection()
            self.con = self.cm.__enter__()  # commits on a clean exit, rolls back on an exception
            self.cur = self.con.cursor()
            return self.cur

        def __exit__(self, kind, value, tb):
            self.cur.close()
            return self.cm.__exit__(kind, value, tb)

    def _tx(self):
        return PostgresStore._Tx(self)

    def _now_sql(self) -> str:
        return "extract(epoch from clock_timestamp())::double precision"

    def _unavailable(self, err: Exception) -> StoreUnavailable:
        text = " ".join(str(err).split())
        return StoreUnavailable(f"{self.describe}: cannot use the answers database: {text}")

    def close(self) -> None:
        with self._lock:
            if self._pool is not None and self._pid == os.getpid():
                self._pool.close()
            self._pool = None


def _redact(url: str) -> str:
    """The URL without its password, for messages."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(":" + parts.password + "@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def is_postgres(db: str | Path | None) -> bool:
    return isinstance(db, str) and db.startswith(("postgresql://", "postgres://"))


def open_store(db: str | Path, exam_id: str, time_limit: float | None = None, grace: float | None = None,
               *, writable_check: bool = True) -> _SqlStore:
    """The store named by ``db``: a ``postgresql://`` URL or an SQLite file path. ``time_limit`` /
    ``grace`` (seconds), when given, replace the stored ones; when None the stored ones apply."""
    if is_postgres(db):
        return PostgresStore(str(db), exam_id, time_limit, grace, writable_check=writable_check)
    return SqliteStore(Path(db), exam_id, time_limit, grace, writable_check=writable_check)
