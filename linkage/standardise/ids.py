"""Resident ID numbers (GB 11643): cleaning, 15→18 upgrade, check digit, what an ID says."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import numpy as np
import pandas as pd

from linkage.standardise.values import is_missing

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+?\d+$")

ID_STATUSES = ("valid", "upgraded_15", "blank", "excel_destroyed", "bad_check_digit", "bad_date", "bad_format")


def check_digit(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits of an ID."""
    total = sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def upgrade_15_to_18(id15: str) -> str:
    """A first-generation 15-digit ID as its 18-character form (century 19 inserted)."""
    body = id15[:6] + "19" + id15[6:]
    return body + check_digit(body)


def clean_id_text(raw: str | None) -> str | None:
    """Fold full-width characters, remove spaces and separators, upper-case the X."""
    if is_missing(raw):
        return None
    text = unicodedata.normalize("NFKC", str(raw))
    text = re.sub(r"[\s\-_'\"]", "", text).upper()
    return text or None


def _birth_date(id18: str) -> dt.date | None:
    try:
        return dt.date(int(id18[6:10]), int(id18[10:12]), int(id18[12:14]))
    except ValueError:
        return None


def classify_id(raw: str | None, was_number: bool = False) -> tuple[str | None, str, str | None]:
    """Return (usable 18-char ID or None, status, the cleaned 18-char text even if unusable).

    An ID that Excel stored as a number has lost its last digits: it is `excel_destroyed` and
    never usable, whatever it looks like now. The third value keeps a well-formed but failing ID
    (a typo) so that linkage can still compare it character by character.
    """
    text = clean_id_text(raw)
    if text is None:
        return None, "blank", None
    if was_number or _SCIENTIFIC.match(text):
        return None, "excel_destroyed", None
    if re.fullmatch(r"\d{15}", text):
        upgraded = upgrade_15_to_18(text)
        if _birth_date(upgraded) is None:
            return None, "bad_date", upgraded
        return upgraded, "upgraded_15", upgraded
    if not re.fullmatch(r"\d{17}[\dX]", text):
        return None, "bad_format", None
    if _birth_date(text) is None:
        return None, "bad_date", text
    if check_digit(text[:17]) != text[17]:
        # 18 digits ending 000 with a failing check digit is what Excel leaves of a typed-in ID.
        status = "excel_destroyed" if text.endswith("000") else "bad_check_digit"
        return None, status, text if status == "bad_check_digit" else None
    return text, "valid", text


def id_birth_date(id18: str | None) -> dt.date | None:
    """Date of birth encoded in a valid 18-character ID."""
    return _birth_date(id18) if id18 else None


def id_sex(id18: str | None) -> str | None:
    """Sex encoded in a valid ID: the 17th digit is odd for male."""
    if not id18:
        return None
    return "M" if int(id18[16]) % 2 == 1 else "F"


def _classify_18(texts: list[str]) -> pd.DataFrame:
    """`classify_id` for cleaned 18-character texts of 17 digits and a digit or X, vectorised:
    the check digit with NumPy and the date of birth with pandas."""
    chars = np.array(texts, dtype="S18").view(np.uint8).reshape(-1, 18)
    totals = (chars[:, :17].astype(np.int64) - 48) @ np.array(_WEIGHTS)
    expected = np.frombuffer(_CHECK_CHARS.encode(), dtype=np.uint8)[totals % 11]
    check_ok = expected == chars[:, 17]
    text = pd.Series(texts, dtype=object)
    births = pd.to_datetime(text.str[6:14], format="%Y%m%d", errors="coerce")
    date_ok = births.notna().to_numpy()
    destroyed = text.str.endswith("000").to_numpy()
    status = np.where(
        ~date_ok, "bad_date", np.where(check_ok, "valid", np.where(destroyed, "excel_destroyed", "bad_check_digit"))
    )
    valid = status == "valid"
    keep_text = status != "excel_destroyed"
    sex = np.where((chars[:, 16] - 48) % 2 == 1, "M", "F")
    return pd.DataFrame(
        {
            "id_number": np.where(valid, text, _NONE),
            "id_status": status,
            "id_text": np.where(keep_text, text, _NONE),
            "id_birth_date": pd.Series(births.dt.date, dtype=object).where(valid, None).to_numpy(),
            "id_sex": np.where(valid, sex, _NONE),
        },
        dtype=object,
    )


_ID18 = re.compile(r"\d{17}[\dX]")
_NONE = np.array(None, dtype=object)  # a blank, broadcast by np.where


def standardise_ids(raw: pd.Series, was_number: pd.Series | None = None) -> pd.DataFrame:
    """`classify_id` over a column: id_number, id_status, id_text, id_birth_date, id_sex.
    Well-formed 18-character IDs (nearly all) are classified in bulk, the rest one by one."""
    flags = (was_number if was_number is not None else pd.Series(False, index=raw.index)).fillna(False).astype(bool)
    texts = [clean_id_text(v) for v in raw.tolist()]
    bulk = np.array(
        [
            t is not None and len(t) == 18 and _ID18.fullmatch(t) is not None and not f
            for t, f in zip(texts, flags.tolist(), strict=True)
        ],
        dtype=bool,
    )
    columns = ["id_number", "id_status", "id_text", "id_birth_date", "id_sex"]
    frame = pd.DataFrame(None, index=raw.index, columns=columns, dtype=object)
    if bulk.any():
        frame.loc[bulk, columns] = _classify_18(
            [t for t, b in zip(texts, bulk, strict=True) if b and t is not None]
        ).to_numpy()
    rest = []
    for value, flag in zip(raw[~bulk].tolist(), flags[~bulk].tolist(), strict=True):
        usable, status, text = classify_id(value, flag)
        rest.append((usable, status, text, id_birth_date(usable), id_sex(usable)))
    if rest:
        frame.loc[~bulk, columns] = pd.DataFrame(rest, columns=columns, dtype=object).to_numpy()
    return frame.astype(object).where(frame.notna(), None)
