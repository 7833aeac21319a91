"""A plain decimal skips the parser (grading/numeric._PLAIN): its value must be the parser's."""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from quizgen.grading.numeric import _NO_SYMBOLS, _PLAIN, parsed_number, read_number

_CONTEXTS = [dataclasses.replace(_NO_SYMBOLS, decimal_comma=dc) for dc in (None, True, False)]

plain = st.builds(
    lambda sign, whole, frac, exp: sign + whole + (("." + frac) if frac else "") + exp,
    st.sampled_from(["", "-"]),
    st.from_regex(r"[0-9]{1,17}", fullmatch=True),
    st.one_of(st.just(""), st.from_regex(r"[0-9]{1,17}", fullmatch=True)),
    st.one_of(st.just(""), st.from_regex(r"[eE][-+]?[0-9]{1,2}", fullmatch=True)),
)


@settings(max_examples=400, deadline=None)
@given(plain)
def test_a_plain_decimal_reads_as_the_parser_reads_it(text: str) -> None:
    assert _PLAIN.fullmatch(text)
    for ctx in _CONTEXTS:
        fast, slow = read_number(text, ctx=ctx), parsed_number(text, ctx=ctx)
        assert fast == slow and str(fast[0]) == str(slow[0]), (text, ctx.decimal_comma)


def test_minus_zero_reads_as_zero_as_the_parser_reads_it() -> None:
    for text in ("-0", "-0.0", "-0e5", "-000.000"):
        value = read_number(text)[0]
        assert str(value) == str(parsed_number(text)[0]) == "0.0", text


def test_anything_else_goes_through_the_parser() -> None:
    for text in ["0,5", "1.", ".5", "+1", "1e100", "1 000", "1.5 nats", "log(2)", "1e-3e2", "0x10",
                 "1_000", "１２"]:
        assert not _PLAIN.fullmatch(text), text
    assert read_number("1.5 nats") == (1.5, "nats", [])
