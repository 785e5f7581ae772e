"""The ledger (工作台账) of one county-level unit, as tables with Chinese headers, for
civil-affairs staff: migrant children, children to verify in the field, children seen but not
migrant children, gaps in care, a summary and an explanation of every column.

A county's ledger holds only children whose county of residence is that unit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from linkage.config import Config
from linkage.errors import ConfigError
from linkage.register.care import service_categories
from linkage.register.changes import Changes
from linkage.standardise.divisions import DivisionTable
from linkage.standardise.values import map_distinct, map_unique

FEED_NAMES = {"police": "公安", "education": "教育", "health": "卫健", "vaccination": "疾控"}
RESIDENCE_CONFLICT = "residence counties differ"  # the register's name for it (golden_record)
SEX_NAMES = {"M": "男", "F": "女"}
AGE_BANDS = [(0, 2, "0-2岁"), (3, 5, "3-5岁"), (6, 11, "6-11岁"), (12, 15, "12-15岁"), (16, 200, "16岁及以上")]
UNASSIGNED = ("000000", "居住县区不明")


@dataclass
class Sheet:
    """One worksheet: its Chinese name, its rows, and how each column is written."""

    name: str
    frame: pd.DataFrame
    dates: tuple[str, ...] = ()
    texts: tuple[str, ...] = ()
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)  # columns staff fill in


@dataclass(frozen=True)
class Chart:
    """A native Excel column chart of a sheet whose first column names the categories (units)
    and whose last row is a total (left out of the chart); one series per other column."""

    sheet: str
    title: str
    stacked: bool = False


def _months_between(start: dt.date | None, end: dt.date) -> int | None:
    if start is None or start != start:
        return None
    return (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)


def _age_band(age: float | None) -> str | None:
    if age is None or age != age:
        return None
    return next((label for low, high, label in AGE_BANDS if low <= age <= high), None)


def _departments(feeds: str | None) -> str:
    return "、".join(FEED_NAMES[f] for f in (feeds or "").split(",") if f in FEED_NAMES)


def _same_child_checks(r: pd.DataFrame, possible_same: pd.DataFrame | None) -> pd.Series:
    """For a child that may be another master's child: which, and what the two share."""
    if possible_same is None or possible_same.empty:
        return pd.Series("", index=r.index, dtype=object)
    text = possible_same.assign(
        check="可能与主索引号"
        + possible_same["other_master_id"]
        + "为同一儿童（相同："
        + possible_same["shared"].replace("", "无")
        + "）：请核实是否为同一儿童，避免重复走访"
    )
    by_master = text.groupby("master_id")["check"].agg("；".join)
    return r["master_id"].map(by_master).fillna("")


def _join_checks(first: pd.Series, second: pd.Series) -> pd.Series:
    both = first.ne("") & second.ne("")
    return (first + both.map({True: "；", False: ""}) + second).astype(object)


RENAMED_CHECK = (
    "记录{a}与记录{b}姓名不同，按改名归并为同一儿童（出生日期、性别和家庭相同，没有一个部门同时登记这两个姓名），"
    "也可能是双胞胎：请核对户口簿，如是两名儿童，在核实结果中选“不是同一儿童”"
)


def renamed_join_check(joins: object) -> str:
    """The check for records joined as one renamed child ('feed:key（name）=feed:key（name）；…'),
    each record named as 来源记录 names it."""
    if not isinstance(joins, str) or not joins:
        return ""
    checks = []
    for pair in joins.split("；"):
        a, _, b = pair.partition("=")
        checks.append(RENAMED_CHECK.format(a=_chinese_ref(a), b=_chinese_ref(b)))
    return "；".join(checks)


def _chinese_ref(ref: str) -> str:
    feed, _, rest = ref.partition(":")
    return f"{FEED_NAMES.get(feed, feed)}:{rest}"


def _by_department(counties: str, county_name: Callable[[str], str]) -> str:
    """ "police:410421,health:410402" -> 公安：宝丰县；卫健：新华区 (a department's counties joined by 、)."""
    named: dict[str, list[str]] = {}
    for item in counties.split(","):
        feed, _, county = item.partition(":")
        named.setdefault(FEED_NAMES.get(feed, feed), []).append(county_name(county))
    return "；".join(f"{feed}：{'、'.join(names)}" for feed, names in named.items())


def _conflict_checks(r: pd.DataFrame, conflict_checks: dict[str, str], county_name: Callable[[str], str]) -> pd.Series:
    """Per child, the checks for its records' disagreements named in `conflict_checks`; that for
    residence counties names the county each department gives."""

    def worded(conflicts: object, counties: object) -> str:
        if not isinstance(conflicts, str):
            return ""
        texts = []
        for conflict in (c for c in conflicts.split("; ") if c in conflict_checks):
            detail = ""
            if conflict == RESIDENCE_CONFLICT and isinstance(counties, str):
                detail = f"（{_by_department(counties, county_name)}）"
            texts.append(conflict_checks[conflict] + detail)
        return "；".join(texts)

    return pd.Series(
        map_distinct([r["conflicts"], r["residence_counties_by_feed"]], worded), index=r.index, dtype=object
    )


def _checks(r: pd.DataFrame, conflict_checks: dict[str, str], county_name: Callable[[str], str]) -> pd.Series:
    """Per child, what staff should check, joined with '；' ('' for nothing): each of its
    records' disagreements named in `conflict_checks`, uncertain links, a placeholder record that
    fits twins, records joined as one renamed child, a household known only to its prefecture or
    province, a placeholder name, an undecided status.
    Each part is worded once per distinct value, not once per child."""
    parts = [
        _conflict_checks(r, conflict_checks, county_name),
        map_unique(
            r["uncertain_links"],
            lambda n: f"有{int(n)}条记录与本儿童的匹配把握不足：请核实是否为同一儿童" if n else "",
        ),
        pd.Series("乳名或代称记录无法确定属于双胞胎中的哪一个：请入户核实", index=r.index).where(
            r["records_to_verify"].gt(0), ""
        ),
        map_unique(r["renamed_joins"] if "renamed_joins" in r else pd.Series("", index=r.index), renamed_join_check),
        # A county-level code never ends in 00: this is a prefecture or province named without its county.
        pd.Series("户籍地只登记到市或省，未到县（市、区）：请核实户籍县区", index=r.index).where(
            r["household_county"].astype(object).str.endswith("00", na=False), ""
        ),
        pd.Series("只有乳名或代称，没有正式姓名：请登记正式姓名和身份证号", index=r.index).where(
            r["name_is_placeholder"].astype(bool), ""
        ),
        ("无法判定是否为流动儿童（" + r["status_reason"].astype(str) + "）：请核实户籍地、居住地和来本地时间").where(
            r["status"].eq("undecided"), ""
        ),
    ]
    out = pd.Series("", index=r.index, dtype=object)
    for part in parts:
        out = _join_checks(out, part.astype(object))
    return out


def ledger_base(
    register: pd.DataFrame,
    members: pd.DataFrame,
    gaps: pd.DataFrame,
    divisions: DivisionTable,
    config: Config,
    as_of: dt.date,
    possible_same: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every child of the register with the ledger's columns (Chinese headers) and the fields
    the sheets select on (`_county`, `_status`, `_is_migrant`, `_verify`). `gaps` from `care_gaps`;
    `possible_same` from `possibly_same`: each such child is to be verified, naming the other."""
    r = register.reset_index(drop=True)
    refs = members.assign(ref=members["feed"].map(FEED_NAMES) + ":" + members["record_key"].astype(str))
    refs = refs.groupby("master_id")["ref"].agg("；".join)
    gap_text = gaps.groupby("master_id")["gap"].agg("、".join)
    township = r["residence_township_name"].where(r["residence_township_name"].notna(), r["residence_township"])
    counties = config.policy.counties
    out = pd.DataFrame(
        {
            "主索引号": r["master_id"],
            "姓名": r["name"],
            "性别": r["sex"].map(SEX_NAMES),
            "出生日期": r["birth_date"],
            "年龄": r["age_years"],
            "身份证号": r["id_number"],
            "户籍地": map_unique(r["household_county"], lambda c: divisions.full_name(c) or c),
            "现居住乡镇（街道）": township,
            "现居住地址": r["residence_address"],
            "监护人": r["guardian_name"],
            "监护人电话": r["guardian_phone"],
            "就读学校": r["school_name"],
            "年级": r["grade"],
            "掌握信息的部门": map_unique(r["feeds"], _departments),
            "最早本地记录日期": r["earliest_local_date"],
            "在本地居住月数": map_unique(r["earliest_local_date"], lambda d: _months_between(d, as_of)),
            "可享受的服务类别": service_categories(r, config.care).where(r["is_migrant"], ""),
            "关爱服务缺口": r["master_id"].map(gap_text).where(r["is_migrant"]),
            "需核实事项": _join_checks(
                _checks(r, config.ledger.conflict_checks, lambda c: counties.get(c) or divisions.full_name(c) or c),
                _same_child_checks(r, possible_same),
            ),
            "状态": r["status_label"],
            "原因": r["status_reason"],
            "来源记录": r["master_id"].map(refs),
            "_county": r["residence_county"].where(r["residence_county"].isin(counties), UNASSIGNED[0]),
            "_status": r["status"],
            "_is_migrant": r["is_migrant"].astype(bool),
            "_age_band": map_unique(r["age_years"], _age_band),
        }
    )
    # A child aged 16 or over is outside the policy: nothing about it needs checking in the field.
    out["_verify"] = out["需核实事项"].ne("") & out["_status"].ne("aged_16_or_over")
    return out


MIGRANT_COLUMNS = [
    "序号",
    "主索引号",
    "姓名",
    "性别",
    "出生日期",
    "年龄",
    "身份证号",
    "户籍地",
    "现居住乡镇（街道）",
    "现居住地址",
    "监护人",
    "监护人电话",
    "就读学校",
    "年级",
    "掌握信息的部门",
    "最早本地记录日期",
    "在本地居住月数",
    "可享受的服务类别",
    "关爱服务缺口",
    "需核实事项",
]
VERIFY_COLUMNS = [
    "序号",
    "主索引号",
    "姓名",
    "性别",
    "出生日期",
    "身份证号",
    "现居住乡镇（街道）",
    "现居住地址",
    "监护人",
    "监护人电话",
    "状态",
    "需核实事项",
    "来源记录",
]
NOT_MIGRANT_COLUMNS = [
    "序号",
    "主索引号",
    "姓名",
    "性别",
    "出生日期",
    "年龄",
    "身份证号",
    "户籍地",
    "现居住乡镇（街道）",
    "状态",
    "原因",
]
GAP_SHEET_COLUMNS = [
    "序号",
    "主索引号",
    "姓名",
    "性别",
    "年龄",
    "现居住乡镇（街道）",
    "现居住地址",
    "监护人",
    "监护人电话",
    "缺口",
    "跟进事项",
]
DATE_COLUMNS = ("出生日期", "最早本地记录日期")
TEXT_COLUMNS = ("主索引号", "身份证号", "监护人电话")


def _numbered(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    frame = frame.sort_values(["现居住乡镇（街道）", "姓名", "主索引号"], na_position="last").reset_index(drop=True)
    return frame.assign(序号=range(1, len(frame) + 1))[columns]


def _summary(children: pd.DataFrame, gaps: pd.DataFrame) -> pd.DataFrame:
    migrants = children[children["_is_migrant"]]
    rows = [("状态", label, n) for label, n in children["状态"].value_counts().items()]
    rows.append(("合计", "流动儿童", len(migrants)))
    township = migrants["现居住乡镇（街道）"].fillna("（乡镇不明）")
    rows += [("现居住乡镇（街道）", t, n) for t, n in township.value_counts().sort_index().items()]
    bands = migrants["_age_band"].value_counts()
    rows += [("年龄段", label, int(bands.get(label, 0))) for _, _, label in AGE_BANDS[:-1]]
    for name in FEED_NAMES.values():
        rows.append(("掌握信息的部门", name, int(migrants["掌握信息的部门"].str.contains(name).sum())))
    single = migrants["掌握信息的部门"].str.count("、").eq(0)
    rows.append(("掌握信息的部门", "仅一个部门掌握", int(single.sum())))
    rows += [("关爱服务缺口", g, n) for g, n in gaps["缺口"].value_counts().items()]
    return pd.DataFrame(rows, columns=["维度", "类别", "人数"])


def change_sheets(changes: Changes | None, base: pd.DataFrame, county: str) -> list[Sheet]:
    """新增儿童, 离开儿童 and 信息变化 of one county (empty, with their headers, without a previous run)."""
    new = changes.new if changes else pd.DataFrame(columns=["master_id", "county", "kind"])
    gone = changes.gone if changes else pd.DataFrame(columns=["master_id", "county", "reason", "name"])
    changed = changes.changed if changes else pd.DataFrame(columns=["master_id", "county", "detail", "before", "after"])
    new = new[new["county"] == county].rename(columns={"master_id": "主索引号", "kind": "新增类型"})
    changed = changed[changed["county"] == county]
    # Only the children these sheets name: indexing every child of the city, county by county, was slow.
    named = base["主索引号"].isin(new["主索引号"]) | base["主索引号"].isin(changed["master_id"])
    people = base.loc[named, ["主索引号", "姓名", "性别", "出生日期"]].set_index("主索引号")
    new = new.join(people, on="主索引号")
    gone = gone[gone["county"] == county].rename(
        columns={"master_id": "主索引号", "reason": "离开原因", "name": "姓名"}
    )
    changed = changed.rename(columns={"master_id": "主索引号", "detail": "变化项", "before": "原值", "after": "新值"})
    changed = changed.join(people[["姓名"]], on="主索引号")

    def numbered(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
        frame = frame.sort_values(["主索引号"]).reset_index(drop=True)
        return frame.assign(序号=range(1, len(frame) + 1))[columns]

    return [
        Sheet("新增儿童", numbered(new, ["序号", "主索引号", "姓名", "性别", "出生日期", "新增类型"])),
        Sheet("离开儿童", numbered(gone, ["序号", "主索引号", "姓名", "离开原因"])),
        Sheet("信息变化", numbered(changed, ["序号", "主索引号", "姓名", "变化项", "原值", "新值"])),
    ]


def county_ledger(
    base: pd.DataFrame,
    gaps: pd.DataFrame,
    county: str,
    meanings: dict[str, str],
    fill_in: dict[str, tuple[str, ...]] | None = None,
    changes: Changes | None = None,
) -> list[Sheet]:
    """The sheets of one county's workbook, first 流动儿童台账. `base` from `ledger_base`,
    `gaps` from `care_gaps` on the register, `meanings` the column meanings of the 字段说明 sheet
    and `fill_in` the columns staff fill in with their choices (both `config/ledger.toml`)."""
    fill_in = fill_in or {}
    children = base[base["_county"] == county]
    migrants = children[children["_is_migrant"]]
    gap_rows = gaps.rename(columns={"master_id": "主索引号", "gap": "缺口", "follow_up": "跟进事项"}).merge(
        migrants, on="主索引号"
    )
    sheets = [
        Sheet("流动儿童台账", _numbered(migrants, MIGRANT_COLUMNS)),
        Sheet("待核实儿童", _with_blank(_numbered(children[children["_verify"]], VERIFY_COLUMNS), "核实结果")),
        # A child whose status cannot be decided is to be verified, not listed as not migrant.
        Sheet(
            "非流动儿童",
            _numbered(children[~children["_is_migrant"] & children["_status"].ne("undecided")], NOT_MIGRANT_COLUMNS),
        ),
        Sheet("关爱服务缺口", _with_blank(_numbered(gap_rows, GAP_SHEET_COLUMNS), "跟进情况")),
        *change_sheets(changes, base, county),
        Sheet("汇总", _summary(children, gap_rows)),
    ]
    unexplained = sorted({c for s in sheets for c in s.frame.columns} - set(meanings))
    if unexplained:
        raise ConfigError(f"ledger.toml: [column_meanings] lacks {', '.join(unexplained)}")
    explained = [(s.name, c, meanings[c]) for s in sheets for c in s.frame.columns]
    sheets.append(Sheet("字段说明", pd.DataFrame(explained, columns=["表名", "字段", "含义"])))
    for sheet in sheets:
        sheet.dates = tuple(c for c in DATE_COLUMNS if c in sheet.frame)
        sheet.texts = tuple(c for c in TEXT_COLUMNS if c in sheet.frame)
        sheet.choices = {c: fill_in[c] for c in sheet.frame.columns if c in fill_in}
    return sheets


def _with_blank(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """`frame` with an empty column for staff to fill in."""
    return frame.assign(**{column: None})


def county_units(config: Config, base: pd.DataFrame) -> list[tuple[str, str]]:
    """(code, name) of every unit that gets a workbook: the twelve, and a city-level one for
    children whose county of residence is not known, when there are any."""
    units = list(config.policy.counties.items())
    if (base["_county"] == UNASSIGNED[0]).any():
        units.append(UNASSIGNED)
    return units
