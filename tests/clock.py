"""Helpers for tests that travel in time (with the `time_machine` fixture) to a day of their own."""

import datetime
import zoneinfo

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")


def noon(day: datetime.date) -> datetime.datetime:
    """Noon in Oslo on `day`: far from midnight, so the Norwegian date is `day` in UTC too."""
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=OSLO)
