"""What changed since the previous half-year, case by case."""

import pandas as pd

from linkage.register.changes import children_gone, details_changed, new_children


def _child(master, county="410402", status="migrant", **details):
    labels = {
        "migrant": "流动儿童",
        "aged_16_or_over": "已满16周岁",
        "local_household": "本县（市、区）户籍",
        "under_six_months": "在本地居住不满6个月",
    }
    row = {
        "master_id": master,
        "name": f"儿童{master}",
        "residence_county": county,
        "status": status,
        "status_label": labels[status],
        "is_migrant": status == "migrant",
        "residence_address": "建设路1号",
        "residence_township_name": "东安街道",
        "school_name": None,
        "guardian_name": "王芳",
        "guardian_phone": "13800001111",
    }
    row.update(details)
    return row


BEFORE = pd.DataFrame(
    [
        _child("A"),
        _child("B"),
        _child("C"),
        _child("D"),
        _child("E"),
        _child("F"),
        _child("H", status="under_six_months"),
    ]
)
NOW = pd.DataFrame(
    [
        _child("A", guardian_phone="13900002222", school_name="新华区第一小学"),  # details changed
        _child("C", status="aged_16_or_over"),  # turned 16
        _child("D", county="410421"),  # moved to 宝丰县
        _child("E", status="local_household"),  # household registration moved here
        _child("F"),  # unchanged
        _child("G"),  # new to the register
        _child("H"),  # here six months now
    ]
)  # B: no department holds it any more


def test_children_gone_with_their_reasons(config):
    gone = children_gone(BEFORE, NOW, config.policy).set_index("master_id")["reason"].to_dict()
    assert gone == {
        "B": "各部门名单中均已没有该儿童（可能已离开本市）",
        "C": "已满16周岁",
        "D": "现居住在宝丰县",
        "E": "户籍已迁入本地，不再属于流动儿童",
    }


def test_new_children_and_how_they_came(config):
    new = new_children(BEFORE, NOW, config.policy).set_index("master_id")
    assert new.loc["G", "kind"] == "本期新出现" and new.loc["G", "county"] == "410402"
    assert new.loc["D", "kind"] == "由新华区迁入" and new.loc["D", "county"] == "410421"
    assert new.loc["H", "kind"].startswith("上期为“在本地居住不满6个月”")
    assert set(new.index) == {"D", "G", "H"}


def test_details_changed_old_and_new_side_by_side():
    changed = details_changed(BEFORE, NOW)
    rows = {(r.master_id, r.detail): (None if pd.isna(r.before) else r.before, r.after) for r in changed.itertuples()}
    assert rows == {("A", "监护人电话"): ("13800001111", "13900002222"), ("A", "就读学校"): (None, "新华区第一小学")}
