import datetime as dt

import pandas as pd

from linkage.link.clustering import cluster_records
from tests.linkage.link.records import COLUMNS
from tests.linkage.link.records import rec as _rec


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


def test_twins_without_ids_one_department_knows_stay_apart_by_name():
    records = [_rec("police:1", "李子涵", "li zi han"), _rec("police:2", "李浩然", "li hao ran")]
    keys, _ = _cluster(records, _pairs(("police:1", "police:2", 25.0, 0.9999)))
    assert keys["police:1"] != keys["police:2"]


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


def test_an_id_vouches_for_a_renamed_childs_records():
    # 罗龙涛 and 罗逸凯 carry one ID (renamed); 罗毅凯 is a homophone of 罗逸凯 without an ID.
    records = [
        _rec("a", "罗龙涛", "luo long tao", "41130220191122517X"),
        _rec("b", "罗逸凯", "luo yi kai", "41130220191122517X"),
        _rec("health:1", "罗毅凯", "luo yi kai"),
        _rec("health:2", "罗浩然", "luo hao ran"),  # a twin: the health department knows both
    ]
    pairs = _pairs(("a", "b", 30.0, 0.9999), ("b", "health:1", 25.0, 0.9999), ("health:1", "health:2", 20.0, 0.999))
    keys, _ = _cluster(records, pairs)
    assert keys["a"] == keys["b"] == keys["health:1"] and keys["health:2"] != keys["a"]


def test_one_id_under_both_names_of_a_department_vouches_for_each_name_in_the_others():
    # The police hold a renamed child twice, as 潘洋远 and as 潘宇子, under one ID; vaccination
    # knows only 潘洋远, the school only 潘宇子, neither with the ID. No one record vouches for both
    # names, but the ID's two records do.
    def records(police_id):
        return [
            _rec("police:1", "潘洋远", "pan yang yuan", police_id),
            _rec("police:2", "潘宇子", "pan yu zi", police_id),
            _rec("vaccination:1", "潘洋远", "pan yang yuan"),
            _rec("education:1", "潘宇子", "pan yu zi"),
        ]

    pairs = _pairs(
        ("police:1", "vaccination:1", 30.0, 0.9999),
        ("police:2", "education:1", 30.0, 0.9999),
        ("police:1", "police:2", 25.0, 0.9999),
    )
    keys, _ = _cluster(records("410412201912027500"), pairs)
    assert keys["police:1"] == keys["police:2"] == keys["vaccination:1"] == keys["education:1"]
    # Without the ID, the police know two names of one family born on one day: twins.
    keys, _ = _cluster(records(None), pairs)
    assert keys["police:1"] != keys["police:2"]


def _one_or_two(a, b, probability=0.99):
    keys, _ = _cluster([a, b], _pairs((a[0], b[0], 8.0, probability)))
    return keys[a[0]] == keys[b[0]]


RENAMED = [
    # (left, right, one child?) with everything else agreeing and a score above the threshold
    (("police:1", "李子涵", "li zi han"), ("police:2", "王子涵", "wang zi han"), True),  # the other parent's surname
    (("police:1", "李子涵", "li zi han"), ("police:2", "王梓涵", "wang zi han"), True),  # ... with a homophone
    (("police:1", "李子明", "li zi ming"), ("police:2", "明明", "ming ming"), True),  # a 小名, one character doubled
    (("police:1", "李子明", "li zi ming"), ("police:2", "小明", "xiao ming"), True),  # a 小名 with 小
    # A new given name, each department knowing one of the two names.
    (("police:1", "李子涵", "li zi han"), ("health:1", "李浩然", "li hao ran"), True),
    # Twins: one department knows both formal names.
    (("police:1", "李子涵", "li zi han"), ("police:2", "李浩然", "li hao ran"), False),
    (("police:1", "李子涵", "li zi han"), ("police:2", "李明", "li ming"), False),
]


def test_renamed_children_stay_one_and_twins_two():
    for (ua, na, pa), (ub, nb, pb), one in RENAMED:
        assert _one_or_two(_rec(ua, na, pa), _rec(ub, nb, pb)) is one, (na, nb)


def test_a_renamed_join_names_its_pair_for_a_person_to_confirm_and_a_decision_undoes_it():
    # 李子涵 (police) and 李浩然 (health): one renamed child, or twins no department holds together.
    records = [
        _rec("police:1", "李子涵", "li zi han"),
        _rec("health:1", "李浩然", "li hao ran"),
        _rec("education:1", "李子涵", "li zi han"),
    ]
    pairs = _pairs(("police:1", "health:1", 25.0, 0.9999), ("police:1", "education:1", 25.0, 0.9999))
    frame = pd.DataFrame(records, columns=COLUMNS)
    out = cluster_records(frame, pairs, 0.95, 3.0).set_index("unique_id")
    assert out["cluster_key"].nunique() == 1
    assert out.loc["police:1", "renamed_with"] == "health:1" and out.loc["health:1", "renamed_with"] == "police:1"
    assert pd.isna(out.loc["education:1", "renamed_with"])  # one name: no question
    apart = cluster_records(frame, pairs, 0.95, 3.0, _decisions(("different", "police:1", "health:1")))
    assert apart["cluster_key"].nunique() == 2 and apart["renamed_with"].isna().all()


def test_a_renamed_join_waits_where_the_data_show_twins_seldom_share_a_department():
    # 王子明 (police) and 王浩宇 (vaccination): a renamed child or twins. The health department
    # holds the twins 李子涵 and 李浩然. Where the departments hold most children together, twins
    # seldom escape all of them: one renamed child. Where each child is held by one department,
    # the one pair of twins held together stands for three that are not: wait for staff.
    records = [
        _rec("police:r", "王子明", "wang zi ming"),
        _rec("vaccination:r", "王浩宇", "wang hao yu"),
        _rec("health:t1", "李子涵", "li zi han"),
        _rec("health:t2", "李浩然", "li hao ran"),
    ]
    pairs = [("police:r", "vaccination:r", 25.0, 0.9999), ("health:t1", "health:t2", 25.0, 0.9999)]
    feeds = ["police", "education", "health", "vaccination"]
    sparse = [_rec(f"{feed}:s{i}", "张三", "zhang san") for i in range(5) for feed in feeds]
    out = cluster_records(pd.DataFrame(records + sparse, columns=COLUMNS), _pairs(*pairs), 0.95, 3.0)
    out = out.set_index("unique_id")
    assert out.loc["police:r", "cluster_key"] != out.loc["vaccination:r", "cluster_key"]
    assert out.loc["health:t1", "cluster_key"] != out.loc["health:t2", "cluster_key"]
    # The pair not joined is named, for the report and the review.
    assert out.loc["police:r", "maybe_renamed_with"] == "vaccination:r"
    assert out["maybe_renamed_with"].notna().sum() == 2 and out["renamed_with"].isna().all()
    held = [_rec(f"{feed}:f{i}", "张三", "zhang san") for i in range(20) for feed in feeds[1:]]
    together = [(f"education:f{i}", f"{feed}:f{i}", 30.0, 0.9999) for i in range(20) for feed in feeds[2:]]
    keys, _ = _cluster(records + held, _pairs(*pairs, *together))
    assert keys["police:r"] == keys["vaccination:r"] and keys["health:t1"] != keys["health:t2"]


def test_twins_a_department_knows_under_both_names_stay_two_children_whatever_the_order():
    # Each twin's other department knows only one of them; the school knows both.
    records = [
        _rec("police:1", "李子涵", "li zi han"),
        _rec("health:1", "李浩然", "li hao ran"),
        _rec("education:1", "李子涵", "li zi han"),
        _rec("education:2", "李浩然", "li hao ran"),
    ]
    pairs = _pairs(
        ("police:1", "health:1", 30.0, 0.9999),  # the strongest pair is across the twins
        ("police:1", "education:1", 20.0, 0.999),
        ("health:1", "education:2", 20.0, 0.999),
    )
    keys, _ = _cluster(records, pairs)
    assert keys["police:1"] == keys["education:1"] and keys["health:1"] == keys["education:2"]
    assert keys["police:1"] != keys["health:1"]


def test_a_placeholder_between_two_names_of_one_renamed_child_joins_it():
    # 冯奕 (police) and 冯艳浩 (vaccination) are one renamed child; the health placeholder fits
    # both equally, which would be twins, until the two names are found to be one child.
    records = [
        _rec("police:1", "冯奕", "feng yi", "411721202207099961", birth="2022-07-09", sex="F"),
        _rec("vaccination:1", "冯艳浩", "feng yan hao", birth="2022-07-09", sex="F"),
        _rec("health:1", None, None, birth="2022-07-09", placeholder=True, sex="F"),
    ]
    pairs = _pairs(
        ("police:1", "vaccination:1", 30.0, 0.9999),
        ("health:1", "police:1", 20.0, 0.9999),
        ("health:1", "vaccination:1", 19.5, 0.9999),
    )
    keys, notes = _cluster(records, pairs)
    assert keys["police:1"] == keys["vaccination:1"] == keys["health:1"] and notes["health:1"] is None


def test_a_named_record_joins_its_child_through_a_placeholder_of_that_child():
    # The vaccination record's own pair with the police record fell just below the threshold
    # (a moved address); its pair with the health placeholder, which joined the child, did not.
    records = [
        _rec("police:1", "郭羽", "guo yu", "42011120200710352X", sex="F"),
        _rec("health:1", None, None, placeholder=True, sex="F"),
        _rec("vaccination:1", "郭羽", "guo yu", sex="F"),
    ]
    pairs = _pairs(
        ("police:1", "health:1", 43.0, 0.9999),
        ("health:1", "vaccination:1", 5.3, 0.975),
        ("police:1", "vaccination:1", 4.2, 0.2),
    )
    keys, _ = _cluster(records, pairs)
    assert keys["police:1"] == keys["health:1"] == keys["vaccination:1"]
    # Not a twin under another name.
    records[2] = _rec("vaccination:1", "郭晴", "guo qing", sex="F")
    keys, _ = _cluster(records, pairs)
    assert keys["vaccination:1"] != keys["police:1"]


def test_a_pair_just_below_the_threshold_joins_when_name_birth_and_sex_agree():
    records = [
        _rec("police:1", "郑菲阳", "zheng fei yang", "410327201207122835", birth="2012-07-12", sex="M"),
        _rec("education:1", "郑菲阳", "zheng fei yang", birth="2012-07-12", sex="M"),
    ]
    frame = pd.DataFrame(records, columns=COLUMNS)
    pairs = _pairs(("police:1", "education:1", 4.2, 0.947))
    assert cluster_records(frame, pairs, 0.95, 3.0)["cluster_key"].nunique() == 2
    assert cluster_records(frame, pairs, 0.95, 3.0, floor=0.5)["cluster_key"].nunique() == 1
    assert cluster_records(frame, pairs, 0.95, 3.0, floor=0.948)["cluster_key"].nunique() == 2


def test_a_placeholder_below_the_threshold_joins_when_a_parent_it_names_bears_the_childs_surname():
    """范玲之女 at the clinic where the family lived before (the father named, another phone and
    county), 范悦韩 at the police (the mother named): born the same day, of one sex."""

    def frame(surnames, birth="2023-03-06"):
        records = [
            _rec("vaccination:1", placeholder=True, birth=birth, sex="F"),
            _rec("police:1", "范悦韩", "fan yue han", "411381202303069281", birth="2023-03-06", sex="F"),
        ]
        out = pd.DataFrame(records, columns=COLUMNS)
        return out.assign(family_surnames=[surnames, ["林"]], surname=[None, "范"])

    pairs = _pairs(("vaccination:1", "police:1", 0.1, 0.51))
    assert cluster_records(frame(["范"]), pairs, 0.95, 3.0, floor=0.2)["cluster_key"].nunique() == 1
    assert cluster_records(frame(["范"]), pairs, 0.95, 3.0)["cluster_key"].nunique() == 2  # no floor, no join
    assert cluster_records(frame(["李"]), pairs, 0.95, 3.0, floor=0.2)["cluster_key"].nunique() == 2
    assert cluster_records(frame(None), pairs, 0.95, 3.0, floor=0.2)["cluster_key"].nunique() == 2
    # born another day: the model's doubt stands
    assert cluster_records(frame(["范"], "2023-03-09"), pairs, 0.95, 3.0, floor=0.2)["cluster_key"].nunique() == 2


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
    assert _one_or_two(one, _rec("b", "许涵明", "xu han ming", birth="2013-06-04", sex="M"))  # two digits (马悦宜)
    assert not _one_or_two(
        one, _rec("b", "许涵明", "xu han ming", birth="2011-06-03", sex="M")
    )  # two digits, two years
    assert not _one_or_two(one, _rec("b", "许涵明", "xu han ming", birth="2009-05-03", sex="M"))
    # Two slips only for one name: another name with a date two slips off is another child.
    assert not _one_or_two(one, _rec("b", "许涵", "xu han", birth="2012-03-05", sex="M"))


def test_a_date_of_birth_after_its_own_local_date_may_be_one_slip_further_off():
    # The police record of 程皓 and a health placeholder record of one family: 2023-07-13 and
    # 2024-08-13 are two slips apart, a sibling's distance; but the health record was opened on
    # 2023-09-04, before the date of birth it gives, so that date holds a slip already.
    named = _rec("police:1", "程皓", "cheng hao", birth="2023-07-13", sex="M", local=dt.date(2023, 8, 16))
    infant = _rec("health:1", None, None, birth="2024-08-13", placeholder=True, sex="M", local=dt.date(2023, 9, 4))
    assert _one_or_two(named, infant)
    opened_after_birth = _rec(
        "health:1", None, None, birth="2024-08-13", placeholder=True, sex="M", local=dt.date(2024, 9, 4)
    )
    assert not _one_or_two(named, opened_after_birth)
    # Still no further than that one slip: three slips are another child.
    far = _rec("health:1", None, None, birth="2025-09-14", placeholder=True, sex="M", local=dt.date(2023, 9, 4))
    assert not _one_or_two(named, far)


def test_the_children_do_not_depend_on_the_order_the_engine_returns_pairs_in(built, config):
    model = config.model
    args = (model.match_threshold, model.ambiguity_margin, None, model.corroborated_above)
    first = cluster_records(built.records, built.pairs.frame(), *args)
    shuffled = built.pairs.frame().sample(frac=1.0, random_state=3).reset_index(drop=True)
    again = cluster_records(built.records, shuffled, *args)
    pd.testing.assert_frame_equal(first, again)


def test_of_two_pairs_of_equal_weight_the_same_one_wins_whichever_comes_first():
    # b can join a or c (two IDs: not both); the pairs weigh the same.
    records = [
        _rec("police:1", "李子涵", "li zi han", "410402202001010011"),
        _rec("health:1", "李子涵", "li zi han"),
        _rec("education:1", "李子涵", "li zi han", "410402202001010027"),
    ]
    one_way = _pairs(("police:1", "health:1", 10.0, 0.999), ("health:1", "education:1", 10.0, 0.999))
    other_way = one_way.iloc[::-1].reset_index(drop=True)
    assert _cluster(records, one_way)[0] == _cluster(records, other_way)[0]


def test_twins_placeholders_of_two_birth_orders_are_two_children_and_of_one_order_one():
    records = [
        _rec("health:1", None, None, placeholder=True, sex="M", order=1),
        _rec("vaccination:1", None, None, placeholder=True, sex="M", order=1),
        _rec("vaccination:2", None, None, placeholder=True, sex="M", order=2),
    ]
    pairs = _pairs(
        ("health:1", "vaccination:1", 15.0, 0.999),
        ("health:1", "vaccination:2", 15.0, 0.999),
        ("vaccination:1", "vaccination:2", 15.0, 0.999),
    )
    keys, _ = _cluster(records, pairs)
    assert keys["health:1"] == keys["vaccination:1"] != keys["vaccination:2"]


def test_a_placeholder_fits_a_twin_known_only_by_its_birth_order_as_well_as_the_named_twin():
    # 蔡丽's ID is on the first-born's placeholder (周红之大女); the second-born is known only as
    # 周红之女(二). 蔡女婴 in health, with neither order nor certificate, could be either twin.
    the_id = "410402202207210026"
    records = [
        _rec("police:1", "蔡丽", "cai li", the_id, birth="2022-07-21", sex="F"),
        _rec("vaccination:1", None, None, the_id, birth="2022-07-21", placeholder=True, sex="F", order=1),
        _rec("vaccination:2", None, None, birth="2022-07-21", placeholder=True, sex="F", order=2),
        _rec("health:1", None, None, birth="2022-07-21", placeholder=True, sex="F"),
    ]
    pairs = _pairs(
        ("police:1", "vaccination:1", 20.0, 0.9999),
        ("police:1", "health:1", 12.0, 0.999),
        ("vaccination:1", "health:1", 12.0, 0.999),
        ("vaccination:2", "health:1", 12.0, 0.999),
    )
    keys, notes = _cluster(records, pairs)
    assert keys["police:1"] == keys["vaccination:1"] != keys["vaccination:2"]
    assert keys["health:1"] not in (keys["police:1"], keys["vaccination:2"])
    assert "equally" in notes["health:1"]
    # With no second-born's placeholder, the named twin is the only child it could be.
    keys, notes = _cluster(records[:2] + records[3:], pairs.iloc[:3])
    assert keys["health:1"] == keys["police:1"] and notes["health:1"] is None


def test_a_twins_placeholder_whose_department_holds_the_named_twin_is_the_other_twin():
    # 孟杰燕长子 in health, whose named twin 孟浩 health already holds; the same twin's
    # vaccination placeholder (birth order 1 too) goes with it, not to 孟浩.
    records = [
        _rec("health:1", "孟浩", "meng hao", sex="M"),
        _rec("police:1", "孟浩", "meng hao", sex="M"),
        _rec("health:2", None, None, placeholder=True, sex="M", order=1),
        _rec("vaccination:2", None, None, placeholder=True, sex="M", order=1),
    ]
    pairs = _pairs(
        ("health:1", "police:1", 20.0, 0.9999),
        *[(named, baby, 15.0, 0.999) for named in ("health:1", "police:1") for baby in ("health:2", "vaccination:2")],
        ("health:2", "vaccination:2", 15.0, 0.999),
    )
    keys, notes = _cluster(records, pairs)
    assert keys["health:2"] == keys["vaccination:2"] != keys["health:1"]
    assert "twin" in notes["health:2"]


def _held_twin_and_other(held: tuple[str, str], other: tuple[str, str, str], order: int):
    """A girl twin health holds by name (health:1), her twin known to the police (police:2, of the
    sex given), and health's girl placeholder of birth `order` (health:2) paired with both."""
    records = [
        _rec("health:1", *held, sex="F"),
        _rec("police:2", other[0], other[1], sex=other[2]),
        _rec("health:2", None, None, placeholder=True, sex="F", order=order),
    ]
    return records, _pairs(("health:1", "health:2", 16.0, 0.9999), ("police:2", "health:2", 15.0, 0.999))


def test_a_twins_placeholder_whose_department_holds_one_named_twin_joins_the_other_named_twin():
    # 吕家依 and 吕晨梓, twin girls, both known by name; health holds 吕家依 only, so the health
    # placeholder 胡涛涛之女2 is 吕晨梓's, however well it also fits 吕家依.
    records, pairs = _held_twin_and_other(("吕家依", "lv jia yi"), ("吕晨梓", "lv chen zi", "F"), order=2)
    keys, notes = _cluster(records, pairs)
    assert keys["health:2"] == keys["police:2"] and notes["health:2"] is None
    # Without 吕晨梓 the other twin is known to no one by name: which twin is not known.
    keys, notes = _cluster(records[::2], pairs.iloc[:1])
    assert keys["health:2"] != keys["health:1"] and "twin" in notes["health:2"]


def test_a_twins_placeholder_of_one_sex_joins_the_twin_of_its_sex_its_department_holds_twice():
    # 刘宜航 (a girl) and 刘柏雨 (a boy): health's girl placeholder 大宝 is 刘宜航's second
    # health record, not a third child.
    records, pairs = _held_twin_and_other(("刘宜航", "liu yi hang"), ("刘柏雨", "liu bai yu", "M"), order=1)
    keys, notes = _cluster(records, pairs)
    assert keys["health:2"] == keys["health:1"] and notes["health:2"] is None


def test_a_placeholder_fitting_two_twins_is_placed_again_once_the_others_have_joined():
    # 邱伟之女 in vaccination fits 曾雨 and 曾宸浩 alike, until the vaccination placeholder of the
    # first-born (邱伟之大女) joins 曾宸浩: then vaccination holds 曾宸浩, and 邱伟之女 is 曾雨's.
    records = [
        _rec("police:1", "曾雨", "zeng yu", sex="F"),
        _rec("health:2", "曾宸浩", "zeng chen hao", sex="F", certificate="Q177954332"),
        _rec("vaccination:1", None, None, placeholder=True, sex="F"),
        _rec("vaccination:2", None, None, placeholder=True, sex="F", order=1),
        _rec("health:3", None, None, placeholder=True, sex="F", order=1, certificate="Q177954332"),
    ]
    pairs = _pairs(
        ("police:1", "vaccination:1", 15.0, 0.999),
        ("health:2", "vaccination:1", 15.0, 0.999),
        ("vaccination:2", "health:3", 20.0, 0.9999),
        ("health:2", "health:3", 18.0, 0.9999),
    )
    keys, notes = _cluster(records, pairs)
    assert keys["vaccination:2"] == keys["health:2"]
    assert keys["vaccination:1"] == keys["police:1"] and notes["vaccination:1"] is None


def test_a_birth_certificate_number_typed_one_digit_wrong_still_names_the_twin():
    # 白静若's health record carries P069596231; the second-born's placeholder P069596241, one
    # digit typed wrong (the next twin's number would be P069596232).
    records = [
        _rec("health:1", "白静若", "bai jing ruo", sex="M", certificate="P069596231"),
        _rec("police:2", "白语锦", "bai yu jin", sex="M"),
        _rec("health:2", None, None, placeholder=True, sex="M", order=2, certificate="P069596241"),
    ]
    pairs = _pairs(("police:2", "health:2", 16.0, 0.9999), ("health:1", "health:2", 15.0, 0.999))
    keys, _ = _cluster(records, pairs)
    assert keys["health:2"] == keys["health:1"]
    # P069596239 is as near the twin's P069596232 as 白静若's P069596231: the number decides
    # nothing, and the placeholder goes to the twin health does not hold yet.
    records[2][-1] = "P069596239"
    keys, _ = _cluster(records, pairs)
    assert keys["health:2"] == keys["police:2"] != keys["health:1"]


def test_an_id_does_not_make_twins_placeholders_of_two_birth_orders_one_child():
    # 武月凯's ID is on the first-born's placeholder; the second-born's placeholder fits 武月凯
    # as well by everything but the order, and must not join through the ID.
    the_id = "411025202009274180"
    records = [
        _rec("police:1", "武月凯", "wu yue kai", the_id, sex="F"),
        _rec("health:1", None, None, the_id, placeholder=True, sex="F", order=1),
        _rec("health:2", None, None, placeholder=True, sex="F", order=2),
    ]
    pairs = _pairs(
        ("health:1", "health:2", 30.0, 0.9999),
        ("police:1", "health:2", 25.0, 0.9999),
        ("police:1", "health:1", 20.0, 0.9999),
    )
    keys, _ = _cluster(records, pairs)
    assert keys["police:1"] == keys["health:1"] != keys["health:2"]


def test_a_birth_certificate_tells_same_sex_twins_placeholders_apart():
    # Both twins have health records; the placeholder's certificate is 李欣然's, the next number
    # of the book after 李子涵's.
    records = [
        _rec("police:1", "李子涵", "li zi han", sex="F"),
        _rec("health:1", "李子涵", "li zi han", sex="F", certificate="N410000001"),
        _rec("police:2", "李欣然", "li xin ran", sex="F"),
        _rec("health:2", "李欣然", "li xin ran", sex="F"),
        _rec("health:3", None, None, placeholder=True, sex="F", certificate="N410000002"),
    ]
    pairs = _pairs(
        ("police:1", "health:1", 20.0, 0.9999),
        ("police:2", "health:2", 20.0, 0.9999),
        *[(named, "health:3", 15.0, 0.999) for named in ("police:1", "health:1", "police:2", "health:2")],
    )
    keys, notes = _cluster(records, pairs)
    assert keys["health:3"] == keys["police:2"] and notes["health:3"] is None
    # Without the certificates the placeholder fits both twins and is listed.
    plain = [[*r[:-1], None] for r in records]
    keys, notes = _cluster(plain, pairs)
    assert keys["health:3"] not in (keys["police:1"], keys["police:2"]) and "equally" in notes["health:3"]


def test_one_birth_certificate_joins_a_childs_two_names_in_one_department():
    # The health department holds the child under its formal name and a new given name; the
    # police know the formal name only.
    records = [
        _rec("police:1", "曾然童", "zeng ran tong", sex="M"),
        _rec("health:1", "曾然童", "zeng ran tong", sex="M", certificate="P250691263"),
        _rec("health:2", "曾童骏", "zeng tong jun", sex="M", certificate="P250691263"),
    ]
    pairs = _pairs(("police:1", "health:1", 20.0, 0.9999), ("health:1", "health:2", 18.0, 0.9999))
    keys, _ = _cluster(records, pairs)
    assert keys["police:1"] == keys["health:1"] == keys["health:2"]
    # Two certificates one apart under two names are twins.
    records[2][-1] = "P250691264"
    keys, _ = _cluster(records, pairs)
    assert keys["health:2"] != keys["health:1"]


def test_an_id_on_a_placeholder_vouches_for_no_name():
    # Twins 付欣 and 付乐思. The health centre holds 付欣 as 胡红之女 with her ID, and the other
    # twin as 婴儿: the ID beside no name does not make 付乐思 another name of 付欣, so 婴儿,
    # which fits 付欣 best, is 付乐思 (the health centre holds 付欣 already).
    records = [
        _rec("police:1", "付欣", "fu xin", "411102202303264785", sex="F"),
        _rec("health:1", None, None, "411102202303264785", placeholder=True, sex="F"),
        _rec("vaccination:1", "付乐思", "fu le si", sex="F"),
        _rec("health:2", None, None, placeholder=True, sex="F"),
    ]
    pairs = _pairs(
        ("health:1", "health:2", 41.0, 0.9999),
        ("police:1", "health:1", 30.0, 0.9999),
        ("police:1", "health:2", 29.0, 0.9999),
        ("vaccination:1", "health:2", 27.0, 0.9999),
        ("vaccination:1", "health:1", 27.0, 0.9999),
    )
    keys, notes = _cluster(records, pairs)
    assert keys["police:1"] == keys["health:1"] != keys["vaccination:1"]
    assert keys["health:2"] == keys["vaccination:1"] and notes["health:2"] is None


def test_a_placeholder_fits_a_twin_known_only_by_its_birth_certificate_as_well_as_the_named_twin():
    # 曹杰鹏's health record carries certificate Q647256539; the health centre's 林凤之子 carries
    # the next number, so it is his twin, known by no name. 林凤之子 in vaccination, with no
    # number, could be either twin.
    records = [
        _rec("police:1", "曹杰鹏", "cao jie peng", sex="M"),
        _rec("health:1", "曹杰鹏", "cao jie peng", sex="M", certificate="Q647256539"),
        _rec("health:2", None, None, placeholder=True, sex="M", certificate="Q647256540"),
        _rec("vaccination:1", None, None, placeholder=True, sex="M"),
    ]
    pairs = _pairs(
        ("police:1", "health:1", 25.0, 0.9999),
        ("police:1", "health:2", 20.0, 0.9999),
        ("police:1", "vaccination:1", 18.0, 0.9999),
        ("health:1", "vaccination:1", 18.0, 0.9999),
        ("health:2", "vaccination:1", 12.0, 0.999),
    )
    keys, notes = _cluster(records, pairs)
    assert keys["police:1"] == keys["health:1"] != keys["health:2"]
    assert keys["vaccination:1"] not in (keys["police:1"], keys["health:2"])
    assert "equally" in notes["vaccination:1"]
    # Without its number, the health centre's placeholder is no twin the records tell apart.
    records[2][-1] = None
    keys, notes = _cluster(records, pairs)
    assert keys["vaccination:1"] == keys["police:1"] and notes["vaccination:1"] is None


def test_a_twin_whose_year_was_typed_wrong_is_still_a_child_the_placeholder_could_be():
    # 何加菲 (born 2025-11-23) is held by vaccination under her ID; her twin 何华俊 by health
    # only, her year typed 2024. Vaccination's 罗芳华之女 fits 何加菲 best, but vaccination holds
    # her already: it is 何华俊. A sister born a year and a month later is no twin.
    the_id = "411025202511236366"
    records = [
        _rec("police:1", "何加菲", "he jia fei", the_id, birth="2025-11-23", sex="F"),
        _rec("vaccination:1", None, None, the_id, birth="2025-11-23", placeholder=True, sex="F"),
        _rec("health:1", "何华俊", "he hua jun", birth="2024-11-23", sex="F"),
        _rec("vaccination:2", None, None, birth="2025-11-23", placeholder=True, sex="F"),
    ]
    pairs = _pairs(
        ("police:1", "vaccination:1", 30.0, 0.9999),
        ("vaccination:1", "vaccination:2", 25.0, 0.9999),
        ("police:1", "vaccination:2", 22.0, 0.9999),
        ("health:1", "vaccination:2", 11.0, 0.9995),
    )
    keys, notes = _cluster(records, pairs)
    assert keys["vaccination:2"] == keys["health:1"] != keys["police:1"] and notes["vaccination:2"] is None
    records[2][COLUMNS.index("birth_date")] = "2024-10-23"
    keys, notes = _cluster(records, pairs)
    assert keys["vaccination:2"] == keys["police:1"] and notes["vaccination:2"] is None
