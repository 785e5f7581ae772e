"""Masking ID numbers and phones in what analysts see (reports, pairs tables)."""

from __future__ import annotations

import pandas as pd

# Columns holding an ID number or a phone, in the linkage input and (with _l/_r) in scored pairs.
ID_COLUMNS = ("id_number", "id_text")
PHONE_COLUMNS = ("guardian_phone",)


def mask_id(value: object) -> object:
    """410402********123X: the area code and the last four characters only."""
    if not isinstance(value, str) or len(value) < 10:
        return value if not isinstance(value, str) else "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: object) -> object:
    """138****5678: the first three and last four digits only."""
    if not isinstance(value, str) or len(value) < 7:
        return value if not isinstance(value, str) else "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def masked(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` with every ID and phone column (plain or _l/_r) masked."""
    out = frame.copy()
    for base, mask in [(c, mask_id) for c in ID_COLUMNS] + [(c, mask_phone) for c in PHONE_COLUMNS]:
        for column in (base, f"{base}_l", f"{base}_r"):
            if column in out:
                out[column] = out[column].astype(object).map(mask)
    return out
