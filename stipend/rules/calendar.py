"""Which days a programme gives stipend and which days attendance is registered (S4, S5, D2).

- Stipend days: Monday–Friday on which the programme is active — inside a vedtak period, from
  the start, not after the last day, and neither interrupted (midlertidig avbrudd) nor on
  approved leave (godkjent permisjon, D2). Public holidays are stipend days (5 a week, S4/S5).
- Planned days: the stipend days that are not Norwegian public holidays. Attendance is
  registered on these; until the programme plan has weekdays, every planned day counts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import holidays

from decisions.rules.history import ProgrammeHistory


def days_between(start: date, end: date) -> Iterator[date]:
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def is_active(history: ProgrammeHistory, day: date) -> bool:
    if day < history.start or (history.ended_on is not None and day > history.ended_on):
        return False
    if not any(p.start <= day <= p.end for p in history.decision_periods):
        return False
    return not any(pause.covers(day) for pause in history.pauses)


def stipend_days(history: ProgrammeHistory, start: date, end: date) -> list[date]:
    return [d for d in days_between(start, end) if d.weekday() < 5 and is_active(history, d)]


def interrupted_days(history: ProgrammeHistory, start: date, end: date) -> list[date]:
    """Weekdays in a vedtak period that an interruption or leave takes out (S6: no stipend)."""
    return [
        d
        for d in days_between(start, end)
        if d.weekday() < 5
        and d >= history.start
        and (history.ended_on is None or d <= history.ended_on)
        and any(p.start <= d <= p.end for p in history.decision_periods)
        and any(pause.covers(d) for pause in history.pauses)
    ]


def public_holidays(start: date, end: date) -> set[date]:
    norway = holidays.country_holidays("NO", years=range(start.year, end.year + 1))
    return {d for d in days_between(start, end) if d in norway}


def planned_days(history: ProgrammeHistory, start: date, end: date) -> list[date]:
    closed = public_holidays(start, end)
    return [d for d in stipend_days(history, start, end) if d not in closed]


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())
