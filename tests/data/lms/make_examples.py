"""Rebuild the example LMS exports in this folder (run from the repository root):

    PYTHONPATH=$PWD python tests/data/lms/make_examples.py

key.json is `quizgen make` with the pinned seed below; moodle-responses.csv and
canvas-student-analysis.csv are what Moodle's Responses report and Canvas's Student Analysis
would give for the quiz that `make --format moodle,qti` writes, written the way each LMS writes
them (see docs/grading.md, "Responses from Moodle and Canvas"): Moodle's "Question N" is the question
text as plain text (a multichoice adds ": " and its options joined by "; "), "Response N" the
student's response summary (an option's text, True/False, the number typed); Canvas's question
header is "<its question id>: <question text without tags>", followed by a points column. Each
student drew other students' variants, as the random-question pattern does. tests check that
these files agree with the key.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = "18446744073709553642"
QUESTIONS = "mle/kl_cross_entropy_choice,mle/kl_asymmetry_truefalse,mle/kl_divergence_value,mle/gaussian_nll"
MAKE = ["make", "--topic", "mle", "--questions", QUESTIONS, "--roster", "roster.csv", "--seed", SEED,
        "--format", "moodle,qti,json"]

#: who drew whose variant of questions 1-4, and what they answered (None: left blank)
MOODLE_ROWS = [
    # last, first, username, email, drawn owners, responses
    ("Archer", "Alice", "alice", "alice.archer@example.edu", ("bob", "carol", "alice", "dan"),
     ("choices:right", "True", "value:right", "point:right")),
    ("Baker", "Bob", "bob", "bob.baker@example.edu", ("dan", "alice", "carol", "bob"),
     ("choices:first_wrong", "False", "value:reversed_kl", "point:lost_half")),
    ("Chen", "Carol", "carol", "carol.chen@example.edu", ("carol", "dan", "bob", "alice"),
     ("choices:one_right", "True", "value:bits", None)),
    ("Diaz", "Dan", "dan", "dan.diaz@example.edu", ("alice", "bob", "dan", "carol"),
     ("choices:right", "True", "0.1", "point:right")),
]


#: the quiz grade Moodle showed (its own grading, without quizgen's partial credit; not read by quizgen)
MOODLE_GRADES = ("6.00", "0.00", "0.00", "4.00")


def plain(html_text: str) -> str:
    """Moodle's html_to_text / Canvas's strip_tags, near enough: tags out, entities decoded."""
    text = re.sub(r"</p>\s*<p>", "\n", html_text)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def response(q: ET.Element, key_entry: dict, what: str | None) -> str:
    if what is None:
        return "-"
    kind, _, how = what.partition(":")
    answers = [(a.get("fraction"), plain(a.findtext("text"))) for a in q.findall("answer")]
    if kind == "choices":
        labels = [c["label"] for c in key_entry["answer"]["choices"]]
        right = [labels[i] for i, (f, _) in enumerate(answers) if float(f) > 0]
        pick = {"right": right, "one_right": right[:1],
                "first_wrong": [key_entry["known_wrong"][0]["choice"]]}[how]
        return "; ".join(answers[labels.index(p)][1] for p in pick)
    if kind == "value":
        if how == "right":
            return f'{key_entry["answer"]["value"]:.4f}'
        return f'{next(w["value"] for w in key_entry["known_wrong"] if w["name"] == how):.4f}'
    if kind == "point":  # the numerical question's own answers: 100 % is right, the others misconceptions
        value = next(t for f, t in answers if f == "100") if how == "right" else \
            next(t for f, t in answers if f != "100" and t != "*")
        return f"{float(value):.5g}"
    return what


def main() -> None:
    out = HERE / "_make"  # removed at the end
    subprocess.run([sys.executable, "-m", "quizgen", *MAKE, "--out", str(out), "--force"], cwd=HERE, check=True,
                   capture_output=True)
    key = json.loads((out / "key.json").read_text())
    (HERE / "key.json").write_text((out / "key.json").read_text())
    root = ET.fromstring((out / "moodle.xml").read_text())
    by_id = {q.findtext("idnumber"): q for q in root if q.get("type") != "category"}
    entries = {(v["student"], q["id"]): q for v in key["versions"] for q in v["questions"]}
    qids = key["questions"]

    def qtext(q: ET.Element) -> str:
        text = plain(q.findtext("questiontext/text"))
        if q.get("type") == "multichoice":
            text += ": " + "; ".join(plain(a.findtext("text")) for a in q.findall("answer"))
        return text

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    header = ["Last name", "First name", "Username", "Email address", "Status", "Started", "Completed",
              "Duration", "Grade/6.00"]
    for n in range(1, 5):
        header += [f"Question {n}", f"Response {n}"]
    w.writerow(header)
    for i, (last, first, user, email, owners, answers) in enumerate(MOODLE_ROWS):
        row = [last, first, user, email, "Finished", f"3 December 2026  10:{i:02d} AM",
               f"3 December 2026  10:{30 + i:02d} AM", f"{30 - i} mins {10 + i} secs", MOODLE_GRADES[i]]
        for qid, owner, what in zip(qids, owners, answers):
            q = by_id[f"{qid}:{owner}"]
            row += [qtext(q), response(q, entries[(owner, qid)], what)]
        w.writerow(row)
    (HERE / "moodle-responses.csv").write_bytes(("\ufeff" + buf.getvalue()).encode("utf-8"))

    # Canvas: one column pair per drawn variant (question ids as Canvas numbers them)
    drawn: list[tuple[str, str]] = []
    for _, _, _, _, owners, _ in MOODLE_ROWS:
        for qid, owner in zip(qids, owners):
            if (owner, qid) not in drawn:
                drawn.append((owner, qid))
    drawn.sort(key=lambda d: (qids.index(d[1]), d[0]))
    canvas_id = {d: 40101 + i for i, d in enumerate(drawn)}
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    header = ["name", "id", "sis_id", "section", "section_id", "section_sis_id", "submitted"]
    for owner, qid in drawn:
        q = by_id[f"{qid}:{owner}"]
        header += [f"{canvas_id[(owner, qid)]}: {plain(q.findtext('questiontext/text'))}", q.findtext("defaultgrade") + ".0"]
    header += ["n correct", "n incorrect", "score"]
    w.writerow(header)
    for i, (last, first, user, email, owners, answers) in enumerate(MOODLE_ROWS):
        row = [f"{first} {last}", str(5301 + i), f"S10{i + 1:02d}", "ML 2026 A", "2201", "ML2026-A",
               f"2026-12-03 10:{30 + i:02d}:00 UTC"]
        cells = {}
        for qid, owner, what in zip(qids, owners, answers):
            q = by_id[f"{qid}:{owner}"]
            text = response(q, entries[(owner, qid)], what)
            if q.get("type") == "multichoice":
                text = ",".join(t.replace(",", "\\,") for t in text.split("; "))
            cells[(owner, qid)] = "" if text == "-" else text
        for d in drawn:  # Canvas's own points per question are not read by quizgen
            row += [cells.get(d, ""), "" if d not in cells else ("0" if not cells[d] else "1")]
        row += [str(sum(1 for c in cells.values() if c)), str(sum(1 for c in cells.values() if not c)),
                str(sum(1 for c in cells.values() if c))]
        w.writerow(row)
    (HERE / "canvas-student-analysis.csv").write_text(buf.getvalue())
    for f in out.iterdir():
        f.unlink()
    out.rmdir()


if __name__ == "__main__":
    main()
