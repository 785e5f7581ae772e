"""Feedback to the departments: each problem found, for the right department, in Chinese."""

import dataclasses
import datetime as dt

import openpyxl
import pandas as pd

from linkage.pipeline import for_outputs
from linkage.publish.feedback import department_problems, feedback_sheets
from linkage.publish.feedback_workbooks import write_feedback


def test_each_problem_kind_is_found_and_explained(checked, built, config):
    problems = department_problems(checked, built, config)
    assert set(problems["feed"]) <= {"police", "education", "health", "vaccination"}
    kinds = set(problems["reason"].str.split(":").str[0])
    for expected in ("ID not usable", "date of birth disagrees with the ID", "name differs from other departments"):
        assert any(k.startswith(expected) for k in kinds), expected
    assert problems["问题"].ne("其他数据问题").all(), problems.loc[problems["问题"].eq("其他数据问题"), "reason"]
    assert problems["如何更正"].str.len().gt(0).all()


def test_quarantined_and_blanked_rows_are_all_fed_back(checked, built, config):
    problems = department_problems(checked, built, config)
    for table in (checked.quarantine, checked.issues):
        keys = set(zip(table["feed"], table["row_number"], strict=True))
        assert keys <= set(zip(problems["feed"], problems["行号"], strict=True))


def test_an_id_given_to_two_children_is_fed_back_to_both_departments(checked, built, config):
    std = checked.standardised
    first, second = std.index[std["feed"].eq("police") & std["id_number"].notna()][:2]
    doubled = std.copy()
    doubled.loc[second, "id_number"] = doubled.loc[first, "id_number"]
    members = built.members.copy()
    ref = lambda i: f"{std.loc[i, 'feed']}:{std.loc[i, 'record_key']}"  # noqa: E731
    assert (
        members.loc[members["unique_id"] == ref(first), "master_id"].iloc[0]
        != members.loc[members["unique_id"] == ref(second), "master_id"].iloc[0]
    )
    checked_doubled = type(checked)(
        checked.prepared, checked.raw, doubled, checked.quarantine, checked.issues, checked.standardised_outcomes
    )
    problems = department_problems(checked_doubled, built, config)
    shared = problems[problems["reason"].str.startswith("ID given to another child")]
    assert {std.loc[first, "row_number"], std.loc[second, "row_number"]} <= set(shared["行号"])


def test_a_column_the_export_lacks_is_fed_back_on_its_header_line(checked, built, config):
    raw = [
        dataclasses.replace(r, missing_columns=("监护人姓名",), header_row=3) if r.feed == "police" else r
        for r in checked.raw
    ]
    problems = department_problems(dataclasses.replace(checked, raw=raw), built, config)
    lacking = problems[problems["reason"] == "column not in the export"]
    assert len(lacking) == 1
    row = lacking.iloc[0]
    assert (row["feed"], row["行号"], row["字段"]) == ("police", 3, "监护人姓名")
    assert "缺少此列" in row["问题"] and "包含此列" in row["如何更正"]
    assert problems.loc[problems["feed"] == "police", "行号"].iloc[0] == 3  # first in the department's list


def test_the_summary_compares_with_the_previous_run():
    problems = pd.DataFrame(
        {
            "feed": ["police"] * 3,
            "问题": ["甲", "甲", "乙"],
            "行号": [2, 3, 4],
            "记录编号": ["a", "b", "c"],
            "姓名": ["x", "y", "z"],
            "字段": ["姓名"] * 3,
            "如何更正": ["改"] * 3,
        }
    )
    sheets = feedback_sheets(problems, "police", {"甲": 5, "丙": 1})
    summary = sheets[1].frame.set_index("问题")
    assert summary.loc["甲", "本期条数"] == 2 and summary.loc["甲", "上期条数"] == 5 and summary.loc["甲", "变化"] == -3
    assert summary.loc["丙", "本期条数"] == 0 and summary.loc["合计", "变化"] == 3 - 6
    assert list(feedback_sheets(problems, "police", None)[1].frame.columns) == ["问题", "本期条数"]


def test_a_year_last_date_read_day_first_is_explained_in_chinese(config):
    import datetime as dt

    from linkage.standardise.dates import parse_dates

    _, problems = parse_dates(pd.Series(["5/3/2014"]), dt.date(2000, 1, 1), dt.date(2026, 6, 30))
    explained = config.texts.explain(problems[0])
    assert explained is not None and "日和月" in explained.problem


def test_a_date_of_birth_after_the_records_own_local_date_is_fed_back(checked, built, config):
    reason = "date of birth after the record's own local date"
    std = checked.standardised
    before = department_problems(checked, built, config)
    before = set(before.loc[before["reason"].eq(reason), "行号"].astype(int))
    health = std["feed"].eq("health") & std["local_date"].notna()
    row = std.index[health & ~std["row_number"].isin(before)][0]
    late = std.copy()
    late.loc[row, "birth_date"] = late.loc[row, "local_date"] + dt.timedelta(days=30)
    # As a run has it: only the columns the outputs read are kept once the register is built.
    problems = department_problems(for_outputs(dataclasses.replace(checked, standardised=late)), built, config)
    flagged = problems[problems["reason"].eq(reason) & problems["feed"].eq("health")]
    assert set(flagged["行号"].astype(int)) - before == {std.loc[row, "row_number"]}
    assert set(flagged["字段"]) == {"出生日期"}
    assert flagged["问题"].str.contains("晚于本记录的登记").all()


def test_departments_whose_records_have_no_problem_get_a_workbook_that_says_so(checked, built, config, tmp_path):
    # A run on feeds without a single problem failed here: pandas will not stack no lists at all.
    problems = department_problems(checked, built, config)
    found = set(zip(problems["feed"], problems["行号"], strict=True))
    std = checked.standardised
    clean = dataclasses.replace(
        checked,
        standardised=std[[key not in found for key in zip(std["feed"], std["row_number"], strict=True)]],
        quarantine=checked.quarantine.iloc[:0],
        issues=checked.issues.iloc[:0],
    )
    assert department_problems(clean, built, config).empty
    files = write_feedback(tmp_path, clean, built, config)
    summary = openpyxl.load_workbook(files["feedback_police"])["汇总"]
    assert [[c.value for c in row] for row in summary.iter_rows(min_row=2)][-1][:2] == ["合计", 0]
