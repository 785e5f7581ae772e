"""All feeds after the data path, together: what `childreg check` reports and linkage starts from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from linkage.config import Config, FeedMapping
from linkage.ingest.read_feeds import RawFeed, read_feed
from linkage.ingest.validate import ExpectationOutcome
from linkage.privacy import mask_text
from linkage.standardise.divisions import DivisionTable
from linkage.standardise.prepare import PreparedFeed, combine, prepare_feed, reconciliation


@dataclass
class CheckedFeed:
    """One feed after the data path: its file, counts and problems (`raw`, without the raw rows)
    and its kept rows standardised, with the rest in quarantine (`prepared`)."""

    raw: RawFeed
    prepared: PreparedFeed


def check_feed(
    mapping: FeedMapping, folder: Path, config: Config, divisions: DivisionTable, as_of: dt.date
) -> CheckedFeed:
    """Read one feed, validate it, quarantine its bad rows and standardise the rest. Raises
    FeedError when the feed cannot be used at all (see `read_feed`)."""
    raw = read_feed(mapping, folder)
    return CheckedFeed(raw.without_rows(), prepare_feed(raw, config, divisions, as_of))


@dataclass
class CheckedFeeds:
    """Everything the data path produced for one folder."""

    prepared: list[PreparedFeed]  # counts, quarantine and outcomes; rows only in `standardised`
    raw: list[RawFeed]  # files, counts and problems; the raw rows are not kept
    standardised: pd.DataFrame
    quarantine: pd.DataFrame
    issues: pd.DataFrame
    standardised_outcomes: list[ExpectationOutcome]

    @property
    def reconciliation(self) -> pd.DataFrame:
        return reconciliation(self.prepared)

    def keeping(self, columns: Sequence[str]) -> CheckedFeeds:
        """The same checked feeds with only `columns` of the standardised table."""
        return replace(self, standardised=self.standardised[list(columns)])

    @property
    def mapping_problems(self) -> list[str]:
        return [p for raw in self.raw for p in raw.problems]


def combine_checked(feeds: list[CheckedFeed]) -> CheckedFeeds:
    """Bring feeds checked one by one (in parallel, say) into one checked set.
    Raises ContractBroken if the combined standardised table breaks its contract."""
    standardised, quarantine, issues, outcomes = combine([f.prepared for f in feeds])
    # The combined table is the one later stages read: the per-feed rows are let go.
    return CheckedFeeds(
        [f.prepared.without_rows() for f in feeds],
        [f.raw.without_rows() for f in feeds],
        standardised,
        quarantine,
        issues,
        outcomes,
    )


def format_check_report(checked: CheckedFeeds) -> str:
    """The per-feed summary a data engineer reads after `childreg check`."""
    lines = []
    for prepared, raw in zip(checked.prepared, checked.raw, strict=True):
        lines.append(
            f"{prepared.feed} ({raw.path.name}): read {prepared.rows_read}, kept {prepared.rows_kept}, "
            f"quarantined {prepared.rows_quarantined}"
        )
        if prepared.rows_quarantined:
            for reason, count in prepared.quarantine["reason"].value_counts().items():
                lines.append(f"    quarantined: {reason}: {count}")
        if len(prepared.issues):
            counts = prepared.issues.groupby(["field", "reason"]).size().sort_values(ascending=False)
            for (field, reason), count in counts.items():
                lines.append(f"    field set to blank: {field}: {reason}: {count}")
        failed = [o for o in prepared.outcomes if not o.success and o.action == "report"]
        for o in failed:
            lines.append(f"    contract: {o.reason} ({o.column}): {o.unexpected_count} of {o.element_count} rows")
        for problem in raw.problems:
            lines.append(f"    mapping: {problem}")
    rec = checked.reconciliation
    lines.append(
        f"all feeds: read {rec.rows_read.sum()}, kept {rec.rows_kept.sum()}, "
        f"quarantined {rec.rows_quarantined.sum()}; every row accounted for: {bool(rec.balanced.all())}"
    )
    return mask_text("\n".join(lines))
