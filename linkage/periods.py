"""Half-year periods: each run covers one, is named by it (2026H1) and uses its last day as the
reference date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

# China keeps one time zone; a run at 02:00 on 1 January Beijing time is still 31 December in UTC.
CHINA_TIME = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Period:
    """A half-year: its label (e.g. 2026H2) and its last day, the run's reference date."""

    year: int
    half: int

    @property
    def label(self) -> str:
        return f"{self.year}H{self.half}"

    @property
    def last_day(self) -> dt.date:
        return dt.date(self.year, 6, 30) if self.half == 1 else dt.date(self.year, 12, 31)

    @property
    def previous(self) -> Period:
        return Period(self.year, 1) if self.half == 2 else Period(self.year - 1, 2)


def period_of(day: dt.date) -> Period:
    """The half-year `day` falls in."""
    return Period(day.year, 1 if day.month <= 6 else 2)


def half_year_just_ended(moment: dt.date | dt.datetime) -> Period:
    """The last half-year that ended before `moment`: a run at 02:00 on 1 January covers H2 of
    the year before, one on 1 July covers H1. An aware datetime is read in China time."""
    if isinstance(moment, dt.datetime):
        day = (moment.astimezone(CHINA_TIME) if moment.tzinfo else moment).date()
    else:
        day = moment
    return period_of(day).previous
