"""Time ``grade_class`` on a synthetic class, serial against parallel.

    python bench/bench_grade_class.py [STUDENTS] [JOBS]

Every student gets their own variant of each fixture question (so nothing is shared between
students, the worst case for compilation) and answers drawn from a pool of right, known-wrong,
unknown and unreadable answers. Prints the wall time of each run and checks they agree.
"""

from __future__ import annotations

import copy
import json
import sys
import tempfile
import time
from pathlib import Path

from quizgen.grading.batch import grade_class
from quizgen.grading.report import grades_csv

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "grade"
ANSWERS = {
    "mle/gaussian_nll": ["(y - y_hat)**2/(2*sigma**2)", "(y - y_hat)**2/sigma**2", "(y_hat - y)**2/(2*sigma**2)",
                         "0.5*((y-y_hat)/sigma)**2", "y - y_hat", "(y - y_hat)^2/2sigma^2", ""],
    "mle/bernoulli_entropy": ["0.693", "-0.693", "0.7", "log(2)", "ln 2", "1/0"],
    "mle/kl_direction": ["B", "A", "b", "C"],
    "mle/mse_is_gaussian": ["true", "false", "T", "maybe"],
}


def build(folder: Path, students: int) -> tuple[dict, Path]:
    base = json.loads((FIXTURES / "key.json").read_text(encoding="utf-8"))
    versions, rows = [], ["student,question,answer"]
    for i in range(students):
        v = copy.deepcopy(base["versions"][i % len(base["versions"])])
        v["student"] = f"s{i:05d}"
        for q in v["questions"]:
            q["variant_seed"] = i
            pool = ANSWERS[q["id"]]
            rows.append(f'{v["student"]},{q["id"]},"{pool[(i * 7 + q["number"]) % len(pool)]}"')
        versions.append(v)
    base["versions"] = versions
    subs = folder / "subs.csv"
    subs.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return base, subs


def main() -> None:
    students = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    jobs = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    with tempfile.TemporaryDirectory() as tmp:
        key, subs = build(Path(tmp), students)
        timings = {}
        results = {}
        for label, n in (("serial", 1), (f"jobs={jobs}", jobs)):
            start = time.perf_counter()
            results[label] = grade_class(key, subs, jobs=n, min_parallel_rows=0)
            timings[label] = time.perf_counter() - start
        first, second = results.values()
        for label, seconds in timings.items():
            print(f"{label:>8}: {seconds:6.2f} s for {first.graded} answers ({students} students)")
        print("identical:", grades_csv(first) == grades_csv(second) and first == second)


if __name__ == "__main__":
    main()
