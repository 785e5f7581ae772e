"""The data path for one feed and for the run: validate, quarantine, standardise, reconcile.

Every row read is accounted for: rows read = rows kept + rows quarantined, per feed, checked here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import pandas as pd

from linkage.config import Config
from linkage.errors import RowsLost
from linkage.ingest.read_feeds import RawFeed
from linkage.ingest.validate import (
    QUARANTINE_COLUMNS,
    ExpectationOutcome,
    load_suite_config,
    quarantined_rows,
    require_contract,
    run_suite,
)
from linkage.standardise.assemble import ISSUE_COLUMNS, standardise_feed
from linkage.standardise.divisions import DivisionTable
from linkage.standardise.names import parent_named_placeholders

UNUSABLE_REASON = "no name, no ID and no date of birth: nothing to identify the child by"


@dataclass
class PreparedFeed:
    """A feed after the data path: kept rows standardised, the rest in quarantine, with the counts."""

    feed: str
    standardised: pd.DataFrame
    quarantine: pd.DataFrame
    issues: pd.DataFrame
    outcomes: list[ExpectationOutcome]
    rows_read: int
    kept: int | None = None  # rows kept, once `standardised` is let go (see `without_rows`)

    @property
    def rows_kept(self) -> int:
        return self.kept if self.kept is not None else len(self.standardised)

    def without_rows(self) -> PreparedFeed:
        """The same feed's counts, quarantine and outcomes without its standardised rows: once
        the feeds are combined, one copy of a million rows is enough."""
        return replace(self, standardised=self.standardised.iloc[:0], kept=self.rows_kept)

    @property
    def rows_quarantined(self) -> int:
        return len(self.quarantine)


def unusable_rows(standardised: pd.DataFrame) -> pd.Series:
    """Rows with no real name (placeholders do not count), no usable ID and no date of birth."""
    real_name = standardised["name"].notna() & ~standardised["name_is_placeholder"].astype(bool)
    return ~real_name & standardised["id_number"].isna() & standardised["birth_date"].isna()


def prepare_feed(raw: RawFeed, config: Config, divisions: DivisionTable, reference_date: dt.date) -> PreparedFeed:
    """Validate the raw feed with its suite, quarantine unusable rows, standardise the rest."""
    mapping = config.feeds[raw.feed]
    outcomes = run_suite(raw.table, load_suite_config(raw.feed))
    quarantine = quarantined_rows(raw.table, outcomes)
    dropped = raw.table["row_number"].isin(quarantine["row_number"])
    standard = standardise_feed(raw.table[~dropped], mapping, config, divisions, reference_date)
    unusable = unusable_rows(standard.table)
    unusable_rows_q = standard.table.loc[unusable, ["feed", "record_key", "row_number"]].assign(
        field=None, reason=UNUSABLE_REASON
    )
    kept = standard.table[~unusable].reset_index(drop=True)
    all_quarantine = (
        pd.concat(
            [q for q in (raw.malformed, quarantine, unusable_rows_q[QUARANTINE_COLUMNS]) if len(q)],
            ignore_index=True,
        )
        if (len(raw.malformed) or len(quarantine) or unusable.any())
        else pd.DataFrame(columns=QUARANTINE_COLUMNS)
    )
    issues = (
        standard.issues[standard.issues["row_number"].isin(kept["row_number"])]
        if len(standard.issues)
        else standard.issues
    )
    prepared = PreparedFeed(raw.feed, kept, all_quarantine, issues.reset_index(drop=True), outcomes, raw.rows_read)
    if prepared.rows_kept + prepared.rows_quarantined != prepared.rows_read:
        raise RowsLost(
            str(raw.path),
            f"read {prepared.rows_read} rows but kept {prepared.rows_kept} and quarantined "
            f"{prepared.rows_quarantined}: the run stops rather than lose a row (please report this)",
        )
    return prepared


def combine(prepared: list[PreparedFeed]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, list[ExpectationOutcome]]:
    """All feeds' standardised rows, quarantine and field issues, with the standardised suite run.

    Raises ContractBroken if the standardised table breaks its contract.
    """
    standardised = parent_named_placeholders(pd.concat([p.standardised for p in prepared], ignore_index=True))
    quarantine = pd.concat(
        [p.quarantine for p in prepared if len(p.quarantine)] or [pd.DataFrame(columns=QUARANTINE_COLUMNS)],
        ignore_index=True,
    )
    issues = pd.concat(
        [p.issues for p in prepared if len(p.issues)] or [pd.DataFrame(columns=ISSUE_COLUMNS)], ignore_index=True
    )
    births = pd.unique(standardised["birth_date"])
    as_text = dict(zip(births, [d.isoformat() if d else None for d in births], strict=True))
    view = standardised.assign(birth_date_text=standardised["birth_date"].map(as_text))
    outcomes = run_suite(view, load_suite_config("standardised"))
    require_contract(outcomes)
    quarantine["record_key"] = quarantine["record_key"].astype(object)
    quarantine["row_number"] = quarantine["row_number"].astype("int64")
    return standardised, quarantine, issues, outcomes


def reconciliation(prepared: list[PreparedFeed]) -> pd.DataFrame:
    """Per feed: rows read, kept, quarantined, and whether they balance."""
    return pd.DataFrame(
        [
            {
                "feed": p.feed,
                "rows_read": p.rows_read,
                "rows_kept": p.rows_kept,
                "rows_quarantined": p.rows_quarantined,
                "balanced": p.rows_read == p.rows_kept + p.rows_quarantined,
            }
            for p in prepared
        ]
    )
