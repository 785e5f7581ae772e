"""Who is a migrant child (流动儿童), by the policy's definition (FEEDS.md), with the reason.

Under 16 on the reference date; living outside the county-level unit of household registration;
moves among the exempt urban group do not count; six months or more since the earliest local
evidence. Every child gets a status; a child that cannot be decided says why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import lru_cache

import pandas as pd

from linkage.config import Policy

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

    def named(code: str) -> str:
        return policy.counties.get(code) or (place_name(code) if place_name else None) or code

    birth = child.get("birth_date")
    if birth is None or not _present(birth):
        return "undecided", "无出生日期，无法判断年龄"
    if birth > as_of:
        # A feed exported after the reference date holds the babies born since: not yet in scope.
        return "born_after_reference_date", f"{birth:%Y-%m-%d}出生，晚于本期参考日{as_of:%Y-%m-%d}，下期再计"
    if as_of >= sixteenth_birthday(birth, policy.max_age_years):
        return "aged_16_or_over", f"{birth:%Y-%m-%d}出生，参考日已满{policy.max_age_years}周岁"
    home = child.get("household_county")
    if home is None or not _present(home):
        return "undecided", "各部门记录均无法确定户籍地"
    county, legal = child.get("residence_county"), child.get("residence_legal_county")
    if county is None or not _present(county):
        return "undecided", "无法确定居住县区"
    legal = legal if _present(legal) else None
    if home == legal or home == county:
        return "local_household", f"户籍地与居住地同为{named(home)}"
    if home in policy.exempt_group and (county in policy.exempt_group or (legal or "") in policy.exempt_group):
        return "exempt_move", (f"户籍{named(home)}，居住{named(county)}，同属市区免计范围")
    # A zone township whose legal county is not configured: undecidable only if that county
    # could be the household's own.
    if county in policy.zones and legal is None and home in policy.zone_legal_counties:
        return "undecided", (f"居住乡镇属{policy.counties[county]}，尚不能确定其所属县区，可能与户籍地同属一县")
    earliest = child.get("away_since")
    earliest = earliest if _present(earliest) else child.get("earliest_local_date")
    if earliest is None or not _present(earliest):
        return "undecided", "各部门记录均无本地居住起始日期"
    cutoff = months_before(as_of, policy.min_months_resident)
    if earliest > cutoff:
        return "under_six_months", f"最早本地记录{earliest:%Y-%m-%d}，不满{policy.min_months_resident}个月"
    return "migrant", (
        f"户籍{named(home)}，居住{named(county)}，自{earliest:%Y-%m-%d}起在本地居住满{policy.min_months_resident}个月"
    )


def _present(value: object) -> bool:
    return value is not None and value == value and value is not pd.NaT


def decide_statuses(
    register: pd.DataFrame, as_of: dt.date, policy: Policy, place_name: Callable[[str], str | None] | None = None
) -> pd.DataFrame:
    """`register` with status, status_reason, is_migrant and age_years added (a new frame)."""
    facts = register[[c for c in STATUS_FACTS if c in register.columns]]
    decided = [decide_status(row, as_of, policy, place_name) for row in facts.to_dict("records")]
    out = register.copy()
    out["status"] = [d[0] for d in decided]
    out["status_label"] = out["status"].map(STATUS_LABELS)
    out["status_reason"] = [d[1] for d in decided]
    out["is_migrant"] = out["status"] == "migrant"
    out["age_years"] = [
        (as_of.year - b.year - ((as_of.month, as_of.day) < (b.month, b.day))) if _present(b) else None
        for b in out["birth_date"]
    ]
    return out
