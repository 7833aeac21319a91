"""Exam integrity (issue 8 §1): no secret on a sheet, small seeds mixed with a secret, shuffled
question and option orders, question pools, qN through each student's order, variant supply."""

from __future__ import annotations

import csv
import dataclasses
import json
import re
from pathlib import Path

from click.testing import CliRunner

from quizgen.cli import main
from quizgen.kernel.seeds import SMALL_SEED, exam_id, root_seed

SECRET = "fedcba9876543210fedcba9876543210"
QUESTIONS = "gaussian_nll,gaussian_nll_value,sigmoid_mse_gradient,saturation_choice,kl_divergence_value"


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def key_of(folder: Path) -> dict:
    return json.loads((folder / "key.json").read_text())


def student_files(folder: Path) -> dict[str, str]:
    # the sheets and solutions (not key.json, not the figures' PNG files)
    return {p.name: p.read_text() for p in folder.iterdir() if p.name != "key.json" and p.suffix != ".png"}


def test_default_seed_is_128_bit_and_only_the_exam_id_reaches_the_sheets(tmp_path):
    out = tmp_path / "o"
    result = run("make", "--topic", "mle", "--questions", QUESTIONS, "--versions", "2", "--out", str(out))
    assert result.exit_code == 0, result.output
    key = key_of(out)
    seed = key["seed"]
    assert seed >= SMALL_SEED  # 128 random bits (below 2^64 with probability 2^-64)
    assert key["secret"] is None  # nothing to mix: the seed itself cannot be searched
    assert key["exam_id"] == exam_id(seed)
    assert f"seed {seed}" in result.output and f"exam id {key['exam_id']}" in result.output
    files = student_files(out)
    assert set(files) == {f"{k}-v0{i}.{e}" for k in ("sheet", "solutions") for i in (1, 2) for e in ("md", "tex")}
    for name, text in files.items():
        assert key["exam_id"] in text, name
        assert str(seed) not in text and "seed" not in text.lower(), name


def test_small_seed_is_mixed_with_a_secret_kept_in_the_key(tmp_path):
    a = run("make", "--topic", "mle", "--seed", "7", "--questions", QUESTIONS, "--out", str(tmp_path / "a"))
    b = run("make", "--topic", "mle", "--seed", "7", "--questions", QUESTIONS, "--out", str(tmp_path / "b"))
    ka, kb = key_of(tmp_path / "a"), key_of(tmp_path / "b")
    assert ka["seed"] == kb["seed"] == 7
    assert re.fullmatch(r"[0-9a-f]{32}", ka["secret"]) and ka["secret"] != kb["secret"]
    assert f"secret {ka['secret']}" in a.output and f"--seed 7 --secret {ka['secret']}" in a.output
    # a student who knows "seed 7" cannot rebuild the exam: the numbers depend on the secret
    assert ka["versions"] != kb["versions"]
    assert ka["exam_id"] != exam_id(7) and ka["exam_id"] == exam_id(root_seed(7, ka["secret"]))
    for text in student_files(tmp_path / "a").values():
        assert ka["secret"] not in text and "seed" not in text.lower()
    # the instructor can: the printed rebuild line gives the same bytes
    rebuild = re.search(r"rebuild with (.*)", a.output).group(1).split()
    c = run("make", "--topic", "mle", *rebuild, "--questions", QUESTIONS, "--out", str(tmp_path / "c"))
    assert c.exit_code == 0
    assert {p.name: p.read_bytes() for p in (tmp_path / "a").iterdir()} == \
        {p.name: p.read_bytes() for p in (tmp_path / "c").iterdir()}


def test_bad_secret_and_secret_without_seed_are_one_line_errors(tmp_path):
    r = CliRunner().invoke(main, ["make", "--topic", "mle", "--seed", "7", "--secret", "abc", "--out", str(tmp_path / "x")])
    assert r.exit_code == 2 and "--secret must be at least 32 hex digits" in r.output
    r = CliRunner().invoke(main, ["make", "--topic", "mle", "--secret", SECRET, "--out", str(tmp_path / "x")])
    assert r.exit_code == 2 and "--secret needs the --seed" in r.output
    assert not (tmp_path / "x").exists()


def test_templates_cannot_print_the_seed(tmp_path):
    tpl = tmp_path / "tpl" / "md"
    tpl.mkdir(parents=True)
    (tpl / "sheet.md.j2").write_text("{{ exam.seed }}\n")
    r = CliRunner().invoke(main, ["make", "--topic", "mle", "--questions", "gaussian_nll", "--seed", "7", "--secret",
                                  SECRET, "--format", "md", "--templates", str(tmp_path / "tpl"), "--out", str(tmp_path / "o")])
    assert r.exit_code == 2 and "seed" in r.output and "Traceback" not in r.output
    assert not (tmp_path / "o").exists()


def make_class(tmp_path: Path, *extra: str, versions: int = 8) -> dict:
    out = tmp_path / "exam"
    r = run("make", "--topic", "mle", "--seed", "11", "--secret", SECRET, "--questions", QUESTIONS,
            "--versions", str(versions), "--format", "md,json", "--out", str(out), *extra)
    assert r.exit_code == 0, r.output
    return key_of(out)


def test_shuffle_gives_students_their_own_question_order(tmp_path):
    key = make_class(tmp_path, "--shuffle")
    assert key["shuffle"] is True
    orders = [tuple(q["id"] for q in v["questions"]) for v in key["versions"]]
    assert all(sorted(o) == sorted(key["questions"]) for o in orders)
    assert len(set(orders)) >= 4  # 8 students, 120 possible orders
    for v in key["versions"]:  # the sheet shows the questions in the order the key records
        sheet = (tmp_path / "exam" / f"sheet-{v['student']}.md").read_text()
        titles = [m.group(2) for m in re.finditer(r"^## Question (\d+): (.+) \(\d", sheet, re.M)]
        assert titles == [q["title"] for q in v["questions"]]
        assert [q["number"] for q in v["questions"]] == list(range(1, 6))
    # without --shuffle every sheet has the selection's order
    plain = make_class(tmp_path / "p")
    assert {tuple(q["id"] for q in v["questions"]) for v in plain["versions"]} == {tuple(plain["questions"])}


def test_choice_options_are_shuffled_per_student(tmp_path):
    key = make_class(tmp_path)
    layouts = set()
    for v in key["versions"]:
        q = next(q for q in v["questions"] if q["id"] == "mle/saturation_choice")
        layouts.add((tuple(q["answer"]["correct"]), tuple((w["name"], w["choice"]) for w in q["known_wrong"])))
    assert len(layouts) >= 3


def test_pool_draws_k_questions_per_student_deterministically(tmp_path):
    key = make_class(tmp_path, "--pool", "3")
    again = make_class(tmp_path / "again", "--pool", "3")
    assert key == again and key["pool"] == 3
    drawn = [frozenset(q["id"] for q in v["questions"]) for v in key["versions"]]
    assert all(len(d) == 3 and d <= set(key["questions"]) for d in drawn)
    assert len(set(drawn)) >= 3
    for v in key["versions"]:  # kept in the selection's order
        ids = [q["id"] for q in v["questions"]]
        assert ids == [i for i in key["questions"] if i in ids]
    r = CliRunner().invoke(main, ["make", "--topic", "mle", "--questions", QUESTIONS, "--pool", "6",
                                  "--out", str(tmp_path / "x")])
    assert r.exit_code == 2 and "--pool 6 is more than the 5 question(s) selected" in r.output


def correct_text(q: dict) -> str:
    a = q["answer"]
    if q["type"] == "numeric":
        return repr(a["value"])
    if q["type"] == "symbolic":
        return a["expression"]
    if q["type"] == "choice":
        return ",".join(a["correct"])
    return "true" if a["value"] else "false"


def test_qN_means_the_Nth_question_on_that_students_sheet(tmp_path):
    key = make_class(tmp_path, "--shuffle", "--pool", "4")
    subs = tmp_path / "subs.csv"
    with subs.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["student", "q1", "q2", "q3", "q4"])
        for v in key["versions"]:
            w.writerow([v["student"], *(correct_text(q) for q in v["questions"])])
    r = run("grade", "--key", str(tmp_path / "exam" / "key.json"), str(subs), "--out", str(tmp_path / "g"), "--jobs", "1")
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader((tmp_path / "g" / "grades.csv").open()))
    assert len(rows) == 8
    for row, v in zip(rows, key["versions"]):
        assert row["student"] == v["student"] and float(row["percent"]) == 100.0
        on_sheet = {q["id"] for q in v["questions"]}
        for qid in key["questions"]:  # a question the student did not draw is blank
            assert (row[qid] == "") == (qid not in on_sheet)


def test_variant_supply_warning_names_the_question(tmp_path):
    few = str(Path(__file__).parent / "fixtures" / "fewbank")  # mle/few_variants: 15 parameter sets
    r = CliRunner().invoke(main, ["make", "--topic", "mle", "--bank", few, "--seed", "3", "--secret", SECRET,
                                  "--versions", "20", "--questions", "few_variants,gaussian_nll_value", "--format", "json",
                                  "--out", str(tmp_path / "o")])
    assert r.exit_code == 0
    assert "warning: mle/few_variants has at most 15 distinct variant(s) for 20 students" in r.output
    assert "gaussian_nll_value has" not in r.output
    r = CliRunner().invoke(main, ["make", "--topic", "mle", "--bank", few, "--seed", "3", "--secret", SECRET,
                                  "--versions", "12", "--questions", "few_variants", "--format", "json",
                                  "--out", str(tmp_path / "p")])
    assert "quizgen: warning" not in r.output


def test_variant_supply_counts_what_the_constraint_allows():
    from quizgen.generation.exam import variant_supply
    from quizgen.generation.question import Numeric, Question, pick

    q = Question(id="t/x", title="t", statement="s", answer=Numeric(), derive=None, check=None,
                 params=(pick("a", "1", "2", "3"), pick("b", "1", "2", "3")), constraint=lambda p: p["a"] != p["b"])
    assert variant_supply(q) == 6
    # asked only whether there are at least k: counting stops at k (make asks for the class size)
    seen = []
    counting = dataclasses.replace(q, constraint=lambda p: seen.append(1) or p["a"] != p["b"])
    assert variant_supply(counting, at_least=2) == 2 and len(seen) == 3  # (1,1) fails, (1,2) and (1,3) count
    assert variant_supply(q, at_least=7) == 6  # fewer than asked: the exact count


def test_no_format_writes_the_seed_or_the_secret_into_a_student_facing_file():
    """Every registered output format except the key itself: no seed, no secret, no root seed."""
    import io
    import zipfile

    from quizgen import export
    from quizgen.generation.bank import load_bank
    from quizgen.generation.exam import build_exam

    seed = 2**100 + 424242  # digits that cannot appear by chance
    bank = load_bank()
    entries = [bank.find(q) for q in ("mle/gaussian_nll", "mle/gaussian_nll_value", "mle/saturation_choice")]
    exam = build_exam(entries, seed, ["ann", "bob"], secret=SECRET)
    secrets_ = [str(seed), SECRET, str(exam.root), hex(exam.root)[2:]]
    checked = 0
    for fmt in export.REGISTRY:
        if fmt in ("json", "pdf"):  # the key is private; pdf is the tex output compiled
            continue
        for name, data in export.render_exam(exam, [fmt]).items():
            blobs = [data if isinstance(data, bytes) else data.encode("utf-8")]
            if blobs[0][:2] == b"PK":
                with zipfile.ZipFile(io.BytesIO(blobs[0])) as z:
                    blobs = [z.read(n) for n in z.namelist()]
            for blob in blobs:
                for s in secrets_:
                    assert s.encode() not in blob, (fmt, name)
                checked += 1
    assert checked >= 8
