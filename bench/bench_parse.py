"""The safe parser's throughput on a class's answers, beside a baseline parser (issue 21).

    python bench/bench_parse.py [--versions 60] [--rounds 5] [--baseline REF]

Workload: the symbolic and numeric questions of bench/bench_grade_class.py's exam (12 questions
of the ``mle`` topic, ``--versions`` variants): every distinct answer its answer pool gives
(right answers in several notations, known wrong ones, other wrong ones, unreadable ones), the
key's expressions and exact numeric forms, each in its question's context. Measured: ``parse``
of every symbolic text and ``read_number`` of every numeric text that is not a plain decimal
(an exact form such as ``log(2)/2 + 3/4``: parse, then evaluate).

The baseline is ``quizgen/maths/parse.py``, ``numeric.py`` and what the parser calls that changed
with it (``magnitude.py``, ``names.canonical_symbol``) of ``--baseline`` (default: ``main`` when
run from a branch, else ``HEAD~``), loaded from git into this process beside today's, so both run alternately on the same texts in the same run; every result (tree,
notes, symbols, unit, or the error's class, message and column) must be identical, and the
script exits 1 if one is not. The parser and read_number remember their recent readings: they forget
them before each timed pass, so every text is read in full (a class's repeated texts are cheaper still). The
load average is printed before and after.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Iterator

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def load_at(ref: str, path: str, name: str) -> ModuleType:
    """The module ``path`` as it is at git ``ref``, imported under ``name`` (its own imports are
    today's: only this one file is old)."""
    source = subprocess.run(["git", "-C", str(ROOT), "show", f"{ref}:{path}"],
                            capture_output=True, text=True, check=True).stdout
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader(name, loader=None))
    sys.modules[name] = module
    exec(compile(source, f"{ref}:{path}", "exec"), module.__dict__)  # our own file from git
    return module


def workload(versions: int) -> tuple[list[tuple[str, Any]], list[tuple[str, Any]]]:
    """(symbolic (text, ctx) pairs, numeric exact-form (text, ctx) pairs), distinct."""
    import dataclasses

    from bench_grade_class import QUESTIONS, answer_pool
    from quizgen.generation.bank import load_bank
    from quizgen.generation.exam import build_exam, version_names
    from quizgen.generation.key import build_key, dumps
    from quizgen.grading.numeric import _PLAIN
    from quizgen.maths.parse import Context, make_context

    bank = load_bank()
    exam = build_exam([bank.find(q) for q in QUESTIONS], 2026, version_names(versions),
                      secret="5eed" * 8)
    key = json.loads(dumps(build_key(exam, compact=False)))
    symbolic: dict[tuple[str, Any], None] = {}
    numeric: dict[tuple[str, Any], None] = {}
    for version in key["versions"]:
        for q in version["questions"]:
            answer = q["answer"]
            comma = answer.get("decimal_comma")
            if q["type"] == "symbolic":
                ctx = dataclasses.replace(make_context(answer.get("symbols") or {}),
                                          decimal_comma=comma)
                texts = answer_pool(q) + [answer["expression"]] + [
                    w["expression"] for w in q.get("known_wrong", [])]
                symbolic.update(((t, ctx), None) for t in texts)
            elif q["type"] == "numeric":
                ctx = Context(frozenset(), decimal_comma=comma)
                numeric.update(((t, ctx), None) for t in answer_pool(q)
                               if not _PLAIN.fullmatch(t))
    return list(symbolic), list(numeric)


def outcome(fn: Callable[[], Any]) -> tuple:
    """What a call gives, comparable across the two modules (their exception classes differ)."""
    try:
        r = fn()
    except Exception as err:  # noqa: BLE001 - the error itself is the result compared
        return (type(err).__name__, str(err), getattr(err, "column", None),
                getattr(err, "readings", None))
    if isinstance(r, tuple):
        return ("number", repr(r[0]), r[1], tuple(r[2]))
    return ("parsed", repr(r.node), tuple(r.notes), tuple(sorted(r.symbols)), r.unit)


def timed(calls: list[Callable[[], Any]], rounds: int) -> float:
    """Best of ``rounds`` passes over ``calls``, in microseconds per call."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for call in calls:
            try:
                call()
            except Exception:  # noqa: BLE001, S112 - refusals are part of the workload
                pass
        best = min(best, time.perf_counter() - start)
    return best / max(len(calls), 1) * 1e6


@contextlib.contextmanager
def baseline_magnitude(module: ModuleType) -> Iterator[None]:
    """The baseline parser imports the magnitude check when it runs: give it the baseline's."""
    today = sys.modules["quizgen.maths.magnitude"]
    sys.modules["quizgen.maths.magnitude"] = module
    try:
        yield
    finally:
        sys.modules["quizgen.maths.magnitude"] = today


def default_baseline() -> str:
    branch = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--abbrev-ref", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    return "HEAD~" if branch == "main" else "main"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--versions", type=int, default=60)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--baseline", metavar="REF", default=None)
    args = ap.parse_args()
    ref = args.baseline or default_baseline()
    print(f"load before: {open('/proc/loadavg').read().strip()}" if os.path.exists("/proc/loadavg")
          else "")
    import quizgen.grading.numeric as new_numeric
    import quizgen.maths.parse as new_parse

    old_parse = load_at(ref, "quizgen/maths/parse.py", "quizgen.maths._bench_parse_baseline")
    old_numeric = load_at(ref, "quizgen/grading/numeric.py", "quizgen.grading._bench_numeric_baseline")
    old_numeric.parse, old_numeric.Context = old_parse.parse, old_parse.Context
    # what the parser calls that changed with it: the magnitude check and canonical_symbol
    old_parse.canonical_symbol = load_at(ref, "quizgen/maths/names.py",
                                         "quizgen.maths._bench_names_baseline").canonical_symbol
    old_magnitude = load_at(ref, "quizgen/maths/magnitude.py",
                            "quizgen.maths._bench_magnitude_baseline")
    symbolic, numeric = workload(args.versions)
    print(f"workload: {len(symbolic)} symbolic texts, {len(numeric)} numeric exact forms "
          f"({args.versions} versions); baseline {ref}")
    rows = [("parse (symbolic)", symbolic, lambda m, t, c: lambda: m.parse(t, c), new_parse, old_parse),
            ("read_number (exact forms)", numeric, lambda m, t, c: lambda: m.read_number(t, ctx=c),
             new_numeric, old_numeric)]
    differ = 0
    for label, items, bind, new, old in rows:
        new_calls = [bind(new, t, c) for t, c in items]
        old_calls = [bind(old, t, c) for t, c in items]
        with baseline_magnitude(old_magnitude):
            old_outcomes = [outcome(b) for b in old_calls]
        differ += sum(outcome(a) != b for a, b in zip(new_calls, old_outcomes))
        now = base = float("inf")
        for _ in range(args.rounds):  # alternate, so both see the same load
            with baseline_magnitude(old_magnitude):
                base = min(base, timed(old_calls, 1))
            for reader in (new_parse.parse, new_numeric.parsed_number):  # read every text anew
                getattr(reader, "forget", lambda: None)()
            now = min(now, timed(new_calls, 1))
        print(f"{label:28s} baseline {base:8.1f} us/text   now {now:8.1f} us/text   "
              f"speed-up x{base / now:.2f}")
    print(f"results identical to the baseline: {'yes' if not differ else f'NO ({differ} differ)'}")
    print(f"load after: {open('/proc/loadavg').read().strip()}" if os.path.exists("/proc/loadavg")
          else "")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
