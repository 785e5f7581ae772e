"""From standardised records to the master child register: link, cluster, golden record, status.

Each stage is its own function so that a flow can run, time and report them one by one;
`build_register` runs them all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from linkage.clustering import cluster_records
from linkage.config import Config
from linkage.data_path import division_table
from linkage.eligibility import decide_statuses
from linkage.golden_record import golden_records
from linkage.linkage_input import linkage_input, record_ref
from linkage.master_ids import assign_master_ids
from linkage.model import linker_for, train_model
from linkage.prediction import score_pairs


@dataclass
class ScoredRecords:
    """The linkage input, the model used and every scored pair."""

    records: pd.DataFrame
    settings: dict
    pairs: pd.DataFrame
    trained: bool


@dataclass
class Register:
    """The outputs of linkage: the register, its members, the scored pairs and the model used."""

    register: pd.DataFrame
    members: pd.DataFrame
    pairs: pd.DataFrame
    settings: dict
    records: pd.DataFrame


def link_records(standardised: pd.DataFrame, config: Config, settings: dict | None = None) -> ScoredRecords:
    """Score candidate pairs of records with the model in `settings`, or with one trained on
    these records when none is given."""
    records = linkage_input(standardised, config.model.lookalike_groups)
    trained = settings is None
    settings = settings or train_model(records, config.model)
    pairs = score_pairs(linker_for(records, settings))
    return ScoredRecords(records, settings, pairs, trained)


def cluster_children(scored: ScoredRecords, config: Config) -> pd.DataFrame:
    """One row per record with its cluster key, link probability and verification note."""
    return cluster_records(scored.records, scored.pairs, config.model.match_threshold, config.model.ambiguity_margin)


def assemble_register(standardised: pd.DataFrame, scored: ScoredRecords, clusters: pd.DataFrame, config: Config,
                      as_of: dt.date, previous_members: pd.DataFrame | None = None) -> Register:
    """Master IDs (kept from `previous_members`), golden records and each child's status."""
    records = scored.records
    masters = assign_master_ids(clusters, records, previous_members)
    clusters = clusters.merge(masters, on="cluster_key")
    std = standardised.assign(unique_id=record_ref(standardised))
    members = records[["unique_id", "feed", "record_key"]].merge(clusters, on="unique_id").merge(
        std[["unique_id", "row_number"]], on="unique_id")
    joined = std.merge(members[["unique_id", "master_id"]], on="unique_id")
    register = decide_statuses(golden_records(joined, config.policy), as_of, config.policy,
                               division_table(config).full_name)
    verification = members.dropna(subset=["verification"])
    uncertain = members[members["link_probability"] < config.model.uncertain_below].groupby("master_id").size()
    register["records_to_verify"] = register["master_id"].map(verification.groupby("master_id").size()).fillna(0).astype(int)
    register["uncertain_links"] = register["master_id"].map(uncertain).fillna(0).astype(int)
    members = members[["master_id", "feed", "record_key", "row_number", "unique_id", "link_probability", "verification"]]
    members = members.rename(columns={"link_probability": "match_probability"})
    return Register(register, members.sort_values(["master_id", "feed", "record_key"], ignore_index=True),
                    scored.pairs, scored.settings, records)


def build_register(standardised: pd.DataFrame, config: Config, as_of: dt.date, settings: dict | None = None,
                   previous_members: pd.DataFrame | None = None) -> Register:
    """Link the records (training the model on them unless `settings` is given), cluster them,
    keep master IDs from `previous_members`, build golden records and decide each child's status."""
    scored = link_records(standardised, config, settings)
    clusters = cluster_children(scored, config)
    return assemble_register(standardised, scored, clusters, config, as_of, previous_members)
