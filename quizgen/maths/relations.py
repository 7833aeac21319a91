"""Name how a wrong answer relates to the right one: a constant factor, a sign, an additive
constant, or a factor of a symbol (``sigma**2``). Works on values at the sample points, so it
costs a few numpy operations and no algebra."""

from __future__ import annotations

import math
from typing import Mapping

import numpy as np

_FACTORS: list[tuple[float, str, str]] = [
    (-1.0, "-1", "the sign is flipped"),
    (2.0, "2", "a factor 1/2 may be missing"),
    (0.5, "1/2", "there is an extra factor 1/2"),
    (-2.0, "-2", "the sign is flipped and a factor 1/2 may be missing"),
    (-0.5, "-1/2", "the sign is flipped and there is an extra factor 1/2"),
    (math.log(2), "ln 2", "this looks like nats vs bits: you have ln 2 too much (log base e vs 2)"),
    (1 / math.log(2), "1/ln 2", "this looks like bits vs nats (log base 2 vs e)"),
    (math.pi, "pi", "there is an extra factor pi"),
    (1 / math.pi, "1/pi", "a factor pi is missing"),
    (2 * math.pi, "2*pi", "there is an extra factor 2*pi"),
    (1 / (2 * math.pi), "1/(2*pi)", "a factor 2*pi is missing"),
    (math.sqrt(2 * math.pi), "sqrt(2*pi)", "there is an extra factor sqrt(2*pi)"),
    (1 / math.sqrt(2 * math.pi), "1/sqrt(2*pi)", "a factor sqrt(2*pi) is missing"),
]
_FACTORS += [(float(k), str(k), f"there is an extra factor {k}") for k in range(3, 11)]
_FACTORS += [(1.0 / k, f"1/{k}", f"a factor {k} is missing") for k in range(3, 11)]

_OFFSETS: list[tuple[float, str]] = [
    (math.log(2 * math.pi) / 2, "log(2*pi)/2"), (math.log(2 * math.pi), "log(2*pi)"),
    (math.log(2), "log(2)"), (math.log(math.pi), "log(pi)"), (0.5, "1/2"), (1.0, "1"),
    (math.log(math.pi) / 2, "log(pi)/2"), (math.log(2) / 2, "log(2)/2"),
]


def _constant(values: np.ndarray, tol: float = 1e-7) -> float | None:
    if values.size == 0:
        return None
    ref = float(values[0])
    if values.size > 1 and not abs(float(values[1]) - ref) <= tol * (abs(ref) + 1e-12):
        return None  # (the second value alone says so, NaN included: most candidates stop here)
    if not np.all(np.isfinite(values)):
        return None
    if np.all(np.abs(values - ref) <= tol * (abs(ref) + 1e-12)):
        return ref
    return None


def _match(value: float, table: list, rtol: float = 1e-7):  # type: ignore[no-untyped-def]
    for entry in table:
        if abs(value - entry[0]) <= rtol * abs(entry[0]):
            return entry
    return None


def find_relation(expected: np.ndarray, answer: np.ndarray,
                  env: Mapping[str, np.ndarray], scale: np.ndarray) -> dict | None:
    """A JSON-able description of how ``answer`` relates to ``expected`` (real arrays at valid
    points), with a student-facing ``message``; None when nothing simple fits."""
    with np.errstate(all="ignore"):  # huge values overflow in the ratios: no warnings on stderr
        return _find_relation(expected, answer, env, scale)


def _find_relation(expected: np.ndarray, answer: np.ndarray,
                   env: Mapping[str, np.ndarray], scale: np.ndarray) -> dict | None:
    if expected.size < 3:
        return None
    nonzero = np.abs(expected) > 1e-9 * (scale + 1e-300)
    if nonzero.sum() >= 3:
        ratio = answer[nonzero] / expected[nonzero]
        factor = _constant(ratio)
        if factor is not None and abs(factor - 1.0) > 1e-6 and abs(factor) > 1e-12:
            entry = _match(factor, _FACTORS)
            if entry is not None:
                kind = "sign" if entry[1] == "-1" else "factor"
                return {"relation": kind, "factor": entry[1],
                        "message": f"Your answer is {entry[1]} times the correct one; {entry[2]}."}
            return {"relation": "factor", "factor": f"{factor:.6g}",
                    "message": f"Your answer is a constant multiple ({factor:.4g}) of the correct "
                               "one; look for a lost or extra constant factor."}
        for name in sorted(env):
            sym = env[name].real[nonzero]
            if np.any(sym == 0):
                continue
            for power in (2, -2, 1, -1):
                rest = _constant(ratio / sym**power)
                if rest is not None and abs(rest - 1.0) <= 1e-7:
                    what = name if power in (1, -1) else f"{name}**2"
                    if power > 0:
                        text = f"Your answer has an extra factor {what}."
                    else:
                        text = f"Your answer is missing a factor 1/{what}."
                    return {"relation": "symbol_factor", "factor": f"{name}**{power}",
                            "message": text}
    offset = _constant(answer - expected, tol=1e-7)
    if offset is None:
        # within rounding of the terms' size at each point, measured where the terms are
        # smallest (a difference of 1 on values of 1e20 is rounding noise, not the offset)
        diff = answer - expected
        ref = float(diff[int(np.argmin(scale))])
        if np.all(np.abs(diff - ref) <= 1e-8 * (scale + 1.0)):
            offset = ref
    if offset is not None and abs(offset) > 1e-9:
        sign = "+" if offset > 0 else "-"
        entry = _match(abs(offset), _OFFSETS)
        named = f" ({sign}{entry[1]})" if entry else ""
        return {"relation": "offset", "offset": f"{offset:.6g}",
                "message": f"Your answer differs from the correct one by the constant "
                           f"{offset:.4g}{named}; check the constant terms."}
    return None


def name_factor(ratio: float, rtol: float = 1e-6) -> dict | None:
    """Recognise a single ratio answer/expected (numeric questions) from the factor table."""
    if not np.isfinite(ratio) or abs(ratio - 1.0) <= rtol:
        return None
    entry = _match(ratio, _FACTORS, rtol)
    if entry is None:
        return None
    kind = "sign" if entry[1] == "-1" else "factor"
    return {"relation": kind, "factor": entry[1],
            "message": f"Your answer is {entry[1]} times the correct value; {entry[2]}."}
