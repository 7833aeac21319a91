"""File output that never leaves half-written files behind."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


#: Permissions of written files: what ``open()`` would give (mkstemp alone makes them private).
FILE_MODE = 0o666 & ~_umask()


def write_atomic(path: str | os.PathLike, data: str | bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and ``os.replace``.

    A crash or Ctrl-C leaves either the old file or the new one, never a torn one (no fsync:
    this guards against a dying process, not a power cut, and keeps thousands of sheets fast). Text is
    written as UTF-8 with ``\\n`` line endings on every platform, so the bytes are the same
    everywhere.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


_TEMPORARY = re.compile(r"^\.(?P<name>.+)\.[A-Za-z0-9_]{8}\.tmp$")


def remove_stale_temporaries(folder: str | os.PathLike, owns=lambda name: True) -> list[Path]:
    """Delete the temporary files that :func:`write_atomic` left in ``folder`` when its process
    was killed (``kill -9`` cannot run cleanup code), for target names that ``owns(name)``
    accepts. Returns what was removed."""
    folder = Path(folder)
    removed = []
    try:
        candidates = list(folder.iterdir())
    except OSError:
        return removed
    for path in candidates:
        m = _TEMPORARY.match(path.name)
        if m and owns(m.group("name")) and path.is_file():
            try:
                path.unlink()
                removed.append(path)
            except OSError:
                pass
    return removed


def read_user_text(path: str | os.PathLike, what: str, code: int = 2) -> str:
    """The text of a small file an instructor wrote (a roster, a map file), as UTF-8 (a BOM from a
    spreadsheet tolerated). Unreadable or not UTF-8: a one-line :class:`QuizgenError` naming the
    file, what it was meant to be, and the line of the first bad byte, with exit status ``code``."""
    from quizgen.kernel.errors import QuizgenError

    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise QuizgenError(f"{path}: cannot read the {what} ({err.strerror or err})", code) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise QuizgenError(f"{path}: line {line}: the {what} is not UTF-8 text (save it as UTF-8)",
                           code) from None
