"""Sums, products, indexed data and derivatives in typed answers (issue 22, layer A).

Read safely (our parser, gated by the question declaring indexed data), checked for indices used
as meant, written out for sampled sizes, evaluated; derivatives exact on our own tree.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from quizgen.maths.calculus import NotDifferentiable, differentiate
from quizgen.maths.evaluate import evaluate
from quizgen.maths.indexed import (
    IndexProblem, TooLarge, World, check_indices, declarations, expand, sample, worlds,
)
from quizgen.maths.limits import LimitExceeded
from quizgen.maths.nodes import to_text
from quizgen.maths.parse import ParseError, make_context, parse


@pytest.fixture(scope="module")
def gauss():
    return declarations({"y": {"over": ["m"]}, "y_hat": {"over": ["m"], "param": True},
                         "sigma": {"domain": "positive"}}, sizes={"m": [1, 2, 3, 5]})


def read(text: str, decl) -> str:
    node = parse(text, decl.context()).node
    check_indices(node, decl, text)
    return to_text(node)


SSE = "sum((y_i - y_hat_i)**2, i)"


@pytest.mark.parametrize("typed, read_as", [
    ("Σ_i (y_i - ŷ_i)^2", SSE),
    ("∑_i (y_i - \\hat{y}_i)^2", SSE),
    ("sum_i (y_i - yhat_i)^2", SSE),
    ("\\sum_{i=1}^m (y_i - \\hat y_i)^2", "sum((y_i - y_hat_i)**2, i, 1, m)"),
    ("\\sum\\limits_{i=1}^{m} (y_i - y_hat_i)^2", "sum((y_i - y_hat_i)**2, i, 1, m)"),
    ("sum((y_i - y_hat_i)^2, i, 1, m)", "sum((y_i - y_hat_i)**2, i, 1, m)"),
    ("sum((y_j - ŷ_j)^2, j)", "sum((y_j - y_hat_j)**2, j)"),
    ("Σ_{j=1}^m (y_j - ŷⱼ)^2", "sum((y_j - y_hat_j)**2, j, 1, m)"),
    ("Π_i exp(-y_i)", "prod(exp(-y_i), i)"),
    ("\\prod_{i=1}^m ŷ_i", "prod(y_hat_i, i, 1, m)"),
    # the summand is the product that follows: a term after + or - is outside the sum
    ("Σ_i (y_i - ŷ_i)^2/(2σ^2) + m log σ", "sum((y_i - y_hat_i)**2/(2*sigma**2), i) + m*log(sigma)"),
    ("2 Σ_i y_i ŷ_i - 3", "2*sum(y_i*y_hat_i, i) + (-3)"),
    ("log Σ_i exp(ŷ_i)", "log(sum(exp(y_hat_i), i))"),
    ("Σ_i Σ_j y_i ŷ_j", "sum(sum(y_i*y_hat_j, j), i)"),
    ("-Σ_i y_i", "-sum(y_i, i)"),
])
def test_sum_notations_read_as_meant(gauss, typed, read_as):
    assert read(typed, gauss) == read_as


def test_the_canonical_text_reads_back_to_the_same_tree(gauss):
    for typed in ["Σ_{i=1}^{m-1} y_i ŷ_i", "Π_i (1 + ŷ_i^2)", "sum(y_i, i) / m"]:
        node = parse(typed, gauss.context()).node
        assert parse(to_text(node), gauss.context()).node == node


@pytest.mark.parametrize("typed, message", [
    # an index outside its sum: the summand needs parentheses (never silently re-read)
    ("Σ_i y_i log ŷ_i + (1 - y_i) log(1 - ŷ_i)", "uses the index i outside a sum over i"),
    ("ŷ_i", "uses the index i outside a sum"),
    ("Σ_i Σ_i y_i", "range"),
    ("Σ_i log σ", "write the range of Σ_i"),
    ("i + Σ_i y_i", "only means something inside a sum"),
    ("Σ_{q} y_i", "needs an index letter"),
    ("Σ_{i=1} y_i", "give both limits"),
    ("Σ (y_i)", "write Σ with its index"),
    ("sum(y_i, sigma)", "second argument of 'sum' is its index"),
    ("sum(y_i)", "takes 2 or 4 arguments"),
    ("Σ_i", "needs something after it"),
    ("y_i = ŷ_i", "without '='"),
])
def test_indices_used_wrongly_are_refused_with_a_message(gauss, typed, message):
    with pytest.raises(ParseError) as err:
        read(typed, gauss)
    assert message in str(err.value)


def test_nested_sums_over_one_letter_are_refused(gauss):
    with pytest.raises(IndexProblem, match="two nested sums"):
        read("Σ_{i=1}^m Σ_{i=1}^m y_i", gauss)


def test_without_indexed_data_sums_are_refused_as_before():
    ctx = make_context({"x", "y"})
    for typed in ["Σ_i x", "\\sum_i x", "sum(x, i)", "Π_i x", "diff(x^2, x)"]:
        with pytest.raises(ParseError):
            parse(typed, ctx)
    # sum( and diff( stay unknown functions; Σ an unexpected character
    with pytest.raises(ParseError, match="unknown function 'sum'"):
        parse("sum(x, y)", ctx)


def test_hat_then_index_and_unicode_subscripts_read_everywhere():
    ctx = make_context({"y_hat_i", "x_1", "y_hat"})
    assert to_text(parse("y_hat_i", ctx).node) == "y_hat_i"  # was: unknown name 'y_hat'
    assert to_text(parse("ŷᵢ", ctx).node) == "y_hat_i"
    assert to_text(parse("x₁ + 1", ctx).node) == "x_1 + 1"
    assert to_text(parse("y_hat", ctx).node) == "y_hat"


def test_huge_constants_inside_a_sum_are_refused(gauss):
    with pytest.raises(LimitExceeded):
        parse("Σ_i 9^9^9^9 y_i", gauss.context())


# ---------------------------------------------------------------- writing out, sampling
def test_a_sum_is_written_out_for_each_sampled_size(gauss):
    node = parse("Σ_i (y_i - ŷ_i)^2 + m", gauss.context()).node
    sizes = [w.size("m") for w in worlds(gauss)]
    assert sizes == [1, 2, 3, 5]
    out = to_text(expand(node, gauss, World((("m", 2),))))
    assert out == "((y[1] - y_hat[1])**2 + (y[2] - y_hat[2])**2) + 2"


def test_limits_shift_the_range_and_out_of_range_data_are_refused(gauss):
    node = parse("Σ_{i=2}^{m} y_i", gauss.context()).node
    assert to_text(expand(node, gauss, World((("m", 3),)))) == "y[2] + y[3]"
    assert to_text(expand(node, gauss, World((("m", 1),)))) == "0"  # an empty sum
    bad = parse("Σ_{i=0}^{m} y_i", gauss.context()).node
    with pytest.raises(IndexProblem, match="numbered from 1 to m"):
        expand(bad, gauss, World((("m", 2),)))
    big = parse("Σ_{i=1}^{1000} y_i", gauss.context()).node
    with pytest.raises((TooLarge, IndexProblem)):
        expand(big, gauss, World((("m", 2),)))


def test_definitions_and_free_indices():
    decl = declarations(
        {"z": {"over": ["K"], "param": True}, "y": {"over": ["K"], "domain": "simplex"},
         "p": {"over": ["K"]}},
        sizes={"K": [2, 3]}, free={"k": "K"}, define={"p_j": "exp(z_j)/sum(exp(z_l), l)"})
    ws = worlds(decl)
    assert [(w.size("K"), dict(w.free)["k"]) for w in ws] == [(2, 1), (2, 2), (3, 1), (3, 2), (3, 3)]
    node = parse("p_k - y_k", decl.context()).node
    check_indices(node, decl)
    out = expand(node, decl, ws[1])
    env = sample(decl, ws[1], np.random.default_rng(0), 3, 4)
    values, _ = evaluate(out, env, 12)
    z1, z2, y2 = env["z[1]"], env["z[2]"], env["y[2]"]
    assert np.allclose(values, np.exp(z2) / (np.exp(z1) + np.exp(z2)) - y2)
    # the data of a simplex family sum to 1
    assert np.allclose(env["y[1]"] + env["y[2]"], 1)


def test_data_repeat_over_the_parameter_points_and_sampling_is_reproducible(gauss):
    w = World((("m", 2),))
    one = sample(gauss, w, np.random.default_rng(7), 3, 4)
    two = sample(gauss, w, np.random.default_rng(7), 3, 4)
    assert all(np.array_equal(one[k], two[k]) for k in one)
    y = one["y[1]"].reshape(3, 4)
    assert (y == y[:, :1]).all()  # data: one value per draw
    y_hat = one["y_hat[1]"].reshape(3, 4)
    assert not (y_hat == y_hat[:, :1]).all()  # parameters: a value per point
    assert (one["sigma"].real > 0).all()


def test_binary_data():
    decl = declarations({"y": {"over": ["m"], "domain": "binary"}}, sizes={"m": [4]})
    env = sample(decl, worlds(decl)[0], np.random.default_rng(1), 20, 1)
    values = np.concatenate([env[f"y[{k}]"].real for k in range(1, 5)])
    assert set(values.tolist()) == {0.0, 1.0}


@pytest.mark.parametrize("bad, message", [
    ({"y": {"over": ["n"]}}, "not a size"),
    ({"y": {"domain": "simplex"}}, "unknown domain"),
    ({"y": {"domain": "weird", "over": ["m"]}}, "unknown domain"),
])
def test_malformed_declarations_are_named(bad, message):
    with pytest.raises(ValueError, match=message):
        declarations(bad, sizes={"m": [2]})


# ---------------------------------------------------------------- derivatives
def test_derivatives_match_finite_differences():
    decl = declarations({"x": {}, "y": {"domain": "unit_interval"}, "theta": {"param": True}})
    ctx = decl.context()
    rng = np.random.default_rng(3)
    env = {"x": rng.normal(size=50) + 0j, "y": rng.random(50) + 0j, "theta": rng.normal(size=50) + 0j}
    h = 1e-6
    for text in ["(sigmoid(theta*x) - y)^2/2", "-(y*log(sigmoid(theta x)) + (1-y) log(1 - sigmoid(theta x)))",
                 "exp(theta^2 x)/(1 + theta^2)", "sqrt(1 + theta^2) tanh(theta)", "softplus(theta x) + log(2, 1 + theta^2)",
                 "theta^theta + sin(theta) cos(theta)"]:
        node = parse(text, ctx).node
        d = differentiate(node, "theta")
        got, _ = evaluate(d, env, 50)
        up, _ = evaluate(node, {**env, "theta": env["theta"] + h}, 50)
        down, _ = evaluate(node, {**env, "theta": env["theta"] - h}, 50)
        finite = np.isfinite(got) & np.isfinite(up) & np.isfinite(down)
        assert finite.sum() > 20, text
        assert np.allclose(got[finite].real, ((up - down) / (2 * h))[finite].real, rtol=1e-5, atol=1e-6), text


def test_a_derivative_in_a_line_is_written_out_exactly():
    decl = declarations({"x": {}, "y": {}, "theta": {"param": True}, "y_hat": {}},
                        define={"y_hat": "sigmoid(theta*x)"})
    node = parse("diff((y_hat - y)^2/2, theta)", decl.context()).node
    check_indices(node, decl)
    out = expand(node, decl, worlds(decl)[0])
    env = sample(decl, worlds(decl)[0], np.random.default_rng(0), 4, 5)
    got, _ = evaluate(out, env, 20)
    s = 1 / (1 + np.exp(-env["theta"] * env["x"]))
    assert np.allclose(got, (s - env["y"]) * s * (1 - s) * env["x"])


def test_derivatives_of_kinks_are_refused_and_only_in_parameters():
    decl = declarations({"x": {}, "theta": {"param": True}})
    node = parse("diff(abs(theta), theta)", decl.context()).node
    with pytest.raises(NotDifferentiable, match="abs"):
        expand(node, decl, worlds(decl)[0])
    with pytest.raises(IndexProblem, match="derivative is taken in a parameter"):
        check_indices(parse("diff(theta x, x)", decl.context()).node, decl)


def test_context_keeps_the_question_names_and_gates_on_indices(gauss):
    ctx = gauss.context()
    assert "y_hat_i" in ctx.symbols and "sigma" in ctx.symbols
    assert ctx.indices == frozenset("ijlnkt")
    plain = dataclasses.replace(ctx, indices=frozenset())
    with pytest.raises(ParseError):
        parse("Σ_i y_i", plain)
