"""File output that never leaves half-written files behind."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator


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
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        _fill(fd, tmp, data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


_CHMOD_FD = os.chmod in os.supports_fd  # not on Windows before Python 3.13
#: How :func:`folder_writer` creates a file: new, never through a link, binary (no ``\r\n`` on Windows).
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)


def _fill(fd: int, path: str | os.PathLike, data: str | bytes) -> None:
    """Write ``data`` (text as UTF-8) into the new file ``fd`` at ``path``, give it
    :data:`FILE_MODE` and close it: how both writers of this module make a file's bytes and mode."""
    with os.fdopen(fd, "wb") as fh:
        fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        if _CHMOD_FD:
            os.chmod(fd, FILE_MODE)
    if not _CHMOD_FD:
        os.chmod(path, FILE_MODE)


@contextmanager
def folder_writer(folder: str | os.PathLike) -> Iterator[Callable[[str, str | bytes], None]]:
    """Yield ``write(name, data)``, which writes the file ``name`` in ``folder`` as
    :func:`write_atomic` would (same bytes, same mode).

    A folder that exists already is written file by file with :func:`write_atomic`: files of the
    same names are replaced, other files stay. A new folder (thousands of feedback files, each
    costing ext4 a temporary file, a chmod and a rename) is filled as a temporary sibling,
    ``.<folder>.XXXXXXXX.tmp``, each file created with its final name, then renamed into place
    once on leaving the ``with``: a crash leaves no folder or the whole one (and the temporary
    one, which :func:`remove_stale_temporaries` removes), an exception inside the ``with`` leaves
    no folder. Should the folder appear meanwhile, each file is moved into it with ``os.replace``.
    """
    folder = Path(folder)
    if os.path.lexists(folder):  # a folder, or something that makes the writes fail as before
        yield lambda name, data: write_atomic(folder / name, data)
        return
    folder.parent.mkdir(parents=True, exist_ok=True)
    while True:
        staging = folder.parent / f".{folder.name}.{secrets.token_hex(4)}.tmp"
        try:
            staging.mkdir()  # the mode Path.mkdir gives (umask applied), not mkdtemp's 0o700
            break
        except FileExistsError:
            continue
    try:
        def write(name: str, data: str | bytes) -> None:
            path = os.path.join(staging, name)
            _fill(os.open(path, _NEW_FILE, 0o600), path, data)

        yield write
        try:
            os.rename(staging, folder)
        except OSError:
            if not folder.is_dir():  # not "it appeared meanwhile": fail as before
                raise
            for entry in os.scandir(staging):
                os.replace(entry.path, folder / entry.name)
            staging.rmdir()
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


_TEMPORARY = re.compile(r"^\.(?P<name>.+)\.[A-Za-z0-9_]{8}\.tmp$")


def remove_stale_temporaries(folder: str | os.PathLike, owns=lambda name: True) -> list[Path]:
    """Delete the temporary files that :func:`write_atomic` (and the temporary folders that
    :func:`folder_writer`) left in ``folder`` when its process was killed (``kill -9`` cannot run
    cleanup code), for target names that ``owns(name)`` accepts. Returns what was removed."""
    folder = Path(folder)
    removed = []
    try:
        candidates = list(folder.iterdir())
    except OSError:
        return removed
    for path in candidates:
        m = _TEMPORARY.match(path.name)
        if not m or not owns(m.group("name")):
            continue
        try:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            elif path.is_file():
                path.unlink()
            else:
                continue
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
