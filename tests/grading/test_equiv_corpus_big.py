"""Issue 11 §2: the big labelled corpus (tests/data/equiv_corpus.py).

1. Every label is checked independently of the grader: the texts (ours, not student input) are
   read by SymPy and evaluated with mpmath at 50 digits at points of the domains.
2. The grader runs the whole corpus: any wrong verdict fails; undecided verdicts are counted,
   listed, and must stay under 2%.
"""

from __future__ import annotations

import itertools
import random
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "data"))

from equiv_corpus import CORPUS  # noqa: E402

#: points per domain for the independent check: exact rationals, both signs, 0, ±1, halves,
#: thirds, and values past the lattice the grader uses (so the check is not the grader's own)
_VALUES = {
    "real": ["-27/10", "-2", "-3/2", "-1", "-1/2", "-1/3", "0", "1/3", "1/2", "1", "3/2", "2",
             "7/3", "16/5"],
    "positive": ["1/7", "1/3", "1/2", "1", "3/2", "2", "7/3", "16/5"],
    "nonnegative": ["0", "1/3", "1/2", "1", "3/2", "2", "16/5"],
    "unit_interval": ["1/9", "1/4", "1/3", "1/2", "2/3", "3/4", "7/8"],
    "integer": ["-3", "-2", "-1", "0", "1", "2", "3", "4"],
    "positive_integer": ["1", "2", "3", "4", "5", "7"],
}
_MAX_POINTS = 150


def _mp_namespace():  # type: ignore[no-untyped-def]
    import mpmath

    def heaviside(x, *_):  # type: ignore[no-untyped-def]
        x = _real(x)
        return mpmath.mpf(1) if x > 0 else (mpmath.mpf(0) if x < 0 else mpmath.mpf(1) / 2)

    def sign(x):  # type: ignore[no-untyped-def]
        x = _real(x)
        return mpmath.mpf((x > 0) - (x < 0))

    def _real(x):  # type: ignore[no-untyped-def]
        if isinstance(x, mpmath.mpc):
            if abs(x.imag) > mpmath.mpf(10) ** -40:
                raise ValueError("not real")
            return x.real
        return x

    def binomial(n, k):  # type: ignore[no-untyped-def]
        n, k = _real(n), _real(k)
        if k < 0 or (n >= 0 and k > n and n == int(n) and k == int(k)):
            return mpmath.mpf(0)
        return mpmath.binomial(n, k)

    return {
        "Heaviside": heaviside, "sign": sign, "floor": lambda x: mpmath.floor(_real(x)),
        "ceiling": lambda x: mpmath.ceil(_real(x)), "binomial": binomial,
        "Max": lambda *a: max(_real(v) for v in a), "Min": lambda *a: min(_real(v) for v in a),
        "Abs": abs, "factorial": lambda x: mpmath.factorial(_real(x)),
    }


def _sympy(text: str, domains: dict):  # type: ignore[no-untyped-def]
    import sympy

    from quizgen.kernel.domains import ASSUMPTIONS

    names = {n: sympy.Symbol(n, **ASSUMPTIONS[d]) for n, d in domains.items()}
    names["sigmoid"] = lambda z: 1 / (1 + sympy.exp(-z))
    names["softplus"] = lambda z: sympy.log(1 + sympy.exp(z))
    names["E"] = sympy.E
    return sympy.sympify(text, locals=names, rational=True), names


def _value(fn, point):  # type: ignore[no-untyped-def]
    """Real mpmath value, or None where undefined / not real."""
    import mpmath

    try:
        v = fn(*point)
    except (ValueError, ZeroDivisionError, TypeError, OverflowError):
        return None
    if isinstance(v, mpmath.mpc):
        if abs(v.imag) > mpmath.mpf(10) ** -35 * (1 + abs(v.real)):
            return ("complex", v)
        v = v.real
    if not mpmath.isfinite(v):
        return None
    return v


def independent_label(expected: str, answer: str, domains: dict) -> tuple[bool, str]:
    """(label, evidence) from SymPy + mpmath at 50 digits."""
    import mpmath
    import sympy

    mpmath.mp.dps = 50
    e, names = _sympy(expected, domains)
    a, _ = _sympy(answer, domains)
    order = sorted(domains)
    syms = [names[n] for n in order]
    mods = [_mp_namespace(), "mpmath"]
    fe = sympy.lambdify(syms, e, modules=mods)
    fa = sympy.lambdify(syms, a, modules=mods)
    grids = [[mpmath.mpf(sympy.Rational(v).p) / sympy.Rational(v).q for v in _VALUES[domains[n]]]
             for n in order]
    points = list(itertools.product(*grids))
    if len(points) > _MAX_POINTS:
        points = random.Random(expected + "|" + answer).sample(points, _MAX_POINTS)
    compared = 0
    for point in points:
        ev = _value(fe, point)
        if ev is None or isinstance(ev, tuple):
            continue
        av = _value(fa, point)
        if av is None:
            continue  # a pole or removable point of the answer
        if isinstance(av, tuple):
            return False, f"answer not real at {point}"
        compared += 1
        if abs(av - ev) > mpmath.mpf(10) ** -40 * (1 + abs(ev)):
            return False, f"differ at {point}: {mpmath.nstr(ev, 12)} vs {mpmath.nstr(av, 12)}"
    if compared < (1 if not domains else 3):
        raise AssertionError(f"too few points to check {expected!r} vs {answer!r}")
    return True, f"agree at {compared} points"


@pytest.mark.parametrize("expected, answer, domains, label, why", CORPUS)
def test_label_is_independently_true(expected: str, answer: str, domains: dict, label: bool,
                                     why: str) -> None:
    got, evidence = independent_label(expected, answer, domains)
    assert got is label, f"{why}: {evidence}"


def test_corpus_size_and_balance() -> None:
    assert len(CORPUS) >= 300
    assert sum(1 for row in CORPUS if not row[3]) >= 100
    assert len({(e, a, tuple(sorted(d.items()))) for e, a, d, _, _ in CORPUS}) == len(CORPUS)


def test_grader_on_the_whole_corpus() -> None:
    from quizgen.maths.equiv import check_equivalent
    from quizgen.maths.parse import parse_answer

    wrong, undecided = [], []
    for expected, answer, domains, label, why in CORPUS:
        result = check_equivalent(parse_answer(expected, domains),
                                  parse_answer(answer, domains), domains)
        if result.status == "undecided":
            undecided.append((expected, answer, why))
        elif result.equivalent is not label:
            wrong.append((expected, answer, why, result.describe()))
    print(f"\ncorpus: {len(CORPUS)} pairs, {len(wrong)} wrong, {len(undecided)} undecided")
    for row in undecided:
        print("  undecided:", row)
    assert not wrong, "\n".join(map(str, wrong))
    assert len(undecided) < 0.02 * len(CORPUS), undecided
