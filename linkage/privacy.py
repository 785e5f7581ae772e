"""Children's numbers kept out of what people read: ID numbers and phones masked wherever a
value is quoted (messages, reasons, reports, analysts' tables), whatever column it came from."""

from __future__ import annotations

import re

# An 18-character resident ID (or a 15-digit old one), a mobile number (with +86, spaces or
# hyphens), a landline with its area code, or any other run of 11 or more digits; not the
# digits of a decimal fraction, nor a record reference (health:41040200100100001), which is
# how analysts and `childreg decide` name a record.
_NUMBER = re.compile(
    r"(?<![0-9A-Za-z.])(?<!police:)(?<!education:)(?<!health:)(?<!vaccination:)(?:"
    r"\d{17}[\dXx]|\d{15}"
    r"|(?:\+?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}"
    r"|0\d{2,3}-\d{7,8}"
    r"|\d{11,}"
    r")(?![0-9A-Za-z])"
)


# Characters left showing at the start and the end of a masked ID number and phone.
ID_SHOWN = (6, 4)
PHONE_SHOWN = (3, 4)


def keep_ends(value: object, head: int, tail: int) -> object:
    """A text with only its first `head` and last `tail` characters showing, the rest as stars
    (all stars when it is too short to show both); anything else as it is."""
    if not isinstance(value, str):
        return value
    if len(value) < head + tail:
        return "*" * len(value)
    return value[:head] + "*" * (len(value) - head - tail) + value[-tail:]


def mask_id(value: object) -> object:
    """410402********123X: the area code and the last four characters only."""
    return keep_ends(value, *ID_SHOWN)


def mask_phone(value: object) -> object:
    """138****5678: the first three and last four digits only."""
    return keep_ends(value, *PHONE_SHOWN)


def _mask_match(match: re.Match[str]) -> str:
    text = match.group(0)
    digits = [i for i, ch in enumerate(text) if ch.isdigit() or ch in "Xx"]
    keep = set(digits[:6] + digits[-4:]) if len(digits) >= 15 else set(digits[:3] + digits[-4:])
    return "".join(ch if i in keep or i not in digits else "*" for i, ch in enumerate(text))


def mask_text(text: str) -> str:
    """`text` with every ID number and phone in it masked."""
    return _NUMBER.sub(_mask_match, text)


def mask_numbers(value: object) -> object:
    """A string with every ID number and phone in it masked; anything else as it is."""
    return mask_text(value) if isinstance(value, str) else value


def has_unmasked_number(text: str) -> bool:
    """Whether `text` quotes an ID number or a phone in full."""
    return _NUMBER.search(text) is not None
