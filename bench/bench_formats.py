"""Benchmark: each export format for 500 versions × 10 questions, next to Markdown's time.

    python bench/bench_formats.py [--versions 500] [--questions 10] [--repeat 3]

Builds the exam once (the variants are shared by every format), then times ``render_exam`` for
each format on its own, with the writers' caches emptied first (a cold run, as in ``make``), and
prints each time and its ratio to Markdown measured in the same run. Targets (issue 9): Moodle
XML and QTI within 2× Markdown, HTML within 3×. pdf is left out (pdflatex dominates it).
The 10 questions are chosen to cover every answer type the bank has.
"""

from __future__ import annotations

import argparse
import os
import time

TARGETS = {"moodle": 2.0, "qti": 2.0, "html": 3.0}


def clear_caches() -> None:
    from quizgen.export import lms, markup

    for fn in (markup.markdown_to_tex, markup.markdown_to_html, markup.latex_to_mathml, markup._mathml_shape, lms.lms_html):
        fn.cache_clear()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--versions", type=int, default=500)
    ap.add_argument("--questions", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=3, help="best of N runs per format")
    ap.add_argument("--formats", default="md,json,tex,html,moodle,qti")
    args = ap.parse_args()

    from quizgen.bank import load_bank
    from quizgen.exam import build_exam, version_names
    from quizgen.export import render_exam

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

    times = {}
    for fmt in args.formats.split(","):
        best = float("inf")
        for _ in range(args.repeat):
            clear_caches()
            t = time.perf_counter()
            files = render_exam(exam, [fmt])
            best = min(best, time.perf_counter() - t)
        times[fmt] = best
        size = sum(len(v) for v in files.values())
        print(f"  {fmt:<7} {best:7.2f} s   {len(files):5d} file(s) {size / 1e6:7.1f} MB", end="")
        if fmt != "md" and "md" in times:
            ratio = best / times["md"]
            target = TARGETS.get(fmt)
            verdict = f"  {ratio:5.2f}× Markdown" + (f" (target ≤ {target:g}×: {'met' if ratio <= target else 'MISSED'})" if target else "")
            print(verdict, end="")
        print()


if __name__ == "__main__":
    main()
