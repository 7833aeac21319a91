"""The coverage tables in docs/ name real questions, with their true sub-topic, answer type and difficulty."""

from __future__ import annotations

import re
from pathlib import Path

from quizgen.bank import load_bank

DOCS = Path(__file__).resolve().parent.parent / "docs"
ROW = re.compile(r"`(mle/[a-z0-9_]+)` \(([a-z]+), ([a-z/-]+), d([123])\)")


def test_coverage_docs_name_real_questions_with_their_facts():
    bank = load_bank()
    files = sorted(DOCS.glob("coverage*.md"))
    assert files, "no coverage table in docs/"
    seen = 0
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.startswith("| ") or line.startswith("| Point") or line.startswith("|---"):
                continue
            cites = ROW.findall(line)
            assert cites, f"{path.name}: a point without a question: {line}"
            for qid, subtopic, kind, difficulty in cites:
                entry = bank.find(qid)  # raises for an unknown id
                assert entry.subtopic == subtopic, (qid, entry.subtopic)
                assert kind.split("/")[0] == entry.question.kind, (qid, entry.question.kind)
                assert int(difficulty) == entry.question.difficulty, (qid, entry.question.difficulty)
                seen += 1
    assert seen > 0
