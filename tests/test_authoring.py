"""The authoring helpers draw and show exactly what the question files spelled out before them."""

from __future__ import annotations

from fractions import Fraction
from types import SimpleNamespace

import numpy as np

from quizgen.generation.authoring import (ClassPair, bernoulli, data_table, label, labelled_inputs, nonzero_input,
                                          predictions, reliability_table, table_arrays, truefalse_statement, weight)
from quizgen.generation.question import grid, pick


def test_shared_grids_are_the_grids_they_name():
    assert label() == pick("y", "0", "1")
    assert nonzero_input().values == tuple(v for v in grid("x", "-2", "2", "0.5").values if v != "0")
    assert "1" not in weight().values and weight().values[:2] == ("0.1", "0.2") and weight().values[-1] == "10"
    assert bernoulli(Fraction(1, 4)) == [Fraction(1, 4), Fraction(3, 4)]


def test_a_class_pair_is_two_distributions_over_three_classes():
    pair = ClassPair()
    assert [p.name for p in pair.params] == ["p1", "p2", "q1", "q2"]
    assert all(p.values == grid("a", "0.1", "0.8", "0.1").values for p in pair.params)
    f = Fraction
    assert pair.constraint({"p1": f("0.2"), "p2": f("0.3"), "q1": f("0.5"), "q2": f("0.1")})
    assert not pair.constraint({"p1": f("0.5"), "p2": f("0.5"), "q1": f("0.5"), "q2": f("0.1")})  # p3 = 0
    assert not pair.constraint({"p1": f("0.2"), "p2": f("0.3"), "q1": f("0.2"), "q2": f("0.3")})  # q = p
    p, q = pair.symbolic(SimpleNamespace(p1=f(1, 10), p2=f(2, 10), q1=f(3, 10), q2=f(4, 10)))
    assert p == [f(1, 10), f(2, 10), f(7, 10)] and q[2] == f(3, 10)
    pv, qv = pair.arrays({"p1": 0.1, "p2": 0.2, "q1": 0.3, "q2": 0.4})
    assert np.allclose(pv, [0.1, 0.2, 0.7]) and np.allclose(qv, [0.3, 0.4, 0.3])
    assert [p.values[0] for p in ClassPair(low="0.02", high="0.9", step="0.02").params] == ["0.02"] * 4


def test_data_tables_head_their_columns_with_the_row_index():
    table = data_table("The data:", grid("x", "0.5", "3", "0.5"), pick("s", "1", "2", latex="\\sigma"), rows=3)
    assert table.headers == {"x": "x_i", "s": "\\sigma_i"} and table.caption == "The data:" and table.rows == 3
    plain = labelled_inputs("The examples:", rows=4, indexed=False)
    assert plain.headers == {} and [c.name for c in plain.columns] == ["x", "y"]
    xs, ys = table_arrays(plain, {"x1": 1.0, "x2": -0.5, "x3": 2.0, "x4": 0.5, "y1": 1, "y2": 0, "y3": 1, "y4": 0}, "x", "y")
    assert xs.tolist() == [1.0, -0.5, 2.0, 0.5] and ys.tolist() == [1, 0, 1, 0]


def test_a_reliability_table_draws_inside_each_bin():
    table = reliability_table(("0.5", "0.6", "0.7"), below=0.2, above=0.06)
    n, conf, acc = table.columns
    assert n.values == ("100", "200", "300", "400", "500")
    assert conf.by_row == (grid("c", "0.51", "0.59", "0.02").values, grid("c", "0.61", "0.69", "0.02").values)
    assert acc.by_row == (grid("a", "0.31", "0.65", "0.02").values, grid("a", "0.41", "0.75", "0.02").values)
    assert table.labels == ("[0.5, 0.6)", "[0.6, 0.7]") and table.label_header == "\\text{bin}"
    confidences, correct = predictions(table, {"n1": 100.0, "c1": 0.55, "a1": 0.41, "n2": 200.0, "c2": 0.65, "a2": 0.6})
    assert len(confidences) == 300 and correct[:100].sum() == 41 and correct[100:].sum() == 120


def test_a_truefalse_statement_has_the_usual_shape():
    assert (truefalse_statement("Two coins are tossed.", "both show heads")
            == "Two coins are tossed.\n\nStatement: both show heads. Is the statement true or false, "
               "and which reason shows it?")


def test_a_question_with_a_table_copied_by_dataclasses_replace_keeps_its_parameters_once():
    """Each table cell becomes a parameter once: dataclasses.replace (a notebook dropping a
    question's figures, as bench/bench_make.py does) ran the step again and drew every cell twice,
    which lambdify refused ("duplicate argument 'n1'")."""
    import dataclasses

    from quizgen.generation.bank import load_bank
    from quizgen.generation.exam import build_exam, version_names

    bank = load_bank()
    for qid in ("mle/ece_from_bins", "mle/normal_equations"):
        entry = bank.find(qid)
        assert entry.question.tables  # the kind of question this is about
        copy = dataclasses.replace(entry.question, figures=())
        assert copy.params == entry.question.params
        assert len({p.name for p in copy.params}) == len(copy.params)
        exam = build_exam([dataclasses.replace(entry, question=copy)], 4, version_names(2), jobs=1, figures=False)
        assert len(exam.versions) == 2
