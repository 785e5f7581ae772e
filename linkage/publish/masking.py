"""Masking ID numbers and phones in what analysts see (reports, pairs tables)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from linkage.privacy import mask_id, mask_numbers, mask_phone

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


def _may_hold_numbers(values: pd.Series) -> bool:
    """Whether any text in the column (or in its lists) has a run of seven digits."""
    if values.dtype != object and not pd.api.types.is_string_dtype(values):
        return False
    present = values.dropna()
    if values.dtype == object and present.map(lambda v: isinstance(v, (list, tuple, np.ndarray))).any():
        present = present.explode().dropna()
    return bool(present.astype(str).str.contains(_SEVEN_DIGITS, regex=True).any())


def masked(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` with every ID and phone column (plain or _l/_r) masked, and any ID or
    phone standing in another text column (a phone typed into the name, say) masked too."""
    out = frame.copy()
    done = set()
    for base, mask in [(c, mask_id) for c in ID_COLUMNS] + [(c, mask_phone) for c in PHONE_COLUMNS]:
        for column in (base, f"{base}_l", f"{base}_r"):
            if column in out:
                out[column] = out[column].astype(object).map(mask)
                done.add(column)
    for column in out.columns:
        if column not in done and _may_hold_numbers(out[column]):
            out[column] = out[column].map(_mask_any)
    return out
