"""Issue 19 §3: every usual spelling of a function, domains that combine, printed floats read as
written, log(27,3) under the exam's decimal setting."""

from __future__ import annotations

import itertools
import math

import mpmath
import numpy as np
import pytest
from click.testing import CliRunner

from quizgen.commands.equiv import command
from quizgen.kernel.domains import DOMAINS, intersect
from quizgen.maths.equiv import check_equivalent
from quizgen.maths.nodes import Call, Num, Sym
from quizgen.maths.parse import ParseError, parse_answer
from quizgen.maths.sampling import LATTICE, sample_domain

X = {"x": "real"}

SYNONYMS = {
    "csc": ["csc", "cosec"], "sech": ["sech"], "csch": ["csch", "cosech"], "coth": ["coth"],
    "cot": ["cot", "cotan"],
    "asinh": ["asinh", "arsinh", "arcsinh", "argsinh"],
    "acosh": ["acosh", "arcosh", "arccosh", "argcosh"],
    "atanh": ["atanh", "artanh", "arctanh", "argtanh"],
    "acot": ["acot", "arccot", "arccotan"], "asec": ["asec", "arcsec"],
    "acsc": ["acsc", "arccsc", "arccosec", "acosec"],
    "acoth": ["acoth", "arcoth", "arccoth", "argcoth"],
    "asech": ["asech", "arsech", "arcsech", "argsech"],
    "acsch": ["acsch", "arcsch", "arccsch", "arcosech", "arccosech", "argcsch"],
    "asin": ["asin", "arcsin"], "acos": ["acos", "arccos"], "atan": ["atan", "arctan"],
}


@pytest.mark.parametrize("canonical, typed", [(c, t) for c, ts in SYNONYMS.items() for t in ts])
def test_every_usual_spelling_is_read_as_the_function(canonical: str, typed: str) -> None:
    assert parse_answer(f"{typed}(x)", X) == Call(canonical, (Sym("x"),))
    assert parse_answer(f"\\operatorname{{{typed}}}(x)", X) == Call(canonical, (Sym("x"),))


def test_cosech_is_no_longer_unknown() -> None:
    result = CliRunner().invoke(command, ["cosech(x)", "1/sinh(x)"])
    assert result.exit_code == 0, result.output
    assert "did you mean" not in result.output


#: each function against mpmath (SymPy's branches: acot(x) = atan(1/x), acot(0) = pi/2, ...),
#: None where it has no real value
_MP = {
    "acot": lambda v: mpmath.pi / 2 if v == 0 else mpmath.atan(1 / v),
    "asec": lambda v: None if abs(v) < 1 else mpmath.acos(1 / v),
    "acsc": lambda v: None if abs(v) < 1 else mpmath.asin(1 / v),
    "acoth": lambda v: None if abs(v) <= 1 else mpmath.atanh(1 / v),
    "asech": lambda v: None if not 0 < v <= 1 else mpmath.acosh(1 / v),
    "acsch": lambda v: None if v == 0 else mpmath.asinh(1 / v),
    "csch": lambda v: None if v == 0 else mpmath.csch(v),
    "sech": mpmath.sech, "coth": lambda v: None if v == 0 else mpmath.coth(v),
}


@pytest.mark.parametrize("fname", sorted(_MP))
def test_new_functions_have_their_real_values(fname: str) -> None:
    from quizgen.maths.evaluate import defined, evaluate, mp_evaluate

    values = [-3.0, -1.5, -1.0, -0.5, -0.25, 0.0, 0.25, 0.5, 1.0, 1.5, 3.0]
    node = parse_answer(f"{fname}(x)", X)
    got, scale = evaluate(node, {"x": np.array(values, dtype=np.complex128)}, len(values))
    ok = defined(got, scale)
    for i, v in enumerate(values):
        with mpmath.workdps(30):
            want = _MP[fname](mpmath.mpf(v))
        precise = mp_evaluate(node, {"x": v}, 30)
        if want is None:
            assert not ok[i], (fname, v, got[i])
            assert precise is None, (fname, v)
        else:
            assert ok[i] and math.isclose(got[i].real, float(want), rel_tol=1e-12), (fname, v)
            assert abs(precise[0] - want) < mpmath.mpf(10) ** -25, (fname, v)


@pytest.mark.parametrize("expected, answer, equivalent", [
    ("acot(x)", "atan(1/x)", True),          # x = 0 is a removable point of the answer
    ("acot(x)", "pi/2 - atan(x)", False),    # the other convention differs for x < 0
    ("acoth(x)", "atanh(1/x)", True),
    ("asech(x)", "acosh(1/x)", True),
    ("acsch(x)", "asinh(1/x)", True),
    ("asec(x)", "acos(1/x)", True),
    ("acsc(x)", "asin(1/x)", True),
    ("cosech(x)", "csch(x)", True),
    ("coth(x)^2 - cosech(x)^2", "1", True),
    ("sech(x)^2 + tanh(x)^2", "1", True),
    ("sech(x)", "1/sinh(x)", False),
])
def test_identities_with_the_new_functions(expected: str, answer: str, equivalent: bool) -> None:
    result = check_equivalent(parse_answer(expected, X), parse_answer(answer, X), X)
    assert result.status == ("equivalent" if equivalent else "different"), result.describe()


# ------------------------------------------------------------------------------------ domains

@pytest.mark.parametrize("first, second", list(itertools.product(DOMAINS, DOMAINS)))
def test_intersection_holds_the_numbers_of_both(first: str, second: str) -> None:
    both = intersect(first, second)
    assert both == intersect(second, first)
    members = {
        "real": lambda v: True, "positive": lambda v: v > 0, "nonnegative": lambda v: v >= 0,
        "unit_interval": lambda v: 0 < v < 1, "integer": lambda v: v == int(v),
        "positive_integer": lambda v: v == int(v) and v > 0,
        "nonnegative_integer": lambda v: v == int(v) and v >= 0,
    }
    if both is None:
        assert {first, second} & {"unit_interval"} and {first, second} & {
            "integer", "positive_integer", "nonnegative_integer"}
        return
    points = list(sample_domain(both, np.random.default_rng(1), 400)) + list(LATTICE[both])
    assert all(members[first](v) and members[second](v) for v in points)
    # and no narrower than needed: a number in both domains is in the intersection
    probes = [-2.0, -0.5, 0.0, 0.5, 1.0, 2.0, 7.0]
    for v in probes:
        assert members[both](v) == (members[first](v) and members[second](v)), (both, v)


def test_domains_combine_on_the_command_line() -> None:
    run = CliRunner().invoke
    result = run(command, ["abs(n)", "n", "--integer", "n", "--nonnegative", "n", "--json"])
    assert result.exit_code == 0, result.output
    assert run(command, ["abs(n)", "n", "--integer", "n"]).exit_code == 1
    assert run(command, ["abs(n)", "n", "--nonnegative", "n", "--integer", "n"]).exit_code == 0
    # positive and integer: from 1 on (n = 0 would make 0^0 appear)
    assert run(command, ["floor(x)", "x", "--positive", "x", "--integer", "x"]).exit_code == 0
    refused = run(command, ["n", "n", "--integer", "n", "--unit-interval", "n"])
    assert refused.exit_code == 2
    assert "no number is both" in refused.output and "Traceback" not in refused.output


def test_nonnegative_integer_is_sampled_from_zero() -> None:
    points = sample_domain("nonnegative_integer", np.random.default_rng(3), 500)
    assert points.min() == 0 and np.all(points == np.floor(points)) and points.max() >= 10


# ------------------------------------------------------------------- printed floats as written

@pytest.mark.parametrize("typed, digits", [
    ("7.54983443527075", 15), ("0.10025884372280375", 17), ("0.5", 1), ("1200.0", 5),
    ("1.50e-3", 3), ("-2.25", 3),
])
def test_digits_are_counted_as_typed(typed: str, digits: int) -> None:
    node = parse_answer(typed)
    assert isinstance(node, Num) and node.decimal and node.digits == digits


@pytest.mark.parametrize("expected, answer", [
    ("7.54983443527075", "sqrt(57)"),   # the reduced fraction has 14 digits: was "not equivalent"
    ("7.54983443527076", "sqrt(57)"),
    ("0.10025884372280375*x", "exp(-23/10)*x"),
    ("0.693147180559945", "log(2)"),
])
def test_a_printed_float_key_keeps_the_float_tolerance(expected: str, answer: str) -> None:
    result = CliRunner().invoke(command, [expected, answer])
    assert result.exit_code == 0, result.output


def test_a_rounded_answer_to_an_exact_key_stays_wrong() -> None:
    result = CliRunner().invoke(command, ["sqrt(57)", "7.54983443527075"])
    assert result.exit_code == 1 and "close but not equal (rounded?)" in result.output


# -------------------------------------------------------------------------- log(27,3)

def test_log_27_3_follows_the_exams_decimal_setting() -> None:
    run = CliRunner().invoke
    ambiguous = run(command, ["3", "log(27,3)"])
    assert ambiguous.exit_code == 2
    assert "'log(27,3)' is ambiguous: write log(27.3) for a decimal number, or log(27, 3)" \
        in ambiguous.output
    assert run(command, ["3", "log(27,3)", "--decimal-point"]).exit_code == 0
    assert run(command, ["log(27,3)", "3", "--decimal-point"]).exit_code == 0  # EXPECTED too
    assert run(command, ["log(27.3)", "log(27,3)", "--decimal-comma"]).exit_code == 0
    decimal = run(command, ["3", "log(27,3)", "--decimal-comma"])
    assert decimal.exit_code == 1 and "3.306886702" in decimal.output
    with pytest.raises(ParseError):
        parse_answer("log(27,3)")
