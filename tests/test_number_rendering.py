"""Numbers and formulas in solutions as a person writes them: rounding, simplified sums, term order."""

from __future__ import annotations

import re
from fractions import Fraction

import numpy as np
import pytest

from quizgen.generation.question import Claim, Detect, Line, Right
import sympy as sp

from quizgen.export import render_exam
from quizgen.generation.bank import load_bank
from quizgen.generation.exam import build_exam, version_names
from quizgen.generation.formulas import Computed, fill_latex, fmt_exact, fmt_number, person_order, placeholder
from quizgen.generation.variant import compiled


@pytest.mark.parametrize("x, digits, shown", [
    (0.125, 2, "0.13"),  # half away from zero on the decimal (Python's round would give 0.12)
    (-0.125, 2, "-0.13"),
    (2.675, 3, "2.68"),  # the float is a hair below 2.675; a person rounds the decimal they see
    (0.015498, 4, "0.01550"),  # significant trailing zeros are kept
    (0.95, 4, "0.95"),  # an exact shorter decimal is not padded
    (2.0, 4, "2"),
    (-32.40371, 4, "-32.40"),
    (9.99996, 4, "10.00"),
    (1609.4379, 4, "1609"),
    (0.3819085, 4, "0.3819"),
    (123456.7, 4, "123500"),
])
def test_fmt_number_rounds_as_a_person_does(x, digits, shown):
    assert fmt_number(x, digits) == shown


def test_fmt_number_shows_at_least_four_significant_figures():
    rng = np.random.default_rng(1)
    for x in rng.uniform(-1e4, 1e4, 500) * 10.0 ** rng.integers(-4, 2, 500):
        text = fmt_number(float(x))
        digits = re.sub(r"^[-0.]+", "", text.replace(".", ""))
        assert len(digits) >= 4 or float(text) == x, (x, text)
        assert abs(float(text) - x) <= 5e-4 * abs(x), (x, text)


def test_fmt_exact():
    assert fmt_exact(Fraction(17, 20)) == "0.85"
    assert fmt_exact(Fraction(-3)) == "-3"
    assert fmt_exact(Fraction(1, 3)) == "\\frac{1}{3}"


@pytest.mark.parametrize("template, values, shown", [
    (r"q + QZ0QZ", ["-0.15"], "q - 0.15"),
    (r"x - QZ0QZ x", ["-0.15"], "x + 0.15 x"),
    (r"QZ0QZ + q", ["-0.15"], "-0.15 + q"),
    (r"- QZ0QZ x", ["-2"], "2 x"),
    (r"\frac{QZ0QZ^{2}}{4}", ["-1.5"], r"\frac{\left(-1.5\right)^{2}}{4}"),
    (r"2 QZ0QZ", ["-3"], r"2 \cdot \left(-3\right)"),
    (r"c = - QZ0QZ", ["-0.5"], "c = 0.5"),
])
def test_fill_latex_merges_signs_and_brackets_only_where_needed(template, values, shown):
    assert fill_latex(template, values) == shown


def test_person_order():
    p, q, x, y, yh = sp.symbols("p q x y yh")
    cases = {
        -q * (q - 1): r"q \left(1 - q\right)",
        (p - q) / (q * (q - 1)): r"\frac{q - p}{q \left(1 - q\right)}",
        x * yh * (yh - 1) * (y - yh): r"x yh \left(1 - yh\right) \left(yh - y\right)",
        (q - 1) ** 2: r"\left(1 - q\right)^{2}",
        -p + q: "q - p",
    }
    for expr, shown in cases.items():
        tidy = person_order(expr)
        assert sp.latex(tidy, order="none") == shown
        assert sp.simplify(tidy.doit() - expr) == 0


def _flatten(e):
    """The SymPy expressions inside an answer of any type (vectors, Right, Claim); texts and step orders skipped."""
    if isinstance(e, Right):
        return _flatten(e.expr)
    if isinstance(e, Claim):
        return _flatten(e.reason) + ([] if isinstance(e.truth, bool) else [e.truth.lhs, e.truth.rhs])
    if isinstance(e, (tuple, list)):
        return [x for item in e for x in _flatten(item)]
    if isinstance(e, (str, int, Line, Detect)):  # a derivation's lines and detectors are text
        return []
    e = sp.sympify(e)
    return [e.lhs, e.rhs] if isinstance(e, sp.Eq) else [e]


def _all_expressions(c):
    d = c.derivation
    exprs = [d.answer, *(s.expr for s in d.steps if s.expr is not None), *(w.expr for w in d.wrong)]
    return _flatten(exprs)


@pytest.mark.parametrize("entry", load_bank().topic("mle"), ids=lambda e: e.id)
def test_printed_forms_equal_the_derivation(entry):
    """Collapsing sums of numbers and reordering signs never changes a value (random parameters and points)."""
    c = compiled(entry.question)
    rng = np.random.default_rng(0)
    stand_ins = Computed(list(c.computed.params))
    for expr in _all_expressions(c):
        if expr.has(sp.Sum, sp.Derivative, sp.Function("f")) or not expr.free_symbols:
            continue
        shown = person_order(stand_ins.collapse(expr.xreplace(c.renamed)))
        for _ in range(3):
            values = {s: Fraction(str(rng.choice(prm.values))) for s, prm in zip(c.params, entry.question.params)}
            exact = [values[s] for s in c.params]
            subs = {c.renamed[s]: sp.Rational(v) for s, v in values.items()}
            for i, (const, terms) in enumerate(stand_ins.sums):
                subs[sp.Symbol(placeholder(len(c.params) + i))] = sp.Rational(const + sum(k * exact[j] for j, k in terms))
            others = {s: sp.Rational(int(rng.integers(1, 19)), 20) for s in expr.free_symbols - set(c.params)}
            original = expr.xreplace({**{s: sp.Rational(v) for s, v in values.items()}, **others})
            printed = sp.sympify(shown).doit().xreplace({**subs, **{s: v for s, v in others.items()}})
            a, b = complex(sp.N(original)), complex(sp.N(printed))
            if not np.isfinite(a):  # these numbers are outside the question's domain (a log of 0)
                assert not np.isfinite(b), (entry.id, expr, shown)
                continue
            assert abs(a - b) <= 1e-9 * max(1, abs(a)), (entry.id, expr, shown)


def test_solutions_have_no_unsimplified_numbers_or_sympy_signs():
    exam = build_exam(load_bank().topic("mle"), seed=5, students=version_names(12))
    files = render_exam(exam, ["md"])
    text = "\n".join(t for name, t in files.items() if name.startswith("solutions"))
    assert not re.search(r"\\left\(\\left\(-?\d", text)  # ((-1.5) - 1.5)
    assert not re.search(r"\d\s*[-+]\s*\\left\(-\d", text)  # 1.5 - (-1.5)
    assert not re.search(r"\(1 - 0\.\d+\\right\)", text)  # (1 - 0.95)
    assert not re.search(r"\\left\(-1 \+ ", text)  # q(-1 + q)
    assert "\\approx -32.4 " not in text


def test_readme_examples_of_person_written_formulas():
    from quizgen.generation.variant import make_variant

    bank = load_bank()
    v = make_variant(bank.find("mle/bernoulli_likelihood_curve").question, 3, "s")
    k = int(v.params["k"])
    assert v.steps[1].latex == f"\\hat{{\\theta}} = 0.{k}"  # k/10 shows as its value
    v = make_variant(bank.find("mle/bernoulli_kl_gradient").question, 3, "s")
    # the formula as the steps write it, then its simplest exact form: (q - p)/9.7 = 10(q - p)/97
    assert re.fullmatch(r"\\frac\{q - p\}\{[\d.]+\}( = \\frac\{\d+ \\left\(q - p\\right\)\}\{\d+\})?", v.answer_latex), v.answer_latex
    v = make_variant(bank.find("mle/kl_cross_entropy_choice").question, 3, "s")
    p = v.params["p"]
    one_minus = fmt_exact(1 - Fraction(p))
    assert any(f"\\left({one_minus} \\right)" in o.text or f"{{{one_minus}}}" in o.text for o in v.options)  # 1 - p shown as its value


def test_one_hot_statement_shows_the_derived_probability_as_written():
    """The fourth probability 1 - 0.3 - 0.25 - 0.25 is derived: it shows as 0.2, like the drawn ones, not 0.2000."""
    from quizgen.generation.variant import _instance

    q = load_bank().find("mle/one_hot_cross_entropy").question
    drawn = {"q_true": "0.3", "o1": "0.25", "o2": "0.25", "k": "2"}
    statement = _instance(q, tuple(sorted(drawn.items())), 0)["statement"]
    assert "$q = (0.25, 0.3, 0.25, 0.2)$" in statement
    assert "0.2000" not in statement
