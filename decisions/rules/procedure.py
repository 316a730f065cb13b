"""Deadlines every decision carries (forvaltningsloven)."""

from __future__ import annotations

from datetime import date, timedelta

import holidays

from . import policy
from .dates import add_months


def next_working_day(day: date) -> date:
    """The day itself, or the first day after it that is neither a Saturday, a Sunday nor a
    Norwegian public holiday."""
    norway = holidays.country_holidays("NO", years=range(day.year, day.year + 2))
    while day.weekday() >= 5 or day in norway:
        day += timedelta(days=1)
    return day


def appeal_deadline(notice_date: date) -> date:
    """F2: the klagefrist — 3 weeks from the day the notice reached the party (fvl § 29).
    A deadline ending on a Saturday, Sunday or holiday runs to the next working day
    (fvl § 30 with domstolloven § 149) when the policy says so."""
    deadline = notice_date + timedelta(weeks=policy.KLAGEFRIST_WEEKS)
    if policy.DEADLINE_MOVES_TO_WORKING_DAY:
        deadline = next_working_day(deadline)
    return deadline


def interim_reply_due(received: date) -> date:
    """F3: the day by which a foreløpig svar is due if the application is still unanswered —
    one month after it was received (fvl § 11 a)."""
    return add_months(received, policy.INTERIM_REPLY_AFTER_MONTHS)
