"""Benchmark: how fast `quizgen --help` and `quizgen list` answer (target: well under 0.5 s).

    python bench/bench_cli_startup.py [--runs 10]

Each command runs as a fresh process; the figure is the median wall time, printed next to the
baseline of starting Python itself (`python -c pass`) measured in the same run.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

COMMANDS = {
    "python -c pass (baseline)": [sys.executable, "-c", "pass"],
    "quizgen --help": [sys.executable, "-m", "quizgen", "--help"],
    "quizgen list": [sys.executable, "-m", "quizgen", "list"],
    "quizgen make --help": [sys.executable, "-m", "quizgen", "make", "--help"],
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=10)
    runs = ap.parse_args().runs
    for label, argv in COMMANDS.items():
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
            times.append(time.perf_counter() - t)
        print(f"{label:28s} median {statistics.median(times):.3f} s   max {max(times):.3f} s   ({runs} runs)")


if __name__ == "__main__":
    main()
