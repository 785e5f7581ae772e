"""The tables passed between stages: for each, its grain (one row per what), its key and the
columns later stages rely on. One place to read what a frame holds; `conforms` checks a frame
against its contract, and the tests check every stage's output with it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class FrameContract:
    """What a table between stages holds: made by `stage`, one row per `grain`, unique on `key`."""

    name: str
    stage: str
    grain: str
    key: tuple[str, ...]
    columns: tuple[str, ...]


RAW_FEED = FrameContract(
    "raw feed",
    "ingest.read_feeds",
    "one row per data line of one feed file that splits into the header's fields",
    ("feed", "row_number"),
    ("feed", "row_number", "record_key"),  # then every canonical field the feed's mapping names, as text
)
QUARANTINE = FrameContract(
    "quarantine",
    "ingest.prepare",
    "one row per input row that could not be used, with the reason",
    ("feed", "row_number"),
    ("feed", "record_key", "row_number", "field", "reason"),
)
FIELD_ISSUES = FrameContract(
    "field issues",
    "standardise.assemble",
    "one row per field of a kept row that was set to blank, with the reason",
    ("feed", "row_number", "field"),
    ("feed", "record_key", "row_number", "field", "reason"),
)
RECONCILIATION = FrameContract(
    "reconciliation",
    "ingest.prepare",
    "one row per feed: rows read = rows kept + rows quarantined",
    ("feed",),
    ("feed", "rows_read", "rows_kept", "rows_quarantined", "balanced"),
)
STANDARDISED = FrameContract(
    "standardised records",
    "standardise.assemble",
    "one row per kept input row (record), every feed together",
    ("feed", "row_number"),
    (
        "feed",
        "record_key",
        "row_number",
        "name",
        "name_is_placeholder",
        "placeholder_parent",
        "placeholder_order",
        "surname",
        "given_name",
        "name_pinyin",
        "given_pinyin",
        "surname_pinyin",
        "sex",
        "birth_date",
        "id_number",
        "id_status",
        "id_text",
        "id_birth_date",
        "id_sex",
        "birth_date_conflicts_id",
        "sex_conflicts_id",
        "student_number",
        "birth_certificate",
        "ethnicity",
        "guardian_name",
        "guardian_phone",
        "mother_name",
        "father_name",
        "household_county",
        "household_county_source",
        "residence_county",
        "residence_township",
        "residence_township_name",
        "residence_legal_county",
        "residence_address",
        "local_date",
        "school_name",
        "grade",
        "clinic_name",
    ),
)

LINKAGE_RECORDS = FrameContract(
    "linkage input",
    "link.linkage_input",
    "one row per record, with what the model compares",
    ("unique_id",),
    (
        "unique_id",
        "source_dataset",
        "feed",
        "record_key",
        "id_number",
        "id_text",
        "birth_certificate",
        "name",
        "name_pinyin",
        "name_shape",
        "surname",
        "surname_pinyin",
        "given_sorted",
        "given_sounds",
        "name_sounds",
        "birth_date",
        "birth_year",
        "number_birth_date",
        "sex",
        "guardian_phone",
        "family_names",
        "family_surnames",
        "household_county",
        "residence_county",
        "residence_township",
        "residence_address",
        "is_placeholder",
        "birth_after_local",
        "placeholder_order",
        "local_date",
    ),
)
SCORED_PAIRS = FrameContract(
    "scored pairs",
    "link.prediction",
    "one row per pair of records compared, above the probability floor",
    ("unique_id_l", "unique_id_r"),
    ("unique_id_l", "unique_id_r", "match_weight", "match_probability", "gamma_id", "gamma_name", "gamma_birth_date"),
)
CLUSTERS = FrameContract(
    "clusters",
    "link.clustering",
    "one row per record: the cluster (child) it joined",
    ("unique_id",),
    ("unique_id", "cluster_key", "link_probability", "verification", "renamed_with", "maybe_renamed_with"),
)
MEMBERS = FrameContract(
    "members",
    "register.assemble",
    "one row per record: its child's master ID and where it came from",
    ("unique_id",),
    (
        "master_id",
        "feed",
        "record_key",
        "row_number",
        "unique_id",
        "match_probability",
        "verification",
        "renamed_with",
        "maybe_renamed_with",
    ),
)
REGISTER = FrameContract(
    "register",
    "register.assemble",
    "one row per child (master ID): the golden record and the status",
    ("master_id",),
    (
        "master_id",
        "id_number",
        "name",
        "name_is_placeholder",
        "birth_date",
        "sex",
        "household_county",
        "residence_county",
        "residence_legal_county",
        "residence_township",
        "residence_township_name",
        "residence_address",
        "guardian_name",
        "guardian_phone",
        "school_name",
        "grade",
        "feeds",
        "n_records",
        "earliest_local_date",
        "away_since",
        "conflicts",
        "residence_counties_by_feed",
        "status",
        "status_label",
        "status_reason",
        "is_migrant",
        "age_years",
        "records_to_verify",
        "uncertain_links",
        "renamed_joins",
    ),
)
POSSIBLE_SAME = FrameContract(
    "possibly one child",
    "register.possible_duplicates",
    "one row per child and each other child it may be (both directions), with what they share",
    ("master_id", "other_master_id"),
    ("master_id", "other_master_id", "match_probability", "shared"),
)
LEDGER_INDEX = FrameContract(
    "ledger index",
    "publish.ledger_workbook",
    "one row per county workbook written, with its sheets' rows",
    ("code",),
    (
        "code",
        "name",
        "file",
        "migrant_children",
        "to_verify",
        "not_migrant",
        "care_gaps",
        "new_children",
        "gone_children",
        "changed_details",
    ),
)

CONTRACTS: tuple[FrameContract, ...] = (
    RAW_FEED,
    QUARANTINE,
    FIELD_ISSUES,
    RECONCILIATION,
    STANDARDISED,
    LINKAGE_RECORDS,
    SCORED_PAIRS,
    CLUSTERS,
    MEMBERS,
    REGISTER,
    POSSIBLE_SAME,
    LEDGER_INDEX,
)


def conforms(frame: pd.DataFrame, contract: FrameContract) -> list[str]:
    """What is wrong with `frame` as `contract` describes it: missing columns, or a key that is not
    unique (more than one row per grain). Empty when it conforms."""
    problems = []
    missing = [c for c in contract.columns if c not in frame.columns]
    if missing:
        problems.append(f"{contract.name}: missing columns {', '.join(missing)}")
    elif len(frame) and frame.duplicated(list(contract.key)).any():
        problems.append(f"{contract.name}: more than one row per {' + '.join(contract.key)} ({contract.grain})")
    return problems


def present_or_none(values: pd.Series) -> list:
    """The column's values as a list, with every kind of missing value (None, NaN, NA, NaT) as
    None: what rules written in Python read, value by value."""
    return values.astype(object).where(values.notna(), None).tolist()


def positions(keys: pd.Series, *lookups: pd.Series) -> list[np.ndarray]:
    """For each of `lookups`, where each of its values sits in `keys` (unique), or -1 where it is
    not there. One factorisation of all of them together: far faster than looking texts up in an
    index, for Arrow-backed texts above all."""
    sizes = [len(keys), *(len(lookup) for lookup in lookups)]
    codes = pd.factorize(pd.concat([keys, *lookups], ignore_index=True))[0]
    # Codes count values in order of first appearance and the keys come first: the keys are unique
    # exactly when the last key's code is its position, and then a code past them is absent.
    if sizes[0] and codes[sizes[0] - 1] != sizes[0] - 1:
        raise ValueError("positions: the keys are not unique")
    bounds = np.cumsum(sizes)
    return [np.where(part < sizes[0], part, -1) for part in np.split(codes[sizes[0] :], bounds[1:-1] - sizes[0])]
