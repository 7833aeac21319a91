"""Selection: --difficulty, --tags and --count pick a set balanced across sub-topics, deterministic from the seed."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizgen.cli import main
from quizgen.generation.bank import load_bank
from quizgen.generation.selection import choose_balanced, filter_entries, parse_difficulty
from quizgen.kernel.errors import QuizgenError

BANK = load_bank()
MLE = BANK.topic("mle")


def _make(tmp_path: Path, *args: str):
    return CliRunner().invoke(main, ["make", "--topic", "mle", "--seed", str(2**70 + 12345), "-f", "json",
                                     "-o", str(tmp_path / "out"), "--force", *args])


def _ids(tmp_path: Path) -> list[str]:
    return json.loads((tmp_path / "out" / "key.json").read_text(encoding="utf-8"))["questions"]


def test_the_issue_example_is_balanced_filtered_and_reproducible(tmp_path):
    result = _make(tmp_path, "--difficulty", "2-3", "--tags", "calibration,kl", "--count", "4")
    assert result.exit_code == 0, result.output
    ids = _ids(tmp_path)
    entries = [BANK.find(i) for i in ids]
    assert len(ids) == 4
    assert all(2 <= e.question.difficulty <= 3 for e in entries)
    assert all({"calibration", "kl"} & ({e.subtopic} | set(e.question.tags)) for e in entries)
    groups = Counter(e.group for e in entries)
    assert max(groups.values()) - min(groups.values()) <= 1 and len(groups) >= 2
    assert _make(tmp_path, "--difficulty", "2-3", "--tags", "calibration,kl", "--count", "4").exit_code == 0
    assert _ids(tmp_path) == ids


@pytest.mark.parametrize("seed", range(30))
def test_count_is_round_robin_over_sub_topics(seed):
    for count in (6, 8, 13):
        chosen = choose_balanced(MLE, count, seed)
        assert len(chosen) == count
        per_group = Counter(e.group for e in chosen)
        sizes = Counter(e.group for e in MLE)
        full = [g for g in sizes if per_group[g] < sizes[g]]  # groups that did not run out
        if full:
            assert max(per_group.values()) - min(per_group[g] for g in full) <= 1, per_group
        assert list(chosen) == [e for e in MLE if e in chosen]  # bank order kept


def test_different_seeds_choose_different_sets():
    sets = {tuple(e.id for e in choose_balanced(MLE, 6, s)) for s in range(20)}
    assert len(sets) >= 10


def test_a_sub_topic_name_is_a_tag_and_difficulty_is_a_range():
    kl = filter_entries(MLE, tags="kl")
    assert kl and all(e.subtopic == "kl" or "kl" in e.question.tags for e in kl)
    assert {e.question.difficulty for e in filter_entries(MLE, difficulty="1")} == {1}
    assert parse_difficulty("2-3") == (2, 3) and parse_difficulty(" 3 ") == (3, 3)


@pytest.mark.parametrize("args,message", [
    (["--difficulty", "3-2"], "--difficulty '3-2' must be a level or a range of levels from 1 to 3"),
    (["--difficulty", "0-4"], "from 1 to 3"),
    (["--difficulty", "hard"], "e.g. 2 or 2-3"),
    (["--tags", "calibration,nosuchtag"], "unknown tag 'nosuchtag'; tags of mle: "),
    (["--tags", ","], "--tags needs at least one tag"),
    (["--tags", "calibration", "--difficulty", "1", "--count", "5"], "no question of mle has difficulty 1 and a tag in calibration"),
    (["--tags", "kl", "--count", "50"], "--count 50 is more than the"),
    (["--questions", "gaussian_nll", "--tags", "kl"], "--questions names the questions itself"),
])
def test_bad_selections_are_one_line_errors(tmp_path, args, message):
    result = _make(tmp_path, *args)
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and message in lines[0], result.output
    assert "Traceback" not in result.output


def test_library_errors_are_quizgen_errors():
    with pytest.raises(QuizgenError, match="more than the"):
        choose_balanced(MLE[:3], 4, 1, what="x")
