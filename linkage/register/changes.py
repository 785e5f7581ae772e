"""What changed since the previous half-year, for each county's staff: children new to its ledger,
children gone from it (and why), and children whose status or key details changed.

Both registers are one row per child (master ID) with the golden-record columns; a child is in a
county's ledger when it is a migrant child living there.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from linkage.config import Policy

# Details staff follow a child by: register column -> what the ledger calls it.
DETAILS = {
    "residence_address": "现居住地址",
    "residence_township_name": "现居住乡镇（街道）",
    "school_name": "就读学校",
    "guardian_name": "监护人",
    "guardian_phone": "监护人电话",
}
NEW_COLUMNS = ["master_id", "county", "kind"]
LEFT_COLUMNS = ["master_id", "county", "reason", "name"]
CHANGED_COLUMNS = ["master_id", "county", "detail", "before", "after"]


def _ledgered(register: pd.DataFrame) -> pd.DataFrame:
    return register[register["is_migrant"].astype(bool)].set_index("master_id")


def new_children(previous: pd.DataFrame, current: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """One row per child in a county's ledger now that was not in it last time, and how it came."""
    before, now = _ledgered(previous), _ledgered(current)
    county = now["residence_county"]
    ledgered_before = pd.Series(now.index.isin(before.index), index=now.index)
    was = before["residence_county"].reindex(now.index)
    came = now.index[~(ledgered_before & was.eq(county)).to_numpy()]
    moved = ledgered_before.loc[came]
    known = previous.drop_duplicates("master_id").set_index("master_id")["status_label"].reindex(came)
    seen = pd.Series(came.isin(previous["master_id"]), index=came)
    kind = (
        was.loc[came]
        .map(lambda c: f"由{policy.counties.get(c, '其他地方')}迁入")
        .where(moved, ("上期为“" + known.astype(str) + "”，本期为流动儿童").where(seen, "本期新出现"))
    )
    return pd.DataFrame({"master_id": came, "county": county.loc[came].to_numpy(), "kind": kind.to_numpy()})


def children_gone(previous: pd.DataFrame, current: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """One row per child in a county's ledger last time that is not in it now, with the reason:
    no department holds it any more; it turned 16; it lives in another county of the city (named);
    its household registration moved here; or another change of status."""
    before = _ledgered(previous)
    today = current.drop_duplicates("master_id").set_index("master_id").reindex(before.index)
    present = pd.Series(before.index.isin(current["master_id"]), index=before.index)
    migrant = present & today["is_migrant"].fillna(False).astype(bool)
    stayed = migrant & today["residence_county"].eq(before["residence_county"])
    reason = pd.Series(None, index=before.index, dtype=object)
    reason[~present] = "各部门名单中均已没有该儿童（可能已离开本市）"
    moved = migrant & ~stayed
    reason[moved] = today.loc[moved, "residence_county"].map(
        lambda c: f"现居住在{policy.counties.get(c, '本市其他县区')}"
    )
    other = present & ~migrant
    reason[other] = "状态变为“" + today.loc[other, "status_label"].astype(str) + "”"
    reason[other & today["status"].eq("aged_16_or_over")] = "已满16周岁"
    reason[other & today["status"].eq("local_household")] = "户籍已迁入本地，不再属于流动儿童"
    gone = ~stayed
    names = before["name"] if "name" in before else pd.Series(None, index=before.index, dtype=object)
    return pd.DataFrame(
        {
            "master_id": before.index[gone.to_numpy()],
            "county": before.loc[gone, "residence_county"].to_numpy(),
            "reason": reason[gone].to_numpy(),
            "name": names[gone].to_numpy(),
        }
    )


def details_changed(previous: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """One row per (child, detail) that changed for a child in the same county's ledger both times:
    residence, township, school, guardian, phone, the old and the new value side by side."""
    before, now = _ledgered(previous), _ledgered(current)
    both = now.index.intersection(before.index)
    both = both[(now.loc[both, "residence_county"] == before.loc[both, "residence_county"]).to_numpy()]
    parts = []
    for column, label in DETAILS.items():
        if column not in now.columns or column not in before.columns:
            continue
        old, new = before.loc[both, column], now.loc[both, column]
        differs = (~((old == new) | (old.isna() & new.isna()))).to_numpy()
        changed = both[differs]
        parts.append(
            pd.DataFrame(
                {
                    "master_id": changed,
                    "county": now.loc[changed, "residence_county"].to_numpy(),
                    "detail": label,
                    "before": old[differs].to_numpy(),
                    "after": new[differs].to_numpy(),
                },
                columns=CHANGED_COLUMNS,
            ).astype(object)
        )
    if not parts:
        return pd.DataFrame(columns=CHANGED_COLUMNS)
    return pd.concat(parts, ignore_index=True)


@dataclass(frozen=True)
class Changes:
    """Everything that changed since the previous half-year (see the functions above)."""

    new: pd.DataFrame
    gone: pd.DataFrame
    changed: pd.DataFrame

    def counts(self, county: str) -> dict[str, int]:
        """How many children of `county` are new, gone and changed."""
        return {
            "new": int((self.new["county"] == county).sum()),
            "gone": int((self.gone["county"] == county).sum()),
            "changed": int(self.changed.loc[self.changed["county"] == county, "master_id"].nunique()),
        }


def compare_registers(previous: pd.DataFrame | None, current: pd.DataFrame, policy: Policy) -> Changes | None:
    """The changes since `previous` (None when there is no previous run)."""
    if previous is None:
        return None
    return Changes(
        new_children(previous, current, policy),
        children_gone(previous, current, policy),
        details_changed(previous, current),
    )
