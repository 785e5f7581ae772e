"""Sex codes and telephone numbers."""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

from linkage.standardise.values import is_missing

_SEX = {
    **dict.fromkeys(["男", "1", "男性", "男孩", "男童", "男生", "M", "MALE", "BOY"], "M"),
    **dict.fromkeys(["女", "2", "女性", "女孩", "女童", "女生", "F", "FEMALE", "GIRL"], "F"),
}
_UNKNOWN_SEX = {"0", "9", "未知", "未说明", "不详"}


def standardise_sex(raw: str | None) -> tuple[str | None, str | None]:
    """(M/F or None, problem). GB/T 2261.1 codes 0 and 9 and their words are 'unknown', not errors."""
    if is_missing(raw):
        return None, None
    text = "".join(unicodedata.normalize("NFKC", str(raw)).split()).upper()
    if text in _SEX:
        return _SEX[text], None
    if text == "" or text in _UNKNOWN_SEX:
        return None, None
    return None, f"unknown sex code {raw!r}"


# Between two numbers in one field: 13812345678/13912345678, 138…；139…, 138…、0375-….
_SEPARATORS = re.compile(r"[/,;、|]")


def standardise_phone(raw: str | None) -> tuple[str | None, str | None]:
    """(digits or None, problem). Mobiles become 11 digits (+86/0086, or a long-distance 0,
    removed); landlines keep the area code (0375-1234567 -> 03751234567). A field holding several
    numbers (both parents'), split by a separator or by spaces, gives its first usable one, with a
    note."""
    if is_missing(raw):
        return None, None
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    phone, problem = _one_phone(text)
    if phone is not None:
        return phone, problem
    parts = _several(text)
    usable = [phone for phone, problem in map(_one_phone, parts) if problem is None]
    if len(parts) > 1 and usable:
        return usable[0], f"{len(parts)} numbers in one field; the first usable one kept"
    return phone, problem


def _several(text: str) -> list[str]:
    """The numbers a field holds: split at separators, then space-separated pieces gathered
    until they make a number (138 1234 5678 13912345678 is two)."""
    numbers: list[str] = []
    for part in filter(None, (p.strip() for p in _SEPARATORS.split(text))):
        pending = ""
        for piece in part.split():
            pending = f"{pending} {piece}".strip()
            if _one_phone(pending)[0] is not None:
                numbers.append(pending)
                pending = ""
        if pending:
            numbers.append(pending)
    return numbers


_SCIENTIFIC = re.compile(r"^\d(?:\.\d+)?[Ee]\+?\d+$")


def _one_phone(text: str) -> tuple[str | None, str | None]:
    if _SCIENTIFIC.match(text.strip()):
        return None, f"stored by Excel as a number ({text.strip()}): its last digits are lost"
    # 13812345678.0: an export that held the column as floating-point numbers
    digits = re.sub(r"\D", "", re.sub(r"\.0+$", "", text.split("转")[0].strip()))
    if not digits:
        return None, f"no digits in phone {text!r}" if text.strip() else None
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    elif re.fullmatch(r"01[3-9]\d{9}", digits):
        digits = digits[1:]  # a mobile dialled from another city (0 first); no area code is 01 and 12 digits
    if re.fullmatch(r"1[3-9]\d{9}", digits):
        return digits, None
    if re.fullmatch(r"0\d{9,11}", digits):
        return digits, None
    return None, f"not a mobile or landline number: {len(digits)} digits"


def standardise_column(raw: pd.Series, func) -> tuple[pd.Series, pd.Series]:
    """Apply a (value -> (clean, problem)) standardiser to a column, once per distinct value."""
    uniques = {v: func(v) for v in pd.unique(raw.astype(object))}
    pairs = [uniques[v] for v in raw.astype(object)]
    values = pd.Series([p[0] for p in pairs], index=raw.index, dtype=object)
    problems = pd.Series([p[1] for p in pairs], index=raw.index, dtype=object)
    return values, problems
