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

import time
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
        if self.status == "different" and self.counterexample:
            return f"differs at point {_fmt_point(self.counterexample['point'])}"
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
        # One time budget for every proof about this answer (the expected expression and each
        # known wrong answer), so a crafted answer cannot cost 2 s per key entry.
        self.time_left = limits.time_budget

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
        start = time.perf_counter()
        with np.errstate(all="ignore"):  # |a - e| of two huge values may overflow: no warning
            result = _decide(target, self.answer, self.doms, env, exp_s, ans_s, self.seed, prove,
                             want_relation, self.limits, self.time_left)
        self.time_left -= time.perf_counter() - start
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
            prove: bool, want_relation: bool, limits: Limits,
            seconds: float | None = None) -> EquivResult:
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
    if not undefined_answer.size and not both.size and int(exp_s.ok.sum()) >= needed:
        undefined_answer = np.flatnonzero(exp_s.ok)  # e.g. x/0: undefined wherever it matters
    if undefined_answer.size:
        i = int(undefined_answer[0])
        result.status, result.method = "different", "sampled"
        result.counterexample = {"point": _point(env, i), "expected": _real(exp_s.values[i]),
                                 "answer": "undefined"}
        return result
    if far.any():
        i = int(both[int(np.flatnonzero(far)[0])])
        result.status, result.method = "different", "sampled"
        result.counterexample = {"point": _point(env, i), "expected": _real(exp_s.values[i]),
                                 "answer": _real(ans_s.values[i])}
        result._arrays = (e, a, {k: v[both] for k, v in env.items()}, scale)
        if want_relation:
            result.find_relation()
        return result
    if close.all() and both.size >= needed and not blows_up:
        result.status, result.method = "equivalent", "sampled"
        return result
    result.near = bool((~close).any())
    result.blows_up = blows_up
    proved = None
    if prove:
        from quizgen.grading.proof import prove_equal

        proved = prove_equal(expected, answer, doms, limits, seconds)
    if proved is True:
        result.status, result.method = "equivalent", "proved"
    elif proved is False:
        result.status, result.method = "different", "proved"
        if both.size:
            i = int(both[int(np.argmax(~close))])
            result.counterexample = {"point": _point(env, i), "expected": _real(exp_s.values[i]),
                                     "answer": _real(ans_s.values[i])}
    return result


def _real(value: complex) -> float:
    return float(np.real(value))
