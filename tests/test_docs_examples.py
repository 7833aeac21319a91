"""Every example of the README and of docs/ is run by a test, as it is written.

Every fenced block of those pages is one of:

- a ``python`` block: executed (in an empty folder, or a copy of the one its
  ``<!-- run in a copy of tests/data/DIR -->`` mark names); with ``>>>`` lines, a doctest whose
  shown results must be what Python prints;
- an ``sh`` block: its commands run in such a folder. ``cat FILE`` with the file's text under it
  writes the file (the example shows its own input), ``ls DIR`` and ``mkdir -p`` do what they say,
  and each ``quizgen ...`` line runs the command in this process, its output compared with the
  lines shown (``…`` stands for any text within a line, a line of ``…`` alone for any lines) and
  its exit status with 0, or with N when its comment says ``exit status N``;
- a ``text`` block of ``quizgen COMMAND [options]`` lines: a synopsis, whose every option the
  command has;
- a block marked ``<!-- example NAME: tests/test_file.py::test_name -->``: run by that test, which
  reads it with ``docpages.block("NAME")``.

test_every_block_is_run_by_a_test fails for any other block, so a new example cannot go untested.
"""

from __future__ import annotations

import ast
import doctest
import io
import json
import os
import re
import shlex
import shutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from docpages import ROOT, Block, Step, block, blocks, page, shown, transcript

from quizgen.cli import main
from quizgen.kernel import seeds

LMS = ROOT / "tests" / "data" / "lms"
SHELL_COMMANDS = ("quizgen", "cat", "ls", "mkdir")


# ---------------------------------------------------------------- which test runs which block
def how(b: Block) -> str | None:
    """How ``b`` is run: "dedicated", "python", "doctest", "shell" or "synopsis"; None if by nothing."""
    if b.name:
        return "dedicated"
    if b.lang == "python":
        return "doctest" if any(line.startswith(">>> ") for line in b.body.splitlines()) else "python"
    if b.lang == "sh":
        return "shell"
    lines = [line for line in b.body.splitlines() if line.strip()]
    if b.lang == "text" and lines and lines[0].startswith("quizgen ") and \
            all(line.startswith(("quizgen ", " ")) for line in lines):
        return "synopsis"
    return None


def problems(b: Block) -> list[str]:
    """Why ``b`` is not run by any test (empty when it is)."""
    kind = how(b)
    if kind is None:
        return [f"{b.where}: a ```{b.lang} block that no test runs: make it a python, sh or synopsis block, or mark it "
                "<!-- example NAME: tests/test_file.py::test_name --> and have that test read block(\"NAME\")"]
    if kind == "shell":
        return [f"{b.where}: the examples' shell does not run {step.command!r}: mark the block for a dedicated test"
                for step in transcript(b.body) if shlex.split(step.command)[0] not in SHELL_COMMANDS]
    if kind == "dedicated":
        file, _, function = b.test.partition("::")
        path = ROOT / file
        if not path.is_file():
            return [f"{b.where}: {b.test}: no such file"]
        source = path.read_text(encoding="utf-8")
        found = [node for node in ast.walk(ast.parse(source)) if isinstance(node, ast.FunctionDef) and node.name == function]
        if not found:
            return [f"{b.where}: {b.test}: no such test"]
        if not any(isinstance(node, ast.Constant) and node.value == b.name for node in ast.walk(found[0])):
            return [f"{b.where}: {b.test} does not read the block {b.name!r} (block({b.name!r}))"]
    return []


BLOCKS = blocks()


def test_every_block_is_run_by_a_test() -> None:
    assert len(BLOCKS) > 40
    names = [b.name for b in BLOCKS if b.name]
    assert len(names) == len(set(names)), "two blocks share a name"
    assert [p for b in BLOCKS for p in problems(b)] == []


def test_an_example_without_a_test_is_refused(tmp_path: Path) -> None:
    """What test_every_block_is_run_by_a_test refuses: a block no test runs, a command the shell
    cannot run, and a mark naming a test that is missing or does not read the block."""
    assert problems(Block("docs/x.md", 3, "csv", "a,b\n1,2"))
    assert problems(Block("docs/x.md", 3, "", "quizgen make --topic mle"))
    assert problems(Block("docs/x.md", 3, "sh", "pip install quizgen"))
    assert problems(Block("docs/x.md", 3, "csv", "a,b", "some-name", "tests/test_docs_examples.py::test_nothing_here"))
    assert problems(Block("docs/x.md", 3, "csv", "a,b", "some-name", "tests/test_docs_examples.py::test_the_quickstart"))
    assert problems(Block("docs/x.md", 3, "csv", "a,b", "some-name", "tests/no_such_file.py::test_x"))
    assert not problems(Block("docs/x.md", 3, "csv", "", "quickstart", "tests/test_docs_examples.py::test_the_quickstart"))
    assert how(Block("docs/x.md", 3, "text", "quizgen grade --key K FILE\n              [--out DIR]")) == "synopsis"
    assert how(Block("docs/x.md", 3, "text", "quizgen: subs.csv, line 7: unknown student")) is None


def _generic(kind: str) -> list:
    return [pytest.param(b, id=b.where) for b in BLOCKS if how(b) == kind]


# ---------------------------------------------------------------- the generic runner
class Shell:
    """Runs the steps of a shell example in ``folder`` (the current directory of the test)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def run(self, step: Step, substitute: dict[str, str] | None = None) -> str:
        command = step.command
        for text, real in (substitute or {}).items():
            command = command.replace(text, real)
        args = shlex.split(command)
        if args[0] == "cat" and len(args) == 2:
            path = self.folder / args[1]
            if not path.exists():
                path.write_text("".join(line + "\n" for line in step.output), encoding="utf-8")
            out = path.read_text(encoding="utf-8")
            assert shown(step.output, out), f"{command}:\n{out}"
            return out
        if args[0] == "ls" and len(args) == 2:
            names = sorted(p.name for p in (self.folder / args[1]).iterdir())
            assert names == sorted(" ".join(step.output).split()), f"{command}: {names}"
            return "\n".join(names)
        if args[:2] == ["mkdir", "-p"]:
            for name in args[2:]:
                (self.folder / name).mkdir(parents=True, exist_ok=True)
            return ""
        assert args[0] == "quizgen", f"a command the examples' shell does not run: {command}"
        result = CliRunner().invoke(main, args[1:], catch_exceptions=False)
        if step.output:
            assert shown(step.output, result.output), f"{command}:\n{result.output}"
        status = re.match(r"exit status (\d+)", step.comment)
        assert result.exit_code == (int(status.group(1)) if status else 0), \
            f"{command}: exit status {result.exit_code}\n{result.output}"
        return result.output


def _folder(b: Block, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    work = tmp_path / "work"
    if b.folder:
        shutil.copytree(ROOT / b.folder, work)
    else:
        work.mkdir()
    monkeypatch.chdir(work)
    return work


@pytest.mark.parametrize("b", _generic("shell"))
def test_shell_example(b: Block, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shell = Shell(_folder(b, tmp_path, monkeypatch))
    for step in transcript(b.body):
        shell.run(step)


@pytest.mark.parametrize("b", _generic("python"))
def test_python_example(b: Block, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _folder(b, tmp_path, monkeypatch)
    exec(compile(b.body, b.where, "exec"), {"__name__": "__docs__"})


@pytest.mark.parametrize("b", _generic("doctest"))
def test_doctest_example(b: Block, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _folder(b, tmp_path, monkeypatch)
    test = doctest.DocTestParser().get_doctest(b.body, {}, b.where, b.page, b.line)
    report = io.StringIO()
    result = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS).run(test, out=report.write)
    assert result.attempted > 0 and result.failed == 0, report.getvalue()


@pytest.mark.parametrize("b", _generic("synopsis"))
def test_synopsis_names_only_options_the_command_has(b: Block) -> None:
    for usage in re.split(r"\n(?=quizgen )", b.body):
        name = usage.split()[1]
        command = main.get_command(click.Context(main), name)
        assert command is not None, f"{b.where}: no command {name!r}"
        options = {opt for p in command.params for opt in (*p.opts, *p.secondary_opts)}
        for option in re.findall(r"(?<![\w-])--?[a-z][\w-]*", usage):
            assert option in options, f"{b.where}: quizgen {name} has no option {option}"


# ---------------------------------------------------------------- dedicated tests
def test_the_quickstart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    install_and_make, install_and_test = [line for line in block("quickstart").splitlines()
                                          if line and not line.startswith("#")]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert ci[ci.index("# The README's test command, verbatim:") + 1] == install_and_test
    venv, pip, make = install_and_make.split(" && ")
    assert (venv, pip) == ("python3 -m venv .venv", ".venv/bin/pip install .") and make.startswith(".venv/bin/quizgen ")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, shlex.split(make)[1:], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    # "The first prints where it wrote the files, e.g. `quizgen-out/mle-3be0-94c1-7a2f/` (named by the exam id)."
    assert re.search(r"e\.g\. `quizgen-out/mle-\w{4}-\w{4}-\w{4}/` \(named by the exam id\)", page("README.md"))
    written = re.search(r" to (quizgen-out/mle-(\w{4}-\w{4}-\w{4})/) \(exam id \2\)", result.output)
    assert written, result.output
    files = sorted(p.name for p in (tmp_path / written.group(1)).iterdir() if not p.name.startswith("fig-"))
    assert files == ["key.json", "sheet.md", "sheet.tex", "solutions.md", "solutions.tex"]  # a sheet, its solutions, key.json


#: The exam seed of the README's worked example: ``make`` draws 128 random bits; this is the draw
#: the README shows (exam id d3d0-cb17-a9fb, where Alice's σ is 3.5 and Bob's 5.5).
WORKED_EXAMPLE_SEED = 200575225423762437866528047024478272213


def test_the_worked_example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(seeds, "new_seed", lambda: WORKED_EXAMPLE_SEED)
    shell = Shell(tmp_path)
    make = transcript(block("worked-example-make"))
    assert [s.command.split()[:2] for s in make] == [["cat", "class.csv"], ["quizgen", "make"], ["ls", "exam1"],
                                                     ["quizgen", "make"]]
    shell.run(make[0])
    printed = shell.run(make[1])
    seed = re.search(r"seed (\d+);", printed).group(1)
    shell.run(make[2])
    shown_seed = re.search(r"--seed (\S+)", make[3].command).group(1)
    assert shown_seed.endswith("…") and seed.startswith(shown_seed[:-1])
    if shutil.which("pdflatex") or os.environ.get("CI"):  # .ci/run installs TeX Live; locally it may be missing
        shell.run(make[3], {shown_seed: seed})  # the rebuild, as PDF: the same exam
        assert sorted(p.name for p in (tmp_path / "exam1-pdf").iterdir()) == sorted(
            [f"{kind}-{s}.pdf" for kind in ("sheet", "solutions") for s in ("alice", "bob")] + ["key.json"])
        assert (tmp_path / "exam1-pdf" / "key.json").read_bytes() == (tmp_path / "exam1" / "key.json").read_bytes()

    grade = transcript(block("worked-example-grade"))
    assert [s.command.split()[:2] for s in grade] == [["cat", "answers.csv"], ["quizgen", "grade"]]
    for step in grade:
        shell.run(step)
    # "In this exam Alice's sheet has σ = 3.5 and Bob's σ = 5.5 in that question."
    key = json.loads((tmp_path / "exam1" / "key.json").read_text(encoding="utf-8"))
    nll = {v["student"]: q for v in key["versions"] for q in v["questions"] if q["id"] == "mle/gaussian_nll"}
    for student, sigma in (("alice", "3.5"), ("bob", "5.5")):
        sheet = (tmp_path / "exam1" / f"sheet-{student}.md").read_text(encoding="utf-8")
        question = sheet.split(f"## Question {nll[student]['number']}:", 1)[1].split("\n## ", 1)[0]
        assert f"\\sigma = {sigma}$" in question, question
    # grades.csv has the points; Bob's feedback names the missing factor 1/2, with partial credit
    grades = (tmp_path / "grades" / "grades.csv").read_text(encoding="utf-8").splitlines()
    column = grades[0].split(",").index("mle/gaussian_nll")
    assert {row.split(",")[0]: row.split(",")[column] for row in grades[1:]} == {"alice": "2", "bob": "1"}
    bob = (tmp_path / "grades" / "feedback" / "bob.md").read_text(encoding="utf-8")
    assert "the factor $\\tfrac12$ went missing" in bob and "- Verdict: partial" in bob
    summary = (tmp_path / "grades" / "summary.md").read_text(encoding="utf-8")
    assert "| `mle/gaussian_nll` | 1.5 / 2 |" in summary  # the mean score, and the most common wrong answers:
    assert "| `(y - ŷ)^2/5.5^2 + ln(5.5) + 0.5 ln(2π)` | 1 | lost\\_half | partial |" in summary


def _grade(folder: Path, submissions: Path, *more: str):
    return CliRunner().invoke(main, ["grade", "--key", str(LMS / "key.json"), str(submissions),
                                     "--out", str(folder), *more], catch_exceptions=False)


def test_the_submission_forms_are_graded_as_said(tmp_path: Path) -> None:
    """Each form of docs/grading.md, graded against tests/data/lms/key.json: every answer graded,
    nothing reported, and each answer read as the page says."""
    forms = {"submissions-long": ("csv", 3), "submissions-wide": ("csv", 6), "submissions-wide-numbers": ("csv", 8),
             "submissions-json-list": ("json", 3), "submissions-json-object": ("json", 3)}
    points = {}
    for name, (ext, answers) in forms.items():
        path = tmp_path / f"{name}.{ext}"
        path.write_text(block(name) + "\n", encoding="utf-8")
        result = _grade(tmp_path / name, path)
        assert result.exit_code == 0, (name, result.output)
        assert result.output.startswith(f"Graded {answers} answers from 2 students"), (name, result.output)
        rows = (tmp_path / name / "grades.csv").read_text(encoding="utf-8").splitlines()
        header = rows[0].split(",")
        points[name] = {r.split(",")[0]: dict(zip(header, r.split(","))) for r in rows[1:]}
    # alice's negative log-likelihood (σ = 2.1) is right in every form that gives it
    for name in forms:
        assert points[name]["alice"]["mle/gaussian_nll"] == "2", name
    # "Quote answers that contain commas": bob's "0,5505" is his KL divergence, read with a decimal comma
    assert points["submissions-long"]["bob"]["mle/kl_divergence_value"] == "1"
    # the wide form's other columns are ignored and listed
    summary = (tmp_path / "submissions-wide" / "summary.md").read_text(encoding="utf-8")
    assert "Ignored columns" in summary and "`name`" in summary
    # JSON: a number and true are answers too (converted to text)
    assert points["submissions-json-list"]["alice"]["mle/kl_divergence_value"] == "1"
    assert points["submissions-json-list"]["bob"]["mle/kl_asymmetry_truefalse"] != ""


def test_reported_problems_are_one_line_each(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shown_lines = block("reported-problems").splitlines()
    lines = [b"student,question,answer", b'alice,mle/kl_cross_entropy_choice,"B, F"', b"bob,mle/kl_cross_entropy_choice,C",
             b"carol,mle/kl_cross_entropy_choice,C", b"dan,mle/kl_cross_entropy_choice,C", b"bob,mle/kl_divergence_value,0.5",
             b"zed,mle/kl_divergence_value,0.5",  # line 7
             b"carol,mle/kl_divergence_value,0.5",
             b'alice,mle/kl_asymmetry_truefalse,"true, B"',  # line 9, and again at line 12
             b"dan,mle/kl_divergence_value,0.5",
             b"dan,mle/gaussian_nll,caf\xe9",  # line 11
             b'alice,mle/kl_asymmetry_truefalse,"false, A"']
    (tmp_path / "subs.csv").write_bytes(b"\n".join(lines) + b"\n")
    shutil.copy(LMS / "key.json", tmp_path / "key.json")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["grade", "--key", "key.json", "subs.csv"], catch_exceptions=False)
    assert result.exit_code == 1
    reported = [line for line in result.stderr.splitlines() if line.startswith("quizgen: subs.csv")]
    assert reported == shown_lines


def _wrapped(text: str) -> dict:
    """A key example of docs/grading.md as JSON: ``…`` standing for a value becomes a string, and
    the two fields shown one under the other become one object."""
    text = re.sub(r'(?<!["\w ])…|…(?=[\]}])', '"…"', text)
    return json.loads("{" + re.sub(r"\n(?=\"known_wrong\")", ",\n", text) + "}")


def _same_shape(shown_value, real_value, where: str) -> None:
    """Every field shown is a field of the real key, with a value of the same JSON type."""
    if shown_value is None or real_value is None or shown_value == "…":
        return
    assert type(shown_value) is type(real_value) or {type(shown_value), type(real_value)} <= {int, float}, where
    if isinstance(shown_value, dict) and not where.endswith((".symbols", ".explain")):  # (those keys are names)
        for field, value in shown_value.items():
            assert field in real_value, f"{where}: the key has no field {field!r}"
            _same_shape(value, real_value[field], f"{where}.{field}")
    elif isinstance(shown_value, list) and shown_value and real_value:
        _same_shape(shown_value[0], real_value[0], f"{where}[0]")


def test_the_key_examples_show_the_fields_of_a_real_key(tmp_path: Path) -> None:
    from quizgen.generation.key import expand_key
    from quizgen.grading import compile_question

    examples = {"key-numeric": "kl_divergence_value", "key-symbolic": "gaussian_nll",
                "key-choice": "saturation_choice", "key-choice-multiple": "proper_scoring_select",
                "key-truefalse-reason": "density_above_one_truefalse", "key-order": "gibbs_inequality_order",
                "key-vector": "softmax_gradient_vector", "key-manual": "onehot_calibration_interview"}
    result = CliRunner().invoke(main, ["make", "--topic", "mle", "--questions", ",".join(examples.values()),
                                       "--versions", "51", "--seed", "5", "--secret", "0123456789abcdef" * 2,
                                       "--format", "json", "--out", str(tmp_path / "k")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    compact = json.loads((tmp_path / "k" / "key.json").read_text(encoding="utf-8"))
    full = expand_key(compact)
    entries = {q["id"].split("/")[1]: q for q in full["versions"][0]["questions"]}
    version_fields, entry_fields = set(full["versions"][0]), set(full["versions"][0]["questions"][0])
    # the whole key, and its compact form (more than 50 versions)
    fields = set(re.findall(r'"(\w+)":', block("key-schema")))
    assert fields == set(full) | version_fields | entry_fields
    assert set(compact) == set(full) | {"variants"}
    ref = compact["versions"][0]["questions"][0]
    variant = next(iter(compact["variants"].values()))
    shown_fields = {f for f in re.findall(r'"(\w+)":', block("key-compact")) if not re.fullmatch(r"[0-9a-f]{16}", f)}
    assert shown_fields == {"variants", "versions", *variant, *compact["versions"][0], *ref}
    assert all(re.fullmatch(r"[0-9a-f]{16}", name) for name in compact["variants"])  # "16 hex digits of SHA-256"
    # each answer type: the fields shown are the key's, and the key has no field the page does not name
    optional = {"unit", "decimal_comma"}  # "Two optional fields: "unit" ... and "decimal_comma"" (numeric)
    assert 'Two optional fields:\n`"unit"`' in page("docs/grading.md")
    for kind, question in examples.items():
        shown_entry, real = _wrapped(block(kind)), entries[question]
        _same_shape(shown_entry["answer"], real["answer"], f"{kind}: answer")
        assert set(real["answer"]) - set(shown_entry["answer"]) <= optional, kind
        if kind == "key-manual":
            assert "known_wrong" not in shown_entry and real["known_wrong"] == []  # "`known_wrong` is empty"
        elif kind != "key-choice-multiple":  # (shown with its answer only)
            assert set(shown_entry["known_wrong"][0]) == set(real["known_wrong"][0]), kind
            _same_shape(shown_entry["known_wrong"], real["known_wrong"], f"{kind}: known_wrong")
    # a true/false question without a reason (none in the bank): graded as the key says
    plain = compile_question({"type": "truefalse", "points": 1.0, **_wrapped(block("key-truefalse"))})
    assert plain.grade("true").status == "correct"
    wrong = plain.grade("false")
    assert wrong.status == "incorrect" and wrong.misconception == "…"


def test_the_exam_mode_steps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import csv

    import httpx
    from serving import Server

    steps = transcript(block("serve-exam-mode"))
    assert [s.command.split()[:2] for s in steps] == [["quizgen", "make"], ["quizgen", "serve"], ["quizgen", "serve"],
                                                      ["quizgen", "grade"]]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "class.csv").write_text("student,name\nalice,Alice Archer\nbob,Bob Brown\n", encoding="utf-8")
    shell = Shell(tmp_path)
    shell.run(steps[0])
    links = {row["student"]: row["url"] for row in csv.DictReader((tmp_path / "exam" / "tokens.csv").open(encoding="utf-8"))}
    assert set(links) == {"alice", "bob"} and all(u.startswith("http://127.0.0.1:8000/exam/") for u in links.values())
    args = [str(tmp_path / a) if a.startswith("exam/") else a for a in shlex.split(steps[1].command)[2:]]
    server = Server(*args, "--workers", "1").start()  # the server runs in the repository's folder
    try:
        with httpx.Client() as student:  # alice opens her link and types her first answer
            page_ = student.get(links["alice"].replace("http://127.0.0.1:8000", server.url)).text
            assert "countdown" in page_  # --time-limit 60
            csrf = re.search(r'<meta name="csrf" content="([0-9a-f]+)"', page_).group(1)
            saved = student.post(links["alice"].replace("http://127.0.0.1:8000", server.url) + "/save",
                                 data={"csrf": csrf, "q": "1", "rev": "0", "answer": "0.5"},
                                 headers={"accept": "application/json"})
            assert saved.status_code == 200, saved.text
    finally:
        server.stop()
    assert (tmp_path / "exam" / "answers.sqlite").is_file()  # "answers go to exam/answers.sqlite"
    shell.run(steps[2])
    assert "alice," in (tmp_path / "answers.csv").read_text(encoding="utf-8")
    shell.run(steps[3])
    grades = (tmp_path / "grades" / "grades.csv").read_text(encoding="utf-8")
    assert grades.startswith("student,") and "\nalice," in grades and "\nbob," in grades


def test_several_machines_share_one_postgresql(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import csv

    import httpx
    from serving import PgSchema, Server, postgres_base

    commands = [s.command for s in transcript(block("serve-postgresql"))]
    assert commands[:2] == ["pip install 'quizgen[serve,postgres]'", "createdb quizgen"]  # what .ci/run does for the tests
    schema = PgSchema(postgres_base())  # skips here without PostgreSQL; under CI=true it fails instead
    try:
        monkeypatch.chdir(tmp_path)
        made = CliRunner().invoke(main, ["make", "--topic", "mle/kl", "--count", "2", "--versions", "2", "--tokens",
                                         "--format", "json", "--out", "."], catch_exceptions=False)
        assert made.exit_code == 0, made.output
        db = re.search(r"--db (\S+)", commands[2]).group(1)
        assert db.startswith("postgresql://")
        serve = [schema.url if a == db else str(tmp_path / a) if a == "key.json" else a
                 for a in shlex.split(commands[2])[2:]]
        # "the same command on each app machine, behind any load balancer (no sticky sessions needed)"
        machines = [Server(*serve, "--workers", "1").start(), Server(*serve, "--workers", "1").start()]
        try:
            token = next(csv.DictReader((tmp_path / "tokens.csv").open(encoding="utf-8")))["token"]
            with httpx.Client() as student:
                page_ = student.get(f"{machines[0].url}/exam/{token}").text
                csrf = re.search(r'<meta name="csrf" content="([0-9a-f]+)"', page_).group(1)
                saved = student.post(f"{machines[1].url}/exam/{token}/save", headers={"accept": "application/json"},
                                     data={"csrf": csrf, "q": "1", "rev": "0", "answer": "0.25"})
                assert saved.status_code == 200, saved.text
                assert 'value="0.25"' in student.get(f"{machines[0].url}/exam/{token}").text
        finally:
            outputs = [m.stop() for m in machines]
        assert all("plain HTTP" in out for out in outputs)  # --host 0.0.0.0: the warning of "Behind HTTPS"
        export = commands[3].replace(re.search(r"--db (\S+)", commands[3]).group(1), schema.url)
        Shell(tmp_path).run(Step(export, "", ()))
        assert ",0.25" in (tmp_path / "answers.csv").read_text(encoding="utf-8")
    finally:
        schema.drop()
