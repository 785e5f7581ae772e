"""Feedback to the departments: for each, its own records with problems, each with the line or
row in its file, the problem and what to correct; and a summary of problems against the
previous run's. A department's workbook holds only its own records and the fields needed to
find them (row, record key, name), never another department's data.

Problems, one row each (one row per record and problem):
- a column of the contract that the export lacks, on the header's line;
- rows quarantined, and fields set to blank, with their reason;
- an ID whose date of birth or sex disagrees with the stated ones;
- a date of birth after the record's own local date (registered, enrolled or vaccinated here
  before being born);
- an ID that another department gives to a different child;
- a date of birth or name that disagrees with the other departments' records of the same child.
"""

from __future__ import annotations

import pandas as pd

from linkage.config import FEEDS, Config
from linkage.link.linkage_input import record_ref
from linkage.publish.ledgers import Sheet
from linkage.register.assemble import Register
from linkage.standardise.assemble import ISSUE_COLUMNS
from linkage.standardise.checked import CheckedFeeds
from linkage.standardise.dates import born_after

FEEDBACK_COLUMNS = ["行号", "记录编号", "姓名", "字段", "问题", "如何更正"]
MISSING_COLUMN = "column not in the export"
FIELD_NAMES = {
    "record_key": "记录编号",
    "name": "姓名",
    "sex": "性别",
    "birth_date": "出生日期",
    "id_number": "身份证号",
    "guardian_phone": "联系电话",
    "household_county": "户籍地",
    "residence_county": "居住地",
    "local_date": "登记日期",
    "student_number": "学籍号",
    "grade": "年级",
    "birth_certificate": "出生医学证明编号",
}


# The standardised columns the feedback reads.
RECORD_COLUMNS = (
    "feed",
    "record_key",
    "row_number",
    "name",
    "name_is_placeholder",
    "birth_date",
    "local_date",
    "id_number",
    "birth_date_conflicts_id",
    "sex_conflicts_id",
)


def feedback_file_name(department: str) -> str:
    """e.g. 公安_数据质量反馈.xlsx"""
    return f"{department}_数据质量反馈.xlsx"


def _cross_checks(checked: CheckedFeeds, register: Register) -> pd.DataFrame:
    """Per record: problems found by comparing it with the child's other records, as field issues
    are (feed, record_key, row_number, field, reason)."""
    std = checked.standardised[list(RECORD_COLUMNS)]  # only the columns the checks read, not a copy of every one
    std = std.assign(unique_id=record_ref(std))
    members = std.merge(register.members[["unique_id", "master_id"]], on="unique_id")
    golden = register.register.set_index("master_id")
    found = []
    own_id = members["birth_date_conflicts_id"].astype(bool)
    found.append(members[own_id].assign(field="birth_date", reason="date of birth disagrees with the ID"))
    found.append(
        members[members["sex_conflicts_id"].astype(bool)].assign(field="sex", reason="sex disagrees with the ID")
    )
    with_id = members.dropna(subset=["id_number"])
    children_per_id = with_id.groupby("id_number")["master_id"].nunique()
    shared = with_id[with_id["id_number"].map(children_per_id) > 1]
    found.append(shared.assign(field="id_number", reason="ID given to another child by another record"))
    feeds_per_child = members.groupby("master_id")["feed"].nunique()
    several = members[members["master_id"].map(feeds_per_child) > 1]
    birth = several["master_id"].map(golden["birth_date"])
    differs = (
        several["birth_date"].notna()
        & birth.notna()
        & (several["birth_date"] != birth)
        & ~several["birth_date_conflicts_id"].astype(bool)
    )
    found.append(several[differs].assign(field="birth_date", reason="date of birth differs from other departments"))
    name = several["master_id"].map(golden["name"])
    real = ~several["name_is_placeholder"].astype(bool) & ~several["master_id"].map(
        golden["name_is_placeholder"]
    ).astype(bool)
    found.append(
        several[real & several["name"].notna() & (several["name"] != name)].assign(
            field="name", reason="name differs from other departments"
        )
    )
    return _stacked(found)


def _stacked(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The frames' problems one list: the issue columns, and none of them when no frame has one."""
    return pd.concat(
        [f[ISSUE_COLUMNS] for f in frames if len(f)] or [pd.DataFrame(columns=ISSUE_COLUMNS)], ignore_index=True
    )


def _born_after_local_date(checked: CheckedFeeds) -> pd.DataFrame:
    """Records whose date of birth falls after their own local date, as field issues are: one of
    the two dates is wrong, whatever the other departments say."""
    std = checked.standardised[list(RECORD_COLUMNS)]
    after = std[born_after(std["birth_date"], std["local_date"])]
    return after.assign(field="birth_date", reason="date of birth after the record's own local date")[ISSUE_COLUMNS]


def _missing_columns(checked: CheckedFeeds) -> pd.DataFrame:
    """Per feed, each contract column its export lacks, as a problem on the header's line."""
    return pd.DataFrame(
        [
            {
                "feed": raw.feed,
                "record_key": None,
                "row_number": raw.header_row,
                "field": column,
                "reason": MISSING_COLUMN,
            }
            for raw in checked.raw
            for column in raw.missing_columns
        ],
        columns=ISSUE_COLUMNS,
    )


def department_problems(checked: CheckedFeeds, register: Register, config: Config) -> pd.DataFrame:
    """Every problem of every department's records, in Chinese: feed, 行号, 记录编号, 姓名, 字段,
    问题, 如何更正, and the English `reason` it came from."""
    parts = [
        _missing_columns(checked),
        checked.quarantine.assign(field=checked.quarantine["field"]),
        checked.issues,
        _born_after_local_date(checked),
        _cross_checks(checked, register),
    ]
    problems = _stacked(parts)
    names = checked.standardised[["feed", "row_number", "name"]]
    problems = problems.merge(names, on=["feed", "row_number"], how="left")
    texts = config.texts
    explained = [texts.explain(r) or texts.catch_all() for r in problems["reason"]]
    return pd.DataFrame(
        {
            "feed": problems["feed"],
            "行号": problems["row_number"].astype("int64"),
            "记录编号": problems["record_key"],
            "姓名": problems["name"],
            "字段": problems["field"].map(lambda f: FIELD_NAMES.get(f, f) if isinstance(f, str) else "整行"),
            "问题": [e.problem for e in explained],
            "如何更正": [e.fix for e in explained],
            "reason": problems["reason"],
        }
    ).sort_values(["feed", "行号", "字段"], ignore_index=True)


def feedback_sheets(problems: pd.DataFrame, feed: str, previous: dict[str, int] | None) -> list[Sheet]:
    """One department's workbook: its problem list, and a summary per problem with the previous
    run's counts beside this run's where there is a previous run."""
    own = problems[problems["feed"] == feed]
    counts = own["问题"].value_counts()
    summary = pd.DataFrame({"问题": counts.index, "本期条数": counts.to_numpy()})
    if previous is not None:
        every = list(dict.fromkeys([*summary["问题"], *previous]))
        summary = pd.DataFrame({"问题": every})
        summary["本期条数"] = summary["问题"].map(counts).fillna(0).astype(int)
        summary["上期条数"] = summary["问题"].map(previous).fillna(0).astype(int)
        summary["变化"] = summary["本期条数"] - summary["上期条数"]
    total = {"问题": "合计", "本期条数": int(summary["本期条数"].sum())}
    if previous is not None:
        total.update(上期条数=int(summary["上期条数"].sum()), 变化=int(summary["变化"].sum()))
    summary = pd.concat([summary, pd.DataFrame([total])], ignore_index=True)
    return [
        Sheet("问题清单", own[FEEDBACK_COLUMNS].reset_index(drop=True), texts=("记录编号",)),
        Sheet("汇总", summary),
    ]


def problem_counts(problems: pd.DataFrame) -> dict[str, dict[str, int]]:
    """Per feed, the count of each problem: what the next run compares against."""
    return {
        feed: {k: int(v) for k, v in problems.loc[problems["feed"] == feed, "问题"].value_counts().items()}
        for feed in FEEDS
    }
