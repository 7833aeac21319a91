"""Random sample points drawn from each symbol's declared domain, reproducibly.

Domains must cover both signs and several magnitudes: sampling only in [0, 1] (as Numbas does)
accepts ``Max(0, z)`` for ``z``. The seed comes from SHA-256 of the texts being compared, never
Python's ``hash()`` (salted per process), so a regrade sees the same points.
"""

from __future__ import annotations

import hashlib
from typing import Mapping

import numpy as np

DOMAINS = ("real", "positive", "nonnegative", "unit_interval", "integer", "positive_integer")


def seed_for(*texts: str) -> int:
    """A 63-bit seed derived from the given texts."""
    digest = hashlib.sha256("\x1f".join(texts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") >> 1


def _magnitudes(rng: np.random.Generator, n: int, low: float, high: float) -> np.ndarray:
    """Log-uniform in [low, high], with about a sixth of the points near 1."""
    values = np.exp(rng.uniform(np.log(low), np.log(high), n))
    near_one = rng.random(n) < 1 / 6
    values[near_one] = rng.uniform(0.8, 1.25, int(near_one.sum()))
    return values


def sample_domain(domain: str, rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` points from one domain (see :data:`DOMAINS`)."""
    if domain == "real":
        return _magnitudes(rng, n, 0.1, 10.0) * rng.choice((-1.0, 1.0), n)
    if domain == "positive":
        return _magnitudes(rng, n, 0.05, 20.0)
    if domain == "nonnegative":
        values = _magnitudes(rng, n, 0.05, 20.0)
        values[rng.random(n) < 0.05] = 0.0
        return values
    if domain == "unit_interval":
        values = rng.uniform(0.02, 0.98, n)
        edge = rng.random(n)
        near0 = edge < 0.1
        near1 = edge > 0.9
        values[near0] = 10.0 ** rng.uniform(-4, -2, int(near0.sum()))
        values[near1] = 1.0 - 10.0 ** rng.uniform(-4, -2, int(near1.sum()))
        return values
    if domain == "integer":
        return rng.integers(-12, 13, n).astype(np.float64)
    if domain == "positive_integer":
        return rng.integers(1, 21, n).astype(np.float64)
    raise ValueError(f"unknown domain {domain!r}")


def sample_points(domains: Mapping[str, str], rng: np.random.Generator,
                  n: int) -> dict[str, np.ndarray]:
    """Complex arrays of ``n`` points for every symbol (sorted by name, so order is stable)."""
    return {name: sample_domain(domains[name], rng, n).astype(np.complex128)
            for name in sorted(domains)}
