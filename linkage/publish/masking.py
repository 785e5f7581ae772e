"""Masking ID numbers and phones in what analysts see (reports, pairs tables)."""

from __future__ import annotations

import pandas as pd

from linkage.privacy import mask_id, mask_numbers, mask_phone

__all__ = ["mask_id", "mask_phone", "masked"]

# Columns holding an ID number or a phone, in the linkage input and (with _l/_r) in scored pairs.
ID_COLUMNS = ("id_number", "id_text")
PHONE_COLUMNS = ("guardian_phone",)


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
        if column not in done and out[column].dtype == object:
            values = out[column]
            texts = values[values.map(lambda v: isinstance(v, str))]
            if len(texts) and texts.str.contains(r"\d{7}", regex=True).any():
                out[column] = values.map(mask_numbers)
    return out
