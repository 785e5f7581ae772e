"""Two children that may be one: listed, both ways, with what they share; two valid IDs never."""

import datetime as dt

import pandas as pd

from linkage.link.same_child import heard_forms
from linkage.register.possible_duplicates import possibly_same
from tests.linkage.link.records import READINGS

MEMBERS = pd.DataFrame({"unique_id": ["p:1", "e:2", "h:3", "v:4"], "master_id": ["A", "B", "C", "D"]})
REGISTER = pd.DataFrame(
    {
        "master_id": ["A", "B", "C", "D"],
        "id_number": [None, None, "410222201901010011", None],
        "name": ["李子涵", "李梓轩", "王浩", "王浩"],
        "birth_date": [dt.date(2020, 3, 5), dt.date(2020, 3, 5), dt.date(2019, 1, 1), dt.date(2019, 1, 1)],
        "guardian_phone": ["13800001111", "13800001111", None, None],
        "residence_address": ["建设路1号", "建设路2号", None, None],
        "household_county": ["411302", "411302", "410222", "410222"],
        "name_is_placeholder": [False, False, False, False],
        "sex": ["M", "M", "M", "M"],
    }
)


def _pair(
    left,
    right,
    probability,
    id_l=None,
    id_r=None,
    births=(None, None),
    sexes=(None, None),
    names=(None, None),
    texts=(None, None),
):
    """A scored pair; `names` as heard (pinyin), `texts` as written (the surname one character)."""
    written = {
        f"{column}_{side}": value
        for side, text in zip("lr", texts, strict=True)
        for column, value in (
            ("name", text),
            ("name_shape", text),
            ("name_sounds", heard_forms(text, READINGS)),
            ("given_sorted", "".join(sorted(text[1:])) if text else None),
        )
    }
    return written | {
        "surname_pinyin_l": names[0].split()[0] if names[0] else None,
        "surname_pinyin_r": names[1].split()[0] if names[1] else None,
        "name_pinyin_l": names[0],
        "name_pinyin_r": names[1],
        "is_placeholder_l": False,
        "is_placeholder_r": False,
        "unique_id_l": left,
        "unique_id_r": right,
        "match_probability": probability,
        "id_number_l": id_l,
        "id_number_r": id_r,
        "birth_date_l": births[0],
        "birth_date_r": births[1],
        "sex_l": sexes[0],
        "sex_r": sexes[1],
    }


def test_a_pair_kept_apart_is_listed_both_ways_with_what_they_share():
    pairs = pd.DataFrame([_pair("p:1", "e:2", 0.97), _pair("p:1", "e:2", 0.6)])
    found = possibly_same(pairs, MEMBERS, REGISTER, 0.5)
    assert list(zip(found["master_id"], found["other_master_id"], strict=True)) == [("A", "B"), ("B", "A")]
    assert (found["match_probability"] == 0.97).all()
    assert found["shared"].iloc[0] == "出生日期、监护人电话、户籍地"


def test_two_valid_ids_and_weak_pairs_are_not_listed():
    pairs = pd.DataFrame(
        [
            _pair("h:3", "v:4", 0.99, "410222201901010011", "410222201901010027"),
            _pair("p:1", "h:3", 0.3),
        ]
    )
    assert possibly_same(pairs, MEMBERS, REGISTER, 0.5).empty


def test_records_of_one_child_are_not_listed():
    members = MEMBERS.assign(master_id=["A", "A", "C", "D"])
    assert possibly_same(pd.DataFrame([_pair("p:1", "e:2", 0.99)]), members, REGISTER, 0.5).empty


def test_siblings_born_apart_and_children_with_two_valid_ids_are_not_listed():
    register = REGISTER.assign(
        birth_date=[dt.date(2020, 3, 5), dt.date(2017, 9, 1), dt.date(2019, 1, 1), dt.date(2019, 1, 1)],
        id_number=[None, None, "410222201901010011", "410222201901010027"],
    )
    pairs = pd.DataFrame([_pair("p:1", "e:2", 0.99), _pair("h:3", "v:4", 0.99)])
    assert possibly_same(pairs, MEMBERS, register, 0.5).empty


def test_a_date_of_birth_written_wrong_twice_still_lists_the_pair():
    register = REGISTER.assign(
        birth_date=[dt.date(2025, 2, 4), dt.date(2025, 1, 3), dt.date(2019, 1, 1), dt.date(2019, 1, 1)]
    )
    found = possibly_same(pd.DataFrame([_pair("p:1", "e:2", 0.99)]), MEMBERS, register, 0.5)
    assert set(found["master_id"]) == {"A", "B"}


def test_an_unnamed_infant_is_listed_with_a_child_of_its_birth_and_sex_however_low_the_pair():
    # D is known only as 王丽之子 (no real name, no ID); a move and a new phone scored its pair
    # with C at 0.05. B, a named child with no ID, is not listed by so weak a pair.
    register = REGISTER.assign(
        name=["李子涵", "李梓轩", "王浩", "王丽之子"], name_is_placeholder=[False, False, False, True]
    )
    born = ("2019-01-01", "2019-01-01")
    found = possibly_same(
        pd.DataFrame([_pair("h:3", "v:4", 0.05, births=born, sexes=("M", "M"))]), MEMBERS, register, 0.5
    )
    assert set(found["master_id"]) == {"C", "D"}
    # A date of birth one slip of typing off (a day, a digit, month and day swapped) still lists it.
    for slipped in ("2019-01-02", "2019-07-01", "2018-01-01"):
        pair = _pair("h:3", "v:4", 0.05, births=("2019-01-01", slipped), sexes=("M", "M"))
        assert set(possibly_same(pd.DataFrame([pair]), MEMBERS, register, 0.5)["master_id"]) == {"C", "D"}
    other_sex = _pair("h:3", "v:4", 0.05, births=born, sexes=("F", "M"))
    named = _pair("p:1", "e:2", 0.05, births=("2020-03-05", "2020-03-05"), sexes=("M", "M"))
    girl = register.assign(sex=["M", "M", "F", "M"])
    assert possibly_same(pd.DataFrame([other_sex, named]), MEMBERS, girl, 0.5).empty
    months_apart = _pair("h:3", "v:4", 0.05, births=("2019-01-01", "2019-05-20"), sexes=("M", "M"))
    later = register.assign(birth_date=[*REGISTER["birth_date"][:3], dt.date(2019, 5, 20)])
    assert possibly_same(pd.DataFrame([months_apart]), MEMBERS, later, 0.5).empty


def test_one_name_and_sex_with_a_date_of_birth_two_slips_off_is_listed_however_low_the_pair():
    # 陶悦宸 in two departments: the year and a digit of the date of birth typed wrong, the family
    # moved and changed its phone, so the pair scored 0.46. Listed, not joined.
    register = REGISTER.assign(birth_date=[dt.date(2020, 3, 5), dt.date(2021, 3, 15), *REGISTER["birth_date"][2:]])
    names = ("tao yue chen", "tao yue chen")
    slipped = _pair("p:1", "e:2", 0.46, births=("2020-03-05", "2021-03-15"), sexes=("F", "F"), names=names)
    found = possibly_same(pd.DataFrame([slipped]), MEMBERS, register, 0.5)
    assert set(found["master_id"]) == {"A", "B"}
    # Not with another name, another sex, or dates of birth further apart.
    for other in (
        _pair(
            "p:1", "e:2", 0.46, births=("2020-03-05", "2021-03-15"), sexes=("F", "F"), names=("tao yue chen", "tao yue")
        ),
        _pair("p:1", "e:2", 0.46, births=("2020-03-05", "2021-03-15"), sexes=("F", "M"), names=names),
        _pair("p:1", "e:2", 0.46, births=("2020-03-05", "2021-08-15"), sexes=("F", "F"), names=names),
    ):
        assert possibly_same(pd.DataFrame([other]), MEMBERS, register, 0.5).empty


def test_one_name_as_the_rules_read_it_is_listed_however_low_the_pair():
    # 余月铭 by the police, 余乐铭 at the clinic (乐 is read le or yue): heard otherwise by the
    # model, one name by the rules; the pair scored 0.30.
    register = REGISTER.assign(birth_date=[dt.date(2024, 5, 11), dt.date(2024, 5, 11), *REGISTER["birth_date"][2:]])
    births, sexes = ("2024-05-11", "2024-05-11"), ("F", "F")
    polyphone = _pair(
        "p:1", "e:2", 0.3, births=births, sexes=sexes, names=("yu yue ming", "yu le ming"), texts=("余月铭", "余乐铭")
    )
    assert set(possibly_same(pd.DataFrame([polyphone]), MEMBERS, register, 0.5)["master_id"]) == {"A", "B"}
    # 余晓铭 is another name: not listed.
    other = _pair(
        "p:1", "e:2", 0.3, births=births, sexes=sexes, names=("yu xiao ming", "yu le ming"), texts=("余晓铭", "余乐铭")
    )
    assert possibly_same(pd.DataFrame([other]), MEMBERS, register, 0.5).empty


def test_names_heard_alike_by_a_surname_of_two_readings_are_read_by_the_rules():
    from linkage.link.scored_pairs import ScoredPairs
    from linkage.register.possible_duplicates import names_worth_reading

    def pair(name_l, pinyin_l, name_r, pinyin_r):
        return {
            "match_probability": 0.3,
            "is_placeholder_l": False,
            "is_placeholder_r": False,
            "sex_l": "F",
            "sex_r": "F",
            "name_pinyin_l": pinyin_l,
            "name_pinyin_r": pinyin_r,
            "surname_pinyin_l": pinyin_l.split()[0],
            "surname_pinyin_r": pinyin_r.split()[0],
            "name_sounds_l": heard_forms(name_l, READINGS),
            "name_sounds_r": heard_forms(name_r, READINGS),
        }

    pairs = ScoredPairs.from_frame(
        pd.DataFrame(
            [
                pair("曾梓涵", "ceng zi han", "增子涵", "zeng zi han"),  # 曾 read zeng: one name heard
                pair("曾梓涵", "ceng zi han", "王子涵", "wang zi han"),  # another surname
                pair("李梓涵", "li zi han", "李涵梓", "li han zi"),  # one surname, one length
            ]
        )
    )
    assert sorted(pairs.frame(["name_pinyin_r"], where=names_worth_reading(0.5))["name_pinyin_r"]) == [
        "li han zi",
        "zeng zi han",
    ]
