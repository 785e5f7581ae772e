"""Scoring pairs of records with a trained model."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from splink import DuckDBAPI, Linker

from linkage.config import Config, EngineConfig
from linkage.link.linkage_input import linkage_input
from linkage.link.model import labelled_pairs, linker_for, train_model
from linkage.link.scored_pairs import BATCH_ROWS, ScoredPairs
from linkage.memory import collect_garbage


@dataclass
class ScoredRecords:
    """The linkage input, the model used and every scored pair."""

    records: pd.DataFrame
    settings: dict
    pairs: ScoredPairs
    trained: bool
    model_changes: list = field(default_factory=list)  # m probabilities people's decisions moved


def score_pairs(linker: Linker, keep_above: float = 0.01, engine: EngineConfig | None = None) -> ScoredPairs:
    """Every blocked pair with match probability at least `keep_above`, with its comparison levels
    (gamma columns) and the values compared, for reports and waterfall charts, in a DuckDB table
    of their own: the linker's database (and all Splink made in it) can then go."""
    for column in ("name",):
        linker.table_management.compute_tf_table(column)
    predicted = linker.inference.predict(threshold_match_probability=keep_above)
    if isinstance(predicted.db_api, DuckDBAPI):  # streamed, batch by batch, from one database to the other
        source = predicted.db_api.duckdb_con.sql(f"SELECT * FROM {predicted.physical_name}").to_arrow_reader(BATCH_ROWS)
    else:
        source = predicted.as_pyarrow_table()
    pairs = ScoredPairs.load(source, engine)
    predicted.drop_table_from_database_and_remove_from_cache()
    return pairs


def link_records(
    standardised: pd.DataFrame, config: Config, settings: dict | None = None, decisions: pd.DataFrame | None = None
) -> ScoredRecords:
    """Score candidate pairs of records with the model in `settings`, or with one trained on
    these records (and on people's "same" `decisions` as labelled pairs) when none is given."""
    records = linkage_input(
        standardised, config.model.lookalike_groups, config.model.name_readings, config.names.compound_surnames
    )
    changes: list = []
    trained = settings is None
    if settings is None:
        settings, changes = train_model(records, config.model, labelled_pairs(decisions, records))
        collect_garbage()
    pairs = score_pairs(linker_for(records, settings, config.model.engine), engine=config.model.engine)
    # A Splink linker keeps its database connection in reference cycles, which Python collects
    # only now and then: at a million records, over a GiB would stay held through every later stage.
    collect_garbage()
    return ScoredRecords(records, settings, pairs, trained, changes)
