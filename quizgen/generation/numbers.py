"""Numbers as a person writes them on a sheet; no SymPy, so the writers import it freely (a
``make`` whose variants come from the derivation cache never imports SymPy)."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal


def fmt_number(x: float, digits: int = 4) -> str:
    """``x`` to ``digits`` significant figures, as a person rounds: half away from zero, on the decimal.

    The decimal is ``x`` to 12 significant figures, which removes binary noise, so 0.125 gives 0.13
    and 2.675 gives 2.68 at 3 figures, although the binary float 2.675 lies a hair below 2.675. Trailing
    zeros are kept when they are significant (0.01550, not 0.0155) and dropped only when the value
    is exactly the shorter decimal (0.95, 2). Everyday sizes never use exponent notation.
    """
    if x == 0:
        return "0"
    if not math.isfinite(x):
        return str(x)
    # the decimal a person sees: 12 significant figures remove binary noise (0.55000000000000004 is 0.55)
    exact = Decimal(f"{float(x):.12g}")
    exponent = exact.adjusted()  # the position of the leading digit
    rounded = exact.quantize(Decimal(1).scaleb(exponent - digits + 1), rounding=ROUND_HALF_UP)
    if rounded.adjusted() != exponent:  # 9.9996 -> 10.00: one figure fewer after the point
        rounded = exact.quantize(Decimal(1).scaleb(exponent - digits + 2), rounding=ROUND_HALF_UP)
    if rounded == exact:
        rounded = exact.normalize() if exact == exact.to_integral_value() or len(exact.as_tuple().digits) <= digits else rounded
    if 1e-4 <= abs(x) < 1e6:
        text = format(rounded, "f")
        if rounded == rounded.to_integral_value() and "." in text and rounded == exact:
            text = text.rstrip("0").rstrip(".")
        return text
    mantissa, _, power = f"{rounded:.{digits - 1}e}".partition("e")
    return f"{mantissa}e{int(power)}"
