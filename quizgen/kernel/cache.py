"""quizgen's cache on disk: work that one run did and the next need not do again.

What is kept (each entry named by a SHA-256 of what it depends on, *including* :func:`code_version`,
so nothing is ever trusted across versions of quizgen, SymPy or Python):

- ``keys/``: one empty file per key.json that was written by ``make`` or fully checked by
  ``grade`` (schema and content): a later ``grade`` of the very same bytes skips those checks;
- ``derived/``: the SymPy derivation of each question file (see ``quizgen.generation.derivations``), so a
  ``make`` does not derive again what the last one derived.

Where: ``$QUIZGEN_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/quizgen``, else ``~/.cache/quizgen``.
``QUIZGEN_CACHE=off`` turns it off (nothing read or written). Deleting the folder at any time is
safe: every entry is rebuilt on demand. Entries are written atomically (a temporary file, then
a rename), so a killed run or two runs at once never leave a torn entry; a cache that cannot be
read or written is simply not used.
"""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path

#: Bump to drop every entry written by an earlier layout.
LAYOUT = "1"


def directory() -> Path | None:
    """The cache folder, or None when the cache is off."""
    if os.environ.get("QUIZGEN_CACHE", "").strip().lower() in ("off", "0", "no", "false"):
        return None
    where = os.environ.get("QUIZGEN_CACHE_DIR")
    if where:
        return Path(where)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "quizgen"


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    """A digest of the code that made an entry: quizgen's own source files (so a change to any of
    them, released or not, is a new version), quizgen's version, its dependencies' (SymPy, NumPy,
    matplotlib, Jinja2, latex2mathml) and Python's."""
    import sys
    from importlib import metadata

    import quizgen

    h = hashlib.sha256(f"quizgen {quizgen.__version__}; python {sys.version}".encode())
    for package in ("sympy", "numpy", "matplotlib", "jinja2", "latex2mathml"):
        try:
            h.update(f"; {package} {metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:  # pragma: no cover - dependencies
            h.update(f"; {package} none".encode())
    root = Path(quizgen.__file__).parent
    for path in sorted(root.rglob("*.py")):
        h.update(str(path.relative_to(root)).encode() + b"\0")
        h.update(path.read_bytes() + b"\0")
    return h.hexdigest()


def entry_name(*parts: bytes | str) -> str:
    """The name of the entry that depends on ``parts`` (and on :func:`code_version`)."""
    h = hashlib.sha256(f"{LAYOUT}\0{code_version()}".encode())
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little") + data)
    return h.hexdigest()


def _path(kind: str, name: str) -> Path | None:
    folder = directory()
    return None if folder is None else folder / kind / name[:2] / name


def read(kind: str, name: str) -> bytes | None:
    """The entry, or None (absent, unreadable, or the cache is off)."""
    path = _path(kind, name)
    if path is None:
        return None
    try:
        return path.read_bytes()
    except OSError:
        return None


def write(kind: str, name: str, data: bytes = b"") -> None:
    """Store an entry atomically; a cache that cannot be written is silently not used."""
    path = _path(kind, name)
    if path is None:
        return
    from quizgen.kernel.files import write_atomic

    try:
        write_atomic(path, data)
    except OSError:
        pass


def has(kind: str, name: str) -> bool:
    path = _path(kind, name)
    return path is not None and path.is_file()
