"""The README and the manual in docs/, as the tests read them.

A fenced block that a dedicated test runs carries a marker on the line above it,
``<!-- example NAME: tests/test_file.py::test_name -->``; that test finds the block with
``block("NAME")``, and tests/test_docs_examples.py checks that every block is run by someone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARKER = re.compile(r"<!-- example ([a-z0-9-]+): (tests/[\w/]+\.py)::(\w+) -->")


def page(name: str) -> str:
    """The text of README.md or of a page of the manual, e.g. ``page("docs/grading.md")``."""
    return (ROOT / name).read_text(encoding="utf-8")


def pages() -> dict[str, str]:
    """README.md and every docs/*.md, by path relative to the repository."""
    names = ["README.md", *sorted(f"docs/{p.name}" for p in (ROOT / "docs").glob("*.md"))]
    return {name: page(name) for name in names}


def block(name: str) -> str:
    """The body of the fenced block marked ``<!-- example NAME: ... -->`` (in any page)."""
    found = []
    for text in pages().values():
        for m in re.finditer(r"<!-- example " + re.escape(name) + r": [^>]*-->\n( *)```[\w-]*\n(.*?)\n *```", text, re.S):
            indent = len(m.group(1))
            found.append("\n".join(line[indent:] if line[:indent].isspace() else line for line in m.group(2).split("\n")))
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
