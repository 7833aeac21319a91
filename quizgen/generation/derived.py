"""What SymPy derived for a question, kept on disk from one run to the next (see :mod:`quizgen.kernel.cache`).

Deriving a question and building each of its variants (substituting numbers, printing LaTeX,
verifying the key against the question's own NumPy check) is most of ``make``'s time, and the
same question file with the same parameter values always gives the same result. So each result
is kept in the cache folder, under ``derived/``, named by a digest of

- the question's definition: its file's bytes and every field of the :class:`Question` that is
  not code (a question changed in memory, e.g. its figures removed, is another question);
- quizgen's code, SymPy's, NumPy's, matplotlib's and Python's versions (:func:`quizgen.kernel.cache.code_version`);

so an entry is never used by other code or for another question. A question's entries are in
"shards": each run (or forked worker) that built something new adds one shard, written
atomically, so runs at once never lose each other's work; a reader merges them, and rewrites
them as one when there are many. Deleting the folder is always safe. ``QUIZGEN_CACHE=off``: no
reading or writing, everything derived afresh.

Entries are pickles (SymPy expressions and quizgen's own dataclasses): the cache folder is
trusted like ``__pycache__``. One that cannot be read is ignored. A sum, product or power is
kept as it was made (:func:`_as_made`): SymPy's own pickling builds it again evaluated, so a
question's ``Mul(ss, 1/5, evaluate=False)`` came back as ``ss_1/5 + ss_2/5 + ...``, and the
variants made from a cached derivation differed from those made afresh.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import pickle
import sys
import types
from typing import Any

from quizgen.kernel import cache

KIND = "derived"
#: Shards of a question merged into one when a reader finds more than this many.
MAX_SHARDS = 8

_MISSING = object()


def _as_made(cls: type, args: tuple) -> Any:
    """A SymPy Add, Mul or Pow from its arguments, not evaluated again: the same expression,
    whether it was made evaluated (its arguments are already canonical) or not."""
    return cls(*args, evaluate=False)


class _Pickler(pickle.Pickler):
    """Pickles SymPy's sums, products and powers by :func:`_as_made`."""

    def reducer_override(self, obj: Any) -> Any:
        kind = type(obj)
        if kind in _KEPT_AS_MADE:
            return _as_made, (kind, obj.args)
        return NotImplemented


def _kept_as_made() -> frozenset[type]:
    import sympy as sp

    return frozenset({sp.Add, sp.Mul, sp.Pow})


def _dumps(value: Any) -> bytes:
    global _KEPT_AS_MADE
    if not _KEPT_AS_MADE:
        _KEPT_AS_MADE = _kept_as_made()
    out = io.BytesIO()
    _Pickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return out.getvalue()


_KEPT_AS_MADE: frozenset[type] = frozenset()


def _file_digest(path: str) -> str:
    try:
        with open(path, "rb") as fh:
            return hashlib.sha256(fh.read()).hexdigest()
    except OSError:
        return "unreadable"


def _describe(value: Any, files: dict[str, str]) -> str:
    """A stable text for a question's field: code by its module, name and its file's digest."""
    if callable(value) and hasattr(value, "__code__"):
        path = value.__code__.co_filename
        if path not in files:
            files[path] = _file_digest(path)
        return f"<code {value.__qualname__} {files[path]}>"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        inner = ", ".join(f"{f.name}={_describe(getattr(value, f.name), files)}" for f in dataclasses.fields(value))
        return f"{type(value).__name__}({inner})"
    if isinstance(value, (list, tuple)):
        return "(" + ", ".join(_describe(v, files) for v in value) + ")"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {_describe(v, files)}" for k, v in value.items()) + "}"
    return repr(value)


_LIBRARIES = tuple(os.path.realpath(p) for p in {sys.prefix, sys.base_prefix, os.path.dirname(os.__file__),
                                                   os.path.dirname(os.path.dirname(__file__))})


def _helper_files(question: Any, seen: set[str]) -> set[str]:
    """The files of the bank's own helper modules (``_helpers.py`` beside a question) that the
    question's code reaches through its globals, transitively: a change there changes what it
    derives. quizgen's own files, the standard library and installed packages are not followed
    (the code version covers them)."""
    found: set[str] = set()
    todo = [f.__globals__ for f in _functions(question)]
    visited: set[int] = set()
    while todo:
        names = todo.pop()
        if id(names) in visited:
            continue
        visited.add(id(names))
        for value in list(names.values()):
            path = getattr(value, "__file__", None) if isinstance(value, types.ModuleType) else (
                value.__code__.co_filename if isinstance(value, types.FunctionType) else None)
            if not path or os.path.realpath(path).startswith(_LIBRARIES):
                continue
            if path not in seen and path not in found:
                found.add(path)
            todo.append(vars(value) if isinstance(value, types.ModuleType) else value.__globals__)
    return found


def _functions(value: Any) -> list[Any]:
    """The functions among a question's fields (and inside its dataclass, list and dict fields)."""
    if isinstance(value, types.FunctionType):
        return [value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [f for field in dataclasses.fields(value) for f in _functions(getattr(value, field.name))]
    if isinstance(value, (list, tuple)):
        return [f for v in value for f in _functions(v)]
    if isinstance(value, dict):
        return [f for v in value.values() for f in _functions(v)]
    return []


def question_digest(question: Any) -> str | None:
    """The cache name of ``question``'s entries (None: the cache is off, or the question's code
    cannot be read, e.g. written in a notebook)."""
    if cache.directory() is None:
        return None
    known = question.__dict__.get("_cache_digest", _MISSING)
    if known is not _MISSING:
        return known
    files: dict[str, str] = {}
    text = _describe(question, files)
    helpers = _helper_files(question, set(files))
    for path in helpers:
        files[path] = _file_digest(path)
    text += "".join(f"<helper {path} {files[path]}>" for path in sorted(helpers))
    digest = None if "unreadable" in files.values() else cache.entry_name("question", text)
    object.__setattr__(question, "_cache_digest", digest)
    return digest


class _Pack:
    """One question's entries: those read from its shards, and those made since (to write)."""

    def __init__(self, digest: str):
        self.digest = digest
        self.entries: dict[Any, Any] = {}
        self.new: dict[Any, Any] = {}
        self._read()

    def _folder(self):  # type: ignore[no-untyped-def]
        folder = cache.directory()
        return None if folder is None else folder / KIND / self.digest[:2] / self.digest

    def _read(self) -> None:
        folder = self._folder()
        if folder is None:
            return
        try:
            shards = sorted(p for p in folder.iterdir() if p.suffix == ".pickle")
        except OSError:
            return
        read = []
        for path in shards:
            try:
                with open(path, "rb") as fh:
                    self.entries.update(pickle.load(fh))
                read.append(path)
            except Exception:  # noqa: BLE001 - a torn or foreign entry is no entry
                continue
        if len(read) > MAX_SHARDS:  # one shard for all, then the old ones go
            if self._write(self.entries):
                for path in read:
                    try:
                        path.unlink()
                    except OSError:
                        pass

    def _write(self, entries: dict[Any, Any]) -> bool:
        folder = self._folder()
        if folder is None or not entries:
            return False
        try:
            data = _dumps(entries)
        except Exception:  # noqa: BLE001 - something that does not pickle is simply not kept
            return False
        name = f"{hashlib.sha256(data).hexdigest()[:24]}-{os.getpid()}.pickle"
        from quizgen.kernel.files import write_atomic

        try:
            write_atomic(folder / name, data)
        except OSError:
            return False
        return True

    def flush(self) -> None:
        if self.new:
            self._write(self.new)
            self.new = {}


_PACKS: dict[str, _Pack] = {}


def _pack(question: Any, part: str) -> _Pack | None:
    digest = question_digest(question)
    if digest is None:
        return None
    name = f"{digest}-{part}"
    pack = _PACKS.get(name)
    if pack is None:
        pack = _PACKS[name] = _Pack(name)
    return pack


def lookup(question: Any, key: Any, part: str = "variants") -> Any:
    """The entry of ``question`` under ``key`` (hashable, picklable), or :data:`MISSING`. A
    question's entries are kept in ``part``s read separately (its SymPy derivation apart from
    its variants' texts and numbers, which need no SymPy to read)."""
    pack = _pack(question, part)
    return _MISSING if pack is None else pack.entries.get(key, _MISSING)


def record(question: Any, key: Any, value: Any, part: str = "variants") -> None:
    """Keep ``value`` as ``question``'s entry under ``key``; written by the next :func:`flush`."""
    pack = _pack(question, part)
    if pack is not None:
        pack.entries[key] = value
        pack.new[key] = value


def flush() -> None:
    """Write what was made since the last flush (each question's new entries as one new shard)."""
    for pack in list(_PACKS.values()):
        pack.flush()


MISSING = _MISSING
