import pandas as pd

from linkage.link.linkage_input import shape_key
from linkage.link.same_child import (
    IDENTITY,
    births_close,
    can_be_one_child,
    certificates_against,
    corroborated,
    heard_forms,
    id_birth_date,
    mistyped_certificate,
    renamed_one_child,
    same_name,
    student_number_birth_date,
    typo_of_this_number,
    year_typed_one_off,
)
from tests.linkage.link.records import READINGS, facts


def test_dates_of_birth_far_apart_cannot_be_one_child_without_id():
    a = facts("a", None, None, birth="2016-05-28", placeholder=True)
    b = facts("b", None, None, birth="2026-05-08", placeholder=True)
    swapped = facts("c", None, None, birth="2016-28-05"[:5] + "05-28", placeholder=True)
    assert not can_be_one_child(a, b)
    assert can_be_one_child(a, swapped)


def test_swapped_given_name_written_with_a_homophone_is_one_name():
    a = facts("a", "黄萱晨", "huang xuan chen")
    b = facts("b", "黄晨轩", "huang chen xuan")
    c = facts("c", "黄晨浩", "huang chen hao")
    assert same_name(a, b) and not same_name(a, c)
    # Swapped, and heard alike only through a character of two readings (乐 le or yue).
    d = facts("d", "尹斯月", "yin si yue")
    e = facts("e", "尹乐斯", "yin le si")
    assert same_name(d, e) and same_name(e, d)
    assert not same_name(d, facts("f", "尹乐琪", "yin le qi"))  # 琪 is not 斯


def test_heard_forms_give_the_readings_names_use_with_indistinct_sounds_made_one():
    assert heard_forms("段博菲")[0] in heard_forms("段柏菲", READINGS)  # 柏 bai or bo, as names.toml lists
    assert heard_forms("段博菲")[0] not in heard_forms("段柏菲")  # without the list, as pinyin reads it first
    assert set(heard_forms("张晶")) & set(heard_forms("张金"))  # -ng / -n
    assert not set(heard_forms("夏童")) & set(heard_forms("夏航"))
    # A dictionary's rare readings stay out: 楷 is not heard jie, nor 家 jie.
    assert not set(heard_forms("余楷", READINGS)) & set(heard_forms("于家", READINGS))
    assert heard_forms(None) is None and len(heard_forms("曾乐乐乐乐乐", READINGS, limit=5)) == 5


def test_names_heard_alike_are_one_name_and_names_merely_close_in_pinyin_are_two():
    def name(text, pinyin):
        return facts("a", text, pinyin)

    assert same_name(name("周乐童", "zhou le tong"), name("周悦彤", "zhou yue tong"))  # 乐 read le or yue
    assert same_name(name("黄雪博", "huang xue bo"), name("黄雪柏", "huang xue bai"))  # 柏 read bai or bo
    assert same_name(name("张晶", "zhang jing"), name("张金", "zhang jin"))  # -ng / -n
    assert same_name(name("刘思", "liu si"), name("牛诗", "niu shi"))  # n / l, s / sh
    assert not same_name(name("夏童", "xia tong"), name("夏航", "xia hang"))  # two letters apart: twins
    assert not same_name(name("林昊", "lin hao"), name("林安", "lin an"))


def test_a_name_with_one_character_heard_wrong_and_another_seen_wrong_is_one_name(config):
    def name(text, pinyin):
        return {**facts("a", text, pinyin), "name_shape": shape_key(text, config.model.lookalike_groups)}

    assert same_name(name("杨家恰", "yang jia qia"), name("杨嘉怡", "yang jia yi"))  # 家/嘉 heard, 恰/怡 seen
    assert not same_name(name("杨嘉怡", "yang jia yi"), name("杨嘉悦", "yang jia yue"))  # twins' names


def test_id_texts_far_apart_are_two_children_even_when_one_fails_its_check():
    a = facts("a", None, None, "411602202109259066", placeholder=True)
    typo_of_twin = facts("b", None, None, None, placeholder=True, id_text="411602209109256180")
    typo_of_same = facts("c", None, None, None, placeholder=True, id_text="411602202109259067")
    assert not can_be_one_child(a, typo_of_twin)
    assert can_be_one_child(a, typo_of_same)


def test_a_boy_and_a_girl_with_similar_names_are_two_children():
    boy = facts("a", "田晶", "tian jing", sex="M")
    girl = facts("b", "田馨", "tian xin", sex="F")
    typo = facts("c", "田晶", "tian jing", sex="F")
    assert not can_be_one_child(boy, girl)
    assert can_be_one_child(boy, typo)


def test_the_id_text_gives_a_date_of_birth_even_when_it_fails_its_check():
    assert id_birth_date("411025202108109375") == "2021-08-10"
    assert id_birth_date("411025202108109370") == "2021-08-10"  # a wrong check digit
    assert id_birth_date("411025202113409375") is None  # no such date
    assert id_birth_date("4110252021") is None and id_birth_date(None) is None


def test_a_typed_date_of_birth_two_slips_off_is_the_childs_when_its_id_gives_the_right_one():
    # The police typed 2022-08-11 for a child born 2021-08-10, as its ID says; the vaccination
    # record of a placeholder-named infant gives 2021-08-10.
    police = facts("a", "白伟", "bai wei", None, birth="2022-08-11", id_text="411025202108109375", sex="M")
    infant = facts("b", None, None, birth="2021-08-10", placeholder=True, sex="M")
    assert births_close(police, infant) and can_be_one_child(police, infant)
    # Without the ID, the two dates are two slips apart (the year and a digit) and a year apart,
    # as a sibling's could be: two children.
    police["id_text"] = None
    assert not can_be_one_child(police, infant)


def test_a_date_of_birth_known_to_hold_a_slip_may_be_one_slip_further_off():
    named = facts("a", "程皓", "cheng hao", birth="2023-07-13", sex="M")
    infant = facts("b", None, None, birth="2024-08-13", placeholder=True, sex="M")  # year and month
    assert not can_be_one_child(named, infant)
    assert can_be_one_child(named, {**infant, "birth_after_local": True})
    renamed = facts("b", "程嘉依", "cheng jia yi", birth="2024-08-13", sex="M")
    assert not renamed_one_child(named, renamed)
    assert renamed_one_child(named, {**renamed, "birth_after_local": True})


def test_an_infants_placeholder_two_slips_off_is_the_child_only_nearer_than_a_siblings_birth():
    # 秦媛玉 born 2023-05-02; the health centre's placeholder gives 2023-02-06 (month and day
    # swapped, then a digit off): three months apart, which no sibling can be.
    named = facts("a", "秦媛玉", "qin yuan yu", birth="2023-05-02", sex="M")
    infant = facts("b", None, None, birth="2023-02-06", placeholder=True, sex="M")
    assert can_be_one_child(named, infant) and can_be_one_child(infant, named)
    assert not can_be_one_child(named, {**infant, "sex": "F"})
    # Two slips more than nine months apart (the year and a digit): a sibling's birth could be that.
    sibling = facts("c", None, None, birth="2022-05-03", placeholder=True, sex="M")
    assert not can_be_one_child(named, sibling)
    # Two named children stay two: the rule is for a record with no name to tell.
    assert not can_be_one_child(named, facts("d", "秦媛媛", "qin yuan yuan", birth="2023-02-06", sex="M"))


def test_a_renamed_child_needs_one_sex_a_close_date_of_birth_and_no_id_against_it():
    formal = facts("a", "程鸣远", "cheng ming yuan", "411521201510231018", birth="2015-10-23", sex="M")
    assert renamed_one_child(formal, facts("b", "程嘉依", "cheng jia yi", birth="2015-10-23", sex="M"))
    assert not renamed_one_child(formal, facts("b", "程嘉依", "cheng jia yi", birth="2015-10-23", sex="F"))
    assert not renamed_one_child(formal, facts("b", "程嘉依", "cheng jia yi", birth="2013-02-23", sex="M"))
    other_id = facts("b", "程嘉依", "cheng jia yi", "411521201510237017", birth="2015-10-23", sex="M")
    assert not renamed_one_child(formal, other_id)


def _pairs(*pairs: tuple[float, dict, dict]) -> pd.DataFrame:
    """Scored pairs as the clustering reads them: a probability and both records' identities."""
    rows = []
    for probability, left, right in pairs:
        row = {"match_probability": probability}
        for column in IDENTITY:
            row[f"{column}_l"], row[f"{column}_r"] = left[column], right[column]
        rows.append(row)
    return pd.DataFrame(rows)


def test_a_pair_below_the_threshold_is_corroborated_by_one_name_date_of_birth_and_sex():
    zheng = facts("a", "郑菲阳", "zheng fei yang", birth="2012-07-12", sex="M")
    pairs = _pairs(
        (0.947, zheng, zheng),
        (0.947, zheng, facts("b", "郑菲扬", "zheng fei yang", birth="2012-07-12", sex="M")),  # as heard
        (0.947, zheng, facts("b", "郑菲阳", "zheng fei yang", birth="2012-07-13", sex="M")),  # a slip
        (0.947, zheng, facts("b", "郑菲阳", "zheng fei yang", birth="2013-09-12", sex="M")),  # a year on
        (0.947, zheng, facts("b", "郑菲阳", "zheng fei yang", birth="2012-07-12", sex="F")),
        (0.3, zheng, zheng),  # below the floor
        (0.99, zheng, zheng),  # above the threshold it joins anyway: not "corroborated"
    )
    assert corroborated(pairs, 0.95, 0.5).tolist() == [True, True, True, False, False, False, False]


def test_given_characters_swapped_corroborate_only_with_one_date_of_birth():
    zhou = facts("a", "周伟琪", "zhou wei qi", birth="2018-07-31", sex="M")
    swapped = facts("b", "周奇伟", "zhou qi wei", birth="2018-07-31", sex="M")
    slipped = dict(swapped, birth_date="2018-07-30")
    assert corroborated(_pairs((0.75, zhou, swapped), (0.75, zhou, slipped)), 0.95, 0.5).tolist() == [True, False]


def test_the_date_of_birth_an_id_text_gives_corroborates():
    # Police typed 2022-03-10 for 2022-10-03, and its ID text gives 2022-10-03. The given
    # name's characters are swapped, so a slip alone would not do.
    police = facts("a", "吴萌梓", "wu meng zi", birth="2022-03-10", sex="F")
    school = facts("b", "吴梓萌", "wu zi meng", birth="2022-10-03", sex="F")
    with_id = dict(police, id_text="130105202210038042")
    assert corroborated(_pairs((0.9, police, school), (0.9, with_id, school)), 0.95, 0.5).tolist() == [False, True]
    missing_name = dict(with_id, name=None, name_pinyin=None)
    assert not corroborated(_pairs((0.9, missing_name, school)), 0.95, 0.5).any()


def test_two_birth_certificates_are_two_children_unless_one_is_typed_wrong():
    baby = facts("a", None, None, placeholder=True, certificate="N410000001")
    twin = facts("b", None, None, placeholder=True, certificate="N410000002")  # the next of the book
    assert certificates_against(baby, twin) and not can_be_one_child(baby, twin)
    slip = facts("c", None, None, placeholder=True, certificate="N410300001")  # one digit typed wrong
    assert mistyped_certificate("N410000001", "N410300001") and can_be_one_child(baby, slip)
    assert not mistyped_certificate("N410000001", "N410000003")  # triplets' numbers are two apart
    assert not mistyped_certificate("N410000001", "N41000000")  # not one number's length
    # Under one name (as heard) the numbers are one child's, typed wrong: twins' names differ.
    named = facts("d", "卢乐毅", "lu le yi", certificate="N410000001")
    heard = facts("e", "卢悦毅", "lu yue yi", certificate="N410000002")
    assert not certificates_against(named, heard) and can_be_one_child(named, heard)


def test_one_birth_certificate_is_one_child_under_two_names():
    a = facts("a", "曾然童", "zeng ran tong", certificate="P250691263")
    b = facts("b", "曾童骏", "zeng tong jun", certificate="P250691263")
    assert can_be_one_child(a, b)
    assert not can_be_one_child(a, {**b, "birth_certificate": "Q250691263"})


def test_a_student_number_without_an_id_gives_a_date_of_birth_as_an_id_text_does():
    assert student_number_birth_date("J41032720140601107") == "2014-06-01"
    assert student_number_birth_date("L4103272014060110750") == "2014-06-01"
    assert student_number_birth_date("G411521201110085752") is None  # it carries the ID instead
    assert student_number_birth_date("J410327201413011") is None  # no such date
    # The school typed 2015-09-11 for a student its number says was born 2014-06-01, as the
    # police record says: one child, where the typed dates alone are far apart.
    school = facts("a", "李梓涵", "li zi han", None, birth="2015-09-11", number_birth="2014-06-01", sex="F")
    police = facts("b", "李梓涵", "li zi han", None, birth="2014-06-01", sex="F")
    assert can_be_one_child(school, police)
    school["number_birth_date"] = None
    assert not births_close(school, police)


def test_a_certificate_typed_wrong_names_its_child_only_where_no_twins_number_is_as_near():
    assert typo_of_this_number("P069596241", "P069596231")  # the twin's P069596232 is two digits away
    assert not typo_of_this_number("P019637879", "P019637872")  # the twin's P019637873 is one digit away
    assert not typo_of_this_number("P019637872", "P019637872")  # the same number is no typo
    assert not typo_of_this_number("P019637873", "P019637872")  # the next of the book: the twin


def test_a_year_typed_one_off_is_one_day_of_the_year_a_year_apart():
    assert year_typed_one_off("2024-11-23", "2025-11-23")
    assert not year_typed_one_off("2025-11-23", "2025-11-23")
    assert not year_typed_one_off("2023-11-23", "2025-11-23")
    assert not year_typed_one_off("2024-10-23", "2025-11-23")
