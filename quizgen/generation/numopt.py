"""Plain NumPy optimisation for the ``check()`` of question files.

A question's check computes its answer a second way, apart from the SymPy derivation: often by
maximising a log-likelihood (or minimising a loss) numerically, straight from the densities. These
helpers do that search and nothing else; they know no formula of any question.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

_GOLDEN = (np.sqrt(5.0) - 1.0) / 2.0


def maximise(f: Callable[[np.ndarray], np.ndarray], lo: float, hi: float, *, smooth: bool = True,
             log_scale: bool = False, points: int = 4001) -> float:
    """The point of [lo, hi] where ``f`` (vectorised, unimodal near its maximum) is largest.

    A coarse scan finds the best grid cell, golden-section search narrows it down, and for a
    smooth ``f`` a bisection on the sign of a central finite difference gives full precision
    (golden section alone stalls near ``sqrt(eps)`` relative, where ``f`` is flat). About 100
    values of ``f`` after the scan (question checks call this for every variant a class draws).
    """
    grid = np.geomspace(lo, hi, points) if log_scale else np.linspace(lo, hi, points)
    with np.errstate(all="ignore"):
        values = np.asarray(f(grid), dtype=float)
    values = np.where(np.isfinite(values), values, -np.inf)
    j = int(np.argmax(values))
    a, b = grid[max(j - 1, 0)], grid[min(j + 1, points - 1)]

    def at(v: float) -> float:
        return float(np.asarray(f(np.array([v])), dtype=float)[0])

    # golden section, one new value of f a step; for a smooth f only down to 1e-9 of the scale,
    # where the bisection below takes over (it is exact to rounding, golden section is not)
    stop = (1e-9 if smooth else 1e-15) * max(1.0, abs(a), abs(b))
    c, d = b - _GOLDEN * (b - a), a + _GOLDEN * (b - a)
    fc, fd = at(c), at(d)
    for _ in range(200):
        if b - a <= stop:
            break
        if fc > fd:
            b, d, fd = d, c, fc
            c = b - _GOLDEN * (b - a)
            fc = at(c)
        else:
            a, c, fc = c, d, fd
            d = a + _GOLDEN * (b - a)
            fd = at(d)
    if not smooth:
        return (a + b) / 2

    scale = max(abs(a), abs(b), 1e-12)

    def slope(v: float) -> float:
        h = 1e-4 * scale  # central difference: exact for a quadratic, O(h^2) otherwise; far above rounding noise
        return (at(v + h) - at(v - h)) / (2 * h)

    # golden section stalls where f is flat, possibly a little off the maximum: widen the bracket until the
    # finite-difference slope changes sign across it, then bisect on that sign
    centre, width = (a + b) / 2, max(b - a, 1e-7 * scale)
    for _ in range(60):
        a, b = centre - width, centre + width
        if slope(a) > 0 > slope(b):
            break
        width *= 2
    else:
        return centre
    for _ in range(100):
        m = (a + b) / 2
        if m in (a, b):  # the bracket is two neighbouring floats
            break
        if slope(m) > 0:
            a = m
        else:
            b = m
    return (a + b) / 2


def minimise(f: Callable[[np.ndarray], np.ndarray], lo: float, hi: float, **kw) -> float:
    """The point of [lo, hi] where ``f`` is smallest (see :func:`maximise`)."""
    return maximise(lambda v: -np.asarray(f(v), dtype=float), lo, hi, **kw)
