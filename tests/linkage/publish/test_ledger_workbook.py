import datetime as dt
import re

import openpyxl
import pandas as pd
import pytest

from linkage.publish.ledger_workbook import write_ledgers
from linkage.standardise.divisions import division_table
from tests.conftest import AS_OF

SHEETS = [
    "流动儿童台账",
    "待核实儿童",
    "非流动儿童",
    "关爱服务缺口",
    "新增儿童",
    "离开儿童",
    "信息变化",
    "汇总",
    "字段说明",
]


@pytest.fixture(scope="module")
def ledgers(built, config, tmp_path_factory):
    folder = tmp_path_factory.mktemp("ledgers")
    return write_ledgers(built.register, built.members, config, division_table(config), AS_OF, folder)


def _rows(path, sheet):
    ws = openpyxl.load_workbook(path)[sheet]
    rows = list(ws.iter_rows(values_only=True))
    return pd.DataFrame(rows[1:], columns=rows[0])


def test_one_workbook_per_unit_named_by_code_and_name(ledgers, config):
    assert set(ledgers["code"]) >= set(config.policy.counties)
    for row in ledgers.itertuples():
        assert row.file.name.startswith(f"{row.code}_{row.name}") and row.file.suffix == ".xlsx"


def test_sheets_in_order_with_frozen_headers_and_filters(ledgers):
    book = openpyxl.load_workbook(ledgers.iloc[0]["file"])
    assert book.sheetnames == SHEETS
    for ws in book:
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:")
        assert ws.column_dimensions["B"].width > 8


def test_a_county_holds_only_its_own_children(ledgers, built):
    residence = dict(zip(built.register["master_id"], built.register["residence_county"], strict=True))
    seen = 0
    for row in ledgers.itertuples():
        for sheet in ("流动儿童台账", "待核实儿童", "非流动儿童"):
            ids = _rows(row.file, sheet)["主索引号"].dropna()
            assert all(residence[m] == row.code for m in ids), (row.code, sheet)
            if sheet == "待核实儿童":  # undecided children are listed here, and only here
                ids = _rows(row.file, sheet).query("状态 == '无法判定'")["主索引号"]
            seen += len(ids)
    assert seen == len(built.register)  # every child is in exactly one county's ledger, on one sheet


def test_migrant_sheet_ids_are_text_and_dates_are_dates(ledgers, built):
    biggest = ledgers.sort_values("migrant_children").iloc[-1]["file"]
    ws = openpyxl.load_workbook(biggest)["流动儿童台账"]
    header = [c.value for c in ws[1]]
    id_col, birth_col = header.index("身份证号") + 1, header.index("出生日期") + 1
    ids = [ws.cell(r, id_col) for r in range(2, ws.max_row + 1) if ws.cell(r, id_col).value]
    assert ids and all(c.data_type == "s" and len(c.value) == 18 for c in ids)
    births = [ws.cell(r, birth_col).value for r in range(2, ws.max_row + 1)]
    assert all(isinstance(b, dt.datetime) for b in births if b is not None)
    migrants = set(built.register.loc[built.register["is_migrant"], "master_id"])
    sheet = _rows(biggest, "流动儿童台账")
    assert set(sheet["主索引号"]) <= migrants and sheet["序号"].tolist() == list(range(1, len(sheet) + 1))


def test_non_migrant_sheet_gives_each_reason(ledgers, built):
    frames = [_rows(f, "非流动儿童") for f in ledgers["file"]]
    rows = pd.concat(frames)
    register = built.register
    assert len(rows) == int((~register["is_migrant"] & register["status"].ne("undecided")).sum())
    assert rows["原因"].notna().all() and rows["状态"].notna().all() and not rows["状态"].eq("无法判定").any()


def test_gaps_sheet_lists_what_is_missing(ledgers, built):
    rows = pd.concat([_rows(f, "关爱服务缺口") for f in ledgers["file"]])
    reg = built.register.set_index("master_id")
    for _, gap in rows.iterrows():
        child = reg.loc[gap["主索引号"]]
        if "义务教育" in gap["缺口"]:
            assert 6 <= child["age_years"] <= 15 and "education" not in child["feeds"]
        assert gap["跟进事项"]


def test_every_column_is_explained(ledgers, config):
    explained = _rows(ledgers.iloc[0]["file"], "字段说明")
    for sheet in SHEETS[:-1]:
        header = _rows(ledgers.iloc[0]["file"], sheet).columns
        assert set(header) <= set(explained.loc[explained["表名"] == sheet, "字段"])
    meanings = config.ledger.column_meanings
    assert (explained["含义"] == explained["字段"].map(meanings)).all()  # the texts of config/ledger.toml
    assert not explained["含义"].str.contains("config/").any()  # no engineers' paths for staff


def test_a_column_without_a_meaning_names_it(built, config, tmp_path):
    import pytest

    from linkage.errors import ConfigError

    meanings = {k: v for k, v in config.ledger.column_meanings.items() if k != "监护人电话"}
    ledger = config.ledger.model_copy(update={"column_meanings": meanings})
    with pytest.raises(ConfigError, match="监护人电话"):
        write_ledgers(
            built.register,
            built.members,
            config.model_copy(update={"ledger": ledger}),
            division_table(config),
            AS_OF,
            tmp_path,
        )


def test_a_child_born_after_the_reference_date_is_listed_as_not_yet_in_scope(built, config, tmp_path):
    from linkage.register.eligibility import decide_statuses

    register = built.register.copy()
    register.loc[0, "birth_date"] = AS_OF + dt.timedelta(days=30)
    register = decide_statuses(
        register.drop(columns=["status", "status_label", "status_reason", "is_migrant", "age_years"]),
        AS_OF,
        config.policy,
    )
    ledgers = write_ledgers(register, built.members, config, division_table(config), AS_OF, tmp_path)
    assert len(ledgers) >= 12
    child = register.iloc[0]
    assert child["status"] == "born_after_reference_date" and not child["is_migrant"]


def test_a_cell_longer_than_excel_holds_is_an_error_not_cut_short(tmp_path):
    import pytest

    from linkage.publish.ledger_workbook import EXCEL_CELL_LIMIT, write_workbook
    from linkage.publish.ledgers import Sheet

    sheet = Sheet("流动儿童台账", pd.DataFrame({"来源记录": ["公安:GA1", "公" * (EXCEL_CELL_LIMIT + 1)]}))
    with pytest.raises(ValueError, match="row 3, column 来源记录"):
        write_workbook([sheet], tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()


ENGLISH_WORD = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{3,}(?![A-Za-z0-9])")


def test_ledgers_print_as_they_are(ledgers, config):
    row = ledgers.iloc[0]
    book = openpyxl.load_workbook(row["file"])
    for ws in book.worksheets:
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
        # fitToWidth left out means 1, the file format's default
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (None, 1)
        assert ws.page_setup.fitToHeight == 0 and ws.print_title_rows == "$1:$1"
        assert row["name"] in ws.oddHeader.center.text and "参考日2026年06月30日" in ws.oddHeader.center.text
        assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text


def test_columns_staff_fill_in_have_drop_down_lists(ledgers, config):
    book = openpyxl.load_workbook(ledgers.iloc[0]["file"])
    for sheet, column in (("待核实儿童", "核实结果"), ("关爱服务缺口", "跟进情况")):
        ws = book[sheet]
        header = [c.value for c in ws[1]]
        letter = openpyxl.utils.get_column_letter(header.index(column) + 1)
        (rule,) = [v for v in ws.data_validations.dataValidation if str(v.sqref).startswith(f"{letter}2:")]
        assert rule.type == "list"
        assert rule.formula1.strip('"').split(",") == list(config.ledger.fill_in[column])


def test_no_english_in_cells_staff_read(ledgers):
    for file in ledgers["file"]:
        book = openpyxl.load_workbook(file, read_only=True)
        for ws in book.worksheets:
            for row in ws.iter_rows(values_only=True):
                for value in row:
                    if isinstance(value, str):
                        assert not ENGLISH_WORD.search(value), (ws.title, value)


def test_city_workbook_counts_every_county_and_draws_charts(ledgers, built):
    import zipfile

    from linkage.publish.city_summary import CITY_FILE

    path = ledgers.iloc[0]["file"].parent / CITY_FILE
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["按状态", "按年龄段", "按掌握部门", "关爱服务缺口", "本期变化", "图表"]
    status = _rows(path, "按状态")
    assert list(status["县（市、区）"][:-1]) == list(ledgers["name"])
    assert status.iloc[-1, 1:].sum() == len(built.register)  # every child, once
    ages = _rows(path, "按年龄段")
    assert ages.iloc[:-1, 1:].sum().sum() == ages.iloc[-1, 1:].sum() == ledgers["migrant_children"].sum()
    per_county = dict(zip(ledgers["name"], ledgers["migrant_children"], strict=True))
    assert all(ages.iloc[:-1].set_index("县（市、区）").sum(axis=1).to_dict()[k] == v for k, v in per_county.items())
    with zipfile.ZipFile(path) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 4
    assert book["按状态"].page_setup.orientation == "landscape"


def test_large_ledgers_written_by_worker_processes_are_the_same_workbooks(
    ledgers, built, config, tmp_path, monkeypatch
):
    """Above PARALLEL_FROM_CELLS the county workbooks are written in worker processes: the same
    cells, sheet by sheet, as written here."""
    from linkage.publish import ledger_workbook

    monkeypatch.setattr(ledger_workbook, "PARALLEL_FROM_CELLS", 0)
    in_workers = write_ledgers(built.register, built.members, config, division_table(config), AS_OF, tmp_path)
    assert list(in_workers["code"]) == list(ledgers["code"])
    for here, there in zip(ledgers["file"], in_workers["file"], strict=True):
        assert there.name == here.name and there.parent == tmp_path
        for sheet in SHEETS:
            pd.testing.assert_frame_equal(_rows(here, sheet), _rows(there, sheet))
