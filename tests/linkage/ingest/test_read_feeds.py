import os
import shutil

import pytest
import xlsxwriter

from linkage.errors import FeedError
from linkage.ingest.read_feeds import read_feed

HEALTH_HEADER = (
    "档案编号,儿童姓名,性别,出生日期,身份证号,出生医学证明编号,母亲姓名,母亲身份证号,父亲姓名,联系电话,"
    "户籍地址,现住址,现住址乡镇街道,管理机构区划代码,建档日期"
)
HEALTH_ROW = (
    "41040200100100001,李梓涵,2,2021/3/5,,,王芳,,李强,13800001111,南阳市宛城区,建设路1号,东安街道,410402,2021/4/1"
)


def _write(path, text, encoding):
    path.write_bytes(text.encode(encoding))
    return path


def test_gb18030_csv_reads_with_row_numbers_and_canonical_fields(tmp_path, config):
    _write(
        tmp_path / "health.csv", f"{HEALTH_HEADER}\n{HEALTH_ROW}\n{HEALTH_ROW.replace('00001,', '00002,')}\n", "gb18030"
    )
    raw = read_feed(config.feeds["health"], tmp_path)
    assert raw.rows_read == 2
    assert list(raw.table["row_number"]) == [2, 3]
    assert raw.table.loc[0, "name"] == "李梓涵" and raw.table.loc[0, "mother_name"] == "王芳"
    assert set(raw.table["feed"]) == {"health"}


def test_a_utf8_file_where_the_mapping_says_gb18030_is_read_as_utf8_with_a_note(tmp_path, config):
    _write(tmp_path / "health.csv", f"{HEALTH_HEADER}\n{HEALTH_ROW}\n", "utf-8")
    raw = read_feed(config.feeds["health"], tmp_path)
    assert raw.rows_read == 1 and raw.table.loc[0, "name"] == "李梓涵" and raw.table.loc[0, "mother_name"] == "王芳"
    assert len(raw.problems) == 1
    note = raw.problems[0]
    assert note.startswith("health.csv: read as utf-8-sig, not gb18030") and "config/feeds/health.toml" in note


def test_a_gb18030_file_where_the_mapping_says_utf8_is_read_as_gb18030_with_a_note(tmp_path, config):
    header = "记录编号,姓名,性别,出生日期,公民身份号码,居住地区划代码"
    _write(tmp_path / "police.csv", f"{header}\nGA1,张三丰,男,2019-02-03,,410402001\n", "gb18030")
    raw = read_feed(config.feeds["police"], tmp_path)
    assert raw.table.loc[0, "name"] == "张三丰" and raw.table.loc[0, "row_number"] == 2
    notes = [p for p in raw.problems if "read as gb18030" in p]
    assert len(notes) == 1 and "bad bytes for utf-8-sig at line 1" in notes[0]
    assert 'encoding = "gb18030" in config/feeds/police.toml' in notes[0]


def test_a_file_in_neither_encoding_names_the_file_the_line_and_both(tmp_path, config):
    # 0xFF is a lead byte in neither UTF-8 nor GB18030.
    (tmp_path / "health.csv").write_bytes(f"{HEALTH_HEADER}\n".encode("gb18030") + b"4104,\xff\xfe\xff,1\n")
    with pytest.raises(FeedError) as err:
        read_feed(config.feeds["health"], tmp_path)
    assert err.value.row == 2
    assert "health.csv" in str(err.value) and "gb18030" in str(err.value) and "utf-8-sig" in str(err.value)


def test_a_file_read_in_the_other_encoding_whose_header_is_not_found_says_which_was_used(tmp_path, config):
    (tmp_path / "police.csv").write_bytes("記錄編號,姓名\nGA1,張三\n".encode("big5"))
    with pytest.raises(FeedError) as err:
        read_feed(config.feeds["police"], tmp_path)
    assert "police.csv" in str(err.value) and "read as gb18030" in str(err.value)


def test_missing_required_column_names_the_column(tmp_path, config):
    header = HEALTH_HEADER.replace("儿童姓名", "孩子")
    _write(tmp_path / "health.csv", f"{header}\n{HEALTH_ROW}\n", "gb18030")
    with pytest.raises(FeedError) as err:
        read_feed(config.feeds["health"], tmp_path)
    assert err.value.field == "name" and "儿童姓名" in str(err.value)


@pytest.mark.parametrize("content", ["", "   \n", HEALTH_HEADER + "\n"])
def test_empty_files_stop_with_a_clear_error(tmp_path, config, content):
    _write(tmp_path / "health.csv", content, "gb18030")
    with pytest.raises(FeedError, match="empty|no rows"):
        read_feed(config.feeds["health"], tmp_path)


def test_missing_file(tmp_path, config):
    with pytest.raises(FeedError, match="file not found"):
        read_feed(config.feeds["police"], tmp_path)


def test_unreadable_excel(tmp_path, config):
    (tmp_path / "education.xlsx").write_bytes(b"this is not a workbook")
    with pytest.raises(FeedError, match="is not an Excel workbook"):
        read_feed(config.feeds["education"], tmp_path)
    (tmp_path / "education.xlsx").write_bytes(b"PK\x03\x04 a damaged zip")
    with pytest.raises(FeedError, match="not a readable Excel workbook"):
        read_feed(config.feeds["education"], tmp_path)


def test_row_with_too_many_fields_is_returned_as_malformed(tmp_path, config):
    _write(tmp_path / "health.csv", f"{HEALTH_HEADER}\n{HEALTH_ROW}\n{HEALTH_ROW},extra,fields\n", "gb18030")
    raw = read_feed(config.feeds["health"], tmp_path)
    assert len(raw.table) == 1 and len(raw.malformed) == 1
    assert raw.malformed.loc[0, "row_number"] == 3 and "fields" in raw.malformed.loc[0, "reason"]


def test_a_county_is_onboarded_by_mapping_only(tmp_path, config):
    """Another file name, another encoding and another header spelling: only the mapping changes."""
    header = HEALTH_HEADER.replace("儿童姓名", "姓名").replace("管理机构区划代码", " 管理机构 区划代码 ")
    _write(tmp_path / "卫健导出.csv", f"{header}\n{HEALTH_ROW}\n", "utf-8")
    columns = dict(config.feeds["health"].columns, name=("儿童姓名", "姓名"))
    mapping = config.feeds["health"].model_copy(
        update={"file": "卫健导出.csv", "encoding": "utf-8", "columns": columns}
    )
    raw = read_feed(mapping, tmp_path)
    assert raw.table.loc[0, "name"] == "李梓涵" and raw.table.loc[0, "residence_county_code"] == "410402"


def test_a_templates_marks_and_hints_around_headers_are_read_through(tmp_path, config):
    """*档案编号 (a required field's mark) and 出生日期（YYYY/M/D） (a hint) are the mapped headers,
    said in the feed's notes; an exact header still wins over a decorated one."""
    header = (
        HEALTH_HEADER.replace("档案编号", "*档案编号")
        .replace("儿童姓名", "＊儿童姓名")
        .replace("出生日期", "出生日期（YYYY/M/D）")
        .replace("父亲姓名", "父亲姓名【选填】")
    )
    _write(tmp_path / "health.csv", f"{header},联系电话(备用)\n{HEALTH_ROW},13900002222\n", "gb18030")
    raw = read_feed(config.feeds["health"], tmp_path)
    row = raw.table.loc[0]
    assert (row["record_key"], row["name"], row["birth_date"]) == ("41040200100100001", "李梓涵", "2021/3/5")
    assert row["father_name"] == "李强" and row["guardian_phone"] == "13800001111"
    assert any("出生日期(YYYY/M/D) read as 出生日期" in p for p in raw.problems)


def test_an_optional_column_the_export_lacks_is_named_with_the_header_line(tmp_path, config):
    header = HEALTH_HEADER.replace(",父亲姓名", "")
    row = HEALTH_ROW.replace(",李强", "")
    _write(tmp_path / "health.csv", f"卫健导出 2026年上半年\n{header}\n{row}\n", "gb18030")
    raw = read_feed(config.feeds["health"], tmp_path)
    assert raw.missing_columns == ("父亲姓名",) and raw.header_row == 2
    assert raw.table.loc[0, "father_name"] is None and raw.table.loc[0, "mother_name"] == "王芳"
    complete = tmp_path / "complete"
    complete.mkdir()
    _write(complete / "health.csv", f"{HEALTH_HEADER}\n{HEALTH_ROW}\n", "gb18030")
    assert read_feed(config.feeds["health"], complete).missing_columns == ()


def test_what_a_system_writes_for_an_empty_cell_is_read_as_blank(tmp_path, config):
    row = HEALTH_ROW.replace(",王芳,", ",NULL,").replace(",13800001111,", ",\\N,").replace(",李强,", ", N/A ,")
    _write(tmp_path / "health.csv", f"{HEALTH_HEADER}\n{row}\n", "gb18030")
    table = read_feed(config.feeds["health"], tmp_path).table
    assert table.loc[0, ["mother_name", "guardian_phone", "father_name"]].isna().all()
    assert table.loc[0, "name"] == "李梓涵"
    as_written = read_feed(config.feeds["health"].model_copy(update={"blank_markers": frozenset()}), tmp_path).table
    assert as_written.loc[0, "mother_name"] == "NULL"


def test_a_tab_separated_export_is_onboarded_by_its_mapping_and_named_without_it(tmp_path, config):
    tab = f"{HEALTH_HEADER}\n{HEALTH_ROW}\n".replace(",", "\t")
    _write(tmp_path / "health.csv", tab, "gb18030")
    with pytest.raises(FeedError) as err:
        read_feed(config.feeds["health"], tmp_path)
    assert "health.csv" in str(err.value) and 'delimiter = "\\t"' in str(err.value)
    raw = read_feed(config.feeds["health"].model_copy(update={"delimiter": "\t"}), tmp_path)
    assert raw.rows_read == 1 and raw.table.loc[0, "name"] == "李梓涵" and raw.table.loc[0, "mother_name"] == "王芳"


def test_excel_number_ids_are_flagged_and_dates_are_read(tmp_path, config):
    import datetime as dt

    path = tmp_path / "education.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("随迁子女")
    header = [
        "记录编号",
        "学籍号",
        "姓名",
        "性别",
        "出生日期",
        "身份证件号",
        "户口所在地",
        "现住址",
        "学校名称",
        "学校所在区县",
        "年级",
        "转入日期",
        "监护人姓名",
        "监护人电话",
    ]
    sheet.write_row(0, 0, header)
    sheet.write_row(
        1, 0, ["JY1", "", "李梓涵", "女", "2014.03.05", "", "南阳市宛城区", "", "", "卫东区", "三年级", "", "", ""]
    )
    sheet.write_number(1, 5, 411302201403050000.0)
    sheet.write_datetime(1, 11, dt.datetime(2023, 9, 1), book.add_format({"num_format": "yyyy-mm-dd"}))
    sheet.write_row(2, 0, ["JY2", "", "王浩", "男", "2013.01.02", "411302201301020011"])
    book.close()
    raw = read_feed(config.feeds["education"], tmp_path)
    assert list(raw.table["id_number_was_number"]) == [True, False]
    assert raw.table.loc[0, "local_date"] == "2023-09-01"
    assert raw.table.loc[1, "id_number"] == "411302201301020011"


def _education_book(path, *sheets):
    book = xlsxwriter.Workbook(str(path))
    for name in sheets:
        sheet = book.add_worksheet(name)
        sheet.write_row(0, 0, ["记录编号", "姓名", "性别", "出生日期", "学校所在区县"])
        sheet.write_row(1, 0, ["JY1", "李梓涵", "女", "2014.03.05", "卫东区"])
    book.close()


def test_a_workbooks_only_sheet_is_read_whatever_its_name_with_a_note(tmp_path, config):
    _education_book(tmp_path / "education.xlsx", "Sheet1")
    raw = read_feed(config.feeds["education"], tmp_path)
    assert raw.table.loc[0, "name"] == "李梓涵"
    assert any("Sheet1" in note for note in raw.problems)


def test_a_workbook_of_several_sheets_none_of_them_the_mapped_one_stops_naming_them(tmp_path, config):
    _education_book(tmp_path / "education.xlsx", "Sheet1", "Sheet2")
    with pytest.raises(FeedError, match="Sheet1, Sheet2"):
        read_feed(config.feeds["education"], tmp_path)


def _police_csv(folder):
    text = "记录编号,姓名,性别,出生日期,公民身份号码,居住地区划代码\nGA1,张三,男,2019-01-02,,410402001\n"
    (folder / "police.csv").write_text(text, encoding="utf-8-sig")


@pytest.mark.parametrize(
    "make, expected",
    [
        (lambda d: (d / "police.csv").mkdir(), "is a folder, not a file"),
        (lambda d: os.mkfifo(d / "police.csv"), "is not a regular file"),
        (lambda d: (d / "police.csv").write_text("记录编号,姓名\nGA1,张三\n", encoding="utf-16"), "it is UTF-16 text"),
        (lambda d: shutil.copy(d.parent / "book.xlsx", d / "police.csv"), "it is an Excel workbook"),
    ],
)
def test_a_file_that_is_not_a_feed_says_what_it_is(tmp_path, config, make, expected):
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    xlsxwriter.Workbook(str(tmp_path / "book.xlsx")).close()
    make(feeds)
    with pytest.raises(FeedError, match=expected) as caught:
        read_feed(config.feeds["police"], feeds)
    assert "police.csv" in str(caught.value)


def test_a_csv_named_as_the_excel_feed_is_refused(tmp_path, config):
    (tmp_path / "education.xlsx").write_text("记录编号,姓名\nJY1,张三\n", encoding="utf-8")
    with pytest.raises(FeedError, match="is not an Excel workbook"):
        read_feed(config.feeds["education"], tmp_path)


def test_a_link_out_of_the_feeds_folder_is_not_followed_nor_echoed(tmp_path, config):
    secret = tmp_path / "elsewhere.csv"
    secret.write_text("410402201901020011,13800001111\n", encoding="utf-8")
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    (feeds / "police.csv").symlink_to(secret)
    with pytest.raises(FeedError, match="link to a file outside the feeds folder") as caught:
        read_feed(config.feeds["police"], feeds)
    assert "410402201901020011" not in str(caught.value) and "1380000" not in str(caught.value)


def test_a_link_inside_the_feeds_folder_is_read(tmp_path, config):
    (tmp_path / "exports").mkdir()
    _police_csv(tmp_path / "exports")
    (tmp_path / "exports" / "police.csv").rename(tmp_path / "police_2026H1.csv")
    (tmp_path / "police.csv").symlink_to(tmp_path / "police_2026H1.csv")
    assert read_feed(config.feeds["police"], tmp_path).rows_read == 1


def test_an_unreadable_file_is_a_feed_error_not_a_retry(tmp_path, config, monkeypatch):
    _police_csv(tmp_path)

    def refuse(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(type(tmp_path), "open", refuse)
    with pytest.raises(FeedError, match="permission denied"):
        read_feed(config.feeds["police"], tmp_path)
