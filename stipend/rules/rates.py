"""Yearly stipend rates from G (RULES.md S1–S5). Pure: no Django, no database.

Money is whole kroner as `int` or exact `Decimal`, never float. Yearly amounts are rounded
half up to whole kroner, as NAV's published figures are (S1: 2025 gives 265 657 and 177 104).
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from decisions.rules.dates import add_years

# S1: the yearly rate was 2 G until 30.06.2024 and is 2.041 G from 01.07.2024.
RATE_2041_FROM = datetime.date(2024, 7, 1)
FULL_RATE_FACTOR_BEFORE = Decimal("2")
FULL_RATE_FACTOR = Decimal("2.041")
UNDER_25_SHARE = Decimal(2) / Decimal(3)  # S1: 2/3 of the full rate, computed from G
WORKING_DAYS_PER_YEAR = 260  # S5

# S4: barnetillegg per child per day (5 days a week), by calendar year.
CHILD_SUPPLEMENT_PER_DAY: dict[int, int] = {2023: 27, 2024: 36, 2025: 37, 2026: 38}

# S2: G from 1 May of each year, as published by NAV. Newer values are registered by an
# administrator (stipend.models.BaseAmount); these seed the registry in a data migration.
KNOWN_BASE_AMOUNTS: dict[int, int] = {
    2015: 90_068,
    2016: 92_576,
    2017: 93_634,
    2018: 96_883,
    2019: 99_858,
    2020: 101_351,
    2021: 106_399,
    2022: 111_477,
    2023: 118_620,
    2024: 124_028,
    2025: 130_160,
}

G_YEAR_START_MONTH = 5  # S2: G changes each 1 May
BASE_AMOUNT_REGISTERED_BY = (6, 1)  # S2: the system warns from 1 June without a G


def g_year_start(day: datetime.date) -> datetime.date:
    """The 1 May on or before `day`: the start of the G-year that `day` falls in (S2)."""
    year = day.year if day.month >= G_YEAR_START_MONTH else day.year - 1
    return datetime.date(year, G_YEAR_START_MONTH, 1)


def _kroner(amount: Decimal) -> int:
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def full_rate_factor(day: datetime.date) -> Decimal:
    """S1: 2 G before 1 July 2024, 2.041 G from then."""
    return FULL_RATE_FACTOR if day >= RATE_2041_FROM else FULL_RATE_FACTOR_BEFORE


def yearly_rate(*, base_amount: int, day: datetime.date, under_25: bool) -> int:
    """The yearly stipend in whole kroner on `day` with G = `base_amount` (S1, S3)."""
    yearly = full_rate_factor(day) * base_amount
    if under_25:
        yearly *= UNDER_25_SHARE
    return _kroner(yearly)


def child_supplement_per_day(day: datetime.date) -> int | None:
    """S4: barnetillegg per child per day in the calendar year of `day`, or None when the
    rate for that year is not known to the system."""
    return CHILD_SUPPLEMENT_PER_DAY.get(day.year)


def is_under_25(birth_date: datetime.date, day: datetime.date) -> bool:
    """S3: the full rate applies from the 25th birthday; a 29 February birthday follows the
    same leap-day policy as every other anniversary (decisions.rules.policy)."""
    return day < add_years(birth_date, 25)
