"""Random sample points drawn from each symbol's declared domain, reproducibly.

Domains must cover both signs and several magnitudes: sampling only in [0, 1] (as Numbas does)
accepts ``Max(0, z)`` for ``z``. The seed comes from SHA-256 of the texts being compared, never
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


_LOG = {"real": (np.log(0.1), np.log(10.0)), "positive": (np.log(0.05), np.log(20.0))}


def _magnitudes(u: np.ndarray, v: np.ndarray, w: np.ndarray, domain: str) -> np.ndarray:
    """Log-uniform magnitudes from uniforms ``u``; where ``v < 1/6``, a value near 1 instead."""
    low, high = _LOG["real" if domain == "real" else "positive"]
    values = np.exp(low + (high - low) * u)
    return np.where(v < 1 / 6, 0.8 + 0.45 * w, values)


def sample_domain(domain: str, rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` points from one domain (see :data:`quizgen.domains.DOMAINS`)."""
    return _from_uniforms(domain, rng.random((4, n)))


def _from_uniforms(domain: str, block: np.ndarray) -> np.ndarray:
    u, v, w, t = block
    if domain == "real":
        return _magnitudes(u, v, w, domain) * np.where(t < 0.5, -1.0, 1.0)
    if domain == "positive":
        return _magnitudes(u, v, w, domain)
    if domain == "nonnegative":
        return np.where(t < 0.05, 0.0, _magnitudes(u, v, w, domain))
    if domain == "unit_interval":
        edge = 10.0 ** (-2.0 - 2.0 * w)  # 1e-4 .. 1e-2
        values = 0.02 + 0.96 * u
        values = np.where(v < 0.1, edge, values)
        return np.where(v > 0.9, 1.0 - edge, values)
    if domain == "integer":
        return np.floor(u * 25.0) - 12.0
    if domain == "positive_integer":
        return np.floor(u * 20.0) + 1.0
    if domain == "nonnegative_integer":
        return np.floor(u * 21.0)
    raise ValueError(f"unknown domain {domain!r}")


def sample_points(domains: Mapping[str, str], rng: np.random.Generator,
                  n: int) -> dict[str, np.ndarray]:
    """Complex arrays of ``n`` points for every symbol (sorted by name, so order is stable)."""
    names = sorted(domains)
    block = rng.random((len(names), 4, n))
    return {name: _from_uniforms(domains[name], block[i]).astype(np.complex128)
            for i, name in enumerate(names)}


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
    reproducible random subset of that size), as complex arrays per symbol."""
    names = sorted(domains)
    values = [np.asarray(LATTICE[domains[n]]) for n in names]
    total = 1
    for v in values:
        total *= len(v)
    if not names:
        return {}
    if total <= MAX_LATTICE:
        grids = np.meshgrid(*values, indexing="ij")
        return {n: g.ravel().astype(np.complex128) for n, g in zip(names, grids)}
    rng = np.random.default_rng(seed ^ 0x5EED)
    return {n: v[rng.integers(0, len(v), MAX_LATTICE)].astype(np.complex128)
            for n, v in zip(names, values)}
