"""The city view (全市汇总) for the city's civil-affairs bureau: per county-level unit, the children
by status, the migrant children by age group and by the department that knows them, the gaps in
care, and native Excel charts of them.

Each table has one row per unit, the unit's name first, and a 合计 (city total) row last.
"""

from __future__ import annotations

import pandas as pd

from linkage.publish.ledgers import AGE_BANDS, FEED_NAMES, Chart, Sheet

CITY_FILE = "全市汇总.xlsx"


def _by_unit(frame: pd.DataFrame, column: str, units: list[tuple[str, str]], order: list[str]) -> pd.DataFrame:
    """Counts of `column`'s values per unit (rows in `units` order, columns in `order`), totalled."""
    counts = pd.crosstab(frame["_county"], frame[column]).reindex(index=[c for c, _ in units], columns=order)
    counts = counts.fillna(0).astype(int)
    counts.insert(0, "县（市、区）", [name for _, name in units])
    counts.loc["合计"] = ["全市合计", *counts[order].sum().tolist()]
    return counts.reset_index(drop=True)


def city_sheets(
    base: pd.DataFrame,
    gaps: pd.DataFrame,
    units: list[tuple[str, str]],
    gap_labels: list[str],
    index: pd.DataFrame | None = None,
) -> tuple[list[Sheet], list[Chart]]:
    """The sheets and charts of the city workbook. `base` from `ledger_base` (every child with its
    unit in `_county`), `gaps` from `care_gaps`, `units` every unit with a workbook."""
    migrants = base[base["_is_migrant"]]
    statuses = list(dict.fromkeys(base["状态"].dropna()))
    bands = [label for _, _, label in AGE_BANDS[:-1]]
    departments = list(FEED_NAMES.values())
    held = pd.DataFrame({name: migrants["掌握信息的部门"].str.contains(name, na=False) for name in departments}).assign(
        _county=migrants["_county"]
    )
    by_department = held.groupby("_county")[departments].sum().reindex([c for c, _ in units]).fillna(0).astype(int)
    by_department.insert(0, "县（市、区）", [name for _, name in units])
    by_department.loc["合计"] = ["全市合计", *by_department[departments].sum().tolist()]
    gap_rows = gaps.merge(base[["主索引号", "_county", "_is_migrant"]], left_on="master_id", right_on="主索引号")
    gap_rows = gap_rows[gap_rows["_is_migrant"]]
    sheets = [
        Sheet("按状态", _by_unit(base, "状态", units, statuses)),
        Sheet("按年龄段", _by_unit(migrants, "_age_band", units, bands)),
        Sheet("按掌握部门", by_department.reset_index(drop=True)),
        Sheet("关爱服务缺口", _by_unit(gap_rows, "gap", units, gap_labels)),
    ]
    if index is not None and len(index):
        changes = pd.DataFrame(
            {
                "县（市、区）": index["name"],
                "新增儿童": index["new_children"],
                "离开儿童": index["gone_children"],
                "信息变化": index["changed_details"],
            }
        )
        total = ["全市合计", *changes.iloc[:, 1:].sum().tolist()]
        sheets.append(
            Sheet("本期变化", pd.concat([changes, pd.DataFrame([total], columns=changes.columns)], ignore_index=True))
        )
    charts = [
        Chart("按状态", "各县（市、区）儿童人数（按状态）", stacked=True),
        Chart("按年龄段", "各县（市、区）流动儿童人数（按年龄段）", stacked=True),
        Chart("按掌握部门", "各县（市、区）流动儿童：各部门掌握人数", stacked=False),
        Chart("关爱服务缺口", "各县（市、区）流动儿童关爱服务缺口", stacked=False),
    ]
    return sheets, charts
