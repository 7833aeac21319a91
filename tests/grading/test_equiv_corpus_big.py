"""Issue 11 §2: the big labelled corpus (tests/data/equiv_corpus.py).

1. Every label is checked independently of the grader: the texts (ours, not student input) are
   read by SymPy (as written: ``evaluate=False``) and evaluated node by node with mpmath at 50
   digits at points of the domains, real at every node (issue 19): a sub-expression that is not
   real leaves that side without a value there.
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

from equiv_corpus import CORPUS, DIGITS, WITNESSES  # noqa: E402

#: points per domain for the independent check: exact rationals, both signs, 0, ±1, halves,
#: thirds, values past the lattice the grader uses (so the check is not the grader's own), and
#: far values (the far-breakpoint family: a difference only for x < -1000 must be seen here too)
_FAR = ["-1000000", "-10001", "-2001", "-1501", "-2003/2", "-1001", "-1000", "-999",
        "-100", "-21", "21", "100", "999", "1000", "1001", "2003/2", "1501", "2001", "10001",
        "1000000", "1000000001"]
_VALUES = {
    "real": ["-27/10", "-2", "-3/2", "-1", "-1/2", "-1/3", "0", "1/3", "1/2", "1", "3/2", "2",
             "7/3", "16/5", "-1/1000000", "1/1000000"] + _FAR,
    "positive": ["1/1000000", "1/7", "1/3", "1/2", "1", "3/2", "2", "7/3", "16/5"]
                + [v for v in _FAR if not v.startswith("-")],
    "nonnegative": ["0", "1/3", "1/2", "1", "3/2", "2", "16/5", "21", "1001", "1000000"],
    "unit_interval": ["1/1000000", "1/9", "1/4", "1/3", "1/2", "2/3", "3/4", "7/8", "999999/1000000"],
    "integer": ["-1001", "-21", "-3", "-2", "-1", "0", "1", "2", "3", "4", "21", "1001"],
    "positive_integer": ["1", "2", "3", "4", "5", "7", "21", "1001"],
    "nonnegative_integer": ["0", "1", "2", "3", "4", "7", "21", "1001"],
}
_MAX_POINTS = 200


class _NotReal(Exception):
    """A sub-expression has no real value (a domain error): the side is undefined there."""


class _Unstable(Exception):
    """Cancellation beyond the working precision: this point tells nothing."""


class _Pole(Exception):
    """A division by zero, a pole: an isolated point where the side has no value."""


def _real(v):  # type: ignore[no-untyped-def]
    import mpmath

    if isinstance(v, mpmath.mpc):
        if abs(v.imag) > mpmath.mpf(10) ** -40 * (1 + abs(v.real)):
            raise _NotReal()
        v = v.real
    if not mpmath.isfinite(v):
        raise _Pole()
    return v


def _mp_eval(expr, env, natural=False):  # type: ignore[no-untyped-def]
    """Real value of a SymPy expression (read with evaluate=False, so its structure is as
    written) at a point, computed node by node with mpmath: any sub-expression that is not real
    raises _NotReal, as the issue-19 semantics say. Written apart from the grader's evaluator."""
    import mpmath
    import sympy

    def ev(e):  # type: ignore[no-untyped-def]
        if e.is_Symbol:
            return env[e.name]
        if e.is_Rational:
            return mpmath.mpf(e.p) / e.q
        if e is sympy.pi:
            return +mpmath.pi
        if e is sympy.E:
            return +mpmath.e
        if e.is_Add:
            terms = [ev(t) for t in e.args]
            total = _real(mpmath.fsum(terms))
            biggest = max(abs(t) for t in terms)
            scale[0] = max(scale[0], biggest)
            rounded = any(t._mpf_[3] >= mpmath.mp.prec - 8 for t in terms)  # a full mantissa
            if rounded and abs(total) <= biggest * mpmath.mpf(10) ** -(mpmath.mp.dps - 10):
                raise _Unstable()  # cosh(x)^2 - sinh(x)^2 at x = 10^6: 50 digits see nothing
            return total
        if e.is_Mul:
            out = mpmath.mpf(1)
            for f in e.args:
                out *= ev(f)
            return _real(out)
        if e.is_Pow:
            base = ev(e.base)
            if e.exp.free_symbols:
                k = ev(e.exp)
                integer = abs(k - mpmath.nint(k)) < mpmath.mpf(10) ** -40
                k = mpmath.nint(k) if integer else k
            else:
                integer = bool(e.exp.doit().is_integer)  # 3*(1/3) is 1, exactly
                k = ev(e.exp)
                if integer:
                    k = mpmath.nint(k)
            if base == 0:
                if k > 0:
                    return mpmath.mpf(0)
                if k == 0:
                    return mpmath.mpf(1)
                raise _Pole()
            if base < 0 and not integer:
                raise _NotReal()
            return _real(mpmath.power(base, k) if not integer else base ** int(k))
        name = type(e).__name__
        args = [ev(a) for a in e.args]
        if name == "binomial" and natural and args[0] < 0 and args[0] == int(args[0]):
            raise _Pole()  # the expected side is taken where its binomials count (n >= 0)
        if name in _CUSTOM:
            return _real(_CUSTOM[name](*args))
        fn = getattr(mpmath, _MP_NAMES.get(name, name))
        try:
            return _real(fn(*args))
        except ZeroDivisionError:
            raise _Pole() from None

    return ev(expr)


#: the largest term added while evaluating the current pair at the current point: rounding at
#: 50 digits is relative to it
scale = [0]


def _heaviside(x, *_):  # type: ignore[no-untyped-def]
    import mpmath

    return mpmath.mpf(1) if x > 0 else (mpmath.mpf(0) if x < 0 else mpmath.mpf(1) / 2)


def _binomial(n, k):  # type: ignore[no-untyped-def]
    import mpmath

    if k == int(k):
        if k < 0 or (n == int(n) and 0 <= n < k):
            return mpmath.mpf(0)
        out = mpmath.mpf(1)
        for i in range(int(k)):  # the polynomial n(n-1).../k!, SymPy's value for integer k
            out = out * (n - i) / (i + 1)
        return out
    return mpmath.binomial(n, k)


def _factorial(x):  # type: ignore[no-untyped-def]
    import mpmath

    if x < 0 and x == int(x):
        raise _Pole()
    return mpmath.gamma(x + 1)


def _log(x, base=None):  # type: ignore[no-untyped-def]
    import mpmath

    if x == 0 or base == 1:
        raise _Pole()
    return mpmath.log(x) if base is None else mpmath.log(x) / mpmath.log(base)


def _of_reciprocal(fn, at_zero=None):  # type: ignore[no-untyped-def]
    def wrapped(x):  # type: ignore[no-untyped-def]
        if x == 0:
            if at_zero is None:
                raise _NotReal()
            return at_zero()
        return fn(1 / x)
    return wrapped


def _custom():  # type: ignore[no-untyped-def]
    import mpmath

    return {
        "Heaviside": _heaviside,
        "sign": lambda x: mpmath.mpf((x > 0) - (x < 0)),
        "floor": mpmath.floor, "ceiling": mpmath.ceil, "Abs": abs,
        "Max": lambda *a: max(a), "Min": lambda *a: min(a),
        "binomial": _binomial, "factorial": _factorial, "log": _log,
        "sigmoid": lambda z: 1 / (1 + mpmath.exp(-z)),
        "softplus": lambda z: mpmath.log(1 + mpmath.exp(z)),
        "acot": _of_reciprocal(mpmath.atan, lambda: mpmath.pi / 2),
        "asec": _of_reciprocal(mpmath.acos), "acsc": _of_reciprocal(mpmath.asin),
        "acoth": _of_reciprocal(mpmath.atanh), "asech": _of_reciprocal(mpmath.acosh),
        "acsch": _of_reciprocal(mpmath.asinh),
        "atanh": lambda x: _atanh(x), "coth": lambda x: mpmath.cosh(x) / _nonzero(mpmath.sinh(x)),
        "csch": lambda x: 1 / _nonzero(mpmath.sinh(x)),
        "cot": lambda x: mpmath.cos(x) / _nonzero(mpmath.sin(x)),
        "csc": lambda x: 1 / _nonzero(mpmath.sin(x)),
    }


def _atanh(x):  # type: ignore[no-untyped-def]
    import mpmath

    if abs(x) == 1:
        raise _Pole()
    return mpmath.atanh(x)


def _nonzero(v):  # type: ignore[no-untyped-def]
    if v == 0:
        raise _Pole()
    return v


_MP_NAMES = {"asin": "asin", "acos": "acos", "atan": "atan"}
_CUSTOM: dict = {}


def _sympy(text: str, domains: dict):  # type: ignore[no-untyped-def]
    import sympy
    from sympy.parsing.sympy_parser import parse_expr, rationalize, standard_transformations

    from quizgen.kernel.domains import ASSUMPTIONS

    names = {n: sympy.Symbol(n, **ASSUMPTIONS[d]) for n, d in domains.items()}
    names["sigmoid"] = sympy.Function("sigmoid")
    names["softplus"] = sympy.Function("softplus")
    names["E"] = sympy.E
    return parse_expr(text, local_dict=names, evaluate=False,  # 0.1 is 1/10, exactly
                      transformations=standard_transformations + (rationalize,)), names


def _value(expr, env, natural=False):  # type: ignore[no-untyped-def]
    """The real value, "not real", or None (a pole: an isolated point with no value)."""
    try:
        return _mp_eval(expr, env, natural)
    except _NotReal:
        return "not real"
    except _Unstable:
        return "unstable"
    except (_Pole, ZeroDivisionError, OverflowError):
        return None


def independent_label(expected: str, answer: str, domains: dict) -> tuple[bool, str]:
    """(label, evidence) from SymPy's reading and mpmath at 50 digits (or the pair's DIGITS),
    real at every node."""
    import mpmath

    with mpmath.workdps(50):
        return _label(expected, answer, domains)


def _label(expected: str, answer: str, domains: dict) -> tuple[bool, str]:
    import mpmath

    if not _CUSTOM:
        _CUSTOM.update(_custom())
    mpmath.mp.dps = dps = DIGITS.get((expected, answer), 50)
    e, _ = _sympy(expected, domains)
    a, _ = _sympy(answer, domains)
    order = sorted(domains)
    grids = [[mpmath.mpf(_frac(v)[0]) / _frac(v)[1] for v in _VALUES[domains[n]]] for n in order]
    points = list(itertools.product(*grids))
    if len(points) > _MAX_POINTS:
        points = random.Random(expected + "|" + answer).sample(points, _MAX_POINTS)
    points += [tuple(mpmath.mpf(_frac(w[n])[0]) / _frac(w[n])[1] for n in order)
               for w in WITNESSES.get((expected, answer), [])]
    compared = 0
    for point in points:
        env = dict(zip(order, point))
        scale[0] = mpmath.mpf(0)
        ev = _value(e, env, natural=True)
        if ev is None or isinstance(ev, str):
            continue
        av = _value(a, env)
        if av is None or av == "unstable":
            continue  # a pole or removable point of the answer; or 50 digits are not enough
        if av == "not real":
            return False, f"answer not real at {env}"
        compared += 1
        if abs(av - ev) > (mpmath.mpf(10) ** -(dps - 10) * (1 + abs(ev))
                           + mpmath.mpf(10) ** -(dps - 5) * scale[0]):
            return False, f"differ at {env}: {mpmath.nstr(ev, 12)} vs {mpmath.nstr(av, 12)}"
    if compared < (1 if not domains else 3):
        raise AssertionError(f"too few points to check {expected!r} vs {answer!r}")
    return True, f"agree at {compared} points"


def _frac(text: str) -> tuple[int, int]:
    num, _, den = text.partition("/")
    return int(num), int(den or 1)


@pytest.mark.parametrize("expected, answer, domains, label, why", CORPUS)
def test_label_is_independently_true(expected: str, answer: str, domains: dict, label: bool,
                                     why: str) -> None:
    got, evidence = independent_label(expected, answer, domains)
    assert got is label, f"{why}: {evidence}"


def test_corpus_size_and_balance() -> None:
    assert len(CORPUS) >= 346 + 150  # issue 11's 346 pairs, and issue 19's families
    assert sum(1 for row in CORPUS if not row[3]) >= 200
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
