"""Benchmark: a class set of sheets (Markdown, LaTeX, key.json) with and without figures, written to disk.

    python bench/bench_make.py [--versions 500] [--repeat 3] [--jobs J] [--whole-bank] [--out-dir DIR]

Each run is one whole ``make`` in a fresh Python process (imports, loading the bank, deriving every
question once, building every variant, drawing the figures, rendering, atomic writes), so no run
profits from another's caches:

- ``10 questions with figures``: the five questions that draw figures plus five without, 500 versions;
- ``same 10, no figures``: the same class with every question's figures removed;
- ``3 questions (old baseline)``: the 3-question exam of the first benchmark (gaussian_nll,
  gaussian_nll_value, sigmoid_mse_gradient), without figures, as measured when issue 7 was filed;
- with ``--whole-bank``, also ``whole bank (N questions)``: every shipped question, with figures
  (``quizgen make --topic mle --versions 500``, about a minute a run on 2 cores).

Targets (issue 7 §7): with figures <= 10 s on 2 cores, and <= 1.5x the same class without figures.
Issue 21: with its derivation cache warm (``quizgen.generation.derived``), the 3-question class in at most
45 % of 7039a38's time and the whole bank in at most half: ``--baseline-tree DIR`` runs each class
with the quizgen of DIR too, alternately in the same run, compares their files byte for byte and
prints the ratio. Each run of the current tree uses one cache folder, empty at the start: the
first run of each class is shown apart as "cold".
The classes are run in turn, ``--repeat`` times (so a change in the machine's load hits
each alike); each line shows the median and the fastest total, and the phases of the fastest run.
The load average is printed before and after: on a shared machine the times follow it.

Each run writes into a new folder under ``--out-dir`` (default: a temporary folder in the current
directory, where ``quizgen make`` writes by default), and the folders are deleted only after the
last run. Deleting thousands of files just before creating thousands more is not what a user
does, and on some file systems it makes the creations slow (ext4 without a journal skips the
inodes freed in the last seconds when it allocates new ones). The first line says how long
creating 2,000 empty files takes there, the disk's share of the ``write`` phase.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WITH_FIGURES = (
    "mle/sigmoid_mse_gradient", "mle/saturation_choice", "mle/sigmoid_bce_gradient",
    "mle/reliability_ece", "mle/bernoulli_likelihood_curve",
)
WITHOUT = ("mle/one_hot_cross_entropy", "mle/kl_divergence_value", "mle/gaussian_nll", "mle/gaussian_nll_value",
           "mle/variance_mle")
OLD_THREE = ("mle/gaussian_nll", "mle/gaussian_nll_value", "mle/sigmoid_mse_gradient")


def one_run(ids: list[str] | None, versions: int, figures: bool, jobs: int | None, out: str) -> dict:
    """Build and write one class set into the new folder ``out``; return the phase times (called in a fresh process)."""
    import dataclasses

    t0 = time.perf_counter()
    try:  # the layout since issue 23
        from quizgen.generation.bank import load_bank
        from quizgen.generation.exam import build_exam, version_names
        from quizgen.kernel.files import write_atomic
    except ImportError:  # an earlier quizgen (--baseline-tree)
        from quizgen.bank import load_bank
        from quizgen.exam import build_exam, version_names
        from quizgen.fsio import write_atomic
    from quizgen.export import render_exam, shows_figures

    bank = load_bank()
    entries = bank.topic("mle") if ids is None else [bank.find(i) for i in ids]
    if not figures:
        entries = [dataclasses.replace(e, question=dataclasses.replace(e.question, figures=())) for e in entries]
    t1 = time.perf_counter()
    formats = ["md", "tex", "json"]
    exam = build_exam(entries, 2026, version_names(versions), jobs=jobs, figures=shows_figures(formats))
    t2 = time.perf_counter()
    files = render_exam(exam, formats, jobs=jobs)
    t3 = time.perf_counter()
    for name, data in files.items():
        write_atomic(Path(out) / name, data)
    t4 = time.perf_counter()
    return {
        "import": t1 - t0, "variants": t2 - t1, "render": t3 - t2, "write": t4 - t3, "total": t4 - t0,
        "files": len(files), "figures": sum(name.endswith(".png") for name in files),
        "mb": sum(len(d) for d in files.values()) / 1e6,
    }


def measure(ids, versions: int, figures: bool, jobs: int | None, out: Path, tree: Path = ROOT,
            cache: Path | None = None) -> dict:
    """One run in a fresh Python with the quizgen of ``tree``; ``cache``: its derivation cache
    folder (quizgen.kernel.cache), None for no cache."""
    code = (f"import json, sys; sys.path.insert(0, {str(tree)!r}); sys.path.insert(0, {str(Path(__file__).parent)!r});"
            f"from bench_make import one_run; print(json.dumps(one_run({None if ids is None else list(ids)!r}, "
            f"{versions}, {figures}, {jobs}, "
            f"{str(out)!r})))")
    env = {**os.environ, "PYTHONPATH": str(tree)}
    if cache is None:
        env["QUIZGEN_CACHE"] = "off"
    else:
        env["QUIZGEN_CACHE_DIR"] = str(cache)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tree, check=True, env=env)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def same_files(a: Path, b: Path) -> tuple[bool, int]:
    """Whether two runs wrote the same files with the same bytes, and how many files."""
    import filecmp

    names = sorted(str(p.relative_to(a)) for p in a.rglob("*") if p.is_file())
    if names != sorted(str(p.relative_to(b)) for p in b.rglob("*") if p.is_file()):
        return False, len(names)
    return all(filecmp.cmp(a / n, b / n, shallow=False) for n in names), len(names)


def creation_seconds(folder: Path, n: int = 2000) -> float:
    """How long creating ``n`` empty files in a new folder under ``folder`` takes (the disk's own cost)."""
    probe = Path(tempfile.mkdtemp(prefix="probe-", dir=folder))
    t = time.perf_counter()
    for i in range(n):
        (probe / f"f{i}").touch()
    return time.perf_counter() - t


def whole_bank_size() -> int:
    from quizgen.generation.bank import load_bank

    return len(load_bank().topic("mle"))


def load() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--versions", type=int, default=500)
    ap.add_argument("--repeat", type=int, default=3, help="runs of each class (median and fastest shown)")
    ap.add_argument("--jobs", type=int, default=None, help="worker processes (default: the CPUs)")
    ap.add_argument("--whole-bank", action="store_true",
                    help="also the whole shipped bank (every question, about a minute a run on 2 cores)")
    ap.add_argument("--out-dir", type=Path, default=Path.cwd(),
                    help="where the runs write (each into a new folder, all deleted at the end; default: here)")
    ap.add_argument("--baseline-tree", type=Path, default=None,
                    help="a checkout of an earlier quizgen (e.g. a worktree at 7039a38): each class is run with it "
                         "too, alternately, and its files compared byte for byte")
    ap.add_argument("--only", choices=("figures", "old-three", "whole-bank"), action="append",
                    help="run only these classes (repeatable)")
    args = ap.parse_args()
    if args.baseline_tree is not None and not (args.baseline_tree / "quizgen" / "__init__.py").is_file():
        ap.error(f"--baseline-tree {args.baseline_tree}: not a checkout of quizgen (no quizgen/__init__.py)")
    if not args.out_dir.is_dir():
        ap.error(f"--out-dir {args.out_dir}: no such folder")
    base = Path(tempfile.mkdtemp(prefix=".quizgen-bench-", dir=args.out_dir))
    try:
        run_all(args, base)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def run_all(args: argparse.Namespace, base: Path) -> None:
    n = args.versions
    print(f"{n} versions, formats md + tex + json, written to disk; cpus: {os.cpu_count()}; jobs: "
          f"{args.jobs or 'default'}; each run in a fresh process, {args.repeat} run(s) each; {load()}")
    print(f"writing under {base}: creating 2,000 empty files there takes {creation_seconds(base):.2f} s")
    runs = [
        ("10 questions with figures", WITH_FIGURES + WITHOUT, True, "figures"),
        ("same 10, no figures", WITH_FIGURES + WITHOUT, False, "figures"),
        ("3 questions (old baseline)", OLD_THREE, False, "old-three"),
    ] + ([(f"whole bank ({whole_bank_size()} questions)", None, True, "whole-bank")] if args.whole_bank else [])
    if args.only:
        runs = [r for r in runs if r[3] in args.only]
    trees = [("now", ROOT)] + ([("base", args.baseline_tree)] if args.baseline_tree else [])
    cache = base / "cache"  # the derivation cache: empty at the start, so the first run of each class is cold
    results: dict[tuple[str, str], list[dict]] = {}
    cold: dict[str, dict] = {}
    last: dict[tuple[str, str], Path] = {}
    for i in range(args.repeat + 1):
        for label, ids, figures, _ in runs:
            for name, tree in trees:  # alternately: a change in the machine's load hits both alike
                if i == args.repeat and name != "now":
                    continue
                out = Path(tempfile.mkdtemp(prefix="run-", dir=base))
                r = measure(ids, n, figures, args.jobs, out, tree, cache if name == "now" else None)
                if name == "now" and i == 0:
                    cold[label] = r  # the first run filled the cache
                else:
                    results.setdefault((label, name), []).append(r)
                if (label, name) in last:
                    shutil.rmtree(last[(label, name)], ignore_errors=True)
                last[(label, name)] = out
    print(f"{'class':28s} {'':5s} {'median':>7s} {'min':>7s} | fastest: {'import':>6s} {'variants':>8s} {'render':>6s} "
          f"{'write':>5s}  files  figures")
    medians = {}
    for label, _, _, _ in runs:
        for name, _ in trees:
            rs = sorted(results[(label, name)], key=lambda r: r["total"])
            r, medians[(label, name)] = rs[0], statistics.median(x["total"] for x in rs)
            print(f"{label:28s} {name:5s} {medians[(label, name)]:6.2f}s {r['total']:6.2f}s | {r['import']:14.2f}s "
                  f"{r['variants']:7.2f}s {r['render']:5.2f}s {r['write']:4.2f}s  {r['files']:5d}  {r['figures']:4d}")
        c = cold[label]
        print(f"{label:28s} {'cold':5s} {c['total']:6.2f}s  (the first run, its derivation cache empty)")
    for label, _, _, _ in runs:
        if args.baseline_tree:
            same, count = same_files(last[(label, "now")], last[(label, "base")])
            ratio = medians[(label, "now")] / medians[(label, "base")]
            print(f"{label}: now / base = {ratio:.0%} of the baseline's time (cold: "
                  f"{cold[label]['total'] / medians[(label, 'base')]:.0%}); {count} files, "
                  f"{'byte-identical' if same else 'DIFFERENT'} to the baseline's")
    if ("10 questions with figures", "now") in medians and ("same 10, no figures", "now") in medians:
        with_f, without = medians[("10 questions with figures", "now")], medians[("same 10, no figures", "now")]
        print(f"medians: figures cost {with_f / without:.2f}x the same class without them (target <= 1.5x); "
              f"with figures {with_f:.2f} s (target <= 10 s on 2 cores)")
    print(f"targets (issue 21): the 3-question class <= 45% of 7039a38's time, the whole bank <= 50%; {load()}")


if __name__ == "__main__":
    main()
