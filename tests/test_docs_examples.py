"""The examples of the README and of docs/, run as they are written.

A shell example runs in a folder of its own: ``cat FILE`` with the file's text under it writes the
file (the example shows its own input), ``ls DIR`` and ``mkdir -p`` do what they say, and each
``quizgen ...`` line runs the command in this process, its output compared with the lines shown
(``…`` stands for any text within a line, a line of ``…`` alone for any lines) and, when its
comment says ``exit N``, its exit status with N.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from docpages import Step, block, shown, transcript

from quizgen.cli import main
from quizgen.kernel import seeds


class Shell:
    """Runs the steps of a shell example in ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def run(self, step: Step, substitute: dict[str, str] | None = None) -> str:
        command = step.command
        for shown_text, real in (substitute or {}).items():
            command = command.replace(shown_text, real)
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
        status = re.match(r"exit (?:status )?(\d+)", step.comment)
        assert result.exit_code == (int(status.group(1)) if status else 0), f"{command}: exit {result.exit_code}\n{result.output}"
        return result.output


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
    import json

    key = json.loads((tmp_path / "exam1" / "key.json").read_text(encoding="utf-8"))
    nll = {v["student"]: q for v in key["versions"] for q in v["questions"] if q["id"] == "mle/gaussian_nll"}
    for student, sigma in (("alice", "3.5"), ("bob", "5.5")):
        sheet = (tmp_path / "exam1" / f"sheet-{student}.md").read_text(encoding="utf-8")
        number = nll[student]["number"]
        question = sheet.split(f"## Question {number}", 1)[1].split("\n## ", 1)[0]
        assert f"\\sigma = {sigma}" in question, question
    # grades.csv has the points; Bob's feedback names the missing factor 1/2, with partial credit
    grades = (tmp_path / "grades" / "grades.csv").read_text(encoding="utf-8").splitlines()
    column = grades[0].split(",").index("mle/gaussian_nll")
    points = {row.split(",")[0]: row.split(",")[column] for row in grades[1:]}
    assert points == {"alice": "2", "bob": "1"}
    bob = (tmp_path / "grades" / "feedback" / "bob.md").read_text(encoding="utf-8")
    assert "the factor $\\tfrac12$ went missing" in bob and "- Verdict: partial" in bob
    summary = (tmp_path / "grades" / "summary.md").read_text(encoding="utf-8")
    assert "| `mle/gaussian_nll` | 1.5 / 2 |" in summary  # the mean score, and the most common wrong answers:
    assert "| `(y - ŷ)^2/5.5^2 + ln(5.5) + 0.5 ln(2π)` | 1 | lost\\_half | partial |" in summary
