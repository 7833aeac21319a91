"""Issue 19 §6: the equivalence engine's thresholds and branches, each pinned by a test that says
what decided the verdict (bench/mutate_grading.py runs these first against every mutant)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from quizgen.maths import equiv
from quizgen.maths.equiv import Comparison, EquivResult, check_equivalent
from quizgen.maths.evaluate import constant_values, evaluate_sample, exact_value, mp_evaluate
from quizgen.maths.parse import parse_answer

X = {"x": "real"}


def verdict(expected: str, answer: str, doms=X, **kw):  # type: ignore[no-untyped-def]
    return check_equivalent(parse_answer(expected, doms), parse_answer(answer, doms), doms, **kw)


# --------------------------------------------------------------------- tolerances and counts

def test_a_plain_identity_lists_its_24_points() -> None:
    result = verdict("(x + 1)^2", "x^2 + 2x + 1")
    assert (result.status, result.method, result.n_points) == ("equivalent", "sampled", 24)
    points = result.sample_points()
    assert len(points) == 24 and all(set(p) == {"x"} for p in points)
    assert result.describe() == "agrees at 24 sampled points"
    constant = check_equivalent(parse_answer("7.54983443527075", {}), parse_answer("sqrt(57)", {}), {})
    assert constant.describe() == "agrees at 1 sampled point"  # one point, said in the singular
    detail = result.detail()
    assert detail["n_points"] == 24 and detail["points"] == points and "special_points" not in detail
    assert not result.precise and not result.proof_attempted


@pytest.mark.parametrize("factor, status, precise", [
    ("(1 + 1/1000)", "different", False),      # 1e-3 relative: far, decided by floats
    ("(1 + 1/100000)", "different", True),     # 1e-5: near, decided in high precision
    ("(1 + 1/10^11)", "different", True),      # 1e-11: close in floats, high precision sees it
])
def test_relative_gaps_and_who_decides(factor: str, status: str, precise: bool) -> None:
    result = verdict("x", f"x*{factor}")
    assert result.status == status and result.precise is precise, result.describe()
    if precise:
        assert result.near and result.describe().startswith("close but not equal (rounded?)")
    else:
        assert result.describe().startswith("differs at point {x=")
        assert result.counterexample["answer"] != result.counterexample["expected"]


def test_too_few_points_where_the_expected_value_is_defined_draws_more() -> None:
    doms = {"x": "real"}
    # defined on (0, 1e-5] only: almost no random point of the first batch
    result = verdict("sqrt(x)*sqrt(1e-5 - x)", "sqrt(x*(1e-5 - x))", doms, prove=False)
    assert result.status in ("equivalent", "undecided")
    comparison = Comparison(parse_answer("x", doms), doms, 3)
    comparison.against(parse_answer("sqrt(1e-5 - x)*sqrt(x)", doms), prove=False)
    assert len(comparison._batches) == 2 and comparison._batches[1][0]["x"].size == 96


def test_fewer_than_eight_agreeing_points_is_not_enough() -> None:
    # the expected value exists only at x = 0 and the lattice: sampling cannot decide
    result = verdict("sqrt(-x^2)", "0", prove=False)
    assert result.status == "undecided" and result.n_points < equiv.MIN_POINTS


def test_a_constant_needs_one_point() -> None:
    result = verdict("2", "4/2", {})
    assert (result.status, result.n_points) == ("equivalent", 1)
    assert result.sample_points() == [{}]


def test_the_lattice_difference_threshold() -> None:
    # floor(x) vs ceil(x) - 1 differ only at integers: the lattice (exact points) sees it
    result = verdict("floor(x)", "ceil(x) - 1")
    x = result.counterexample["point"]["x"]
    assert result.status == "different" and x == math.floor(x)
    assert abs(result.counterexample["expected"] - result.counterexample["answer"]) == 1


# --------------------------------------------------------------------------- domains, poles

def test_a_domain_difference_is_confirmed_before_it_counts(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    calls = []
    real = equiv._mp_value

    def spy(node, point, natural=False):  # type: ignore[no-untyped-def]
        calls.append(point)
        return real(node, point, natural)

    monkeypatch.setattr(equiv, "_mp_value", spy)
    result = verdict("x", "sqrt(x)^2")
    assert result.domain and len(calls) >= 2  # the expected value, then the answer, in mp


def test_a_pole_at_an_exact_point_is_removable_but_not_at_a_random_one() -> None:
    assert verdict("x + 1", "(x^2 - 1)/(x - 1)").equivalent      # x = 1: a lattice point
    assert verdict("1", "(2x - 1)/(2x - 1)").equivalent          # x = 1/2: a quarter
    assert verdict("x", "x^2/x", {"x": "nonnegative"}).equivalent  # x = 0: sampled exactly
    result = verdict("1", "1/(x - x)")                             # a pole everywhere
    assert result.status == "different" and result.undefined_everywhere


def test_nowhere_defined_versus_defined_somewhere() -> None:
    nowhere = verdict("x", "log(-1 - x^2)")
    assert nowhere.undefined_everywhere and nowhere.domain
    assert nowhere.describe() == "the answer has no real value where the expected expression has one"
    somewhere = verdict("x", "log(x)")
    assert somewhere.domain and not somewhere.undefined_everywhere


def test_unknown_points_are_checked_in_high_precision() -> None:
    # floats overflow for x > 709; high precision says they agree there
    result = verdict("exp(x)*exp(-x)", "1")
    assert result.equivalent and result.n_points >= 20
    different = verdict("exp(x)/exp(x - 1)", "exp(1) + heaviside(x - 2000)")
    assert different.status == "different" and different.counterexample["point"]["x"] >= 2000


# -------------------------------------------------------------------------------- describe

@pytest.mark.parametrize("fields, text", [
    ({"status": "equivalent", "method": "proved"}, "proved equal symbolically"),
    ({"status": "different", "method": "proved"}, "shown different symbolically"),
    ({"status": "different", "method": "sampled"}, "differs (shown symbolically)"),
    ({"status": "undecided", "method": "undecided", "blows_up": True},
     "undecided: the answer overflows where the expected value is finite, and no symbolic proof"),
    ({"status": "undecided", "method": "undecided"},
     "undecided: too few points where both are defined, and no symbolic proof"),
    ({"status": "equivalent", "method": "sampled", "n_points": 9, "special_points": 3},
     "agrees at 9 sampled points and 3 special points"),
    ({"status": "different", "method": "sampled", "counterexample":
      {"point": {}, "expected": 3.0, "answer": 3.306886702}},
     "differs: the expected value is 3, the answer's is 3.306886702"),
    ({"status": "different", "method": "sampled", "domain": True, "undefined_part": "ln(x)",
      "counterexample": {"point": {"x": -2.0}, "expected": -2.0, "answer": "undefined"}},
     "the answer is undefined at point {x=-2} (ln(x) has no real value there), where the "
     "expected expression is defined"),
])
def test_describe_says_what_decided(fields: dict, text: str) -> None:
    result = EquivResult(seed=1, **fields)
    assert result.describe() == text


def test_detail_records_the_decision() -> None:
    result = EquivResult("different", "sampled", 7, domain=True, undefined_part="√(x)",
                         special_points=5, breakpoints_sure=False, near=True,
                         counterexample={"point": {"x": -1.0}, "expected": 1.0,
                                         "answer": "undefined"})
    detail = result.detail()
    assert detail["seed"] == 7 and detail["special_points"] == 5
    assert detail["breakpoints_sure"] is False and detail["near_agreement"] is True
    assert detail["answer_undefined"] == "√(x)" and detail["counterexample"]["answer"] == "undefined"


# ---------------------------------------------------------------------------- exact numbers

@pytest.mark.parametrize("expected, answer, equivalent", [
    ("7.54983443527075", "sqrt(57)", True),      # 15 digits as typed: a printed float
    ("7.5498344352707", "sqrt(57)", False),      # 14 digits: exact, and wrong
    ("x*123456789/10^8", "x*1.23456789", True),  # 9 digits, exactly equal
    ("x*123456789/10^8", "x*1.2345678", False),
])
def test_how_many_digits_a_decimal_has(expected: str, answer: str, equivalent: bool) -> None:
    assert verdict(expected, answer).equivalent is equivalent


def test_exact_values_of_constants() -> None:
    from fractions import Fraction

    assert exact_value(parse_answer("2^10/3 - 1/3")) == Fraction(341)
    assert exact_value(parse_answer("(1/2)^-3")) == 8
    with pytest.raises(ZeroDivisionError):
        exact_value(parse_answer("1/(2 - 2)"))
    with pytest.raises(ArithmeticError):
        exact_value(parse_answer("2^(1/2)"))
    with pytest.raises(ArithmeticError):
        exact_value(parse_answer("10^3000"))
    node = parse_answer("x + (1 + 10^-20) + log(2*pi)", X)
    folded = constant_values(node)
    values = sorted(v for v, _ in folded.values())
    assert values[0] == 1.0 and math.isclose(values[1], math.log(2 * math.pi), rel_tol=1e-15)


def test_high_precision_sees_through_cancellation() -> None:
    node = parse_answer("cosh(x)^2 - sinh(x)^2", X)
    assert equiv._mp_compare(node, parse_answer("1", X), {"x": 300.0}, 50) == ("agree",)
    assert equiv._mp_compare(node, parse_answer("1", X), {"x": 1e5}, 50) == ("near",)
    assert equiv._mp_compare(parse_answer("log(x)", X), parse_answer("1", X), {"x": -1.0},
                             50) == ("skip",)
    got = equiv._mp_compare(parse_answer("x", X), parse_answer("log(x)", X), {"x": -2.0}, 50)
    assert got == ("different", -2.0, "undefined")
    assert mp_evaluate(parse_answer("exp(exp(x))", X), {"x": 100.0}, 50) == "unknown"


# ---------------------------------------------------------------------------- the evaluator

def test_scale_is_the_largest_term_added() -> None:
    got = evaluate_sample(parse_answer("x + 1000 - 1000", X), {"x": np.array([2.0])}, 1)
    assert got.values[0] == 2.0 and got.scale[0] == 1000.0
    got = evaluate_sample(parse_answer("sin(x)", X), {"x": np.array([3e8])}, 1)
    assert got.scale[0] == 3e8  # a huge argument's rounding shows in the value


def test_sums_within_rounding_of_zero_are_zero() -> None:
    x = np.array([0.1, 0.7, 1.3, 2.9])
    got = evaluate_sample(parse_answer("sin(x)^2 + cos(x)^2 - 1", X), {"x": x}, 4)
    assert np.all(got.values == 0.0)
    got = evaluate_sample(parse_answer("x + 1e-10 - x", X), {"x": x}, 4)
    assert np.all(got.values != 0.0)  # far above rounding: kept


def test_at_most_eight_unknown_points_go_to_high_precision(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    seen = []
    real = equiv._mp_compare

    def spy(*args):  # type: ignore[no-untyped-def]
        seen.append(args[2])
        return real(*args)

    monkeypatch.setattr(equiv, "_mp_compare", spy)
    # inf/inf in floats at every point: the overflowing form of x
    verdict("x", "(x*exp(x^2 + 1000))/exp(x^2 + 1000)", prove=False)
    assert 0 < len(seen) <= equiv.MP_CHECKS == 8


def test_how_far_high_precision_goes() -> None:
    node = parse_answer("exp(x)", X)
    assert mp_evaluate(node, {"x": 1e14}, 30) not in (None, "unknown")
    assert mp_evaluate(node, {"x": 2e15}, 30) == "unknown"  # beyond 1e15: left out
    assert equiv.MP_MAX_DPS == 1500
    # cancellation of terms of size e^600 needs ~520 digits: seen; e^4000 needs ~3500: not
    square = parse_answer("cosh(x)^2 - sinh(x)^2", X)
    one = parse_answer("1", X)
    assert equiv._mp_compare(square, one, {"x": 600.0}, 50) == ("agree",)
    assert equiv._mp_compare(square, one, {"x": 2000.0}, 50) == ("near",)


# ------------------------------------------------------- found by the mutation run (issue 19)

def test_random_integer_and_quarter_points_are_exact() -> None:
    doms = {"n": "integer"}
    comparison = Comparison(parse_answer("n^2/n", doms), doms, equiv.seed_for("n", "n^2/n"))
    result = comparison.against(parse_answer("n", doms))
    assert 0.0 in comparison._batches[0][0]["n"].tolist()  # n = 0 was drawn: a pole there
    assert result.equivalent, result.describe()              # is removable, not a difference
    # a pole at every quarter (4x an integer): removable at the quarters drawn at random
    from quizgen.maths.sampling import sample_points

    seed = next(s for s in range(1000) if np.sum(np.mod(sample_points(
        X, np.random.default_rng(s), 24)["x"] * 4, 1) == 0) >= 2)
    comparison = Comparison(parse_answer("x + 0/(4x - floor(4x))", X), X, seed)
    assert comparison.against(parse_answer("x", X)).equivalent
    values = np.array([0.25, 0.3, 0.0, 13.5, 16.5, -2.0625, 1e-9])
    assert equiv._discrete(X, {"x": values}).tolist() == [True, False, True, True, False, True,
                                                          False]
    assert equiv._discrete({"n": "integer"}, {"n": np.array([3.0, 7.0])}).tolist() == [True, True]


def test_the_part_with_no_value_is_named_for_answers_up_to_60_operations() -> None:
    def answer(k: int) -> str:
        return "sqrt(x)" + "+x*x" * k

    assert verdict("x", answer(58)).undefined_part == "√(x)"  # 60 operations
    assert verdict("x", answer(59)).undefined_part is None    # 61: not looked for


def test_cancellation_is_seen_through_up_to_1500_digits() -> None:
    square, one = parse_answer("cosh(x)^2 - sinh(x)^2", X), parse_answer("1", X)
    assert equiv._mp_compare(square, one, {"x": 1647.5}, 50) == ("agree",)  # 1500 digits
    assert equiv._mp_compare(square, one, {"x": 1650.0}, 50) == ("near",)   # 1503: no
    assert verdict("pi", "pi + 10^1410 - 10^1410", {}).equivalent           # 1500 digits


def test_numbers_beyond_float_range_keep_their_sign() -> None:
    from fractions import Fraction

    from quizgen.maths.evaluate import _num

    assert _num(Fraction(-10**400)) == -math.inf and _num(Fraction(10**400)) == math.inf
    got = evaluate_sample(parse_answer("x - 10^400", X), {"x": np.array([1.0])}, 1)
    assert got.values[0] == -math.inf or (got.unknown[0] and not got.undefined[0])


def test_a_constant_beyond_high_precision_is_left_to_floats() -> None:
    node = parse_answer("exp(exp(exp(50)))", {})
    assert constant_values(node) == {}
    assert evaluate_sample(node, {}, 1).unknown[0]


@pytest.mark.parametrize("n, k", [(-2.5, 1.5), (-3.5, 0.5), (-0.5, -0.25), (2.5, 3.5),
                                  (-1.5, -2.5), (0.5, 2.0)])
def test_binomials_of_non_integers_follow_gamma(n: float, k: float) -> None:
    import mpmath

    node = parse_answer("binomial(n, k)", {"n": "real", "k": "real"})
    got = evaluate_sample(node, {"n": np.array([n]), "k": np.array([k])}, 1)
    want = mpmath.binomial(n, k)
    assert got.ok[0] and math.isclose(got.values[0], float(want), rel_tol=1e-12, abs_tol=1e-300)


def test_constant_division_by_zero_is_known_undefined_without_high_precision() -> None:
    got = evaluate_sample(parse_answer("x + 1/0", X), {"x": np.array([1.0, 2.0])}, 2)
    assert got.undefined.all()


def test_a_few_parts_per_million_at_a_lattice_point_is_a_difference() -> None:
    # floor(x) and ceil(x) - 1 differ only at the integers, by 1: 3.3e-6 of 300000, above the
    # 1e-6 allowed at exact points (the test above sees a gap of 1 in values of size 3)
    result = verdict("300000 + floor(x)", "300000 + ceil(x) - 1")
    assert (result.status, result.method) == ("different", "sampled")
    x = result.counterexample["point"]["x"]
    assert x == math.floor(x)
    assert result.counterexample["expected"] - result.counterexample["answer"] == 1
    assert result.describe() == f"differs at point {{x={x:.6g}}}"


def test_a_difference_beyond_high_precision_is_shown_symbolically() -> None:
    # exp(-10^4) is 4343 digits below 1: floats and high precision agree everywhere; sign(sin(e^x))
    # has breakpoints the search cannot all locate, so the proof decides, and names a point
    result = verdict("sign(sin(exp(x)))", "sign(sin(exp(x))) + exp(-10^4)")
    assert not result.breakpoints_sure
    assert (result.status, result.method) == ("different", "proved")
    assert result.describe() == "shown different symbolically"
    assert set(result.counterexample["point"]) == {"x"}


def test_an_answer_with_a_long_literal_is_checked_with_enough_digits() -> None:
    # 1e-61 and 0.000...01 (61 digits) are far below the 50 digits high precision starts with:
    # the literal's own digits set the precision, so x + 1e-61 is not x
    for answer in ("x + 1e-61", "x + 0." + "0" * 60 + "1"):
        result = verdict("x", answer)
        assert (result.status, result.precise) == ("different", True), answer
        assert result.describe().startswith("close but not equal (rounded?): differs in high precision")


def test_a_point_high_precision_cannot_evaluate_leaves_the_decision_to_the_proof() -> None:
    # exp(-x^2) at |x| > 3.2e7 is exp(-1e15) or smaller: not computed, so floats that agree there
    # do not confirm; the proof does
    result = verdict("exp(-x^2) + 1000000", "1000000 + exp(-x^2)")
    assert (result.status, result.method) == ("equivalent", "proved")
    assert result.describe() == "proved equal symbolically"


def test_factorial_of_an_overflowed_negative_argument_is_undefined() -> None:
    # -exp(1000) is -inf in floats: no value (a pole at every negative integer), and no crash
    got = evaluate_sample(parse_answer("factorial(-exp(x))", X),
                          {"x": np.array([1000.0, 0.0, 1.0])}, 3)
    assert got.undefined[:2].all() and not got.ok[:2].any()  # (-1)! is a pole as well
    assert got.ok[2] and math.isclose(got.values[2], math.gamma(1 - math.e), rel_tol=1e-12)


def test_zero_to_the_power_zero_is_one() -> None:
    # as in SymPy and mpmath; 0 to a power between 0 and 1 may be an underflow: unknown
    got = evaluate_sample(parse_answer("x^y", {"x": "real", "y": "real"}),
                          {"x": np.array([0.0, 0.0]), "y": np.array([0.0, 0.5])}, 2)
    assert got.ok[0] and got.values[0] == 1.0
    assert got.unknown[1] and not got.undefined[1]
    # 0^2 = 0; 0^-1 a pole (decided in high precision); 1 to any power is 1
    x, y = np.array([0.0, 0.0, 1.0, 1.0, 2.0]), np.array([2.0, -1.0, 0.5, -0.5, 0.5])
    got = evaluate_sample(parse_answer("x^y", {"x": "real", "y": "real"}), {"x": x, "y": y}, 5)
    assert got.ok.tolist() == [True, False, True, True, True]
    assert got.unknown[1] and not got.undefined[1]
    assert got.values[[0, 2, 3]].tolist() == [0.0, 1.0, 1.0] and got.values[4] == math.sqrt(2)
    # a constant exponent 0: 1 at every point, 0 included
    got = evaluate_sample(parse_answer("x^0", X), {"x": np.array([0.0, -2.0, 3.5])}, 3)
    assert got.ok.all() and got.values.tolist() == [1.0, 1.0, 1.0]


def test_high_precision_logarithms_in_base_2_and_10() -> None:
    assert abs(mp_evaluate(parse_answer("log2(x)", X), {"x": 8.0}, 30)[0] - 3) < 1e-25
    assert abs(mp_evaluate(parse_answer("log10(x)", X), {"x": 1000.0}, 30)[0] - 3) < 1e-25


def test_a_sum_that_is_zero_in_high_precision_is_a_zero_denominator() -> None:
    # sin^2 + cos^2 - 1 is 0 to within rounding in floats and in mpmath: 1/it has no value anywhere
    assert mp_evaluate(parse_answer("sin(x)^2 + cos(x)^2 - 1", X), {"x": 0.7}, 50)[0] == 0
    result = verdict("x", "x + 1/(sin(x)^2 + cos(x)^2 - 1)")
    assert (result.status, result.domain, result.undefined_everywhere) == ("different", True, True)
    assert result.describe() == "the answer has no real value where the expected expression has one"


def test_the_expected_side_has_no_binomial_at_negative_integers_in_high_precision() -> None:
    nk = {"n": "real", "k": "real"}
    node = parse_answer("binomial(n, k)", nk)
    point = {"n": -3.0, "k": 2.0}
    assert mp_evaluate(node, point, 30, True) is None  # the key's natural domain
    assert mp_evaluate(node, point, 30)[0] == 6  # an answer's: (-1)^2 binomial(4, 2)
    assert mp_evaluate(node, {"n": -2.5, "k": 2.0}, 30, True)[0] == mpmath_binomial(-2.5, 2)
    assert mp_evaluate(parse_answer("abs(x)", X), {"x": -2.0}, 30, True)[0] == 2


def mpmath_binomial(n: float, k: float) -> float:
    import mpmath

    return mpmath.binomial(n, k)


def test_binomials_of_huge_arguments_keep_their_digits() -> None:
    # lgamma(n + 1) - lgamma(n - 2) loses every digit for n = 1e17 (it gave 1.0): an integer k
    # takes the polynomial n(n-1)(n-2)/3! for any n
    got = evaluate_sample(parse_answer("binomial(x, 3)", X), {"x": np.array([1e17, -1e17, 3e20])}, 3)
    for value, x in zip(got.values, (1e17, -1e17, 3e20)):
        assert math.isclose(value, x * (x - 1) * (x - 2) / 6, rel_tol=1e-14)
    assert verdict("binomial(x^2, 3)", "x^2*(x^2 - 1)*(x^2 - 2)/6").equivalent
    n = {"n": "integer"}
    assert verdict("binomial(n^2, 3)", "n^2*(n^2 - 1)*(n^2 - 2)/6", n).equivalent


def test_values_beyond_high_precision_leave_the_verdict_undecided_and_say_why() -> None:
    # e^(e^50) overflows floats and is beyond what mpmath computes (an exponent above 1e15)
    result = verdict("exp(exp(50))", "exp(exp(50))*2", {}, prove=False)
    assert (result.status, result.blows_up) == ("undecided", True)
    assert result.describe() == ("undecided: the answer overflows where the expected value is "
                                 "finite, and no symbolic proof")
    assert result.beyond_precision  # e^50 alone is beyond what high precision computes
    proved = verdict("exp(exp(50))", "exp(exp(50))*2", {})
    assert (proved.status, proved.method) == ("different", "proved")


def test_points_that_agree_in_high_precision_count_toward_the_eight() -> None:
    # inf/inf in floats at every point of (0, 1); the 8 points high precision checks agree
    u = {"x": "unit_interval"}
    result = verdict("x", "(x*exp(x + 1000))/exp(x + 1000)", u, prove=False)
    assert (result.status, result.method) == ("equivalent", "sampled")
    assert result.describe() == "agrees at 8 sampled points"


def test_a_constant_with_no_real_value_makes_every_point_undefined() -> None:
    got = evaluate_sample(parse_answer("x + log(-2)", X), {"x": np.array([1.0, 2.0])}, 2)
    assert got.undefined.all() and not got.unknown.any()


def test_high_precision_gamma_forms_and_reciprocal_functions() -> None:
    import mpmath

    nk = {"n": "real", "k": "real"}
    with mpmath.workdps(30):
        root_pi, csc = mpmath.sqrt(mpmath.pi), 1 / mpmath.sin(0.5)
    assert abs(mp_evaluate(parse_answer("factorial(x)", X), {"x": -0.5}, 30)[0]
               - root_pi) < 1e-25  # (-1/2)! = Gamma(1/2)
    assert mp_evaluate(parse_answer("factorial(x)", X), {"x": -2.0}, 30) is None
    binomial = parse_answer("binomial(n, k)", nk)
    with mpmath.workdps(30):
        want = mpmath.binomial(-2.5, 0.25)
    assert want != 0 and abs(mp_evaluate(binomial, {"n": -2.5, "k": 0.25}, 30)[0] - want) < 1e-25
    assert mp_evaluate(binomial, {"n": -3.0, "k": 0.5}, 30) is None  # a pole of Gamma(n + 1)
    assert abs(mp_evaluate(parse_answer("csc(x)", X), {"x": 0.5}, 30)[0] - csc) < 1e-25


def test_high_precision_puts_a_rounding_next_to_one_back_on_it() -> None:
    # (x + 1/10) - x - 1/10 + 1 is 1 up to rounding at 50 digits: acos of it is 0, not 9e-26
    got = mp_evaluate(parse_answer("acos((x + 1/10) - x - 1/10 + 1)", X), {"x": 12.1}, 50)
    assert got[0] == 0


@pytest.mark.parametrize("answer", ["x^2 + exp(-40)*x^2", "x^2*(1 + exp(-40))"])
def test_a_tiny_constant_calls_for_high_precision(answer: str) -> None:
    # floats agree everywhere (4e-18 relative); the constant exp(-40), alone or inside 1 + exp(-40)
    # (1 to floats), asks for 2 x 19 + 30 digits (4.2e-18: 19 places), which show it anywhere
    assert equiv._literal_digits(parse_answer(answer, X)) == (True, 19)
    result = verdict("x^2", answer)
    assert (result.status, result.precise, result.near) == ("different", True, True)


def test_when_only_big_values_call_for_high_precision_the_difference_is_found_at_one_of_them() -> None:
    # exp(40) = 2.4e17: the jump of 1 is below float rounding there and nothing else asks for high
    # precision (no long literal): only the agreeing values above 1e12 are checked, and show it
    result = verdict("exp(x)", "exp(x) + heaviside(x - 40)")
    assert (result.status, result.precise) == ("different", True)
    assert result.counterexample["point"]["x"] > 36  # exp(x) > 1e12... beside the breakpoint
    assert result.counterexample["answer"] - result.counterexample["expected"] >= 0


def test_a_long_literal_sets_the_digits_at_points_where_floats_overflow() -> None:
    # exp(10^-100) = 1 + 10^-100 + 5e-201: seen with 2 x 101 + 30 digits, not with 60 fewer; the
    # points where exp(x) overflows are checked first, in high precision, and show it there
    result = verdict("exp(x)*exp(10^-100)", "exp(x)*(1 + 10^-100)", {"x": "positive"})
    assert (result.status, result.precise) == ("different", True)
    assert result.counterexample["point"]["x"] > 709.8  # exp(x) is beyond float range there
    assert result.describe().startswith("differs at point")
    # the two values there, as numbers beyond float range (not the outcome's label, not inf)
    for k in ("expected", "answer"):
        assert float(result.counterexample[k]) > 1.7e308 and "e+" in result.counterexample[k]


def test_where_the_expected_value_overflows_at_an_integer_point_high_precision_still_looks() -> None:
    # integer points are "exact", and a pole of the answer there is removable; an overflow of the
    # expected value is not a pole of the answer: exp(n^2)/exp(n^2) is 1, the answer is 2 for |n| > 30
    result = verdict("exp(n^2)/exp(n^2)", "1 + heaviside(abs(n) - 30)", {"n": "integer"})
    assert result.status == "different"
    assert verdict("exp(n^2)/exp(n^2)", "1", {"n": "integer"}).status == "equivalent"


def test_constants_up_to_735_digits_are_compared_in_high_precision_and_beyond_that_undecided() -> None:
    # 2 x 735 + 30 = 1500 working digits, the most we afford: 10^734 (735 digits) is compared,
    # 10^735 is beyond, and sampling leaves the verdict to the proof (here: none)
    inside = verdict("10^734*x", "x*10^734", prove=False)
    assert (inside.status, inside.method, inside.beyond_precision) == ("equivalent", "sampled", False)
    beyond = verdict("10^735*x", "x*10^735", prove=False)
    assert (beyond.status, beyond.beyond_precision) == ("undecided", True)
    assert beyond.describe() == ("undecided: a constant or a term in it is too small or too large "
                                 "for high precision (1500 digits) to compare, and no symbolic proof")
    assert verdict("10^735*x", "x*10^735").method == "proved"


@pytest.mark.parametrize(("expected", "answer", "domains"), [
    ("x", "x + exp(-100)", {}),                      # a constant below what 50 digits see
    ("x", "x*(1 + exp(-100))", {}),                  # ... inside a constant floats call 1
    ("x", "x + exp(-10^4)", {}),                     # ... below what 1500 digits see: proof
    ("x", "x + 10^-2000", {}),
    ("floor(x^5+x^3+x)", "floor(x^5+x^3+x) + exp(-10^4)", {}),
    ("2^4000", "2^4000 + x", {}),                    # a constant above what floats hold
    ("exp(10^4)", "exp(10^4) + x", {}),
    ("(-2)^x", "(-2)^x + heaviside(x-400)", {}),     # a jump on 2.6e120 (integer x only)
    ("exp(x)", "exp(x) + heaviside(x - 100)", {}),   # a jump on 2.7e43
    ("exp(x)", "exp(x) + heaviside(x - 1000)", {}),  # ... where floats overflow
    ("exp(x^4)", "exp(x^4) + heaviside(x-10000)", {}),  # ... and 4e15 digits would be needed
    ("exp(exp(exp(x)))", "exp(exp(exp(x)) + heaviside(x-40))", {"x": "positive"}),
    ("x^3 + 10^15", "x^3 + max(x, 10^15)", {}),      # a kink far out, hidden by x^3
    ("ceil(x/7)", "ceil((x+10^-7)/7)", {"x": "positive"}),  # a jump of 1 on 6e10, at x = 7k only
    ("ceil(x/7)", "ceil((x+10^-9)/7)", {"x": "positive"}),
])
def test_a_difference_beyond_floats_is_never_equivalent(expected: str, answer: str,
                                                        domains: dict[str, str]) -> None:
    for seed in (None, 1, 2, 3, 4):
        result = equiv.check_equivalent(parse_answer(expected, X), parse_answer(answer, X),
                                        domains or {"x": "real"}, seed=seed)
        assert result.status != "equivalent", (seed, result.describe())
        if result.status == "undecided":  # says why: a constant or a breakpoint beyond reach
            assert result.beyond_precision or not result.breakpoints_sure, result.describe()


def test_a_gap_above_1e_6_at_a_breakpoint_itself_is_a_difference_without_high_precision() -> None:
    # 3e-6 relative at x = 0 only: beyond EXACT_FAR, so different at once (not via mpmath)
    result = verdict("x^2 + 1", "x^2 + 1 + 3*10^-6*(1 - abs(sign(x)))")
    assert (result.status, result.precise) == ("different", False)
    assert result.counterexample == {"point": {"x": 0.0}, "expected": 1.0, "answer": 1.000003}


def test_overflow_points_beside_a_breakpoint_are_computed_before_random_ones() -> None:
    # exp(x) overflows beyond x = 709: the random points there (up to 1e12) are beyond any
    # precision, the points beside the breakpoint at 800 are not; they go first and show the jump
    result = verdict("exp(x)", "exp(x) + heaviside(x - 800)")
    assert (result.status, result.precise) == ("different", True)
    assert 799 < result.counterexample["point"]["x"] < 801


def test_a_jump_of_1_on_1e13_is_found_among_the_big_values() -> None:
    # exp(30) + 1: 9e-14 relative, below what floats and the near-point checks look at
    result = verdict("exp(x)", "exp(x) + heaviside(x - 30)")
    assert (result.status, result.precise) == ("different", True)


def test_points_high_precision_cannot_place_do_not_count_as_agreeing() -> None:
    # sqrt(-e^(2x)) has no value anywhere; where floats overflow, mpmath says so (a skipped point)
    result = verdict("sqrt(-exp(x)^2)", "1", {"x": "positive"})
    assert result.status == "undecided"


def test_eight_points_that_floats_could_not_settle_are_checked_in_high_precision(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # x + e^50 - e^50: cancellation leaves every float point near (none close): the 8 worst go to
    # mpmath, which agrees at each (no close point to add, no big value)
    calls = []
    real = equiv._mp_compare
    monkeypatch.setattr(equiv, "_mp_compare", lambda *a, **k: calls.append(a[2]) or real(*a, **k))
    result = verdict("x", "x + exp(50) - exp(50)")
    assert (result.status, result.method, result.n_points) == ("equivalent", "sampled", 24)
    assert len(calls) == 8


def test_jumps_are_compared_up_to_1500_digits_and_no_further() -> None:
    # e^3349 has 1455 digits before the point: 1500 digits see 30 after it; e^3351 needs 1501
    e, a = parse_answer("exp(x) + heaviside(x - 1)", X), parse_answer("exp(x) + (sign(x - 1) + 1)/2", X)
    assert equiv._mp_compare(e, a, {"x": 3349.0}, 50, absolute=True) == ("agree",)
    assert equiv._mp_compare(e, a, {"x": 3351.0}, 50, absolute=True) == ("unknown", "digits")
    assert equiv._mp_compare(e, a, {"x": 3351.0}, 50) == ("agree",)  # relative: no limit


def test_points_beyond_the_eight_high_precision_checks_count_as_uncomputed() -> None:
    from quizgen.maths.evaluate import evaluate_sample

    node = parse_answer("exp(x)", X)
    env = {"x": np.arange(800.0, 812.0)}  # 12 points where floats overflow; mpmath computes them
    ev = evaluate_sample(node, env, 12)
    random = np.arange(12) < 10  # the last two are special points
    pts = equiv._Points(env, ev, ev, np.zeros(12, bool), random, np.zeros(12, bool))
    checked = equiv._unknown_points(node, node, pts)
    # specials first: 800 and 801 are among the 8 checked; the last 4 random points are not
    assert (checked.agreed, checked.uncomputed, checked.uncomputed_special) == (8, 4, 0)
    # 10 special points, then 2 random ones: 8 specials checked, 2 specials and 2 random left
    random = np.arange(12) < 2
    checked = equiv._unknown_points(node, node, equiv._Points(env, ev, ev, np.zeros(12, bool),
                                                              random, np.zeros(12, bool)))
    assert (checked.agreed, checked.uncomputed, checked.uncomputed_special) == (8, 4, 2)
    assert checked.agreed_random == []


def test_lattice_values_agree_as_closely_as_random_points_must() -> None:
    from quizgen.maths.evaluate import Evaluation

    def pts(gap: float):  # type: ignore[no-untyped-def]
        e = Evaluation(np.array([0.0]), np.array([0.0]), np.array([False]))
        a = Evaluation(np.array([gap]), np.array([0.0]), np.array([False]))
        one = np.ones(1, bool)
        return equiv._Points({"x": np.zeros(1)}, e, a, one, ~one, one)

    assert equiv._close_loose(pts(0.9e-12)) == 1
    assert equiv._close_loose(pts(1.1e-12)) == 0
    # only lattice values and breakpoints where both sides have a value count
    e, a = _evaluations([1.0, 2.0, 3.0], [1.0, 2.0, 3.0])
    a = Evaluation(a.values, a.scale, np.array([False, False, True]))  # no value at the third
    loose = np.array([True, False, True])
    three = equiv._Points({"x": np.zeros(3)}, e, a, loose, ~loose, loose)
    assert equiv._close_loose(three) == 1


def test_high_precision_agreement_is_38_digits() -> None:
    one = parse_answer("1", X)
    assert equiv._mp_compare(one, parse_answer("1 + 5*10^-39", X), {}, 50) == ("agree",)
    assert equiv._mp_compare(one, parse_answer("1 + 3*10^-38", X), {}, 50)[0] == "different"


def test_three_near_points_are_checked_when_enough_others_agree_closely(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # x + e^20 - e^20: floats lose |x| < 60 to the cancellation (near), agree closely elsewhere:
    # the 3 worst near points and 3 more go to mpmath
    calls = []
    real = equiv._mp_compare
    monkeypatch.setattr(equiv, "_mp_compare", lambda *a, **k: calls.append(a[2]) or real(*a, **k))
    assert verdict("x", "x + exp(20) - exp(20)").status == "equivalent"
    assert len(calls) == equiv.MP_NEAR + equiv.MP_POINTS == 6


def _evaluations(expected: list[float], answer: list[float]):  # type: ignore[no-untyped-def]
    from quizgen.maths.evaluate import Evaluation

    def ev(values: list[float]) -> Evaluation:
        v = np.array(values)
        return Evaluation(v, np.zeros_like(v), np.zeros(v.size, dtype=bool))

    return ev(expected), ev(answer)


def test_breakpoints_that_differ_by_more_than_rounding_go_to_high_precision() -> None:
    e, a = _evaluations([5.0, 1e8, 0.0, 0.0, 3.0], [5.0, 1e8 + 1, 1e-12, 2e-12, 3.0])
    n = e.values.size
    pts = equiv._Points({"x": np.arange(n, dtype=float)}, e, a, np.ones(n, bool),
                        np.zeros(n, bool), np.ones(n, bool))
    # equal values never; 1 on 1e8 yes; an absolute 1e-12 at 0 is rounding, 2e-12 is not
    assert equiv._loose_near(pts, False) == [3, 1]
    # with offsets, the largest breakpoints too (each once)
    assert equiv._loose_near(pts, True) == [3, 1, 0, 4]  # and the 3 largest (1e8, 5, 3), once


def test_values_above_1e300_are_overflow_for_floats() -> None:
    e, a = _evaluations([1e300, 2e300], [1e300, 1.0])
    assert not equiv._overflowed(e, a, 0)
    assert equiv._overflowed(e, a, 1)


def test_special_points_high_precision_cannot_compute_are_counted_apart() -> None:
    from quizgen.maths.evaluate import evaluate_sample

    node = parse_answer("exp(x^4)", X)  # e^(10^16) at x = 10^4: 4e15 digits, beyond any check
    env = {"x": np.array([10000.0, 10000.5, 10001.0, 20000.0])}
    ev = evaluate_sample(node, env, 4)
    random = np.array([False, False, False, True])
    pts = equiv._Points(env, ev, ev, np.zeros(4, bool), random, np.zeros(4, bool))
    checked = equiv._unknown_points(node, node, pts, absolute=True)
    assert (checked.agreed, checked.uncomputed, checked.uncomputed_special) == (0, 4, 3)


def test_jumps_are_seen_down_to_about_1e_33_whatever_the_size() -> None:
    # e^23 = 9.7e9: 55 digits, agreement to 38 of them, so to about 1e-33 after the point
    e = parse_answer("exp(x) + heaviside(x - 1)", X)
    assert equiv._mp_compare(e, parse_answer("exp(x) + heaviside(x - 1) + 10^-34", X),
                             {"x": 23.0}, 50, absolute=True) == ("agree",)
    assert equiv._mp_compare(e, parse_answer("exp(x) + heaviside(x - 1) + 10^-32", X),
                             {"x": 23.0}, 50, absolute=True)[0] == "different"


@pytest.mark.parametrize(("expected", "answer"), [
    ("exp(x)", "exp(x) + heaviside(x - 800)"),   # found in high precision at exp(800.8) = 6e347
    ("10^305*x", "10^305*x*(1 + 1/1000)"),       # 1.7e309 in high precision
    ("exp(10^3)", "exp(10^3) + 1"),              # no symbols: the values are in the message
])
def test_a_counterexample_beyond_float_range_is_json_and_shows_its_values(expected: str,
                                                                           answer: str) -> None:
    import json

    result = verdict(expected, answer)
    assert result.status == "different"
    text = json.dumps(result.detail(), allow_nan=False)  # never Infinity: strict JSON
    counter = json.loads(text)["counterexample"]
    assert isinstance(counter["expected"], str) and "e+" in counter["expected"]
    assert "inf" not in result.describe()


def test_the_record_says_when_a_constant_was_beyond_precision_and_only_then() -> None:
    beyond = verdict("x", "x + exp(-10^4)", prove=False)
    assert beyond.detail()["beyond_precision"] is True
    assert "beyond_precision" not in verdict("x", "x + 1").detail()


def test_an_answer_undefined_with_no_part_named_is_still_recorded_as_undefined() -> None:
    result = equiv.EquivResult("different", "sampled", 0, domain=True, undefined_part=None)
    assert result.detail()["answer_undefined"] is True


def test_an_answer_only_high_precision_finds_undefined_is_a_domain_difference() -> None:
    # floats cancel x^2 + 1 - 10^-20 - x^2 - 1 to 0; in high precision it is -10^-20, with no root
    result = verdict("x", "x + sqrt(x^2 + 1 - 10^-20 - x^2 - 1)")
    assert (result.status, result.domain, result.precise) == ("different", True, True)
    assert result.describe().startswith("the answer is undefined at point")


def test_a_constant_of_six_digits_calls_for_high_precision_and_five_do_not() -> None:
    assert equiv._literal_digits(parse_answer("x*2^17", X)) == (True, 6)   # 131072
    assert equiv._literal_digits(parse_answer("x*2^16", X)) == (False, 2)  # 65536: the 16 counts


def test_float_gaps_above_1e_13_relative_call_for_high_precision() -> None:
    node = parse_answer("x", X)
    assert equiv._wants_precision(node, node, np.array([1e-14]), np.array([1e-3]))  # 1e-11
    assert not equiv._wants_precision(node, node, np.array([1e-17]), np.array([1.0]))


@pytest.mark.parametrize(("expected", "answer", "domains"), [
    ("1", "1 + exp(-x^2 - 40)", {"x": "real"}),         # 4e-18 at most: floats never see it
    ("1 + exp(-x^2 - 40)", "1", {"x": "real"}),         # ... nor in the key
    ("1", "1 + exp(-x^2 - 1000)", {"x": "real"}),       # 0 to floats everywhere (underflow)
    ("exp(2*x)", "exp(2*x) + exp(x - 60)", {"x": "positive"}),
    ("x^2", "x^2 + exp(-x - 60)", {"x": "positive"}),
    ("1", "1 + exp(-x^2 - 100)", {"x": "real"}),        # 3.7e-44: more than 50 digits to see
    ("x", "x*exp(exp(-x^2 - 40))", {"x": "real"}),      # exp of 4e-18 is 1 to floats
    ("x", "x*exp(exp(-x^2 - 1000))", {"x": "real"}),    # ... of an underflow
    ("1", "cos(exp(-x^2 - 20))", {"x": "real"}),        # cos(t) = 1 - t^2/2: t^2 is 4e-18
    ("x", "x*sigmoid(x^2 + 40)", {"x": "real"}),        # sigmoid(t) = 1 - e^-t: 4e-18 short of 1
    ("1", "tanh(x^2 + 20)", {"x": "real"}),
])
def test_a_term_floats_never_see_is_looked_at_where_it_is_largest(expected: str, answer: str,
                                                                  domains: dict[str, str]) -> None:
    for seed in (None, 1, 2):
        result = equiv.check_equivalent(parse_answer(expected, X), parse_answer(answer, X), domains,
                                        seed=seed)
        assert (result.status, result.precise) == ("different", True), (seed, result.describe())


def test_where_floats_never_see_a_term_is_recorded_by_the_evaluator() -> None:
    from quizgen.maths.evaluate import evaluate_sample

    env = {"x": np.array([3.0, 0.001, -2.0, 50.0])}
    got = evaluate_sample(parse_answer("1 + exp(-x^2 - 40)", X), env, 4, hidden=True)
    assert got.hidden == (1,)  # the term is largest (4.2e-18) at x = 0.001
    assert evaluate_sample(parse_answer("1 + exp(-x^2 - 40)", X), env, 4).hidden == ()  # not asked
    assert evaluate_sample(parse_answer("1 + exp(-x^2)", X), env, 4, hidden=True).hidden == ()


def test_a_clear_difference_at_an_overflowed_first_point_is_left_to_the_whole_comparison() -> None:
    # the first clear difference is at values above 1e300: high precision settles it there, so
    # the quick status must not decide from the next point
    e, a = _evaluations([1e301, 1.0], [2e301, 5.0])
    assert not equiv._clearly_different(e, a)
    e, a = _evaluations([1.0, 1e301], [5.0, 2e301])
    assert equiv._clearly_different(e, a)


def test_kinks_and_integer_functions_call_for_the_lattice() -> None:
    for text in ("abs(x)", "floor(x)", "sqrt(x)", "x^(1/3)", "x^y"):
        assert equiv._lattice_sensitive(parse_answer(text, {"x": "real", "y": "real"})), text
    assert not equiv._lattice_sensitive(parse_answer("x^2 + 3*x - exp(x)", X))


def test_an_integer_of_fifteen_digits_is_not_a_printed_float() -> None:
    # a long integer is exact: a key with one keeps exact comparison (a printed float would not)
    assert not equiv._float_printed(parse_answer("x*123456789012345", X))
    assert equiv._float_printed(parse_answer("x*1.23456789012345", X))
    result = verdict("x*123456789012345", "x*123456789012346")
    assert (result.status, result.precise) == ("different", True)


def test_a_tiny_sum_is_kept_unless_it_is_within_rounding_of_its_terms() -> None:
    from quizgen.maths.evaluate import evaluate_sample

    xy = {"x": "real", "y": "real"}
    env = {"x": np.array([1e-16, 1.0]), "y": np.array([1e-16, -1.0 + 2e-16])}
    got = evaluate_sample(parse_answer("x + y", xy), env, 2).values
    assert got[0] == 2e-16  # small, but no rounding to hide in: kept
    assert got[1] == 0.0    # 2.2e-16 left of two terms of size 1: rounding, taken as 0


def test_an_overflowed_base_under_a_negative_fractional_power_is_unknown_not_zero() -> None:
    from quizgen.maths.evaluate import evaluate_sample

    got = evaluate_sample(parse_answer("exp(x)^(-1/2)", X), {"x": np.array([1000.0, 2.0])}, 2)
    # inf^-0.5 is 0 to floats, but e^-500 is not 0: high precision decides there
    assert math.isnan(got.values[0]) and not got.undefined[0]
    assert got.values[1] == pytest.approx(math.exp(-1.0))


def test_atanh_has_poles_at_plus_and_minus_one_not_a_domain_error() -> None:
    from quizgen.maths.evaluate import evaluate_sample

    got = evaluate_sample(parse_answer("atanh(x)", X), {"x": np.array([1.0, -1.0, 2.0])}, 3)
    assert math.isnan(got.values[0]) and math.isnan(got.values[1])
    assert got.undefined.tolist() == [False, False, True]  # poles at ±1; no real value at 2


def test_where_floats_never_see_the_argument_of_a_flat_function_is_recorded() -> None:
    from quizgen.maths.evaluate import evaluate_sample

    env = {"x": np.array([3.0, 0.001, -2.0])}
    assert evaluate_sample(parse_answer("exp(exp(-x^2 - 40))", X), env, 3, hidden=True).hidden == (1,)
    assert evaluate_sample(parse_answer("cos(exp(-x^2 - 20))", X), env, 3, hidden=True).hidden == (1,)
    assert evaluate_sample(parse_answer("cos(exp(-x^2))", X), env, 3, hidden=True).hidden == ()
    # sin(t) = t(1 - t^2/6): its t^2/6 is what floats drop near 0 (sin(t)/t is 1 to floats)
    assert evaluate_sample(parse_answer("sin(exp(-x^2 - 40))", X), env, 3, hidden=True).hidden == (1,)
    assert evaluate_sample(parse_answer("sin(x)", X), env, 3, hidden=True).hidden == ()
    assert evaluate_sample(parse_answer("sigmoid(x^2 + 40)", X), env, 3, hidden=True).hidden == (1,)
    assert evaluate_sample(parse_answer("sigmoid(x^2)", X), env, 3, hidden=True).hidden == ()


def test_high_precision_bounds_its_work_by_exponent_times_log_base_plus_one() -> None:
    from quizgen.maths.evaluate import mp_evaluate

    xy = {"x": "real", "y": "real"}
    power = parse_answer("x^y", xy)
    assert mp_evaluate(power, {"x": 1.5, "y": 1e15}, 50) == "unknown"      # 1e15 x 1.41
    import mpmath

    value = mp_evaluate(power, {"x": 1.5, "y": 1e14}, 50)[0]  # 1e14 x 1.41: computed
    assert int(mpmath.log10(value)) == 17_609_125_905_568  # 1e14 x log10(1.5)
    assert mp_evaluate(parse_answer("2^x", X), {"x": 1e16}, 50) == "unknown"


def test_floats_give_plain_powers_at_1_and_poles_at_0() -> None:
    from quizgen.maths.evaluate import evaluate_sample

    got = evaluate_sample(parse_answer("x^(-2)", X), {"x": np.array([1.0, 0.0, 2.0])}, 3)
    assert got.values[0] == 1.0 and math.isnan(got.values[1]) and got.values[2] == 0.25
    assert not got.undefined.any()


def test_acos_has_no_real_value_outside_minus_one_to_one() -> None:
    from quizgen.maths.evaluate import evaluate_sample

    got = evaluate_sample(parse_answer("acos(x)", X), {"x": np.array([-5.0, -1.0, 0.5, 1.5])}, 4)
    assert got.undefined.tolist() == [True, False, False, True]
    assert got.values[1] == pytest.approx(math.pi)


def test_high_precision_binomials_at_zero_and_negative_integers() -> None:
    from quizgen.maths.evaluate import mp_evaluate

    b0, b2 = parse_answer("binomial(x, 0)", X), parse_answer("binomial(x, 2)", X)
    assert mp_evaluate(b0, {"x": 5.0}, 50)[0] == 1
    assert mp_evaluate(b2, {"x": -3.0}, 50)[0] == 6  # (-1)^2 * binomial(4, 2)


def test_an_exponent_within_rounding_of_an_integer_is_that_integer() -> None:
    from fractions import Fraction

    from quizgen.maths.evaluate import mp_evaluate

    # x*3*9 at x = 1/9 is 3 + 5e-51 in 50 digits: (-2)^3, not a negative base under a fraction
    got = mp_evaluate(parse_answer("(-2)^(x*3*9)", X), {"x": Fraction(1, 9)}, 50)
    assert got is not None and got[0] == -8


def test_high_precision_leaves_mpmaths_precision_as_it_found_it() -> None:
    import mpmath

    from quizgen.maths.evaluate import mp_evaluate

    before = mpmath.mp.dps
    mp_evaluate(parse_answer("exp(x)", X), {"x": 2.0}, before + 70)
    assert mpmath.mp.dps == before


def test_a_known_mistake_that_differs_only_by_a_term_floats_never_see_is_not_matched() -> None:
    from quizgen.grading.item import compile_question

    grader = compile_question({
        "type": "symbolic", "id": "q",
        "answer": {"expression": "x", "symbols": {"x": "real"}},
        "known_wrong": [{"name": "tiny", "expression": "1 + exp(-x^2 - 40)", "feedback": "No."}],
    })
    verdict_ = grader.grade("1")
    assert verdict_.status == "incorrect" and verdict_.misconception is None
    assert grader.grade("1 + exp(-x^2 - 40)").misconception == "tiny"


def test_a_term_beyond_1500_digits_is_undecided_and_says_so_not_overflow() -> None:
    # exp(-x^2 - 10^9) is 10^-434294482 at most: no float overflows, high precision cannot afford it
    result = verdict("1", "1 + exp(-x^2 - 10^9)", prove=False)
    assert (result.status, result.beyond_precision, result.blows_up) == ("undecided", True, False)
    assert "too small or too large for high precision" in result.describe()
    assert result.detail()["beyond_precision"] is True


# ------------------------------------------- pinned by the mutation sample of Dec 5 (issue 21)

def test_a_logarithm_to_base_e_is_the_natural_one_and_base_1_has_no_value() -> None:
    env = {"x": np.array([0.5, 2.0, 10.0])}
    natural = evaluate_sample(parse_answer("log(x)", X), env, 3)
    base_e = evaluate_sample(parse_answer("log(x, E)", X), env, 3)
    assert np.allclose(base_e.values, natural.values, rtol=1e-15) and not base_e.undefined.any()
    assert evaluate_sample(parse_answer("log(x, 1)", X), env, 3).undefined.all()


def test_high_precision_binomial_of_zero_has_a_value_on_the_expected_side() -> None:
    n = {"n": "integer"}
    value = mp_evaluate(parse_answer("binomial(n, 2)", n), {"n": 0.0}, 50, natural=True)
    assert value is not None and value[0] == 0
    assert mp_evaluate(parse_answer("binomial(n, 2)", n), {"n": -1.0}, 50, natural=True) is None


def test_high_precision_zero_to_a_positive_power_is_zero() -> None:
    for text in ("x^3", "x^(3/2)", "x^(x + 1)"):
        value = mp_evaluate(parse_answer(text, X), {"x": 0.0}, 50)
        assert value is not None and value[0] == 0, text


def test_high_precision_scale_keeps_what_a_term_added_before_a_constant_part() -> None:
    # the cancellation allowance of (10^30 x - 10^30 x + 1) is kept across log(2) (computed apart)
    value = mp_evaluate(parse_answer("(10^30*x - 10^30*x + 1)*2 + log(2)", X), {"x": 1.5}, 50)
    assert value[1] >= 1.5e30


def test_high_precision_sees_the_smallest_share_inside_a_constant_part() -> None:
    thin = [1]
    mp_evaluate(parse_answer("x*(1 + 10^-80)", X), {"x": 2.0}, 50, thin=thin)
    assert thin[0] <= 1e-79
