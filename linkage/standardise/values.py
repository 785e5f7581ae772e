"""What counts as a missing value, whatever pandas or Excel handed over."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

import pandas as pd


def is_missing(value: object) -> bool:
    """None, NaN, pandas NA or NaT, or text of only spaces."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, str):
        return not value.strip()
    return value is pd.NA or value is pd.NaT


def map_distinct(columns: Iterable[Iterable], fn: Callable) -> list:
    """`fn` applied row by row to the columns' values, computed once per distinct combination:
    feeds repeat names, places and codes endlessly."""
    cache: dict[tuple, object] = {}
    out = []
    for key in zip(*columns, strict=True):
        if key not in cache:
            cache[key] = fn(*key)
        out.append(cache[key])
    return out


def map_unique(values: pd.Series, fn: Callable) -> pd.Series:
    """`fn` applied to each value of `values`, computed once per distinct value (missing values
    included, as they are)."""
    distinct = values.drop_duplicates()
    return values.map(pd.Series([fn(v) for v in distinct], index=distinct.array, dtype=object))
