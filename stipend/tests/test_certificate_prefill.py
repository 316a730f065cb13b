"""A new deltakerbevis (P6) starts from what the system knows: the plan's activities (plans)
and the attendance registered in the grid (stipend), not from empty rows."""

import datetime

import pytest

from decisions.models import ParticipationCertificate, Programme
from decisions.tests.helpers import approve, days, draft
from plans.models import PlanActivity, Provider
from stipend.models import Absence, AttendanceWeek

pytestmark = pytest.mark.django_db


def monday(day):
    return day - datetime.timedelta(days=day.weekday())


def end_programme(programme, participant, as_caseworker, as_approver, today):
    termination = draft(
        as_caseworker,
        "termination",
        participant,
        programme=Programme.objects.get(pk=programme.pk),
        effective_date=today,
        details={"termination_reason": "completed", "situation_after": "01"},
    )
    approve(termination, as_caseworker, as_approver)
    return ParticipationCertificate.objects.get(programme=programme)


def test_the_draft_lists_the_plan_and_the_registered_attendance(
    programme, participant, caseworker, as_caseworker, as_approver, today
):
    provider = Provider.objects.create(office=programme.office, name="Fretex Jobb")
    common = {
        "programme": programme,
        "participant": participant,
        "created_by": caseworker,
        "updated_by": caseworker,
        "weekdays": [0, 1, 2, 3, 4],
    }
    PlanActivity.objects.create(
        **common,
        activity_type="arbeidspraksis",
        name="Lager",
        provider=provider,
        start=programme.start_date,
        end=today + days(100),  # runs past the end: clipped to the programme's last day
        hours_per_week=30,
    )
    PlanActivity.objects.create(
        **common,
        activity_type="norskopplaering",
        start=programme.start_date + days(7),
        end=programme.start_date + days(60),
        hours_per_week="7.5",
    )
    # Two registered weeks (10 planned days), two days away: one egenmelding, one ugyldig.
    week = monday(today) - days(14)
    for start in (week, week + days(7)):
        AttendanceWeek.objects.create(
            participant=participant, week_start=start, updated_by=caseworker
        )
    for day, kind in ((week, "egenmelding"), (week + days(8), "ugyldig")):
        Absence.objects.create(
            participant=participant,
            programme=programme,
            day=day,
            kind=kind,
            registered_by=caseworker,
        )

    certificate = end_programme(programme, participant, as_caseworker, as_approver, today)

    assert certificate.activities == [
        {
            "description": "Arbeidspraksis: Lager (Fretex Jobb)",
            "start": programme.start_date.isoformat(),
            "end": today.isoformat(),
            "hours_per_week": "30",
        },
        {
            "description": "Norskopplæring",
            "start": (programme.start_date + days(7)).isoformat(),
            "end": (programme.start_date + days(60)).isoformat(),
            "hours_per_week": "7.5",
        },
    ]
    assert certificate.attendance.startswith("Møtt 8 av 10 planlagte dager (80 %)")
    assert "egenmelding 1" in certificate.attendance
    assert "ugyldig fravær 1" in certificate.attendance
    assert "(1 av dem gyldig fravær)" in certificate.attendance


def test_without_plan_or_registered_attendance_the_caseworker_fills_it_in(
    programme, participant, as_caseworker, as_approver, today
):
    certificate = end_programme(programme, participant, as_caseworker, as_approver, today)
    assert certificate.activities == []
    assert certificate.attendance == ""
