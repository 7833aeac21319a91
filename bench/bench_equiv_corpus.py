"""Equivalence on the labelled corpus: quizgen against SymPy baselines (issue 11 §3).

Run: python bench/bench_equiv_corpus.py [--timeout SECONDS]

For every pair of tests/data/equiv_corpus.py (our texts, so SymPy may parse them here) it measures,
in one run and on one core:
- quizgen: parse both texts with the safe parser, ``check_equivalent`` (end to end);
- naive: ``simplify(a - b) == 0`` with the same symbol assumptions;
- equals: SymPy's ``a.equals(b)``;
each baseline bounded per pair by a timeout (a child process per pair would cost more than the
work, so a SIGALRM timer interrupts it; a timeout counts as undecided). It prints accuracy
(right / wrong / undecided), mean and max time per pair, and the slowest quizgen pair.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "data"))

from equiv_corpus import CORPUS  # noqa: E402


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

    from quizgen.domains import ASSUMPTIONS

    names = {n: sympy.Symbol(n, **ASSUMPTIONS[d]) for n, d in domains.items()}
    names["sigmoid"] = lambda z: 1 / (1 + sympy.exp(-z))
    names["softplus"] = lambda z: sympy.log(1 + sympy.exp(z))
    names["E"] = sympy.E
    return (sympy.sympify(expected, locals=names, rational=True),
            sympy.sympify(answer, locals=names, rational=True))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--timeout", type=float, default=5.0,
                        help="seconds per pair for each SymPy baseline (default 5)")
    args = parser.parse_args()

    import sympy

    from quizgen.grading.equiv import check_equivalent
    from quizgen.grading.parse import parse_answer

    # warm up imports so the first pair does not pay for them
    check_equivalent(parse_answer("x", {"x": "real"}), parse_answer("x", {"x": "real"}),
                     {"x": "real"})
    sympy.simplify(sympy.Symbol("x") - 1)

    stats = {name: {"right": 0, "wrong": 0, "undecided": 0, "time": 0.0, "max": 0.0}
             for name in ("quizgen", "naive simplify(a-b)==0", "sympy a.equals(b)")}
    slowest = ("", 0.0)
    for expected, answer, domains, label, _why in CORPUS:
        start = time.perf_counter()
        result = check_equivalent(parse_answer(expected, domains), parse_answer(answer, domains),
                                  domains)
        took = time.perf_counter() - start
        verdict = None if result.status == "undecided" else result.equivalent
        _count(stats["quizgen"], verdict, label, took)
        if took > slowest[1]:
            slowest = (f"{expected}  vs  {answer}", took)

        e, a = _sympy_pair(expected, answer, domains)
        start = time.perf_counter()
        got = _bounded(lambda: sympy.simplify(e - a) == 0, args.timeout)
        _count(stats["naive simplify(a-b)==0"], got if isinstance(got, bool) else None, label,
               time.perf_counter() - start)

        start = time.perf_counter()
        got = _bounded(lambda: e.equals(a), args.timeout)
        _count(stats["sympy a.equals(b)"], got if isinstance(got, bool) else None, label,
               time.perf_counter() - start)

    n = len(CORPUS)
    print(f"equivalence corpus: {n} labelled pairs "
          f"({sum(1 for r in CORPUS if r[3])} equivalent, {sum(1 for r in CORPUS if not r[3])} "
          f"not); baselines bounded at {args.timeout:g} s per pair; one core")
    print(f"{'method':<26}{'right':>7}{'wrong':>7}{'undecided':>11}{'accuracy':>10}"
          f"{'mean ms':>10}{'max ms':>10}")
    for name, s in stats.items():
        print(f"{name:<26}{s['right']:>7}{s['wrong']:>7}{s['undecided']:>11}"
              f"{100.0 * s['right'] / n:>9.1f}%{1000 * s['time'] / n:>10.1f}"
              f"{1000 * s['max']:>10.1f}")
    print(f"max quizgen equiv time in process: {1000 * slowest[1]:.1f} ms (target < 2000 ms) "
          f"on: {slowest[0]}")
    # end to end, as a user runs it: a fresh `python -m quizgen equiv` process on that pair
    import subprocess

    e_text, a_text = slowest[0].split("  vs  ")
    row = next(r for r in CORPUS if r[0] == e_text and r[1] == a_text)
    flags = []
    for name, domain in row[2].items():
        flags += [f"--{domain.replace('_', '-')}", name] if domain in (
            "real", "positive", "nonnegative", "unit_interval", "integer") else []
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "quizgen", "equiv", e_text, a_text, *flags],
                   cwd=ROOT, capture_output=True, timeout=60)
    print(f"same pair end to end (new process, imports included): "
          f"{1000 * (time.perf_counter() - start):.0f} ms")


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
