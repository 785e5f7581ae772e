"""One feed standardised: names read with the record's other fields."""

import datetime as dt

from linkage.ingest.read_feeds import read_feed
from linkage.standardise.assemble import standardise_feed
from linkage.standardise.divisions import division_table

HEADER = (
    "档案编号,儿童姓名,性别,出生日期,身份证号,出生医学证明编号,母亲姓名,母亲身份证号,父亲姓名,联系电话,"
    "户籍地址,现住址,现住址乡镇街道,管理机构区划代码,建档日期"
)


def _row(key: str, name: str, mother: str = "李丽", father: str = "王强") -> str:
    place = "南阳市宛城区,建设路1号,东安街道,410402,2026/4/1"
    return f"4104020010010000{key},{name},1,2026/3/5,,,{mother},,{father},13800001111,{place}"


def test_a_parents_name_and_a_word_for_child_is_a_placeholder(tmp_path, config):
    rows = [
        _row("1", "李丽子"),
        _row("2", "王强儿子"),
        _row("3", "李丽之子"),
        _row("4", "李丽娜"),
        _row("5", "张丽子", "张华"),
    ]
    (tmp_path / "health.csv").write_bytes(("\n".join([HEADER, *rows]) + "\n").encode("gb18030"))
    raw = read_feed(config.feeds["health"], tmp_path)
    out = standardise_feed(raw.table, config.feeds["health"], config, division_table(config), dt.date(2026, 6, 30))
    frame = out.table.set_index("name")
    assert frame.loc["李丽子", "name_is_placeholder"] and frame.loc["李丽子", "placeholder_parent"] == "李丽"
    assert frame.loc["王强儿子", "name_is_placeholder"] and frame.loc["王强儿子", "name_pinyin"] is None
    assert frame.loc["李丽之子", "name_is_placeholder"]
    # a real name that begins with the mother's (李丽娜), or 子 after a name that is not a parent's
    assert not frame.loc["李丽娜", "name_is_placeholder"] and frame.loc["李丽娜", "name_pinyin"] == "li li na"
    assert not frame.loc["张丽子", "name_is_placeholder"]
