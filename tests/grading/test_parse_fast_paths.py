"""The parser's shortcuts (issue 21) give what the full work gives: the magnitude walk is skipped
only where it cannot refuse, ASCII answers are checked for control characters by one search,
repeated numbers and names come from caches."""

from __future__ import annotations

import dataclasses
import math
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizgen.maths.limits import DEFAULT_LIMITS, LimitExceeded, Limits
from quizgen.maths.magnitude import check_magnitudes
from quizgen.maths.names import canonical_symbol
from quizgen.maths.parse import ParseError, check_text, make_context, parse

CTX = make_context(["x", "y", "y_hat", "sigma"])
SUMS = dataclasses.replace(make_context(["x_i", "m", "i"]), indices=frozenset("i"))
WIDE = Limits(max_int_digits=400, max_magnitude_digits=5)  # long numbers lexed; small powers


@pytest.mark.parametrize("text, ctx, limits", [
    ("1e-301", CTX, DEFAULT_LIMITS),                   # a number alone, out of range
    ("x + 2e300*3", CTX, DEFAULT_LIMITS),
    ("1" * 301, CTX, WIDE),                            # no exponent, 301 digits
    ("0." + "0" * 300 + "1", CTX, WIDE),
    ("ln" + "9" * 400, CTX, DEFAULT_LIMITS),           # ln2 = ln 2: its digits unbounded
    ("x" + "⁹" * 400, CTX, DEFAULT_LIMITS),            # a superscript exponent
    ("10^6", CTX, WIDE),                               # a power
    ("x^12", CTX, Limits(max_symbolic_exponent=10)),
    ("30!", CTX, WIDE),                                # factorials and binomials
    ("fact(30)", CTX, WIDE), ("factorial(30)", CTX, WIDE),
    ("choose(10^7, 3)", CTX, WIDE), ("binom(10^7, 3)", CTX, WIDE),
    ("\\sqrt[1/1000]{10}", CTX, WIDE),                 # a root's index is a power
    ("Σ_{i=1}^{10^20000} x_i", SUMS, DEFAULT_LIMITS),    # a sum's bounds are lexed apart
    ("sum(x_i, i, 1, 10^20000)", SUMS, DEFAULT_LIMITS),
])
def test_every_kind_of_size_the_magnitude_check_refuses_is_still_refused(text, ctx, limits):
    with pytest.raises(LimitExceeded):
        parse(text, ctx, limits)


_ATOMS = ["x", "y", "y_hat", "sigma", "2", "0.5", "1e-3", "7e299", "3e-299", "½", "pi", "e",
          "\\frac12", "ln2", "x²", "10"]
_FUNCS = ["log", "exp", "sqrt", "sigmoid", "factorial", "binomial", "abs", "max", "sin", "\\ln"]
_OPS = ["+", "-", "*", "/", "^", "**", " ", "·"]


def _texts() -> st.SearchStrategy[str]:
    atom = st.sampled_from(_ATOMS)
    return st.recursive(atom, lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(_OPS), inner).map("".join),
        st.tuples(st.sampled_from(_FUNCS), inner).map(lambda p: f"{p[0]}({p[1]})"),
        st.tuples(inner, inner).map(lambda p: f"binomial({p[0]}, {p[1]})"),
        inner.map(lambda t: f"({t})!"), inner.map(lambda t: f"-({t})")), max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(_texts(), st.sampled_from([DEFAULT_LIMITS, WIDE, Limits(max_symbolic_exponent=2)]))
def test_a_tree_parse_accepts_passes_the_magnitude_check(text: str, limits: Limits) -> None:
    # parse runs the check only when a token could make it refuse: what it returns, the check
    # run on its own must pass too
    try:
        tree = parse(text, CTX, limits).node
    except (ParseError, LimitExceeded):
        return
    check_magnitudes(tree, limits)


def _has_control(text: str) -> int | None:
    """The rule of check_text, character by character: the first column refused, or None."""
    for pos, ch in enumerate(text):
        if ch not in "\t\n\r" and unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs", "Cn"):
            return pos
    return None


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(st.characters(max_codepoint=127), max_size=40),
                 st.text(st.characters(max_codepoint=0x2100), max_size=40)))
def test_control_characters_are_found_where_the_character_rule_finds_them(text: str) -> None:
    bad = _has_control(text)
    if bad is None:
        check_text(text, DEFAULT_LIMITS)
        return
    with pytest.raises(LimitExceeded, match=f"at column {bad + 1};"):
        check_text(text, DEFAULT_LIMITS)


def test_an_ascii_control_after_a_tab_is_named_at_its_column() -> None:
    with pytest.raises(LimitExceeded, match=r"\(U\+007F\) at column 4;"):
        check_text("x\ty\x7f", DEFAULT_LIMITS)
    with pytest.raises(LimitExceeded, match=r"\(U\+001B\) at column 1;"):
        check_text("\x1b[31mx", DEFAULT_LIMITS)


def test_repeated_numbers_and_names_read_the_same_every_time() -> None:
    # the literal and canonical_symbol caches: the second reading is the first one
    first = parse("0.10025884372280375*yhat + 1e-3", CTX)
    again = parse("0.10025884372280375*yhat + 1e-3", CTX)
    assert first == again and first.node.terms[0].factors[0].digits == 17  # type: ignore[attr-defined]
    assert canonical_symbol("yhat") == canonical_symbol("yhat") == "y_hat"
    with pytest.raises(ParseError, match="unknown name 'y_hat'"):  # names: per context
        parse("0.10025884372280375*yhat + 1e-3", make_context(["x"]))


@pytest.mark.parametrize("text, name", [("2 bıts", "b"), ("0.5 natſ", "nat"), ("x bİts", "b")])
def test_a_unit_spelled_with_a_letter_only_case_folding_matches_is_refused(text, name):
    # re's IGNORECASE matched these as units, which the unit table has not: a KeyError
    with pytest.raises(ParseError, match=f"unknown name '{name}'"):
        parse(text, CTX)
    assert parse("2 BITS", make_context([])).unit == "bits"


def test_a_remembered_reading_is_a_fresh_result_with_the_same_tree() -> None:
    first = parse("ln 2 x", CTX)
    assert first.notes  # 'ln 2 x' is read as ln(2x), with a note
    first.notes.append("changed by a caller")
    again = parse("ln 2 x", CTX)
    assert again.notes == first.notes[:-1] and again.node == first.node
    assert again is not first and again.notes is not first.notes
    long = "x + " * 70 + "ln 2 x"  # over the remembered length: read each time, the same way
    assert parse(long, CTX) == parse(long, CTX)


def test_a_refusal_is_refused_every_time() -> None:
    for _ in range(2):
        with pytest.raises(ParseError, match="missing"):
            parse("((x", CTX)


def test_a_remembered_number_is_a_fresh_result_with_the_same_value() -> None:
    from quizgen.grading.numeric import parsed_number

    first = parsed_number("log(2)/2 + 3/4 nats")
    first[2].append("changed by a caller")
    again = parsed_number("log(2)/2 + 3/4 nats")
    assert again[:2] == first[:2] and again[2] == []
    assert first[0] == pytest.approx(math.log(2) / 2 + 0.75) and first[1] == "nats"
