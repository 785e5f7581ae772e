import datetime as dt

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from linkage.standardise.dates import born_after, excel_serial_to_date, parse_dates

LO, HI = dt.date(2000, 1, 1), dt.date(2026, 12, 31)
LAYOUTS = ["%Y-%m-%d", "%Y%m%d", "%Y.%m.%d", "%Y年%m月%d日", "{y}/{m}/{d}"]


def _format(date: dt.date, layout: str) -> str:
    if "{" in layout:
        return layout.format(y=date.year, m=date.month, d=date.day)
    return date.strftime(layout)


@given(st.dates(LO, HI), st.sampled_from(LAYOUTS))
def test_every_layout_parses_back(date, layout):
    dates, problems = parse_dates(pd.Series([_format(date, layout)]), LO, HI)
    assert dates[0] == date
    assert problems[0] is None


def test_excel_serial_numbers_and_datetimes():
    assert excel_serial_to_date(45658) == dt.date(2025, 1, 1)
    dates, _ = parse_dates(pd.Series(["45658", "2025-01-01 00:00:00"]), LO, HI)
    assert list(dates) == [dt.date(2025, 1, 1)] * 2


def test_swapped_month_and_day_is_repaired_and_reported():
    dates, problems = parse_dates(pd.Series(["2014-25-03"]), LO, HI)
    assert dates[0] == dt.date(2014, 3, 25)
    assert "swapped" in problems[0]


def test_impossible_unparseable_and_out_of_range_are_nulled_with_a_reason():
    dates, problems = parse_dates(pd.Series(["2014-02-30", "soon", "2031-01-01", None, ""]), LO, HI)
    assert list(dates) == [None] * 5
    assert problems[0] and problems[1] and "range" in problems[2]
    assert problems[3] is None and problems[4] is None


def test_full_width_digits_and_dashes_read_as_ascii():
    dates, problems = parse_dates(pd.Series(["２０２０－０３－０５", "２０２０年３月５日", "２０２００３０５"]), LO, HI)
    assert list(dates) == [dt.date(2020, 3, 5)] * 3
    assert list(problems) == [None] * 3


def test_compact_dates_exported_as_floats_and_dates_split_by_spaces():
    dates, problems = parse_dates(pd.Series(["20200305.0", "2020 03 05", "2020 3 5"]), LO, HI)
    assert list(dates) == [dt.date(2020, 3, 5)] * 3
    assert list(problems) == [None] * 3


def test_year_last_dates_take_the_day_month_order_their_column_shows():
    day_first, problems = parse_dates(pd.Series(["5/3/2014", "25/3/2014", "05-03-2014"]), LO, HI)
    assert list(day_first) == [dt.date(2014, 3, 5), dt.date(2014, 3, 25), dt.date(2014, 3, 5)]
    assert list(problems) == [None] * 3
    month_first, problems = parse_dates(pd.Series(["3/5/2014", "3/25/2014", "3.5.2014"]), LO, HI)
    assert list(month_first) == [dt.date(2014, 3, 5), dt.date(2014, 3, 25), dt.date(2014, 3, 5)]
    assert list(problems) == [None] * 3


def test_year_last_dates_a_column_does_not_order_are_read_day_first_with_a_note():
    dates, problems = parse_dates(pd.Series(["5/3/2014", "5/5/2014"]), LO, HI)
    assert list(dates) == [dt.date(2014, 3, 5), dt.date(2014, 5, 5)]
    assert "day first" in problems[0] and problems[1] is None


def test_a_date_of_birth_after_the_local_date_is_told_in_any_form_the_stages_hold():
    births = pd.Series([dt.date(2025, 12, 3), "2025-03-12", dt.date(2025, 4, 20), None], index=[5, 6, 7, 8])
    local = pd.Series([pd.Timestamp(2025, 4, 20), dt.date(2025, 5, 1), dt.date(2025, 4, 20), dt.date(2025, 1, 1)])
    local.index = births.index
    assert born_after(births, local).tolist() == [True, False, False, False]
    assert born_after(births, local).index.tolist() == [5, 6, 7, 8]
