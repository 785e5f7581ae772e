"""Children who may be one child: two masters joined by a scored pair near the threshold, or kept
apart only by a rule (different names, the twin guard), so that staff verify once instead of
visiting the same child twice. Two different valid IDs, or dates of birth far apart (siblings),
are two children and are not listed."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from linkage.frames import POSSIBLE_SAME, positions
from linkage.link.same_child import SIBLING_GAP_DAYS, close_birth_dates, same_name

# What two masters may share, in the words staff read.
SHARED = {
    "name": "姓名",
    "birth_date": "出生日期",
    "guardian_phone": "监护人电话",
    "residence_address": "现居住地址",
    "household_county": "户籍地",
}
POSSIBLE_COLUMNS = list(POSSIBLE_SAME.columns)
# What `possibly_same` reads of each scored pair.
PAIR_COLUMNS = (
    "unique_id_l",
    "unique_id_r",
    "match_probability",
    "sex_l",
    "sex_r",
    "birth_date_l",
    "birth_date_r",
    "id_number_l",
    "id_number_r",
    "name_pinyin_l",
    "name_pinyin_r",
    "is_placeholder_l",
    "is_placeholder_r",
)
# What the linkage rules read of a name, for the pairs whose two names may be one though heard
# otherwise (`names_worth_reading`): read for those pairs only, not for millions.
NAME_FACTS = ("name", "name_pinyin", "name_shape", "name_sounds", "surname_pinyin", "given_sorted")
NAME_COLUMNS = tuple(f"{c}_{s}" for c in NAME_FACTS for s in "lr")


def names_worth_reading(floor: float) -> str:
    """SQL (DuckDB) over scored pairs: below `floor`, two real names heard otherwise, one sex, and
    either one surname and one length or a way of hearing in common (a surname of two readings:
    曾 zeng or ceng). Only such names may still be one as the rules read them (a character of
    several readings, characters swapped, look-alikes)."""
    syllables = "length(name_pinyin_{0}) - length(replace(name_pinyin_{0}, ' ', ''))"
    return (
        f"match_probability < {floor!r} AND NOT is_placeholder_l AND NOT is_placeholder_r "
        "AND sex_l = sex_r AND name_pinyin_l <> name_pinyin_r "
        f"AND ((surname_pinyin_l = surname_pinyin_r AND {syllables.format('l')} = {syllables.format('r')}) "
        "OR len(list_intersect(name_sounds_l, name_sounds_r)) > 0)"
    )


def _could_be_one(id_a: object, id_b: object, birth_a: object, birth_b: object) -> bool:
    """Two children whose golden records leave room for one child: not two different valid IDs,
    not dates of birth a sibling's distance apart (more than nine months, and not two slips of
    typing apart, such as a year and a digit). Dates nearer than that may be one child's, written
    wrong twice (2025-01-03, 2025-02-04)."""
    if pd.notna(id_a) and pd.notna(id_b) and id_a != id_b:
        return False
    if pd.isna(birth_a) or pd.isna(birth_b):
        return True
    births = [dt.date.fromisoformat(str(d)[:10]) for d in (birth_a, birth_b)]
    near = abs((births[0] - births[1]).days) <= SIBLING_GAP_DAYS
    return near or close_birth_dates(births[0].isoformat(), births[1].isoformat(), slips=2)


def _births_close(pairs: pd.DataFrame, among: np.ndarray, slips: int = 1) -> np.ndarray:
    """Per pair (looked at only where `among`): the two dates of birth are one, or `slips` slips of
    typing apart (a digit, month and day swapped, the year, a few days)."""
    out = np.zeros(len(pairs), bool)
    left = pairs["birth_date_l"].to_numpy(object)[among]
    right = pairs["birth_date_r"].to_numpy(object)[among]
    out[among] = [
        isinstance(a, str) and isinstance(b, str) and close_birth_dates(a[:10], b[:10], slips)
        for a, b in zip(left, right, strict=True)
    ]
    return out


def _one_name_close_birth(pairs: pd.DataFrame, among: np.ndarray, names: pd.DataFrame) -> np.ndarray:
    """Per pair (looked at only where `among`): one real name (as heard, or as the linkage rules
    read one name: 余乐铭 / 余月铭, 乐 read le or yue; `names` holds the NAME_COLUMNS of the pairs
    worth that reading, indexed as `pairs`), one sex, and dates of birth at most two slips of
    typing apart (2022-03-23, 2021-03-13). However low the model scores such a pair (a family that
    moved and changed its phone), it is a child to verify, not to join."""
    named = (
        pairs["name_pinyin_l"].notna()
        & pairs["name_pinyin_r"].notna()
        & ~pairs["is_placeholder_l"].fillna(False).astype(bool)
        & ~pairs["is_placeholder_r"].fillna(False).astype(bool)
        & pairs["sex_l"].notna()
        & (pairs["sex_l"] == pairs["sex_r"])
    ).to_numpy(bool) & among
    heard = named & (pairs["name_pinyin_l"] == pairs["name_pinyin_r"]).to_numpy(bool)
    maybe = named & ~heard & pairs.index.isin(names.index)
    close = _births_close(pairs, heard | maybe, slips=2)
    read = maybe & close
    if read.any():
        chosen = names.loc[pairs.index[read]]
        sides = [chosen[[f"{c}_{s}" for c in NAME_FACTS]].to_numpy(object) for s in "lr"]
        read[read] = [
            same_name(dict(zip(NAME_FACTS, a, strict=True)), dict(zip(NAME_FACTS, b, strict=True)))
            for a, b in zip(*sides, strict=True)
        ]
    return (heard & close) | read


def possibly_same(
    pairs: pd.DataFrame,
    members: pd.DataFrame,
    register: pd.DataFrame,
    floor: float,
    names: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per master and each other master it may be (both directions): the best pair's
    probability and what the two golden records share. `pairs` scored pairs, `members` (unique_id,
    master_id), `register` the golden records; pairs below `floor` are not considered, except for
    an unnamed child (no real name, no valid ID: an infant known only as 李丽之子 or 婴儿), whose
    every scored pair with a child of its sex and its date of birth (or one slip of it) counts:
    nothing but verification can tell whom it is, and a move or a new phone is enough to score it
    low. So does a pair of one real name and sex whose dates of birth are at most two slips apart
    (`names`: the NAME_COLUMNS of the pairs `names_worth_reading` picks, indexed as `pairs`; None
    when `pairs` holds them)."""
    at_l, at_r = positions(members["unique_id"], pairs["unique_id_l"], pairs["unique_id_r"])
    masters = members["master_id"].to_numpy(object)
    unnamed_master = (register["name_is_placeholder"].astype(bool) & register["id_number"].isna()).to_numpy()
    unnamed = members["master_id"].isin(register.loc[unnamed_master, "master_id"]).to_numpy()
    considered = pairs["match_probability"].to_numpy() >= floor
    if unnamed.any():
        either = ((at_l >= 0) & unnamed[at_l]) | ((at_r >= 0) & unnamed[at_r])
        sexes = (pairs["sex_l"].isna() | pairs["sex_r"].isna() | (pairs["sex_l"] == pairs["sex_r"])).to_numpy(bool)
        considered |= either & sexes & _births_close(pairs, either & sexes)
    considered |= _one_name_close_birth(pairs, ~considered, pairs if names is None else names)
    considered &= (at_l >= 0) & (at_r >= 0)
    p = pairs[considered]
    left = pd.Series(masters[at_l[considered]], index=p.index)
    right = pd.Series(masters[at_r[considered]], index=p.index)
    two_ids = p["id_number_l"].notna() & p["id_number_r"].notna() & (p["id_number_l"] != p["id_number_r"])
    keep = left.notna() & right.notna() & (left != right) & ~two_ids
    found = pd.DataFrame(
        {
            "a": left[keep].where(left[keep] < right[keep], right[keep]),
            "b": right[keep].where(left[keep] < right[keep], left[keep]),
            "match_probability": p.loc[keep, "match_probability"],
        }
    )
    if found.empty:
        return pd.DataFrame(columns=POSSIBLE_COLUMNS)
    best = found.sort_values("match_probability", ascending=False).drop_duplicates(["a", "b"])
    golden = register.set_index("master_id")
    ga = golden.reindex(best["a"]).reset_index(drop=True)
    gb = golden.reindex(best["b"]).reset_index(drop=True)
    best = best.reset_index(drop=True)
    fits = [
        _could_be_one(*values)
        for values in zip(ga["id_number"], gb["id_number"], ga["birth_date"], gb["birth_date"], strict=True)
    ]
    best, ga, gb = best[fits], ga[fits], gb[fits]
    if best.empty:
        return pd.DataFrame(columns=POSSIBLE_COLUMNS)
    shared = pd.Series("", index=best.index, dtype=object)
    for field, label in SHARED.items():
        same = (ga[field].notna() & (ga[field] == gb[field])).to_numpy()
        shared = shared.where(~same, shared.where(shared == "", shared + "、") + label)
    best = best.assign(shared=shared)
    both = pd.concat(
        [
            best.rename(columns={"a": "master_id", "b": "other_master_id"}),
            best.rename(columns={"b": "master_id", "a": "other_master_id"}),
        ]
    )
    return both[POSSIBLE_COLUMNS].sort_values(["master_id", "other_master_id"], ignore_index=True)
