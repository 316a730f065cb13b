"""D2: approved leave stops the clock; registered on the programme page."""

import datetime

import pytest
from django.urls import reverse

from caseworker.models import AuditEvent
from decisions import rules
from decisions.models import ApprovedLeave
from decisions.selectors import open_programme, programme_history
from kvp import clock

days = datetime.timedelta


def test_leave_moves_the_latest_end_date_by_its_days_D2(
    login, caseworker, participant, programme, today
):
    before = rules.latest_end_date(programme_history(programme), today, special=False)
    start = programme.start_date + days(20)
    response = login(caseworker).post(
        reverse("decisions:leave_register", args=[programme.pk]),
        {
            "reason": "birth_mother",
            "start": start.strftime("%d.%m.%Y"),
            "end": (start + days(41)).strftime("%d.%m.%Y"),
        },
        follow=True,
    )
    html = response.content.decode()
    assert "Permisjonen er registrert" in html
    assert "Permisjon etter fødsel (mor)" in html
    after = rules.latest_end_date(
        programme_history(open_programme(participant.pk)), today, special=False
    )
    assert after - before == days(42)
    assert AuditEvent.objects.filter(object_type="approvedleave", action="create").exists()


def test_overlapping_or_outside_leave_is_refused_and_nothing_saved(
    login, caseworker, programme, today
):
    client = login(caseworker)
    url = reverse("decisions:leave_register", args=[programme.pk])
    start = programme.start_date + days(20)
    client.post(
        url,
        {
            "reason": "other",
            "start": start.strftime("%d.%m.%Y"),
            "end": (start + days(9)).strftime("%d.%m.%Y"),
        },
    )
    overlapping = client.post(
        url,
        {
            "reason": "other",
            "start": (start + days(5)).strftime("%d.%m.%Y"),
            "end": (start + days(15)).strftime("%d.%m.%Y"),
        },
    )
    assert overlapping.status_code == 200
    assert "overlapper" in overlapping.content.decode()
    before_start = client.post(
        url,
        {
            "reason": "other",
            "start": (programme.start_date - days(5)).strftime("%d.%m.%Y"),
            "end": programme.start_date.strftime("%d.%m.%Y"),
        },
    )
    assert "før programmet starter" in before_start.content.decode()
    backwards = client.post(url, {"reason": "other", "start": "10.03.2026", "end": "01.03.2026"})
    assert "Siste dag kan ikke være før første dag" in backwards.content.decode()
    assert ApprovedLeave.objects.count() == 1


@pytest.mark.parametrize("persona", ["other_caseworker", "approver"])
def test_leave_needs_change_access(login, request, programme, persona):
    user = request.getfixturevalue(persona)
    response = login(user).post(
        reverse("decisions:leave_register", args=[programme.pk]),
        {"reason": "other", "start": "01.01.2026", "end": "02.01.2026"},
    )
    assert response.status_code == (404 if persona == "other_caseworker" else 403)
    assert not ApprovedLeave.objects.exists()


def test_leave_can_be_removed(login, caseworker, programme, today):
    leave = ApprovedLeave.objects.create(
        programme=programme,
        participant=programme.participant,
        start=programme.start_date,
        end=programme.start_date + days(3),
        reason="other",
        registered_by=caseworker,
    )
    response = login(caseworker).post(reverse("decisions:leave_remove", args=[leave.pk]))
    assert response.status_code == 302
    assert not ApprovedLeave.objects.exists()
    assert clock.today() == today
