"""Deadlines every decision carries (forvaltningsloven)."""

from __future__ import annotations

from datetime import date, timedelta

from . import policy
from .dates import add_months


def appeal_deadline(notice_date: date) -> date:
    """F2: the klagefrist — 3 weeks from the day the notice reached the party (fvl § 29)."""
    return notice_date + timedelta(weeks=policy.KLAGEFRIST_WEEKS)


def interim_reply_due(received: date) -> date:
    """F3: the day by which a foreløpig svar is due if the application is still unanswered —
    one month after it was received (fvl § 11 a)."""
    return add_months(received, policy.INTERIM_REPLY_AFTER_MONTHS)
