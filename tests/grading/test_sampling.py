"""Issue 19: the samplers keep their promises (every point in its domain, spread over the whole
ranges promised) and the breakpoints are where they should be, with points on both sides."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizgen.kernel.domains import DOMAINS
from quizgen.maths import breakpoints
from quizgen.maths.parse import parse_answer
from quizgen.maths.sampling import LATTICE, lattice_points, sample_domain, sample_points, seed_for

IN_DOMAIN = {
    "real": lambda v: np.isfinite(v),
    "positive": lambda v: v > 0,
    "nonnegative": lambda v: v >= 0,
    "unit_interval": lambda v: (v > 0) & (v < 1),
    "integer": lambda v: v == np.floor(v),
    "positive_integer": lambda v: (v == np.floor(v)) & (v >= 1),
    "nonnegative_integer": lambda v: (v == np.floor(v)) & (v >= 0),
}


def test_every_domain_is_covered() -> None:
    assert set(IN_DOMAIN) == set(DOMAINS)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**63 - 1), domain=st.sampled_from(DOMAINS),
       n=st.integers(1, 300))
def test_every_point_is_in_its_domain(seed: int, domain: str, n: int) -> None:
    values = sample_domain(domain, np.random.default_rng(seed), n)
    assert values.shape == (n,) and values.dtype == np.float64
    assert np.all(IN_DOMAIN[domain](values)), values[~IN_DOMAIN[domain](values)]
    assert np.all(np.isfinite(values))
    assert np.all(np.abs(values) <= (1e9 if domain.endswith("integer") else 1e12))


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**63 - 1))
def test_real_points_spread_over_the_whole_line(seed: int) -> None:
    v = sample_domain("real", np.random.default_rng(seed), 4000)
    magnitude = np.abs(v)
    share = lambda mask: float(np.mean(mask))  # noqa: E731
    # both signs, about evenly
    assert 0.42 < share(v < 0) < 0.58
    # the whole range, log-uniformly: 45% of points spread over 1e-6 .. 1e12 (18 decades)
    assert 0.10 < share(magnitude > 1e6) < 0.20          # 6 of 18 decades: 15%
    assert 0.05 < share(magnitude > 1e9) < 0.11          # 3 decades: 7.5%
    assert 0.04 < share(magnitude < 1e-3) < 0.11         # 3 decades: 7.5%
    assert magnitude.max() > 1e11 and magnitude.min() < 1e-5
    assert magnitude.max() <= 1e12 and magnitude.min() >= 1e-6
    # a moderate band, values near 1 and exact quarters keep ordinary identities covered:
    # 35 % moderate + 10 % near 1 + 8 % quarters + 5 % of the whole range = 58 % in [0.1, 10]
    assert 0.52 < share((magnitude >= 0.1) & (magnitude <= 10)) < 0.64
    assert share((magnitude > 10) & (magnitude < 100)) < 0.08  # 2.5 % + quarters 10..12
    assert share((magnitude >= 0.8) & (magnitude <= 1.25)) > 0.09
    quarters = (v * 4 == np.round(v * 4)) & (magnitude <= 12)
    assert 0.07 < share(quarters) < 0.14
    assert len(set(np.round(v[quarters] * 4).tolist())) > 60  # many different quarters


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**63 - 1))
def test_positive_and_nonnegative_points(seed: int) -> None:
    rng = np.random.default_rng(seed)
    p = sample_domain("positive", rng, 3000)
    assert p.min() < 1e-5 and p.max() > 1e11 and not np.any(p == 0)
    nn = sample_domain("nonnegative", rng, 3000)
    assert 0.02 < np.mean(nn == 0) < 0.08 and nn.max() > 1e11


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**63 - 1))
def test_unit_interval_points_reach_both_ends(seed: int) -> None:
    u = sample_domain("unit_interval", np.random.default_rng(seed), 3000)
    assert u.min() < 1e-7 and u.max() > 1 - 1e-7
    assert np.mean(u < 1e-2) > 0.1 and np.mean(u > 1 - 1e-2) > 0.1
    assert np.mean((u > 0.1) & (u < 0.9)) > 0.4
    assert np.any(u == 0.5) and np.any(u == 0.25)  # sixteenths
    # near the ends only the log-uniform distances 1e-9..1e-2: nothing 0.01..0.02 from an end
    assert not np.any(((u > 1e-2) & (u < 0.02)) | ((u < 1 - 1e-2) & (u > 0.98)))


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**63 - 1), domain=st.sampled_from(
    ["integer", "positive_integer", "nonnegative_integer"]))
def test_integer_points_are_small_and_large(seed: int, domain: str) -> None:
    v = sample_domain(domain, np.random.default_rng(seed), 3000)
    small = {"integer": (-12, 12), "positive_integer": (1, 20), "nonnegative_integer": (0, 20)}
    low, high = small[domain]
    inside = (v >= low) & (v <= high)
    assert 0.55 < np.mean(inside) < 0.75
    assert set(range(low, high + 1)) <= set(v[inside].astype(int).tolist())
    assert np.mean(np.abs(v) > 1000) > 0.15 and 1e8 < np.abs(v).max() <= 1e9
    counts = {int(k): int(c) for k, c in zip(*np.unique(v, return_counts=True))}
    assert counts.get(high + 1, 0) < counts[high] / 3  # the small range ends at `high`
    if domain == "integer":
        assert np.mean(v < -1000) > 0.07  # large negative integers too
        assert np.mean(v > 1000) > 0.07  # and large positive ones
        assert counts.get(low - 1, 0) < counts[low] / 3
        assert np.any((np.abs(v) > high) & (np.abs(v) < 100))  # large ones from 10 on


def test_points_are_reproducible_and_per_symbol() -> None:
    doms = {"y": "real", "x": "positive", "n": "integer"}
    a = sample_points(doms, np.random.default_rng(seed_for("a", "b")), 50)
    b = sample_points(doms, np.random.default_rng(seed_for("a", "b")), 50)
    assert list(a) == ["n", "x", "y"]
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert not np.array_equal(a["x"], np.abs(a["y"]))  # symbols are drawn independently
    assert seed_for("a", "b") != seed_for("b", "a") and seed_for("a", "b") < 2**63


def test_the_lattice_is_the_documented_one() -> None:
    """docs/typing-answers.md: −3, −2, −3/2, −1, −1/2, −1/3, 0, 1/3, 1/2, 1, 3/2, 2, 3 for a
    real symbol, its positive values (and 0 for a non-negative one), 1/4, 1/3, 1/2, 2/3, 3/4 in
    the unit interval, −3…3 for an integer one (1…6, 0…6)."""
    assert LATTICE["real"] == (-3.0, -2.0, -1.5, -1.0, -0.5, -1 / 3, 0.0, 1 / 3, 0.5, 1.0, 1.5,
                               2.0, 3.0)
    assert LATTICE["positive"] == (1 / 3, 0.5, 1.0, 1.5, 2.0, 3.0)
    assert LATTICE["nonnegative"] == (0.0, 1 / 3, 0.5, 1.0, 1.5, 2.0, 3.0)
    assert LATTICE["unit_interval"] == (0.25, 1 / 3, 0.5, 2 / 3, 0.75)
    assert LATTICE["integer"] == tuple(float(k) for k in range(-3, 4))
    assert LATTICE["positive_integer"] == tuple(float(k) for k in range(1, 7))
    assert LATTICE["nonnegative_integer"] == tuple(float(k) for k in range(0, 7))
    assert lattice_points({}, 1) == {}


@pytest.mark.parametrize("domain", DOMAINS)
def test_lattice_values_are_in_their_domain(domain: str) -> None:
    values = np.asarray(LATTICE[domain])
    assert np.all(IN_DOMAIN[domain](values))
    grid = lattice_points({"a": domain, "b": "real"}, 7)
    assert grid["a"].size == len(LATTICE[domain]) * len(LATTICE["real"])


def test_a_big_lattice_is_a_reproducible_subset() -> None:
    doms = {k: "real" for k in "abcd"}
    first, second = lattice_points(doms, 11), lattice_points(doms, 11)
    assert first["a"].size == 2197 and all(np.array_equal(first[k], second[k]) for k in doms)


# ------------------------------------------------------------------------------ breakpoints

def _found(expected: str, answer: str, doms: dict) -> breakpoints.Breakpoints:
    e, a = parse_answer(expected, doms), parse_answer(answer, doms)
    base = sample_points(doms, np.random.default_rng(5), 24)
    found = breakpoints.find(e, a, doms, base)
    assert found is not None
    return found


@settings(max_examples=40, deadline=None)
@given(a=st.integers(-10**6, 10**6).filter(lambda v: v != 0), b=st.integers(-10**9, 10**9))
def test_the_zero_of_a_linear_kink_is_found_with_both_sides(a: int, b: int) -> None:
    found = _found(f"abs({a}*x + {b})", "x", {"x": "real"})
    root = -b / a
    x = found.env["x"]
    exact = x[found.exact]
    assert np.min(np.abs(exact - root)) <= 1e-12 * max(abs(root), 1e-3)
    size = max(abs(root), 1e-3)
    for offset in breakpoints.OFFSETS:
        assert np.any(np.isclose(x, root - offset * size, rtol=1e-14, atol=0))
        assert np.any(np.isclose(x, root + offset * size, rtol=1e-14, atol=0))
    assert found.sure


def test_breakpoints_stay_in_the_domain_and_cover_every_kind() -> None:
    found = _found("max(x - 1000, 0) + sqrt(x - 5) + heaviside(x - 10^6)", "floor(x/7)",
                   {"x": "positive"})
    x = found.env["x"]
    assert np.all(x > 0)
    for root in (1000.0, 5.0, 1e6):
        assert np.any(x == root) or np.min(np.abs(x - root)) < 1e-9 * root
        assert np.any((x < root) & (x > root * (1 - 2e-3))) and np.any(
            (x > root) & (x < root * (1 + 2e-3)))
    kinds = {text.split(":")[0] for text in found.arguments}
    assert kinds == {"kink", "edge", "jump"}


def test_integer_symbols_get_the_integers_around_a_breakpoint() -> None:
    found = _found("abs(n - 1000)", "n - 1000", {"n": "integer"})
    assert {999.0, 1000.0, 1001.0} <= set(found.env["n"].tolist())
    assert np.all(found.env["n"] == np.floor(found.env["n"]))


def test_piecewise_arguments_unfold_into_rational_pieces() -> None:
    found = _found("abs(abs(x) - 1000)", "x", {"x": "real"})
    assert found.sure
    assert {-1000.0, 1000.0} <= set(np.round(found.env["x"][found.exact], 9).tolist())
    unsure = _found("abs(sin(x))", "x", {"x": "real"})
    assert not unsure.sure
    zeros = unsure.env["x"][unsure.exact]
    assert np.any(np.isclose(np.abs(zeros) % math.pi, 0, atol=1e-9) |
                  np.isclose(np.abs(zeros) % math.pi, math.pi, atol=1e-9))


def test_no_breakpoints_no_points() -> None:
    e, a = parse_answer("x^2 + 1", {"x": "real"}), parse_answer("x*x + 1", {"x": "real"})
    base = sample_points({"x": "real"}, np.random.default_rng(1), 24)
    assert breakpoints.find(e, a, {"x": "real"}, base) is None


@pytest.mark.parametrize("arg", ["x/7", "(x + 1)/3", "2*x/5"])
def test_the_jumps_of_floor_of_a_fraction_are_where_the_fraction_crosses_an_integer(arg: str) -> None:
    # floor(num/den) jumps where num = k*den, not where num = k
    from quizgen.maths.evaluate import evaluate

    found = _found(f"floor({arg})", "x", {"x": "positive"})
    jumps = found.env["x"][found.exact]
    assert jumps.size
    values, _ = evaluate(parse_answer(arg, {"x": "positive"}), {"x": jumps}, jumps.size)
    assert np.allclose(values, np.round(values), rtol=0, atol=1e-9 * np.max(np.abs(values)))
