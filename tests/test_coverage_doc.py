"""docs/coverage.md names real questions, with their true sub-topic, answer type and difficulty; the README links to it."""

from __future__ import annotations

import re
from pathlib import Path

from quizgen.generation.bank import load_bank

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "coverage.md"
ROW = re.compile(r"`(mle/[a-z0-9_]+)` \(([a-z]+), ([a-z/-]+), d([123])\)")


def test_coverage_doc_names_real_questions_with_their_facts():
    bank = load_bank()
    seen = 0
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if not line.startswith("| ") or line.startswith("| Point") or line.startswith("|---"):
            continue
        cites = ROW.findall(line)
        assert cites, f"a point without a question: {line}"
        assert len(cites) == len(re.findall(r"`mle/", line)), f"a question without its facts: {line}"
        for qid, subtopic, kind, difficulty in cites:
            entry = bank.find(qid)  # raises for an unknown id
            assert entry.subtopic == subtopic, (qid, entry.subtopic)
            assert kind.split("/")[0] == entry.question.kind, (qid, entry.question.kind)
            assert int(difficulty) == entry.question.difficulty, (qid, entry.question.difficulty)
            seen += 1
    assert seen > 0


def test_the_readme_links_only_to_docs_that_exist():
    """One coverage document: every docs/ file the README names is there (no link to a merged-away table)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"docs/[A-Za-z0-9_./-]+\.md", readme))
    assert "docs/coverage.md" in named
    for name in named:
        assert (ROOT / name).is_file(), name
