"""The Splink model: settings, unsupervised training, and the versioned JSON artefact."""

from __future__ import annotations

import json
import logging
from typing import Any

import pandas as pd
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.blocking_analysis import count_comparisons_from_blocking_rules
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.database_api import DatabaseAPI
from splink.internals.exceptions import EMTrainingException

from linkage.config import FEEDS, EngineConfig, ModelConfig
from linkage.errors import ModelError
from linkage.link.blocking import blocking_rules
from linkage.link.comparisons import DUCKDB, all_comparisons, in_dialect
from linkage.link.engine import database_api, dialect

logging.getLogger("splink").setLevel(logging.WARNING)
log = logging.getLogger(__name__)


def model_settings(model: ModelConfig) -> SettingsCreator:
    """Splink settings for link_and_dedupe across the four feeds, in the SQL of the engine."""
    comparisons: list[ComparisonCreator | dict[str, Any]] = [*all_comparisons(dialect(model.engine))]
    return SettingsCreator(
        link_type="link_and_dedupe",
        unique_id_column_name="unique_id",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=blocking_rules(model.prediction_blocking),
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=True,
        additional_columns_to_retain=["is_placeholder"],
    )


def register_feeds(db_api: DatabaseAPI, records: pd.DataFrame) -> list:
    """One Splink input table per feed present, in a fixed order."""
    tables = []
    for feed in FEEDS:
        part = records[records["source_dataset"] == feed]
        if len(part):
            name = f"feed_{feed}"
            if db_api.table_exists_in_database(name):  # a Spark session keeps an earlier linker's views
                db_api.delete_table_from_database(name)
            if not isinstance(db_api, DuckDBAPI):  # Spark reads a column's type from Python values
                part = part.astype(object).where(part.notna(), None)
            tables.append(db_api.register(part.reset_index(drop=True), table_name=name))
    return tables


def count_comparisons(records: pd.DataFrame, rules: list[list[str]]) -> list:
    """Per blocking rule, in order, the comparisons it adds and the running total, as Splink's
    blocking analysis counts them on the linkage input `records` (no pairs are made)."""
    return count_comparisons_from_blocking_rules(
        register_feeds(DuckDBAPI(), records),
        blocking_rules=blocking_rules(rules),
        link_type="link_and_dedupe",
        source_dataset_column_name="source_dataset",
        record_sample_proportion=1.0,
    )


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


def train_model(records: pd.DataFrame, model: ModelConfig, labels: pd.DataFrame | None = None) -> tuple[dict, list]:
    """Train on the run's records (see `train_linker`), then on people's "same" decisions as
    labelled pairs where there are any. Returns the smoothed model settings and, per comparison
    level the labels moved, its m probability before and after."""
    linker = train_linker(records, model)
    changes: list[dict] = []
    if labels is not None and len(labels):
        before = m_probabilities(linker.misc.save_model_to_json())
        linker.table_management.register_table(labels, "__childreg_labels", overwrite=True)
        linker.training.estimate_m_from_pairwise_labels("__childreg_labels")
        after = m_probabilities(linker.misc.save_model_to_json())
        changes = [
            {"comparison": c, "level": level, "m_before": round(before[(c, level)], 4), "m_after": round(m, 4)}
            for (c, level), m in after.items()
            if (c, level) in before and abs(m - before[(c, level)]) >= 0.001
        ]
    # The model is kept in DuckDB's SQL whichever engine trained it; `linker_for` writes it in
    # the engine's SQL when it runs.
    trained = in_dialect(linker.misc.save_model_to_json(), DUCKDB)
    return smooth_m_probabilities(trained, model.m_floor), changes


def m_probabilities(settings: dict) -> dict[tuple[str, str], float]:
    """(comparison, level label) -> m probability, for every level that has one."""
    return {
        (c["output_column_name"], level["label_for_charts"]): float(level["m_probability"])
        for c in settings["comparisons"]
        for level in c["comparison_levels"]
        if level.get("m_probability") is not None
    }


def labelled_pairs(decisions: pd.DataFrame | None, records: pd.DataFrame) -> pd.DataFrame:
    """People's "same" decisions whose records are both in this run, as Splink's pairwise labels."""
    columns = ["source_dataset_l", "unique_id_l", "source_dataset_r", "unique_id_r", "clerical_match_score"]
    if decisions is None or decisions.empty:
        return pd.DataFrame(columns=columns)
    present = set(records["unique_id"])
    same = decisions[
        (decisions["verdict"] == "same") & decisions["left_ref"].isin(present) & decisions["right_ref"].isin(present)
    ]
    return pd.DataFrame(
        {
            "source_dataset_l": same["left_ref"].str.split(":").str[0],
            "unique_id_l": same["left_ref"],
            "source_dataset_r": same["right_ref"].str.split(":").str[0],
            "unique_id_r": same["right_ref"],
            "clerical_match_score": 1.0,
        }
    )[columns]


def train_linker(records: pd.DataFrame, model: ModelConfig, db_api: DatabaseAPI | None = None) -> Linker:
    """Train without labels on the run's own records: the prior from the pairs the configured
    near-certain rules find, u by random sampling, m by expectation maximisation in one session
    per configured blocking rule."""
    db_api = db_api or database_api(model.engine)
    linker = Linker(register_feeds(db_api, records), model_settings(model), log_level=logging.WARNING)
    _estimate_prior(linker, model)
    linker.training.estimate_u_using_random_sampling(max_pairs=model.u_max_pairs, seed=model.seed)
    failed = {}
    for cols in model.em_blocking:
        why = _train_em(linker, cols)
        if why:
            failed[", ".join(cols)] = why
            log.warning("EM training blocked on %s not used: %s; the other sessions' estimates stand", cols, why)
    if len(failed) == len(model.em_blocking):
        raise ModelError(
            "the model could not be trained on these records ("
            + "; ".join(f"blocked on {cols}: {why}" for cols, why in failed.items())
            + "): run with --model and the model.json of an earlier run"
        )
    return linker


def _estimate_prior(linker: Linker, model: ModelConfig) -> None:
    """The probability that two records are one child: the pairs the deterministic rules find
    (one ID; one name as heard and one date of birth), over the share of true pairs they are
    thought to find. Raises ModelError when the rules find no pair, or more than that share
    allows (a handful of records): Splink would fail later, or count a prior of 1."""
    rules: list[str | BlockingRuleCreator] = [block_on(*cols) for cols in model.deterministic_rules]
    named = "; ".join(", ".join(cols) for cols in model.deterministic_rules)
    try:
        linker.training.estimate_probability_two_random_records_match(rules, recall=model.deterministic_recall)
    except ValueError as exc:
        if "more observed matches" not in str(exc):
            raise
        raise ModelError(
            f"the model could not be trained on these records: too few records for the prior ({named} "
            "pair more of them than deterministic_recall allows): run with --model and the model.json of an earlier run"
        ) from None
    if linker.misc.save_model_to_json()["probability_two_random_records_match"] == 0:
        raise ModelError(
            f"the model could not be trained on these records: no two of them agree on any rule the prior is "
            f"counted from ({named}): run with --model and the model.json of an earlier run"
        )


def _train_em(linker: Linker, cols: list[str]) -> str | None:
    """One EM session blocked on `cols`; None when it trained, else why it could not. A failed
    session leaves the linker's parameters as they were (Splink trains a copy)."""
    try:
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on(*cols), record_sample_proportion=1.0, max_pairs=5e6
        )
    except EMTrainingException:
        return "no two records agree on it"
    except ValueError as exc:
        if "below the minimum allowed value" not in str(exc):
            raise
        # Every pair at some level looked like two children to EM, until its m underflowed to 0
        # (seen on sparse data: few children with records in two departments).
        return "an m probability fell to 0 (too few pairs of one child among its pairs)"
    return None


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


def linker_for(records: pd.DataFrame, settings: dict, engine: EngineConfig | None = None) -> Linker:
    """A linker over `records` with trained settings (no training) on the configured engine;
    a model trained on one engine runs on the other."""
    engine = engine or EngineConfig()
    settings = in_dialect(settings, dialect(engine))
    return Linker(register_feeds(database_api(engine), records), settings, log_level=logging.WARNING)
