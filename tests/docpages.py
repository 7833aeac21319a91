"""The README and the manual in docs/, as the tests read them.

Every fenced block of these pages is an example that a test runs (tests/test_docs_examples.py
checks it). A block that a dedicated test runs carries a marker on a line of its own above it,
``<!-- example NAME: tests/test_file.py::test_name -->``; that test reads it with ``block("NAME")``.
Any other block is run by the generic runner of tests/test_docs_examples.py, in an empty folder or,
with ``<!-- run in a copy of tests/data/DIR -->`` above it, in a copy of that folder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARKER = re.compile(r"<!-- example ([a-z0-9-]+): (tests/[\w/]+\.py)::(\w+) -->")
FOLDER = re.compile(r"<!-- run in a copy of (tests/data/[\w/-]+) -->")
FENCE = re.compile(r"( *)```(.*)")


def page(name: str) -> str:
    """The text of README.md or of a page of the manual, e.g. ``page("docs/grading.md")``."""
    return (ROOT / name).read_text(encoding="utf-8")


def pages() -> dict[str, str]:
    """README.md and every docs/*.md, by path relative to the repository."""
    names = ["README.md", *sorted(f"docs/{p.name}" for p in (ROOT / "docs").glob("*.md"))]
    return {name: page(name) for name in names}


@dataclass(frozen=True)
class Block:
    """A fenced block: where it is, its language, its text (without the fence's indent) and marks."""

    page: str
    line: int  # of the opening fence, 1-based
    lang: str
    body: str
    name: str | None = None  # <!-- example NAME: TEST -->
    test: str | None = None  # tests/test_file.py::test_name
    folder: str | None = None  # <!-- run in a copy of tests/data/DIR -->

    @property
    def where(self) -> str:
        return f"{self.page}:{self.line}"


def blocks() -> list[Block]:
    """Every fenced block of README.md and docs/*.md, in page order."""
    out = []
    for name, text in pages().items():
        lines = text.splitlines()
        i = 0
        while i < len(lines):
            m = FENCE.fullmatch(lines[i])
            if not m:
                i += 1
                continue
            indent, lang = len(m.group(1)), m.group(2).strip()
            end = next((j for j in range(i + 1, len(lines)) if lines[j].strip() == "```"), None)
            assert end is not None, f"{name}:{i + 1}: a fence that is never closed"
            body = "\n".join(line[indent:] if line[:indent].strip() == "" else line.lstrip() for line in lines[i + 1:end])
            marks = {"name": None, "test": None, "folder": None}
            j = i - 1
            while j >= 0 and lines[j].strip().startswith("<!--"):
                if mark := MARKER.fullmatch(lines[j].strip()):
                    marks.update(name=mark.group(1), test=f"{mark.group(2)}::{mark.group(3)}")
                elif mark := FOLDER.fullmatch(lines[j].strip()):
                    marks.update(folder=mark.group(1))
                j -= 1
            out.append(Block(name, i + 1, lang, body, **marks))
            i = end + 1
    return out


def block(name: str) -> str:
    """The text of the block marked ``<!-- example NAME: ... -->`` (in any page)."""
    found = [b.body for b in blocks() if b.name == name]
    assert len(found) == 1, f"{len(found)} blocks are marked {name!r} in README.md and docs/"
    return found[0]


@dataclass(frozen=True)
class Step:
    """One command of a shell example, with the comment after it and the output shown under it."""

    command: str
    comment: str
    output: tuple[str, ...]


def transcript(body: str) -> list[Step]:
    """The commands of a shell block. With ``$ `` prompts, the lines under a command are its
    output; without, every line that is not a comment is a command whose output is not shown."""
    lines = body.splitlines()
    prompted = any(line.startswith("$ ") for line in lines)
    steps: list[list] = []
    for line in lines:
        if prompted and not line.startswith("$ "):
            assert steps, f"output before the first command: {line!r}"
            steps[-1][2].append(line)
            continue
        text = line[2:] if prompted else line
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        command, _, comment = text.partition("  #")  # a comment is set off by two spaces at least
        steps.append([command.strip(), comment.strip(), []])
    return [Step(c, m, tuple(o)) for c, m, o in steps]


def shown(expected: tuple[str, ...] | list[str], actual: str) -> bool:
    """Whether ``actual`` is the output shown: line by line, where ``…`` stands for any text within
    a line and a line of ``…`` alone for any number of lines."""
    pattern = "".join(
        r"(?:.*\n)*?" if line.strip() == "…" else
        ".*?".join(re.escape(part) for part in line.rstrip().split("…")) + r"[ \t]*\n"
        for line in expected)
    text = "".join(line.rstrip() + "\n" for line in actual.splitlines())
    return re.fullmatch(pattern, text) is not None
