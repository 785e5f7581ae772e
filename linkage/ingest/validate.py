"""Validation with Great Expectations against the suites kept in `expectations/`.

Each expectation carries in its meta an `action` (what a failing row means) and a `reason`:
- quarantine: the row cannot be used and goes to quarantine;
- quarantine_repeats: every repeat of a value after its first row goes to quarantine;
- report: counted and reported; the standardiser nulls the bad value and records it;
- stop: the standardised table broke its contract: the run stops (a bug, not bad input).
GE runs with the SUMMARY result format, which is fast; the rows behind a quarantine action are
found from the same expectation with pandas and must agree with GE's count.
"""

from __future__ import annotations

import importlib
import json
import logging
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from linkage.config import PROJECT_ROOT
from linkage.frames import QUARANTINE

EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"
QUARANTINE_COLUMNS = list(QUARANTINE.columns)


@dataclass(frozen=True)
class ExpectationOutcome:
    """One expectation's result on one table."""

    suite: str
    expectation: str
    column: str | None
    success: bool
    unexpected_count: int
    element_count: int
    action: str
    reason: str


class ContractBroken(Exception):
    """A 'stop' expectation failed: the run must not go on."""


def load_suite_config(name: str, directory: Path = EXPECTATIONS_DIR) -> dict:
    """The suite as stored: {'name', 'expectations': [{'type', 'kwargs', 'meta'}]}."""
    return json.loads((directory / f"{name}.json").read_text(encoding="utf-8"))


def _great_expectations():
    """Great Expectations, imported. pyspark 4 without its Spark Connect dependencies (grpc) ends
    the process from inside this import when Python's main module has no file (`python -c`, some
    notebook kernels): say so instead of vanishing."""
    try:
        return importlib.import_module("great_expectations")
    except SystemExit:
        raise RuntimeError(
            "importing great_expectations ended the process: a pyspark in this environment checks for "
            "Spark Connect's dependencies and exits when they are missing; install the project's spark "
            "extra (pyspark 3.5) or pyspark[connect]"
        ) from None


@lru_cache(maxsize=1)
def _context():
    gx = _great_expectations()
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.execution_engine import pandas_execution_engine

    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    # GE fingerprints every in-memory batch under 1 GB by hashing all of it (about 4 s per
    # million rows); nothing here reads the fingerprint, so batches are never hashed.
    pandas_execution_engine.HASH_THRESHOLD = 0
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


_batch_definitions: dict[str, object] = {}
# One GE context serves every suite; the flow validates feeds in parallel threads.
_GE_LOCK = threading.Lock()


def _batch_definition(name: str):
    if name not in _batch_definitions:
        context = _context()
        source = context.data_sources.add_or_update_pandas(f"childreg_{name}")
        asset = source.add_dataframe_asset(name)
        _batch_definitions[name] = asset.add_batch_definition_whole_dataframe("whole")
    return _batch_definitions[name]


def _arrow_strings(table: pd.DataFrame) -> pd.DataFrame:
    """Text columns as Arrow strings: GE's regular expressions and sets then run in Arrow's
    compiled code, not value by value in Python (ten times faster; the same outcomes). A column
    that holds anything but text (a number a workbook cell gave) is left as it is."""
    texts = {
        c: pd.StringDtype("pyarrow")
        for c in table.columns
        if table[c].dtype == object and pd.api.types.infer_dtype(table[c], skipna=True) == "string"
    }
    return table.astype(texts) if texts else table


def run_suite(table: pd.DataFrame, suite_config: dict) -> list[ExpectationOutcome]:
    """Validate `table` with GE against the suite; columns the table lacks are skipped."""
    from great_expectations.core import ExpectationSuite

    present, used = [], []
    for exp in suite_config["expectations"]:
        kwargs = exp["kwargs"]
        cols = kwargs.get("column_list") or ([kwargs["column"]] if "column" in kwargs else [])
        if all(c in table.columns for c in cols):
            present.append(exp)
            used += [c for c in cols if c not in used]
    suite = ExpectationSuite(name=suite_config["name"], expectations=present)
    # Only the columns the suite reads: GE copies and checks less.
    batch = _arrow_strings(table[used] if used else table)
    with _GE_LOCK:
        definition = _batch_definition(suite_config["name"])
        result = definition.get_batch(batch_parameters={"dataframe": batch}).validate(suite, result_format="SUMMARY")
        # GE keeps the last batch validated; at a million records that is 0.2 GiB held all run.
        kept = definition.data_asset.datasource.get_execution_engine().batch_manager
        kept.reset_batch_cache()
        kept.batch_data_cache.clear()
    outcomes = []
    for item in result.results:
        cfg = item.expectation_config
        meta = cfg.meta or {}
        res = item.result or {}
        outcomes.append(
            ExpectationOutcome(
                suite=suite_config["name"],
                expectation=cfg.type,
                column=cfg.kwargs.get("column"),
                success=bool(item.success),
                unexpected_count=int(res.get("unexpected_count") or 0),
                element_count=int(res.get("element_count") or res.get("observed_value") or 0),
                action=meta.get("action", "report"),
                reason=meta.get("reason", cfg.type),
            )
        )
    return outcomes


def _unexpected_mask(table: pd.DataFrame, outcome: ExpectationOutcome) -> pd.Series:
    column = table[outcome.column]
    if outcome.expectation == "expect_column_values_to_not_be_null":
        return column.isna()
    if outcome.expectation == "expect_column_values_to_be_unique":
        return column.notna() & column.duplicated(keep=False)
    raise ValueError(f"{outcome.expectation} cannot drive a quarantine action")


def quarantined_rows(table: pd.DataFrame, outcomes: list[ExpectationOutcome]) -> pd.DataFrame:
    """Rows to quarantine (feed, record_key, row_number, field, reason) from failed expectations.

    A row that fails several expectations is listed once, with the first reason.
    """
    taken = pd.Series(False, index=table.index)
    parts = []
    for outcome in outcomes:
        if outcome.success or outcome.action not in ("quarantine", "quarantine_repeats"):
            continue
        mask = _unexpected_mask(table, outcome)
        if int(mask.sum()) != outcome.unexpected_count:
            raise ContractBroken(
                f"{outcome.suite}: {outcome.expectation} on {outcome.column}: GE counted "
                f"{outcome.unexpected_count} unexpected rows, pandas {int(mask.sum())}"
            )
        if outcome.action == "quarantine_repeats":
            mask = mask & table[outcome.column].duplicated(keep="first")
        mask &= ~taken
        taken |= mask
        parts.append(
            pd.DataFrame(
                {
                    "feed": table.loc[mask, "feed"].values,
                    "record_key": table.loc[mask, "record_key"].values,
                    "row_number": table.loc[mask, "row_number"].values,
                    "field": outcome.column,
                    "reason": outcome.reason,
                }
            )
        )
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=QUARANTINE_COLUMNS)


def require_contract(outcomes: list[ExpectationOutcome]) -> None:
    """Raise ContractBroken listing every failed 'stop' expectation."""
    broken = [o for o in outcomes if not o.success and o.action == "stop"]
    if broken:
        lines = "; ".join(f"{o.reason} ({o.column}: {o.unexpected_count} rows)" for o in broken)
        raise ContractBroken(f"the standardised table breaks its contract: {lines}")
