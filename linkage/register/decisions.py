"""What a run made of people's decisions: each applied, unused (a record did not arrive this
half-year; kept for later runs, never dropped) or in conflict (a "same" that cannot be: two
different valid IDs, or another decision), with the reason."""

from __future__ import annotations

import pandas as pd

OUTCOME_COLUMNS = [
    "decision_id",
    "verdict",
    "left_ref",
    "right_ref",
    "decided_by",
    "decided_at",
    "reason",
    "status",
    "note",
]


def decision_outcomes(decisions: pd.DataFrame, members: pd.DataFrame, records: pd.DataFrame) -> pd.DataFrame:
    """One row per decision with its status this run. `members` (unique_id, master_id),
    `records` the linkage input (unique_id, id_number)."""
    if decisions.empty:
        return pd.DataFrame(columns=OUTCOME_COLUMNS)
    master = members.set_index("unique_id")["master_id"]
    ids = records.set_index("unique_id")["id_number"]
    status, notes = [], []
    for verdict, left, right in zip(decisions["verdict"], decisions["left_ref"], decisions["right_ref"], strict=True):
        if left not in master.index or right not in master.index:
            status.append("unused")
            notes.append("a record named does not arrive in this run; the decision is kept for later runs")
        elif (master[left] == master[right]) == (verdict == "same"):
            status.append("applied")
            notes.append("")
        elif pd.notna(ids.get(left)) and pd.notna(ids.get(right)) and ids[left] != ids[right]:
            status.append("conflict")
            notes.append("the two records hold two different valid ID numbers: check them and decide again")
        else:
            status.append("conflict")
            notes.append("their children hold two different valid IDs, or another decision keeps them apart")
    return decisions.assign(status=status, note=notes)[OUTCOME_COLUMNS]
