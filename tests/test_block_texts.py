"""Question files write long texts as indented blocks and may leave out derive=/check=: what loads is
what the files spelled out before (quizgen.generation.question.unwrap, bank.load_question)."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from quizgen.cli import main
from quizgen.generation.bank import load_question
from quizgen.generation.question import Numeric, Question, Right, Step, Wrong, unwrap
from quizgen.kernel.errors import QuestionError

SINGLE_BREAK = re.compile(r"(?<!\n)\n(?!\n)")


def test_a_block_reads_as_its_paragraphs():
    block = r"""
        A binary classifier outputs $\hat{y} = \sigma(\theta x)$ with the logistic sigmoid
        $\sigma(z) = 1/(1 + e^{-z})$.
          An indented line is part of the paragraph.

        Give $\partial L / \partial \theta$ in `y`, `y_hat` and `x`.
    """
    assert unwrap(block) == ("A binary classifier outputs $\\hat{y} = \\sigma(\\theta x)$ with the logistic sigmoid "
                             "$\\sigma(z) = 1/(1 + e^{-z})$. An indented line is part of the paragraph.\n\n"
                             "Give $\\partial L / \\partial \\theta$ in `y`, `y_hat` and `x`.")


def test_several_blank_lines_are_one_paragraph_break():
    assert unwrap("\n    one\n\n\n    \n    two\n    ") == "one\n\ntwo"


def test_lists_tables_headings_and_quotes_keep_their_lines():
    block = """
        # Steps
        Do this:
        - first, written
          over two lines
        - second
            - nested under it
        1. numbered
        2) numbered too
        * star + plus
        + plus
        > quoted
        | $x$ | $y$ |
        |---|---|
        | 1 | 0 |

        A paragraph
        - an item; the next line continues it:
        -1 is a number, not an item.
    """
    assert unwrap(block).split("\n") == [
        "# Steps", "Do this:", "- first, written over two lines", "- second", "    - nested under it",
        "1. numbered", "2) numbered too", "* star + plus", "+ plus", "> quoted", "| $x$ | $y$ |", "|---|---|",
        "| 1 | 0 |", "", "A paragraph", "- an item; the next line continues it: -1 is a number, not an item."]


_LINE = st.text(st.characters(blacklist_characters="\n\r", blacklist_categories=("Cs",)), min_size=1, max_size=40) \
    .map(str.strip).filter(bool)


@given(st.lists(_LINE, min_size=1, max_size=5))
def test_a_text_without_single_line_breaks_is_unchanged(paragraphs):
    text = "\n\n".join(paragraphs)
    assert unwrap(text) == text
    assert unwrap(unwrap("\n    " + "\n\n    ".join(paragraphs) + "\n")) == text  # and a block of it is the same


def test_statement_step_and_feedbacks_are_unwrapped_where_they_are_made():
    q = Question(id="t/q", title="T", answer=Numeric(), statement="""
        Compute the
        thing.
    """)
    assert q.statement == "Compute the thing."
    assert q.derive is None and q.check is None  # the bank loader fills them in from the file
    assert Step("""
        With $z$,
        the chain rule.
    """).text == "With $z$, the chain rule."
    assert Wrong("w", 0, "\n    The sign\n    is reversed.\n", 0.5).feedback == "The sign is reversed."
    assert Right("r", 0, "\n    Dividing keeps\n    the order.\n").feedback == "Dividing keeps the order."


QUESTION_FILE = '''
from quizgen.generation.question import Derivation, Numeric, Question, grid


def derive(s):
    return Derivation(answer=2 * s.a)


def check(p, x):
    return 2 * p["a"]


def other_check(p, x):
    return p["a"] + p["a"]


QUESTION = Question(
    id="intro/double",
    title="Double it",
    statement=r"""
        Double ${{ a }}$.
    """,
    answer=Numeric(),
    params=(grid("a", "1", "60", "1"),),
    {extra}
)
'''


def _write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "intro").mkdir(exist_ok=True)
    path = tmp_path / "intro" / "double.py"
    path.write_text(text, encoding="utf-8")
    return path


def test_derive_and_check_left_out_are_the_files_functions(tmp_path):
    q = load_question(_write(tmp_path, QUESTION_FILE.replace("{extra}", "")), "intro")
    assert q.derive.__name__ == "derive" and q.check.__name__ == "check" and q.statement == "Double ${{ a }}$."
    r = CliRunner().invoke(main, ["check", "--bank", str(tmp_path), "--seeds", "5", "--jobs", "1"])
    assert r.exit_code == 0 and "1 question(s) x 5 seed(s): all passed" in r.output, r.output


def test_an_explicit_derive_or_check_is_kept(tmp_path):
    q = load_question(_write(tmp_path, QUESTION_FILE.replace("{extra}", "check=other_check,")), "intro")
    assert q.check.__name__ == "other_check" and q.derive.__name__ == "derive"


def test_a_file_without_derive_is_a_one_line_error(tmp_path):
    text = QUESTION_FILE.replace("{extra}", "").replace("def derive(s):", "def derived(s):")
    path = _write(tmp_path, text)
    try:
        load_question(path, "intro")
    except QuestionError as err:
        assert str(err) == f"{path}: defines no derive(s) and its Question gives no derive="
    else:  # pragma: no cover - the error is the point
        raise AssertionError("a question without derive() loaded")
    for command in (["list"], ["check", "--seeds", "2"], ["make", "-t", "intro", "--versions", "1", "--seed", "1",
                                                          "--out", str(tmp_path / "out")]):
        r = CliRunner().invoke(main, [*command, "--bank", str(tmp_path)])
        assert r.exit_code == 2 and "double.py: defines no derive(s) and its Question gives no derive=" in r.output
        assert "Traceback" not in r.output and len(r.output.strip().splitlines()) == 1, r.output


def test_a_check_that_is_not_a_function_is_refused(tmp_path):
    path = _write(tmp_path, QUESTION_FILE.replace("{extra}", "") + "\ncheck = 2\n")
    r = CliRunner().invoke(main, ["list", "--bank", str(tmp_path)])
    assert r.exit_code == 2 and "double.py: defines no check(p, x) and its Question gives no check=" in r.output
