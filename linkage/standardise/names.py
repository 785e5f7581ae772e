"""Chinese personal names: cleaning, placeholders for unnamed babies, surname split, pinyin."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pandas as pd
from opencc import OpenCC
from pypinyin import Style, lazy_pinyin

from linkage.config import NameRules
from linkage.standardise.values import is_missing, map_distinct

_MIDDLE_DOTS = "·•‧∙⋅・･﹒．.。‐-"
_T2S = OpenCC("t2s")
_DOT_RUNS = re.compile(f"[{re.escape(_MIDDLE_DOTS)}]+")
# A bracketed note (closed or not), or digits, in a name field; brackets already NFKC-folded.
_NOTE = re.compile(r"[(\[【<《][^)\]】>》]*[)\]】>》]?|\d+$")
NAME_COLUMNS = ("name", "name_is_placeholder", "surname", "given_name", "name_pinyin", "given_pinyin", "surname_pinyin")


def clean_name(raw: str | None) -> str | None:
    """Remove whitespace of every width, fold full-width forms, convert traditional to simplified,
    and unify the middle-dot variants of minority names to '·'."""
    if is_missing(raw):
        return None
    text = "".join(unicodedata.normalize("NFKC", str(raw)).split())
    text = _DOT_RUNS.sub("·", text.strip(_MIDDLE_DOTS))
    text = "".join(map(_simplified, text))
    return text or None


@lru_cache(maxsize=50_000)
def _simplified(char: str) -> str:
    # Character by character: a name is not a phrase, and this is cached per character.
    return _T2S.convert(char)


@lru_cache(maxsize=8)
def _placeholder_pattern(patterns: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


def is_placeholder(name: str | None, rules: NameRules, surnames: frozenset[str] = frozenset()) -> bool:
    """True for a name that is not a name: 李丽之子, 婴儿, a nickname such as 豆豆 or 小宝, and
    any of these with a twin's birth-order mark (李丽之子1, 李丽之大子)."""
    if not name:
        return False
    if _matches_placeholder_rules(name, rules) or birth_order(name, rules)[1] is not None:
        return True
    # Two identical characters with no surname (豆豆, 乐乐) is a pet name.
    return len(name) == 2 and name[0] == name[1] and name[0] not in surnames


def _matches_placeholder_rules(name: str, rules: NameRules) -> bool:
    return name in rules.nicknames or bool(_placeholder_pattern(rules.placeholder_patterns).search(name))


def birth_order(name: str | None, rules: NameRules) -> tuple[str | None, int | None]:
    """A placeholder without its twin's birth-order mark, and the order the mark gives:
    李丽之子2 -> (李丽之子, 2); 李丽之大子 -> (李丽之子, 1); 李丽长女 -> (李丽之女, 1);
    二宝 -> (宝宝, 2). A name with no such mark, or that is not a placeholder without it, is
    returned as it is, with None."""
    if not isinstance(name, str) or not name or not rules.birth_order_marks:
        return name, None
    orders, patterns = _order_patterns(rules.birth_order_marks)
    for pattern, stem in patterns:
        match = pattern.fullmatch(name)
        if match and match["mark"] in orders:
            bare = stem(match)
            if bare and _matches_placeholder_rules(bare, rules):
                return bare, orders[match["mark"]]
    return name, None


@lru_cache(maxsize=8)
def _order_patterns(marks: tuple[tuple[str, int], ...]) -> tuple[dict[str, int], tuple]:
    """The order each mark gives, and the patterns that find a mark with the text around it."""
    alternatives = "|".join(re.escape(m) for m, _ in sorted(marks, key=lambda kv: -len(kv[0])))
    mark = f"(?P<mark>{alternatives})"
    return dict(marks), (
        # 李丽之子1, 李丽之子(二), 李丽之女-2, 李丽之子一号, 婴儿A, 李丽之子【1】, 李丽之子之一
        (re.compile(f"(?P<stem>.+?)[(（·\\-_\\[【#]?之?{mark}号?[)）\\]】]?"), lambda m: m["stem"]),
        # 李丽之大子, 李丽之小女, 李丽之大女儿
        (
            re.compile(f"(?P<pre>.+之){mark}(?P<post>女儿|儿子|子|女|儿|男|婴)"),
            lambda m: m["pre"] + {"女儿": "女", "儿子": "子"}.get(m["post"], m["post"]),
        ),
        # 大双 / 小双, as twins are called at home; 李丽家大双
        (re.compile(f"(?P<pre>(?:.+[之家])?){mark}双"), lambda m: m["pre"] + "双胞胎"),
        # 李丽家老大, 李丽家老二
        (re.compile(f"(?P<pre>.+家){mark}"), lambda m: m["pre"] + "孩子"),
        # 李丽长子, 李丽次女
        (re.compile("(?P<pre>.+?)(?P<mark>长|次)(?P<post>子|女)"), lambda m: f"{m['pre']}之{m['post']}"),
        # 大宝, 李丽二宝 (小宝 is any baby)
        (re.compile(f"(?P<pre>.*?)(?!小){mark}宝"), lambda m: m["pre"] + "宝宝"),
    )


def split_name(name: str | None, compound_surnames: tuple[str, ...]) -> tuple[str | None, str | None]:
    """(surname, given name). Compound surnames such as 欧阳 are kept whole; a minority name
    written with '·' has no surname in the Han sense and is kept whole as the given name."""
    if not name:
        return None, None
    if "·" in name:
        return None, name
    for surname in _by_length(compound_surnames):
        if name.startswith(surname) and len(name) > len(surname):
            return surname, name[len(surname) :]
    if len(name) == 1:
        return name, None
    return name[0], name[1:]


@lru_cache(maxsize=8)
def _by_length(surnames: tuple[str, ...]) -> tuple[str, ...]:
    # Longest first, so that a three-character surname wins over its two-character start.
    return tuple(sorted(surnames, key=len, reverse=True))


@lru_cache(maxsize=50_000)
def _char_pinyin(char: str) -> str:
    syllables = lazy_pinyin(char, style=Style.NORMAL, errors="ignore")
    return syllables[0] if syllables else ""


def to_pinyin(text: str) -> str:
    """Toneless pinyin syllables joined by spaces: 李梓涵 -> 'li zi han'. Read character by
    character (names are not phrases), each character's most common reading."""
    return " ".join(p for p in (_char_pinyin(c) for c in text) if p)


def has_letters(text: str) -> bool:
    """Some character of `text` is a letter of some script (a Chinese character, a Latin letter):
    a name field of digits and marks only (?, 1, ///) holds no name."""
    return any(char.isalpha() for char in text)


def standardise_name(raw: str | None, rules: NameRules) -> tuple:
    """All name columns for one raw name (see NAME_COLUMNS); a placeholder keeps only its text.
    A note typed into the name field (李子涵(涵涵), 李子涵【曾用名李涵】, 李子涵2) is left out,
    unless it is a twin's birth order on a placeholder (李丽之子(1)). A field without a letter
    (?, 1) gives no name."""
    name = clean_name(raw)
    if name and not has_letters(name):
        name = None  # ?, 1, ///: no name, as if blank
    if is_placeholder(name, rules):
        return name, True, None, None, None, None, None
    if name:
        name = _NOTE.sub("", name) or name.strip("()[]【】<>《》") or name
        if is_placeholder(name, rules):
            return name, True, None, None, None, None, None
    surname, given = split_name(name, rules.compound_surnames)
    if not name:
        return name, False, surname, given, None, None, None
    syllables = [p for p in map(_char_pinyin, name) if p]
    if len(syllables) != len(name) or "·" in name:
        return (
            name,
            False,
            surname,
            given,
            to_pinyin(name),
            to_pinyin(given) if given else None,
            to_pinyin(surname) if surname else None,
        )
    cut = len(surname or "")
    return (
        name,
        False,
        surname,
        given,
        " ".join(syllables),
        " ".join(syllables[cut:]) if given else None,
        " ".join(syllables[:cut]) if surname else None,
    )


def standardise_names(raw: pd.Series, rules: NameRules) -> pd.DataFrame:
    """`standardise_name` over a column, computed once per distinct value."""
    rows = map_distinct([raw.astype(object)], lambda v: standardise_name(v, rules))
    return pd.DataFrame(rows, columns=NAME_COLUMNS, index=raw.index, dtype=object)


def clean_person_names(raw: pd.Series) -> pd.Series:
    """Guardians' and parents' names: cleaned, no placeholder logic."""
    return pd.Series(map_distinct([raw.astype(object)], clean_name), index=raw.index, dtype=object)


# What follows a parent's name in a placeholder written without 之: 李丽子, 李丽女婴, 王强儿子.
_AFTER_PARENT = ("男婴", "女婴", "儿子", "女儿", "宝宝", "子", "女", "儿", "男", "婴")
_PARENT_COLUMNS = ("mother_name", "father_name", "guardian_name")


def parent_named_placeholders(records: pd.DataFrame) -> pd.DataFrame:
    """`records` (standardised, all feeds; changed in place) with each name that is a parent's
    name followed by 子, 女 or the like (李丽子, where some record names 李丽 as a mother, father
    or guardian) made a placeholder for a baby not yet named, as 李丽之子 is: the department
    that wrote it may hold the father as guardian, while another holds the mother."""
    names = records["name"].astype(object)
    candidates = names.str.endswith(_AFTER_PARENT, na=False) & ~records["name_is_placeholder"].astype(bool)
    if not candidates.any():
        return records
    parents: set[str] = set()
    for column in _PARENT_COLUMNS:
        if column in records:
            parents.update(p for p in pd.unique(records[column].dropna()) if isinstance(p, str) and len(p) >= 2)
    parent_of = names[candidates].map(lambda n: _named_parent(n, parents)).dropna()
    if parent_of.empty:
        return records
    # In place: at a million records a copy of the run's table would cost a gigabyte for a few rows.
    records.loc[parent_of.index, "name_is_placeholder"] = True
    records.loc[parent_of.index, "placeholder_parent"] = parent_of
    for column in NAME_COLUMNS[2:]:
        records.loc[parent_of.index, column] = None
    return records


def _named_parent(name: str, parents: set[str]) -> str | None:
    for ending in _AFTER_PARENT:
        if name.endswith(ending) and name[: -len(ending)] in parents:
            return name[: -len(ending)]
    return None
