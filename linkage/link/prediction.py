"""Scoring pairs of records with a trained model."""

from __future__ import annotations

import gc
from dataclasses import dataclass, field

import pandas as pd
from splink import Linker

from linkage.config import Config
from linkage.link.linkage_input import linkage_input
from linkage.link.model import labelled_pairs, linker_for, train_model


@dataclass
class ScoredRecords:
    """The linkage input, the model used and every scored pair."""

    records: pd.DataFrame
    settings: dict
    pairs: pd.DataFrame
    trained: bool
    model_changes: list = field(default_factory=list)  # m probabilities people's decisions moved


def score_pairs(linker: Linker, keep_above: float = 0.01) -> pd.DataFrame:
    """Every blocked pair with match probability at least `keep_above`, with its comparison levels
    (gamma columns) and the values compared, for reports and waterfall charts."""
    for column in ("name",):
        linker.table_management.compute_tf_table(column)
    predicted = linker.inference.predict(threshold_match_probability=keep_above)
    # Through Arrow: texts stay in Arrow's compact form (a million pairs' copy as Python strings
    # took twice the memory), and the engine's copy is dropped at once. Unsorted: whoever needs
    # an order sorts (the clustering breaks ties by the records' positions).
    table = predicted.as_pyarrow_table()
    predicted.drop_table_from_database_and_remove_from_cache()
    return table.to_pandas()


def link_records(
    standardised: pd.DataFrame, config: Config, settings: dict | None = None, decisions: pd.DataFrame | None = None
) -> ScoredRecords:
    """Score candidate pairs of records with the model in `settings`, or with one trained on
    these records (and on people's "same" `decisions` as labelled pairs) when none is given."""
    records = linkage_input(standardised, config.model.lookalike_groups)
    changes: list = []
    trained = settings is None
    if settings is None:
        settings, changes = train_model(records, config.model, labelled_pairs(decisions, records))
        gc.collect()
    pairs = score_pairs(linker_for(records, settings, config.model.engine))
    # A Splink linker keeps its database connection in reference cycles, which Python collects
    # only now and then: at a million records, over a GiB would stay held through every later stage.
    gc.collect()
    return ScoredRecords(records, settings, pairs, trained, changes)
