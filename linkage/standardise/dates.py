"""Dates in every layout the feeds use: 2014-03-05, 20140305, 2014/3/5, 2014.03.05, 2014年3月5日, 2014 3 5,
Excel dates already read as ISO text, and Excel serial numbers; full-width digits and dashes
(２０１４－０３－０５, typed with a Chinese input method) read as their ASCII forms.

The year last (5/3/2014, 05-03-2014), as a spreadsheet set to another locale writes: whether the
day or the month comes first is read from the column itself (a first number over 12 is a day,
a second one over 12 is a day); a column that never says is read day first, with a note on each
date that could be either."""

from __future__ import annotations

import datetime as dt
import unicodedata

import numpy as np
import pandas as pd

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_SEPARATED = r"^(?P<y>\d{4})(?:\s*[-/.年]\s*|\s+)(?P<m>\d{1,2})(?:\s*[-/.月]\s*|\s+)(?P<d>\d{1,2})\s*日?(?:[ T].*)?$"
# 20140305, and 20140305.0 from an export that held the column as floating-point numbers
_COMPACT = r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})(?:\.0+)?$"
_SERIAL = r"^(?P<serial>\d{5})(?:\.0+)?$"
_YEAR_LAST = r"^(?P<a>\d{1,2})\s*[-/.]\s*(?P<b>\d{1,2})\s*[-/.]\s*(?P<y>\d{4})(?:[ T].*)?$"


def excel_serial_to_date(serial: int) -> dt.date:
    """An Excel (1900 system) serial day number as a date."""
    return _EXCEL_EPOCH + dt.timedelta(days=int(serial))


def born_after(births: pd.Series, local_dates: pd.Series) -> pd.Series:
    """Per row: the date of birth falls after the local date (registered, enrolled or vaccinated
    here before being born), so one of the two holds a slip; False where either is missing."""
    return pd.Series(
        pd.to_datetime(births, errors="coerce") > pd.to_datetime(local_dates, errors="coerce"), index=births.index
    )


def parse_dates(raw: pd.Series, earliest: dt.date, latest: dt.date) -> tuple[pd.Series, pd.Series]:
    """Parse a column of date text. Returns (dates, problems).

    `dates` holds datetime.date or None. `problems` holds None, or a reason for a value that is
    present but unusable (unparseable, impossible, outside [earliest, latest]) or was repaired
    (month and day swapped when the month is over 12 and the day is not).
    """
    # Feeds repeat dates endlessly: parse each distinct value once.
    values = raw.astype("object").where(raw.notna(), None)
    distinct = pd.Series(pd.unique(values), dtype=object)
    dates, problems = _parse_distinct(distinct, earliest, latest)
    positions = pd.Index(distinct).get_indexer(values)
    return (
        pd.Series(dates.to_numpy()[positions], index=raw.index, dtype=object),
        pd.Series(problems.to_numpy()[positions], index=raw.index, dtype=object),
    )


def _parse_distinct(values: pd.Series, earliest: dt.date, latest: dt.date) -> tuple[pd.Series, pd.Series]:
    text = values.map(lambda v: unicodedata.normalize("NFKC", str(v)).strip() if v is not None else None)
    parts = text.str.extract(_SEPARATED)
    compact = text.str.extract(_COMPACT)
    parts = parts.fillna(compact)
    year_last, unsure = _year_last(text)
    parts = parts.fillna(year_last)
    serial = pd.to_numeric(text.str.extract(_SERIAL)["serial"], errors="coerce")
    years = pd.to_numeric(parts["y"], errors="coerce")
    months = pd.to_numeric(parts["m"], errors="coerce")
    days = pd.to_numeric(parts["d"], errors="coerce")
    swapped = (months > 12) & (days <= 12)
    months, days = months.where(~swapped, days), days.where(~swapped, months)
    dates = pd.to_datetime(pd.DataFrame({"year": years, "month": months, "day": days}), errors="coerce")
    from_serial = pd.to_datetime(pd.Timestamp(_EXCEL_EPOCH) + pd.to_timedelta(serial, unit="D"), errors="coerce")
    dates = dates.fillna(from_serial)
    in_range = (dates >= pd.Timestamp(earliest)) & (dates <= pd.Timestamp(latest))
    present = text.notna() & (text != "")
    problems = pd.Series(np.full(len(text), None, dtype=object), index=text.index)
    problems[present & dates.isna()] = "not a date in any known layout"
    problems[present & dates.notna() & ~in_range] = f"outside the plausible range {earliest} to {latest}"
    problems[present & swapped & dates.notna() & in_range] = "month and day swapped; repaired"
    problems[present & unsure & ~swapped & dates.notna() & in_range] = (
        "year last, and nothing in the column says whether the day or the month comes first; read day first"
    )
    usable = dates.where(in_range)
    result = pd.Series(usable.dt.date, index=text.index, dtype=object).where(usable.notna(), None)
    return result, problems


def _year_last(text: pd.Series) -> tuple[pd.DataFrame, pd.Series]:
    """Year, month and day of the dates written year last (others NaN), in the order the column
    shows; and which of them could be read either way in a column that does not show it."""
    found = text.str.extract(_YEAR_LAST)
    first, second = pd.to_numeric(found["a"], errors="coerce"), pd.to_numeric(found["b"], errors="coerce")
    day_first, month_first = int(((first > 12) & (second <= 12)).sum()), int(((second > 12) & (first <= 12)).sum())
    if month_first > day_first:
        months, days = first, second
    else:
        months, days = second, first
    unsure = (first <= 12) & (second <= 12) & (first != second) & (day_first == month_first == 0)
    return pd.DataFrame({"y": found["y"], "m": months, "d": days}), unsure.fillna(False)
