"""What counts as a missing value, whatever pandas or Excel handed over."""

from __future__ import annotations

import math


def is_missing(value: object) -> bool:
    """None, NaN, pandas NA or NaT, or text of only spaces."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, str):
        return not value.strip()
    pandas = __import__("pandas")
    return value is pandas.NA or value is pandas.NaT
