"""End-to-end class grading benchmark (issue 8 §5, issue 21 §2).

    python bench/bench_grade_class.py [--students 1667] [--versions 240] [--jobs 1] [--rounds 2]
                                      [--key-students 300] [--baseline-tree ../scale-base]

First, the key load of a large course: ``quizgen make --topic mle --versions 300`` (a compact
key of 300 students x the whole topic, about 30 MB), then, each in a fresh process: loading it checked in
full (schema and every entry's content, what every load did before issue 21; here with
``QUIZGEN_CACHE=off``), loading it trusted (make recorded its exact bytes in the cache, see
``quizgen.kernel.cache``), and a ``grade`` of a 1-row file with each. Target: a trusted key load < 1 s.

Then a mixed class: a real exam with ``quizgen make``'s machinery (12 questions of the ``mle``
topic, ``--versions`` distinct students) copied to ``--students`` students (1,667 x 12 = 20,004
answers, 42 % symbolic; each question has at most ``--versions`` distinct variants, as a real
class of thousands has) answered from a pool of right answers (in several notations), known wrong
answers, other wrong answers, unreadable and empty answers; its key recorded as make records
its own. End to end: ``quizgen grade --jobs 1`` in a fresh process (key load, reading
submissions, grading, every output file), with its peak RSS. Target >= 3,000 answers/s,
RSS < 500 MB. And in this process the naive baseline ``sympy.simplify(sympify(a) - sympify(b))
== 0`` on a sample of the symbolic answers, to print the ratio.

``--baseline-tree DIR`` measures the key loads and the end to end run with the quizgen of DIR
too (e.g. a worktree at 7039a38), in the same run: ``--rounds`` runs of each, alternating, each
into a fresh output folder, both trees from bytecode (``compileall`` first, as an installed copy
runs); the best of each is printed with their ratio. The load average is printed before and after.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


#: 12 questions of the mle topic (numeric, symbolic, choice): 8,334 students give 100,008 answers.
QUESTIONS = ["mle/gaussian_nll", "mle/gaussian_nll_value", "mle/gradient_ratio", "mle/variance_mle",
             "mle/sigmoid_bce_gradient", "mle/sigmoid_mse_gradient", "mle/bernoulli_kl_gradient",
             "mle/kl_cross_entropy_choice", "mle/kl_divergence_value", "mle/saturation_choice",
             "mle/one_hot_cross_entropy", "mle/gaussian_loglik_sum"]


def answer_pool(q: dict) -> list[str]:
    """Answers students give to one key entry: right (several ways), known wrong, wrong, junk."""
    a = q["answer"]
    wrong = [w for w in q.get("known_wrong", [])]
    if q["type"] == "numeric":
        v = a["value"]
        right = [repr(v), f"{v:.4g}", f"{v:.6f}", a.get("exact") or repr(v)]
        known = [repr(w["value"]) for w in wrong]
        other = [f"{v * 1.5:.4g}", f"{v + 1:.4g}"]
    elif q["type"] == "symbolic":
        e = a["expression"]
        right = [e, f"({e})", f"1*({e})", e.replace("**", "^")]
        known = [w["expression"] for w in wrong]
        other = [f"2*({e})", f"({e}) + 1"]
    elif q["type"] == "choice":
        right = [",".join(a["correct"])] * 3 + [" ".join(a["correct"]).lower()]
        known = [w["choice"] for w in wrong]
        other = []
    else:
        right = ["true" if a["value"] else "false"] * 3
        known = ["false" if a["value"] else "true"]
        other = []
    return right * 3 + known * 2 + other + ["1/0", "((", ""]


def build(folder: Path, students: int, versions: int) -> tuple[Path, Path, int]:
    from quizgen.generation.bank import load_bank
    from quizgen.generation.exam import build_exam, version_names
    from quizgen.generation.key import build_key, compact_key, dumps

    bank = load_bank()
    exam = build_exam([bank.find(q) for q in QUESTIONS], 2026, version_names(versions), secret="5eed" * 8)
    key = json.loads(dumps(build_key(exam, compact=False)))
    base = key["versions"]
    rng = random.Random(7)
    out_versions = []
    with (folder / "subs.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["student", "question", "answer"])
        n = symbolic = 0
        texts = set()
        for i in range(students):
            v = dict(base[i % len(base)], student=f"s{i:05d}")
            out_versions.append(v)
            for q in v["questions"]:
                answer = rng.choice(answer_pool(q))
                w.writerow([v["student"], f"q{q['number']}", answer])
                texts.add(answer)
                symbolic += q["type"] == "symbolic"
                n += 1
    key["versions"] = out_versions
    global FULL_KEY_MB, SYMBOLIC_SHARE, DISTINCT
    SYMBOLIC_SHARE, DISTINCT = symbolic / max(n, 1), len(texts)
    FULL_KEY_MB = len(dumps(key).encode("utf-8")) / 1e6  # every entry in full, as before compact keys
    (folder / "key.json").write_text(dumps(compact_key(key)), encoding="utf-8")
    return folder / "key.json", folder / "subs.csv", n


FULL_KEY_MB = 0.0
SYMBOLIC_SHARE = 0.0
DISTINCT = 0


def measure(code: str, tree: Path = ROOT, env: dict | None = None) -> dict:
    """Run ``code`` in a fresh Python with quizgen from ``tree``; it prints a JSON dict; add its peak RSS (MB)."""
    # VmHWM: this process's peak resident set (ru_maxrss would carry the parent's over exec)
    wrapper = code + ("\nimport json as _j, re as _re\n"
                      "_hwm = int(_re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))\n"
                      "print(_j.dumps(dict(RESULT, rss_mb=_hwm / 1024)))\n")
    full_env = {**os.environ, "PYTHONPATH": str(tree), **(env or {})}
    out = subprocess.run([sys.executable, "-c", wrapper], cwd=tree, capture_output=True, text=True, check=True,
                         env=full_env)
    return json.loads(out.stdout.strip().splitlines()[-1])


KEY_LOAD = """import time
t = time.perf_counter()
from quizgen.grading.keycheck import check_key_content
from quizgen.grading.keyfile import load_key
k = load_key({path!r})
if not getattr(k, "trusted", False):
    check_key_content(k)
RESULT = dict(seconds=time.perf_counter() - t)
"""

GRADE = """import time
t = time.perf_counter()
from click.testing import CliRunner
from quizgen.cli import main
r = CliRunner().invoke(main, ['grade', '--key', {key!r}, {subs!r}, '--out', {out!r}, '--jobs', '{jobs}'])
assert r.exit_code in (0, 1), r.output
RESULT = dict(seconds=time.perf_counter() - t)
"""


def make_topic_key(out: Path, students: int, tree: Path) -> Path:
    """``quizgen make --topic mle --format json`` of ``students`` versions with the quizgen of ``tree``."""
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "quizgen", "make", "--topic", "mle", "--versions", str(students),
                           "--seed", "7", "--format", "json", "--out", str(out)], cwd=tree, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(tree)})
    if done.returncode != 0:
        sys.exit(f"quizgen make ({tree}) failed with exit {done.returncode}: {done.stderr.strip()[-2000:]}")
    key = out / "key.json"
    data = json.loads(key.read_text(encoding="utf-8"))
    print(f"key ({tree.name}): {len(data['versions'])} students x {len(data['questions'])} questions, "
          f"{len(data.get('variants', ())):,} distinct variants, {key.stat().st_size / 1e6:.1f} MB "
          f"(made in {time.perf_counter() - t0:.0f} s)")
    return key


def key_load_figures(folder: Path, students: int, baseline: Path | None) -> None:
    """The key load of a compact key of ``students`` x the whole mle topic (68 questions today), made by
    ``quizgen make`` (which records it in the cache, see quizgen.kernel.cache): checked in full (what
    every load did before issue 21, the cache off) and trusted; and a 1-row ``grade`` of it."""
    one = folder / "one.csv"
    one.write_text("student,question,answer\nv001,q1,0.5\n", encoding="utf-8")
    runs = [("checked in full (cache off)", ROOT, {"QUIZGEN_CACHE": "off"}), ("trusted (made by make)", ROOT, {})]
    if baseline is not None:
        # an older quizgen reads only the answer types it knows: it makes (and loads) its own key of its own bank
        runs.insert(0, (f"baseline {baseline.name}", baseline, {}))
    keys: dict[Path, Path] = {}
    for label, tree, env in runs:
        if tree not in keys:
            keys[tree] = make_topic_key(folder / f"big-{len(keys)}", students, tree)
        key = keys[tree]
        load = measure(KEY_LOAD.format(path=str(key)), tree, env)
        one_row = measure(GRADE.format(key=str(key), subs=str(one), out=str(folder / "g1"), jobs=1), tree, env)
        print(f"  {label:30s} key load {load['seconds']:5.2f} s (RSS {load['rss_mb']:.0f} MB); "
              f"grade of a 1-row file {one_row['seconds']:5.2f} s")


def naive_baseline(key_path: Path, sample: int) -> tuple[int, float]:
    import sympy

    from quizgen.generation.key import expand_key

    key = expand_key(json.loads(key_path.read_text(encoding="utf-8")))
    pairs = []
    rng = random.Random(3)
    for v in key["versions"][:200]:
        for q in v["questions"]:
            if q["type"] == "symbolic":
                pairs.append((q["answer"]["expression"], rng.choice(answer_pool(q)[:-3])))
    pairs = rng.sample(pairs, min(sample, len(pairs)))
    start = time.perf_counter()
    for expected, answer in pairs:
        try:
            sympy.simplify(sympy.sympify(expected.replace("^", "**")) - sympy.sympify(answer.replace("^", "**"))) == 0
        except Exception:  # noqa: BLE001 - the naive baseline has no parser of its own
            pass
    return len(pairs), time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--students", type=int, default=1667, help="students of the mixed class (12 answers each)")
    ap.add_argument("--versions", type=int, default=240)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--baseline", type=int, default=100, help="symbolic pairs for the naive baseline")
    ap.add_argument("--key-students", type=int, default=300,
                    help="students of the whole-topic key whose load is timed (0: skip)")
    ap.add_argument("--rounds", type=int, default=2, help="end-to-end runs of each tree, alternating")
    ap.add_argument("--baseline-tree", type=Path, default=None,
                    help="a checkout of an earlier quizgen (e.g. a worktree at 7039a38) measured in the same run")
    args = ap.parse_args()
    if args.baseline_tree is not None and not (args.baseline_tree / "quizgen" / "__init__.py").is_file():
        ap.error(f"--baseline-tree {args.baseline_tree}: not a checkout of quizgen (no quizgen/__init__.py)")
    print(f"load average before: {open('/proc/loadavg').read().split()[:3]}, {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory(prefix="quizgen-bench-") as tmp:
        folder = Path(tmp)
        if args.key_students:
            key_load_figures(folder, args.key_students, args.baseline_tree)
        t0 = time.perf_counter()
        key_path, subs, n = build(folder, args.students, args.versions)
        from quizgen.grading.keyfile import remember_key

        remember_key(key_path.read_bytes())  # as make does for the key it writes
        os.sync()  # the build's 50 MB reach the disk now, not during the first timed run
        print(f"workload: {n} answers, {args.students} students, {args.versions} distinct versions, "
              f"key.json {key_path.stat().st_size / 1e6:.1f} MB compact ({FULL_KEY_MB:.0f} MB with every entry in full; "
              f"built in {time.perf_counter() - t0:.0f} s); {SYMBOLIC_SHARE:.0%} symbolic, {DISTINCT:,} distinct texts")
        trees = [("now", ROOT)] + ([(f"baseline {args.baseline_tree.name}", args.baseline_tree)] if args.baseline_tree else [])
        for _label, tree in trees:  # as an installed copy runs: from bytecode, not compiled per run
            subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree / "quizgen")], check=True)
        best: dict[str, float] = {}
        for i in range(args.rounds):  # alternating (A B A B): both see the same machine
            for label, tree in trees:
                out = folder / f"grades-{i}-{label.split()[0]}"  # a fresh folder for every run
                e2e = measure(GRADE.format(key=str(key_path), subs=str(subs), out=str(out), jobs=args.jobs), tree)
                rate = n / e2e["seconds"]
                best[label] = max(best.get(label, 0.0), rate)
                print(f"end to end ({label}, round {i + 1}): {e2e['seconds']:.2f} s with --jobs {args.jobs} = "
                      f"{rate:,.0f} answers/s (target >= 3,000), peak RSS {e2e['rss_mb']:.0f} MB (target < 500 MB)")
        now_rate = best["now"]
        print("best of each: " + ", ".join(f"{label} {rate:,.0f} answers/s" for label, rate in best.items())
              + (f" (now / baseline = {now_rate / best[trees[1][0]]:.2f})" if len(trees) > 1 else ""))
        pairs, seconds = naive_baseline(key_path, args.baseline)
        naive = pairs / seconds
        print(f"naive simplify(a - b) == 0: {naive:,.1f} answers/s on {pairs} symbolic pairs "
              f"({seconds:.1f} s); end to end is {now_rate / naive:,.0f}x faster")
    print(f"load average after: {open('/proc/loadavg').read().split()[:3]}")


if __name__ == "__main__":
    main()
