"""Exam answers in SQLite: the latest answer per (student, question) with a revision number, and an
append-only log of every accepted save. Each save is one transaction with ``synchronous=FULL``, so
an answer acknowledged to the browser survives a server restart or crash."""

from __future__ import annotations

import csv
import io
import sqlite3
import threading
import time
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS answers (
  student TEXT NOT NULL, number INTEGER NOT NULL, question TEXT NOT NULL,
  answer TEXT NOT NULL, rev INTEGER NOT NULL, saved_at REAL NOT NULL,
  PRIMARY KEY (student, number));
CREATE TABLE IF NOT EXISTS log (
  id INTEGER PRIMARY KEY, student TEXT NOT NULL, number INTEGER NOT NULL,
  answer TEXT NOT NULL, rev INTEGER NOT NULL, saved_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS starts (student TEXT PRIMARY KEY, started_at REAL NOT NULL);
"""


class StaleRevision(Exception):
    """The submission was made against an older revision (replayed or from a stale page)."""

    def __init__(self, current: int):
        super().__init__(current)
        self.current = current


class Store:
    def __init__(self, path: str | Path, exam_id: str):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(SCHEMA)
        row = self._db.execute("SELECT v FROM meta WHERE k='exam_id'").fetchone()
        if row is None:
            self._db.execute("INSERT INTO meta VALUES ('exam_id', ?)", (exam_id,))
        elif row[0] != exam_id:
            from quizgen.errors import QuizgenError

            raise QuizgenError(f"{self.path}: holds the answers of another exam (id {row[0]}, not {exam_id}); "
                               "use another --db file")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def answers(self, student: str) -> dict[int, tuple[str, int]]:
        """number -> (answer, revision) of one student."""
        with self._lock:
            rows = self._db.execute("SELECT number, answer, rev FROM answers WHERE student=?", (student,)).fetchall()
        return {n: (a, r) for n, a, r in rows}

    def save(self, student: str, number: int, question: str, answer: str, expected_rev: int) -> int:
        """Store ``answer`` if the stored revision is ``expected_rev``; return the new revision.
        Raises :class:`StaleRevision` otherwise, leaving the stored answer untouched."""
        now = time.time()
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                row = db.execute("SELECT rev FROM answers WHERE student=? AND number=?", (student, number)).fetchone()
                current = row[0] if row else 0
                if current != expected_rev:
                    db.execute("ROLLBACK")
                    raise StaleRevision(current)
                rev = current + 1
                db.execute("INSERT INTO answers VALUES (?,?,?,?,?,?) ON CONFLICT(student, number) DO UPDATE SET "
                           "answer=excluded.answer, rev=excluded.rev, saved_at=excluded.saved_at",
                           (student, number, question, answer, rev, now))
                db.execute("INSERT INTO log (student, number, answer, rev, saved_at) VALUES (?,?,?,?,?)",
                           (student, number, answer, rev, now))
                db.execute("COMMIT")
            except StaleRevision:
                raise
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
        return rev

    def start(self, student: str) -> float:
        """When ``student`` first opened the exam (recorded on the first call)."""
        with self._lock:
            self._db.execute("INSERT OR IGNORE INTO starts VALUES (?, ?)", (student, time.time()))
            return self._db.execute("SELECT started_at FROM starts WHERE student=?", (student,)).fetchone()[0]

    def counts(self) -> tuple[int, int]:
        """(answers stored, saves logged)."""
        with self._lock:
            a = self._db.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
            b = self._db.execute("SELECT COUNT(*) FROM log").fetchone()[0]
        return a, b

    def export_csv(self) -> str:
        """The latest answers as a long-form CSV (student,question,answer) that ``quizgen grade`` reads."""
        with self._lock:
            rows = self._db.execute("SELECT student, question, answer FROM answers ORDER BY student, number").fetchall()
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["student", "question", "answer"])
        w.writerows(rows)
        return out.getvalue()
