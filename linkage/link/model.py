"""The Splink model: settings, unsupervised training, and the versioned JSON artefact."""

from __future__ import annotations

import json
import logging
from typing import Any

import pandas as pd
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.internals.comparison_creator import ComparisonCreator

from linkage.config import FEEDS, ModelConfig
from linkage.errors import ModelError
from linkage.link.blocking import blocking_rules
from linkage.link.comparisons import all_comparisons

logging.getLogger("splink").setLevel(logging.WARNING)


def model_settings(model: ModelConfig) -> SettingsCreator:
    """Splink settings for link_and_dedupe across the four feeds."""
    comparisons: list[ComparisonCreator | dict[str, Any]] = [*all_comparisons()]
    return SettingsCreator(
        link_type="link_and_dedupe",
        unique_id_column_name="unique_id",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=blocking_rules(model.prediction_blocking),
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=True,
        additional_columns_to_retain=["is_placeholder"],
    )


def register_feeds(db_api: DuckDBAPI, records: pd.DataFrame) -> list:
    """One Splink input table per feed present, in a fixed order."""
    tables = []
    for feed in FEEDS:
        part = records[records["source_dataset"] == feed]
        if len(part):
            tables.append(db_api.register(part.reset_index(drop=True), table_name=f"feed_{feed}"))
    return tables


def smooth_m_probabilities(settings: dict, floor: float) -> dict:
    """Raise every trained m probability to at least `floor`.

    Training pairs cannot show every way a true match disagrees (a sex typed wrong, a household
    coded differently); an m of 0 would make such a disagreement veto a match outright."""
    out = json.loads(json.dumps(settings))
    for comparison in out["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level") or level.get("fix_m_probability"):
                continue
            if level.get("m_probability") is not None:
                level["m_probability"] = max(float(level["m_probability"]), floor)
    return out


def train_model(records: pd.DataFrame, model: ModelConfig) -> dict:
    """Train on the run's records (see `train_linker`) and return the smoothed model settings."""
    linker = train_linker(records, model)
    return smooth_m_probabilities(linker.misc.save_model_to_json(), model.m_floor)


def train_linker(records: pd.DataFrame, model: ModelConfig, db_api: DuckDBAPI | None = None) -> Linker:
    """Train without labels on the run's own records: the prior from exact-ID pairs, u by random
    sampling, m by expectation maximisation in one session per configured blocking rule."""
    db_api = db_api or DuckDBAPI()
    linker = Linker(register_feeds(db_api, records), model_settings(model), log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        [block_on(*cols) for cols in model.deterministic_rules], recall=model.deterministic_recall
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=model.u_max_pairs, seed=model.seed)
    for cols in model.em_blocking:
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on(*cols), record_sample_proportion=1.0, max_pairs=5e6
        )
    return linker


def model_json(settings: dict, version: str) -> str:
    """The trained model as JSON text, with the model version in its settings."""
    settings = dict(settings)
    settings["linker_uid"] = f"childreg-model-v{version}"
    return json.dumps(settings, ensure_ascii=False, indent=2)


def parse_model_json(text: str, source: str) -> dict:
    """A saved model's settings, checked before any work starts: JSON, a Splink model, and one
    trained for the comparisons this version of the register makes. Raises ModelError naming
    `source` and what is wrong."""
    try:
        settings = json.loads(text)
    except ValueError as exc:
        raise ModelError(f"{source}: not JSON ({exc}); give a model.json written by a run") from None
    if (
        not isinstance(settings, dict)
        or not isinstance(settings.get("comparisons"), list)
        or "link_type" not in settings
    ):
        raise ModelError(
            f"{source}: not a Splink model (no link_type and comparisons); give a model.json written by a run"
        )
    try:
        SettingsCreator.from_path_or_dict(settings)
    except (TypeError, KeyError, ValueError, AttributeError) as exc:
        raise ModelError(f"{source}: not a Splink model this version can read: {exc}") from None
    expected = [c["output_column_name"] for c in all_comparisons()]
    found = [c.get("output_column_name") for c in settings["comparisons"] if isinstance(c, dict)]
    if found != expected:
        raise ModelError(
            f"{source}: trained for other comparisons ({', '.join(map(str, found))}); "
            f"this version compares {', '.join(expected)}: train a new model (run without --model)"
        )
    return settings


def linker_for(records: pd.DataFrame, settings: dict, db_api: DuckDBAPI | None = None) -> Linker:
    """A linker over `records` with trained settings: no training."""
    db_api = db_api or DuckDBAPI()
    return Linker(register_feeds(db_api, records), settings, log_level=logging.WARNING)
