"""All feeds after the data path, together: what `childreg check` reports and linkage starts from."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from linkage.ingest.read_feeds import RawFeed
from linkage.ingest.validate import ExpectationOutcome
from linkage.privacy import mask_text
from linkage.standardise.prepare import PreparedFeed, combine, reconciliation


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

    @property
    def mapping_problems(self) -> list[str]:
        return [p for raw in self.raw for p in raw.problems]


def combine_checked(raws: list[RawFeed], prepared: list[PreparedFeed]) -> CheckedFeeds:
    """Bring feeds read and prepared one by one (in parallel, say) into one checked set.
    Raises ContractBroken if the combined standardised table breaks its contract."""
    standardised, quarantine, issues, outcomes = combine(prepared)
    # The combined table is the one later stages read: the per-feed rows are let go.
    return CheckedFeeds(
        [p.without_rows() for p in prepared],
        [r.without_rows() for r in raws],
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
