import pandas as pd
import pytest

from linkage.standardise.names import (
    birth_order,
    clean_name,
    is_placeholder,
    parent_named_placeholders,
    split_name,
    standardise_name,
    standardise_names,
)


def test_whitespace_of_every_width_and_traditional_forms(config):
    assert clean_name(" 張\u3000偉 ") == "张伟"
    assert clean_name("劉 子涵") == "刘子涵"


def test_middle_dot_variants_are_unified():
    for dot in "•・．.‧":
        assert clean_name(f"买买提{dot}艾力") == "买买提·艾力"


def test_homophones_share_pinyin(config):
    a = standardise_name("李子涵", config.names)
    b = standardise_name("李梓涵", config.names)
    assert a[0] != b[0] and a[4] == b[4] == "li zi han"


@pytest.mark.parametrize(
    "name",
    ["李丽之子", "王芳之女", "婴儿", "男婴", "豆豆", "小宝", "宝宝", "李男婴", "王芳之婴儿", "王芳婴儿", "王芳新生儿"]
    # pet names (小名) and words for a name not known
    + ["小虎", "小可爱", "阿宝", "二丫", "大毛", "幺妹", "虎子", "铁蛋", "未知", "胎儿"],
)
def test_placeholders_are_recognised(config, name):
    assert is_placeholder(clean_name(name), config.names)


@pytest.mark.parametrize(
    "name",
    ["王乐乐", "李子涵", "欧阳娜娜", "张婴", "李宝", "张胜男", "王亚男", "李大", "王一", "张国长", "王浩1"]
    + ["肖虎", "萧明", "李小龙", "王小明", "大伟", "阿依古丽·买买提", "石磊"],
)
def test_real_names_are_not_placeholders(config, name):
    assert not is_placeholder(name, config.names)


def test_compound_surnames_and_minority_names(config):
    rules = config.names.compound_surnames
    assert split_name("欧阳子涵", rules) == ("欧阳", "子涵")
    assert split_name("司马光", rules) == ("司马", "光")
    assert split_name("李梓涵", rules) == ("李", "梓涵")
    assert split_name("买买提·艾力", rules) == (None, "买买提·艾力")


def test_placeholder_keeps_no_pinyin_or_split(config):
    frame = standardise_names(pd.Series(["李丽之子", "張偉"]), config.names)
    assert bool(frame.loc[0, "name_is_placeholder"]) and frame.loc[0, "surname"] is None
    assert frame.loc[1, "name"] == "张伟" and frame.loc[1, "surname_pinyin"] == "zhang"


@pytest.mark.parametrize(
    "name, stem, order",
    [
        ("李丽之子1", "李丽之子", 1),
        ("李丽之子（二）", "李丽之子", 2),
        ("李丽之子(小)", "李丽之子", 2),
        ("李丽之大女", "李丽之女", 1),
        ("李丽长子", "李丽之子", 1),
        ("李丽次女", "李丽之女", 2),
        ("二宝", "宝宝", 2),
        ("婴儿A", "婴儿", 1),
        ("李丽之女-2", "李丽之女", 2),
        ("李丽之女－2", "李丽之女", 2),
        ("李丽之女_1", "李丽之女", 1),
        ("李丽之子一号", "李丽之子", 1),
        # twins as they are called at home
        ("大双", "双胞胎", 1),
        ("小双", "双胞胎", 2),
        ("李丽家大双", "李丽家双胞胎", 1),
        ("李丽之大女儿", "李丽之女", 1),
        ("李丽之小儿子", "李丽之子", 2),
        ("李丽家老二", "李丽家孩子", 2),
        # other brackets and marks
        ("李丽之子【1】", "李丽之子", 1),
        ("李丽之子[2]", "李丽之子", 2),
        ("李丽之子#1", "李丽之子", 1),
        ("李丽之子之二", "李丽之子", 2),
        ("李丽之子Ⅱ", "李丽之子", 2),
        ("李丽之子III", "李丽之子", 3),
    ],
)
def test_a_twins_birth_order_is_read_from_its_placeholder(config, name, stem, order):
    name = clean_name(name)
    assert birth_order(name, config.names) == (stem, order)
    assert is_placeholder(name, config.names)


@pytest.mark.parametrize(
    "name, placeholder",
    [("李丽之子", True), ("小宝", True), ("王浩1", False), ("张大", False)],  # 小宝: any baby, not the younger twin
)
def test_no_birth_order_without_a_mark_on_a_placeholder(config, name, placeholder):
    assert birth_order(name, config.names) == (name, None)
    assert is_placeholder(name, config.names) is placeholder


@pytest.mark.parametrize(
    "name",
    ["王某某", "李丽之男", "张男孩", "待取名", "双胞胎之一", "李丽之小孩", "李丽孩子", "张男宝", "李丽之宝", "老二"],
)
def test_more_forms_of_an_unnamed_baby_are_placeholders(config, name):
    assert is_placeholder(name, config.names)


def _records(rows: list[tuple[str, str | None, str | None]], config) -> pd.DataFrame:
    """Standardised records: (name, mother, guardian) each."""
    names = standardise_names(pd.Series([r[0] for r in rows], dtype=object), config.names)
    return names.assign(
        placeholder_parent=None,
        mother_name=[r[1] for r in rows],
        father_name=None,
        guardian_name=[r[2] for r in rows],
    )


def test_a_parents_name_and_a_word_for_child_is_a_placeholder(config):
    rows = [
        ("李丽子", "李丽", None),  # the record's own mother
        ("王强儿子", None, "王强"),  # its own guardian
        ("李丽女", None, "王强"),  # another record's mother: the vaccination list held the father
        ("李丽娜", "李丽", None),  # a real name that begins with the mother's
        ("张丽子", "张华", None),  # 子 after a name no record gives a parent
        ("李丽之子", "李丽", None),
    ]
    out = parent_named_placeholders(_records(rows, config)).set_index("name")
    for name in ("李丽子", "王强儿子", "李丽女", "李丽之子"):
        assert out.loc[name, "name_is_placeholder"], name
    assert out.loc["李丽子", "placeholder_parent"] == "李丽" and out.loc["李丽女", "placeholder_parent"] == "李丽"
    assert out.loc["王强儿子", "name_pinyin"] is None
    assert not out.loc["李丽娜", "name_is_placeholder"] and out.loc["李丽娜", "name_pinyin"] == "li li na"
    assert not out.loc["张丽子", "name_is_placeholder"]


@pytest.mark.parametrize(
    "raw, name",
    [("李子涵（涵涵）", "李子涵"), ("李子涵【曾用名李涵】", "李子涵"), ("李子涵(", "李子涵"), ("李子涵2", "李子涵")],
)
def test_a_note_typed_into_the_name_field_is_left_out(config, raw, name):
    assert standardise_name(raw, config.names)[:2] == (name, False)


@pytest.mark.parametrize("raw", ["?", "？？", "1", "///", "0000", "-"])
def test_a_name_field_without_a_letter_gives_no_name(config, raw):
    assert standardise_name(raw, config.names)[:2] == (None, False)


def test_a_note_on_a_placeholder_leaves_a_placeholder_and_a_birth_order_stays(config):
    assert standardise_name("李丽之子(双)", config.names)[:2] == ("李丽之子", True)
    assert standardise_name("涵涵(小名)", config.names)[:2] == ("涵涵", True)
    assert birth_order(standardise_name("李丽之子(1)", config.names)[0], config.names) == ("李丽之子", 1)


@pytest.mark.parametrize("name", ["李大双", "王小双", "张家豪", "李双"])
def test_names_that_hold_a_twins_word_stay_names(config, name):
    assert not is_placeholder(name, config.names)


def test_the_parent_a_placeholder_names_is_read_from_its_stem():
    from linkage.standardise.assemble import _placeholder_parent

    assert _placeholder_parent("李丽之女") == "李丽" and _placeholder_parent("李丽家孩子") == "李丽"
    assert _placeholder_parent("李丽的女儿") == "李丽" and _placeholder_parent("张三之女婴") == "张三"
    assert _placeholder_parent("王芳之婴儿") == "王芳" and _placeholder_parent("王芳婴儿") == "王芳"
    assert _placeholder_parent("王芳家新生儿") == "王芳" and _placeholder_parent("王芳女婴") == "王芳"
    assert _placeholder_parent("李家孩子") is None and _placeholder_parent("双胞胎") is None
    assert _placeholder_parent("李宝宝") is None and _placeholder_parent("王芳子") is None
