"""docs/coverage.md maps every point of issue 7 §1 to questions; the bank has every answer type and difficulty."""

from __future__ import annotations

import re
from pathlib import Path

from quizgen.generation.bank import load_bank
from quizgen.generation.question import KINDS

DOC = (Path(__file__).resolve().parent.parent / "docs" / "coverage.md").read_text(encoding="utf-8")
CITE = re.compile(r"`(mle/[a-z0-9_]+)`")


def _sections() -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    number = 0
    for line in DOC.splitlines():
        m = re.match(r"## (\d)\. ", line)
        if m:
            number = int(m.group(1))
            out[number] = []
        elif number and line.startswith("| ") and not line.startswith("| Point"):
            out[number].append(line)
    return out


def test_every_point_of_the_subject_has_questions_that_exist():
    sections = _sections()
    assert sorted(sections) == list(range(1, 10))  # the nine bullets of issue 7 §1
    bank = load_bank()
    for number, rows in sections.items():
        assert rows, f"section {number} has no rows"
        for row in rows:
            ids = CITE.findall(row)
            assert ids, row
            for qid in ids:
                bank.find(qid)  # raises for an id that is not in the bank


def test_the_bank_has_every_answer_type_every_difficulty_and_enough_questions():
    bank = load_bank()
    entries = bank.topic("mle")
    assert len(entries) >= 40
    assert len(bank.subtopics("mle")) >= 6
    assert {e.question.kind for e in entries} == set(KINDS.values())
    assert {e.question.difficulty for e in entries} == {1, 2, 3}
    assert any(getattr(e.question.answer, "multiple", False) for e in entries)
