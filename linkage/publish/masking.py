"""Masking ID numbers and phones in what analysts see (reports, pairs tables)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from linkage.privacy import (
    ID_SHOWN,
    PHONE_SHOWN,
    has_unmasked_number,
    keep_ends,
    mask_id,
    mask_numbers,
    mask_phone,
)
from linkage.standardise.values import map_unique

__all__ = ["mask_id", "mask_phone", "masked"]

_SEVEN_DIGITS = re.compile(r"\d{7}")

# Columns holding an ID number or a phone, in the linkage input and (with _l/_r) in scored pairs.
ID_COLUMNS = ("id_number", "id_text")
PHONE_COLUMNS = ("guardian_phone",)


def _mask_any(value: object) -> object:
    """A text, or each text of a list (the family names of a record), with its numbers masked."""
    if isinstance(value, str):
        return mask_numbers(value)
    if isinstance(value, (list, tuple, np.ndarray)):
        return [mask_numbers(v) for v in value]
    return value


def _holds_numbers(values: pd.Series) -> bool:
    """Whether any text in the column (or in its lists) quotes an ID number or a phone. Each
    distinct text is looked at once, and only those with a run of seven digits closely."""
    if values.dtype != object and not pd.api.types.is_string_dtype(values):
        return False
    present = values.dropna()
    if values.dtype == object and pd.api.types.infer_dtype(present, skipna=True) != "string":
        lists = present.map(lambda v: isinstance(v, (list, tuple, np.ndarray)))
        if lists.any():
            texts = list(present[~lists]) + [v for group in present[lists] for v in group]
            present = pd.Series(texts, dtype=object).dropna()
    distinct = pd.Series(present.unique()).astype(str)
    digits = distinct[distinct.str.contains(_SEVEN_DIGITS, regex=True)]
    return any(map(has_unmasked_number, digits))


def _kept_ends(values: pd.Series, head: int, tail: int) -> pd.Series:
    """`keep_ends` on every text of the column at once, in Arrow."""
    if not isinstance(values.dtype, pd.StringDtype):
        return map_unique(values.astype(object), lambda v: keep_ends(v, head, tail))
    texts = pa.array(values)
    star = pa.scalar("*", texts.type)
    length = pc.utf8_length(texts)
    hidden = pc.max_element_wise(pc.subtract(length, head + tail), 0)
    shown = pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(texts, 0, head),
        pc.binary_repeat(star, hidden),
        pc.utf8_slice_codeunits(texts, -tail),
        pa.scalar("", texts.type),
    )
    stars = pc.binary_repeat(star, length)
    return pd.Series(pc.if_else(pc.less(length, head + tail), stars, shown), index=values.index, dtype=values.dtype)


def masked(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` with every ID and phone column (plain or _l/_r) masked, and any ID or
    phone standing in another text column (a phone typed into the name, say) masked too."""
    changed: dict[str, pd.Series] = {}
    for base, kept in [(c, ID_SHOWN) for c in ID_COLUMNS] + [(c, PHONE_SHOWN) for c in PHONE_COLUMNS]:
        for column in (base, f"{base}_l", f"{base}_r"):
            if column in frame:
                changed[column] = _kept_ends(frame[column], *kept)
    for column in frame.columns:
        if column not in changed and _holds_numbers(frame[column]):
            changed[column] = frame[column].map(_mask_any)
    # Only the masked columns are new; the others are shared with `frame`, not copied.
    return frame.assign(**changed) if changed else frame.copy(deep=False)
