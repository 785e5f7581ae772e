import datetime as dt

import pytest

from linkage.register.eligibility import decide_status, months_before

AS_OF = dt.date(2026, 6, 30)


def _child(**overrides):
    child = {
        "birth_date": dt.date(2015, 1, 1),
        "household_county": "411302",
        "residence_county": "410402",
        "residence_legal_county": "410402",
        "earliest_local_date": dt.date(2024, 1, 1),
    }
    child.update(overrides)
    return child


def test_sixteenth_birthday_on_the_reference_date_is_not_under_16(config):
    assert decide_status(_child(birth_date=dt.date(2010, 6, 30)), AS_OF, config.policy)[0] == "aged_16_or_over"
    assert decide_status(_child(birth_date=dt.date(2010, 7, 1)), AS_OF, config.policy)[0] == "migrant"


def test_exactly_six_months_counts(config):
    cutoff = months_before(AS_OF, 6)
    assert cutoff == dt.date(2025, 12, 30)
    assert decide_status(_child(earliest_local_date=cutoff), AS_OF, config.policy)[0] == "migrant"
    late = cutoff + dt.timedelta(days=1)
    assert decide_status(_child(earliest_local_date=late), AS_OF, config.policy)[0] == "under_six_months"


def test_month_end_arithmetic():
    assert months_before(dt.date(2026, 8, 31), 6) == dt.date(2026, 2, 28)


@pytest.mark.parametrize(
    "home, county, legal, status",
    [
        ("410404", "410402", "410402", "migrant"),  # 石龙区 -> 新华区 counts
        ("410403", "410402", "410402", "exempt_move"),  # 卫东区 -> 新华区 does not
        ("410471", "410411", "410411", "exempt_move"),  # 高新区 -> 湛河区 does not
        ("410402", "410402", "410402", "local_household"),  # local registration
        ("410422", "410472", "410422", "local_household"),  # a 示范区 township legally in 叶县, 叶县 household
        ("410422", "410472", None, "undecided"),  # zone township not configured
        ("411302", "410472", None, "migrant"),  # from 南阳: migrant wherever in the zone
        ("410425", "410471", None, "migrant"),  # 郏县 household: no zone township is in 郏县
        ("410411", "410471", None, "exempt_move"),  # the zone itself is in the exempt group
        ("420100", "410402", "410402", "migrant"),  # 武汉市, its county not known: not one of the city's
    ],
)
def test_moves_and_the_exempt_group(config, home, county, legal, status):
    child = _child(household_county=home, residence_county=county, residence_legal_county=legal)
    assert decide_status(child, AS_OF, config.policy)[0] == status


def test_undecidable_cases_say_why(config):
    status, reason = decide_status(_child(household_county=None), AS_OF, config.policy)
    assert status == "undecided" and "户籍地" in reason  # in Chinese, for staff
    assert decide_status(_child(birth_date=None), AS_OF, config.policy)[0] == "undecided"


def test_six_months_count_from_leaving_the_household_county(config):
    # Lived in its own county since 2020, moved to another county in March: not yet six months away.
    child = _child(
        household_county="410404",
        residence_county="410482",
        residence_legal_county="410482",
        earliest_local_date=dt.date(2020, 1, 1),
        away_since=dt.date(2026, 3, 1),
    )
    assert decide_status(child, AS_OF, config.policy)[0] == "under_six_months"


def test_a_child_born_less_than_six_months_ago_has_not_lived_away_six_months(config):
    # A record dates its arrival before its birth: one of the two dates is a slip.
    infant = _child(birth_date=dt.date(2026, 3, 1), earliest_local_date=dt.date(2025, 10, 1))
    status, reason = decide_status(infant, AS_OF, config.policy)
    assert status == "under_six_months" and reason == "2026-03-01出生，未满6个月"
    assert decide_status({**infant, "earliest_local_date": None}, AS_OF, config.policy)[0] == "under_six_months"
    born_at_cutoff = _child(birth_date=dt.date(2025, 12, 30), earliest_local_date=dt.date(2025, 12, 30))
    assert decide_status(born_at_cutoff, AS_OF, config.policy)[0] == "migrant"


def test_a_child_born_after_the_reference_date_is_not_yet_in_scope(config):
    child = {
        "birth_date": dt.date(2026, 8, 1),
        "household_county": "411302",
        "residence_county": "410402",
        "earliest_local_date": dt.date(2026, 8, 20),
    }
    status, reason = decide_status(child, dt.date(2026, 6, 30), config.policy)
    assert status == "born_after_reference_date" and "2026-08-01" in reason and "2026-06-30" in reason
