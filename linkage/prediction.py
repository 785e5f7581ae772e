"""Scoring pairs of records with a trained model."""

from __future__ import annotations

import pandas as pd
from splink import Linker


def score_pairs(linker: Linker, keep_above: float = 0.01) -> pd.DataFrame:
    """Every blocked pair with match probability at least `keep_above`, with its comparison levels
    (gamma columns) and the values compared, for reports and waterfall charts."""
    for column in ("name",):
        linker.table_management.compute_tf_table(column)
    scored = linker.inference.predict(threshold_match_probability=keep_above).as_pandas_dataframe()
    return scored.sort_values("match_weight", ascending=False, ignore_index=True)
