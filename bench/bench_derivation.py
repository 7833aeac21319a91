"""Benchmark: grading a 6-step derivation in-process (issue 22: under 50 ms on average).

    python bench/bench_derivation.py [--answers 40] [--repeat 3]

Grades ``--answers`` distinct 6-step derivations of mle/gaussian_mse_derivation (σ = 2), each a
different text (the grader caches verdicts by text, and samples each answer at points of its
own, so nothing is reused between them): valid ones, and broken ones whose fourth step flips the
sign (a broken step also costs the search for what went wrong). Beside them, in the same run, the
baseline: as many one-line symbolic answers of mle/gaussian_nll through the same ``grade`` path.
Prints the load average, the mean, median and slowest time per answer, and the ratio to the
baseline. The first answer of each kind is graded once beforehand (imports, compiling the key).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout's quizgen, installed or not

TARGET_MS = 50.0
LINES = [
    "max Σ_i log(exp(-(y_i - ŷ_i)^2/8)/sqrt(8π))",
    "= Σ_i (-(y_i - ŷ_i)^2/8 - log(sqrt(8π)))",
    "= -Σ_i (y_i - ŷ_i)^2/8 - m log(sqrt(8π))",
    "min Σ_i (y_i - ŷ_i)^2/8 + m log(sqrt(8π))",
    "∝ Σ_i (y_i - ŷ_i)^2",
    "(1/m) Σ_i (y_i - ŷ_i)^2 + {k}",
]


def derivation_grader():
    from quizgen.generation.bank import load_bank
    from quizgen.grading.item import compile_question
    from quizgen.generation.key import question_key
    from quizgen.generation.variant import Variant, _instance

    q = load_bank().find("mle/gaussian_mse_derivation").question
    return compile_question(question_key(Variant(seed=0, **_instance(q, (("sd", "2"),), 0)), 1))


def symbolic_grader():
    from quizgen.generation.bank import load_bank
    from quizgen.grading.item import compile_question
    from quizgen.generation.key import question_key
    from quizgen.generation.variant import make_variant

    entry = question_key(make_variant(load_bank().find("mle/gaussian_nll").question, 1, "b"), 1)
    return compile_question(entry), entry["answer"]["expression"]


def answers(n: int, broken: bool) -> list[str]:
    out = []
    for k in range(1, n + 1):
        lines = [line.replace("{k}", str(k)) for line in LINES]
        if broken:
            lines[3] = lines[3].replace("min ", "")  # negated, but still a maximum
        out.append("\n".join(lines))
    return out


def timed(grader, texts: list[str], expect: str) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds per answer (on a shared machine the CPU time is what this
    process spent; the wall clock also counts the neighbours)."""
    wall, cpu = [], []
    for text in texts:
        t0, c0 = time.perf_counter(), time.process_time()
        verdict = grader.grade(text)
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        assert verdict.status == expect, (verdict.status, verdict.message)
    return wall, cpu


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--answers", type=int, default=40, help="distinct answers of each kind per run")
    ap.add_argument("--repeat", type=int, default=3, help="runs (fresh graders each); the median run is shown")
    args = ap.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; cpus: {os.cpu_count()}")
    derivation_grader().grade("\n".join(answers(1, False)))  # warm: imports, the key, mpmath
    symbolic_grader()[0].grade("(y - y_hat)^2/2")
    runs = []
    for r in range(args.repeat):
        d = derivation_grader()
        s, expected = symbolic_grader()
        valid = timed(d, answers(args.answers, False), "correct")
        broken = timed(d, answers(args.answers, True), "partial")
        base = timed(s, [f"{expected} + {k} - {k}" for k in range(args.answers)], "correct")
        runs.append((valid, broken, base))
    runs.sort(key=lambda run: statistics.mean(run[0][1]))
    valid, broken, base = runs[len(runs) // 2]
    print(f"{'answers':36s} {'mean':>7s} {'median':>7s} {'slowest':>7s} | {'cpu mean':>8s} {'median':>7s}  ms per answer")
    for label, (wall, cpu) in (("6-step derivation, valid", valid), ("6-step derivation, broken at line 4", broken),
                               ("baseline: one symbolic answer", base)):
        print(f"{label:36s} {statistics.mean(wall):7.1f} {statistics.median(wall):7.1f} {max(wall):7.1f} | "
              f"{statistics.mean(cpu):8.1f} {statistics.median(cpu):7.1f}")
    ratio = statistics.mean(valid[1]) / statistics.mean(base[1])
    met = all(statistics.mean(times[1]) < TARGET_MS for times in (valid, broken))
    print(f"valid derivation / symbolic answer (cpu): {ratio:.1f}x; target, mean under {TARGET_MS:.0f} ms "
          f"(cpu): {'met' if met else 'NOT met'}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
