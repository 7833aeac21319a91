"""``quizgen practice``: the session library, the terminal command driven through piped stdin,
and the same session under tmux as a person sees it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner
from docpages import block

from quizgen.cli import main
from quizgen.generation.bank import load_bank
from quizgen.grading.reading import read_answer
from quizgen.practice.session import Session, parse_difficulty, select_entries
from quizgen.practice.unicode import latex_to_unicode, markdown_to_unicode

ROOT = Path(__file__).resolve().parents[1]
TOPIC = "mle/regression"
SEED = 5


def _session(topic: str = TOPIC, seed: int = SEED) -> Session:
    return Session(load_bank().topic(topic), seed, topic)


def correct_answer(key: dict) -> str:
    """A right answer typed from the key (plain syntax, as a student could type it)."""
    ans = key["answer"]
    if key["type"] == "numeric":
        return repr(ans["value"])
    if key["type"] == "symbolic":
        return ans["expression"]
    if key["type"] == "truefalse":
        return f"{str(ans['value']).lower()}, {ans['reason']['correct']}" if ans.get("reason") else str(ans["value"])
    if key["type"] == "vector":
        return "(" + ", ".join(repr(x) for x in ans["values"]) + ")" if "values" in ans else "(" + ", ".join(ans["expressions"]) + ")"
    return ", ".join(ans["correct"])


def wrong_answer(key: dict, with_credit: bool = True) -> tuple[str, dict]:
    """The first known mistake (with partial credit if asked) typed as a student would."""
    for w in key["known_wrong"]:
        if (w["credit"] > 0) == with_credit:
            text = repr(w["value"]) if key["type"] == "numeric" else w.get("expression") or w.get("choice")
            return text, w
    raise AssertionError("no such known mistake")


# ---------------------------------------------------------------- math as text
def test_latex_to_unicode_keeps_fractions_unambiguous():
    assert latex_to_unicode(r"\frac{(y-\hat{y})^2}{2\sigma^2}") == "(y−ŷ)²/(2σ²)"
    assert latex_to_unicode(r"- 4 \log{\left(\sigma \right)} - \frac{S}{2 \sigma^{2}}") == "− 4 log(σ) − S/(2 σ²)"
    assert latex_to_unicode(r"\sum_k p_k \log \frac{p_k}{q_k}") == "∑ₖ pₖ log(pₖ/qₖ)"
    assert latex_to_unicode(r"y \sim \mathcal{N}(\hat{y}, \sigma^2)") == "y ∼ 𝒩(ŷ, σ²)"
    assert latex_to_unicode(r"\frac{\log{\left(2 \right)}}{2}") == "log(2)/2"


def test_markdown_to_unicode():
    text = "Give `y_hat` and $\\frac{a}{b c}$ **now** <b>"
    assert markdown_to_unicode(text) == "Give y_hat and a/(b\u00a0c) now <b>"


# ---------------------------------------------------------------- how an answer is read
def test_reading_shows_grouping_a_person_can_check():
    key = {"type": "symbolic", "answer": {"expression": "x", "symbols": {"x": "real", "y_hat": "real", "sigma": "positive"}}}
    r = read_answer(key, "1/2x")
    assert r.text == "(1/2)x" and any("a/bc" in n for n in r.notes)
    assert read_answer(key, "1/(2x)").text == "1/(2x)"
    assert read_answer(key, r"\frac{(x-\hat{y})^2}{2\sigma^2}").text == "(x − ŷ)²/(2σ²)"
    r = read_answer(key, "x +* 2")
    assert not r.ok and "column" in r.message
    assert "<math" in read_answer(key, "x^2").mathml


def test_reading_numbers_and_choices():
    num = {"type": "numeric", "answer": {"value": 1.0}}
    r = read_answer(num, "-log(0.35) nats")
    assert r.ok and r.text == "−ln(0.35)" and abs(r.value - 1.0498221) < 1e-6 and r.unit == "nats"
    assert not read_answer(num, "1/0").ok
    choice = {"type": "choice", "answer": {"choices": [{"label": "A"}, {"label": "B"}, {"label": "C"}]}}
    assert read_answer(choice, "c, a").text == "options A, C"
    assert "not one of the options" in read_answer(choice, "Z").message


def test_student_text_is_never_executed(tmp_path):
    marker = tmp_path / "pwned"
    s = _session()
    s.next_question()
    for text in (f"__import__('os').system('touch {marker}')", f"open('{marker}','w')", "exec('1')"):
        out = s.answer(text)
        assert out.verdict.status == "rejected" and not out.reading.ok
    assert not marker.exists()
    assert s.current.score is None  # unreadable answers are not attempts


# ---------------------------------------------------------------- session logic
def test_first_graded_answer_sets_the_score_and_partial_credit():
    s = _session()
    item = s.next_question()
    text, known = wrong_answer(item.key)
    out = s.answer(text)
    assert out.counted and out.verdict.misconception == known["name"]
    assert out.verdict.status == "partial" and item.score == known["credit"]
    out = s.answer(correct_answer(item.key))
    assert out.verdict.status == "correct" and not out.counted and item.score == known["credit"]
    assert s.earned == pytest.approx(known["credit"] * item.points)


def test_solution_first_scores_zero_and_hint_is_first_step():
    s = _session()
    item = s.next_question()
    assert s.hint().startswith(item.variant.steps[0].text)
    assert item.score is None
    s.solution()
    assert item.score == 0.0
    assert not s.answer(correct_answer(item.key)).counted


def test_new_variant_has_new_numbers_and_same_question():
    s = _session()
    first = s.next_question()
    second = s.new_variant()
    assert second.entry.id == first.entry.id and second.variant.params != first.variant.params
    assert len(s.items) == 1  # nothing graded yet: replaced


def test_every_question_of_the_selection_comes_before_a_repeat():
    s = _session()
    ids = [s.next_question().entry.id for _ in range(len(s.entries))]
    assert sorted(ids) == sorted(e.id for e in s.entries)


def test_summary_by_subtopic_lists_what_to_review():
    s = _session("mle")
    a = s.next_question()
    s.answer(correct_answer(a.key))
    b = s.next_question()
    text, known = wrong_answer(b.key)
    s.answer(text)
    summary = s.summary()
    groups = {g.subtopic: g for g in summary.groups}
    assert groups[a.subtopic].earned >= a.points
    assert [r.misconception for r in summary.review] == [known["name"]]
    assert summary.possible == pytest.approx(a.points + b.points)


def test_difficulty_filter():
    entries = load_bank().topic("mle")
    assert parse_difficulty("easy") == 1 and parse_difficulty(None) is None
    assert all(e.question.difficulty == 2 for e in select_entries(entries, 2, "mle"))
    from quizgen.kernel.errors import QuizgenError

    with pytest.raises(QuizgenError, match="difficulty"):
        parse_difficulty("extreme")


# ---------------------------------------------------------------- the terminal command
def _script(s: Session) -> tuple[str, dict]:
    """A scripted session and what it should show: a partly right answer, a right one, next,
    hint, an unreadable answer, new variant, solution, quit."""
    item = s.next_question()
    wrong, known = wrong_answer(item.key)
    right = correct_answer(item.key)
    second = s.next_question()
    lines = [wrong, right, "", "h", "2 +* x", "n", "s", "q"]
    return "\n".join(lines) + "\n", {"known": known, "first": item, "second": second}


def test_practice_command_end_to_end():
    stdin, facts = _script(_session())
    result = CliRunner().invoke(main, ["practice", "--topic", TOPIC, "--seed", str(SEED)], input=stdin)
    out = result.output
    assert result.exit_code == 0, out
    first, second, known = facts["first"], facts["second"], facts["known"]
    assert f"seed {SEED}" in out and first.variant.title in out and second.variant.title in out
    assert out.count("read as:") >= 2
    assert markdown_to_unicode(known["feedback"]).split()[0] in out
    assert f"credit {int(known['credit'] * 100)}%" in out
    assert "✓ Correct" in out and "not counted" in out
    assert "Hint:" in out and "column" in out and "A new variant" in out and "Solution:" in out
    assert "Session summary:" in out and TOPIC in out and known["name"] in out
    assert "What to review:" in out


def test_an_answer_after_equals_is_that_answer_for_every_type():
    """``= F`` answers F (the help says to start with '=' to answer a letter that is a command);
    the '=' reached the grader, and a choice question refused it: "'=' is not one of the options"."""
    topic = "mle/sigmoid"
    entries = list(load_bank().topic(topic))
    seed = next(s for s in range(200) if Session(entries, s)._order(0)[0].id == "mle/saturation_choice")
    right = Session(entries, seed, topic).next_question().key["answer"]["correct"][0]
    out = CliRunner().invoke(main, ["practice", "-t", topic, "--seed", str(seed)], input=f"= {right}\nq\n").output
    assert "✓ Correct" in out and "score: 2/2 points" in out and "not counted" not in out


def test_practice_end_of_input_still_prints_the_summary():
    result = CliRunner().invoke(main, ["practice", "-t", TOPIC, "--seed", "1"], input="")
    assert result.exit_code == 0 and "Session summary: 0/0 points" in result.output


def test_practice_unknown_topic_and_difficulty_are_one_line_errors():
    r = CliRunner().invoke(main, ["practice", "-t", "nope"])
    assert r.exit_code == 2 and "unknown topic" in r.output and "Traceback" not in r.output
    bank = load_bank()
    group, level = next((g, lv) for g in bank.subtopics("mle") for lv in (1, 2, 3)
                        if all(e.question.difficulty != lv for e in bank.topic(g)))
    r = CliRunner().invoke(main, ["practice", "-t", group, "-d", str(level)])
    assert r.exit_code == 2 and f"no question of difficulty {level}" in r.output


def test_practice_with_piped_stdin_in_a_real_process():
    s = _session()
    item = s.next_question()
    proc = subprocess.run([sys.executable, "-m", "quizgen", "practice", "-t", TOPIC, "--seed", str(SEED)],
                          input=correct_answer(item.key) + "\nq\n", capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "✓ Correct" in proc.stdout and "\x1b[" not in proc.stdout  # no colour codes when piped
    assert f"{item.subtopic}" in proc.stdout


tmux = shutil.which("tmux")


@pytest.mark.skipif(tmux is None and not os.environ.get("CI"), reason="tmux is not installed here (.ci/run installs it)")
def test_practice_under_tmux_as_a_person_sees_it(tmp_path):
    assert tmux, "CI must have tmux: .ci/run installs it"
    s = _session()
    item = s.next_question()
    name = f"quizgen-test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "TERM": "xterm-256color"}
    cmd = f"cd {ROOT} && {sys.executable} -m quizgen practice -t {TOPIC} --seed {SEED}"
    subprocess.run([tmux, "new-session", "-d", "-s", name, "-x", "100", "-y", "50", cmd], check=True, env=env)

    def screen() -> str:
        return subprocess.run([tmux, "capture-pane", "-p", "-t", name], capture_output=True, text=True).stdout

    def wait_for(text: str, timeout: float = 60) -> str:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            shown = screen()
            if text in shown:
                return shown
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never appeared on the screen:\n{screen()}")

    try:
        wait_for("answer>")
        subprocess.run([tmux, "send-keys", "-t", name, "-l", "--", correct_answer(item.key)], check=True)
        subprocess.run([tmux, "send-keys", "-t", name, "Enter"], check=True)
        shown = wait_for("score:")
        (tmp_path / "tmux-practice.txt").write_text(shown, encoding="utf-8")
        assert "read as:" in shown and "✓ Correct" in shown and item.variant.title in shown
        subprocess.run([tmux, "send-keys", "-t", name, "q", "Enter"], check=True)
        wait_for("Session summary:")
    finally:
        subprocess.run([tmux, "kill-session", "-t", name], capture_output=True)


def test_the_practice_page_example_is_what_the_command_prints():
    command, *shown = block("practice-session").splitlines()
    assert command == "$ quizgen practice --topic mle/regression --seed 5"
    assert shown[2] == "answer> 25*m/162"
    result = CliRunner().invoke(main, command.split()[2:], input="25*m/162\nq\n")
    assert result.exit_code == 0
    for line in shown:
        if not line.startswith("..."):
            assert line.rstrip() in result.output, line


def test_tables_orders_and_interview_questions_in_the_terminal():
    """A data table is drawn as aligned columns; a question graded by a person shows the model
    answer and the rubric instead of a verdict, and is not scored."""
    s = _session("mle/calibration", 2)
    items = [s.next_question() for _ in range(len(s.entries))]
    ids = [i.entry.id for i in items]
    manual = ids.index("mle/onehot_calibration_interview")
    table = ids.index("mle/ece_from_bins")
    lines = []
    for n in range(len(ids)):
        lines += ["it is overconfident"] if n == manual else [correct_answer(items[n].key)]
        lines.append("next")
    result = CliRunner().invoke(main, ["practice", "-t", "mle/calibration", "--seed", "2"], input="\n".join(lines) + "\nq\n")
    out = result.output
    assert result.exit_code == 0, out
    assert "─┼─" in out and "[0.5, 0.6) │" in out
    assert "graded by a person" in out and "Rubric:" in out
    assert items[manual].score is None  # (the test's own session) and the command's summary:
    assert f"on {len(ids) - 1} question(s) answered" in out
