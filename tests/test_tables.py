"""Data tables: a random small data set per variant, its cells parameters like any other, shown in md and tex."""

from __future__ import annotations

import re

import pytest

from quizgen.export import render_exam
from quizgen.generation.bank import load_bank
from quizgen.generation.exam import build_exam
from quizgen.generation.question import Table, by_row, grid, pick
from quizgen.generation.variant import _instance, make_variant

ENTRY = load_bank().find("mle/logistic_batch_gradient_table")
Q = ENTRY.question


def test_cells_are_parameters_named_column_and_row():
    names = [p.name for p in Q.params]
    assert names[:2] == ["b", "w"]
    assert names[2:] == ["x1", "y1", "x2", "y2", "x3", "y3", "x4", "y4"]
    t = Q.tables[0]
    assert t.column({"x1": 1, "x2": 2, "x3": 3, "x4": 4}, "x") == [1, 2, 3, 4]


def test_variant_exposes_the_table_drawn_from_the_seed():
    v = make_variant(Q, 3, "ann")
    (t,) = v.tables
    assert t.name == "data" and t.headers == ("x", "y") and len(t.rows) == 4
    assert t.rows == tuple((v.params[f"x{i}"], v.params[f"y{i}"]) for i in range(1, 5))
    assert 0 < sum(int(row[1]) for row in t.rows) < 4  # the question's constraint holds
    assert make_variant(Q, 3, "ann") == v
    tables = {make_variant(Q, 3, f"s{i}").tables for i in range(20)}
    assert len(tables) >= 15  # each student gets their own data


def test_table_renders_in_markdown_and_latex():
    exam = build_exam([ENTRY], seed=3, students=["ann"])
    files = render_exam(exam, ["md", "tex"])
    (t,) = exam.versions[0].variants[0].tables
    md, tex = files["sheet.md"], files["sheet.tex"]
    assert "| $x$ | $y$ |\n|---:|---:|\n" in md
    for x, y in t.rows:
        assert f"| {x} | {y} |" in md
        assert f"${x}$ & ${y}$ \\\\" in tex
    assert "\\begin{tabular}{rr}" in tex and "The training set ($m = 4$):" in md
    assert files == render_exam(build_exam([ENTRY], seed=3, students=["ann"]), ["md", "tex"])


def test_table_rows_are_bounded():
    with pytest.raises(ValueError, match="rows must be from 1 to 30"):
        Table("t", (pick("a", "1"),), rows=0)
    t = Table("t", (grid("a", "0", "1", "0.5", latex="\\alpha"),), rows=2, headers={})
    assert [p.latex for p in t.cell_params()] == ["\\alpha_{1}", "\\alpha_{2}"]


def test_a_by_row_column_draws_each_cell_from_its_own_row_and_labels_name_the_rows():
    col = by_row("c", grid("c", "0.51", "0.55", "0.02"), pick("c", "0.9", "0.95"), latex="c")
    assert col.values == ("0.51", "0.53", "0.55", "0.9", "0.95")  # every value, for the column's domain
    t = Table("bins", (pick("n", "10"), col), rows=2, labels=("[0.5, 0.6)", "[0.9, 1]"), label_header="\\text{bin}")
    cells = {p.name: p.values for p in t.cell_params()}
    assert cells == {"n1": ("10",), "c1": ("0.51", "0.53", "0.55"), "n2": ("10",), "c2": ("0.9", "0.95")}
    with pytest.raises(ValueError, match="values for 2 rows, the table 3"):
        Table("bins", (col,), rows=3)
    with pytest.raises(ValueError, match="1 labels for 2 rows"):
        Table("bins", (col,), rows=2, labels=("a",))


BINS = load_bank().find("mle/overconfidence_truefalse")


def test_a_reliability_table_is_a_table_in_every_format_with_its_bins_as_labels():
    v = make_variant(BINS.question, 3, "ann")
    (t,) = v.tables
    assert t.headers == ("\\text{bin}", "n_b", "\\mathrm{conf}_b", "\\mathrm{acc}_b")
    assert [row[0] for row in t.rows] == ["[0.6, 0.7)", "[0.7, 0.8)", "[0.8, 0.9)", "[0.9, 1]"]
    for b, row in enumerate(t.rows, 1):  # each bin's confidence inside the bin, its accuracy near it
        lo, hi = 0.5 + 0.1 * b, 0.6 + 0.1 * b
        assert lo < float(row[2]) < hi and 0 < abs(float(row[3]) - float(row[2])) <= 0.12 + 1e-9
    assert "array" not in v.statement
    files = render_exam(build_exam([BINS], seed=3, students=["ann"]), ["md", "tex", "html", "moodle"])
    first = t.rows[0]
    assert f"| {' | '.join(first)} |" in files["sheet.md"]
    assert " & ".join(f"${c}$" for c in first) in files["sheet.tex"]
    assert "<td>" + "</td><td>".join(first) + "</td>" in files["sheet.html"]
    assert "&lt;td&gt;" + "&lt;/td&gt;&lt;td&gt;".join(first) in files["moodle.xml"]


def test_an_option_that_is_exactly_zero_shows_0_not_rounding_noise():
    """Bins whose gaps cancel exactly: the equal-weight average of (conf - acc) is 0, computed in floats -8e-17."""
    n, c, a = ("200", "300", "500", "200"), ("0.67", "0.79", "0.83", "0.95"), ("0.65", "0.89", "0.77", "0.93")
    drawn = {**{f"n{b}": x for b, x in enumerate(n, 1)}, **{f"c{b}": x for b, x in enumerate(c, 1)},
             **{f"a{b}": x for b, x in enumerate(a, 1)}}
    result = _instance(BINS.question, tuple(sorted(drawn.items())), 0)
    texts = [o.text for o in result["options"]]
    assert "$\\bar{c} - \\bar{a} = 0$" in texts
    assert not any(re.search(r"\de-\d", text) for text in texts)  # no 8.327e-17
