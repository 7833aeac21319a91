"""quizgen check catches what reviewers catch: each class of defect planted in a small question fails it.

Every test writes one question into a bank folder of its own, runs ``quizgen check --bank`` on it
and reads the FAIL lines; the same question without the defect passes (``test_the_clean_question_passes``).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizgen.checking import content
from quizgen.cli import main

NUMERIC = '''
from quizgen.generation.question import Derivation, Numeric, Question, Step, Wrong, grid


def derive(s):
    import sympy as sp

    return Derivation(answer=2 * s.a, steps=(STEPS,), wrong=(WRONG,), values=VALUES)


def check(p, x):
    return 2 * p["a"]


QUESTION = Question(id="demo/NAME", title="Doubling", statement=STATEMENT, answer=Numeric(),
                    derive=derive, check=check, params=(PARAMS,))
'''


def _write(folder: Path, name: str, text: str) -> None:
    (folder / "demo").mkdir(parents=True, exist_ok=True)
    (folder / "demo" / f"{name}.py").write_text(textwrap.dedent(text), encoding="utf-8")


def _numeric(folder: Path, name: str, *, steps='Step("Double it.")', wrong='Wrong("half", s.a / 2, "You halved it.")',
             values="{}", statement='"Double ${{ a }}$."', params='grid("a", "2", "60", "1")') -> None:
    text = (NUMERIC.replace("NAME", name).replace("STEPS", steps).replace("WRONG", wrong)
            .replace("VALUES", values).replace("STATEMENT", statement).replace("PARAMS", params))
    _write(folder, name, text)


def _fails(folder: Path, seeds: int = 40) -> list[str]:
    result = CliRunner().invoke(main, ["check", "--jobs", "1", "--bank", str(folder), "--seeds", str(seeds)])
    fails = [line for line in result.output.splitlines() if line.startswith("FAIL ")]
    assert (result.exit_code == 1) == bool(fails), result.output
    return fails


def test_the_clean_question_passes(tmp_path):
    _numeric(tmp_path, "clean")
    assert _fails(tmp_path) == []


def test_template_syntax_left_in_a_text_fails(tmp_path):
    # {% raw %} lets the braces through rendering: the statement shows "{{ b }}" to the student
    _numeric(tmp_path, "leak", statement='"Double ${{ a }}$ ({% raw %}{{ b }}{% endraw %})."')
    fails = _fails(tmp_path)
    assert fails and all("shows template syntax" in f for f in fails)
    assert any("sheet.md shows template syntax '{{ b }}'" in f for f in fails)


def test_rounding_noise_printed_instead_of_zero_fails(tmp_path):
    # a value 1e-15 of the answer's size is shown: a student reads "4e-15" where the value is 0
    _numeric(tmp_path, "noise", values='{"tiny": s.a * sp.Rational(1, 10**15)}',
             statement='"Double ${{ a }}$ (drift ${{ values.tiny }}$)."')
    fails = _fails(tmp_path)
    assert fails and all("where the value is 0 (rounding noise)" in f for f in fails)


def test_rounding_noise_stored_in_the_key_fails():
    entry = {"type": "vector", "answer": {"values": [0.5, 2.7755575615628914e-17]},
             "known_wrong": [{"name": "sign", "values": [-0.5, -2.7e-17]}]}
    found = content.key_noise(entry)
    assert len(found) == 2 and "answer.values[1] = 2.7755575615628914e-17" in found[0]
    assert content.key_noise({"type": "vector", "answer": {"values": [0.5, 0.0]}, "known_wrong": []}) == []


def test_a_listed_mistake_that_is_always_trivial_fails(tmp_path):
    # sign(a) is -1 or 1 for every draw: no variant can be built in which the mistake differs from ±1
    _numeric(tmp_path, "trivial", wrong='Wrong("sign_only", sp.sign(s.a), "You kept only the sign.")',
             params='grid("a", "-30", "30", "1", exclude=("0",))')
    fails = _fails(tmp_path, seeds=3)
    assert fails and all("sign_only" in f and "a number a student may type for other reasons" in f for f in fails)


def test_a_listed_mistake_is_redrawn_where_it_is_trivial(tmp_path):
    # a/3 is 1 when a = 3: that draw is redrawn, so typing 1 is never named as the mistake
    _numeric(tmp_path, "third", wrong='Wrong("third", s.a / 3, "You divided by 3.")', params='grid("a", "2", "45", "1")')
    assert _fails(tmp_path, seeds=200) == []


def test_typing_a_trivial_value_named_as_a_mistake_fails():
    class Named:  # a grader that recognises 0 as a listed mistake, as one did before well-posedness
        def __init__(self, text):
            self.misconception = "absolute_score_excess" if text == "0" else None

    entry = {"type": "numeric", "answer": {"value": 0.5}}
    assert content.trivial_problems(entry, Named) == [
        "typing 0 is recognised as the listed mistake 'absolute_score_excess': a listed mistake must differ "
        "from 0 and ±1"]
    assert content.trivial_problems(entry, Named, beliefs={"absolute_score_excess"}) == []


TRUEFALSE = '''
from fractions import Fraction

from quizgen.generation.question import Claim, Derivation, Question, Step, TrueFalse, Wrong, grid


def derive(s):
    return Derivation(
        answer=Claim(truth=TRUTH, reason="A square is never negative, so $a^2 \\\\ge 0$.", feedback="Square it."),
        steps=(Step("Square it."),),
        wrong=(Wrong("negative", "Squares can be negative.", "They cannot."),),
    )


def check(p, x):
    return (CHECK, None)


QUESTION = Question(id="demo/NAME", title="Squares", statement="Is ${{ a }}^2 > 25$?", answer=TrueFalse(PREMISE),
                    derive=derive, check=check, params=(grid("a", "-10", "10", "1", exclude=("5", "-5")),))
'''


def _truefalse(folder, name, *, truth="s.a**2 > 25", check='p["a"] ** 2 > 25', premise=""):
    _write(folder, name, TRUEFALSE.replace("NAME", name).replace("TRUTH", truth).replace("CHECK", check)
           .replace("PREMISE", premise))


def test_a_sentence_reason_without_a_premise_fails(tmp_path):
    _truefalse(tmp_path, "nopremise")
    fails = _fails(tmp_path, seeds=10)
    assert fails and all("declares no TrueFalse(premise=...)" in f for f in fails)


def test_a_premise_that_does_not_hold_for_a_variant_fails(tmp_path):
    # the reason claims something about a that is false for negative a: those seeds fail
    _truefalse(tmp_path, "falsepremise", premise='premise=lambda p: p["a"] > 0')
    fails = _fails(tmp_path, seeds=30)
    assert fails and all("the keyed reason's premise does not hold" in f for f in fails)
    assert len(fails) < 30  # only the variants with a <= 0


def test_a_statement_true_for_every_seed_fails(tmp_path):
    _truefalse(tmp_path, "alwaystrue", truth="True", check="True", premise='premise=lambda p: True')
    fails = _fails(tmp_path, seeds=10)
    assert fails == ["FAIL demo/alwaystrue all seeds: the statement is true for every seed: "
                     "the true/false half of the credit is free"]


ORDER = '''
from quizgen.generation.question import Derivation, Order, Question, Step, Wrong, grid


def derive(s):
    return Derivation(answer=("First {{ a }}.", "Second.", "Third.", "Fourth.", "Fifth."),
                      steps=(Step("In order."),), wrong=(Wrong("swap", (1, 0, 2, 3, 4), "Swapped.", CREDIT),))


def check(p, x):
    return {}


QUESTION = Question(id="demo/NAME", title="Steps", statement="Order them.", answer=Order(COMMUTE),
                    derive=derive, check=check, params=(grid("a", "1", "40", "1"),))
'''


def _order(folder, name, credit, commute=""):
    _write(folder, name, ORDER.replace("NAME", name).replace("CREDIT", credit).replace("COMMUTE", commute))


def test_a_listed_wrong_order_worth_less_than_a_worse_one_fails(tmp_path):
    # 2, 3, 4, 5, 1 gets the first pair wrong and four more, and earns 0.8 by the run rule
    _order(tmp_path, "cheap", "0.4")
    fails = _fails(tmp_path, seeds=3)
    assert fails and all("the listed wrong order 'swap'" in f and "earns 0.4, but the worse order" in f for f in fails)


def test_a_listed_wrong_order_worth_as_much_as_any_worse_one_passes(tmp_path):
    _order(tmp_path, "fair", "0.8")
    assert _fails(tmp_path, seeds=10) == []


def test_steps_that_commute_are_right_either_way(tmp_path):
    from quizgen.generation.bank import load_question
    from quizgen.generation.variant import make_variant
    from quizgen.grading.item import compile_question
    from quizgen.generation.key import question_key

    _order(tmp_path, "commuting", "0.8", commute="commute=((2, 3),)")
    assert _fails(tmp_path, seeds=10) == []
    q = load_question(tmp_path / "demo" / "commuting.py", "demo")
    v = make_variant(q, 1, "s")
    entry = question_key(v, 1)
    right = entry["answer"]["correct"]
    other = right[:2] + [right[3], right[2]] + right[4:]
    assert entry["answer"]["also_correct"] == [other]
    grader = compile_question(entry)
    assert grader.grade(", ".join(right)).credit == 1 and grader.grade(", ".join(other)).credit == 1


def test_order_questions_without_commuting_steps_keep_their_key():
    from quizgen.generation.bank import load_bank
    from quizgen.generation.variant import make_variant

    v = make_variant(load_bank().find("mle/gibbs_inequality_order").question, 0, "s")
    assert "also_correct" not in v.answer


def test_too_few_distinct_answers_for_a_class_fails(tmp_path):
    _numeric(tmp_path, "narrow", params='grid("a", "3", "10", "1")')  # 8 answers for a class of 40
    fails = _fails(tmp_path)
    assert fails == ["FAIL demo/narrow all seeds: only 8 distinct correct answers over a class of 40 (seeds 0-39): "
                     "at least 20 are needed"]


def test_make_warns_when_students_with_different_numbers_share_answers(tmp_path):
    # the answer is |a|: a and -a give the same answer, so a class shares answers across its numbers
    text = NUMERIC.replace("2 * s.a", "sp.Abs(s.a)").replace('2 * p["a"]', 'abs(p["a"])')
    text = (text.replace("NAME", "absolute").replace("STEPS", 'Step("Drop the sign.")')
            .replace("WRONG", 'Wrong("negated", -sp.Abs(s.a), "You negated it.")').replace("VALUES", "{}")
            .replace("STATEMENT", '"Take the absolute value of ${{ a }}$."')
            .replace("PARAMS", 'grid("a", "-20", "20", "1", exclude=tuple(str(k) for k in range(-1, 2)))'))
    _write(tmp_path, "absolute", text)
    secret = ["--seed", "3", "--secret", "0123456789abcdef" * 2]
    result = CliRunner().invoke(main, ["make", "--topic", "demo", "--bank", str(tmp_path), "--versions", "40",
                                       *secret, "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "demo/absolute gives" in result.stderr and "students with different numbers will share answers" in result.stderr
    _numeric(tmp_path, "absolute")  # 2a: different numbers, different answers
    result = CliRunner().invoke(main, ["make", "--topic", "demo", "--bank", str(tmp_path), "--versions", "40",
                                       *secret, "-o", str(tmp_path / "out2")])
    assert result.exit_code == 0 and "share answers" not in result.stderr


@pytest.mark.parametrize("text, found", [
    ("The set has $1$ pictures labelled cat.", "'$1$ pictures' (one, so singular)"),
    ("Code 1 bits per symbol.", "'1 bits' (one, so singular)"),
    ("1 of your choices are right", "'1 of your choices are' (one of them, so 'is')"),
    ("Answer with all 2 components", "'all 2' (say 'both')"),
    ("$\\frac{1}{2} \\approx 0.5 = 0.5 \\approx 0.5$", "'0.5 \\approx 0.5' (a number shown as approximately itself)"),
    ("The statement is false. The claim is false.", "(the same truth said twice)"),
    ("$H_{2(p)} = 0.88$", "the argument list printed inside the subscript"),
])
def test_grammar_finds_what_reviewers_found(text, found):
    assert any(found in problem for problem in content.grammar(text)), content.grammar(text)


@pytest.mark.parametrize("text", [
    "the 0/1 labels", "a temperature T > 1 softens it", "$n - 1$ factors", "the $y = 1$ outcomes",
    "2 of your choices are right", "1 of 3 components is right", "0.51 \\approx 0.5", "$H_{2}(p)$", "all 3 components",
])
def test_grammar_leaves_correct_sentences_alone(text):
    assert content.grammar(text) == []


def test_a_count_of_one_with_a_plural_in_a_question_fails(tmp_path):
    _numeric(tmp_path, "pictures", statement='"There are ${{ a }}$ pictures; double the count."',
             params='grid("a", "1", "40", "1")')
    fails = _fails(tmp_path, seeds=200)
    assert fails and all("'$1$ pictures' (one, so singular)" in f for f in fails)


def test_the_plural_filter_keeps_a_count_of_one_singular(tmp_path):
    _numeric(tmp_path, "pictures", statement='''"There are ${{ a }}$ {{ 'picture' | plural(a) }}; double the count."''',
             params='grid("a", "1", "40", "1")')
    assert _fails(tmp_path, seeds=200) == []


def test_a_step_that_continues_the_sentence_before_fails(tmp_path):
    _numeric(tmp_path, "continued", steps='Step("Take the number"), Step("and double it.")')
    fails = _fails(tmp_path, seeds=3)
    assert fails and all("solution step 2 begins in lower case, the rest of a sentence: 'and double it.'" in f
                         for f in fails)


def test_the_graders_own_sentences_agree_in_number():
    from quizgen.grading.item import compile_question

    entry = {"number": 1, "id": "demo/x", "title": "x", "variant_seed": 1, "type": "choice", "points": 1.0,
             "answer": {"choices": [{"label": c, "text": c} for c in "ABC"], "correct": ["A", "C"], "multiple": True},
             "known_wrong": []}
    probes = content.partial_probes(entry)
    assert probes == ["A", "A, B"]
    grader = compile_question(entry)
    messages = [grader.grade(p).message for p in probes]
    assert messages[0].startswith("1 of your choices is right and 0 wrong; 2 options are correct.")
    assert all(content.grammar(m) == [] for m in messages)
