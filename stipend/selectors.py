"""Reads of the stipend's reference data."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from decisions.models import Programme
from decisions.selectors import programme_history, programmes_with_decisions
from participants.models import Participant
from plans.selectors import planned_weekdays
from stipend.models import (
    Absence,
    AttendanceWeek,
    BaseAmount,
    BasisStatus,
    OfficePaymentSetting,
    PaymentBasis,
    PaymentFrequency,
)
from stipend.rules import absence as absence_rules
from stipend.rules import calendar as stipend_calendar
from stipend.rules import rates


def base_amount_on(day: datetime.date) -> BaseAmount | None:
    """The G in force on `day` (S2), or None before the first registered value."""
    return BaseAmount.objects.in_force_on(day)


def base_amount_missing(day: datetime.date) -> bool:
    """S2: the G-year `day` falls in has no G registered yet (the previous G still applies
    and a back pay follows when the new one is registered)."""
    return not BaseAmount.objects.filter(
        effective_from__gte=rates.g_year_start(day), effective_from__lte=day
    ).exists()


# --- Planned days, attendance and counters -----------------------------------------------------


def planned_days(
    programmes: Iterable[Programme], start: datetime.date, end: datetime.date
) -> dict[int, list[datetime.date]]:
    """The days attendance is registered for each programme (by id) between `start` and `end`:
    working days (Monday–Friday, not Norwegian public holidays) on which the programme is
    active — not interrupted, not on approved leave — and, when the programme plan has
    activities in the range, on which one of them takes place (plans.selectors). A programme
    without a plan for the range is planned as full time on every working day (P1). THE one
    place "planned" is defined. Programmes need their decisions and leaves prefetched
    (decisions.selectors.programmes_with_decisions); the plan is one query for all of them."""
    programmes = list(programmes)
    plan = planned_weekdays([p.pk for p in programmes], start, end)
    result = {}
    for programme in programmes:
        days = stipend_calendar.planned_days(programme_history(programme), start, end)
        if programme.pk in plan:
            days = [day for day in days if day in plan[programme.pk]]
        result[programme.pk] = days
    return result


def absence_rules_view(rows: Iterable[Absence]) -> list[absence_rules.Absence]:
    return [absence_rules.Absence(a.day, a.kind, a.override_reason) for a in rows]


def counters_for(participant_id: int, on: datetime.date) -> absence_rules.Counters:
    """S7 quota counters: egenmeldinger in the last 12 months, velferds- and feriedager this
    calendar year. One query."""
    since = min(on.replace(month=1, day=1), on - datetime.timedelta(days=370))
    rows = Absence.objects.filter(participant_id=participant_id, day__gte=since, day__lte=on)
    return absence_rules.counters(absence_rules_view(rows), on)


def quota_history_start(start: datetime.date) -> datetime.date:
    """How far back the S7 quotas look from a period starting `start`: the calendar year and
    12 months back."""
    return min(start.replace(month=1, day=1), start - datetime.timedelta(days=370))


def judge_in_period(
    rows: Iterable[Absence], start: datetime.date, end: datetime.date
) -> dict[datetime.date, absence_rules.Judged]:
    """One participant's absences (from quota_history_start(start) to `end`, by day) judged,
    and those in [start, end] kept."""
    judged = absence_rules.judge(absence_rules_view(rows))
    return {day: j for day, j in judged.items() if start <= day <= end}


def judged_absences(
    participant_id: int, start: datetime.date, end: datetime.date
) -> dict[datetime.date, absence_rules.Judged]:
    """Absences in [start, end] with their effect on the stipend; the quotas are counted from
    the earlier absences too (the calendar year and 12 months back)."""
    rows = Absence.objects.filter(
        participant_id=participant_id, day__gte=quota_history_start(start), day__lte=end
    )
    return judge_in_period(rows, start, end)


def judged_absences_many(
    participant_ids: Iterable[int], start: datetime.date, end: datetime.date
) -> dict[int, dict[datetime.date, absence_rules.Judged]]:
    """judged_absences for many participants in one query (participant id → day → judged;
    a participant without absences is not in it)."""
    rows: dict[int, list[Absence]] = {}
    for absence in Absence.objects.filter(
        participant_id__in=list(participant_ids),
        day__gte=quota_history_start(start),
        day__lte=end,
    ):
        rows.setdefault(absence.participant_id, []).append(absence)
    return {pid: judge_in_period(found, start, end) for pid, found in rows.items()}


def programmes_paid_in(office_id: int, start: datetime.date, end: datetime.date):
    """The office's programmes that may give stipend in the payment period [start, end]:
    started by its end and not ended before its start (the rules decide the days)."""
    return Programme.objects.filter(office_id=office_id, start_date__lte=end).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=start)
    )


@dataclass
class GridRow:
    participant: Participant
    programme: Programme
    version: int
    cells: list[tuple[datetime.date, bool, str]]
    """(day, planned, absence kind or "" for present)."""
    override_reason: str
    warnings: list[str]


def attendance_grid(user, week_start: datetime.date) -> list[GridRow]:
    """The user's participants with a programme during the week, each with the week's days.
    A fixed number of queries whatever the number of rows."""
    week_end = week_start + datetime.timedelta(days=4)
    programmes = list(
        programmes_with_decisions(
            Programme.objects.filter(
                participant__in=Participant.objects.visible_to(user).filter(caseworker=user),
                start_date__lte=week_end,
            ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=week_start))
        ).order_by("participant__last_name", "participant__first_name", "pk")
    )
    planned = planned_days(programmes, week_start, week_end)
    pids = [p.participant_id for p in programmes]
    absences: dict[tuple[int, datetime.date], Absence] = {
        (a.participant_id, a.day): a
        for a in Absence.objects.filter(
            participant_id__in=pids, day__gte=week_start, day__lte=week_end
        )
    }
    versions = dict(
        AttendanceWeek.objects.filter(participant_id__in=pids, week_start=week_start).values_list(
            "participant_id", "version"
        )
    )
    # Quota judgement needs the history back to a year; one query for all rows.
    since = min(week_start.replace(month=1, day=1), week_start - datetime.timedelta(days=370))
    history: dict[int, list[Absence]] = {}
    for a in Absence.objects.filter(participant_id__in=pids, day__gte=since, day__lte=week_end):
        history.setdefault(a.participant_id, []).append(a)
    rows = []
    for programme in programmes:
        pid = programme.participant_id
        days = [week_start + datetime.timedelta(days=i) for i in range(5)]
        cells = []
        reasons = set()
        for day in days:
            absence = absences.get((pid, day))
            if absence and absence.override_reason:
                reasons.add(absence.override_reason)
            cells.append((day, day in planned[programme.pk], absence.kind if absence else ""))
        judged = absence_rules.judge(absence_rules_view(history.get(pid, [])))
        warnings = [
            f"{j.absence.day:%d.%m.}: {j.note} – regnes som ugyldig fravær (S7)"
            if j.payability == absence_rules.Payability.OVER_QUOTA
            else f"{j.absence.day:%d.%m.}: {j.note} – kvoten er overstyrt"
            for day, j in sorted(judged.items())
            if week_start <= day <= week_end and j.note
        ]
        rows.append(
            GridRow(
                programme.participant,
                programme,
                versions.get(pid, 0),
                cells,
                "; ".join(sorted(reasons)),
                warnings,
            )
        )
    return rows


# --- Payment bases ------------------------------------------------------------------------------


def frequency_of(office_id: int) -> str:
    setting = OfficePaymentSetting.objects.filter(office_id=office_id).first()
    return setting.frequency if setting else PaymentFrequency.MONTHLY


def bases_for_participant(participant_id: int) -> QuerySet[PaymentBasis]:
    return PaymentBasis.objects.filter(participant_id=participant_id).select_related(
        "approved_by", "programme"
    )


def basis_with_lines(qs: QuerySet[PaymentBasis]) -> QuerySet[PaymentBasis]:
    return qs.select_related("approved_by", "computed_by", "programme", "office").prefetch_related(
        "lines"
    )


def office_bases(user, start: datetime.date, end: datetime.date) -> QuerySet[PaymentBasis]:
    """Approved payment bases of the user's offices with a period starting in [start, end], of
    participants the user may see; lines prefetched (export and the office list)."""
    return (
        PaymentBasis.objects.filter(
            status=BasisStatus.APPROVED,
            office_id__in=user.office_ids(),
            participant__in=Participant.objects.visible_to(user),
            period_start__gte=start,
            period_start__lte=end,
        )
        .select_related("participant", "office", "approved_by")
        .prefetch_related("lines")
        .order_by("period_start", "participant__last_name", "participant__first_name", "pk")
    )
