"""What counts as a missing value, whatever pandas or Excel handed over."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

import numpy as np
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
    feeds repeat names, places and codes endlessly. Rows are numbered by their combination in
    compiled code (pandas' factorize); `fn` gets each combination's first row's values as they are."""
    arrays = [np.fromiter(c.to_numpy() if isinstance(c, pd.Series) else c, dtype=object) for c in columns]
    if not arrays or not len(arrays[0]):
        return []
    key = np.zeros(len(arrays[0]), dtype=np.int64)
    for values in arrays:
        codes, distinct = pd.factorize(values)  # a missing value is -1
        codes = np.where(codes < 0, len(distinct), codes)
        key = pd.factorize(key * (len(distinct) + 1) + codes)[0]
    _, firsts = np.unique(key, return_index=True)
    results = np.empty(len(firsts), dtype=object)
    results[:] = [fn(*(values[i] for values in arrays)) for i in firsts]
    return results[key].tolist()


def map_unique(values: pd.Series, fn: Callable) -> pd.Series:
    """`fn` applied to each value of `values`, computed once per distinct value (missing values
    included, as they are): `map_distinct` for one column, keeping the Series' index."""
    return pd.Series(map_distinct([values], fn), index=values.index, dtype=object)
