"""One feed's raw table -> the standardised schema shared by all four feeds.

Each value is cleaned by the small standardisers in `standardise_*`; a value that cannot be used
is set to null and its problem recorded in the field-issue table, so the row keeps going.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd

from linkage.config import Config, FeedMapping
from linkage.frames import FIELD_ISSUES, STANDARDISED
from linkage.privacy import mask_numbers
from linkage.standardise.contacts import standardise_column, standardise_phone, standardise_sex
from linkage.standardise.dates import parse_dates
from linkage.standardise.divisions import DivisionTable
from linkage.standardise.ids import classify_id, standardise_ids
from linkage.standardise.names import birth_order, clean_person_names, standardise_names
from linkage.standardise.places import standardise_places
from linkage.standardise.values import map_distinct

EARLIEST_DATE = dt.date(1990, 1, 1)
NO_LETTERS = "name has no letters"  # ?, 1, ///: a name field that holds no name
ISSUE_COLUMNS = list(FIELD_ISSUES.columns)

STANDARD_COLUMNS = list(STANDARDISED.columns)


@dataclass
class Standardised:
    """A feed in the standard schema, and the problems found in its fields."""

    table: pd.DataFrame
    issues: pd.DataFrame


def _column(raw: pd.DataFrame, name: str) -> pd.Series:
    return raw[name].astype(object) if name in raw else pd.Series([None] * len(raw), index=raw.index, dtype=object)


def _id_from_student_number(student_number: str | None) -> str | None:
    """学籍号 'G' + an 18-character ID carries the ID itself."""
    if not isinstance(student_number, str):
        return None
    text = student_number.strip().upper()
    if re.fullmatch(r"G\d{17}[\dX]", text):
        usable, _, _ = classify_id(text[1:])
        return usable
    return None


def _placeholder_parent(name: str | None) -> str | None:
    """李丽之子, 李丽家孩子, 李丽的女儿, 李丽婴儿 -> 李丽: the parent a placeholder names."""
    if not isinstance(name, str):
        return None
    match = re.fullmatch(
        r"(.{2,4}?)(?:之|家的|家|的)(?:儿子|女儿|孩子|小孩|双胞胎|婴儿|新生儿|宝宝|[男女]婴|子|女|儿|婴|男)", name
    ) or re.fullmatch(r"(.{2,4}?)(?:婴儿|新生儿|宝宝|[男女]婴)", name)  # words no name ends in, 之 left out
    return match.group(1) if match else None


def standardise_feed(
    raw: pd.DataFrame, mapping: FeedMapping, config: Config, table: DivisionTable, reference_date: dt.date
) -> Standardised:
    """Standardise one feed's raw canonical table (see `read_feeds`). Does not modify `raw`."""
    issues: list[pd.DataFrame] = []

    def record(field: str, problems: pd.Series) -> None:
        mask = problems.notna()
        if mask.any():
            issues.append(
                pd.DataFrame(
                    {
                        "feed": mapping.feed,
                        "record_key": raw.loc[mask, "record_key"].values,
                        "row_number": raw.loc[mask, "row_number"].values,
                        "field": field,
                        "reason": problems[mask].map(mask_numbers).values,
                    }
                )
            )

    out = pd.DataFrame({"feed": raw["feed"], "record_key": raw["record_key"], "row_number": raw["row_number"]})
    raw_names = _column(raw, "name")
    names = standardise_names(raw_names, config.names)
    record("name", pd.Series(NO_LETTERS, index=raw.index).where(raw_names.notna() & names["name"].isna()))
    out = out.join(names)
    placeholders = names["name"].where(names["name_is_placeholder"])
    stem_and_order = map_distinct([placeholders.astype(object)], lambda n: birth_order(n, config.names))
    out["placeholder_parent"] = [_placeholder_parent(stem) for stem, _ in stem_and_order]
    out["placeholder_order"] = pd.array([order for _, order in stem_and_order], dtype="Int8")

    sex, sex_problems = standardise_column(_column(raw, "sex"), standardise_sex)
    record("sex", sex_problems)
    out["sex"] = sex

    birth, birth_problems = parse_dates(_column(raw, "birth_date"), EARLIEST_DATE, reference_date)
    record("birth_date", birth_problems)
    out["birth_date"] = birth

    was_number = raw.get("id_number_was_number")
    ids = standardise_ids(_column(raw, "id_number"), was_number)
    from_student = _column(raw, "student_number").map(_id_from_student_number)
    use_student = ids["id_number"].isna() & from_student.notna()
    if use_student.any():
        derived = standardise_ids(from_student[use_student])
        derived["id_status"] = "from_student_number"
        ids.loc[use_student, derived.columns] = derived
        ids = ids.astype(object).where(ids.notna(), None)
    id_problem = ids["id_status"].map(
        lambda s: None if s in ("valid", "blank", "upgraded_15", "from_student_number") else f"ID not usable: {s}"
    )
    record("id_number", id_problem)
    out = out.join(ids)
    out["birth_date_conflicts_id"] = (
        out["id_birth_date"].notna() & out["birth_date"].notna() & (out["id_birth_date"] != out["birth_date"])
    )
    out["sex_conflicts_id"] = out["id_sex"].notna() & out["sex"].notna() & (out["id_sex"] != out["sex"])

    for field in ("student_number", "birth_certificate", "ethnicity", "school_name", "grade", "clinic_name"):
        out[field] = _column(raw, field).map(lambda v: "".join(str(v).split()) if v is not None else None)
    out["birth_certificate"] = out["birth_certificate"].str.upper()
    for field in ("guardian_name", "mother_name", "father_name"):
        out[field] = clean_person_names(_column(raw, field))
    phone, phone_problems = standardise_column(_column(raw, "guardian_phone"), standardise_phone)
    record("guardian_phone", phone_problems)
    out["guardian_phone"] = phone

    places, place_problems = standardise_places(
        raw, out["id_number"], table, config.policy, config.divisions, mapping.township_from_key
    )
    for field in place_problems.columns:
        record(field, place_problems[field])
    out = out.join(places)

    local, local_problems = parse_dates(_column(raw, "local_date"), EARLIEST_DATE, reference_date)
    record("local_date", local_problems)
    out["local_date"] = local

    issue_table = pd.concat(issues, ignore_index=True) if issues else pd.DataFrame(columns=ISSUE_COLUMNS)
    return Standardised(out[STANDARD_COLUMNS].reset_index(drop=True), issue_table)
