"""`quizgen grade` on Moodle's Responses report and Canvas's Student Analysis, as they come.

The example exports in tests/data/lms/ were written by make_examples.py for the quiz that
`make --format moodle,qti` writes from key.json's pinned seed (each student drew other students'
variants); these tests grade them end to end through the CLI and check every mapping step.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from click.testing import CliRunner
from docpages import block

from quizgen.cli import main
from quizgen.export.lms import lms_html
from quizgen.grading.lms import _plain
from quizgen.kernel.versioncode import version_code

DATA = Path(__file__).parent / "data" / "lms"
KEY = DATA / "key.json"
MOODLE = DATA / "moodle-responses.csv"
CANVAS = DATA / "canvas-student-analysis.csv"
GRADING_DOC = Path(__file__).parent.parent / "docs" / "grading.md"
#: total points per student of the example exports (pinned: see make_examples.py for the answers)
TOTALS = {"alice": "6", "bob": "1.25", "carol": "1.5", "dan": "5"}


def run(*args: str):
    runner = CliRunner(mix_stderr=False) if "mix_stderr" in CliRunner.__init__.__code__.co_varnames else CliRunner()
    return runner.invoke(main, list(args), catch_exceptions=False)


def grades(out: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((out / "grades.csv").read_text())))


def test_key_is_the_pinned_seed(tmp_path):
    """key.json is `make` with the seed pinned in make_examples.py: the same exam id, students and
    questions today, so the exports' version codes are the ones `make` writes. (The numbers are
    the key's own: the exports were made with it, and grading them needs nothing else, so a bank
    edit that redraws these questions' numbers does not break these tests.)"""
    text = (DATA / "make_examples.py").read_text()
    seed = re.search(r'SEED = "(\d+)"', text).group(1)
    questions = re.search(r'QUESTIONS = "([^"]+)"', text).group(1)
    r = run("make", "--topic", "mle", "--questions", questions, "--roster", str(DATA / "roster.csv"),
            "--seed", seed, "--format", "json", "--out", str(tmp_path / "k"))
    assert r.exit_code == 0, r.output
    made = json.loads((tmp_path / "k" / "key.json").read_text())
    key = json.loads(KEY.read_text())
    assert (made["exam_id"], made["seed"], made["questions"]) == (key["exam_id"], int(seed), questions.split(","))
    assert [v["student"] for v in made["versions"]] == [v["student"] for v in key["versions"]]
    codes = set(re.findall(r"Version code: (\w{10})", MOODLE.read_text(encoding="utf-8-sig") + CANVAS.read_text()))
    drawn = {version_code(key["exam_id"], q, v["student"]) for v in key["versions"] for q in key["questions"]}
    assert codes and codes <= drawn


def test_moodle_responses_graded_end_to_end(tmp_path):
    r = run("grade", "--key", str(KEY), str(MOODLE), "--out", str(tmp_path / "g"))
    assert r.exit_code == 0, r.stderr
    rows = grades(tmp_path / "g")
    assert {row["student"]: row["total"] for row in rows} == TOTALS
    summary = json.loads((tmp_path / "g" / "summary.json").read_text())
    assert summary["form"] == "moodle-responses" and summary["problems"] == []
    # bob's choice came back as an option's text; it was read as that option's label and
    # graded against the variant he drew (dan's), with its misconception feedback
    bob = (tmp_path / "g" / "feedback" / "bob.md").read_text()
    key = json.loads(KEY.read_text())
    dan_q1 = next(q for v in key["versions"] if v["student"] == "dan" for q in v["questions"] if q["number"] == 1)
    assert f"- Your answer: `{dan_q1['known_wrong'][0]['choice']}`" in bob
    assert dan_q1["known_wrong"][0]["feedback"][:40] in bob
    # the LMS asked only whether the KL statement is true: a wrong truth value still says why
    tf = next(q for v in key["versions"] for q in v["questions"] if q["id"] == "mle/kl_asymmetry_truefalse")
    assert "- Your answer: `False`" in bob and tf["answer"]["truth_feedback"][:40] in bob


def test_canvas_student_analysis_graded_end_to_end(tmp_path):
    r = run("grade", "--key", str(KEY), str(CANVAS), "--out", str(tmp_path / "g"))
    assert r.exit_code == 0, r.stderr
    rows = grades(tmp_path / "g")
    # Canvas gives no usernames: its students are the export's (SIS ids), none of them in the key
    assert {row["student"]: row["total"] for row in rows} == {
        "S1001": TOTALS["alice"], "S1002": TOTALS["bob"], "S1003": TOTALS["carol"], "S1004": TOTALS["dan"]}


def test_map_names_canvas_students_after_the_key(tmp_path):
    r = run("grade", "--key", str(KEY), str(CANVAS), "--map", str(DATA / "canvas-map.csv"), "--out", str(tmp_path / "g"))
    assert r.exit_code == 0, r.stderr
    assert {row["student"]: row["total"] for row in grades(tmp_path / "g")} == TOTALS


def test_map_renames_columns_of_a_localised_export(tmp_path):
    text = MOODLE.read_text(encoding="utf-8-sig")
    header, rest = text.split("\n", 1)
    german = header.replace("Username", "Nutzername").replace("Response ", "Antwort ").replace("Question ", "Frage ")
    (tmp_path / "de.csv").write_text(german + "\n" + rest)
    rows = [("kind", "from", "to"), ("column", "Nutzername", "Username")]
    rows += [("column", f"Antwort {n}", f"Response {n}") for n in range(1, 5)]
    rows += [("column", f"Frage {n}", f"Question {n}") for n in range(1, 5)]
    (tmp_path / "map.csv").write_text("".join(",".join(r) + "\n" for r in rows))
    r = run("grade", "--key", str(KEY), str(tmp_path / "de.csv"), "--map", str(tmp_path / "map.csv"),
            "--out", str(tmp_path / "g"))
    assert r.exit_code == 0, r.stderr
    assert {row["student"]: row["total"] for row in grades(tmp_path / "g")} == TOTALS


def test_a_row_that_cannot_be_mapped_is_reported_and_the_rest_graded(tmp_path):
    rows = list(csv.reader(io.StringIO(MOODLE.read_text(encoding="utf-8-sig"))))
    erin = list(rows[1])
    erin[:4] = ["Evans", "Erin", "erin", "erin@example.edu"]
    for i, h in enumerate(rows[0]):
        if h.startswith("Question"):
            erin[i] = "A question added in Moodle by hand"  # no version code
    rows.insert(3, erin)  # line 4
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    (tmp_path / "r.csv").write_text(buf.getvalue())
    r = run("grade", "--key", str(KEY), str(tmp_path / "r.csv"), "--out", str(tmp_path / "g"))
    assert r.exit_code == 1
    assert re.search(r'r\.csv, line 4: cannot tell which version "erin" answered .*no version code', r.stderr)
    got = {row["student"]: row["total"] for row in grades(tmp_path / "g")}
    assert got == TOTALS  # erin is not given a 0 she did not earn; everyone else is graded


def _own_variant_export(key: dict) -> str:
    """A --moodle-by-student quiz: everyone answers their own sheet, rightly, as Moodle reports it."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    header = ["Last name", "First name", "Username", "Email address", "State", "Started on", "Completed",
              "Time taken", "Grade/7.00"] + [f"Response {n}" for n in range(1, 5)]
    w.writerow(header)
    for v in key["versions"]:
        row = [v["student"].title(), "X", v["student"], f"{v['student']}@example.edu", "Finished", "", "", "", "7.00"]
        for q in v["questions"]:
            a = q["answer"]
            if q["type"] == "choice":
                text = {c["label"]: c["text"] for c in a["choices"]}
                row.append("; ".join(" ".join(lms_html(text[label])[3:-4].split()) for label in a["correct"]))
            elif q["type"] == "truefalse":
                row.append("True" if a["value"] else "False")
            elif q["type"] == "numeric":
                row.append(f"{a['value']:.5f}")
            else:
                row.append("-")  # the symbolic one left blank
        w.writerow(row)
    return buf.getvalue()


def test_by_username_without_version_codes(tmp_path):
    key = json.loads(KEY.read_text())
    (tmp_path / "own.csv").write_text(_own_variant_export(key))
    r = run("grade", "--key", str(KEY), str(tmp_path / "own.csv"), "--out", str(tmp_path / "g"))
    assert r.exit_code == 0, r.stderr
    for row in grades(tmp_path / "g"):  # every option text, True/False and number mapped back
        assert (row["mle/kl_cross_entropy_choice"], row["mle/kl_asymmetry_truefalse"],
                row["mle/kl_divergence_value"], row["mle/gaussian_nll"]) == ("2", "1", "1", "0")


def test_choice_text_matching_ignores_tags_math_delimiters_and_case():
    assert _plain("<p>\\(0.3 \\log{q}\\)</p>") == _plain("0.3 \\LOG{q}")
    assert _plain("A &amp; B") == "a & b"


def test_gradebook_layouts_parse_back(tmp_path):
    r = run("grade", "--key", str(KEY), str(MOODLE), "--gradebook", "moodle", "--grade-item", "Quiz 1",
            "--out", str(tmp_path / "m"))
    assert r.exit_code == 0, r.stderr
    rows = grades(tmp_path / "m")
    assert list(rows[0]) == ["Username", "Email address", "Quiz 1"]
    assert {row["Username"]: row["Quiz 1"] for row in rows} == TOTALS
    assert rows[0]["Email address"] == "alice.archer@example.edu"

    r = run("grade", "--key", str(KEY), str(CANVAS), "--gradebook", "canvas", "--grade-item", "Quiz 1 (84213)",
            "--out", str(tmp_path / "c"))
    assert r.exit_code == 0, r.stderr
    table = list(csv.reader(io.StringIO((tmp_path / "c" / "grades.csv").read_text())))
    assert table[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Quiz 1 (84213)"]
    assert table[1] == ["Points Possible", "", "", "", "", "6"]
    assert table[2] == ["Alice Archer", "5301", "S1001", "", "ML 2026 A", "6"]
    assert [row[5] for row in table[2:]] == list(TOTALS.values())


def test_plain_gradebook_is_the_default_layout(tmp_path):
    run("grade", "--key", str(KEY), str(MOODLE), "--out", str(tmp_path / "a"))
    run("grade", "--key", str(KEY), str(MOODLE), "--gradebook", "plain", "--out", str(tmp_path / "b"))
    a = (tmp_path / "a" / "grades.csv").read_bytes()
    assert a == (tmp_path / "b" / "grades.csv").read_bytes()
    assert a.startswith(b"student,mle/kl_cross_entropy_choice,")


def test_the_grading_page_shows_the_map_file_and_commands():
    assert block("canvas-map") + "\n" == (DATA / "canvas-map.csv").read_text()
    readme = GRADING_DOC.read_text(encoding="utf-8")
    for command in ("quizgen grade --key key.json moodle-responses.csv --gradebook moodle",
                    "quizgen grade --key key.json canvas-student-analysis.csv --map canvas-map.csv --gradebook canvas"):
        assert command in readme


def test_the_grading_page_gradebook_examples_are_what_grade_writes(tmp_path):
    run("grade", "--key", str(KEY), str(MOODLE), "--gradebook", "moodle", "--grade-item", "Quiz 1", "--out", str(tmp_path / "m"))
    run("grade", "--key", str(KEY), str(CANVAS), "--gradebook", "canvas", "--grade-item", "Quiz 1 (84213)",
        "--out", str(tmp_path / "c"))
    for out, name in (("m", "gradebook-moodle"), ("c", "gradebook-canvas")):
        lines = block(name).splitlines()
        written = (tmp_path / out / "grades.csv").read_text().splitlines()
        assert lines == written[:len(lines)]


def _moodle_rows() -> list[list[str]]:
    return list(csv.reader(io.StringIO(MOODLE.read_text(encoding="utf-8-sig"))))


def _write(path: Path, rows: list[list[str]]) -> Path:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue())
    return path


def test_unfinished_attempts_are_reported_and_later_attempts_count(tmp_path):
    rows = _moodle_rows()
    status = rows[0].index("Status")
    in_progress = list(rows[2])
    in_progress[status] = "In progress"
    again = list(rows[1])  # alice's second attempt, everything blank but question 3
    for i, h in enumerate(rows[0]):
        if h.startswith("Response") and h != "Response 3":
            again[i] = "-"
    no_attempt = list(rows[1])
    no_attempt[:4] = ["Evans", "Erin", "erin", "erin@example.edu"]
    no_attempt = [c if i < status else "-" for i, c in enumerate(no_attempt)]
    rows = [rows[0], rows[1], in_progress, *rows[3:], no_attempt, again]
    r = run("grade", "--key", str(KEY), str(_write(tmp_path / "r.csv", rows)), "--out", str(tmp_path / "g"))
    assert r.exit_code == 1
    assert 'r.csv, line 3: attempt of "bob" is "In progress", not Finished; not graded' in r.stderr
    assert re.search(r"r\.csv, line 2, column \"Response 3\": duplicate answer for alice / mle/kl_divergence_value", r.stderr)
    assert "erin" not in r.stderr  # state "-": an enrolled user who made no attempt, skipped
    got = {row["student"]: row["total"] for row in grades(tmp_path / "g")}
    assert got["alice"] == "6" and got["bob"] == "0" and got["dan"] == TOTALS["dan"] and "erin" not in got


def test_canvas_latest_attempt_counts(tmp_path):
    rows = list(csv.reader(io.StringIO(CANVAS.read_text())))
    at = rows[0].index("submitted") + 1
    rows = [r[:at] + [h] + r[at:] for r, h in zip(rows, ["attempt"] + ["2"] * (len(rows) - 1))]
    first = list(rows[1])
    first[at] = "1"
    first = [c if i <= at or not c or rows[0][i][:1].isdigit() is False else "0.5" for i, c in enumerate(first)]
    rows.insert(1, first)  # alice's first attempt: other answers, not graded
    r = run("grade", "--key", str(KEY), str(_write(tmp_path / "c.csv", rows)), "--map", str(DATA / "canvas-map.csv"),
            "--out", str(tmp_path / "g"))
    assert r.exit_code == 0, r.stderr
    assert {row["student"]: row["total"] for row in grades(tmp_path / "g")} == TOTALS


def test_lms_answers_are_read_as_the_grader_reads_them():
    from quizgen.grading.keyfile import load_key
    from quizgen.grading.lms import lms_answer

    key = load_key(KEY)
    alice = key.version("alice")
    tf = alice.by_id("mle/kl_asymmetry_truefalse")
    text, asked = lms_answer(tf, "True")
    assert text == "True" and asked.type == "truefalse" and "reason" not in asked.entry()["answer"]
    sym = alice.by_id("mle/gaussian_nll")
    _, asked = lms_answer(sym, "6.0058")
    assert asked.type == "numeric" and asked.points == sym.points  # the value at the writer's point
    text, asked = lms_answer(sym, "ans1: (y-y_hat)^2 [valid]; prt1: # = 0")
    assert text == "(y-y_hat)^2" and asked is sym  # a STACK response: the expression
    import dataclasses

    vec = dataclasses.replace(tf, type="vector")
    assert lms_answer(vec, "part 1: 0.5; part 2: -1.25")[0] == "(0.5, -1.25)"
    order = dataclasses.replace(tf, type="order", source=json.dumps(
        {"type": "order", "answer": {"items": [{"label": "1", "text": "Take logs"}, {"label": "2", "text": "Differentiate"}],
                                      "correct": ["1", "2"]}}))
    assert lms_answer(order, "Differentiate; Take logs")[0] == "2, 1"
    assert lms_answer(order, "Differenti...; Take logs")[0] == "2, 1"  # Moodle cuts each step to 10 characters
    assert lms_answer(order, "Take logs; Integrate")[0] == "Take logs; Integrate"  # not a step: left for the grader


def test_python_api_takes_the_map_and_the_gradebook(tmp_path):
    from quizgen.grading.batch import grade_class
    from quizgen.grading.lms import load_map
    from quizgen.grading.report import write_reports

    result = grade_class(KEY, CANVAS, mapping=load_map(DATA / "canvas-map.csv"))
    assert {s.student: s.total for s in result.students} == {k: float(v) for k, v in TOTALS.items()}
    write_reports(result, tmp_path, gradebook="canvas", item="Quiz 1 (84213)")
    assert (tmp_path / "grades.csv").read_text().startswith("Student,ID,SIS User ID,SIS Login ID,Section,Quiz 1 (84213)\n")


def test_solutions_are_those_of_the_variant_drawn(tmp_path):
    r = run("grade", "--key", str(KEY), str(MOODLE), "--show-solutions", "--out", str(tmp_path / "g"))
    assert r.exit_code == 0, r.stderr
    key = json.loads(KEY.read_text())
    value = {v["student"]: q["answer"]["value"] for v in key["versions"] for q in v["questions"]
             if q["id"] == "mle/kl_divergence_value"}
    alice = (tmp_path / "g" / "feedback" / "alice.md").read_text()
    bob = (tmp_path / "g" / "feedback" / "bob.md").read_text()
    carol = (tmp_path / "g" / "feedback" / "carol.md").read_text()
    assert f"{value['alice']:.6g}" in alice  # alice drew her own variant of question 3
    assert f"{value['carol']:.6g}" in bob and f"{value['bob']:.6g}" not in bob  # bob drew carol's
    # carol left question 4 blank: which variant she was given is not in the export
    q4 = carol[carol.index("## Question 4"):]
    assert "- Correct answer: (not known" in q4


def test_map_works_for_plain_forms_too(tmp_path):
    (tmp_path / "subs.csv").write_text("Matrikelnummer,question,answer\n4711,q3,0.820972\n")
    (tmp_path / "map.json").write_text(json.dumps({"columns": {"Matrikelnummer": "student"},
                                                   "students": {"4711": "alice"}}))
    r = run("grade", "--key", str(KEY), str(tmp_path / "subs.csv"), "--map", str(tmp_path / "map.json"),
            "--out", str(tmp_path / "g"))
    assert r.exit_code == 0, r.stderr
    alice = next(row for row in grades(tmp_path / "g") if row["student"] == "alice")
    assert alice["mle/kl_divergence_value"] == "1" and alice["total"] == "1"


def test_a_bad_map_file_is_one_line_and_status_2(tmp_path):
    (tmp_path / "map.csv").write_text("kind,from,to\nrename,a,b\n")
    r = run("grade", "--key", str(KEY), str(MOODLE), "--map", str(tmp_path / "map.csv"), "--out", str(tmp_path / "g"))
    assert r.exit_code == 2
    assert r.stderr.strip().endswith("map.csv, line 2: expected column|student,<from>,<to>")
    assert len(r.stderr.strip().splitlines()) == 1 and not (tmp_path / "g").exists()


def test_canvas_column_without_a_code_is_reported_or_named_by_map(tmp_path):
    rows = list(csv.reader(io.StringIO(CANVAS.read_text())))
    col = next(i for i, h in enumerate(rows[0]) if h.startswith("40101: "))
    rows[0][col] = re.sub(r"\s*Version code: \w+", "", rows[0][col])
    _write(tmp_path / "c.csv", rows)
    r = run("grade", "--key", str(KEY), str(tmp_path / "c.csv"), "--map", str(DATA / "canvas-map.csv"),
            "--out", str(tmp_path / "g"))
    assert r.exit_code == 1
    assert 'c.csv, column "40101: Binary labels' in r.stderr and "no quizgen version code" in r.stderr
    answered = [row[0] for row in rows[1:] if row[col]]
    assert answered  # whoever drew that variant lost question 1 ...
    (tmp_path / "map.csv").write_text((DATA / "canvas-map.csv").read_text()
                                      + f'column,"{rows[0][col]}",q1\n')
    r = run("grade", "--key", str(KEY), str(tmp_path / "c.csv"), "--map", str(tmp_path / "map.csv"),
            "--out", str(tmp_path / "g2"))
    assert r.exit_code == 0, r.stderr  # ... until --map names the column: q1 of their own sheet
    summary = json.loads((tmp_path / "g2" / "summary.json").read_text())
    assert summary["answers_graded"] == 15


def test_a_code_of_another_exam_is_reported(tmp_path):
    text = MOODLE.read_text(encoding="utf-8-sig")
    first_code = re.search(r"Version code: (\w{10})", text).group(1)
    (tmp_path / "r.csv").write_text(text.replace(first_code, "0123456789", 1))
    r = run("grade", "--key", str(KEY), str(tmp_path / "r.csv"), "--out", str(tmp_path / "g"))
    assert r.exit_code == 1
    assert ('r.csv, line 2, column "Response 1": version code 0123456789 is not in the key '
            "(a quiz made from another exam?); not graded") in r.stderr
    got = {row["student"]: row["total"] for row in grades(tmp_path / "g")}
    assert got["alice"] == "4" and got["bob"] == TOTALS["bob"]  # alice loses question 1 only


def test_moodle_3_headers_and_the_roster_missing_students(tmp_path):
    rows = _moodle_rows()
    rows[0] = [{"Last name": "Surname", "Status": "State", "Started": "Started on", "Duration": "Time taken"}.get(h, h)
               for h in rows[0]]
    rows = [r for r in rows if r[2] != "dan"]  # dan made no attempt
    r = run("grade", "--key", str(KEY), str(_write(tmp_path / "r.csv", rows)), "--out", str(tmp_path / "g"))
    assert r.exit_code == 0, r.stderr
    got = {row["student"]: row["total"] for row in grades(tmp_path / "g")}
    assert got == {**TOTALS, "dan": "0"}
    assert json.loads((tmp_path / "g" / "summary.json").read_text())["missing"] == ["dan"]


def test_identity_prefers_a_column_that_names_key_students(tmp_path):
    rows = _moodle_rows()
    user = rows[0].index("Username")
    rows[0].insert(user + 1, "ID number")
    for r in rows[1:]:
        r.insert(user + 1, r[user])  # the key's ids are the ID numbers ...
        r[user] = f"u{r[user]}"      # ... not the usernames
    r = run("grade", "--key", str(KEY), str(_write(tmp_path / "r.csv", rows)), "--gradebook", "moodle",
            "--out", str(tmp_path / "g"))
    assert r.exit_code == 0, r.stderr
    table = grades(tmp_path / "g")
    assert list(table[0]) == ["Username", "Email address", "ID number", "quizgen a03e-58b2-4bee"]
    assert [(t["Username"], t["ID number"]) for t in table] == [(f"u{s}", s) for s in TOTALS]

    canvas = CANVAS.read_text()
    for sis, student in (("S1001", "alice"), ("S1002", "bob"), ("S1003", "carol"), ("S1004", "dan")):
        canvas = canvas.replace(f",{sis},", f",{student},")
    (tmp_path / "c.csv").write_text(canvas)
    r = run("grade", "--key", str(KEY), str(tmp_path / "c.csv"), "--out", str(tmp_path / "gc"))
    assert r.exit_code == 0, r.stderr
    assert {row["student"]: row["total"] for row in grades(tmp_path / "gc")} == TOTALS
