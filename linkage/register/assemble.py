"""The master child register from clustered records: master IDs, golden records, status."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from linkage.config import Config
from linkage.link.linkage_input import record_ref
from linkage.link.prediction import ScoredRecords
from linkage.link.scored_pairs import ScoredPairs
from linkage.register.decisions import OUTCOME_COLUMNS, decision_outcomes
from linkage.register.eligibility import decide_statuses
from linkage.register.golden_record import golden_records
from linkage.register.master_ids import ID_EVENT_COLUMNS, assign_master_ids, id_events
from linkage.register.possible_duplicates import (
    NAME_COLUMNS,
    PAIR_COLUMNS,
    POSSIBLE_COLUMNS,
    names_worth_reading,
    possibly_same,
)
from linkage.standardise.divisions import division_table


@dataclass
class Register:
    """The outputs of linkage: the register, its members, the scored pairs and the model used."""

    register: pd.DataFrame
    members: pd.DataFrame
    pairs: ScoredPairs
    settings: dict
    records: pd.DataFrame
    possible_same: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=POSSIBLE_COLUMNS))
    decisions: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=OUTCOME_COLUMNS))
    id_history: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ID_EVENT_COLUMNS))
    model_changes: list = field(default_factory=list)  # m probabilities people's decisions moved


def assemble_register(
    standardised: pd.DataFrame,
    scored: ScoredRecords,
    clusters: pd.DataFrame,
    config: Config,
    as_of: dt.date,
    previous_members: pd.DataFrame | None = None,
    decisions: pd.DataFrame | None = None,
    issued: frozenset[str] = frozenset(),
) -> Register:
    """Master IDs (kept from `previous_members`), golden records and each child's status."""
    records = scored.records
    masters = assign_master_ids(clusters, records, previous_members, issued)
    clusters = clusters.merge(masters, on="cluster_key")
    std = standardised.assign(unique_id=record_ref(standardised))
    members = (
        records[["unique_id", "feed", "record_key"]]
        .merge(clusters, on="unique_id")
        .merge(std[["unique_id", "row_number"]], on="unique_id")
    )
    joined = std.merge(members[["unique_id", "master_id"]], on="unique_id")
    register = decide_statuses(
        golden_records(joined, config.policy), as_of, config.policy, division_table(config).full_name
    )
    verification = members.dropna(subset=["verification"])
    uncertain = members[members["link_probability"] < config.model.uncertain_below].groupby("master_id").size()
    register["records_to_verify"] = (
        register["master_id"].map(verification.groupby("master_id").size()).fillna(0).astype(int)
    )
    register["uncertain_links"] = register["master_id"].map(uncertain).fillna(0).astype(int)
    register["renamed_joins"] = _renamed_joins(register["master_id"], members, records)
    members = members[
        [
            "master_id",
            "feed",
            "record_key",
            "row_number",
            "unique_id",
            "link_probability",
            "verification",
            "renamed_with",
            "maybe_renamed_with",
        ]
    ]
    members = members.rename(columns={"link_probability": "match_probability"})
    floor = config.model.possibly_same_above
    names = scored.pairs.frame(NAME_COLUMNS, where=names_worth_reading(floor))
    possible = possibly_same(scored.pairs.frame(PAIR_COLUMNS), members, register, floor, names)
    register["possibly_same_as"] = register["master_id"].map(possible.groupby("master_id").size()).fillna(0).astype(int)
    return Register(
        register,
        members.sort_values(["master_id", "feed", "record_key"], ignore_index=True),
        scored.pairs,
        scored.settings,
        records,
        possible,
        decision_outcomes(decisions if decisions is not None else pd.DataFrame(), members, records),
        id_events(previous_members, members),
        scored.model_changes,
    )


def _renamed_joins(master_ids: pd.Series, members: pd.DataFrame, records: pd.DataFrame) -> pd.Series:
    """Per master (in `master_ids`' order): the pairs of its records the clustering joined as one
    renamed child, as 'feed:key（name）=feed:key（name）', several joined by '；' ('' for none).
    Twins that no department holds together look the same: these are for a person to confirm."""
    joined = members.dropna(subset=["renamed_with"])
    joined = joined[joined["unique_id"] < joined["renamed_with"]]  # each pair once
    if joined.empty:
        return pd.Series("", index=master_ids.index, dtype=object)
    name = records.set_index("unique_id")["name"]
    text = (
        joined["unique_id"]
        + "（"
        + joined["unique_id"].map(name).fillna("")
        + "）="
        + joined["renamed_with"]
        + "（"
        + joined["renamed_with"].map(name).fillna("")
        + "）"
    )
    by_master = text.groupby(joined["master_id"]).agg("；".join)
    return master_ids.map(by_master).fillna("").astype(object)
