"""The README is a newcomer's page and the manual is in docs/: the README stays short, its command
table names every command, every link between the pages lands on a file and a heading that exist,
and docs/architecture.md's layer table is the one tests/test_architecture.py enforces."""

from __future__ import annotations

import re
import unicodedata

from docpages import ROOT, block, page, pages
from test_architecture import LAYERS

from quizgen.cli import COMMANDS


def test_the_readme_is_under_300_lines() -> None:
    assert len(page("README.md").splitlines()) < 300


def test_the_readme_command_table_names_every_command() -> None:
    table = page("README.md").split("<!-- commands-table -->", 1)[1].split("<!-- /commands-table -->", 1)[0]
    named = re.findall(r"^\| `quizgen ([a-z]+)", table, re.M)
    assert sorted(named) == sorted(COMMANDS)


def test_the_architecture_layer_table_is_the_one_the_import_test_enforces() -> None:
    text = page("docs/architecture.md")
    table = text.split("<!-- layers-table -->", 1)[1].split("<!-- /layers-table -->", 1)[0]
    rows = re.findall(r"^\| (\d+) \| `(\w+)` \|$", table, re.M)
    assert {package: int(layer) for layer, package in rows} == LAYERS
    assert len(rows) == len(LAYERS)
    for package in LAYERS:  # and the ownership table has a row for each package
        assert f"| `quizgen/{package}/` |" in text, package


def test_the_architecture_diagram_shows_every_package() -> None:
    diagram = block("architecture-diagram")
    for package in LAYERS:
        assert re.search(rf"\b{package}\b", diagram), package
    stages = [diagram.index(f"─ {stage} ─") for stage in ("generation", "export", "grading")]
    assert stages == sorted(stages)  # drawn in the order the data flows


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = heading.strip().lower()
    kept = "".join(c for c in text if c in " -_" or unicodedata.category(c)[0] in "LNM")
    return kept.replace(" ", "-")


def _anchors(text: str) -> set[str]:
    seen: dict[str, int] = {}
    out = set()
    fence = False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fence = not fence
        m = None if fence else re.match(r"#{1,6} (.*)", line)
        if m:
            slug = _slug(m.group(1))
            n = seen.get(slug, 0)
            seen[slug] = n + 1
            out.add(slug if n == 0 else f"{slug}-{n}")
    return out


def test_slugs_are_github_s() -> None:
    assert _slug("Exam integrity: what must stay private") == "exam-integrity-what-must-stay-private"
    assert _slug("The answer key: `key.json`") == "the-answer-key-keyjson"
    assert _slug("The σ rule") == "the-σ-rule"
    assert _slug("The exam's decimal-comma setting") == "the-exams-decimal-comma-setting"
    assert _anchors("# A\n## A\n```\n# not a heading\n```\n") == {"a", "a-1"}


def _prose(text: str) -> str:
    """The text without fenced blocks and code spans (a link shown as code is not a link)."""
    text = re.sub(r"^( *)```.*?^\1```", "", text, flags=re.S | re.M)
    return re.sub(r"`[^`\n]*`", "", text)


def test_every_link_between_the_pages_lands_on_a_file_and_a_heading() -> None:
    docs = pages()
    checked = 0
    for name, text in docs.items():
        base = (ROOT / name).parent
        for target in re.findall(r"\]\(([^)\s]+)\)", _prose(text)):
            if re.match(r"[a-z]+:", target):
                continue  # http(s): not followed here
            path, _, anchor = target.partition("#")
            file = (base / path).resolve() if path else ROOT / name
            assert file.exists(), f"{name}: link to {target}: no such file"
            if anchor:
                rel = file.relative_to(ROOT).as_posix()
                assert anchor in _anchors(docs.get(rel) or file.read_text(encoding="utf-8")), \
                    f"{name}: link to {target}: no such heading in {rel}"
            checked += 1
    assert checked > 30


def test_the_readme_links_every_page_of_the_manual() -> None:
    readme = page("README.md")
    for name in pages():
        if name.startswith("docs/"):
            assert f"]({name})" in readme, name
