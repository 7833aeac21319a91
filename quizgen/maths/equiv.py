"""Equivalence in layers: numeric sampling first (fast, numpy on our AST, real arithmetic at every
node), high precision where floats cannot tell, a time-bounded SymPy proof only when the numbers
are inconclusive, and a verdict that says which decided it.

Points: random ones from each symbol's domain over the whole sampled range (a seed derived from
the two texts), plus *special* ones: the breakpoints of piecewise parts, where domains end, and
points close to them on both sides (:mod:`quizgen.maths.breakpoints`), and a lattice of small
exact values where power rules and integer-only identities show their domains.

- A point where the expected value is undefined is discarded.
- A point where the expected value is defined and the answer has no real value (a domain error
  in any sub-expression, confirmed in high precision) shows the answers are different: their
  domains differ. A pole of the answer at a special point (``(x^2-1)/(x-1)`` at x = 1) is a
  removable point, not a difference.
- Values agree when ``|a - e| <= 1e-9 * max(|a|, |e|) + 1e-12``; a difference above ``1e-4``
  relative (to the values or the largest term added, ``scale``) is a clear disagreement; anything
  in between ("near agreement") is decided in high precision or by the proof step.
- Sampling alone never says *equivalent* when a breakpoint of a piecewise part could not be
  located: then the proof step decides, or the verdict is *undecided*.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np

from quizgen.maths.evaluate import Evaluation, built_from, domain_varies, evaluate_sample, symbol_ids
from quizgen.maths.limits import DEFAULT_LIMITS, Limits
from quizgen.maths.nodes import (Add, Call, Const, Div, Mul, Neg, Node, Num, Sym, free_symbols, per_node, to_text,
                                  walk)
from quizgen.maths.sampling import sample_points, seed_for

N_POINTS = 24  # random points compared per decision
MIN_POINTS = 8  # fewer agreeing points than this: sampling is inconclusive
RTOL = 1e-9
FAR = 1e-4
#: relative gap that counts as a difference at an exact special point (a lattice value, a
#: breakpoint): values there are computed from exact inputs, but near a kink
EXACT_FAR = 1e-6
#: points where floats cannot tell (overflow, a zero that may be an underflow) evaluated in high
#: precision, per comparison; and attempts to confirm a domain difference there
MP_CHECKS = 8
DOMAIN_CONFIRMATIONS = 3


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
    #: the answer has no real value at a point where the expected one has: "where" names the
    #: part of the answer that has none (``log(y)``)
    domain: bool = False
    undefined_part: str | None = None
    #: the answer has no real value anywhere the expected one has (1/0, log(-1 - x^2))
    undefined_everywhere: bool = False
    #: special points compared (breakpoints, domain ends and the lattice); False when a
    #: breakpoint of a piecewise part could not be located
    special_points: int = 0
    breakpoints_sure: bool = True
    #: a constant or a term too small or too large for high precision to see next to the others
    #: (``x + exp(-10^4)``, ``1 + exp(-x^2 - 10^9)``): sampling cannot decide
    beyond_precision: bool = False

    def sample_points(self) -> list[dict[str, float]]:
        """The random points where both sides were defined and compared (for the record)."""
        if not self.points and getattr(self, "_where", None) is not None:
            env, both = self._where
            columns = {k: v[both].tolist() for k, v in env.items()}
            self.points = ([dict(zip(columns, row)) for row in zip(*columns.values())]
                           if columns else [{} for _ in both])  # a constant: one empty point
        return self.points

    def find_relation(self) -> dict[str, Any] | None:
        """Fill in (and return) ``relation``: how the answer relates to the target."""
        arrays = getattr(self, "_arrays", None)
        if self.relation is None and arrays is not None:
            from quizgen.maths.relations import find_relation

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
            extra = (f" and {self.special_points} special point{'s' * (self.special_points != 1)}"
                     if self.special_points else "")
            return f"agrees at {self.n_points} sampled point{'s' * (self.n_points != 1)}{extra}"
        if self.status == "different" and self.undefined_everywhere:
            return "the answer has no real value where the expected expression has one"
        if self.status == "different" and self.domain and self.counterexample:
            part = f" ({self.undefined_part} has no real value there)" if self.undefined_part else ""
            return (f"the answer is undefined{_at(self.counterexample['point'])}{part}, where the "
                    "expected expression is defined")
        if self.status == "different" and self.counterexample and self.near:
            return ("close but not equal (rounded?): differs in high precision"
                    + _at(self.counterexample["point"]))
        if self.status == "different" and self.counterexample and self.counterexample["point"]:
            return f"differs{_at(self.counterexample['point'])}"
        if self.status == "different" and self.counterexample:
            answer = self.counterexample["answer"]
            return (f"differs: the expected value is {_show(self.counterexample['expected'])}, the "
                    f"answer's is {_show(answer)}")
        if self.status == "different":
            return "differs (shown symbolically)"
        if self.beyond_precision and not self.blows_up:
            return ("undecided: a constant or a term in it is too small or too large for high "
                    "precision (1500 digits) to compare, and no symbolic proof")
        if not self.breakpoints_sure:
            return ("undecided: agrees at every sampled point, but a breakpoint of a piecewise "
                    "part (abs, sign, max, floor, ...) could not be located or its values "
                    "computed, and no symbolic proof")
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
        if self.special_points:
            out["special_points"] = self.special_points
        if not self.breakpoints_sure:
            out["breakpoints_sure"] = False
        if self.beyond_precision:
            out["beyond_precision"] = True
        if self.counterexample:
            out["counterexample"] = self.counterexample
        if self.relation:
            out["relation"] = self.relation
        if self.near:
            out["near_agreement"] = True
        if self.domain:
            out["answer_undefined"] = self.undefined_part or True
        return out


def _number(value: Any) -> float | str:
    """A value for a counterexample: a float when it is one, else (a high-precision value
    beyond float range, an overflow) text that JSON can carry: ``"2.0574519419318556e+347"``,
    never ``Infinity``."""
    v = float(value)
    if math.isfinite(v):
        return v
    if isinstance(value, (float, np.floating)):
        return "beyond float range"
    import mpmath

    return mpmath.nstr(value, 17)


def _show(value: float | str) -> str:
    return value if isinstance(value, str) else f"{value:.10g}"


def _fmt_point(point: Mapping[str, float]) -> str:
    return "{" + ", ".join(f"{k}={v:.6g}" for k, v in point.items()) + "}"


def _at(point: Mapping[str, float]) -> str:
    """" at point {x=1.5}", or nothing for a constant answer (there is no point to name)."""
    return f" at point {_fmt_point(point)}" if point else ""


@dataclass
class _Points:
    """The points of one comparison, both sides evaluated there.

    ``random``: drawn at random (listed in the verdict); the others are special points.
    ``exact``: special values (0, a quarter, an integer, a lattice value, a breakpoint itself)
    where a pole of the answer is a removable point, not a difference. ``loose``: a lattice
    value or a breakpoint itself, compared with :data:`EXACT_FAR` (next to a kink)."""

    env: dict[str, np.ndarray]
    expected: Evaluation
    answer: Evaluation
    exact: np.ndarray
    random: np.ndarray
    loose: np.ndarray

    @property
    def size(self) -> int:
        return int(self.exact.size)


def _discrete(doms: Mapping[str, str], env: Mapping[str, np.ndarray]) -> np.ndarray:
    """Random points with a coordinate from a discrete set (0, a multiple of 1/16, an integer
    symbol): a pole there may be an isolated point, not a difference."""
    size = next(iter(env.values())).size if env else 1
    out = np.zeros(size, dtype=bool)
    for name, values in env.items():
        if doms.get(name, "real").endswith("integer"):
            out |= True
        else:
            out |= (values == 0) | ((values * 16 == np.round(values * 16)) & (np.abs(values) <= 16))
    return out


def _join(a: _Points, b: _Points) -> _Points:
    return _Points({k: np.concatenate([a.env[k], b.env[k]]) for k in a.env},
                   _concat(a.expected, b.expected), _concat(a.answer, b.answer),
                   *(np.concatenate([getattr(a, f), getattr(b, f)])
                     for f in ("exact", "random", "loose")))


def _concat(a: Evaluation, b: Evaluation) -> Evaluation:
    return Evaluation(*(np.concatenate([getattr(a, f), getattr(b, f)])
                        for f in ("values", "scale", "undefined")),
                      a.hidden + tuple(i + a.values.size for i in b.hidden))


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
        self._batches: list[tuple[dict[str, np.ndarray], Evaluation]] = []
        self._discrete0: np.ndarray | None = None  # _discrete of batch 0's points
        #: id(target) -> (target, its evaluation at batch 0's points), from :func:`prepare`
        self._prepared: dict[int, tuple[Node, Evaluation]] = {}
        # One proof budget for every comparison of this answer (the expected expression and each
        # known wrong answer), counted in attempts, never in seconds: deterministic.
        self.proofs_left = limits.proof_attempts

    def _batch(self, k: int) -> tuple[dict[str, np.ndarray], Evaluation]:
        """Batch 0: N_POINTS points; batch 1: 4*N_POINTS more (only when needed)."""
        while len(self._batches) <= k:
            if not self._batches:
                self._rng = np.random.default_rng(self.seed)
            size = (N_POINTS if self.doms else 1) * (1 if not self._batches else 4)
            self._add_batch(sample_points(self.doms, self._rng, size), size)
        return self._batches[k]

    def _add_batch(self, env: dict[str, np.ndarray], size: int) -> None:
        self._batches.append((env, evaluate_sample(self.answer, env, size, hidden=True)))

    def against(self, target: Node, *, prove: bool = True, want_relation: bool = True,
                target_symbols: frozenset[str] | None = None,
                only_status: bool = False) -> EquivResult:
        """Is the answer equivalent to ``target``? (``target_symbols``: its free symbols, if
        already known.) ``only_status``: the caller reads only the status (is the answer this
        known mistake?): a clear difference at a random point ends the comparison there, with
        the status the whole comparison would give, and no counterexample or special points."""
        if target_symbols is None:
            target_symbols = free_symbols(target)
        missing = target_symbols - set(self.doms)
        if missing:  # cannot happen for parsed answers; keeps the API total
            return check_equivalent(target, self.answer, {**self.doms}, seed=self.seed,
                                    prove=prove, want_relation=want_relation, limits=self.limits)
        env, ans = self._batch(0)
        size = ans.values.size
        prepared = self._prepared.get(id(target))
        if prepared is not None and prepared[0] is target:
            exp = prepared[1]
        else:
            exp = evaluate_sample(target, env, size, natural=True, hidden=True)
        if self.doms and int(exp.ok.sum()) < MIN_POINTS * 2:
            env2, a2 = self._batch(1)
            e2 = evaluate_sample(target, env2, a2.values.size, natural=True, hidden=True)
            env = {k: np.concatenate([env[k], env2[k]]) for k in env}
            exp, ans = _concat(exp, e2), _concat(ans, a2)
        if only_status and _clearly_different(exp, ans):
            return EquivResult("different", "sampled", self.seed)
        if only_status and _same_plain_tree(target, self.answer, exp, MIN_POINTS if self.doms else 1):
            return EquivResult("equivalent", "sampled", self.seed)
        n = exp.values.size
        if env is self._batches[0][0]:  # the same random points for every target: once
            if self._discrete0 is None:
                self._discrete0 = _discrete(self.doms, env)
                self._discrete0.setflags(write=False)
            discrete = self._discrete0
        else:
            discrete = _discrete(self.doms, env)
        points = _Points(env, exp, ans, discrete, np.ones(n, dtype=bool), np.zeros(n, dtype=bool))
        if not domain_varies(self.answer) and _clearly_different(exp, ans):
            # the random points decide, as they would beside the special points (they come
            # first), and the answer has no domain error that a special point could show first:
            # the special points are left out (the verdict's detail counts none)
            special = _Special(None, True)
        else:
            special = _special_points(target, self.answer, self.doms, env, exp, self.seed)
        if special.points is not None:
            points = _join(points, special.points)
        with np.errstate(all="ignore"):  # |a - e| of two huge values may overflow: no warning
            result = _decide(target, self.answer, self.doms, points, special, self.seed,
                             prove and self.proofs_left > 0, want_relation, self.limits)
        if result.proof_attempted:
            self.proofs_left -= 1
        return result


def _same_plain_tree(target: Node, answer: Node, values: Evaluation, needed: int) -> bool:
    """The answer reads as the very tree of ``target`` (a student typed a known mistake as the key
    writes it), a plain one, and its ``values`` at the random points leave nothing for the
    special points or high precision to settle: the full comparison says "equivalent" by
    sampling, for sure. Both sides have the same value and the same domain at every point;
    ``needed`` random points have a value; none overflowed; no part is unseen by floats; no
    piecewise part (whose breakpoints might not be located), no function high precision may be
    unable to compute, no binomial (whose domain differs on the expected side), no constant
    beyond high precision."""
    return (bool(values.ok.sum() >= needed) and not values.hidden and not values.unknown.any()
            and _plain(target) and target == answer and not _beyond_precision(target))


#: functions high precision computes at any finite argument (no "unknown"), without a breakpoint
_PLAIN_FUNCTIONS = frozenset({"log", "log2", "log10", "sqrt"})


@per_node()
def _plain(node: Node) -> bool:
    """Arithmetic, integer powers up to 64, log and sqrt: nothing else (see _same_plain_tree)."""
    return built_from(node, (Num, Sym, Const, Add, Mul, Div, Neg), _PLAIN_FUNCTIONS, max_exponent=64)


def prepare(comparisons: list[Comparison], targets: list[tuple[Node, frozenset[str]]],
            shared: tuple[dict[str, str], int] | None = None) -> dict[int, Evaluation]:
    """Evaluate each of ``targets`` ((expression, its free symbols): a key's answer and known
    mistakes) once at the first random points of all ``comparisons`` together, for their
    :meth:`Comparison.against` to use. Each answer keeps its own points and every verdict is
    the same as without this (see :func:`~quizgen.maths.evaluate.evaluate_segments`); what
    changes is one pass over many answers' points in place of one per answer.
    ``shared``: the points (domains, seed) of :func:`clearly_different` for the key's own check,
    evaluated in the same pass; returns {id(target): its evaluation there} (empty when the
    points could not join the pass)."""
    from quizgen.maths.evaluate import evaluate_segments
    from quizgen.maths.sampling import sample_points_many

    together: dict[tuple[tuple[str, str], ...], list[Comparison]] = {}
    for comparison in comparisons:
        if comparison.doms and not comparison._batches:  # (constant: one point, nothing to share)
            together.setdefault(tuple(sorted(comparison.doms.items())), []).append(comparison)
    shared_key = tuple(sorted(shared[0].items())) if shared is not None and shared[0] else None
    at_shared: dict[int, Evaluation] = {}
    for doms, group in together.items():
        extra = doms == shared_key
        if len(group) + extra < 2:
            continue
        rngs = [np.random.default_rng(c.seed) for c in group]  # as _batch would: its batch 0
        if extra:
            rngs.append(np.random.default_rng(shared[1]))  # as clearly_different draws them
        envs = sample_points_many(dict(doms), rngs, N_POINTS)
        for comparison, rng, own in zip(group, rngs, envs):
            comparison._rng = rng
            comparison._add_batch(own, N_POINTS)
        names = tuple(name for name, _ in doms)
        env = {name: np.concatenate([e[name] for e in envs]) for name in names}
        sizes = [N_POINTS] * len(envs)
        for target, symbols in targets:
            if not symbols <= set(names):  # against() compares these another way
                continue
            evaluations = evaluate_segments(target, env, sizes, natural=True, hidden=True)
            for comparison, evaluation in zip(group, evaluations):
                comparison._prepared[id(target)] = (target, evaluation)
            if extra:
                at_shared[id(target)] = evaluations[-1]
    return at_shared


def _clearly_different(exp: Evaluation, ans: Evaluation) -> bool:
    """Whether :func:`_decide` would find the answers different from the random points alone:
    they come first among the points it compares, so the first clear difference there is the
    one it would see (unless the values overflowed, which it settles in high precision)."""
    both = np.flatnonzero(exp.ok & ans.ok)
    if not both.size:
        return False
    with np.errstate(all="ignore"):
        e, a = exp.values[both], ans.values[both]
        size = np.maximum(np.maximum(np.abs(a), np.abs(e)),
                          np.maximum(exp.scale[both], ans.scale[both]))
        far = np.flatnonzero(np.abs(a - e) > FAR * size + 1e-12)
    return bool(far.size) and not _overflowed(exp, ans, int(both[far[0]]))


def shared_points(reference: Node, others: list[Node], domains: Mapping[str, str],
                  seed: int) -> tuple[dict[str, str], int]:
    """The domains and seed of :func:`clearly_different`'s points for these expressions."""
    names = set(domains).union(free_symbols(reference), *(free_symbols(o) for o in others))
    return {name: domains.get(name, "real") for name in names}, seed


def clearly_different(reference: Node, others: list[Node], domains: Mapping[str, str],
                      seed: int, evaluated: Mapping[int, Evaluation] | None = None) -> list[bool]:
    """For each of ``others``: whether it differs clearly from ``reference`` (as a target) at one
    set of random points shared by all. A key's own expressions (its answer and its known
    mistakes) are checked against each other this way first: nobody chose them to pass, and one
    evaluation each replaces a comparison per pair. ``False`` says nothing: compare in full.
    ``evaluated``: {id(expression): its evaluation at these points} already worked out (by
    :func:`prepare`, as the expected side: the same values unless a binomial is in it)."""
    doms, seed = shared_points(reference, others, domains, seed)
    size = N_POINTS if doms else 1
    evaluated = evaluated or {}
    env: dict[str, np.ndarray] | None = None

    def at_points(node: Node, natural: bool) -> Evaluation:
        nonlocal env
        known = evaluated.get(id(node))
        if known is not None and (natural or not _has_binomial(node)):
            return known
        if env is None:
            env = sample_points(doms, np.random.default_rng(seed), size)
        return evaluate_sample(node, env, size, natural=natural)

    target = at_points(reference, True)
    return [_clearly_different(target, at_points(other, False)) for other in others]


@per_node()
def _has_binomial(node: Node) -> bool:
    return any(type(n) is Call and n.fname == "binomial" for n in walk(node))  # type: ignore[union-attr]


def check_equivalent(expected: Node, answer: Node, domains: Mapping[str, str], *,
                     seed: int | None = None, prove: bool = True, want_relation: bool = True,
                     limits: Limits = DEFAULT_LIMITS) -> EquivResult:
    """Decide whether ``answer`` equals ``expected`` for all values of the symbols in their
    ``domains`` (symbols missing from ``domains`` are taken as real) where ``expected`` has a
    real value. The seed defaults to one derived from the canonical texts of both expressions."""
    if seed is None:
        seed = seed_for(to_text(expected), to_text(answer))
    comparison = Comparison(answer, domains, seed, limits, free_symbols(expected))
    return comparison.against(expected, prove=prove, want_relation=want_relation)


# ------------------------------------------------------------------------------ special points

_DOMAIN_SENSITIVE = frozenset({"floor", "ceil", "sign", "heaviside", "max", "min", "abs",
                               "factorial", "binomial", "asin", "acos", "acosh", "atanh", "sqrt",
                               "asec", "acsc", "acoth", "asech", "acot"})


def _needs_lattice(*nodes: Node) -> bool:
    """Powers with a symbolic or fractional exponent, roots, kinks and integer-only functions:
    identities that hold only on part of the domain ((a^b)^c = a^(bc), floor, sqrt(x^2))."""
    return any(_lattice_sensitive(node) for node in nodes)


@per_node()
def _lattice_sensitive(node: Node) -> bool:
    from quizgen.maths.nodes import Call, Num, Pow, walk

    for n in walk(node):
        if isinstance(n, Pow) and not (isinstance(n.exp, Num)
                                       and n.exp.value.denominator == 1):
            return True
        if isinstance(n, Call) and n.fname in _DOMAIN_SENSITIVE:
            return True
    return False


@dataclass
class _Special:
    points: _Points | None
    sure: bool


def _special_points(expected: Node, answer: Node, doms: Mapping[str, str],
                    env: Mapping[str, np.ndarray], exp: Evaluation, seed: int) -> _Special:
    """The lattice (when either side needs it) and the breakpoints with points around them,
    both sides evaluated there."""
    if not doms:
        return _Special(None, True)
    from quizgen.maths import breakpoints

    parts: list[tuple[dict[str, np.ndarray], np.ndarray]] = []
    sure = True
    if _needs_lattice(expected, answer):
        from quizgen.maths.sampling import lattice_points

        lattice = lattice_points(doms, seed)
        parts.append((lattice, np.ones(next(iter(lattice.values())).size, dtype=bool)))
    # lines through the random points where the expected value is defined, first
    order = np.argsort(~exp.ok, kind="stable")
    base = {k: v[order] for k, v in env.items()}
    found = breakpoints.find(expected, answer, doms, base)
    if found is not None:
        sure = found.sure
        if found.size:
            parts.append((found.env, found.exact))
    if not parts:
        return _Special(None, sure)
    names = sorted(doms)
    special_env = {n: np.concatenate([p[0][n] for p in parts]) for n in names}
    exact = np.concatenate([p[1] for p in parts])
    size = exact.size
    e = evaluate_sample(expected, special_env, size, natural=True)
    a = evaluate_sample(answer, special_env, size)
    return _Special(_Points(special_env, e, a, exact, np.zeros(size, dtype=bool), exact), sure)


# ------------------------------------------------------------------------------------ deciding

def _point(env: Mapping[str, np.ndarray], i: int) -> dict[str, float]:
    return {k: float(v[i]) for k, v in env.items()}


def _decide(expected: Node, answer: Node, doms: Mapping[str, str], points: _Points,
            special: _Special, seed: int, prove: bool, want_relation: bool,
            limits: Limits) -> EquivResult:
    needed = MIN_POINTS if doms else 1
    exp_s, ans_s, env = points.expected, points.answer, points.env
    result = EquivResult("undecided", "undecided", seed, 0, breakpoints_sure=special.sure)
    result.special_points = int((~points.random).sum())

    # 1. Domains: the answer has no real value where the expected one has.
    domain = _domain_difference(expected, answer, points)
    if domain is not None:
        i, value = domain
        result = _different_domain(result, answer, {"point": _point(env, i),
                                                    "expected": value, "answer": "undefined"})
        # nowhere defined (sqrt(-1), log(-1 - x^2)): no point where the answer has a value
        result.undefined_everywhere = not bool(
            (exp_s.ok & (ans_s.ok | ans_s.unknown)).any())
        return result

    # 2. Values where both are defined: random points and points beside breakpoints.
    both = np.flatnonzero(exp_s.ok & ans_s.ok & ~points.loose)
    e = exp_s.values[both]
    a = ans_s.values[both]
    scale = np.maximum(exp_s.scale[both], ans_s.scale[both])
    magnitude = np.maximum(np.abs(a), np.abs(e))
    size = np.maximum(magnitude, scale)
    gap = np.abs(a - e)
    listed = both[points.random[both]][:N_POINTS]
    result.n_points = int(listed.size)
    result._where = (env, listed)  # listed only when a verdict's detail is built
    # Only agreement relative to the values themselves confirms. The cancellation allowance
    # (``scale``) is under the answer's control (``x + 1e300*y - 1e300*y``): a point that agrees
    # only thanks to it proves nothing, so it is "near" and goes to high precision.
    close = gap <= RTOL * magnitude + 1e-12
    far = gap > FAR * size + 1e-12
    if far.any():
        i = int(both[int(np.flatnonzero(far)[0])])
        if _overflowed(exp_s, ans_s, i):
            far = np.zeros_like(far)  # inf - inf or 1e308-sized values: decide in high precision
    if far.any():
        result.status, result.method = "different", "sampled"
        result.counterexample = {"point": _point(env, i), "expected": float(exp_s.values[i]),
                                 "answer": float(ans_s.values[i])}
        on_random = both[points.random[both]]
        result._arrays = (exp_s.values[on_random], ans_s.values[on_random],
                          {k: v[on_random] for k, v in env.items()},
                          np.maximum(exp_s.scale[on_random], ans_s.scale[on_random]))
        if want_relation:
            result.find_relation()
        return result

    # 3. Values at the lattice and at the breakpoints themselves.
    counter = _loose_difference(points)
    if counter is not None:
        result.status, result.method = "different", "sampled"
        result.counterexample = counter
        return result

    # 4. Points where floats cannot tell (overflow; a zero that may be an underflow), in high
    #    precision: beside breakpoints first, then random points.
    from quizgen.maths.breakpoints import is_piecewise

    piecewise = is_piecewise(expected, answer)
    checked = _unknown_points(expected, answer, points, piecewise)
    if checked.counter is not None:
        result.status, result.method = "different", "sampled"
        result.counterexample = checked.counter
        result.precise = True
        return result
    if checked.domain is not None:
        defined_somewhere = checked.answer_defined > 0 or bool((exp_s.ok & ans_s.ok).any())
        result = _different_domain(result, answer, checked.domain)
        result.undefined_everywhere = not defined_somewhere
        return result
    blows_up = checked.uncomputed > 0 and both.size + checked.agreed < needed
    if checked.agreed_random:  # points where high precision stood in for floats are listed too
        listed = np.sort(np.concatenate([listed, checked.agreed_random]))[:N_POINTS]
        result.n_points, result._where = int(listed.size), (env, listed)

    # 5. Near agreement, rounded decimals, big exact numbers: high precision at a few points.
    #    Where the expected expression is defined on a thin set ((-2)^n for real n: integers),
    #    too few random points are usable: lattice values that agree closely count too.
    agreeing = both.size + checked.agreed
    if agreeing < needed:
        agreeing += _close_loose(points)
    sampled_ok = bool(close.all()) and agreeing >= needed and not blows_up
    precise = None
    big = _big_points(points, random=piecewise)
    offsets = piecewise and _literal_digits(expected, answer)[0]
    big += [i for i in _loose_near(points, offsets) if i not in big]
    # a term floats never see (1 + exp(-x^2 - 40) against 1): where it is largest, in high
    # precision, with the digits it needs (see _mp_compare)
    hidden = frozenset(exp_s.hidden + ans_s.hidden)
    big += [i for i in dict.fromkeys(exp_s.hidden + ans_s.hidden) if i not in big]
    wants = not sampled_ok or _wants_precision(expected, answer, gap, magnitude)
    if wants or big:
        # only big values to look at: they alone can hide a difference of 1 from floats
        precise = _precise(expected, answer, points, both, close, needed, sampled_ok,
                           big, only_big=not wants, absolute=piecewise, hidden=hidden)
    if precise is not None and precise[0] == "different":
        i = precise[1]
        result.status, result.method = "different", "sampled"
        result.near = bool(i in set(both.tolist()))  # float sampling could not tell them apart
        result.counterexample = {"point": _point(env, i), "expected": precise[2],
                                 "answer": precise[3]}
        result.precise = True
        result.domain = precise[3] == "undefined"
        return result
    decided = (precise is not None and precise[0] == "equivalent") or (
        sampled_ok and (precise is None or precise[0] == "unchecked"))
    # a piecewise part whose special points high precision could not compute (a breakpoint
    # where the values have more digits than we afford): the jump there is unseen
    result.breakpoints_sure = special.sure and not (piecewise and checked.uncomputed_special)
    result.beyond_precision = _beyond_precision(expected, answer)
    if decided and result.breakpoints_sure and not result.beyond_precision:
        result.status, result.method = "equivalent", "sampled"
        return result
    result.near = bool((~close).any()) or (precise is not None and precise[0] == "near")
    result.blows_up = blows_up or (precise is not None and precise[:2] == ("unknown", "overflow"))
    # a term, a jump or a constant whose digits high precision cannot afford (1 + exp(-x^2 - 10^9))
    result.beyond_precision |= precise is not None and precise[:2] == ("unknown", "digits")
    proved = None
    if prove:
        from quizgen.maths.proof import prove_equal

        result.proof_attempted = True
        proved = prove_equal(expected, answer, doms, limits)
    if proved is True:
        result.status, result.method = "equivalent", "proved"
    elif proved is False:
        result.status, result.method = "different", "proved"
        if both.size:
            i = int(both[int(np.argmax(~close))])
            result.counterexample = {"point": _point(env, i), "expected": _number(exp_s.values[i]),
                                     "answer": _number(ans_s.values[i])}
    return result


def _mp_point(pts: _Points, i: int) -> dict[str, Any]:
    """The point for high precision: an exact special point's values as the small fractions
    they stand for (the lattice's 1/3 is not the float 0.333...; (-1)^(3*(1/3)) is real)."""
    point = _point(pts.env, i)
    if not pts.exact[i]:
        return point
    from fractions import Fraction

    out: dict[str, Any] = {}
    for k, v in point.items():
        f = Fraction(v).limit_denominator(1000)
        out[k] = f if abs(float(f) - v) <= 4e-16 * abs(v) else v
    return out


def _domain_difference(expected: Node, answer: Node, pts: _Points) -> tuple[int, Any] | None:
    """A point where the expected value is defined and the answer has a domain error (log of a
    negative number, ...), confirmed in high precision: (index, expected value)."""
    candidates = np.flatnonzero(pts.expected.ok & pts.answer.undefined)
    for i in candidates[:DOMAIN_CONFIRMATIONS]:
        point = _mp_point(pts, int(i))
        e = _mp_value(expected, point, natural=True)
        if e is None or e == "unknown":
            continue
        a = _mp_value(answer, point)
        if a is None:
            return int(i), _number(e[0])
    return None


def _different_domain(result: EquivResult, answer: Node, counter: dict[str, Any]) -> EquivResult:
    result.status, result.method = "different", "sampled"
    result.domain = True
    result.counterexample = counter
    result.undefined_part = _undefined_part(answer, counter["point"])
    return result


def _loose_difference(pts: _Points) -> dict[str, Any] | None:
    """Both defined at a lattice value or a breakpoint itself and different beyond
    :data:`EXACT_FAR` (relative): values there come from exact inputs, but next to a kink."""
    e, a = pts.expected, pts.answer
    both = e.ok & a.ok & pts.loose
    gap = np.abs(a.values - e.values)
    size = np.maximum(np.maximum(np.abs(a.values), np.abs(e.values)),
                      np.maximum(a.scale, e.scale))
    bad = np.flatnonzero(both & (gap > EXACT_FAR * size + 1e-9) & (size < 1e300))
    if not bad.size:
        return None
    i = int(bad[0])
    return {"point": _point(pts.env, i), "expected": float(e.values[i]),
            "answer": float(a.values[i])}


def _close_loose(pts: _Points) -> int:
    """How many lattice values and breakpoints agree as closely as random points must."""
    e, a = pts.expected, pts.answer
    both = e.ok & a.ok & pts.loose
    gap = np.abs(a.values - e.values)
    return int((both & (gap <= RTOL * np.maximum(np.abs(a.values), np.abs(e.values)) + 1e-12)).sum())


@dataclass
class _Checked:
    counter: dict[str, Any] | None = None  # both defined, different values
    domain: dict[str, Any] | None = None  # the expected value defined, the answer not
    agreed: int = 0
    agreed_random: list[int] = field(default_factory=list)  # indices of random points agreeing
    answer_defined: int = 0
    uncomputed: int = 0
    uncomputed_special: int = 0  # of those, special points (beside a breakpoint, the lattice)


def _unknown_points(expected: Node, answer: Node, pts: _Points, absolute: bool = False) -> _Checked:
    """High precision where floats cannot tell: the expected value or the answer is neither
    defined nor a domain error (overflow, inf - inf, a division by a zero that may be an
    underflow). Poles of the answer at exact points are removable: not checked. Points beside
    breakpoints first, then random points."""
    out = _Checked()
    e, a = pts.expected, pts.answer
    # an exact point is exempt only where the answer has no float value there (a removable pole);
    # where the answer has one and the expected value overflowed, high precision must look
    unknown = ((e.unknown & ~a.undefined) | (e.ok & a.unknown)) & ~(pts.exact & ~a.ok)
    order = np.flatnonzero(unknown)
    order = np.concatenate([order[~pts.random[order]], order[pts.random[order]]])
    dps = min(_working_dps(expected, answer), MP_MAX_DPS)
    rest = order[MP_CHECKS:]  # not computed: count as such
    out.uncomputed, out.uncomputed_special = rest.size, int((~pts.random[rest]).sum())
    for i in order[:MP_CHECKS]:
        i = int(i)
        point = _point(pts.env, i)
        outcome = _mp_compare(expected, answer, point, dps, absolute)
        if outcome[0] == "skip":
            continue
        if outcome[0] in ("unknown", "near"):  # beyond what is computed, or cancellation
            out.uncomputed += 1                 # beyond 1500 digits: no conclusion here
            out.uncomputed_special += int(not pts.random[i])
            continue
        if outcome[0] == "different" and outcome[2] == "undefined":
            if out.domain is None:
                out.domain = {"point": point, "expected": outcome[1], "answer": "undefined"}
            continue
        out.answer_defined += 1
        if outcome[0] == "different":
            out.counter = {"point": point, "expected": outcome[1], "answer": outcome[2]}
            return out
        out.agreed += 1
        if pts.random[i]:
            out.agreed_random.append(i)
    return out


def _undefined_part(answer: Node, point: Mapping[str, float]) -> str | None:
    """The smallest part of ``answer`` with no real value at ``point`` (``log(y)``), for
    feedback (in high precision, so an overflow is not taken for it); None when not found."""
    from quizgen.maths.display import to_unicode
    from quizgen.maths.nodes import children, walk

    nodes = [n for n in walk(answer) if children(n)]
    if len(nodes) > 60:
        return None
    undefined = {id(n): _mp_value(n, point) is None for n in nodes}
    best = None
    for n in nodes:
        if undefined[id(n)] and not any(undefined.get(id(c), False) for c in children(n)):
            text = to_unicode(n)
            if best is None or len(text) < len(best):
                best = text
    return best


#: decimal digits for the high-precision check (more when the answer types long numbers)
MP_DPS = 50
MP_POINTS = 3


def _mp_value(node: Node, point: Mapping[str, float], natural: bool = False):  # type: ignore[no-untyped-def]
    from quizgen.maths.evaluate import mp_evaluate

    return mp_evaluate(node, point, min(_working_dps(node), MP_MAX_DPS), natural)


def _overflowed(exp_s: Evaluation, ans_s: Evaluation, i: int) -> bool:
    big = 1e300
    return bool(abs(exp_s.values[i]) > big or abs(ans_s.values[i]) > big
                or exp_s.scale[i] > big or ans_s.scale[i] > big)


def _literal_digits(*nodes: Node) -> tuple[bool, int]:
    """(whether a decimal literal, a large integer or a constant far from 1 appears, the most
    digits one of them needs). ``10^-20`` counts like ``0.00000000000000000001``:
    ``x*(1 + 10^-20)`` is not ``x``; so does ``exp(-100)``: ``x + exp(-100)`` is not ``x``."""
    found = [_literal_digits_of(node) for node in nodes]
    return any(seen for seen, _ in found), max((most for _, most in found), default=0)


def _working_dps(*nodes: Node) -> int:
    """Digits for the high-precision check: enough to see every literal and constant of the
    two sides next to a value of order 1 (may exceed :data:`MP_MAX_DPS`: see
    :func:`_beyond_precision`)."""
    return max(MP_DPS, 2 * _literal_digits(*nodes)[1] + 30)


def _beyond_precision(*nodes: Node) -> bool:
    """A constant too small or too large for the precision we afford (``exp(-10^4)``,
    ``10^-2000``): added to anything, it is invisible to every numeric check, so sampling
    cannot say *equivalent*."""
    return _working_dps(*nodes) > MP_MAX_DPS


@per_node()
def _literal_digits_of(node: Node) -> tuple[bool, int]:
    from quizgen.maths.nodes import Num, walk

    seen, most = False, 0
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
    for digits in _constant_sizes(node):
        if digits >= 6:
            seen, most = True, max(most, digits)
    return seen, most


#: digits counted for a constant high precision cannot even compute (exp(exp(100)))
_UNCOMPUTABLE = 10**9


def _constant_sizes(node: Node) -> list[int]:
    """Decimal digits each largest sub-expression without symbols that is more than a number
    needs: its numerator's or denominator's length when it is rational (``1 + 10^-20``,
    ``2^40/3``), otherwise the size of its decimal exponent (``exp(-100)``: 44), and so for
    the parts of one that is not rational (``1 + exp(-100)``)."""
    from quizgen.maths.nodes import children

    symbolic = symbol_ids(node)
    out: list[int] = []
    stack = [node]
    while stack:
        n = stack.pop()
        kids = children(n)
        if not kids:
            continue
        if id(n) in symbolic:
            stack.extend(kids)
        else:
            out += _part_sizes(n)
    return out


@functools.lru_cache(maxsize=4096)
def _part_sizes(part: Node) -> tuple[int, ...]:
    """:func:`_constant_sizes` of a part without symbols, remembered by its structure: answers
    to one question repeat the same constants (``log(67/10)``, ``log(2*pi)/2``)."""
    from quizgen.maths.evaluate import _fold, exact_value, mp_evaluate
    from quizgen.maths.nodes import children

    out = []
    stack = [part]
    while stack:
        n = stack.pop()
        kids = children(n)
        if not kids:
            continue
        try:
            value = exact_value(n)
        except ZeroDivisionError:
            stack.extend(kids)
            continue
        except ArithmeticError:  # not rational, or more than MAX_EXACT_DIGITS digits
            stack.extend(kids)  # 1 + exp(-100) is 1 to floats: its parts are looked at too
            folded = _fold(n)
            if folded is not None and folded[1]:
                continue  # no real value: the domain checks see it
            v = None if folded is None else abs(folded[0])
            if v is not None and 1e-6 <= v <= 1e6:
                continue
            got = mp_evaluate(n, {}, 30)
            if got == "unknown":
                out.append(_UNCOMPUTABLE)
            elif isinstance(got, tuple) and got[0] != 0:
                import mpmath

                out.append(abs(int(mpmath.floor(mpmath.log10(abs(got[0]))))) + 1)
            continue
        out.append(max(len(str(abs(value.numerator))), len(str(value.denominator))))
    return tuple(out)


@per_node()
def _float_printed(node: Node) -> bool:
    """A decimal with 15+ significant digits in the expected expression: a printed binary float,
    so the key itself is not exact and only the float tolerance applies."""
    from quizgen.maths.nodes import Num, walk

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


#: values above this size hide a difference of 1 from floats (below 1e-12 of them): some of the
#: largest agreeing ones are checked in high precision, see :func:`_big_points`
BIG = 1e12
BIG_POINTS = 2


def _big_points(pts: _Points, random: bool = True) -> list[int]:
    """Agreeing points whose values are large enough to hide a difference of 1 from floats:
    the special ones (beside each breakpoint, the lattice) first, up to :data:`BIG_SPECIAL`,
    then (``random``: when a side is piecewise) the :data:`BIG_POINTS` largest random ones, at
    any size. High precision compares them relatively, or, when a side has a piecewise part
    (whose jump may sit on any size), to about 30 digits after the point (see
    :func:`_mp_compare`). Without a piecewise part the largest random values need no such
    check: a difference they hide from floats either shows at another random point (a gap
    above 1e-13 of the values sends the worst points to high precision) or is below 1e-13 at
    every one, which only a part floats never see (a term of a sum, what a function or a power
    drops, each looked for where it is largest) or a constant far from 1 (whose digits set the
    precision) can give."""
    e, a = pts.expected, pts.answer
    size = np.maximum(np.abs(e.values), np.abs(a.values))
    agree = e.ok & a.ok & (np.abs(a.values - e.values) <= RTOL * size + 1e-12)
    big = np.flatnonzero(agree & (size > BIG) & np.isfinite(size))
    big = big[np.argsort(-size[big], kind="stable")]
    special = big[~pts.random[big]][:BIG_SPECIAL]
    if not random:
        return [int(i) for i in special]
    return [int(i) for i in special] + [int(i) for i in big[pts.random[big]][:BIG_POINTS]]


#: special points with large values checked in high precision
BIG_SPECIAL = 12


def _loose_near(pts: _Points, offsets: bool) -> list[int]:
    """Lattice values and breakpoints themselves where the two sides differ by more than
    float rounding but less than :data:`EXACT_FAR`: a jump of 1 on a value of 10^8 looks like
    rounding next to a kink; high precision tells (the :data:`MP_NEAR` largest relative gaps).
    ``offsets``: a side has a long literal or a constant far from 1 next to a piecewise part,
    which floats may drop from its argument (``ceil((x + 10^-7)/7)`` at x = 7*10^11 is
    ``ceil(x/7) + 1``, and floats see ``x``): the :data:`MP_NEAR` largest breakpoints too."""
    e, a = pts.expected, pts.answer
    both = e.ok & a.ok & pts.loose
    gap = np.abs(a.values - e.values)
    size = np.maximum(np.abs(a.values), np.abs(e.values))
    near = np.flatnonzero(both & (gap > 1e-13 * size + 1e-12) & np.isfinite(gap))
    with np.errstate(all="ignore"):
        rel = gap[near] / np.maximum(size[near], 1e-300)
    out = [int(i) for i in near[np.argsort(-rel, kind="stable")][:MP_NEAR]]
    if offsets:
        rest = np.flatnonzero(both & np.isfinite(size))
        rest = rest[np.argsort(-size[rest], kind="stable")]
        out += [int(i) for i in rest[:MP_NEAR] if int(i) not in out]
    return out


def _precise(expected: Node, answer: Node, pts: _Points, both: np.ndarray, close: np.ndarray,
             needed: int, sampled_ok: bool, big: list[int] = (),  # type: ignore[assignment]
             only_big: bool = False, absolute: bool = False,
             hidden: frozenset[int] = frozenset()) -> tuple | None:
    """Compare at a few points with mpmath. Returns ("different", i, e, a), ("equivalent",),
    ("near",), ("unknown", "overflow" | "digits"), ("unchecked",) or None (nothing to check).

    Checked: the points where floats did not agree closely (the worst :data:`MP_NEAR` of them
    when enough others agree closely, up to 8 otherwise), then :data:`MP_POINTS` more, those
    with the largest relative gap first (x + H(x - 10^9) against x: 1 in 10^9), then those
    with the most cancellation, then ``big`` (large values, breakpoints that differ by a
    little). ``only_big``: floats agree closely everywhere and nothing calls for high
    precision but ``big``: those alone are checked. ``absolute``: see :func:`_mp_compare`."""
    if _float_printed(expected):
        return ("unchecked",)
    dps = min(_working_dps(expected, answer), MP_MAX_DPS)
    exp_s, ans_s = pts.expected, pts.answer
    e_f, a_f = exp_s.values[both], ans_s.values[both]
    magnitude = np.maximum(np.abs(e_f), np.abs(a_f))
    with np.errstate(all="ignore"):
        badness = np.abs(a_f - e_f) / (RTOL * magnitude + 1e-12)
        cancellation = np.maximum(exp_s.scale[both], ans_s.scale[both]) / np.maximum(magnitude, 1e-300)
    near_idx = np.flatnonzero(~close)
    enough_close = int(close.sum()) >= needed
    near_idx = near_idx[np.argsort(-badness[near_idx], kind="stable")]
    near_checked = near_idx[:MP_NEAR if enough_close else 8]
    rest = np.flatnonzero(close)  # the largest relative gaps first, then most cancellation
    rest = rest[np.lexsort((-cancellation[rest], -badness[rest]))][:0 if only_big else MP_POINTS]
    candidates = [int(both[k]) for k in near_checked] + [int(both[k]) for k in rest]
    candidates += [i for i in big if i not in candidates]
    if not candidates:
        return None  # nothing to check in high precision
    agreed = 0
    near = False
    unknown: set[str] = set()  # why: "overflow" (an argument beyond computing), "digits"
    for i in candidates:
        outcome = _mp_compare(expected, answer, _mp_point(pts, i), dps, absolute, i in hidden)
        if outcome[0] == "different":
            return ("different", i, outcome[1], outcome[2])
        if outcome[0] == "agree":
            agreed += 1
        elif outcome[0] == "near":
            near = True
        elif outcome[0] == "unknown":
            unknown.add(outcome[1] if len(outcome) > 1 else "overflow")
    if near:
        return ("near",)
    if unknown:
        return ("unknown", "digits" if "digits" in unknown else "overflow")
    if sampled_ok:
        return ("equivalent",) if agreed else None
    # floats disagreed slightly at some points (rounding in a big power, cancellation) and agree
    # closely elsewhere: the worst of those points agree in high precision, so it was rounding
    if enough_close and agreed >= min(len(near_checked), 1):
        return ("equivalent",)
    # floats were inconclusive (too few points): enough precise agreement decides
    if agreed >= needed:
        return ("equivalent",)
    return None


#: near points checked in high precision when enough other points agree closely
MP_NEAR = 3
#: the largest precision tried when 50 digits are not enough to see through cancellation
MP_MAX_DPS = 1500


def _mp_compare(expected: Node, answer: Node, point: Mapping[str, Any], dps: int,
                absolute: bool = False, hidden: bool = False) -> tuple:
    """("agree",), ("different", e, a), ("near",), ("unknown",) or ("unknown", "digits") (more
    digits needed than :data:`MP_MAX_DPS`) (or ("skip",): the expected
    value is undefined there) in high precision; when the values agree only within the
    cancellation of huge terms, once more with enough digits to see through it.

    ``absolute``: a side has a piecewise part, whose jump (``heaviside(x - 100)``: 1) may sit
    on a value too large for relative agreement to see (exp(100) ~ 2.7e43): values are then
    compared to about 30 digits after the decimal point, with as many digits as that takes,
    or the point is "unknown" beyond :data:`MP_MAX_DPS`. ``hidden``: the point is where a term
    floats never see is largest (``exp(-x^2 - 40)`` in ``1 + exp(-x^2 - 40)``): agreement counts
    only with digits enough for the smallest term of every sum ("unknown" beyond
    :data:`MP_MAX_DPS`)."""
    from quizgen.maths.evaluate import mp_evaluate

    import mpmath

    retried = False
    eps = mpmath.mpf(10) ** -(dps - 12)  # agreement to ~38 digits, also after a retry
    while True:
        thin = [mpmath.mpf(1)] if hidden else None
        e = mp_evaluate(expected, point, dps, True, thin)
        if e is None:
            return ("skip",)
        a = mp_evaluate(answer, point, dps, thin=thin)
        if e == "unknown" or a == "unknown":
            return ("unknown",)
        if a is None:
            return ("different", _number(e[0]), "undefined")
        gap = abs(a[0] - e[0])
        size = max(abs(a[0]), abs(e[0]))
        scale = max(a[1], e[1], size)
        if absolute and size > mpmath.mpf(10) ** (dps - 45):
            need = int(mpmath.log10(size)) + 46
            if need > MP_MAX_DPS:
                return ("unknown", "digits")
            dps = need
            eps = mpmath.mpf(10) ** -(dps - 12)
            continue
        if gap <= eps * size + eps:
            if thin and thin[0] < mpmath.mpf(10) ** -(dps - 45):  # a term too small to count
                need = int(-mpmath.log10(thin[0])) + 46  # at this precision: with its digits
                if need > MP_MAX_DPS:
                    return ("unknown", "digits")
                dps, eps = need, mpmath.mpf(10) ** -(need - 12)
                continue
            return ("agree",)
        if gap > mpmath.mpf(10) ** -(dps - 20) * scale + eps:  # far above rounding here
            return ("different", _number(e[0]), _number(a[0]))
        if retried or scale == 0:
            return ("near",)
        lost = int(mpmath.log10(scale)) - int(mpmath.log10(max(size, gap, mpmath.mpf(10) ** -dps)))
        more = dps + lost + 20
        if more > MP_MAX_DPS:
            return ("near",)
        dps, retried = more, True
