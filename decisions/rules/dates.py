"""Calendar arithmetic for the rules: inclusive periods, adding years and months, and the
dd.mm.åååå format every message uses."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from . import policy

ONE_DAY = timedelta(days=1)


def add_years(day: date, years: int) -> date:
    """`day` moved by whole years; 29 February in a year without one follows
    `policy.LEAP_DAY_ANNIVERSARY`."""
    year = day.year + years
    if day.month == 2 and day.day == 29 and not calendar.isleap(year):
        return date(year, 3, 1) if policy.LEAP_DAY_ANNIVERSARY == "mar1" else date(year, 2, 28)
    return day.replace(year=year)


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months, clamped to the last day of a shorter month (31.01 + 1 month
    is 28.02 or 29.02), as Norwegian deadline rules count months."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def years_later_last_day(start: date, years: int) -> date:
    """The last day of a span of `years` years from `start` (D5): start + years − 1 day."""
    return add_years(start, years) - timedelta(days=policy.PERIOD_LAST_DAY_OFFSET_DAYS)


def fmt(day: date) -> str:
    """A date as caseworkers write it: dd.mm.åååå."""
    return day.strftime("%d.%m.%Y")


def days_text(count: int) -> str:
    return "1 dag" if count == 1 else f"{count} dager"


@dataclass(frozen=True)
class Period:
    """A span of days, inclusive of both `start` and `end`."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise ValueError(
                f"Perioden kan ikke slutte ({fmt(self.end)}) før den starter ({fmt(self.start)})."
            )

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def overlaps(self, other: Period) -> bool:
        return self.start <= other.end and other.start <= self.end

    def __str__(self) -> str:
        return f"{fmt(self.start)}–{fmt(self.end)}"
