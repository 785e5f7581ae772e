"""What counts as a missing value, whatever pandas or Excel handed over."""

from __future__ import annotations

import math


def is_missing(value: object) -> bool:
    """None, NaN, pandas NA or text of only spaces."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, str):
        return not value.strip()
    return value is getattr(__import__("pandas"), "NA")
