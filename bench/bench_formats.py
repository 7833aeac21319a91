"""Benchmark: each export format for 500 versions × 10 questions, next to Markdown's time.

    python bench/bench_formats.py [--versions 500] [--questions 10] [--repeat 3]

Builds the exam once (the variants are shared by every format), then times ``render_exam`` for
each format on its own, with the writers' caches emptied first (a cold run, as in ``make``), and
prints each wall-clock and CPU time and the CPU time's ratio to Markdown's in the same run (CPU
time, because on a shared machine the wall clock mostly measures the neighbours). Targets (issue 9): Moodle
XML and QTI within 2× Markdown, HTML within 3×. pdf is left out (pdflatex dominates it).
The 10 questions are chosen to cover every answer type the bank has; one of them draws a figure.
The figures are drawn once before the timings (the same matplotlib work for every format, timed
on its own line); each format's own figure work is timed: base64 for HTML and Moodle XML, the
PNG files for Markdown, LaTeX and the QTI zip.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout's quizgen, installed or not

TARGETS = {"moodle": 2.0, "qti": 2.0, "html": 3.0}


def clear_caches() -> None:
    from quizgen.export import lms, markup
    from quizgen.generation import figures

    for fn in (markup.markdown_to_tex, markup.markdown_to_html, markup.latex_to_mathml, markup._mathml_shape, lms.lms_html,
               figures._base64):
        fn.cache_clear()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--versions", type=int, default=500)
    ap.add_argument("--questions", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=3, help="best of N runs per format")
    ap.add_argument("--formats", default="md,json,tex,html,moodle,qti")
    args = ap.parse_args()

    from quizgen.export import render_exam
    from quizgen.generation.bank import load_bank
    from quizgen.generation.exam import build_exam, version_names

    entries = load_bank().topic("mle")
    chosen, kinds = [], set()
    for e in entries:  # one of each answer type first, then bank order
        if e.question.kind not in kinds:
            kinds.add(e.question.kind)
            chosen.append(e)
    chosen += [e for e in entries if e not in chosen]
    chosen = chosen[: args.questions]
    print(f"questions: {len(chosen)} ({', '.join(f'{e.id} [{e.question.kind}]' for e in chosen)})")
    t0 = time.perf_counter()
    exam = build_exam(chosen, 2026, version_names(args.versions))
    print(f"versions:  {args.versions}; variants built in {time.perf_counter() - t0:.2f} s (not counted below); cpus: {os.cpu_count()}")
    from quizgen.generation.figures import figure_files

    t0 = time.perf_counter()
    drawn = figure_files(exam)
    shown = sum(len(v.figures) for ver in exam.versions for v in ver.variants)
    print(f"figures:   {shown} shown, {len(drawn)} distinct, drawn in {time.perf_counter() - t0:.2f} s "
          f"({sum(map(len, drawn.values())) / 1e6:.1f} MB of PNG; not counted below)")

    times = {}
    print("  format   wall     CPU   files      size   (ratios on CPU time: the machine may be shared)")
    for fmt in args.formats.split(","):
        best, best_cpu = float("inf"), float("inf")
        for _ in range(args.repeat):
            clear_caches()
            t, c = time.perf_counter(), time.process_time()
            files = render_exam(exam, [fmt])
            best, best_cpu = min(best, time.perf_counter() - t), min(best_cpu, time.process_time() - c)
        times[fmt] = best_cpu
        size = sum(len(v) for v in files.values())
        print(f"  {fmt:<7} {best:5.2f} s {best_cpu:5.2f} s {len(files):5d} {size / 1e6:7.1f} MB", end="")
        if fmt != "md" and "md" in times:
            ratio = best_cpu / times["md"]
            target = TARGETS.get(fmt)
            verdict = f"  {ratio:5.2f}× Markdown" + (f" (target ≤ {target:g}×: {'met' if ratio <= target else 'MISSED'})" if target else "")
            print(verdict, end="")
        print()


if __name__ == "__main__":
    main()
