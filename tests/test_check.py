"""quizgen check: the whole bank passes with a few seeds; broken questions are named with their seeds."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from click.testing import CliRunner

from quizgen.cli import main
from quizgen.generation.bank import load_bank

GOOD = '''
from quizgen.generation.question import Derivation, Numeric, Question, Step, Wrong, grid


def derive(s):
    return Derivation(answer=2 * s.a, steps=(Step("Double it."),),
                      wrong=(Wrong("half", s.a / 2, "You halved it."),), values=VALUES)


def check(p, x):
    return CHECK


QUESTION = Question(id="demo/NAME", title="Doubling", statement="Double ${{ a }}$.{{ EXTRA }}",
                    answer=Numeric(), derive=derive, check=check, params=(PARAMS,))
'''


def _question(folder: Path, name: str, *, check="2 * p['a']", params='grid("a", "2", "60", "1")', values="{}", extra=""):
    text = (GOOD.replace("NAME", name).replace("CHECK", check).replace("PARAMS", params)
            .replace("VALUES", values).replace("{{ EXTRA }}", extra))
    (folder / "demo").mkdir(parents=True, exist_ok=True)
    (folder / "demo" / f"{name}.py").write_text(textwrap.dedent(text), encoding="utf-8")


def _check(*args: str):
    return CliRunner().invoke(main, ["check", "--jobs", "1", *args])


def test_the_whole_shipped_bank_passes_with_a_few_seeds():
    result = _check("--seeds", "4")
    assert result.exit_code == 0, result.output
    ids = [e.id for t in load_bank().topics.values() for e in t]
    for qid in ids:
        assert f"\n{qid} " in result.output
    assert f"check: {len(ids)} question(s) x 4 seed(s): all passed" in result.output
    assert "question" in result.output.splitlines()[0] and "slowest variant" in result.output.splitlines()[0]


def test_a_good_question_in_a_bank_folder_passes(tmp_path):
    _question(tmp_path, "doubling")
    result = _check("--bank", str(tmp_path), "--seeds", "12")
    assert result.exit_code == 0, result.output
    assert "demo/doubling" in result.output and "mle/" not in result.output  # only the folder's questions
    assert "check: 1 question(s) x 12 seed(s): all passed" in result.output


def test_a_key_that_disagrees_with_check_fails_naming_question_and_seeds(tmp_path):
    _question(tmp_path, "wrongcheck", check="2 * p['a'] + (p['a'] % 10 == 5)")  # wrong only when a ends in 5
    result = _check("--bank", str(tmp_path), "--seeds", "40")
    assert result.exit_code == 1
    fails = [line for line in result.output.splitlines() if line.startswith("FAIL ")]
    assert fails and all(line.startswith("FAIL demo/wrongcheck seed ") for line in fails)
    assert all("disagrees with the independent check" in line and re.search(r"'a': \d*5\.0", line) for line in fails)
    assert len(fails) < 40  # only the seeds that drew such an a
    assert "failure(s) in 1 question(s): demo/wrongcheck" in result.output


def test_not_a_number_in_the_text_fails(tmp_path):
    _question(tmp_path, "nantext", values='{"bad": sp.log(s.a - s.a)}', extra=" ({{ values.bad }})")
    path = tmp_path / "demo" / "nantext.py"
    path.write_text(path.read_text().replace("def derive(s):\n", "def derive(s):\n    import sympy as sp\n"))
    result = _check("--bank", str(tmp_path), "--seeds", "3")
    assert result.exit_code == 1
    assert "FAIL demo/nantext seed 0: sheet.md shows" in result.output and "(not a finite number)" in result.output


def test_a_question_that_never_varies_fails_and_a_small_supply_is_reported(tmp_path):
    _question(tmp_path, "constant", params='grid("a", "3", "3", "1")')
    result = CliRunner().invoke(main, ["check", "--jobs", "1", "--bank", str(tmp_path), "--seeds", "5"])
    assert result.exit_code == 1
    assert "FAIL demo/constant all seeds: all 5 seeds give the same variant" in result.output
    assert "demo/constant has at most 1 distinct variant(s), fewer than a class of 40" in result.stderr


def test_unusable_invocations_are_one_line_errors(tmp_path):
    result = CliRunner().invoke(main, ["check", "--topic", "nosuch", "--seeds", "1"])
    assert result.exit_code == 2 and result.stderr.startswith("quizgen: error: unknown topic 'nosuch'")
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "broken.py").write_text("QUESTION = 1/0\n")
    result = CliRunner().invoke(main, ["check", "--bank", str(tmp_path), "--seeds", "1"])
    assert result.exit_code == 2 and "broken.py: failed to load: ZeroDivisionError" in result.stderr


def test_a_choice_whose_correct_option_never_moves_fails(tmp_path):
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "oneoption.py").write_text(textwrap.dedent('''
        from quizgen.generation.question import Choice, Derivation, Question, Step, grid


        def derive(s):
            return Derivation(answer=2 * s.a, steps=(Step("Double it."),))


        def check(p, x):
            return 2 * p["a"]


        QUESTION = Question(id="demo/oneoption", title="One option", statement="Double ${{ a }}$.",
                            answer=Choice(), derive=derive, check=check, params=(grid("a", "2", "9", "1"),))
    '''), encoding="utf-8")
    result = _check("--bank", str(tmp_path), "--seeds", "10")
    assert result.exit_code == 1
    assert "FAIL demo/oneoption all seeds: the correct answer is at A for every seed" in result.output


def test_more_seeds_than_a_compact_key_threshold(tmp_path):
    """Over 50 versions make builds a compact key; check still reads one full key entry per seed."""
    from quizgen.generation.key import COMPACT_MIN_VERSIONS

    _question(tmp_path, "many", params='grid("a", "1", "80", "1")')
    result = _check("--bank", str(tmp_path), "--topic", "demo", "--seeds", str(COMPACT_MIN_VERSIONS + 5))
    assert result.exit_code == 0, result.output
    assert f"1 question(s) x {COMPACT_MIN_VERSIONS + 5} seed(s): all passed" in result.output

def test_more_seeds_than_a_compact_key_holds_are_checked_in_full():
    """Above COMPACT_MIN_VERSIONS versions a key stores shared variants; check reads every entry in full."""
    from quizgen.checking.runner import check_question
    from quizgen.generation.key import COMPACT_MIN_VERSIONS

    report = check_question(load_bank().find("mle/proper_scoring_select"), COMPACT_MIN_VERSIONS + 5)
    assert report.failures == [] and report.seeds == COMPACT_MIN_VERSIONS + 5
