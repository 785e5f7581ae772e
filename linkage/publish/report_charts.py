"""The charts of the match report, as Vega-Lite specifications: Splink's own (match weights,
m and u, waterfalls) and a few drawn from the run's tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from splink import SettingsCreator
from splink.internals.charts import WaterfallChart
from splink.internals.waterfall_chart import records_to_waterfall_data

from linkage.frames import positions

THRESHOLDS = (0.5, 0.8, 0.9, 0.95, 0.99, 0.999)


def _splink_settings(settings: dict):
    return SettingsCreator.from_path_or_dict(settings).get_settings("duckdb")


def match_weights_spec(settings: dict) -> dict:
    """Splink's chart of the partial match weight of every comparison level."""
    return _splink_settings(settings).match_weights_chart().chart_dict


def m_u_spec(settings: dict) -> dict:
    """Splink's chart of every level's m and u probabilities."""
    return _splink_settings(settings).m_u_parameters_chart().chart_dict


def waterfall_spec(pairs: pd.DataFrame, settings: dict) -> dict:
    """Splink's waterfall chart for the given scored pairs (mask them first), one per slider step."""
    records = pairs.astype(object).where(pairs.notna(), None).to_dict("records")
    return WaterfallChart(records_to_waterfall_data(records, _splink_settings(settings), False), True).chart_dict


def bar_spec(data: pd.DataFrame, x: str, y: str, title: str, x_type: str = "ordinal") -> dict:
    """A plain bar chart of `y` by `x`."""
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": title,
        "width": 500,
        "height": 220,
        "data": {"values": data[[x, y]].to_dict("records")},
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {"x": {"field": x, "type": x_type}, "y": {"field": y, "type": "quantitative"}},
    }


def weight_histogram(pairs: pd.DataFrame, threshold_weight: float) -> dict:
    """How scored pairs spread over match weight, with the clustering threshold marked."""
    bins = pairs["match_weight"].clip(-20, 40).round().value_counts().sort_index()
    data = pd.DataFrame({"match_weight": bins.index.astype(float), "pairs": bins.values})
    spec = bar_spec(data, "match_weight", "pairs", "各匹配权重（match weight）的记录对数", "quantitative")
    return {
        "$schema": spec["$schema"],
        "title": spec["title"],
        "width": 500,
        "height": 220,
        "layer": [
            {k: v for k, v in spec.items() if k not in ("$schema", "title", "width", "height")},
            {
                "data": {"values": [{"t": threshold_weight}]},
                "mark": {"type": "rule", "color": "red"},
                "encoding": {"x": {"field": "t", "type": "quantitative"}},
            },
        ],
    }


def threshold_effect(pairs: pd.DataFrame, record_ids: pd.Series) -> pd.DataFrame:
    """At each candidate threshold: pairs at or above it, and the children that plain
    transitive clustering would give (before the register's twin and sibling constraints): the
    connected components the pairs at or above it make among the records."""
    left, right = positions(record_ids, pairs["unique_id_l"], pairs["unique_id_r"])
    known = (left >= 0) & (right >= 0)
    probability = pairs["match_probability"].to_numpy()
    n = len(record_ids)
    rows = []
    for t in THRESHOLDS:
        at = probability >= t
        edges = at & known
        graph = coo_matrix((np.ones(int(edges.sum()), np.int8), (left[edges], right[edges])), shape=(n, n))
        children = connected_components(graph, directed=False)[0] if n else 0
        rows.append({"threshold": t, "pairs_at_or_above": int(at.sum()), "children_unconstrained": int(children)})
    return pd.DataFrame(rows)
