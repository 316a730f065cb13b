"""Registered attendance in a new deltakerbevis (P6), registered with decisions.documents so
decisions never imports stipend."""

from __future__ import annotations

import datetime
from typing import Any

from decisions.models import Programme
from decisions.rules import fmt
from decisions.selectors import programmes_with_decisions
from kvp import clock
from stipend.models import Absence, AttendanceWeek
from stipend.rules.absence import ABSENCE_LABELS, UNPAID_KINDS
from stipend.selectors import planned_days

ONE_WEEK = datetime.timedelta(days=6)


def certificate_attendance(programme: Programme) -> dict[str, Any]:
    """Attendance on the planned days of the weeks registered in the attendance grid: the share
    present, and the absence by type. Nothing when no week was registered; the caseworker
    then describes attendance in words."""
    last = programme.ended_on or clock.today()
    weeks = list(
        AttendanceWeek.objects.filter(
            participant_id=programme.participant_id,
            week_start__gte=programme.start_date - ONE_WEEK,
            week_start__lte=last,
        ).values_list("week_start", flat=True)
    )
    if not weeks:
        return {}
    [with_history] = programmes_with_decisions(Programme.objects.filter(pk=programme.pk))
    registered = set(weeks)
    days = {
        day
        for day in planned_days([with_history], min(weeks), max(weeks) + ONE_WEEK)[programme.pk]
        if day - datetime.timedelta(days=day.weekday()) in registered
        and programme.start_date <= day <= last
    }
    if not days:
        return {}
    absences = dict(
        Absence.objects.filter(programme=programme, day__in=days).values_list("day", "kind")
    )
    present = len(days) - len(absences)
    share = round(100 * present / len(days))
    text = (
        f"Møtt {present} av {len(days)} planlagte dager ({share} %) i perioden "
        f"{fmt(min(days))}–{fmt(max(days))}, etter registrert oppmøte."
    )
    by_kind: dict[str, int] = {}
    for kind in absences.values():
        by_kind[kind] = by_kind.get(kind, 0) + 1
    if by_kind:
        valid = sum(n for kind, n in by_kind.items() if kind not in UNPAID_KINDS)
        parts = ", ".join(
            f"{ABSENCE_LABELS[kind].lower()} {n}" for kind, n in sorted(by_kind.items())
        )
        text += f" Fravær: {parts} dager ({valid} av dem gyldig fravær)."
    return {"attendance": text}
