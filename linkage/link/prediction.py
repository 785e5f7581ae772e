"""Scoring pairs of records with a trained model."""

from __future__ import annotations

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
    scored = linker.inference.predict(threshold_match_probability=keep_above).as_pandas_dataframe()
    return scored.sort_values("match_weight", ascending=False, ignore_index=True)


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
    pairs = score_pairs(linker_for(records, settings, config.model.engine))
    return ScoredRecords(records, settings, pairs, trained, changes)
