"""Random sample points drawn from each symbol's declared domain, reproducibly.

Domains must cover both signs and the whole real line: sampling only in [0, 1] (as Numbas does)
accepts ``Max(0, z)`` for ``z``, and sampling only in [0.1, 10] accepts ``max(x, 15)`` for ``15``. The seed comes from SHA-256 of the texts being compared, never
Python's ``hash()`` (salted per process), so a regrade sees the same points.
"""

from __future__ import annotations

import hashlib
from typing import Mapping

import numpy as np



def seed_for(*texts: str) -> int:
    """A 63-bit seed derived from the given texts."""
    digest = hashlib.sha256("\x1f".join(texts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") >> 1


#: Where random points come from, per domain (the shares add up to 1). Magnitudes are spread on
#: a log scale over the whole sampled range, 1e-6 to 1e12, both signs, so that a difference far
#: from 0 (``abs(x - 20)`` against ``20 - x``; ``max(x, 15)`` against ``15``) is seen; a band of
#: moderate values, values near 1 and exact small rationals (quarters: exact in binary) keep
#: ordinary identities and integer exponents well covered.
WHOLE_RANGE = (1e-6, 1e12)
MODERATE = (0.1, 10.0)
SHARES = {"moderate": 0.35, "near_one": 0.10, "quarters": 0.10, "whole": 0.45}
#: integers: most from a small range, the rest with magnitudes log-uniform up to 1e9
INTEGER_SMALL = {"integer": (-12, 12), "positive_integer": (1, 20), "nonnegative_integer": (0, 20)}
INTEGER_LARGE = 1e9
INTEGER_LARGE_SHARE = 0.35


#: where each source's share of ``v`` ends (see :func:`_magnitudes`)
_EDGES = tuple(float(e) for e in np.cumsum([SHARES["moderate"], SHARES["near_one"], SHARES["quarters"]]))


def _log_uniform(u: np.ndarray, low: float, high: float) -> np.ndarray:
    return np.exp(np.log(low) + (np.log(high) - np.log(low)) * u)


def _magnitudes(u: np.ndarray, v: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Positive magnitudes from uniforms: ``v`` picks the source (see :data:`SHARES`), ``u`` and
    ``w`` the value within it."""
    moderate = _log_uniform(u, *MODERATE)
    near_one = 0.8 + 0.45 * w
    quarters = np.floor(1.0 + 48.0 * w) / 4.0  # 1/4, 1/2, ..., 12
    whole = _log_uniform(u, *WHOLE_RANGE)
    # (np.where, not np.select: the same values, without select's broadcasting per call)
    return np.where(v < _EDGES[0], moderate,
                    np.where(v < _EDGES[1], near_one, np.where(v < _EDGES[2], quarters, whole)))


def _integers(domain: str, u: np.ndarray, v: np.ndarray, t: np.ndarray) -> np.ndarray:
    low, high = INTEGER_SMALL[domain]
    small = np.floor(low + (high - low + 1) * u)
    smallest = 10.0 if domain == "integer" else float(high)
    large = np.floor(_log_uniform(u, smallest, INTEGER_LARGE))
    if domain == "integer":
        large = large * np.where(t < 0.5, -1.0, 1.0)
    return np.where(v < INTEGER_LARGE_SHARE, large, small)


def sample_domain(domain: str, rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` points from one domain (see :data:`quizgen.kernel.domains.DOMAINS`)."""
    return _from_uniforms(domain, rng.random((4, n)))


def _from_uniforms(domain: str, block: np.ndarray) -> np.ndarray:
    u, v, w, t = block
    if domain == "real":
        return _magnitudes(u, v, w) * np.where(t < 0.5, -1.0, 1.0)
    if domain == "positive":
        return _magnitudes(u, v, w)
    if domain == "nonnegative":
        return np.where(t < 0.05, 0.0, _magnitudes(u, v, w))
    if domain == "unit_interval":
        # mostly inside, then log-uniform distances 1e-9..1e-2 from each end, and sixteenths
        edge = _log_uniform(w, 1e-9, 1e-2)
        values = 0.02 + 0.96 * u
        values = np.where(v < 0.15, edge, values)
        values = np.where(v > 0.85, 1.0 - edge, values)
        sixteenths = np.floor(1.0 + 15.0 * w) / 16.0
        return np.where((v >= 0.15) & (v < 0.25), sixteenths, values)
    if domain in INTEGER_SMALL:
        return _integers(domain, u, v, t)
    raise ValueError(f"unknown domain {domain!r}")


def sample_points(domains: Mapping[str, str], rng: np.random.Generator,
                  n: int) -> dict[str, np.ndarray]:
    """Float arrays of ``n`` points for every symbol (sorted by name, so order is stable)."""
    names = sorted(domains)
    block = rng.random((len(names), 4, n))
    return {name: _from_uniforms(domains[name], block[i]) for i, name in enumerate(names)}


def sample_points_many(domains: Mapping[str, str], rngs: list[np.random.Generator],
                       n: int) -> list[dict[str, np.ndarray]]:
    """``[sample_points(domains, rng, n) for rng in rngs]``, the same values (each generator
    draws what it would draw alone), turned into points in one pass (read-only arrays)."""
    names = sorted(domains)
    joined = np.concatenate([rng.random((len(names), 4, n)) for rng in rngs], axis=2)
    columns = {name: _from_uniforms(domains[name], joined[i]) for i, name in enumerate(names)}
    for column in columns.values():
        column.setflags(write=False)
    return [{name: columns[name][k * n:(k + 1) * n] for name in names} for k in range(len(rngs))]


#: Small exact values per domain, where power rules, roots, kinks and integer-only identities
#: show their domains: negative bases with integer and non-integer exponents, 0, ±1, halves.
LATTICE: dict[str, tuple[float, ...]] = {
    "real": (-3.0, -2.0, -1.5, -1.0, -0.5, -1 / 3, 0.0, 1 / 3, 0.5, 1.0, 1.5, 2.0, 3.0),
    "positive": (1 / 3, 0.5, 1.0, 1.5, 2.0, 3.0),
    "nonnegative": (0.0, 1 / 3, 0.5, 1.0, 1.5, 2.0, 3.0),
    "unit_interval": (0.25, 1 / 3, 0.5, 2 / 3, 0.75),
    "integer": (-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0),
    "positive_integer": (1.0, 2.0, 3.0, 4.0, 5.0, 6.0),
    "nonnegative_integer": (0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0),
}
MAX_LATTICE = 2197


def lattice_points(domains: Mapping[str, str], seed: int) -> dict[str, np.ndarray]:
    """Every combination of the lattice values (at most :data:`MAX_LATTICE`; beyond that a
    reproducible random subset of that size), as float arrays per symbol."""
    names = sorted(domains)
    values = [np.asarray(LATTICE[domains[n]]) for n in names]
    total = 1
    for v in values:
        total *= len(v)
    if not names:
        return {}
    if total <= MAX_LATTICE:
        grids = np.meshgrid(*values, indexing="ij")
        return {n: g.ravel().astype(np.float64) for n, g in zip(names, grids)}
    rng = np.random.default_rng(seed ^ 0x5EED)
    return {n: v[rng.integers(0, len(v), MAX_LATTICE)].astype(np.float64)
            for n, v in zip(names, values)}
