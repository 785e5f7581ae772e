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
    known = previous.set_index("master_id")
    rows = []
    for master, child in now.iterrows():
        county = child["residence_county"]
        if master in before.index and before.at[master, "residence_county"] == county:
            continue
        if master in before.index:
            kind = f"由{policy.counties.get(before.at[master, 'residence_county'], '其他地方')}迁入"
        elif master in known.index:
            kind = f"上期为“{known.at[master, 'status_label']}”，本期为流动儿童"
        else:
            kind = "本期新出现"
        rows.append((master, county, kind))
    return pd.DataFrame(rows, columns=NEW_COLUMNS)


def children_gone(previous: pd.DataFrame, current: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """One row per child in a county's ledger last time that is not in it now, with the reason:
    no department holds it any more; it turned 16; it lives in another county of the city (named);
    its household registration moved here; or another change of status."""
    before, now = _ledgered(previous), current.set_index("master_id")
    rows = []
    for master, child in before.iterrows():
        county = child["residence_county"]
        if master not in now.index:
            reason = "各部门名单中均已没有该儿童（可能已离开本市）"
        else:
            today = now.loc[master]
            if today["is_migrant"] and today["residence_county"] == county:
                continue
            if today["is_migrant"]:
                reason = f"现居住在{policy.counties.get(today['residence_county'], '本市其他县区')}"
            elif today["status"] == "aged_16_or_over":
                reason = "已满16周岁"
            elif today["status"] == "local_household":
                reason = "户籍已迁入本地，不再属于流动儿童"
            else:
                reason = f"状态变为“{today['status_label']}”"
        rows.append((master, county, reason, child.get("name")))
    return pd.DataFrame(rows, columns=LEFT_COLUMNS)


def details_changed(previous: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """One row per (child, detail) that changed for a child in the same county's ledger both times:
    residence, township, school, guardian, phone, the old and the new value side by side."""
    before, now = _ledgered(previous), _ledgered(current)
    both = now.index.intersection(before.index)
    both = both[(now.loc[both, "residence_county"] == before.loc[both, "residence_county"]).to_numpy()]
    rows = []
    for column, label in DETAILS.items():
        if column not in now.columns or column not in before.columns:
            continue
        old, new = before.loc[both, column], now.loc[both, column]
        differs = ~((old == new) | (old.isna() & new.isna()))
        for master in both[differs.to_numpy()]:
            rows.append((master, now.at[master, "residence_county"], label, old[master], new[master]))
    return pd.DataFrame(rows, columns=CHANGED_COLUMNS)


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
