"""Selection: which questions of a topic go on a sheet (``--difficulty``, ``--tags``, ``--count``).

Filters first, then a set balanced across sub-topics: the sub-topics take turns (round-robin, in
an order drawn from the exam seed) and each gives its next question (in an order drawn from the
seed), until ``count`` questions are chosen. So the sub-topics' counts differ by at most one,
unless a sub-topic runs out of matching questions. The chosen questions keep bank order.
"""

from __future__ import annotations

import re
from typing import Sequence

from quizgen.generation.bank import Entry
from quizgen.kernel.errors import QuizgenError
from quizgen.kernel.seeds import digest

DIFFICULTIES = (1, 2, 3)
_RANGE = re.compile(r"^\s*([0-9]+)\s*(?:-\s*([0-9]+)\s*)?$")


def parse_difficulty(text: str) -> tuple[int, int]:
    """``"2"`` -> (2, 2); ``"2-3"`` -> (2, 3). One-line error otherwise."""
    m = _RANGE.match(text or "")
    low, high = (int(m.group(1)), int(m.group(2) or m.group(1))) if m else (0, 0)
    if not m or not (DIFFICULTIES[0] <= low <= high <= DIFFICULTIES[-1]):
        raise QuizgenError(f"--difficulty '{text}' must be a level or a range of levels from 1 to 3, "
                           "e.g. 2 or 2-3 (low first)")
    return low, high


def parse_tags(text: str) -> tuple[str, ...]:
    tags = tuple(dict.fromkeys(t.strip().lower() for t in (text or "").split(",") if t.strip()))
    if not tags:
        raise QuizgenError("--tags needs at least one tag, e.g. --tags calibration,kl")
    return tags


def _labels(e: Entry) -> set[str]:
    """What a tag matches: the question's tags and its sub-topic's name."""
    return {t.lower() for t in e.question.tags} | ({e.subtopic.lower()} if e.subtopic else set())


def filter_entries(entries: Sequence[Entry], difficulty: str | None = None, tags: str | None = None,
                   topic: str = "") -> tuple[Entry, ...]:
    """The entries whose difficulty is in the range and that carry at least one of the tags."""
    entries = tuple(entries)
    where = f" of {topic}" if topic else ""
    if tags is not None:
        wanted = parse_tags(tags)
        known = set().union(*(_labels(e) for e in entries)) if entries else set()
        unknown = [t for t in wanted if t not in known]
        if unknown:
            raise QuizgenError(f"unknown tag '{unknown[0]}'; tags{where}: {', '.join(sorted(known)) or '(none)'}")
        entries = tuple(e for e in entries if _labels(e) & set(wanted))
    if difficulty is not None:
        low, high = parse_difficulty(difficulty)
        entries = tuple(e for e in entries if low <= e.question.difficulty <= high)
    if not entries:
        asked = " and ".join(x for x in (f"difficulty {difficulty}" if difficulty else "",
                                          f"a tag in {tags}" if tags else "") if x)
        raise QuizgenError(f"no question{where} has {asked}; see `quizgen list --topic {topic or 'TOPIC'}`")
    return entries


def choose_balanced(entries: Sequence[Entry], count: int | None, seed: int, *, what: str = "") -> tuple[Entry, ...]:
    """``count`` of ``entries`` balanced across sub-topics (round-robin), chosen by ``seed``; bank order kept."""
    entries = tuple(entries)
    if count is None or count == len(entries):
        return entries
    if count > len(entries):
        matching = f" ({what})" if what else ""
        raise QuizgenError(f"--count {count} is more than the {len(entries)} question(s) that match{matching}")
    if count < 1:
        raise QuizgenError("--count must be at least 1")
    groups: dict[str, list[Entry]] = {}
    for e in entries:
        groups.setdefault(e.group, []).append(e)
    for name, members in groups.items():
        members.sort(key=lambda e: digest(seed, "choose", e.id))
    turn = sorted(groups, key=lambda g: digest(seed, "choose-group", g))
    picked: list[Entry] = []
    depth = 0
    while len(picked) < count:
        for g in turn:
            if depth < len(groups[g]) and len(picked) < count:
                picked.append(groups[g][depth])
        depth += 1
    chosen = set(picked)
    return tuple(e for e in entries if e in chosen)
