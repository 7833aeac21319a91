"""The labelled corpus: zero wrong verdicts, and the verdict says how it was reached."""

from __future__ import annotations

import pytest

from quizgen.maths.equiv import check_equivalent
from quizgen.maths.parse import parse_answer

from corpus import CORPUS


def test_corpus_is_big_enough() -> None:
    assert len(CORPUS) >= 60
    assert sum(1 for *_, eq in CORPUS if not eq) >= 25


@pytest.mark.parametrize("expected, answer, domains, equivalent", CORPUS)
def test_corpus_pair(expected: str, answer: str, domains: dict, equivalent: bool) -> None:
    result = check_equivalent(parse_answer(expected, domains), parse_answer(answer, domains),
                              domains)
    assert result.status == ("equivalent" if equivalent else "different"), result.describe()
    if result.method == "sampled" and equivalent:
        assert result.n_points >= 8
        assert len(result.sample_points()) == result.n_points


def test_same_seed_same_points() -> None:
    domains = {"z": "real"}
    e, a = parse_answer("sigmoid(z)", domains), parse_answer("σ(z)+1", domains)
    first = check_equivalent(e, a, domains)
    second = check_equivalent(e, a, domains)
    assert first.seed == second.seed and first.counterexample == second.counterexample
    assert first.detail()["points"] == second.detail()["points"]


def test_relations_are_named() -> None:
    doms = {"y": "real", "y_hat": "real", "sigma": "positive", "p": "unit_interval"}
    cases = {
        ("(y - y_hat)**2/(2*sigma**2)", "(y-y_hat)^2/sigma^2"): "2",
        ("(y - y_hat)**2/(2*sigma**2)", "-(y-y_hat)^2/(2sigma^2)"): "-1",
        ("-p*log(p)", "-p*log2(p)"): "1/ln 2",
        ("(y - y_hat)**2/(2*sigma**2)", "(y-y_hat)^2/2"): "sigma**2",
    }
    for (expected, answer), factor in cases.items():
        result = check_equivalent(parse_answer(expected, doms), parse_answer(answer, doms), doms)
        assert result.relation is not None and result.relation["factor"] == factor
    result = check_equivalent(parse_answer("log(sigma) + log(2*pi)/2", doms),
                              parse_answer("log(sigma)", doms), doms)
    assert result.relation["relation"] == "offset"
    assert "log(2*pi)/2" in result.relation["message"]
