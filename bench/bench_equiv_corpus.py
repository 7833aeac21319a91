"""Equivalence on the labelled corpus: quizgen against SymPy baselines and, optionally, against
an earlier quizgen (issue 11 §3, issue 19 §5).

Run: python bench/bench_equiv_corpus.py [--timeout SECONDS] [--baseline REF] [--rounds N]

For every pair of tests/data/equiv_corpus.py (our texts, so SymPy may parse them here) it measures,
in one run and on one core:
- quizgen: parse both texts with the safe parser, ``check_equivalent`` (end to end);
- naive: ``simplify(a - b) == 0`` with the same symbol assumptions;
- equals: SymPy's ``a.equals(b)``;
- with ``--baseline REF`` (e.g. ``7039a38``, main before issue 19): the quizgen package of that
  commit (``git archive``) in a child process, on the same pairs; the rounds alternate between
  it and this quizgen so that both see the same machine load, and the ratio of the two means
  (pairs both can read) is printed;
each SymPy baseline bounded per pair by a timeout (a child process per pair would cost more than
the work, so a SIGALRM timer interrupts it; a timeout counts as undecided). It prints accuracy
(right / wrong / undecided), mean and max time per pair, the slowest quizgen pair, and that pair
as a user runs it: a fresh ``python -m quizgen equiv`` process, imports included.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "data"))

from equiv_corpus import CORPUS  # noqa: E402

_FLAGS = {"real": "--real", "positive": "--positive", "nonnegative": "--nonnegative",
          "unit_interval": "--unit-interval", "integer": "--integer",
          "positive_integer": ("--positive", "--integer"),
          "nonnegative_integer": ("--nonnegative", "--integer")}


class _Timeout(BaseException):
    pass


def _alarm(signum, frame):  # type: ignore[no-untyped-def]
    raise _Timeout()


def _bounded(fn, seconds: float):  # type: ignore[no-untyped-def]
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return fn()
    except _Timeout:
        return "timeout"
    except Exception:  # noqa: BLE001 - a SymPy failure is "undecided"
        return None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _sympy_pair(expected: str, answer: str, domains: dict):  # type: ignore[no-untyped-def]
    import sympy

    from quizgen.kernel.domains import ASSUMPTIONS

    names = {n: sympy.Symbol(n, **ASSUMPTIONS[d]) for n, d in domains.items()}
    names["sigmoid"] = lambda z: 1 / (1 + sympy.exp(-z))
    names["softplus"] = lambda z: sympy.log(1 + sympy.exp(z))
    names["E"] = sympy.E
    return (sympy.sympify(expected, locals=names, rational=True),
            sympy.sympify(answer, locals=names, rational=True))


def quizgen_pass() -> list[tuple[str | None, float]]:
    """(verdict or None when a text cannot be read, seconds) per corpus pair, with whatever
    quizgen is first on sys.path; imports (numpy, mpmath, SymPy for the proof step) are warmed
    up first and not timed."""
    import importlib

    try:  # the engine's home since issue 23; an earlier baseline has it in quizgen.grading
        home = importlib.import_module("quizgen.maths")
    except ImportError:
        home = importlib.import_module("quizgen.grading")
    check_equivalent = importlib.import_module(home.__name__ + ".equiv").check_equivalent
    parse_answer = importlib.import_module(home.__name__ + ".parse").parse_answer
    prove_equal = importlib.import_module(home.__name__ + ".proof").prove_equal

    x = {"x": "real"}
    check_equivalent(parse_answer("x", x), parse_answer("x", x), x)
    check_equivalent(parse_answer("x", x), parse_answer("x + 1e-20", x), x)  # mpmath
    prove_equal(parse_answer("x", x), parse_answer("x", x), x)  # SymPy
    out: list[tuple[str | None, float]] = []
    for expected, answer, domains, _label, _why in CORPUS:
        start = time.perf_counter()
        try:
            result = check_equivalent(parse_answer(expected, domains),
                                      parse_answer(answer, domains), domains)
        except Exception:  # noqa: BLE001 - an older quizgen may not read a newer pair
            out.append((None, 0.0))
            continue
        out.append((result.status, time.perf_counter() - start))
    return out


def _baseline_pass(code: Path) -> list[tuple[str | None, float]]:
    env = dict(os.environ, PYTHONPATH=str(code))
    proc = subprocess.run([sys.executable, __file__, "--child"], cwd=code, env=env,
                          capture_output=True, text=True, timeout=3600)
    if proc.returncode:
        raise SystemExit(f"the baseline run failed:\n{proc.stderr[-2000:]}")
    return [tuple(row) for row in json.loads(proc.stdout)]  # type: ignore[misc]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--timeout", type=float, default=5.0,
                        help="seconds per pair for each SymPy baseline (default 5)")
    parser.add_argument("--baseline", metavar="REF",
                        help="also time the quizgen of this git commit on the same pairs")
    parser.add_argument("--rounds", type=int, default=2,
                        help="alternating rounds of quizgen (and the baseline) (default 2)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:  # a baseline run: this file, with an older quizgen on PYTHONPATH
        print(json.dumps(quizgen_pass()))
        return
    sys.path.insert(0, str(ROOT))

    import sympy

    with tempfile.TemporaryDirectory(prefix="quizgen-baseline-") as tmp:
        code = None
        if args.baseline:
            code = Path(tmp)
            archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.baseline, "quizgen"],
                                     capture_output=True, check=True).stdout
            subprocess.run(["tar", "-x", "-C", str(code)], input=archive, check=True)
        runs, base_runs = [], []
        for _ in range(max(1, args.rounds)):
            if code is not None:
                base_runs.append(_baseline_pass(code))
            runs.append(quizgen_pass())

    n = len(CORPUS)
    labels = [row[3] for row in CORPUS]
    stats = {"quizgen": _stats(runs, labels)}
    if base_runs:
        stats[f"quizgen {args.baseline} (baseline)"] = _stats(base_runs, labels)

    sympy.simplify(sympy.Symbol("x") - 1)
    naive = {"right": 0, "wrong": 0, "undecided": 0, "time": 0.0, "max": 0.0, "n": n}
    equals = dict(naive)
    for expected, answer, domains, label, _why in CORPUS:
        e, a = _sympy_pair(expected, answer, domains)
        start = time.perf_counter()
        got = _bounded(lambda: sympy.simplify(e - a) == 0, args.timeout)
        _count(naive, got if isinstance(got, bool) else None, label, time.perf_counter() - start)
        start = time.perf_counter()
        got = _bounded(lambda: e.equals(a), args.timeout)
        _count(equals, got if isinstance(got, bool) else None, label, time.perf_counter() - start)
    stats["naive simplify(a-b)==0"] = naive
    stats["sympy a.equals(b)"] = equals

    load = os.getloadavg()
    print(f"equivalence corpus: {n} labelled pairs ({sum(labels)} equivalent, "
          f"{n - sum(labels)} not); SymPy baselines bounded at {args.timeout:g} s per pair; one "
          f"core; load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"{'method':<34}{'right':>7}{'wrong':>7}{'undecided':>11}{'unread':>8}{'accuracy':>10}"
          f"{'mean ms':>10}{'max ms':>10}")
    for name, s in stats.items():
        print(f"{name:<34}{s['right']:>7}{s['wrong']:>7}{s['undecided']:>11}"
              f"{s.get('unread', 0):>8}{100.0 * s['right'] / n:>9.1f}%"
              f"{1000 * s['time'] / s['n']:>10.2f}{1000 * s['max']:>10.1f}")
    if base_runs:
        common = [i for i in range(n) if all(r[i][0] is not None for r in base_runs)]
        mine = statistics.median(sum(r[i][1] for i in common) / len(common) for r in runs)
        theirs = statistics.median(sum(r[i][1] for i in common) / len(common) for r in base_runs)
        print(f"mean per pair on the {len(common)} pairs both read (median of {len(runs)} "
              f"alternating rounds): quizgen {1000 * mine:.2f} ms, baseline {1000 * theirs:.2f} ms, "
              f"ratio {mine / theirs:.2f} (target <= 2)")
    times = [max(r[i][1] for r in runs) for i in range(n)]
    slowest = max(range(n), key=times.__getitem__)
    expected, answer, domains = CORPUS[slowest][:3]
    print(f"max quizgen equiv time in process: {1000 * times[slowest]:.1f} ms on: {expected}  vs  "
          f"{answer}")
    flags: list[str] = []
    for name, domain in domains.items():
        for flag in (_FLAGS[domain] if isinstance(_FLAGS[domain], tuple) else (_FLAGS[domain],)):
            flags += [flag, name]
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "quizgen", "equiv", expected, answer, *flags],
                   cwd=ROOT, capture_output=True, timeout=60)
    print(f"same pair end to end (new process, imports included): "
          f"{1000 * (time.perf_counter() - start):.0f} ms (target < 2000 ms)")


def _stats(runs: list[list[tuple[str | None, float]]], labels: list[bool]) -> dict:
    """Accuracy of the first run (verdicts are deterministic), time as the median of the runs."""
    s = {"right": 0, "wrong": 0, "undecided": 0, "unread": 0, "time": 0.0, "max": 0.0}
    first = runs[0]
    read = [i for i, row in enumerate(first) if row[0] is not None]
    for i, (status, _) in enumerate(first):
        if status is None:
            s["unread"] += 1
        elif status == "undecided":
            s["undecided"] += 1
        elif (status == "equivalent") is labels[i]:
            s["right"] += 1
        else:
            s["wrong"] += 1
    s["time"] = statistics.median(sum(r[i][1] for i in read) for r in runs)
    s["max"] = max(max(r[i][1] for i in read) for r in runs)
    s["n"] = max(1, len(read))
    return s


def _count(s: dict, verdict, label: bool, took: float) -> None:  # type: ignore[no-untyped-def]
    s["time"] += took
    s["max"] = max(s["max"], took)
    if verdict is None:
        s["undecided"] += 1
    elif verdict is label:
        s["right"] += 1
    else:
        s["wrong"] += 1


if __name__ == "__main__":
    main()
