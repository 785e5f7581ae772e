import datetime as dt

from linkage.periods import CHINA_TIME, Period, half_year_just_ended, period_of


def test_period_of_a_day():
    assert period_of(dt.date(2026, 6, 30)).label == "2026H1"
    assert period_of(dt.date(2026, 7, 1)).label == "2026H2"
    assert Period(2026, 2).last_day == dt.date(2026, 12, 31)


def test_run_on_new_year_covers_the_second_half_of_the_year_before():
    new_year = dt.datetime(2027, 1, 1, 2, 0, tzinfo=CHINA_TIME)
    assert half_year_just_ended(new_year) == Period(2026, 2)
    # The same moment in UTC is still 31 December: it must not change the period.
    assert half_year_just_ended(new_year.astimezone(dt.timezone.utc)) == Period(2026, 2)
    assert half_year_just_ended(dt.datetime(2026, 7, 1, 2, 0, tzinfo=CHINA_TIME)) == Period(2026, 1)


def test_previous_period():
    assert Period(2026, 1).previous == Period(2025, 2)
    assert Period(2026, 2).previous == Period(2026, 1)
