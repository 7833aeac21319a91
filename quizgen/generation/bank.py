"""Bank: find and load questions.

A bank is a folder of topics; a topic is a folder of sub-topic folders (or of question files directly),
and a question is one file ``<topic>/[<subtopic>/]<name>.py`` defining ``QUESTION`` with id
``<topic>/<name>`` (names are unique within a topic, so ids do not change when a question moves
between sub-topics); a ``derive`` or ``check`` the ``Question`` leaves out is the file's function of
that name. Files and folders whose names start with ``_`` are helpers, not questions. The shipped bank comes
first; ``--bank DIR`` folders are added after it and may add topics or questions (a question id
that already exists is an error, so nothing is silently shadowed).
"""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from quizgen.generation.question import Question, Symbolic, failure
from quizgen.kernel.domains import DOMAINS
from quizgen.kernel.errors import QuestionError, QuizgenError
from quizgen.kernel.resources import shipped


@dataclass(frozen=True)
class Entry:
    """A loaded question and the file it came from."""

    question: Question
    path: Path
    subtopic: str = ""  # the sub-topic folder, "" for a file directly in its topic folder

    @property
    def id(self) -> str:
        return self.question.id

    @property
    def topic(self) -> str:
        return self.id.split("/", 1)[0]

    @property
    def group(self) -> str:
        """``topic/subtopic`` (or just the topic): what ``--topic`` selects and ``list`` groups by."""
        return f"{self.topic}/{self.subtopic}" if self.subtopic else self.topic


@dataclass(frozen=True)
class Bank:
    topics: dict[str, tuple[Entry, ...]]

    def topic(self, name: str) -> tuple[Entry, ...]:
        """The questions of a topic (``mle``) or of one sub-topic (``mle/kl``), in bank order."""
        top, _, sub = name.partition("/")
        if top not in self.topics:
            valid = ", ".join(sorted(self.topics)) or "(none)"
            raise QuizgenError(f"unknown topic '{name}'; valid topics: {valid}")
        if not sub:
            return self.topics[top]
        entries = tuple(e for e in self.topics[top] if e.subtopic == sub)
        if not entries:
            valid = ", ".join(self.subtopics(top)) or "(none)"
            raise QuizgenError(f"unknown sub-topic '{name}'; valid sub-topics: {valid}")
        return entries

    def subtopics(self, topic: str) -> tuple[str, ...]:
        """The ``topic/subtopic`` groups of a topic, in bank order."""
        return tuple(dict.fromkeys(e.group for e in self.topics.get(topic, ())))

    def find(self, qid: str) -> Entry:
        for entries in self.topics.values():
            for e in entries:
                if e.id == qid:
                    return e
        raise QuizgenError(f"unknown question '{qid}'; see `quizgen list` for the valid ids")


def load_bank(extra: Sequence[str | Path] = ()) -> Bank:
    """Load the shipped bank plus the ``extra`` bank folders, in that order."""
    topics: dict[str, list[Entry]] = {}
    seen: dict[str, Path] = {}
    for root in [shipped("question_bank"), *map(Path, extra)]:
        if not root.is_dir():
            raise QuizgenError(f"bank folder not found: {root}")
        topic_dirs = sorted(d for d in root.iterdir() if d.is_dir() and not d.name.startswith((".", "_")))
        if root != shipped("question_bank") and not topic_dirs:
            raise QuizgenError(f"{root}: no topic folders found (expected {root}/<topic>/<question>.py)")
        for tdir in topic_dirs:
            for path, sub in _question_files(tdir):
                q = load_question(path, tdir.name)
                if q.id in seen:
                    raise QuestionError(f"{path}: question id '{q.id}' is already defined in {seen[q.id]}")
                seen[q.id] = path
                topics.setdefault(tdir.name, []).append(Entry(q, path, sub))
    return Bank({t: tuple(es) for t, es in topics.items()})


def _question_files(tdir: Path) -> list[tuple[Path, str]]:
    """(file, sub-topic) for every question of a topic folder: its own files first, then each sub-folder's."""
    found = [(p, "") for p in sorted(tdir.glob("*.py")) if not p.name.startswith("_")]
    for sub in sorted(d for d in tdir.iterdir() if d.is_dir() and not d.name.startswith((".", "_"))):
        found += [(p, sub.name) for p in sorted(sub.glob("*.py")) if not p.name.startswith("_")]
    return found


def load_question(path: Path, topic: str) -> Question:
    """Import one question file and validate what it declares."""
    modname = f"quizgen_bank_{topic}_{path.parent.name}_{path.stem}"
    spec = importlib.util.spec_from_file_location(modname, path)
    if spec is None or spec.loader is None:
        raise QuestionError(f"{path}: cannot be imported as a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[modname] = module
    try:
        spec.loader.exec_module(module)
    except Exception as err:  # an author's bug: say which file, in one line
        raise QuestionError(failure(f"{path}: failed to load", err)) from None
    q = getattr(module, "QUESTION", None)
    if not isinstance(q, Question):
        raise QuestionError(f"{path}: defines no QUESTION = Question(...)")
    for role, args in (("derive", "s"), ("check", "p, x")):
        if getattr(q, role) is None:  # left out: the file's own function of that name
            fn = getattr(module, role, None)
            if not callable(fn):
                raise QuestionError(f"{path}: defines no {role}({args}) and its Question gives no {role}=")
            object.__setattr__(q, role, fn)  # the Question is frozen, but not yet handed to anyone
    _validate(q, path, topic)
    return q


def _validate(q: Question, path: Path, topic: str) -> None:
    if not q.id.startswith(f"{topic}/") or q.id != f"{topic}/{path.stem}":
        raise QuestionError(f"{path}: question id '{q.id}' must be '{topic}/{path.stem}' (topic/file name)")
    names = [p.name for p in q.params]
    if len(set(names)) != len(names):
        raise QuestionError(f"{path}: a parameter name is declared twice: {names}")
    if isinstance(q.answer, Symbolic):
        for sym, dom in q.answer.symbols.items():
            if dom not in DOMAINS:
                raise QuestionError(f"{path}: symbol '{sym}' has unknown domain '{dom}'; valid: {', '.join(DOMAINS)}")
            if sym in names:
                raise QuestionError(f"{path}: '{sym}' is both a parameter and an answer symbol")


def select(entries: Iterable[Entry], ids: Sequence[str] | None) -> tuple[Entry, ...]:
    """The entries named by ``ids`` (full ids or bare names), in the order given; all when ``ids`` is None."""
    entries = tuple(entries)
    if not ids:
        return entries
    by_id = {e.id: e for e in entries}
    by_name = {e.id.split("/", 1)[1]: e for e in entries}
    chosen = []
    for i in ids:
        e = by_id.get(i) or by_name.get(i)
        if e is None:
            valid = ", ".join(sorted(by_name))
            raise QuizgenError(f"unknown question '{i}'; valid questions: {valid}")
        if e in chosen:
            raise QuizgenError(f"question '{e.id}' is listed twice; each question appears once on a sheet")
        chosen.append(e)
    return tuple(chosen)
