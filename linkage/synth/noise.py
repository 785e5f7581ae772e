"""Corruptions the real exports carry, each a small function of (value, rng)."""

from __future__ import annotations

import datetime as dt
import random

from linkage.synth.vocabulary import HOMOPHONE_OF, LOOKALIKES, TRADITIONAL


def homophone(name: str, rng: random.Random) -> str:
    """Replace one given-name character by another read the same (李子涵 -> 李梓涵)."""
    spots = [i for i, c in enumerate(name) if i > 0 and c in HOMOPHONE_OF]
    if not spots:
        return name
    i = rng.choice(spots)
    return name[:i] + rng.choice(HOMOPHONE_OF[name[i]]) + name[i + 1 :]


def traditional(name: str, rng: random.Random) -> str:
    """Write the characters that have a traditional form in it (张 -> 張)."""
    return "".join(TRADITIONAL.get(c, c) for c in name)


def stray_space(name: str, rng: random.Random) -> str:
    """A half- or full-width space inside or around the name."""
    space = rng.choice([" ", "\u3000", "  "])
    i = rng.randint(0, len(name))
    return name[:i] + space + name[i:]


def swap_given(name: str, surname_length: int, rng: random.Random) -> str:
    """Swap the two given-name characters (李梓涵 -> 李涵梓)."""
    given = name[surname_length:]
    if len(given) != 2:
        return name
    return name[:surname_length] + given[::-1]


def lookalike(name: str, rng: random.Random) -> str:
    """Replace a character by one that looks like it (王 -> 玉)."""
    spots = [i for i, c in enumerate(name) if c in LOOKALIKES]
    if not spots:
        return name
    i = rng.choice(spots)
    return name[:i] + LOOKALIKES[name[i]] + name[i + 1 :]


def id_typo(id18: str, rng: random.Random) -> str:
    """Mistype one digit of the first 17 (the check digit then fails)."""
    return mistype_digit(id18, 0, 17, rng)


def mistype_digit(text: str, start: int, stop: int, rng: random.Random) -> str:
    """Replace one digit of `text[start:stop]` (all digits) by another."""
    i = rng.randrange(start, stop)
    digit = rng.choice([d for d in "0123456789" if d != text[i]])
    return text[:i] + digit + text[i + 1 :]


def swap_day_month(date: dt.date, rng: random.Random) -> dt.date:
    """Day and month swapped, where that still makes a date."""
    try:
        return date.replace(month=date.day, day=date.month) if date.day <= 12 else date
    except ValueError:
        return date


def digit_off(date: dt.date, rng: random.Random) -> dt.date:
    """One digit of the day or month off by one."""
    for _ in range(5):
        try:
            if rng.random() < 0.5:
                return date.replace(day=date.day + rng.choice([-1, 1, -10, 10]))
            return date.replace(month=date.month + rng.choice([-1, 1]))
        except ValueError:
            continue
    return date


def year_off(date: dt.date, rng: random.Random) -> dt.date:
    """The year typed one off (2019 for 2020), month and day as they are."""
    year = date.year + rng.choice([-1, 1])
    try:
        return date.replace(year=year)
    except ValueError:  # 29 February
        return dt.date(year, 2, 28)


def phone_format(phone: str, rng: random.Random) -> str:
    """The same number as people type it: +86, spaces, hyphens."""
    style = rng.randrange(4)
    if style == 0:
        return "+86 " + phone
    if style == 1:
        return f"{phone[:3]}-{phone[3:7]}-{phone[7:]}"
    if style == 2:
        return f"{phone[:3]} {phone[3:7]} {phone[7:]}"
    return "86" + phone
