"""The data path over a whole folder of feeds: what `childreg check` and a run share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from linkage.config import Config
from linkage.data_path import PreparedFeed, combine, division_table, prepare_feed, reconciliation
from linkage.read_feeds import RawFeed, read_feed
from linkage.validate import ExpectationOutcome


@dataclass
class CheckedFeeds:
    """Everything the data path produced for one folder."""

    prepared: list[PreparedFeed]
    raw: list[RawFeed]
    standardised: pd.DataFrame
    quarantine: pd.DataFrame
    issues: pd.DataFrame
    standardised_outcomes: list[ExpectationOutcome]

    @property
    def reconciliation(self) -> pd.DataFrame:
        return reconciliation(self.prepared)

    @property
    def mapping_problems(self) -> list[str]:
        return [p for raw in self.raw for p in raw.problems]


def check_feeds(folder: Path | str, config: Config, reference_date: dt.date) -> CheckedFeeds:
    """Read, validate and standardise every feed in `folder`. Raises FeedError for a feed that
    cannot be read at all."""
    divisions = division_table(config)
    raws = [read_feed(config.feeds[name], folder) for name in config.feeds]
    return combine_checked(raws, [prepare_feed(raw, config, divisions, reference_date) for raw in raws])


def combine_checked(raws: list[RawFeed], prepared: list[PreparedFeed]) -> CheckedFeeds:
    """Bring feeds read and prepared one by one (in parallel, say) into one checked set.
    Raises ContractBroken if the combined standardised table breaks its contract."""
    standardised, quarantine, issues, outcomes = combine(prepared)
    return CheckedFeeds(prepared, raws, standardised, quarantine, issues, outcomes)


def format_check_report(checked: CheckedFeeds) -> str:
    """The per-feed summary a data engineer reads after `childreg check`."""
    lines = []
    for prepared, raw in zip(checked.prepared, checked.raw):
        lines.append(f"{prepared.feed} ({raw.path.name}): read {prepared.rows_read}, kept {prepared.rows_kept}, "
                     f"quarantined {prepared.rows_quarantined}")
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
    lines.append(f"all feeds: read {rec.rows_read.sum()}, kept {rec.rows_kept.sum()}, "
                 f"quarantined {rec.rows_quarantined.sum()}; every row accounted for: {bool(rec.balanced.all())}")
    return "\n".join(lines)
