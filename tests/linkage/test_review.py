import pandas as pd

from linkage.publish.ledgers import renamed_join_check
from linkage.review import read_ledger

RENAMED = renamed_join_check("health:41042200200000018（袁浩然）=police:GA0000000058（袁铭悦）")


def _row(checks: str, verdict: str = "不是同一儿童") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "主索引号": ["M1"],
            "需核实事项": [checks],
            "来源记录": ["公安:GA0000000058；卫健:41042200200000018"],
            "核实结果": [verdict],
        }
    )


def test_a_renamed_join_in_the_ledger_names_both_records_as_the_source_records_column_does():
    assert "记录卫健:41042200200000018（袁浩然）与记录公安:GA0000000058（袁铭悦）" in RENAMED


def test_not_one_child_on_a_renamed_join_is_a_decision_between_its_two_records():
    (decision,) = read_ledger(_row("各部门登记的姓名不一致：请核对户口簿上的姓名；" + RENAMED)).decisions
    assert decision[:3] == ("different", "health:41042200200000018", "police:GA0000000058")
    assert read_ledger(_row(RENAMED, "同一儿童")).decisions[0][0] == "same"


def test_a_verdict_that_could_answer_two_questions_is_rejected():
    both = read_ledger(
        _row(RENAMED + "；可能与主索引号M2为同一儿童（相同：出生日期）：请核实是否为同一儿童，避免重复走访")
    )
    assert not both.decisions and "could be about the renamed records" in both.rejected[0]
