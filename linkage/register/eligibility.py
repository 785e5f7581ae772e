"""Who is a migrant child (流动儿童), by the policy's definition (FEEDS.md), with the reason.

Under 16 on the reference date; living outside the county-level unit of household registration;
moves among the exempt urban group do not count; six months or more since the earliest local
evidence. Every child gets a status; a child that cannot be decided says why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import lru_cache

import numpy as np
import pandas as pd

from linkage.config import Policy
from linkage.standardise.values import map_unique

STATUS_FACTS = (
    "birth_date",
    "household_county",
    "residence_county",
    "residence_legal_county",
    "earliest_local_date",
    "away_since",
)
STATUS_LABELS = {
    "migrant": "流动儿童",
    "aged_16_or_over": "已满16周岁",
    "local_household": "本县（市、区）户籍",
    "exempt_move": "在新华区、卫东区、湛河区、高新区、示范区之间流动，不计入",
    "under_six_months": "在本地居住不满6个月",
    "undecided": "无法判定",
    "born_after_reference_date": "参考日后出生，本期不计入",
}


@lru_cache(maxsize=64)
def months_before(date: dt.date, months: int) -> dt.date:
    """The same day `months` earlier, clamped to the month's last day (31 Aug - 6 months = 28/29 Feb)."""
    return (pd.Timestamp(date) - pd.DateOffset(months=months)).date()


def sixteenth_birthday(birth: dt.date, years: int) -> dt.date:
    """The birthday on which a child turns `years`; 29 February counts as 1 March in other years."""
    try:
        return birth.replace(year=birth.year + years)
    except ValueError:
        return dt.date(birth.year + years, 3, 1)


def decide_status(
    child: dict, as_of: dt.date, policy: Policy, place_name: Callable[[str], str | None] | None = None
) -> tuple[str, str]:
    """(status, reason) for one golden record with birth_date, household_county,
    residence_county, residence_legal_county and earliest_local_date (or away_since, the
    earliest evidence of living outside the household county, where known). `place_name` names a
    county code anywhere in China for the reason (the city's own units are named regardless)."""
    one = pd.DataFrame([{fact: child.get(fact) for fact in STATUS_FACTS}])
    decided = decide_statuses(one, as_of, policy, place_name)
    return decided.at[0, "status"], decided.at[0, "status_reason"]


def _dates(values: pd.Series) -> pd.Series:
    """Dates (or missing values of any kind) as datetime64, for comparing whole columns at once."""
    return pd.to_datetime(values.astype(object).where(values.notna(), None))


def _texts(values: pd.Series) -> pd.Series:
    """Codes as text, every kind of missing value as None."""
    return values.astype(object).where(values.notna(), None)


def decide_statuses(
    register: pd.DataFrame, as_of: dt.date, policy: Policy, place_name: Callable[[str], str | None] | None = None
) -> pd.DataFrame:
    """`register` with status, status_reason, is_migrant and age_years added (a new frame). The
    rules are tried in order for every child at once; the first that applies decides (see
    `decide_status` for one child)."""
    facts = register.reindex(columns=list(STATUS_FACTS))
    months = policy.min_months_resident

    def named(codes: pd.Series) -> pd.Series:
        return map_unique(codes, lambda c: policy.counties.get(c) or (place_name(c) if place_name else None) or c)

    def day(dates: pd.Series) -> pd.Series:
        return map_unique(dates, lambda d: f"{d:%Y-%m-%d}" if _present(d) else "")

    birth_value = facts["birth_date"]
    birth = _dates(birth_value)
    sixteenth = _dates(
        map_unique(birth_value, lambda b: sixteenth_birthday(b, policy.max_age_years) if _present(b) else None)
    )
    home, county, legal = (
        _texts(facts["household_county"]),
        _texts(facts["residence_county"]),
        _texts(facts["residence_legal_county"]),
    )
    away = facts["away_since"].where(facts["away_since"].notna(), facts["earliest_local_date"])
    earliest = _dates(away)
    reference = pd.Timestamp(as_of)
    cutoff = pd.Timestamp(months_before(as_of, months))
    exempt = policy.exempt_group
    # (applies, status, reason): tried in order, the first that applies decides. A reason is a
    # text, or a function worded only for the children it decides.
    rules = [
        (birth.isna(), "undecided", "无出生日期，无法判断年龄"),
        (
            birth > reference,
            "born_after_reference_date",
            lambda i: day(birth_value[i]) + f"出生，晚于本期参考日{as_of:%Y-%m-%d}，下期再计",
        ),
        (
            reference >= sixteenth,
            "aged_16_or_over",
            lambda i: day(birth_value[i]) + f"出生，参考日已满{policy.max_age_years}周岁",
        ),
        (home.isna(), "undecided", "各部门记录均无法确定户籍地"),
        (county.isna(), "undecided", "无法确定居住县区"),
        ((home == legal) | (home == county), "local_household", lambda i: "户籍地与居住地同为" + named(home[i])),
        (
            home.isin(exempt) & (county.isin(exempt) | legal.isin(exempt)),
            "exempt_move",
            lambda i: "户籍" + named(home[i]) + "，居住" + named(county[i]) + "，同属市区免计范围",
        ),
        # A zone township whose legal county is not configured: undecidable only if that county
        # could be the household's own.
        (
            county.isin(policy.zones) & legal.isna() & home.isin(policy.zone_legal_counties),
            "undecided",
            lambda i: "居住乡镇属" + county[i].map(policy.counties) + "，尚不能确定其所属县区，可能与户籍地同属一县",
        ),
        # A child born less than six months ago cannot have lived away that long, whatever date
        # a record gives for its arrival (one before its birth is a slip).
        (birth > cutoff, "under_six_months", lambda i: day(birth_value[i]) + f"出生，未满{months}个月"),
        (earliest.isna(), "undecided", "各部门记录均无本地居住起始日期"),
        (earliest > cutoff, "under_six_months", lambda i: "最早本地记录" + day(away[i]) + f"，不满{months}个月"),
        (
            pd.Series(True, index=facts.index),
            "migrant",
            lambda i: (
                "户籍"
                + named(home[i])
                + "，居住"
                + named(county[i])
                + "，自"
                + day(away[i])
                + f"起在本地居住满{months}个月"
            ),
        ),
    ]
    applies = [a.fillna(False).to_numpy(dtype=bool) for a, _, _ in rules]
    rule = np.select(applies, np.arange(len(rules)), default=len(rules) - 1)
    status = np.array([label for _, label, _ in rules], dtype=object)[rule]
    reason = pd.Series(None, index=facts.index, dtype=object)
    for n, (_, _, why) in enumerate(rules):
        decided = rule == n
        if decided.any():
            reason[decided] = why(decided).to_numpy() if callable(why) else why
    out = register.copy()
    out["status"] = status
    out["status_label"] = out["status"].map(STATUS_LABELS)
    out["status_reason"] = reason.to_numpy()
    out["is_migrant"] = out["status"] == "migrant"
    out["age_years"] = map_unique(
        birth_value,
        lambda b: (as_of.year - b.year - ((as_of.month, as_of.day) < (b.month, b.day))) if _present(b) else None,
    ).to_numpy(dtype=float)
    return out


def _present(value: object) -> bool:
    return value is not None and value == value and value is not pd.NaT
