"""Payment periods (S10): paid afterwards, monthly by default or every 14 days."""

from __future__ import annotations

import calendar as _calendar
from datetime import date, timedelta

from . import policy

MONTHLY = "monthly"
BIWEEKLY = "biweekly"


def period_containing(day: date, frequency: str = MONTHLY) -> tuple[date, date]:
    """The payment period `day` falls in: its calendar month, or its fortnight (Monday to
    Sunday, counted from policy.BIWEEKLY_ANCHOR_ISO)."""
    if frequency == BIWEEKLY:
        anchor = date.fromisoformat(policy.BIWEEKLY_ANCHOR_ISO)
        start = anchor + timedelta(days=14 * ((day - anchor).days // 14))
        return start, start + timedelta(days=13)
    last = _calendar.monthrange(day.year, day.month)[1]
    return day.replace(day=1), day.replace(day=last)


def previous_period(day: date, frequency: str = MONTHLY) -> tuple[date, date]:
    start, _ = period_containing(day, frequency)
    return period_containing(start - timedelta(days=1), frequency)


# The longest payment period is a calendar month (S10).
MAX_PERIOD_DAYS = 31


def run_period_problem(start: date, end: date) -> str:
    """What is wrong with a period asked for in an office run, in Norwegian; "" if nothing."""
    if end < start:
        return "Til-datoen kan ikke være før fra-datoen."
    if (end - start).days + 1 > MAX_PERIOD_DAYS:
        return f"Perioden kan være høyst {MAX_PERIOD_DAYS} dager – én utbetalingsperiode (S10)."
    return ""
