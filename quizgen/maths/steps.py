"""How one line of an optimisation derivation follows from the line before it.

A step from line A to line B (each an objective in the declared parameters, to be minimised or
maximised) is one of:

- **equal**: B = A at every point of the declared domains;
- **same minimiser**: B = c·A + g with c > 0, where c and g may depend on the data but not on the
  parameters ("drop a constant, scale by a positive number");
- **monotone transform**: B = h(A) for a strictly increasing h (``log`` of a positive likelihood),
  or a strictly decreasing one with min and max switched (negation);
- **invalid**: none of these. Then a *witness* shows it: two parameter values whose order the step
  reverses (so the minimiser can move), two that A ties and B separates, or a point where B is
  undefined while A is not.

Everything is decided on numbers: each line is written out for a few data sizes
(:mod:`quizgen.maths.indexed`) and evaluated at ``n_data`` data draws × ``n_param`` parameter
points per size. Within one data draw, the exact relations are fitted from two points and must
hold at every other point to ~1e-12 (relative); a near fit is settled in 50-digit arithmetic.
Order is checked on every pair of points. A general monotone h is accepted only when no pair is
reversed *and* points that A ties (found by bisection) get equal values of B. Anything short of
that is not accepted: too few defined points, or overflow, gives **undecided**, never valid.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np

from quizgen.maths.evaluate import defined, evaluate, evaluate_sample
from quizgen.maths.indexed import Declarations, World, expand, sample, worlds
from quizgen.maths.nodes import Node

KINDS = ("equal", "same_minimiser", "monotone", "invalid", "undecided")
VALID = frozenset({"equal", "same_minimiser", "monotone"})

N_DATA = 6
N_PARAM = 24
CLEAN = 1e-11  # relative misfit below which a fit holds (floats)
NEAR = 1e-6  # relative misfit below which 50-digit arithmetic decides
CLEAR = 1e-6  # relative gap for two values to count as ordered
MP_DPS = 50


@dataclass(frozen=True)
class Relation:
    """The verdict on one step.

    ``kind``: one of :data:`KINDS`; ``direction``: +1 when B increases with A, -1 when it
    decreases, 0 unknown; ``transform``: "affine", "log", "exp", "monotone" or None;
    ``factor``: the positive multiple c when it is the same number in every data draw;
    ``witness``: for an invalid step, what shows it (see :func:`describe_witness`);
    ``reason``: one sentence for the student."""

    kind: str
    direction: int = 0
    transform: str | None = None
    factor: float | None = None
    offset: bool = False  # a term constant in the parameters was added or dropped
    witness: dict[str, Any] | None = None
    reason: str = ""

    @property
    def valid(self) -> bool:
        return self.kind in VALID


@dataclass
class _Sampled:
    """One line's values in one world: (n_data, n_param) arrays."""

    node: Node  # the line written out for this world
    values: np.ndarray  # real part
    ok: np.ndarray  # defined (finite, real)
    undefined: np.ndarray  # no real value (a domain error somewhere), as opposed to unknown
    scale: np.ndarray


@dataclass
class Space:
    """The sampled worlds of one question and one answer: every line of the answer is evaluated
    at the same points (seeded by the caller from the key and the answer text)."""

    decl: Declarations
    seed: int
    n_data: int = N_DATA
    n_param: int = N_PARAM
    _worlds: list[World] = field(default_factory=list)
    _envs: list[dict[str, np.ndarray]] = field(default_factory=list)
    _cache: dict[Node, list[_Sampled]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        rng = np.random.default_rng(self.seed)
        self._worlds = worlds(self.decl)
        self._envs = [sample(self.decl, w, rng, self.n_data, self.n_param) for w in self._worlds]

    @property
    def size(self) -> int:
        return self.n_data * self.n_param

    def values(self, node: Node) -> list[_Sampled]:
        """``node`` evaluated in every world (cached). Raises what :func:`expand` raises."""
        got = self._cache.get(node)
        if got is None:
            got = []
            shape = (self.n_data, self.n_param)
            for world, env in zip(self._worlds, self._envs):
                written = expand(node, self.decl, world)
                with np.errstate(all="ignore"):
                    result = evaluate_sample(written, env, self.size)
                    # a value of 0 or below 1e-290 may be an underflow (a product of densities):
                    # such a point is not used, rather than trusted
                    ok = result.ok & ~(np.abs(result.values) < 1e-290)
                got.append(_Sampled(written, result.values.reshape(shape), ok.reshape(shape),
                                    result.undefined.reshape(shape), result.scale.reshape(shape)))
            if len(self._cache) > 256:
                self._cache.clear()
            self._cache[node] = got
        return got

    def point(self, w: int, d: int, j: int) -> dict[str, float]:
        """The values of every symbol at point ``j`` of data draw ``d`` in world ``w``."""
        i = d * self.n_param + j
        return {k: float(v[i].real) for k, v in self._envs[w].items()}

    def at(self, w: int, d: int, params: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        """An environment for new parameter points in draw ``d`` of world ``w``."""
        n = len(next(iter(params.values())))
        base = self._envs[w]
        i = d * self.n_param
        return {k: (params[k] if k in params else np.full(n, base[k][i])) for k in base}

    def world(self, w: int) -> World:
        return self._worlds[w]

    def is_param(self, name: str) -> bool:
        family = name.partition("[")[0]
        s = self.decl.symbols.get(family)
        return bool(s and s.param)


# ---------------------------------------------------------------- the relation of two lines
def relate(space: Space, before: Node, after: Node, switched: bool = False) -> Relation:
    """How ``after`` follows from ``before``; ``switched``: the step changes min to max or back
    (then a decreasing relation is the valid one)."""
    want = -1 if switched else 1
    a_all, b_all = space.values(before), space.values(after)
    # 0. a line that is exactly 0 wherever the previous one has a value does not depend on the
    #    parameters (such values are otherwise set aside as possible underflows)
    for w, (a, b) in enumerate(zip(a_all, b_all)):
        zero = b.values == 0
        if a.ok.any() and zero[a.ok].all():
            return Relation("invalid", witness=_flat_witness(space, a_all, b_all,
                                                             [a.ok for a in a_all], _all_draws(space)),
                            reason="the new line does not depend on the parameters")
    # 1. B must be defined wherever A is
    for w, (a, b) in enumerate(zip(a_all, b_all)):
        bad = a.ok & b.undefined  # unknown values (overflow, underflow) are set aside instead
        if bad.any():
            witness = _undefined_witness(space, w, a, b, bad)
            if witness is not None:
                return Relation("invalid", witness=witness,
                                reason="the new line is undefined where the previous one is defined")
    usable = [a.ok & b.ok for a, b in zip(a_all, b_all)]
    draws = [(w, d) for w, u in enumerate(usable) for d in range(space.n_data)
             if u[d].sum() >= max(4, space.n_param // 2)]
    if len(draws) < max(2, len(usable) * space.n_data // 2):
        return Relation("undecided", reason="too few points where both lines have a value")
    # 2. equal
    equal = _equal(space, a_all, b_all, usable, draws)
    if equal is True:
        return Relation("equal", 1, "affine", 1.0) if want == 1 else _switched_only(
            space, a_all, b_all, usable, draws, want)
    # 3. B = c·A + g, c constant in the parameters, within each draw
    near_miss = False
    fits = _fit(space, a_all, b_all, usable, draws, lambda v: v, before, after, None)
    if fits.flat:
        return Relation("invalid", witness=_flat_witness(space, a_all, b_all, usable, draws),
                        reason="the new line does not depend on the parameters")
    if fits.holds:
        return _from_fit(space, fits, want, "affine", a_all, b_all, usable, draws)
    near_miss |= fits.near_miss
    # 4. B = c·T(A) + g for a named increasing T
    for name, transform, domain_ok in _TRANSFORMS:
        if not all(domain_ok(a_all[w].values[d][usable[w][d]]).all() for w, d in draws):
            continue
        fits = _fit(space, a_all, b_all, usable, draws, transform, before, after, name)
        if fits.holds:
            return _from_fit(space, fits, want, name, a_all, b_all, usable, draws)
        near_miss |= fits.near_miss
    # 5. a general strictly monotone function: no pair reversed, ties kept
    direction = _order_direction(a_all, b_all, usable, draws)
    if direction == 0 or direction != want:
        witness = _reversal(space, a_all, b_all, usable, draws, want)
        if witness is None:
            witness = _ties(space, before, after, a_all, usable, draws)[0]
        if witness is None:
            return Relation("undecided", reason="no point shows the step wrong, and it is not "
                                                "one of the relations that can be confirmed")
        return Relation("invalid", direction, witness=witness, reason=_reversal_reason(witness, want))
    tie, checked = _ties(space, before, after, a_all, usable, draws)
    if tie is not None:
        return Relation("invalid", witness=tie, reason="the new line is not a function of the "
                        "previous one: it separates two parameter values the previous line ties")
    if near_miss or not checked:
        return Relation("undecided", reason="the step keeps the order at every sampled pair, "
                                            "but it could not be confirmed as a monotone function")
    return Relation("monotone", direction, "monotone")


def _switched_only(space, a_all, b_all, usable, draws, want) -> Relation:
    witness = _reversal(space, a_all, b_all, usable, draws, want)
    return Relation("invalid", 1, witness=witness,
                    reason="min and max were switched, but the line was not negated")


def _reversal_reason(witness: Mapping[str, Any], want: int) -> str:
    if witness.get("kind") == "tie":
        return ("the new line is not a function of the previous one: it separates two parameter "
                "values the previous line ties")
    return "the step reverses the order of two parameter values, so it can move the minimiser"


# ---------------------------------------------------------------- tests
def _rel_gap(gap: np.ndarray, *sizes: np.ndarray) -> np.ndarray:
    size = np.maximum.reduce([np.abs(s) for s in sizes])
    with np.errstate(all="ignore"):
        return gap / np.maximum(size, 1e-300)


def _rows(draws, w: int) -> np.ndarray:
    return np.array([d for ww, d in draws if ww == w], dtype=int)


def _equal(space, a_all, b_all, usable, draws) -> bool | None:
    """True: equal (confirmed in high precision where floats were not clean); False: not."""
    near: list[tuple[int, int, int]] = []
    for w, (a, b) in enumerate(zip(a_all, b_all)):
        rows = _rows(draws, w)
        if not rows.size:
            continue
        u = usable[w][rows]
        av, bv = a.values[rows], b.values[rows]
        with np.errstate(all="ignore"):
            gap = np.abs(bv - av)
            mag = np.maximum(np.maximum(np.abs(av), np.abs(bv)), 1e-300)
            rel = np.where(u, gap / mag, 0.0)
            # allowing for cancellation (the largest term added) only makes a point "near"
            scaled = gap / np.maximum(np.maximum(mag, a.scale[rows]), b.scale[rows])
        if (scaled[u] > NEAR).any():
            return False
        worst = np.argmax(rel, axis=1)
        for r in np.flatnonzero(rel[np.arange(rows.size), worst] > CLEAN):
            near.append((w, int(rows[r]), int(worst[r])))
    with _digits():  # the arithmetic on 50-digit values in 50 digits too
        for w, d, j in near[:4]:
            point = space.point(w, d, j)
            a = _mp(a_all[w].node, point)
            b = _mp(b_all[w].node, point)
            if a is None or b is None:
                return None
            if abs(a - b) > 1e-30 * max(abs(a), abs(b), 1):
                return False
    return True


def _digits():
    import mpmath

    return mpmath.workdps(MP_DPS)


def _mp(node: Node, point: Mapping[str, float]) -> Any:
    from quizgen.maths.evaluate import mp_evaluate

    got = mp_evaluate(node, point, MP_DPS)
    if got is None or got == "unknown":
        return None
    return got[0]  # type: ignore[index]


@dataclass
class _Fits:
    holds: bool
    slopes: list[float] = field(default_factory=list)
    offsets: list[float] = field(default_factory=list)
    flat: bool = False  # B does not vary where A does (confirmed in 50 digits)
    near_miss: bool = False  # held in floats, failed in 50 digits: not a relation to rely on


def _fit(space, a_all, b_all, usable, draws, transform, before, after, name) -> _Fits:
    """Per draw: B = c·T(A) + g from the points of smallest and largest T(A), checked at the
    others; misfits between :data:`CLEAN` and :data:`NEAR` are settled in 50 digits."""
    slopes, offsets = [], []
    near: list[tuple[int, int, list[int], float, float]] = []
    flat = []
    literals = _long_literals(after)
    for w, (a, b) in enumerate(zip(a_all, b_all)):
        rows = _rows(draws, w)
        if not rows.size:
            continue
        u = usable[w][rows]
        r = np.arange(rows.size)
        bv = b.values[rows]
        with np.errstate(all="ignore"):
            t = transform(a.values[rows])
            if not np.isfinite(t[u]).all():
                return _Fits(False)
            lo = np.argmin(np.where(u, t, np.inf), axis=1)
            hi = np.argmax(np.where(u, t, -np.inf), axis=1)
            t_lo, t_hi = t[r, lo], t[r, hi]
            spread = t_hi - t_lo
            if not (spread > 1e-9 * np.maximum(np.maximum(np.abs(t_hi), np.abs(t_lo)), 1e-300)).all():
                return _Fits(False)  # A (nearly) flat in the parameters: no fit to speak of
            c = (bv[r, hi] - bv[r, lo]) / spread
            g = bv[r, lo] - c * t_lo
            if not np.isfinite(c).all() or not np.isfinite(g).all():
                return _Fits(False)
            fitted = c[:, None] * t
            misfit = np.abs(bv - (fitted + g[:, None]))
            size = np.maximum(np.maximum(np.abs(bv), np.abs(fitted)), np.abs(g)[:, None])
            rel = np.where(u, misfit / np.maximum(size, 1e-300), 0.0)
            scaled = misfit / np.maximum(np.maximum(size, b.scale[rows]),
                                         np.abs(c)[:, None] * a.scale[rows])
            if (scaled[u] > NEAR).any():
                return _Fits(False)
            top = np.max(np.where(u, np.abs(bv), 0.0), axis=1)
            varies = np.abs(bv[r, hi] - bv[r, lo]) > NEAR * np.maximum(top, 1e-300)
        worst = np.argmax(rel, axis=1)
        for k in range(rows.size):
            d = int(rows[k])
            if not varies[k]:  # B (nearly) the same at both ends: flat, or a large constant added
                flat.append((w, d, int(lo[k]), int(hi[k])))
            if rel[k, worst[k]] > CLEAN or literals or not varies[k]:
                near.append((w, d, [int(lo[k]), int(hi[k]), int(worst[k])], float(c[k]), float(g[k])))
        slopes.extend(float(v) for v in c)
        offsets.extend(float(v) for v in g)
    with _digits():
        return _settle(space, a_all, b_all, usable, name, flat, near, slopes, offsets)


def _settle(space, a_all, b_all, usable, name, flat, near, slopes, offsets) -> _Fits:
    """The fits that floats could not settle, in 50 digits (called inside :func:`_digits`)."""
    for w, d, j0, j1 in flat[:2]:  # flat only if flat in 50 digits too
        b0, b1 = (_mp(b_all[w].node, space.point(w, d, j)) for j in (j0, j1))
        if b0 is None or b1 is None:
            return _Fits(False, near_miss=True)
        if abs(b1 - b0) <= 1e-30 * max(abs(b0), abs(b1), 1):
            return _Fits(False, flat=True)
    for w, d, (j0, j1, j2), c_float, _g in near[:4]:
        if j2 in (j0, j1):
            j2 = next(j for j in np.flatnonzero(usable[w][d]) if j not in (j0, j1))
        a_vals, b_vals = [], []
        for j in (j0, j1, j2):
            point = space.point(w, d, int(j))
            a, b = _mp(a_all[w].node, point), _mp(b_all[w].node, point)
            if a is None or b is None:
                return _Fits(False)
            a_vals.append(_mp_transform(name, a))
            b_vals.append(b)
        if any(v is None for v in a_vals):
            return _Fits(False)
        c = (b_vals[1] - b_vals[0]) / (a_vals[1] - a_vals[0])
        g = b_vals[0] - c * a_vals[0]
        if abs(b_vals[2] - (c * a_vals[2] + g)) > 1e-30 * max(abs(b_vals[2]), abs(c * a_vals[2]), 1):
            return _Fits(False, near_miss=True)
        if (c > 0) != (c_float > 0):
            return _Fits(False, near_miss=True)  # floats could not tell the sign of the slope
    return _Fits(True, slopes, offsets)


@functools.lru_cache(maxsize=4096)
def _long_literals(node: Node) -> bool:
    """A long decimal or a large exact constant: floats could hide a difference (cached: lines
    repeat across a class)."""
    from quizgen.maths.equiv import _literal_digits

    return _literal_digits(node)[0]


def _mp_transform(name: str | None, value: Any) -> Any:
    import mpmath

    if name is None:
        return value
    if name == "log":
        return mpmath.log(value) if value > 0 else None
    if name == "exp":
        return mpmath.exp(value)
    return None


def _from_fit(space, fits: _Fits, want: int, name: str, a_all, b_all, usable, draws) -> Relation:
    signs = {int(np.sign(c)) for c in fits.slopes}
    tiny = [abs(c) for c in fits.slopes]
    if 0 in signs or min(tiny) == 0:
        return Relation("invalid", witness=_flat_witness(space, a_all, b_all, usable, draws),
                        reason="the new line does not depend on the parameters")
    if len(signs) > 1:
        witness = _reversal(space, a_all, b_all, usable, draws, want)
        return Relation("invalid", witness=witness,
                        reason="the step reverses the order of two parameter values for some "
                               "data, so it can move the minimiser")
    direction = signs.pop()
    if direction != want:
        witness = _reversal(space, a_all, b_all, usable, draws, want)
        if want == 1:
            reason = ("the sign changed (the new line decreases where the previous one "
                      "increases) but the problem still asks for the same min or max")
        else:
            reason = "min and max were switched, but the line was not negated"
        return Relation("invalid", direction, name, witness=witness, reason=reason)
    factor = fits.slopes[0] if max(fits.slopes) - min(fits.slopes) <= 1e-9 * max(tiny) else None
    offset = any(abs(g) > 1e-9 * (1 + abs(c)) for g, c in zip(fits.offsets, fits.slopes))
    if name == "affine" and direction == 1:
        return Relation("same_minimiser", 1, "affine", factor, offset)
    return Relation("monotone", direction, name, factor, offset)


def _ln(v: np.ndarray) -> np.ndarray:
    return np.log(v)


#: named increasing transforms T with the values of A they apply to
_TRANSFORMS = (
    ("log", _ln, lambda v: v > 0),
    ("exp", np.exp, lambda v: v < 700),
)


def _order_direction(a_all, b_all, usable, draws) -> int:
    """+1 if B rises with A at every clearly ordered pair, -1 if it always falls, else 0."""
    seen: set[int] = set()
    for w, d in draws:
        u = usable[w][d]
        a, b = a_all[w].values[d][u], b_all[w].values[d][u]
        da, db = _pair_gaps(a), _pair_gaps(b)
        clear = (np.abs(da) > CLEAR * _pair_size(a)) & (np.abs(db) > CLEAR * _pair_size(b))
        signs = np.sign(da * db)[clear]
        seen.update(int(s) for s in np.unique(signs))
        if len(seen) > 1:
            return 0
        flat_b = (np.abs(da) > CLEAR * _pair_size(a)) & (np.abs(db) <= 1e-12 * _pair_size(b))
        if flat_b.any():
            return 0
    return seen.pop() if len(seen) == 1 else 0


def _pair_gaps(v: np.ndarray) -> np.ndarray:
    return v[:, None] - v[None, :]


def _pair_size(v: np.ndarray) -> np.ndarray:
    m = np.abs(v)
    return np.maximum(np.maximum(m[:, None], m[None, :]), 1e-300)


# ---------------------------------------------------------------- witnesses
def _reversal(space, a_all, b_all, usable, draws, want) -> dict[str, Any] | None:
    """Two parameter points of one data draw whose order the step reverses (relative to
    ``want``), the clearest one in the smallest world."""
    for w, d in sorted(draws, key=lambda wd: (_world_weight(space, wd[0]), wd)):
        u = usable[w][d]
        idx = np.flatnonzero(u)
        a, b = a_all[w].values[d][u], b_all[w].values[d][u]
        da, db = _pair_gaps(a), _pair_gaps(b)
        with np.errstate(all="ignore"):
            margin = np.minimum(np.abs(da) / _pair_size(a), np.abs(db) / _pair_size(b))
        bad = (da < 0) & (want * db > 0) & (margin > CLEAR)
        if bad.any():
            score = np.where(bad, margin, -1.0)
            j, k = np.unravel_index(int(np.argmax(score)), score.shape)
            return _pair_witness(space, w, d, int(idx[j]), int(idx[k]), "order",
                                 (float(a[j]), float(a[k])), (float(b[j]), float(b[k])))
        flat = (da < 0) & (np.abs(da) > CLEAR * _pair_size(a)) & (np.abs(db) <= 1e-12 * _pair_size(b))
        if flat.any():
            j, k = np.argwhere(flat)[0]
            return _pair_witness(space, w, d, int(idx[j]), int(idx[k]), "flat",
                                 (float(a[j]), float(a[k])), (float(b[j]), float(b[k])))
    return None


def _flat_witness(space, a_all, b_all, usable, draws) -> dict[str, Any] | None:
    for w, d in sorted(draws, key=lambda wd: (_world_weight(space, wd[0]), wd)):
        u = usable[w][d]
        if u.sum() < 2:
            continue
        idx = np.flatnonzero(u)
        a, b = a_all[w].values[d][u], b_all[w].values[d][u]
        j, k = int(np.argmin(a)), int(np.argmax(a))
        if a[k] - a[j] > CLEAR * max(abs(a[j]), abs(a[k])):
            return _pair_witness(space, w, d, int(idx[j]), int(idx[k]), "flat",
                                 (float(a[j]), float(a[k])), (float(b[j]), float(b[k])))
    return None


def _all_draws(space: Space) -> list[tuple[int, int]]:
    return [(w, d) for w in range(len(space._worlds)) for d in range(space.n_data)]


def _world_weight(space: Space, w: int) -> int:
    """Smaller worlds first: their witnesses are shorter to read."""
    return sum(v for _, v in space.world(w).sizes)


def _pair_witness(space, w, d, j, k, kind, before, after) -> dict[str, Any]:
    first, second = space.point(w, d, j), space.point(w, d, k)
    data = {n: v for n, v in first.items() if not space.is_param(n)}
    return {"kind": kind, "world": dict(space.world(w).sizes + space.world(w).free),
            "data": data,
            "first": {n: v for n, v in first.items() if space.is_param(n)},
            "second": {n: v for n, v in second.items() if space.is_param(n)},
            "before": list(before), "after": list(after)}


def _undefined_witness(space, w, a, b, bad) -> dict[str, Any] | None:
    """A point where A has a value and B has none (a domain error: the log of a negative
    number), confirmed in 50 digits."""
    from quizgen.maths.evaluate import mp_evaluate

    for d, j in np.argwhere(bad)[:6]:
        d, j = int(d), int(j)
        point = space.point(w, d, j)
        if mp_evaluate(b.node, point, MP_DPS) is not None:
            continue  # floats lost it, 50 digits did not
        return {"kind": "undefined", "world": dict(space.world(w).sizes + space.world(w).free),
                "data": {n: v for n, v in point.items() if not space.is_param(n)},
                "first": {n: v for n, v in point.items() if space.is_param(n)},
                "before": [float(a.values[d, j])]}
    return None


# ---------------------------------------------------------------- ties (level sets)
_TIE_WORLDS = 2
_BISECT = 48


def _ties(space, before, after, a_all, usable, draws) -> tuple[dict[str, Any] | None, int]:
    """Find parameter points where A takes the same value (bisection along two segments between
    sampled points) and check that B does too. Returns (a witness where it does not, how many
    ties were checked)."""
    checked = 0
    found = None
    ordered = sorted({w for w, _ in draws}, key=lambda w: _world_weight(space, w))
    for w in [w for w in ordered if _world_weight(space, w) > 1][:_TIE_WORLDS] or ordered[:1]:
        rows = [d for ww, d in draws if ww == w]
        segs = []
        for d in rows:
            u = usable[w][d]
            idx = np.flatnonzero(u)
            a = a_all[w].values[d][u]
            order = idx[np.argsort(a)]
            if len(order) < 4:
                continue
            target = float(np.median(a))
            # two segments from below the target to above it, with different end points
            segs.append((d, int(order[0]), int(order[-1]), target))
            segs.append((d, int(order[1]), int(order[-2]), target))
        if not segs:
            continue
        points = _bisect(space, w, a_all[w].node, segs)
        b_node = space.values(after)[w].node
        for s in range(0, len(segs), 2):
            p, q = points[s], points[s + 1]
            if p is None or q is None:
                continue
            d = segs[s][0]
            env = space.at(w, d, {k: np.array([p[k], q[k]], dtype=np.float64) for k in p})
            with np.errstate(all="ignore"):
                vals, scale = evaluate(b_node, env, 2)
                a_vals, _ = evaluate(a_all[w].node, env, 2)
            if not defined(vals, scale).all():
                continue
            checked += 1
            b1, b2 = float(vals[0].real), float(vals[1].real)
            size = max(abs(b1), abs(b2), float(scale.max()))
            if abs(b1 - b2) > 1e-7 * size:
                base = space.point(w, d, 0)
                found = {"kind": "tie", "world": dict(space.world(w).sizes + space.world(w).free),
                         "data": {n: v for n, v in base.items() if not space.is_param(n)},
                         "first": {n: float(p[n].real) for n in p},
                         "second": {n: float(q[n].real) for n in q},
                         "before": [float(a_vals[0].real), float(a_vals[1].real)],
                         "after": [b1, b2]}
                break
        if found:
            break
    return found, checked


def _bisect(space, w, a_node, segs):
    """For each segment (draw, start point, end point, target): the parameter point on it where A
    equals the target (vectorised bisection), or None where A is not continuous there."""
    params = [k for k in space._envs[w] if space.is_param(k)]
    n = len(segs)
    starts = {k: np.array([space._envs[w][k][d * space.n_param + j] for d, j, _, _ in segs])
              for k in params}
    ends = {k: np.array([space._envs[w][k][d * space.n_param + j] for d, _, j, _ in segs])
            for k in params}
    target = np.array([t for *_, t in segs])
    data_env = {k: np.array([space._envs[w][k][d * space.n_param] for d, *_ in segs])
                for k in space._envs[w] if k not in starts}
    lo, hi = np.zeros(n), np.ones(n)

    def at(t: np.ndarray) -> dict[str, np.ndarray]:
        return {**data_env, **{k: starts[k] + t * (ends[k] - starts[k]) for k in params}}

    with np.errstate(all="ignore"):
        for _ in range(_BISECT):
            mid = (lo + hi) / 2
            vals, _ = evaluate(a_node, at(mid), n)
            below = vals.real < target
            lo = np.where(below, mid, lo)
            hi = np.where(below, hi, mid)
        final = at((lo + hi) / 2)
        vals, scale = evaluate(a_node, final, n)
    ok = defined(vals, scale) & (np.abs(vals.real - target) <= 1e-9 * np.maximum(np.abs(target), scale))
    return [({k: final[k][i] for k in params} if ok[i] else None) for i in range(n)]


# ---------------------------------------------------------------- words
def describe_witness(witness: Mapping[str, Any], pretty=None) -> str:
    """The witness as a sentence for the student (``pretty``: a name -> shown name function)."""
    show = pretty or (lambda n: n)
    kind = witness.get("kind")

    def values(point: Mapping[str, float]) -> str:
        return ", ".join(f"{show(k)} = {_num(v)}" for k, v in point.items())

    data = witness.get("data") or {}
    given = f"With {values(data)}: " if data else ""
    if kind == "undefined":
        return (f"{given}at {values(witness['first'])} the previous line is "
                f"{_num(witness['before'][0])} but the new line has no value.")
    a1, a2 = witness["before"]
    b1, b2 = witness["after"]
    first, second = values(witness["first"]), values(witness["second"])
    if kind == "tie":
        return (f"{given}the previous line is {_num(a1)} both at {first} and at {second}, "
                f"but the new line is {_num(b1)} and {_num(b2)}.")
    if kind == "flat":
        return (f"{given}the previous line is {_num(a1)} at {first} and {_num(a2)} at {second}, "
                f"but the new line is {_num(b1)} at both.")
    return (f"{given}the previous line is {_num(a1)} at {first} and {_num(a2)} at {second} "
            f"(smaller first), but the new line is {_num(b1)} and {_num(b2)}: the order is "
            "reversed.")


def _num(v: float) -> str:
    return f"{v:.4g}"


def seeded(decl: Declarations, *texts: str) -> Space:
    """A :class:`Space` seeded from texts (the key and the answer): a regrade sees the same points."""
    from quizgen.maths.sampling import seed_for

    return Space(decl, seed_for(*texts))


def chain(space: Space, lines: Sequence[Node], goals: Sequence[str]) -> list[Relation]:
    """The relation of each line to the one before it (``goals``: "min"/"max" per line)."""
    return [relate(space, lines[k - 1], lines[k], goals[k] != goals[k - 1])
            for k in range(1, len(lines))]
