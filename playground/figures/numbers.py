"""One way to write a number for people: metric cards, tables and hover text all use it."""

from __future__ import annotations

import math

SMALL, LARGE = 1e-3, 1e4   # outside [SMALL, LARGE) a number is written in scientific notation
MISSING = "–"


def format_number(value, digits: int = 4) -> str:
    """`value` short and readable: 0.6931, 12.35, 1234, 1.5e+09, 3.2e-07; '–' for None, NaN or inf.

    `digits` is the number of decimals below 10 (fewer for larger numbers, so a number never grows
    past digits + 2 characters before the sign); outside [1e-3, 1e4) two significant digits.
    """
    if value is None:
        return MISSING
    value = float(value)
    if not math.isfinite(value):
        return MISSING
    size = abs(value)
    if size == 0:
        return f"{0:.{digits}f}"
    if size < SMALL or size >= LARGE:
        return f"{value:.1e}"
    decimals = digits if size < 10 else max(0, digits - 1 - int(math.floor(math.log10(size))))
    return f"{value:.{decimals}f}"


# d3-format of Plotly hover text closest to format_number: 4 significant digits, exponent when large or tiny.
HOVER_FORMAT = ".4~g"
