"""Review in Excel or WPS: uncertain pairs out, filled workbooks back in as decisions."""

from __future__ import annotations

import openpyxl
import pandas as pd

from flows.cli import main
from linkage.store import read_decisions


def test_review_export_then_import_records_each_filled_row(run_dir, tmp_path, capsys):
    workbook = tmp_path / "review.xlsx"
    assert main(["review", "export", str(run_dir), "--out", str(workbook)]) == 0
    book = openpyxl.load_workbook(workbook)
    ws = book["待判定记录对"]
    header = [c.value for c in ws[1]]
    assert header[:2] == ["左记录", "右记录"] and "判定" in header and ws.max_row >= 4
    column = header.index("判定") + 1
    (rule,) = ws.data_validations.dataValidation
    assert rule.formula1.strip('"').split(",") == ["同一儿童", "不是同一儿童", "无法判断"]
    ws.cell(2, column, "同一儿童")
    ws.cell(3, column, "不是同一儿童")
    ws.cell(4, column, "无法判断")
    if ws.max_row >= 5:
        ws.cell(5, column, "也许")
    book.save(workbook)
    store = tmp_path / "register.duckdb"
    capsys.readouterr()
    assert main(["review", "import", str(workbook), "--by", "李华", "--store", str(store)]) == 0
    out = capsys.readouterr().out
    assert "2 decisions recorded" in out and "rejected" in out
    decisions = read_decisions(store)
    assert list(decisions["verdict"]) == ["same", "different"] and set(decisions["decided_by"]) == {"李华"}
    assert decisions["left_ref"].str.contains(":").all()


def test_a_ledger_verification_result_becomes_a_decision(run_dir, tmp_path, capsys):
    chosen = None
    for ledger in sorted((run_dir / "ledgers").glob("4104*.xlsx")):
        rows = pd.read_excel(ledger, sheet_name="待核实儿童", engine="openpyxl", dtype=str)
        here = set(rows["主索引号"])
        for n, note in enumerate(rows["需核实事项"].fillna("")):
            others = [m for m in here if f"可能与主索引号{m}为同一儿童" in note]
            if others:
                chosen = (ledger, n + 2)
                break
        if chosen:
            break
    assert chosen, "the run lists no child that may be another on the same county's sheet"
    ledger, row = chosen
    filled = tmp_path / "filled.xlsx"
    book = openpyxl.load_workbook(ledger)
    ws = book["待核实儿童"]
    column = [c.value for c in ws[1]].index("核实结果") + 1
    ws.cell(row, column, "不是同一儿童")
    book.save(filled)
    store = tmp_path / "register.duckdb"
    assert main(["review", "import", str(filled), "--by", "王强", "--store", str(store)]) == 0
    assert "1 decisions recorded" in capsys.readouterr().out
    assert list(read_decisions(store)["verdict"]) == ["different"]
