"""The golden-record rules, each on a handful of hand-written records of one child."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from linkage.register.golden_record import golden_records

ID_A, ID_B = "410402202003050011", "410402201807090027"


def _record(feed: str, key: str, **values) -> dict:
    row = {
        "master_id": "C1",
        "feed": feed,
        "record_key": key,
        "name": "李子涵",
        "name_is_placeholder": False,
        "name_pinyin": "li zi han",
        "id_number": None,
        "id_birth_date": None,
        "id_sex": None,
        "birth_date": dt.date(2020, 3, 5),
        "sex": "M",
        "household_county": "411302",
        "household_county_source": "text",
        "residence_county": "410402",
        "residence_legal_county": None,
        "residence_township": None,
        "residence_township_name": None,
        "residence_address": "建设路1号",
        "guardian_name": "李强",
        "guardian_phone": "13800001111",
        "mother_name": None,
        "father_name": None,
        "school_name": None,
        "grade": None,
        "local_date": dt.date(2025, 1, 1),
    }
    row.update(values)
    if row["id_number"] == ID_A:
        row.update(id_birth_date=dt.date(2020, 3, 5), id_sex="M")
    if row["id_number"] == ID_B:
        row.update(id_birth_date=dt.date(2018, 7, 9), id_sex="F")
    return row


def _moved_home(away_feed: str, home_feed: str, household: str = "410421", home: str = "410421") -> list[dict]:
    """A child placed away from home by an older record of `away_feed` (in 新华区, or in 宝丰县 for a
    household in the exempt urban group) and at `home` by a newer record of `home_feed`."""
    away = "410421" if household in ("410402", "410403") else "410402"
    return [
        _record(away_feed, "1", household_county=household, residence_county=away, local_date=dt.date(2024, 1, 1)),
        _record(home_feed, "2", household_county=household, residence_county=home, local_date=dt.date(2026, 3, 1)),
    ]


def golden(records: list[dict], config) -> pd.Series:
    out = golden_records(pd.DataFrame(records), config.policy)
    assert len(out) == 1
    return out.iloc[0]


CASES = [
    # (what the rule says, records, field, expected)
    (
        "the valid ID most records carry",
        [_record("police", "1", id_number=ID_A), _record("health", "2", id_number=ID_A), _record("education", "3")],
        "id_number",
        ID_A,
    ),
    (
        "the date of birth the ID encodes, over the stated ones",
        [
            _record("police", "1", id_number=ID_A, birth_date=dt.date(2020, 5, 3)),
            _record("health", "2", birth_date=dt.date(2020, 5, 3)),
        ],
        "birth_date",
        dt.date(2020, 3, 5),
    ),
    (
        "without an ID, the most common stated date of birth",
        [_record("police", "1", birth_date=dt.date(2020, 3, 6)), _record("health", "2"), _record("vaccination", "3")],
        "birth_date",
        dt.date(2020, 3, 5),
    ),
    (
        "not a date of birth after its own record's local date, when another record gives one",
        [
            # Day and month swapped: born 2025-12-03 but vaccinated here on 2025-04-20.
            _record("police", "1", birth_date=dt.date(2025, 12, 3), local_date=dt.date(2025, 4, 20)),
            _record("vaccination", "2", birth_date=dt.date(2025, 3, 12), local_date=dt.date(2025, 5, 1)),
        ],
        "birth_date",
        dt.date(2025, 3, 12),
    ),
    (
        "a date of birth after its record's local date, when no record gives another",
        [_record("police", "1", birth_date=dt.date(2025, 12, 3), local_date=dt.date(2025, 4, 20))],
        "birth_date",
        dt.date(2025, 12, 3),
    ),
    (
        "a real name over a placeholder, whatever the count",
        [
            _record("health", "1", name="李丽之子", name_is_placeholder=True, name_pinyin=None),
            _record("vaccination", "2", name="李丽之子", name_is_placeholder=True, name_pinyin=None),
            _record("police", "3"),
        ],
        "name",
        "李子涵",
    ),
    (
        "a placeholder only when no record has a real name",
        [_record("health", "1", name="婴儿", name_is_placeholder=True, name_pinyin=None)],
        "name_is_placeholder",
        True,
    ),
    (
        "residence from the record with the most recent local date",
        [
            _record("police", "1", residence_address="旧址", local_date=dt.date(2024, 1, 1)),
            _record(
                "education", "2", residence_address="新址", residence_county="410421", local_date=dt.date(2026, 3, 1)
            ),
        ],
        "residence_county",
        "410421",
    ),
    (
        "a health or vaccination record placing the child away over a newer record at home",
        _moved_home("health", "police"),
        "residence_county",
        "410402",
    ),
    (
        "a police or school record placing the child away does not overrule a newer record at home",
        _moved_home("police", "health"),
        "residence_county",
        "410421",
    ),
    (
        "for a household in the exempt urban group, a record outside the group over a newer one in it",
        _moved_home("vaccination", "police", household="410403", home="410402"),
        "residence_county",
        "410421",
    ),
    (
        "household county: a code over text",
        [
            _record("police", "1", household_county="411302", household_county_source="text"),
            _record("health", "2", household_county="411303", household_county_source="code"),
        ],
        "household_county",
        "411303",
    ),
    (
        "guardian and phone from the most recent record",
        [
            _record("police", "1", guardian_phone="13800001111", local_date=dt.date(2024, 1, 1)),
            _record("vaccination", "2", guardian_phone="13900002222", local_date=dt.date(2026, 1, 1)),
        ],
        "guardian_phone",
        "13900002222",
    ),
    (
        "the earliest local date of any record",
        [
            _record("police", "1", local_date=dt.date(2025, 6, 1)),
            _record("health", "2", local_date=dt.date(2023, 2, 1)),
        ],
        "earliest_local_date",
        dt.date(2023, 2, 1),
    ),
    (
        "two different valid IDs are a conflict",
        [_record("police", "1", id_number=ID_A), _record("health", "2", id_number=ID_B)],
        "conflicts",
        "two valid IDs",
    ),
    (
        "a date of birth after a local date is a conflict (one of the two dates is a slip)",
        [_record("police", "1", birth_date=dt.date(2025, 12, 3), local_date=dt.date(2025, 4, 20))],
        "conflicts",
        "born after a local date",
    ),
    (
        "a date of birth on the earliest local date is none",
        [_record("health", "1", birth_date=dt.date(2025, 4, 20), local_date=dt.date(2025, 4, 20))],
        "conflicts",
        None,
    ),
    (
        "the township from a record in the chosen residence's county (a roster has none)",
        [
            _record("police", "1", residence_township="410402003", local_date=dt.date(2025, 1, 1)),
            _record("education", "2", local_date=dt.date(2026, 3, 1)),
        ],
        "residence_township",
        "410402003",
    ),
    (
        "never a township of another county",
        [
            _record("police", "1", residence_township="410402003", local_date=dt.date(2025, 1, 1)),
            _record("education", "2", residence_county="410421", local_date=dt.date(2026, 3, 1)),
        ],
        "residence_township",
        None,
    ),
    (
        "a guardian's name missing from the chosen record, from the most recent that has it",
        [
            _record("police", "1", guardian_name="王芳", local_date=dt.date(2024, 1, 1)),
            _record("vaccination", "2", guardian_name=None, local_date=dt.date(2026, 1, 1)),
        ],
        "guardian_name",
        "王芳",
    ),
    (
        "a zone named without a township takes its legal county from another record's township in it",
        [
            _record(
                "police",
                "1",
                residence_county="410471",
                residence_township="410471002",
                residence_legal_county="410402",
                local_date=dt.date(2016, 8, 14),
            ),
            _record("education", "2", residence_county="410471", local_date=dt.date(2024, 11, 26)),
        ],
        "residence_legal_county",
        "410402",
    ),
    (
        "a zone's legal county never from a township of another zone",
        [
            _record(
                "police",
                "1",
                residence_county="410472",
                residence_township="410472001",
                residence_legal_county="410422",
                local_date=dt.date(2016, 8, 14),
            ),
            _record("education", "2", residence_county="410471", local_date=dt.date(2024, 11, 26)),
        ],
        "residence_legal_county",
        None,
    ),
    (
        "the departments that hold the child, in feed order",
        [_record("vaccination", "1"), _record("police", "2"), _record("vaccination", "3")],
        "feeds",
        "police,vaccination",
    ),
]


@pytest.mark.parametrize("rule, records, field, expected", CASES, ids=[c[0] for c in CASES])
def test_golden_record_rule(config, rule, records, field, expected):
    value = golden(records, config)[field]
    assert pd.isna(value) if expected is None else value == expected, rule


def test_ties_are_broken_by_feed_order(config):
    child = golden(
        [_record("vaccination", "1", name="李梓涵", name_pinyin="li zi han"), _record("police", "2")], config
    )
    assert child["name"] == "李子涵" and child["name_source"] == "police:2"


def test_a_zone_townships_legal_county_comes_from_another_childs_record_of_its_code(config):
    """A police record coded 410471100, which config/divisions.toml does not list, and a health
    record of another child with that code that names 遵化店镇 (叶县's, managed by 高新区)."""
    records = [
        _record("police", "1", residence_county="410471", residence_township="410471100"),
        _record(
            "health",
            "2",
            master_id="C2",
            residence_county="410471",
            residence_township="410471100",
            residence_legal_county="410422",
        ),
    ]
    out = golden_records(pd.DataFrame(records), config.policy).set_index("master_id")
    assert out.loc["C1", "residence_legal_county"] == "410422"


def test_without_first_date_feeds_the_most_recent_record_decides(config):
    """`first_date_feeds = []`, for a city whose departments date every address."""
    policy = config.policy.model_copy(update={"first_date_feeds": frozenset()})
    child = golden_records(pd.DataFrame(_moved_home("health", "police")), policy).iloc[0]
    assert child["residence_county"] == "410421"
    assert child["conflicts"] == "residence counties differ"


def test_a_child_placed_in_two_counties_keeps_each_departments_county(config):
    child = golden(_moved_home("health", "police"), config)
    assert child["residence_counties_by_feed"] == "police:410421,health:410402"
    assert pd.isna(golden([_record("police", "1"), _record("health", "2")], config)["residence_counties_by_feed"])


def test_a_household_known_only_to_its_prefecture_gives_way_to_a_county_and_does_not_disagree(config):
    region = {"household_county": "411300", "household_county_source": "region"}  # 南阳市, no county
    child = golden([_record("police", "1", **region), _record("health", "2")], config)
    assert child["household_county"] == "411302" and "household counties differ" not in str(child["conflicts"])
    alone = golden([_record("police", "1", **region), _record("health", "2", **region)], config)
    assert alone["household_county"] == "411300"
    # A prefecture that does not hold the county is a disagreement.
    other = golden(
        [_record("police", "1", household_county="420100", household_county_source="region"), _record("health", "2")],
        config,
    )
    assert other["household_county"] == "411302" and "household counties differ" in other["conflicts"]
