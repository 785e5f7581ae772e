import pandas as pd

from linkage.link.clustering import can_be_one_child, cluster_records

COLUMNS = [
    "unique_id",
    "id_number",
    "id_text",
    "name",
    "name_pinyin",
    "name_shape",
    "surname_pinyin",
    "given_sorted",
    "birth_date",
    "is_placeholder",
    "sex",
]


def _rec(uid, name=None, pinyin=None, id_number=None, birth="2020-01-01", placeholder=False, id_text=None, sex=None):
    given = "".join(sorted(name[1:])) if name else None
    return [
        uid,
        id_number,
        id_text or id_number,
        name,
        pinyin,
        name,
        pinyin.split()[0] if pinyin else None,
        given,
        birth,
        placeholder,
        sex,
    ]


def _pairs(*rows):
    return pd.DataFrame(rows, columns=["unique_id_l", "unique_id_r", "match_weight", "match_probability"])


def _cluster(records, pairs, margin=3.0):
    frame = pd.DataFrame(records, columns=COLUMNS)
    out = cluster_records(frame, pairs, 0.95, margin)
    keys = dict(zip(out["unique_id"], out["cluster_key"], strict=True))
    return keys, dict(zip(out["unique_id"], out["verification"], strict=True))


def test_twins_with_different_ids_stay_apart_however_high_the_score():
    records = [
        _rec("a", "李子涵", "li zi han", "410402202001010011"),
        _rec("b", "李子轩", "li zi xuan", "410402202001010027"),
    ]
    keys, _ = _cluster(records, _pairs(("a", "b", 30.0, 0.9999)))
    assert keys["a"] != keys["b"]


def test_twins_without_ids_stay_apart_by_name():
    records = [_rec("a", "李子涵", "li zi han"), _rec("b", "李浩然", "li hao ran")]
    keys, _ = _cluster(records, _pairs(("a", "b", 25.0, 0.9999)))
    assert keys["a"] != keys["b"]


def test_homophone_and_id_typo_join():
    records = [
        _rec("a", "李子涵", "li zi han", "410402202001010011"),
        _rec("b", "李梓涵", "li zi han", None, id_text="410402202001010012"),
        _rec("c", "李子涵", "li zi han", None, id_text="410402202001010012"),
    ]
    keys, _ = _cluster(records, _pairs(("a", "b", 20.0, 0.999), ("b", "c", 20.0, 0.999)))
    assert keys["a"] == keys["b"] == keys["c"]


def test_a_chain_cannot_smuggle_two_ids_into_one_child():
    records = [
        _rec("a", "李子涵", "li zi han", "410402202001010011"),
        _rec("m", None, None, None, placeholder=True),
        _rec("b", "李子涵", "li zi han", "410402202001010027"),
    ]
    keys, _ = _cluster(records, _pairs(("a", "m", 20.0, 0.999), ("m", "b", 10.0, 0.99)))
    assert keys["a"] != keys["b"]


def test_placeholder_fitting_two_twins_equally_joins_neither_and_is_listed():
    records = [
        _rec("a", "李子涵", "li zi han"),
        _rec("b", "李浩然", "li hao ran"),
        _rec("m", None, None, placeholder=True),
    ]
    keys, notes = _cluster(records, _pairs(("a", "m", 15.0, 0.999), ("b", "m", 14.5, 0.999)))
    assert keys["m"] not in (keys["a"], keys["b"])
    assert "equally" in notes["m"]


def test_placeholder_with_a_clear_best_child_joins_it():
    records = [
        _rec("a", "李子涵", "li zi han"),
        _rec("b", "李浩然", "li hao ran", birth="2021-05-05"),
        _rec("m", None, None, placeholder=True),
    ]
    keys, notes = _cluster(records, _pairs(("a", "m", 15.0, 0.999), ("b", "m", 5.0, 0.97)))
    assert keys["m"] == keys["a"] and notes["m"] is None


def test_dates_of_birth_far_apart_cannot_be_one_child_without_id():
    a = dict(zip(COLUMNS, _rec("a", None, None, birth="2016-05-28", placeholder=True), strict=True))
    b = dict(zip(COLUMNS, _rec("b", None, None, birth="2026-05-08", placeholder=True), strict=True))
    swapped = dict(zip(COLUMNS, _rec("c", None, None, birth="2016-28-05"[:5] + "05-28", placeholder=True), strict=True))
    assert not can_be_one_child(a, b)
    assert can_be_one_child(a, swapped)


def test_placeholder_joins_the_twin_of_its_sex():
    records = [
        _rec("a", "李子涵", "li zi han", sex="F"),
        _rec("b", "李浩然", "li hao ran", sex="M"),
        _rec("m", None, None, placeholder=True, sex="M"),
    ]
    keys, notes = _cluster(records, _pairs(("a", "m", 15.0, 0.999), ("b", "m", 14.8, 0.999)))
    assert keys["m"] == keys["b"] and notes["m"] is None


def test_same_sex_twins_are_ambiguous_for_a_placeholder_whatever_the_margin():
    records = [
        _rec("a", "李子涵", "li zi han", sex="F"),
        _rec("b", "李欣然", "li xin ran", sex="F"),
        _rec("m", None, None, placeholder=True, sex="F"),
    ]
    keys, notes = _cluster(records, _pairs(("a", "m", 20.0, 0.9999), ("b", "m", 9.0, 0.998)))
    assert keys["m"] not in (keys["a"], keys["b"]) and "equally" in notes["m"]


def test_a_placeholder_carrying_a_twins_id_joins_that_twin():
    records = [
        _rec("a", "李子涵", "li zi han", "410402202001010011", sex="F"),
        _rec("b", "李欣然", "li xin ran", sex="F"),
        _rec("m", None, None, "410402202001010011", placeholder=True, sex="F"),
    ]
    keys, notes = _cluster(records, _pairs(("a", "m", 15.0, 0.999), ("b", "m", 15.0, 0.999)))
    assert keys["m"] == keys["a"] and notes["m"] is None


def test_swapped_given_name_written_with_a_homophone_is_one_name():
    from linkage.link.clustering import same_name

    a = dict(zip(COLUMNS, _rec("a", "黄萱晨", "huang xuan chen"), strict=True))
    b = dict(zip(COLUMNS, _rec("b", "黄晨轩", "huang chen xuan"), strict=True))
    c = dict(zip(COLUMNS, _rec("c", "黄晨浩", "huang chen hao"), strict=True))
    assert same_name(a, b) and not same_name(a, c)


def test_id_texts_far_apart_are_two_children_even_when_one_fails_its_check():
    a = dict(zip(COLUMNS, _rec("a", None, None, "411602202109259066", placeholder=True), strict=True))
    typo_of_twin = dict(
        zip(COLUMNS, _rec("b", None, None, None, placeholder=True, id_text="411602209109256180"), strict=True)
    )
    typo_of_same = dict(
        zip(COLUMNS, _rec("c", None, None, None, placeholder=True, id_text="411602202109259067"), strict=True)
    )
    assert not can_be_one_child(a, typo_of_twin)
    assert can_be_one_child(a, typo_of_same)


def test_a_boy_and_a_girl_with_similar_names_are_two_children():
    boy = dict(zip(COLUMNS, _rec("a", "田晶", "tian jing", sex="M"), strict=True))
    girl = dict(zip(COLUMNS, _rec("b", "田馨", "tian xin", sex="F"), strict=True))
    typo = dict(zip(COLUMNS, _rec("c", "田晶", "tian jing", sex="F"), strict=True))
    assert not can_be_one_child(boy, girl)
    assert can_be_one_child(boy, typo)


def test_an_id_vouches_for_a_renamed_childs_records():
    # 罗龙涛 and 罗逸凯 carry one ID (renamed); 罗毅凯 is a homophone of 罗逸凯 without an ID.
    records = [
        _rec("a", "罗龙涛", "luo long tao", "41130220191122517X"),
        _rec("b", "罗逸凯", "luo yi kai", "41130220191122517X"),
        _rec("c", "罗毅凯", "luo yi kai"),
        _rec("d", "罗浩然", "luo hao ran"),
    ]
    keys, _ = _cluster(records, _pairs(("a", "b", 30.0, 0.9999), ("b", "c", 25.0, 0.9999), ("c", "d", 20.0, 0.999)))
    assert keys["a"] == keys["b"] == keys["c"] and keys["d"] != keys["a"]


def _one_or_two(a, b, probability=0.99):
    keys, _ = _cluster([a, b], _pairs((a[0], b[0], 8.0, probability)))
    return keys[a[0]] == keys[b[0]]


RENAMED = [
    # (left, right, one child?) with everything else agreeing and a score above the threshold
    (("a", "李子涵", "li zi han"), ("b", "王子涵", "wang zi han"), True),  # the other parent's surname
    (("a", "李子涵", "li zi han"), ("b", "王梓涵", "wang zi han"), True),  # ... written with a homophone
    (("a", "李子明", "li zi ming"), ("b", "明明", "ming ming"), True),  # a 小名, one character doubled
    (("a", "李子明", "li zi ming"), ("b", "小明", "xiao ming"), True),  # a 小名 with 小
    (("a", "李子涵", "li zi han"), ("b", "李浩然", "li hao ran"), False),  # twins: two formal names
    (("a", "李子涵", "li zi han"), ("b", "李明", "li ming"), False),
]


def test_renamed_children_stay_one_and_twins_two():
    for (ua, na, pa), (ub, nb, pb), one in RENAMED:
        assert _one_or_two(_rec(ua, na, pa), _rec(ub, nb, pb)) is one, (na, nb)


def test_a_year_typed_one_off_is_one_child_and_siblings_years_apart_are_two():
    assert _one_or_two(
        _rec("a", "李子涵", "li zi han", birth="2020-03-05"), _rec("b", "李子涵", "li zi han", birth="2019-03-05")
    )
    assert not _one_or_two(
        _rec("a", "李子涵", "li zi han", birth="2020-03-05"), _rec("b", "李子涵", "li zi han", birth="2017-03-05")
    )


def _decisions(*rows):
    return pd.DataFrame(rows, columns=["verdict", "left_ref", "right_ref"])


def test_people_decide_over_the_model_and_its_rules():
    twins = [_rec("a", "李子涵", "li zi han"), _rec("b", "李子涵", "li zi han")]
    pairs = _pairs(("a", "b", 20.0, 1.0))
    frame = pd.DataFrame(twins, columns=COLUMNS)
    out = cluster_records(frame, pairs, 0.95, 3.0, _decisions(("different", "a", "b")))
    assert out["cluster_key"].nunique() == 2  # "different" holds even at probability 1.0
    renamed = [
        _rec("c", "李子涵", "li zi han", birth="2020-01-01"),
        _rec("d", "王浩然", "wang hao ran", birth="2016-05-01"),
    ]
    frame = pd.DataFrame(renamed, columns=COLUMNS)
    out = cluster_records(frame, _pairs(("c", "d", -5.0, 0.02)), 0.95, 3.0, _decisions(("same", "c", "d")))
    assert out["cluster_key"].nunique() == 1  # "same" joins what no rule or score would


def test_a_same_decision_that_cannot_be_is_not_forced():
    two_ids = [
        _rec("a", "李子涵", "li zi han", "410402202001010011"),
        _rec("b", "李子涵", "li zi han", "410402202001010027"),
    ]
    frame = pd.DataFrame(two_ids, columns=COLUMNS)
    out = cluster_records(frame, _pairs(("a", "b", 1.0, 0.6)), 0.95, 3.0, _decisions(("same", "a", "b")))
    assert out["cluster_key"].nunique() == 2


def test_a_placeholder_follows_another_placeholder_to_its_child():
    # Only the health placeholder scores strongly with the named police record; the vaccination
    # placeholder reaches the child through it.
    records = [
        _rec("police:1", "何伟", "he wei"),
        _rec("health:1", None, None, placeholder=True),
        _rec("vaccination:1", None, None, placeholder=True),
    ]
    pairs = _pairs(("police:1", "health:1", 15.0, 0.999), ("health:1", "vaccination:1", 20.0, 0.9999))
    keys, notes = _cluster(records, pairs)
    assert keys["police:1"] == keys["health:1"] == keys["vaccination:1"]
    assert not isinstance(notes["vaccination:1"], str)


def test_placeholders_a_sibling_outscores_still_become_one_infant():
    # The infant's placeholders score highly with an older sibling (same family, phone, address);
    # the sibling, born years earlier, is no candidate, so the two placeholders are one child.
    records = [
        _rec("police:1", "吕祺媛", "lv qi yuan", birth="2019-10-04"),
        _rec("health:1", None, None, birth="2025-08-15", placeholder=True),
        _rec("vaccination:1", None, None, birth="2025-08-15", placeholder=True),
    ]
    pairs = _pairs(
        ("health:1", "vaccination:1", 26.0, 0.9999),
        ("health:1", "police:1", 22.0, 0.9999),
        ("vaccination:1", "police:1", 21.0, 0.9999),
    )
    keys, _ = _cluster(records, pairs)
    assert keys["health:1"] == keys["vaccination:1"] != keys["police:1"]


def test_of_same_sex_twins_a_placeholder_joins_the_one_its_department_does_not_hold():
    records = [
        _rec("police:1", "李子涵", "li zi han", sex="F"),
        _rec("health:1", "李子涵", "li zi han", sex="F"),
        _rec("police:2", "李欣然", "li xin ran", sex="F"),
        _rec("health:2", None, None, placeholder=True, sex="F"),
        _rec("vaccination:3", None, None, placeholder=True, sex="F"),
    ]
    pairs = _pairs(
        ("police:1", "health:1", 20.0, 0.9999),
        *[(twin, baby, 15.0, 0.999) for twin in ("police:1", "police:2") for baby in ("health:2", "vaccination:3")],
    )
    keys, notes = _cluster(records, pairs)
    assert keys["health:2"] == keys["police:2"] and not isinstance(notes["health:2"], str)
    # Neither twin has a vaccination record: that placeholder stays ambiguous.
    assert keys["vaccination:3"] not in (keys["police:1"], keys["police:2"]) and "equally" in notes["vaccination:3"]


def test_one_name_allows_two_slips_in_the_date_of_birth_and_no_more():
    one = _rec("a", "许涵明", "xu han ming", birth="2013-05-03", sex="M")
    assert _one_or_two(one, _rec("b", "许涵明", "xu han ming", birth="2012-03-05", sex="M"))  # year and swap
    assert _one_or_two(one, _rec("b", "许涵明", "xu han ming", birth="2012-05-04", sex="M"))  # year and digit
    assert not _one_or_two(one, _rec("b", "许涵明", "xu han ming", birth="2009-05-03", sex="M"))
    # Two slips only for one name: another name with a date two slips off is another child.
    assert not _one_or_two(one, _rec("b", "许涵", "xu han", birth="2012-03-05", sex="M"))
