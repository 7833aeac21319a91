"""End-to-end class grading benchmark (issue 8 §5).

    python bench/bench_grade_class.py [--students 8334] [--versions 240] [--jobs 1] [--parallel N]

Builds a real exam with ``quizgen make``'s machinery (12 questions of the ``mle`` topic,
``--versions`` distinct students), copies those versions to ``--students`` students
(so each question has at most ``--versions`` distinct variants, as a real class of thousands has:
the bank's parameter grids hold 15 to a few thousand variants per question) and answers each
question from a pool of right answers (in several notations), known wrong answers, other wrong
answers, unreadable and empty answers. Then, each in a fresh process so memory is measured
alone, it times:

- key load: reading and validating ``key.json`` (and its size on disk);
- end to end: ``quizgen grade --jobs 1`` (key load, content checks, reading submissions,
  grading, every output file), with its peak RSS;

and in this process the naive baseline ``sympy.simplify(sympify(a) - sympify(b)) == 0`` on a
sample of the symbolic answers, to print the ratio. Targets: >= 3,000 answers/s end to end,
key load < 2 s, RSS < 500 MB.
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
    from quizgen.bank import load_bank
    from quizgen.exam import build_exam, version_names
    from quizgen.key import build_key, compact_key, dumps

    bank = load_bank()
    exam = build_exam([bank.find(q) for q in QUESTIONS], 2026, version_names(versions), secret="5eed" * 8)
    key = json.loads(dumps(build_key(exam, compact=False)))
    base = key["versions"]
    rng = random.Random(7)
    out_versions = []
    with (folder / "subs.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["student", "question", "answer"])
        n = 0
        for i in range(students):
            v = dict(base[i % len(base)], student=f"s{i:05d}")
            out_versions.append(v)
            for q in v["questions"]:
                w.writerow([v["student"], f"q{q['number']}", rng.choice(answer_pool(q))])
                n += 1
    key["versions"] = out_versions
    global FULL_KEY_MB
    FULL_KEY_MB = len(dumps(key).encode("utf-8")) / 1e6  # every entry in full, as before compact keys
    (folder / "key.json").write_text(dumps(compact_key(key)), encoding="utf-8")
    return folder / "key.json", folder / "subs.csv", n


FULL_KEY_MB = 0.0


def measure(code: str) -> dict:
    """Run ``code`` in a fresh Python; it prints a JSON dict; add its peak RSS (MB)."""
    # VmHWM: this process's peak resident set (ru_maxrss would carry the parent's over exec)
    wrapper = code + ("\nimport json as _j, re as _re\n"
                      "_hwm = int(_re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))\n"
                      "print(_j.dumps(dict(RESULT, rss_mb=_hwm / 1024)))\n")
    out = subprocess.run([sys.executable, "-c", wrapper], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def naive_baseline(key_path: Path, sample: int) -> tuple[int, float]:
    import sympy

    from quizgen.key import expand_key

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
    ap.add_argument("--students", type=int, default=8334)
    ap.add_argument("--versions", type=int, default=240)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--baseline", type=int, default=100, help="symbolic pairs for the naive baseline")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="quizgen-bench-") as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        key_path, subs, n = build(folder, args.students, args.versions)
        print(f"workload: {n} answers, {args.students} students, {args.versions} distinct versions, "
              f"key.json {key_path.stat().st_size / 1e6:.1f} MB compact ({FULL_KEY_MB:.0f} MB with every entry in full; built in {time.perf_counter() - t0:.0f} s)")
        load = measure(f"import time\nt = time.perf_counter()\nfrom quizgen.grading.keyfile import load_key\n"
                       f"k = load_key({str(key_path)!r})\nRESULT = dict(seconds=time.perf_counter() - t)")
        print(f"key load:   {load['seconds']:.2f} s (target < 2 s), RSS {load['rss_mb']:.0f} MB")
        e2e = measure(f"import time, sys\nt = time.perf_counter()\nfrom click.testing import CliRunner\n"
                      f"from quizgen.cli import main\n"
                      f"r = CliRunner().invoke(main, ['grade', '--key', {str(key_path)!r}, {str(subs)!r}, '--out', "
                      f"{str(folder / 'grades')!r}, '--jobs', '{args.jobs}'])\n"
                      f"assert r.exit_code in (0, 1), r.output\n"
                      f"RESULT = dict(seconds=time.perf_counter() - t)")
        rate = n / e2e["seconds"]
        print(f"end to end: {e2e['seconds']:.2f} s with --jobs {args.jobs} = {rate:,.0f} answers/s "
              f"(target >= 3,000), peak RSS {e2e['rss_mb']:.0f} MB (target < 500 MB)")
        pairs, seconds = naive_baseline(key_path, args.baseline)
        naive = pairs / seconds
        print(f"naive simplify(a - b) == 0: {naive:,.1f} answers/s on {pairs} symbolic pairs "
              f"({seconds:.1f} s); end to end is {rate / naive:,.0f}x faster")


if __name__ == "__main__":
    main()
