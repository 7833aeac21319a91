"""`quizgen make` and `quizgen list`: reproducibility, per-student versions, errors and exit statuses."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizgen.cli import main

QUESTIONS = "gaussian_nll,gaussian_nll_value,sigmoid_mse_gradient"
#: A small seed is mixed with a per-exam secret; passing the secret makes a run reproducible.
SECRET = "0123456789abcdef0123456789abcdef"


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def make(out: Path, *extra: str, seed: str = "7"):
    return run("make", "--topic", "mle", "--seed", seed, "--secret", SECRET, "--questions", QUESTIONS,
               "--out", str(out), *extra)


def tree(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_same_seed_same_bytes(tmp_path):
    assert make(tmp_path / "A", "--versions", "3").exit_code == 0
    assert make(tmp_path / "B", "--versions", "3").exit_code == 0
    a, b = tree(tmp_path / "A"), tree(tmp_path / "B")
    assert a == b
    assert set(a) >= {"key.json", "sheet-v1.md", "solutions-v3.tex"} or set(a) >= {"key.json", "sheet-v01.md", "solutions-v03.tex"}


def test_same_bytes_in_a_fresh_process(tmp_path):
    """Nothing depends on the process (hash seeds, dict order, caches): compare with a subprocess run."""
    assert make(tmp_path / "A").exit_code == 0
    proc = subprocess.run(
        [sys.executable, "-m", "quizgen", "make", "--topic", "mle", "--seed", "7", "--secret", SECRET,
         "--questions", QUESTIONS, "--out", str(tmp_path / "B")],
        capture_output=True, text=True, env={"PYTHONHASHSEED": "123", "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 0, proc.stderr
    assert tree(tmp_path / "A") == tree(tmp_path / "B")


def numbers(key: dict) -> list:
    return [q["answer"] for v in key["versions"] for q in v["questions"]]


def test_other_seed_other_numbers(tmp_path):
    make(tmp_path / "A")
    make(tmp_path / "B", seed="8")
    ka = json.loads((tmp_path / "A" / "key.json").read_text())
    kb = json.loads((tmp_path / "B" / "key.json").read_text())
    assert numbers(ka) != numbers(kb)
    assert (tmp_path / "A" / "sheet.md").read_text() != (tmp_path / "B" / "sheet.md").read_text()


def test_variants_do_not_depend_on_question_order(tmp_path):
    make(tmp_path / "A")
    run("make", "--topic", "mle", "--seed", "7", "--secret", SECRET, "--questions",
        ",".join(reversed(QUESTIONS.split(","))), "--out", str(tmp_path / "B"))
    qa = {q["id"]: q for q in json.loads((tmp_path / "A" / "key.json").read_text())["versions"][0]["questions"]}
    qb = {q["id"]: q for q in json.loads((tmp_path / "B" / "key.json").read_text())["versions"][0]["questions"]}
    for qid in qa:
        assert qa[qid]["answer"] == qb[qid]["answer"]
        assert qa[qid]["variant_seed"] == qb[qid]["variant_seed"]
    assert [q["id"] for q in json.loads((tmp_path / "B" / "key.json").read_text())["versions"][0]["questions"]] == list(reversed(list(qa)))


def test_variant_rebuilt_from_seed_question_and_student_alone(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("student,name\nalice,A\nbob,B\n")
    make(tmp_path / "A", "--roster", str(roster))
    key = json.loads((tmp_path / "A" / "key.json").read_text())
    from quizgen.generation.bank import load_bank
    from quizgen.generation.key import question_key
    from quizgen.generation.variant import make_variant
    from quizgen.kernel.seeds import root_seed

    bank = load_bank()
    assert key["seed"] == 7 and key["secret"] == SECRET
    bob = next(v for v in key["versions"] if v["student"] == "bob")
    for q in bob["questions"]:
        rebuilt = question_key(make_variant(bank.find(q["id"]).question, root_seed(7, SECRET), "bob"), q["number"])
        assert rebuilt == q
        # the seed without the secret does not give bob's numbers
        assert question_key(make_variant(bank.find(q["id"]).question, 7, "bob"), q["number"]) != q


def test_students_get_different_numbers(tmp_path):
    make(tmp_path / "A", "--versions", "12")
    key = json.loads((tmp_path / "A" / "key.json").read_text())
    for i, qid in enumerate(key["questions"]):
        answers = {json.dumps(v["questions"][i]["answer"], sort_keys=True) for v in key["versions"]}
        assert len(answers) >= 6, qid  # each student draws independently from >= 19 values
    sheets = [(tmp_path / "A" / f"sheet-v{i:02d}.md").read_text().split("\n", 3)[3] for i in range(1, 13)]
    assert len(set(sheets)) == 12  # no two students share a sheet


def test_key_json_matches_documented_schema(tmp_path):
    make(tmp_path / "A", "--versions", "2")
    key = json.loads((tmp_path / "A" / "key.json").read_text())
    assert key["schema"] == "quizgen.key/1" and key["seed"] == 7 and key["topic"] == "mle"
    assert key["secret"] == SECRET and re.fullmatch(r"[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}", key["exam_id"])
    assert key["shuffle"] is False and key["pool"] is None
    assert key["questions"] == [f"mle/{q}" for q in QUESTIONS.split(",")]
    assert [v["student"] for v in key["versions"]] == ["v01", "v02"]
    for version in key["versions"]:
        for n, q in enumerate(version["questions"], 1):
            assert set(q) == {"number", "id", "title", "variant_seed", "type", "points", "answer", "known_wrong"}
            assert q["number"] == n and isinstance(q["variant_seed"], int) and q["points"] > 0
            if q["type"] == "numeric":
                assert set(q["answer"]) == {"value", "exact", "rtol", "atol", "sigfigs"}
                assert all(set(w) == {"name", "value", "feedback", "credit"} for w in q["known_wrong"])
            elif q["type"] == "symbolic":
                assert set(q["answer"]) == {"expression", "symbols"}
                assert set(q["answer"]["symbols"].values()) <= {"real", "positive", "unit_interval"}
                assert all(set(w) == {"name", "expression", "feedback", "credit"} for w in q["known_wrong"])
            for w in q["known_wrong"]:
                assert 0 <= w["credit"] < 1 and w["feedback"]


def test_default_run_writes_everything_and_says_where(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("make", "--topic", "mle")
    assert result.exit_code == 0
    where = re.search(r"to (\S+)/ \(exam id ([0-9a-f-]+)\)", result.output)
    folder = tmp_path / where.group(1)
    assert folder.name == f"mle-{where.group(2)}"
    names = {p.name for p in folder.iterdir()}
    assert {n for n in names if not n.startswith("fig-")} == {"sheet.md", "solutions.md", "sheet.tex", "solutions.tex", "key.json"}
    assert all(n.endswith(".png") for n in names if n.startswith("fig-"))  # the figures, beside the sheets


def test_refuses_to_overwrite_without_force(tmp_path):
    assert make(tmp_path / "A").exit_code == 0
    before = (tmp_path / "A" / "key.json").read_bytes()
    result = make(tmp_path / "A", seed="8")
    assert result.exit_code == 2
    assert "--force" in result.output and "Traceback" not in result.output
    assert (tmp_path / "A" / "key.json").read_bytes() == before
    assert make(tmp_path / "A", "--force", seed="8").exit_code == 0
    assert (tmp_path / "A" / "key.json").read_bytes() != before


@pytest.mark.parametrize(
    "args, message",
    [
        (["make", "--topic", "nope"], "unknown topic 'nope'; valid topics: mle"),
        (["make", "--topic", "mle", "--format", "md,docx"], "unknown format 'docx'; valid formats: md, tex, pdf, json, html, moodle, qti"),
        (["make", "--topic", "mle", "--questions", "gaussian_nll,zzz"], "unknown question 'zzz'; valid questions:"),
        (["make", "--topic", "mle", "--count", "999"], "--count 999 is more than the"),
        (["make", "--topic", "mle", "--questions", "gaussian_nll,mle/gaussian_nll"], "'mle/gaussian_nll' is listed twice"),
        (["make", "--topic", "mle", "--versions", "2", "--roster", "x.csv"], "either --versions or --roster"),
        (["make", "--topic", "mle", "--roster", "missing.csv"], "missing.csv: cannot read the roster"),
        (["list", "--topic", "nope"], "unknown topic 'nope'"),
        (["make", "--topic", "mle", "--bank", "no-such-dir"], "bank folder not found"),
    ],
)
def test_bad_invocations_exit_2_with_one_line(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "quizgen-out").exists()


def test_roster_bad_rows_are_reported_and_the_rest_is_made(tmp_path):
    roster = tmp_path / "class.csv"
    roster.write_text("Student,email\nalice,a@x\n,nobody@x\nbob smith,b@x\nalice,dup@x\ncarol,c@x\n")
    result = make(tmp_path / "A", "--roster", str(roster))
    assert result.exit_code == 1
    assert f"{roster}:3: empty student id" in result.output
    assert f"{roster}:4: student id 'bob smith'" in result.output
    assert f"{roster}:5: student 'alice' is listed twice" in result.output
    key = json.loads((tmp_path / "A" / "key.json").read_text())
    assert [v["student"] for v in key["versions"]] == ["alice", "carol"]
    assert (tmp_path / "A" / "sheet-carol.md").exists()


def test_roster_without_student_column(tmp_path):
    roster = tmp_path / "class.csv"
    roster.write_text("name\nalice\n")
    result = make(tmp_path / "A", "--roster", str(roster))
    assert result.exit_code == 2 and "no 'student' column" in result.output


def test_list_shows_topics_ids_and_titles():
    result = run("list")
    assert result.exit_code == 0
    assert "mle (" in result.output
    assert "mle/gaussian_nll " in result.output and "Negative log-likelihood of a Gaussian observation" in result.output


def test_help_and_list_do_not_import_sympy():
    code = (
        "import sys\nfrom click.testing import CliRunner\nfrom quizgen.cli import main\n"
        "r = CliRunner().invoke(main, ['--help']); assert r.exit_code == 0\n"
        "r = CliRunner().invoke(main, ['list']); assert r.exit_code == 0, r.output\n"
        "print('sympy' in sys.modules, 'numpy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_extra_bank_and_template_override(tmp_path):
    topic = tmp_path / "bank" / "extra"
    topic.mkdir(parents=True)
    source = Path(__file__).resolve().parents[1] / "question_bank" / "mle" / "regression" / "gaussian_nll_value.py"
    (topic / "nll_again.py").write_text(source.read_text().replace('id="mle/gaussian_nll_value"', 'id="extra/nll_again"'))
    templates = tmp_path / "tpl" / "md"
    templates.mkdir(parents=True)
    (templates / "sheet.md.j2").write_text("CUSTOM {{ version.student }}: {% for q in questions %}{{ q.v.question_id }} {% endfor %}\n")
    result = run("make", "--topic", "extra", "--seed", "3", "--bank", str(tmp_path / "bank"), "--templates",
                 str(tmp_path / "tpl"), "--format", "md,json", "--out", str(tmp_path / "o"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "o" / "sheet.md").read_text().strip() == "CUSTOM v01: extra/nll_again"
    assert "Solution" in (tmp_path / "o" / "solutions.md").read_text()  # not overridden: the shipped one


def test_broken_question_file_is_named(tmp_path):
    topic = tmp_path / "bank" / "broken"
    topic.mkdir(parents=True)
    (topic / "oops.py").write_text("raise RuntimeError('half-written')\n")
    result = CliRunner().invoke(main, ["list", "--bank", str(tmp_path / "bank")])
    assert result.exit_code == 2
    assert "oops.py: failed to load: RuntimeError: half-written" in result.output


def test_subtopics_select_and_group() -> None:
    """--topic takes a sub-topic folder; list groups a topic's questions by sub-topic."""
    from quizgen.generation.bank import load_bank

    bank = load_bank()
    kl = bank.topic("mle/kl")
    assert kl and all(e.subtopic == "kl" and e.id.startswith("mle/") for e in kl)
    assert set(kl) < set(bank.topic("mle"))
    listing = CliRunner().invoke(main, ["list", "--topic", "mle"]).output
    for group in bank.subtopics("mle"):
        assert f" {group} (" in listing
    bad = CliRunner().invoke(main, ["make", "--topic", "mle/nope"])
    assert bad.exit_code != 0 and "unknown sub-topic 'mle/nope'; valid sub-topics: mle/" in bad.output
