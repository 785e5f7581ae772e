"""What the ledger adds to what each department knows: gaps in care found across the feeds,
and the basic public service categories each migrant child can use (rules in config/care.toml)."""

from __future__ import annotations

import pandas as pd

from linkage.config import CareRules

GAP_COLUMNS = ["master_id", "gap", "follow_up"]


def _in_age(ages: pd.Series, low: int, high: int) -> pd.Series:
    return ages.notna() & (ages >= low) & (ages <= high)


def _held_by(register: pd.DataFrame, feed: str) -> pd.Series:
    return ("," + register["feeds"].fillna("") + ",").str.contains(f",{feed},", regex=False)


def care_gaps(register: pd.DataFrame, rules: CareRules) -> pd.DataFrame:
    """One row per (child, gap): a child of a gap's ages whom its department's feed does not hold.
    `register` needs master_id, age_years and feeds (comma-separated feed names)."""
    parts = []
    for gap in rules.gaps:
        lacking = _in_age(register["age_years"], gap.min_age, gap.max_age) & ~_held_by(register, gap.missing_feed)
        parts.append(
            pd.DataFrame(
                {"master_id": register.loc[lacking, "master_id"], "gap": gap.label, "follow_up": gap.follow_up}
            )
        )
    if not parts:
        return pd.DataFrame(columns=GAP_COLUMNS)
    return pd.concat(parts, ignore_index=True)


def service_categories(register: pd.DataFrame, rules: CareRules) -> pd.Series:
    """Per child (same index as `register`): the service categories that fit its age or school
    grade, joined with '、' in the order of the configuration file."""
    chosen = pd.Series("", index=register.index, dtype=object)
    grades = register["grade"] if "grade" in register else pd.Series(None, index=register.index)
    for service in rules.services:
        fits = _in_age(register["age_years"], service.min_age, service.max_age)
        if service.grades:
            fits |= grades.isin(service.grades)
        joined = chosen.where(chosen == "", chosen + "、") + service.category
        chosen = chosen.where(~fits, joined)
    return chosen
