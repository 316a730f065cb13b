"""The one clock of KVP-sak: product code asks here for "today" and "now".

Business dates (a klagefrist, a deadline, "in programme now") are Norwegian calendar days, so
`today()` is the local date in Europe/Oslo (settings.TIME_ZONE), not the server's or UTC's.
Nothing else in product code calls `date.today()`, `datetime.now()` or `timezone.now()`, and
product SQL never takes its business date from PostgreSQL's `CURRENT_DATE`/`now()`: the date is
passed in from here. That keeps the application and the database in agreement when the clock
is moved — by the test suite (time-machine pins it), or by an operator replaying a day.
"""

from __future__ import annotations

import datetime

from django.utils import timezone


def now() -> datetime.datetime:
    """The current moment, timezone-aware (UTC)."""
    return timezone.now()


def today() -> datetime.date:
    """Today's date in Norway."""
    return timezone.localdate(now())


def localtime() -> datetime.datetime:
    """The current moment in Norwegian local time, for clock times shown or compared by a person."""
    return timezone.localtime(now())
