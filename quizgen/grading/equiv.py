"""Equivalence in layers: numeric sampling first (fast, numpy on our AST), a time-bounded SymPy
proof only when the numbers are inconclusive, and a verdict that says which decided it.

Sampling: points are drawn from each symbol's domain with a seed derived from the two texts.
A point where the expected value is undefined (not finite, or not real) is discarded; a point
where the expected value is defined but the answer is not counts against the answer. Values
agree when ``|a - e| <= 1e-9 * (max(|a|, |e|) + scale) + 1e-12`` (``scale``: the largest term
added while evaluating, which allows for cancellation). A difference above ``1e-4`` relative
is a clear disagreement; anything in between ("near agreement") goes to the proof step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np

from quizgen.grading.evaluate import defined, evaluate
from quizgen.grading.limits import DEFAULT_LIMITS, Limits
from quizgen.grading.nodes import Node, free_symbols, to_text
from quizgen.grading.sampling import sample_points, seed_for

N_POINTS = 24  # points compared per decision
MIN_POINTS = 8  # fewer valid points than this: sampling is inconclusive
RTOL = 1e-9
FAR = 1e-4


@dataclass
class EquivResult:
    """Outcome of one comparison. ``status``: "equivalent" | "different" | "undecided";
    ``method``: "sampled" | "proved" | "undecided"."""

    status: str
    method: str
    seed: int
    n_points: int = 0
    points: list[dict[str, float]] = field(default_factory=list)
    counterexample: dict[str, Any] | None = None
    relation: dict[str, Any] | None = None
    near: bool = False
    blows_up: bool = False  # the answer is inf/NaN at a point where the expected value is finite
    proof_attempted: bool = False
    precise: bool = False  # decided by the high-precision check

    def sample_points(self) -> list[dict[str, float]]:
        """The points where both sides were defined and compared (for the record)."""
        if not self.points and getattr(self, "_where", None) is not None:
            env, both = self._where
            columns = {k: v.real[both].tolist() for k, v in env.items()}
            self.points = [dict(zip(columns, row)) for row in zip(*columns.values())]
        return self.points

    def find_relation(self) -> dict[str, Any] | None:
        """Fill in (and return) ``relation``: how the answer relates to the target."""
        arrays = getattr(self, "_arrays", None)
        if self.relation is None and arrays is not None:
            from quizgen.grading.relations import find_relation

            self.relation = find_relation(*arrays)
        return self.relation

    @property
    def equivalent(self) -> bool:
        return self.status == "equivalent"

    def describe(self) -> str:
        """How the decision was reached, in words."""
        if self.method == "proved":
            if self.status == "equivalent":
                return "proved equal symbolically"
            return "shown different symbolically"
        if self.status == "equivalent":
            return f"agrees at {self.n_points} sampled points"
        if self.status == "different" and self.counterexample and self.near:
            return ("close but not equal (rounded?): differs in high precision"
                    + _at(self.counterexample["point"]))
        if self.status == "different" and self.counterexample and self.counterexample["point"]:
            return f"differs{_at(self.counterexample['point'])}"
        if self.status == "different" and self.counterexample:
            answer = self.counterexample["answer"]
            return (f"differs: the expected value is {self.counterexample['expected']:.10g}, the "
                    f"answer's is " + (answer if isinstance(answer, str) else f"{answer:.10g}"))
        if self.status == "different":
            return "differs (shown symbolically)"
        if self.near:
            return "undecided: close but not equal within rounding at some points, and no symbolic proof"
        if self.blows_up:
            return ("undecided: the answer overflows where the expected value is finite, and no "
                    "symbolic proof")
        return "undecided: too few points where both are defined, and no symbolic proof"

    def detail(self) -> dict[str, Any]:
        """JSON-serialisable record for the verdict."""
        out: dict[str, Any] = {"seed": self.seed, "n_points": self.n_points,
                               "points": self.sample_points()}
        if self.counterexample:
            out["counterexample"] = self.counterexample
        if self.relation:
            out["relation"] = self.relation
        if self.near:
            out["near_agreement"] = True
        return out


def _fmt_point(point: Mapping[str, float]) -> str:
    return "{" + ", ".join(f"{k}={v:.6g}" for k, v in point.items()) + "}"


def _at(point: Mapping[str, float]) -> str:
    """" at point {x=1.5}", or nothing for a constant answer (there is no point to name)."""
    return f" at point {_fmt_point(point)}" if point else ""


@dataclass
class Sample:
    """Values of one expression at a set of points."""

    values: np.ndarray
    scale: np.ndarray
    ok: np.ndarray


def _evaluate(node: Node, env: Mapping[str, np.ndarray], size: int) -> Sample:
    values, scale = evaluate(node, env, size)
    return Sample(values, scale, defined(values, scale))


class Comparison:
    """One answer evaluated once at reproducible points, compared against several targets
    (the expected expression, then each known wrong answer) at the same points."""

    def __init__(self, answer: Node, domains: Mapping[str, str], seed: int,
                 limits: Limits = DEFAULT_LIMITS, extra_symbols: frozenset[str] = frozenset(),
                 answer_symbols: frozenset[str] | None = None):
        self.answer = answer
        if answer_symbols is None:
            answer_symbols = free_symbols(answer)
        names = set(domains) | answer_symbols | extra_symbols
        self.doms = {name: domains.get(name, "real") for name in names}
        self.seed = seed
        self.limits = limits
        self._batches: list[tuple[dict[str, np.ndarray], Sample]] = []
        # One proof budget for every comparison of this answer (the expected expression and each
        # known wrong answer), counted in attempts, never in seconds: deterministic.
        self.proofs_left = limits.proof_attempts

    def _batch(self, k: int) -> tuple[dict[str, np.ndarray], Sample]:
        """Batch 0: N_POINTS points; batch 1: 4*N_POINTS more (only when needed)."""
        while len(self._batches) <= k:
            if not self._batches:
                self._rng = np.random.default_rng(self.seed)
            size = (N_POINTS if self.doms else 1) * (1 if not self._batches else 4)
            env = sample_points(self.doms, self._rng, size)
            self._batches.append((env, _evaluate(self.answer, env, size)))
        return self._batches[k]

    def against(self, target: Node, *, prove: bool = True, want_relation: bool = True,
                target_symbols: frozenset[str] | None = None) -> EquivResult:
        """Is the answer equivalent to ``target``? (``target_symbols``: its free symbols, if
        already known.)"""
        if target_symbols is None:
            target_symbols = free_symbols(target)
        missing = target_symbols - set(self.doms)
        if missing:  # cannot happen for parsed answers; keeps the API total
            return check_equivalent(target, self.answer, {**self.doms}, seed=self.seed,
                                    prove=prove, want_relation=want_relation, limits=self.limits)
        env, ans_s = self._batch(0)
        size = next(iter(env.values())).size if env else 1
        exp_s = _evaluate(target, env, size)
        if self.doms and int(exp_s.ok.sum()) < MIN_POINTS * 2:
            env2, a2 = self._batch(1)
            e2 = _evaluate(target, env2, next(iter(env2.values())).size)
            env = {k: np.concatenate([env[k], env2[k]]) for k in env}
            exp_s = Sample(*(np.concatenate([getattr(exp_s, f), getattr(e2, f)])
                             for f in ("values", "scale", "ok")))
            ans_s = Sample(*(np.concatenate([getattr(ans_s, f), getattr(a2, f)])
                             for f in ("values", "scale", "ok")))
        with np.errstate(all="ignore"):  # |a - e| of two huge values may overflow: no warning
            result = _decide(target, self.answer, self.doms, env, exp_s, ans_s, self.seed,
                             prove and self.proofs_left > 0, want_relation, self.limits)
        if result.proof_attempted:
            self.proofs_left -= 1
        return result


def check_equivalent(expected: Node, answer: Node, domains: Mapping[str, str], *,
                     seed: int | None = None, prove: bool = True, want_relation: bool = True,
                     limits: Limits = DEFAULT_LIMITS) -> EquivResult:
    """Decide whether ``answer`` equals ``expected`` for all values of the symbols in their
    ``domains`` (symbols missing from ``domains`` are taken as real). The seed defaults to one
    derived from the canonical texts of both expressions."""
    if seed is None:
        seed = seed_for(to_text(expected), to_text(answer))
    comparison = Comparison(answer, domains, seed, limits, free_symbols(expected))
    return comparison.against(expected, prove=prove, want_relation=want_relation)


def _point(env: Mapping[str, np.ndarray], i: int) -> dict[str, float]:
    return {k: float(v[i].real) for k, v in env.items()}


def _decide(expected: Node, answer: Node, doms: Mapping[str, str],
            env: Mapping[str, np.ndarray], exp_s: Sample, ans_s: Sample, seed: int,
            prove: bool, want_relation: bool, limits: Limits) -> EquivResult:
    needed = MIN_POINTS if doms else 1
    # Answer not real where the expected value is: a real difference (log(-x), sqrt(-x)).
    # Answer infinite/NaN there: may be overflow or underflow (log(exp(-2000))), so discarded.
    undefined_answer = np.flatnonzero(exp_s.ok & ~ans_s.ok & np.isfinite(ans_s.values))
    both = np.flatnonzero(exp_s.ok & ans_s.ok)[:N_POINTS]
    e = exp_s.values.real[both]
    a = ans_s.values.real[both]
    scale = np.maximum(exp_s.scale[both], ans_s.scale[both])
    magnitude = np.maximum(np.abs(a), np.abs(e))
    size = np.maximum(magnitude, scale)
    gap = np.abs(a - e)
    # Only agreement relative to the values themselves confirms. The cancellation allowance
    # (``scale``) is under the answer's control (``7 + 1e300 - 1e300``): a point that agrees only
    # thanks to it proves nothing, so it is "near" and goes to the proof step.
    close = gap <= RTOL * magnitude + 1e-12
    far = gap > FAR * size + 1e-12
    # An answer that overflows where the expected value is finite may be hiding a difference
    # there (``x + exp(-10000*x)`` is inf for x < 0): sampling cannot call it equivalent.
    blows_up = bool((exp_s.ok & ~np.isfinite(ans_s.values)).any())
    result = EquivResult("undecided", "undecided", seed, int(both.size))
    result._where = (env, both)  # points are listed only when a verdict's detail is built
    nowhere = (not undefined_answer.size and not both.size and int(exp_s.ok.sum()) >= needed)
    if undefined_answer.size:
        i = int(undefined_answer[0])
        result.status, result.method = "different", "sampled"
        result.counterexample = {"point": _point(env, i), "expected": _real(exp_s.values[i]),
                                 "answer": "undefined"}
        return result
    if far.any():
        i = int(both[int(np.flatnonzero(far)[0])])
        if _overflowed(exp_s, ans_s, i):
            far = np.zeros_like(far)  # inf - inf or 1e308-sized values: decide in high precision
    if far.any():
        result.status, result.method = "different", "sampled"
        result.counterexample = {"point": _point(env, i), "expected": _real(exp_s.values[i]),
                                 "answer": _real(ans_s.values[i])}
        result._arrays = (e, a, {k: v[both] for k, v in env.items()}, scale)
        if want_relation:
            result.find_relation()
        return result
    sampled_ok = bool(close.all()) and both.size >= needed and not blows_up
    precise = None
    if not sampled_ok or _wants_precision(expected, answer, gap, magnitude):
        precise = _precise(expected, answer, env, exp_s, ans_s, both, close, needed, sampled_ok)
    if precise is not None and precise[0] == "different":
        i = precise[1]
        result.status, result.method = "different", "sampled"
        result.near = bool(i in set(both.tolist()))  # float sampling could not tell them apart
        result.counterexample = {"point": _point(env, i), "expected": precise[2],
                                 "answer": precise[3]}
        result.precise = True
        return result
    if nowhere and (precise is None or precise[0] != "equivalent"):
        # e.g. x/0: undefined wherever it matters, also in high precision
        i = int(np.flatnonzero(exp_s.ok)[0])
        result.status, result.method = "different", "sampled"
        result.counterexample = {"point": _point(env, i), "expected": _real(exp_s.values[i]),
                                 "answer": "undefined"}
        return result
    if (precise is not None and precise[0] == "equivalent") or (
            sampled_ok and (precise is None or precise[0] == "unchecked")):
        counter = _lattice_counterexample(expected, answer, doms, seed)
        if counter is not None:
            result.status, result.method = "different", "sampled"
            result.counterexample = counter
            return result
        result.status, result.method = "equivalent", "sampled"
        if precise is not None and precise[0] == "equivalent":
            result.n_points = max(result.n_points, precise[1])
        return result
    result.near = bool((~close).any()) or (precise is not None and precise[0] == "near")
    result.blows_up = blows_up or (precise is not None and precise[0] == "unknown")
    proved = None
    if prove:
        from quizgen.grading.proof import prove_equal

        result.proof_attempted = True
        proved = prove_equal(expected, answer, doms, limits)
    if proved is True:
        result.status, result.method = "equivalent", "proved"
    elif proved is False:
        result.status, result.method = "different", "proved"
        if both.size:
            i = int(both[int(np.argmax(~close))])
            result.counterexample = {"point": _point(env, i), "expected": _real(exp_s.values[i]),
                                     "answer": _real(ans_s.values[i])}
    return result


#: decimal digits for the high-precision check (more when the answer types long numbers)
MP_DPS = 50
MP_POINTS = 3


_DOMAIN_SENSITIVE = frozenset({"floor", "ceil", "sign", "heaviside", "max", "min", "abs",
                               "factorial", "binomial", "asin", "acos", "acosh", "atanh"})


def _needs_lattice(*nodes: Node) -> bool:
    """Powers with a symbolic or fractional exponent, roots, kinks and integer-only functions:
    identities that hold only on part of the domain ((a^b)^c = a^(bc), floor, sqrt(x^2))."""
    from quizgen.grading.nodes import Call, Num, Pow, walk

    for node in nodes:
        for n in walk(node):
            if isinstance(n, Pow) and not (isinstance(n.exp, Num)
                                           and n.exp.value.denominator == 1):
                return True
            if isinstance(n, Call) and (n.fname in _DOMAIN_SENSITIVE or n.fname == "sqrt"):
                return True
    return False


def _lattice_counterexample(expected: Node, answer: Node, doms: Mapping[str, str],
                            seed: int) -> dict[str, Any] | None:
    """Compare on the lattice of small exact values (see sampling.LATTICE). Only a decisive
    disagreement counts: both real and finite but different, or the answer finite and not real
    where the expected value is real. An answer undefined at an isolated point where the expected
    one is defined ((x^2-1)/(x-1) at x = 1) is a removable point, not a difference."""
    if not doms or not _needs_lattice(expected, answer):
        return None
    from quizgen.grading.sampling import lattice_points

    env = lattice_points(doms, seed)
    size = next(iter(env.values())).size
    with np.errstate(all="ignore"):
        e = _evaluate(expected, env, size)
        a = _evaluate(answer, env, size)
        finite_a = np.isfinite(a.values)
        not_real = e.ok & finite_a & ~a.ok
        both = e.ok & a.ok
        gap = np.abs(a.values.real - e.values.real)
        size_ = np.maximum(np.maximum(np.abs(a.values.real), np.abs(e.values.real)),
                           np.maximum(a.scale, e.scale))
        far = both & (gap > 1e-6 * size_ + 1e-9)
    bad = np.flatnonzero(far | not_real)
    if not bad.size:
        return None
    i = int(bad[0])
    return {"point": _point(env, i), "expected": _real(e.values[i]),
            "answer": _real(a.values[i]) if a.ok[i] else "undefined"}


def _overflowed(exp_s: Sample, ans_s: Sample, i: int) -> bool:
    big = 1e300
    return bool(abs(exp_s.values[i]) > big or abs(ans_s.values[i]) > big
                or exp_s.scale[i] > big or ans_s.scale[i] > big)


def _literal_digits(*nodes: Node) -> tuple[bool, int]:
    """(whether a decimal literal or a large integer appears, most digits in one literal)."""
    from quizgen.grading.nodes import Num, walk

    seen, most = False, 0
    for node in nodes:
        for n in walk(node):
            if isinstance(n, Num):
                v = n.value
                digits = max(len(str(abs(v.numerator))), len(str(v.denominator)))
                most = max(most, digits)
                # a decimal of 9+ significant digits can hide within the float tolerance
                # (1e-9); fewer digits cannot; nor can integers below a million
                significant = _written_digits(n)
                if significant >= 9 or digits >= 6:
                    seen = True
    return seen, most


def _float_printed(node: Node) -> bool:
    """A decimal with 15+ significant digits in the expected expression: a printed binary float,
    so the key itself is not exact and only the float tolerance applies."""
    from quizgen.grading.nodes import Num, walk

    return any(isinstance(n, Num) and _written_digits(n) >= 15 for n in walk(node))


def _written_digits(n: Node) -> int:
    """Significant digits of a decimal as it was typed (0 for an integer or a fraction); the
    reduced fraction would undercount 7.54983443527075 (= 30199337741083/4e12)."""
    if not n.decimal:
        return 0
    if n.digits:
        return n.digits
    return len(str(abs(n.value.numerator)).strip("0"))  # a Num built by hand


def _wants_precision(expected: Node, answer: Node, gap: np.ndarray, magnitude: np.ndarray) -> bool:
    """Float agreement can hide a difference below ~1e-13 (a rounded decimal, a 1e-10 bump, two
    big rationals): check in high precision when the answer could be one of those."""
    if _literal_digits(expected, answer)[0]:
        return True
    with np.errstate(all="ignore"):
        rel = gap / np.maximum(magnitude, 1e-300)
    return bool(rel.size and float(np.max(rel)) > 1e-13)


def _precise(expected: Node, answer: Node, env: Mapping[str, np.ndarray], exp_s: Sample,
             ans_s: Sample, both: np.ndarray, close: np.ndarray, needed: int,
             sampled_ok: bool) -> tuple | None:
    """Compare at a few points with mpmath. Returns ("different", i, e, a), ("equivalent", n),
    ("near",), ("unchecked",) or None (nothing to check)."""
    from quizgen.grading.evaluate import mp_evaluate

    if _float_printed(expected):
        return ("unchecked",)
    digits = _literal_digits(expected, answer)[1]
    dps = max(MP_DPS, 2 * digits + 30)
    # the points where floats disagreed most, then those where floats overflowed
    order = list(both[np.argsort(~close, kind="stable")[::-1]]) if both.size else []
    not_close = [int(i) for i in both[~close]]
    all_near_checked = len(not_close) <= 8
    order = not_close[:8] + [int(i) for i in order if int(i) not in not_close][:MP_POINTS]
    overflow = np.flatnonzero(exp_s.ok & ~np.isfinite(ans_s.values)).tolist()
    if not sampled_ok and not both.size:
        overflow += np.flatnonzero(~np.isfinite(exp_s.values)).tolist()
    candidates: list[int] = []
    for i in order + overflow[:max(needed, MP_POINTS)]:
        if int(i) not in candidates:
            candidates.append(int(i))
    if not candidates:
        return None
    eps = 10.0 ** -(dps - 12)
    agreed = 0
    near = unknown = False
    for i in candidates:
        point = _point(env, i)
        e = mp_evaluate(expected, point, dps)
        if e is None:
            continue
        a = mp_evaluate(answer, point, dps)
        if e == "unknown" or a == "unknown":
            unknown = True
            continue
        if a is None:
            if not np.isfinite(ans_s.values[i]):
                unknown = True  # beyond even mpmath's range: the proof decides
                continue
            return ("different", i, float(e[0]), "undefined")
        gap = abs(a[0] - e[0])
        size = max(abs(a[0]), abs(e[0]))
        scale = max(a[1], e[1], size)
        if gap <= eps * size + eps:
            agreed += 1
        elif gap > 1e-30 * scale + eps:
            return ("different", i, float(e[0]), float(a[0]))
        else:
            near = True
    if near:
        return ("near",)
    if unknown:
        return ("unknown",)
    if sampled_ok:
        return ("equivalent", 0) if agreed else None
    # floats were inconclusive (overflow, too few points): enough precise agreement decides
    if agreed >= needed:
        return ("equivalent", agreed)
    # floats disagreed slightly at a few points (rounding in a big power) and agree elsewhere:
    # those points agree to 50 digits, so the float disagreement was rounding
    float_ok_elsewhere = both.size >= needed and not overflow
    if float_ok_elsewhere and all_near_checked and agreed >= len(not_close) and agreed:
        return ("equivalent", 0)
    return None


def _real(value: complex) -> float:
    return float(np.real(value))
