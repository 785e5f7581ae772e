"""Could two records be one child? The rules the clustering obeys, as plain functions of two
records' facts (dicts of the linkage input's columns).

Different valid IDs are two children. Without an ID in common, two real names are two children
(twins, siblings) unless one is another form of the other: a homophone, a look-alike character,
the given name under the other parent's surname, a 小名 made of the given name. A date of birth
is one child's if it is a slip of the other (month and day swapped, a digit off, the year one
off), as typed or as the ID text gives it. A renamed child (a wholly new given name) is a
question of the whole cluster: see `renamed_one_child`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import lru_cache
from itertools import islice, product

import numpy as np
import pandas as pd
from rapidfuzz.distance import Levenshtein

from linkage.frames import present_or_none
from linkage.standardise.names import to_pinyin


def within_edits(a: str, b: str, edits: int) -> bool:
    """At most `edits` insertions, deletions or substitutions apart (rapidfuzz stops counting
    once the distance passes `edits`)."""
    return Levenshtein.distance(a, b, score_cutoff=edits) <= edits


def _given_syllables(record: dict) -> list[str]:
    syllables = (record["name_pinyin"] or "").split()
    return sorted(syllables[len((record["surname_pinyin"] or "").split()) :])


def same_name(a: dict, b: dict) -> bool:
    """Could these two real names be one child's? Equal, homophones, look-alike characters,
    given-name characters swapped (also when one is written with a homophone), or, character by
    character, heard alike or look-alike (杨家恰 / 杨嘉怡), in order or with the given name's two
    characters swapped (尹斯乐 / 尹乐斯 written 尹斯月). Heard alike is any reading names use of a
    character with several (乐 le/yue: `heard_forms`), and the sounds many speakers do not tell apart
    (zh/z, n/l, -ng/-n). Two names a letter or two apart in pinyin but not heard alike (夏童 xia
    tong, 夏航 xia hang) are two children."""
    if one_name(a, b):
        return True
    if a["surname_pinyin"] == b["surname_pinyin"] and a["given_sorted"] and a["given_sorted"] == b["given_sorted"]:
        return True
    if (
        a["surname_pinyin"]
        and a["surname_pinyin"] == b["surname_pinyin"]
        and _given_syllables(a) == _given_syllables(b)
    ):
        return True  # swapped and written with a homophone: 黄萱晨 / 黄晨轩
    name_a, name_b = a["name"] or "", b["name"] or ""
    sounds_a, sounds_b = char_sounds(a), char_sounds(b)
    if readings_agree(name_a, name_b, a["name_shape"], b["name_shape"], sounds_a, sounds_b):
        return True
    surname = len((b["surname_pinyin"] or "").split())
    if not surname or len(name_b) != surname + 2:
        return False
    # The given name's two characters swapped, and heard alike through a character of several readings.
    swap = [*range(surname), surname + 1, surname]
    return readings_agree(
        name_a, "".join(name_b[i] for i in swap), None, None, sounds_a, sounds_b and tuple(sounds_b[i] for i in swap)
    )


Readings = tuple[tuple[str, tuple[str, ...]], ...]  # characters names read more than one way, each with its readings


def heard_forms(name: str | None, readings: Readings = (), limit: int = 32) -> list[str] | None:
    """Every way a name may be heard, as toneless pinyin, one syllable per character: the reading
    pinyin gives a character first and, for a character names read more than one way
    (`readings`, from names.toml: 柏 bai or bo, 乐 le or yue), each of those, with the sounds many
    speakers do not tell apart made one (see `_fuzzy`). Two names heard alike share a form. A
    name of unusually many readings keeps its first `limit` forms."""
    if not isinstance(name, str) or not name:
        return None
    extra = _reading_table(readings)
    options = [_char_readings(char, extra.get(char, ())) for char in name]
    return [" ".join(form) for form in islice(product(*options), limit)]


@lru_cache(maxsize=8)
def _reading_table(readings: Readings) -> dict[str, tuple[str, ...]]:
    # Once per configuration, not once per name: a run reads hundreds of thousands of names.
    return dict(readings)


@lru_cache(maxsize=50_000)
def _char_readings(char: str, extra: tuple[str, ...]) -> tuple[str, ...]:
    heard = {_fuzzy(r) for r in (*to_pinyin(char).split(), *extra)}
    return tuple(sorted(heard)) or (char,)


def char_sounds(record: dict) -> tuple[frozenset[str], ...] | None:
    """Per character of the record's name, the sounds it may be heard as: from its `name_sounds`
    (`heard_forms`) where the record has them, else from its pinyin. None where they do not give
    one syllable per character."""
    name, forms = record["name"] or "", record.get("name_sounds")
    if forms is not None and len(forms):
        return _per_character(name, tuple(forms))
    return _per_character(name, (" ".join(_fuzzy(s) for s in (record["name_pinyin"] or "").split()),))


@lru_cache(maxsize=50_000)
def _per_character(name: str, forms: tuple[str, ...]) -> tuple[frozenset[str], ...] | None:
    syllables = [form.split() for form in forms]
    if not name or any(len(s) != len(name) for s in syllables):
        return None
    return tuple(frozenset(s[i] for s in syllables) for i in range(len(name)))


def readings_agree(
    a: str,
    b: str,
    shape_a: str | None = None,
    shape_b: str | None = None,
    sounds_a: Sequence[frozenset[str]] | None = None,
    sounds_b: Sequence[frozenset[str]] | None = None,
) -> bool:
    """Two names of one length whose characters, position by position, are equal, share a sound
    (given each character's sounds: `char_sounds`) or, given the names' shapes (each look-alike
    character as its group's first), look alike: 乐 is read le or yue, so 周乐童 and 周悦彤 may be
    one name heard twice (多音字); 杨家恰 is 杨嘉怡 with one character heard wrong and another seen
    wrong."""
    if not a or len(a) != len(b):
        return False
    heard = sounds_a is not None and sounds_b is not None
    return all(
        x == y or sx == sy or (heard and not sounds_a[i].isdisjoint(sounds_b[i]))  # type: ignore[index]
        for i, (x, y, sx, sy) in enumerate(zip(a, b, shape_a or a, shape_b or b, strict=True))
    )


def _fuzzy(reading: str) -> str:
    """A reading with the sounds many speakers do not tell apart made one (模糊音): zh/z, ch/c,
    sh/s, an initial n/l, a final -ng/-n."""
    for retroflex in ("zh", "ch", "sh"):
        if reading.startswith(retroflex):
            reading = reading[0] + reading[2:]
    if reading.startswith("l"):
        reading = "n" + reading[1:]
    return reading[:-1] if reading.endswith("ng") else reading


def same_id(a: dict, b: dict) -> bool:
    """The same ID text, or one character apart where one side fails its check digit."""
    if not a["id_text"] or not b["id_text"]:
        return False
    if a["id_text"] == b["id_text"]:
        return True
    one_invalid = a["id_number"] is None or b["id_number"] is None
    return one_invalid and within_edits(a["id_text"], b["id_text"], 1)


def close_birth_dates(a: str, b: str, slips: int = 1) -> bool:
    """Dates of birth that one child's records can show: equal, or `slips` slips apart, a slip
    being month and day swapped, one digit off, the year typed one off (2019 for 2020), or a day
    within a month."""
    if a == b:
        return True
    if _one_slip(a, b):
        return True
    # Two slips never move the year by more than one: two digits off (2024-01-04 / 2024-02-05),
    # or a year or a swap undone and then another slip.
    return (
        slips > 1
        and abs(int(a[:4]) - int(b[:4])) <= 1
        and (within_edits(a, b, slips) or any(close_birth_dates(v, b, slips - 1) for v in _slipped(a)))
    )


def _one_slip(a: str, b: str) -> bool:
    if within_edits(a, b, 1):
        return True
    if year_typed_one_off(a, b):
        return True
    if a[:4] == b[:4] and a[5:7] == b[8:10] and a[8:10] == b[5:7]:
        return True
    return _days_apart(a, b) <= 31


def year_typed_one_off(a: str, b: str) -> bool:
    """Two ISO dates of one day of the year, a year apart: the year typed one off (2019 for 2020)."""
    return a[4:] == b[4:] and abs(int(a[:4]) - int(b[:4])) == 1


def _slipped(a: str) -> list[str]:
    """`a` with one slip undone that another slip may then explain: the year one off, month and
    day swapped."""
    year = int(a[:4])
    candidates = [f"{year - 1:04d}{a[4:]}", f"{year + 1:04d}{a[4:]}", f"{a[:4]}-{a[8:10]}-{a[5:7]}"]
    return [v for v in candidates if _valid(v)]


def _valid(day: str) -> bool:
    try:
        dt.date.fromisoformat(day)
    except ValueError:
        return False
    return True


def one_name(a: dict, b: dict) -> bool:
    """The same real name, as written or as heard, or up to look-alike characters."""
    return bool(a["name"]) and (
        a["name"] == b["name"] or a["name_pinyin"] == b["name_pinyin"] or a["name_shape"] == b["name_shape"]
    )


def _given_part(record: dict) -> tuple[str, list[str]]:
    """The given name's characters and pinyin syllables."""
    name, surname = record["name"] or "", record["surname_pinyin"] or ""
    syllables = (record["name_pinyin"] or "").split()
    surname_syllables = len(surname.split())
    return name[surname_syllables:], syllables[surname_syllables:]


def another_form_of_name(a: dict, b: dict) -> bool:
    """One child's name as another department may write it: the same given name (or its
    homophone) under the other parent's surname; or a 小名 made of the given name, 小 and one of
    its characters or one character doubled (明明, 小明 for 王子明). Two twins' formal names are
    neither."""
    given_a, syllables_a = _given_part(a)
    given_b, syllables_b = _given_part(b)
    if syllables_a and syllables_a == syllables_b and a["surname_pinyin"] != b["surname_pinyin"]:
        return True
    for name, given in ((a["name"] or "", given_b), (b["name"] or "", given_a)):
        if (
            len(name) == 2
            and given
            and ((name[0] == "小" and name[1] in given) or (name[0] == name[1] and name[0] in given))
        ):
            return True
    return False


def ids_against(a: dict, b: dict) -> bool:
    """Two different valid IDs, or ID texts more than two characters apart: a mistyped ID is one
    or two characters off its child's; further off, it is another child's."""
    if a["id_number"] and b["id_number"] and a["id_number"] != b["id_number"]:
        return True
    return bool(a["id_text"] and b["id_text"] and not within_edits(a["id_text"], b["id_text"], 2))


def same_certificate(a: dict, b: dict) -> bool:
    """One birth certificate number: one child (a department holding it twice, under a
    placeholder and a name, or under two names)."""
    return bool(a.get("birth_certificate")) and a.get("birth_certificate") == b.get("birth_certificate")


def certificates_against(a: dict, b: dict) -> bool:
    """Two different birth certificate numbers: two children (twins, one perhaps still under a
    placeholder), unless they are one number typed wrong. A hospital numbers its certificates in
    order, so twins' numbers are one or two apart; a number with one other digit wrong is one
    child's, and so are two numbers under one name (as heard), since twins' names differ."""
    first, second = a.get("birth_certificate"), b.get("birth_certificate")
    if not (first and second) or first == second:
        return False
    return not (mistyped_certificate(first, second) or same_name(a, b))


def mistyped_certificate(first: str, second: str) -> bool:
    """One birth certificate number with one digit typed wrong, not the next one of the book."""
    if len(first) != len(second) or not (first[1:].isdigit() and second[1:].isdigit()):
        return False
    differing = sum(x != y for x, y in zip(first, second, strict=True))
    return differing == 1 and first[0] == second[0] and abs(int(first[1:]) - int(second[1:])) > 2


def typo_of_this_number(mine: str, theirs: str) -> bool:
    """`mine` is `theirs` with one digit typed wrong, and not a twin's number (the next of the
    book, or the one after) with one digit typed wrong: 241 for 231 (a twin's 232 is two digits
    away), but not 879 for 872 (the twin's 873 is one digit away too)."""
    if not mistyped_certificate(mine, theirs):
        return False
    width, number = len(theirs) - 1, int(theirs[1:])
    neighbours = (f"{theirs[0]}{number + step:0{width}d}" for step in (-2, -1, 1, 2) if number + step >= 0)
    return all(sum(x != y for x, y in zip(mine, other, strict=True)) > 1 for other in neighbours)


def renamed_one_child(a: dict, b: dict) -> bool:
    """Could two records under different real names be one renamed child: one stated sex, a
    date of birth one slip apart, and no ID against it. (Whether a department knows both names,
    as it would twins, is the cluster's question.)"""
    if ids_against(a, b) or certificates_against(a, b):
        return False
    if a["sex"] and b["sex"] and a["sex"] != b["sex"]:
        return False
    return births_close(a, b, 1 + known_slips(a, b))


def can_be_one_child(a: dict, b: dict) -> bool:
    """False for two records that cannot be one child: different valid IDs, or ID texts more than
    two characters apart; or, with no ID or birth certificate agreement between them, two birth
    certificate numbers that are not one typed wrong (`certificates_against`), different real
    names (other than another form of one name), different sexes under different names, or dates
    of birth far apart: more than one slip, or two under one name and sex, or two for an infant's
    placeholder of the child's sex nearer than a sibling's birth could be. (Twins' birth orders
    are a question of the whole child: `orders_apart`.)"""
    if ids_against(a, b):
        return False
    if same_id(a, b) or same_certificate(a, b):
        return True
    if certificates_against(a, b):
        return False
    if a["name"] and b["name"] and not same_name(a, b) and not another_form_of_name(a, b):
        return False
    # A boy and a girl are two children unless they carry one name (a sex typed wrong).
    if (
        a["sex"]
        and b["sex"]
        and a["sex"] != b["sex"]
        and not (a["name_pinyin"] and a["name_pinyin"] == b["name_pinyin"])
    ):
        return False
    # One child's name with the same sex: two slips in the date of birth are still that child
    # (siblings never share a name).
    slips = 2 if one_name(a, b) and a["sex"] == b["sex"] else 1
    if births_close(a, b, slips + known_slips(a, b)):
        return True
    # An infant's placeholder record of the child's sex: two slips are still that child where the
    # dates are nearer than two births of one mother can be (siblings: `SIBLING_GAP_DAYS`).
    return (
        slips == 1
        and bool(a.get("is_placeholder") or b.get("is_placeholder"))
        and bool(a["sex"])
        and a["sex"] == b["sex"]
        and _births_within(a, b, SIBLING_GAP_DAYS)
        and births_close(a, b, 2 + known_slips(a, b))
    )


SIBLING_GAP_DAYS = 270  # two births of one mother are further apart than this


def _births_within(a: dict, b: dict, days: int) -> bool:
    """Some date of birth of each record (as `_births` gives them) within `days` of each other."""
    return any(_days_apart(x, y) <= days for x in _births(a) for y in _births(b))


def _days_apart(a: str, b: str) -> int:
    """Days between two ISO dates."""
    return abs((dt.date.fromisoformat(a) - dt.date.fromisoformat(b)).days)


def known_slips(a: dict, b: dict) -> int:
    """How many of the two records give a date of birth after their own local date (registered,
    enrolled or vaccinated here before being born): that date holds a slip already, so it may be
    one slip further from the other record's than a date that may be right."""
    return int(bool(a.get("birth_after_local"))) + int(bool(b.get("birth_after_local")))


def orders_apart(a: list[dict], b: list[dict]) -> bool:
    """Two children's records hold placeholders of twins' different birth orders (李丽之子1,
    李丽之子2): two children, whatever ID either holds, since no ID makes the first-born the
    second-born."""
    orders_a = {record.get("placeholder_order") for record in a} - {None}
    orders_b = {record.get("placeholder_order") for record in b} - {None}
    return bool(orders_a and orders_b and len(orders_a | orders_b) > 1)


def births_close(a: dict, b: dict, slips: int = 1) -> bool:
    """Some date of birth of one record (as typed, or as its ID text gives it) is close to some
    date of birth of the other; True when either gives none."""
    births_a, births_b = _births(a), _births(b)
    if not births_a or not births_b:
        return True
    return any(close_birth_dates(x, y, slips) for x in births_a for y in births_b)


def _births(record: dict) -> tuple[str, ...]:
    """The dates of birth a record gives: as typed, as its ID text encodes it, and as a school's
    student number without an ID encodes it (`number_birth_date`)."""
    given = (record["birth_date"], id_birth_date(record.get("id_text")), record.get("number_birth_date"))
    return tuple(dict.fromkeys(day for day in given if day))


def _family_placeholder(baby: dict, named: dict) -> bool:
    """`baby` is a placeholder record born the day `named` was, and a parent it names bears the
    surname of the child `named` names. (Twins fit it too: the clustering's placement of
    placeholder records tells them apart, or lists the record.)"""
    surnames = baby.get("family_surnames")
    if not (baby.get("is_placeholder") and surnames is not None and named["name"] and named.get("surname")):
        return False
    return named["surname"] in list(surnames) and bool(set(_births(baby)) & set(_births(named)))


def student_number_birth_date(number: str | None) -> str | None:
    """The date of birth a national student number without an ID gives: J or L, a 6-digit area
    code, then the date (J41032720140601…); None for a G number (it carries the ID) or another text."""
    if not isinstance(number, str) or len(number) < 15 or number[:1].upper() not in ("J", "L"):
        return None
    return _day_of(number[7:15])


def id_birth_date(id_text: str | None) -> str | None:
    """The date of birth an 18-character ID text gives (characters 7 to 14), if it is a date:
    often right where the typed date of birth is not, even in an ID that fails its check digit."""
    if not isinstance(id_text, str) or len(id_text) != 18:
        return None
    return _day_of(id_text[6:14])


def _day_of(digits: str) -> str | None:
    """YYYYMMDD inside an ID or a student number as an ISO date, if it is a date after 1990."""
    if not digits.isdigit() or len(digits) != 8:
        return None
    day = f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"
    return day if _valid(day) and "1990" < day[:4] else None


IDENTITY = ("name", "name_pinyin", "name_shape", "surname_pinyin", "given_sorted", "birth_date", "sex", "id_text")
# Read with IDENTITY where pairs have it; pairs of a run made before it hear names as their pinyin.
HEARD = "name_sounds"
# Read with IDENTITY where pairs have them: the surnames a placeholder record's family bears.
FAMILY = ("is_placeholder", "family_surnames", "surname")


def corroborated(pairs: pd.DataFrame, threshold: float, floor: float) -> np.ndarray:
    """Pairs below the threshold but at or above `floor` whose records give one real name (as
    written, as heard, with a look-alike character or the given name's characters swapped: see
    `same_name`), one date of birth (as typed, or as an ID text gives it) and one sex: the
    model's doubt is about the rest (a move, a new phone), not about who the child is. A
    placeholder record (范玲之女) stands for a name where a parent it names bears the named
    child's surname. `pairs` holds each column of IDENTITY with _l and _r (and of HEARD and
    FAMILY, if it can)."""
    p = pairs["match_probability"].to_numpy()
    near = (p >= floor) & (p < threshold)
    if not near.any():
        return near
    # Only the pairs in question, before any conversion: a million pairs' texts as Python
    # objects would take seconds.
    facts = [*IDENTITY, *(c for c in (HEARD, *FAMILY) if f"{c}_l" in pairs)]
    sub = pairs.loc[near, [f"{c}_{s}" for c in facts for s in "lr"]]

    def records(s: str) -> list[dict]:
        columns = [present_or_none(sub[f"{c}_{s}"]) for c in facts]
        return [dict(zip(facts, values, strict=True)) for values in zip(*columns, strict=True)]

    out = near.copy()
    out[near] = [_one_identity(a, b) for a, b in zip(records("l"), records("r"), strict=True)]
    return out


def _one_identity(a: dict, b: dict) -> bool:
    if not (a["sex"] and a["sex"] == b["sex"]):
        return False
    if not (a["name"] and b["name"]):
        return _family_placeholder(a, b) or _family_placeholder(b, a)
    if not same_name(a, b):
        return False
    births_a, births_b = _births(a), _births(b)
    if one_name(a, b):  # one name as written or heard: a slip in the date of birth is still this child
        return any(close_birth_dates(x, y) for x in births_a for y in births_b)
    return bool(set(births_a) & set(births_b))
