"""Data tables: a random small data set per variant, its cells parameters like any other, shown in md and tex."""

from __future__ import annotations

import pytest

from quizgen.bank import load_bank
from quizgen.exam import build_exam
from quizgen.export import render_exam
from quizgen.question import Table, grid, pick
from quizgen.variant import make_variant

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
