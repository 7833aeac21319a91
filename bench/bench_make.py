"""Benchmark: 500 versions of a 10-question sheet (Markdown, LaTeX and key.json), written to disk.

    python bench/bench_make.py [--versions 500] [--questions 10]

Prints the wall time of the whole run (derivation once per question, 5,000 variants, rendering,
atomic writes), next to a baseline measured in the same run: the same work with every variant
re-deriving its question from scratch (no derive-once, no instance cache), timed on a few
versions and scaled up. Target (issue 2): under 10 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--versions", type=int, default=500)
    ap.add_argument("--questions", type=int, default=10)
    ap.add_argument("--baseline-versions", type=int, default=10)
    args = ap.parse_args()

    t0 = time.perf_counter()
    from quizgen.bank import load_bank
    from quizgen.exam import build_exam, version_names
    from quizgen.fsio import write_atomic
    from quizgen.export import render_exam
    import quizgen.variant as variant

    entries = load_bank().topic("mle")[: args.questions]
    t_import = time.perf_counter() - t0
    print(f"questions: {len(entries)} ({', '.join(e.id for e in entries)})")
    print(f"versions:  {args.versions}  formats: md, tex, json   cpus: {os.cpu_count()}")

    out = Path(tempfile.mkdtemp(prefix="quizgen-bench-"))
    try:
        t1 = time.perf_counter()
        exam = build_exam(entries, 2026, version_names(args.versions))
        t2 = time.perf_counter()
        files = render_exam(exam, ["md", "tex", "json"])
        t3 = time.perf_counter()
        for name, text in files.items():
            write_atomic(out / name, text)
        t4 = time.perf_counter()
        total = t4 - t0
        size = sum(len(t) for t in files.values())
        print(f"import + load bank      {t_import:7.2f} s")
        print(f"derive + build variants {t2 - t1:7.2f} s   ({len(entries) * args.versions} variants)")
        print(f"render md + tex + json  {t3 - t2:7.2f} s")
        print(f"write {len(files)} files        {t4 - t3:7.2f} s   ({size / 1e6:.1f} MB)")
        print(f"TOTAL                   {total:7.2f} s   (target < 10 s)")

        # Baseline: re-derive every question for every variant.
        n = args.baseline_versions
        tb = time.perf_counter()
        names = version_names(args.versions)[:n]
        for student in names:
            variant.compiled.cache_clear()
            variant._instance.cache_clear()
            build_exam(entries, 2026, [student])
        per_version = (time.perf_counter() - tb) / n
        print(f"baseline (derive per variant): {per_version:.3f} s/version -> "
              f"{per_version * args.versions:7.1f} s for {args.versions} versions (variants only, no rendering)")
        print(f"speed-up over baseline: {per_version * args.versions / (t2 - t1):.0f}x on building variants")
    finally:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
