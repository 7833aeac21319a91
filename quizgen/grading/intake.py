"""Reading the files ``grade`` is given (a key, a class's submissions) within fixed bounds.

A file is read as a stream, never whole: at most a set number of bytes (``/dev/zero`` or a
200 MB export stops at the limit with one line naming it and the flag that raises it), decoded
as it is read, and split into lines of at most a set length, so memory follows the limits and
not the input.
"""

from __future__ import annotations

import codecs
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator

from quizgen.kernel.errors import EXIT_USAGE, QuizgenError

MB = 1_000_000


@dataclass(frozen=True)
class ReadLimits:
    """Bounds on what ``grade`` reads; each has a flag that raises it (named in its message)."""

    #: ``--max-file-mb``: the submissions file, in bytes.
    max_file_bytes: int = 100 * MB
    #: ``--max-rows``: data rows (CSV) or entries (JSON) of the submissions file.
    max_rows: int = 1_000_000
    #: ``--max-answer-chars``: one answer; a longer one is a reported row, not graded.
    max_answer_chars: int = 10_000
    #: ``--max-key-mb``: the key file, in bytes.
    max_key_bytes: int = 200 * MB
    #: Problems listed per kind in summary.md, summary.json and report.html; the rest are counted.
    listed_per_kind: int = 100

    @property
    def max_record_chars(self) -> int:
        """A CSV record or JSON entry: room for a wide row of 100 answers at the answer limit."""
        return 100 * self.max_answer_chars + 10_000


DEFAULT_READ_LIMITS = ReadLimits()


def _megabytes(n: int) -> str:
    return f"{n / MB:,.0f} MB" if n >= MB else f"{n:,} bytes"


def too_large(path: Path | str, what: str, limit: int, flag: str) -> QuizgenError:
    return QuizgenError(f"{path}: the {what} is larger than {_megabytes(limit)}, the limit "
                        f"({flag} raises it)", EXIT_USAGE)


class _Capped(io.RawIOBase):
    """A binary file that raises :func:`too_large` once more than ``limit`` bytes are read."""

    def __init__(self, raw: BinaryIO, limit: int, error: QuizgenError):
        self.raw, self.limit, self.error, self.total = raw, limit, error, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        n = self.raw.readinto(buffer) or 0
        self.total += n
        if self.total > self.limit:
            raise self.error
        return n

    def close(self) -> None:
        self.raw.close()
        super().close()


def open_binary(path: Path, what: str, limit: int, flag: str) -> io.BufferedReader:
    """``path`` opened for reading at most ``limit`` bytes; a missing, unreadable or too large
    file is a one-line QuizgenError (exit 2). A regular file's size is checked before reading."""
    try:
        raw = open(path, "rb", buffering=0)  # noqa: SIM115 - closed by the caller
    except FileNotFoundError:
        raise QuizgenError(f"{path}: {what} not found", EXIT_USAGE) from None
    except IsADirectoryError:
        raise QuizgenError(f"{path}: is a folder, expected a {what}", EXIT_USAGE) from None
    except OSError as err:
        raise QuizgenError(f"{path}: cannot read the {what} ({err.strerror or err})", EXIT_USAGE) from None
    error = too_large(path, what, limit, flag)
    try:
        size = os.fstat(raw.fileno()).st_size
    except OSError:
        size = 0
    if size > limit:
        raw.close()
        raise error
    return io.BufferedReader(_Capped(raw, limit, error), buffer_size=1 << 16)


def read_bytes(path: Path, what: str, limit: int, flag: str) -> bytes:
    """The whole of a file of at most ``limit`` bytes (see :func:`open_binary`)."""
    with open_binary(path, what, limit, flag) as fh:
        try:
            return fh.read()
        except OSError as err:
            raise QuizgenError(f"{path}: cannot read the {what} ({err.strerror or err})", EXIT_USAGE) from None


def utf16_without_bom(head: bytes) -> bool:
    """Whether ``head`` (a file's first bytes) looks like UTF-16 text without a byte-order mark:
    ASCII text in UTF-16 has a NUL in every other byte, which UTF-8 text never has."""
    sample = head[:4096]
    if len(sample) < 4:
        return False
    even, odd = sample[0::2], sample[1::2]
    return (even.count(0) > len(even) // 2) != (odd.count(0) > len(odd) // 2)


def not_text_error(path: Path | str, head: bytes) -> QuizgenError | None:
    """The one-line error for a file whose first line holds NUL bytes (UTF-16 without a BOM,
    ``/dev/zero``, a binary file), or None. A NUL further on is one bad row, reported as such."""
    if b"\0" not in head[:4096].split(b"\n", 1)[0]:
        return None
    if utf16_without_bom(head):
        return QuizgenError(f"{path}: not UTF-8 (it looks like UTF-16 without a byte-order mark); "
                            "save the file as UTF-8 and re-run", EXIT_USAGE)
    return QuizgenError(f"{path}: not UTF-8 text (it holds NUL bytes); save the file as UTF-8 "
                        "and re-run", EXIT_USAGE)


def _mark_bad_utf16(err: UnicodeError):  # type: ignore[no-untyped-def]
    """Bytes that are not UTF-16 become lone surrogates, so the row holding them is reported
    (``surrogateescape`` refuses a codec that is not ASCII-compatible)."""
    bad = err.object[err.start:err.end]  # type: ignore[attr-defined]
    return "".join(chr(0xDC00 + b) for b in bad), err.end  # type: ignore[attr-defined]


codecs.register_error("quizgen-mark", _mark_bad_utf16)


def open_text(fh: io.BufferedReader, path: Path | str) -> io.TextIOWrapper:
    """A text stream over ``fh``: UTF-8 (a BOM tolerated) or UTF-16 with a BOM, lines untranslated
    (``newline=""``, as the csv module wants). Bytes that are not UTF-8 survive as surrogates, so
    the row holding them is reported and the rest still read."""
    head = fh.peek(4096)[:4096]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return io.TextIOWrapper(fh, encoding="utf-16", errors="quizgen-mark", newline="")
    error = not_text_error(path, head)
    if error is not None:
        raise error
    return io.TextIOWrapper(fh, encoding="utf-8-sig", errors="surrogateescape", newline="")


def physical_lines(text: io.TextIOBase, cap: int) -> Iterator[tuple[str, bool]]:
    """(line with its ending, cut) for each line of ``text``: a line longer than ``cap`` characters
    is not kept (``("", True)``); the rest of it is read and dropped, never held whole."""
    while True:
        line = text.readline(cap)
        if not line:
            return
        if len(line) < cap or line.endswith(("\n", "\r")):
            yield line, False
            continue
        while True:
            rest = text.readline(cap)
            if not rest or rest.endswith(("\n", "\r")):
                break
        yield "", True
