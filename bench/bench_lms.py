"""Grading an LMS export: a Moodle Responses report of a class whose quiz drew random variants.

    python bench/bench_lms.py [--students 2000]

Makes an exam of the four questions of tests/data/lms (choice, true/false with a reason, numeric,
symbolic) for a roster of N students, then writes the Responses report Moodle would give when
each student drew another student's variant of every question (drawn with a fixed seed): the
question text with its version code, and a response as Moodle summarises it (an option's text,
True/False, a number, the symbolic question's value at its point), right or wrong at random.
It times `quizgen grade --jobs 1` on it end to end in a fresh process, next to a plain long-form
CSV of as many answers (each student's own variants, typed as on a sheet, right as often): what
grading costs without the LMS mapping (finding the code, matching option texts, the questions
as the LMS asked them).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUESTIONS = "mle/kl_cross_entropy_choice,mle/kl_asymmetry_truefalse,mle/kl_divergence_value,mle/gaussian_nll"


def quizgen(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "quizgen", *args], capture_output=True, text=True, env=env, cwd=ROOT)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=2000)
    args = parser.parse_args()

    from quizgen.export.lms import at_point, lms_html
    from quizgen.generation.key import expand_key
    from quizgen.kernel.versioncode import version_code

    rng = random.Random(2026)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        (out / "roster.csv").write_text("student\n" + "".join(f"s{i:05d}\n" for i in range(args.students)))
        made = quizgen("make", "--topic", "mle", "--questions", QUESTIONS, "--roster", str(out / "roster.csv"),
                       "--seed", "18446744073709553642", "--format", "json", "--out", str(out / "exam"))
        assert made.returncode == 0, made.stderr
        key = expand_key(json.loads((out / "exam" / "key.json").read_text()))
        entries = {(v["student"], q["id"]): q for v in key["versions"] for q in v["questions"]}
        students = [v["student"] for v in key["versions"]]

        def response(q: dict, typed: bool = False) -> str:
            """As Moodle reports it, or (typed) as a student types it on a sheet."""
            a, right = q["answer"], rng.random() < 0.6
            if typed and q["type"] == "symbolic":
                return a["expression"] if right else q["known_wrong"][0]["expression"]
            if typed and q["type"] == "choice":
                return ", ".join(a["correct"]) if right else rng.choice([c["label"] for c in a["choices"]])
            if q["type"] == "choice":
                texts = {c["label"]: c["text"] for c in a["choices"]}
                labels = a["correct"] if right else [rng.choice(sorted(texts))]
                return "; ".join(" ".join(lms_html(texts[label])[3:-4].split()) for label in labels)
            if q["type"] == "truefalse":
                return "True" if a["value"] == right else "False"
            if q["type"] == "numeric":
                return f"{a['value'] * (1 if right else 1.3):.4f}"
            p = at_point(a, [w["expression"] for w in q["known_wrong"]], q["variant_seed"])
            return f"{p.value * (1 if right else 0.5):.5g}"

        moodle, plain = io.StringIO(), io.StringIO()
        m, p = csv.writer(moodle, lineterminator="\n"), csv.writer(plain, lineterminator="\n")
        m.writerow(["Last name", "First name", "Username", "Email address", "Status", "Grade/6.00"]
                   + [h for n in range(1, 5) for h in (f"Question {n}", f"Response {n}")])
        p.writerow(["student", "question", "answer"])
        answers = 0
        for s in students:
            row = [s, "Student", s, f"{s}@example.edu", "Finished", "0.00"]
            for qid in key["questions"]:
                owner = rng.choice(students)
                text = response(entries[(owner, qid)])
                row += [f"Question text. Version code: {version_code(key['exam_id'], qid, owner)}", text]
                p.writerow([s, qid, response(entries[(s, qid)], typed=True)])
                answers += 1
            m.writerow(row)
        (out / "moodle.csv").write_text(moodle.getvalue())
        (out / "plain.csv").write_text(plain.getvalue())
        print(f"{args.students} students, {answers} answers")
        for name in ("moodle.csv", "plain.csv"):
            start = time.perf_counter()
            r = quizgen("grade", "--key", str(out / "exam" / "key.json"), str(out / name), "--jobs", "1",
                        "--out", str(out / f"g-{name}"))
            took = time.perf_counter() - start
            status = f"exit {r.returncode}" + (f": {r.stderr.strip()[:200]}" if r.returncode else "")
            mean = json.loads((out / f"g-{name}" / "summary.json").read_text())["class_mean_percent"] if r.returncode in (0, 1) else None
            status += f", class mean {mean}%"
            print(f"{name:12s} {took:6.2f} s  {answers / took:7.0f} answers/s  ({status})")


if __name__ == "__main__":
    main()
