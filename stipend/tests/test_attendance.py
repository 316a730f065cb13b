"""The weekly attendance grid (issue 6 item 2): planned days default to present, absence by
type, a version per week against silent overwrites, quota warnings and counters, access by
office and role, and a query count that does not grow with the number of participants."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from caseworker.models import AuditEvent
from decisions.rules.dates import Period
from decisions.rules.history import Pause, ProgrammeHistory
from decisions.selectors import open_programme
from decisions.tests.helpers import ALL_FULFILLED, add_years, approve, days, draft
from stipend import selectors
from stipend.models import Absence, AttendanceWeek
from stipend.rules import calendar
from tests.factories import ParticipantFactory

D = datetime.date
URL = reverse("stipend:attendance")


def test_planned_days_leave_out_weekends_holidays_interruption_and_leave():
    # Week 18 2025: Thursday 01.05 is a public holiday. Interrupted Friday 02.05; the next
    # week on leave Monday 05.05 (D2).
    history = ProgrammeHistory(
        start=D(2025, 4, 29),
        decision_periods=(Period(D(2025, 4, 29), D(2026, 4, 28)),),
        pauses=(
            Pause(D(2025, 5, 2), D(2025, 5, 2), "interruption"),
            Pause(D(2025, 5, 5), D(2025, 5, 5), "leave"),
        ),
        special_extension=False,
        ended_on=None,
        birth_date=D(1990, 1, 1),
    )
    assert calendar.planned_days(history, D(2025, 4, 28), D(2025, 5, 6)) == [
        D(2025, 4, 29),  # Monday 28.04 is before the start
        D(2025, 4, 30),
        D(2025, 5, 6),
    ]
    # The holiday is still a stipend day (5 days a week, S4/S5); interruption and leave are not.
    assert D(2025, 5, 1) in calendar.stipend_days(history, D(2025, 4, 28), D(2025, 5, 6))


def monday(today):
    return today - days(today.weekday())


def grant_programme(participant, as_caseworker, as_approver, today):
    from decisions import services

    app = services.application_register(
        ctx=as_caseworker,
        participant=participant,
        data={"received_on": today - days(120), "received_via": "digital"},
    )
    app = services.application_assess(
        ctx=as_caseworker,
        application=app,
        assessments=ALL_FULFILLED,
        data={
            "benefits_checked": ["aap", "uforetrygd", "overgangsstonad"],
            "entitled_benefits": [],
            "work_capacity_assessed_on": today - days(110),
            "work_capacity_reference": "AEV-1",
        },
        expected_version=app.version,
    )
    start = today - days(100)
    grant = draft(
        as_caseworker,
        "grant",
        participant,
        application=app,
        period_start=start,
        period_end=add_years(start, 1) - days(1),
    )
    approve(grant, as_caseworker, as_approver)
    return open_programme(participant.pk)


def planned_of(programme, week):
    return selectors.planned_days([programme], week, week + days(4))[programme.pk]


def post_week(client, week, rows):
    """rows: participant → (version, {day: kind}, reason)."""
    data = {"uke": week.isoformat()}
    for participant, (version, absences, reason) in rows.items():
        data[f"v-{participant.pk}"] = str(version)
        data[f"r-{participant.pk}"] = reason
        for day, kind in absences.items():
            data[f"d-{participant.pk}-{day.isoformat()}"] = kind
    return client.post(URL, data)


@pytest.fixture
def week(programme, today):
    """Last week (all planned days in the past, inside the programme)."""
    return monday(today) - days(7)


def test_grid_shows_planned_days_present_by_default_with_labelled_selects(
    login, caseworker, participant, programme, week
):
    response = login(caseworker).get(URL, {"uke": week.isoformat()})
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.find("th", scope="row").get_text(" ", strip=True).startswith("Per Pettersen")
    planned = planned_of(programme, week)
    selects = soup.select("table select")
    assert len(selects) == len(planned)
    for select in selects:
        assert select.find("option", selected=True).get_text() == "Til stede"
        assert soup.find("label", attrs={"for": select["id"]})
    assert AuditEvent.objects.filter(
        action="list", object_type="attendance_week", participant_id=participant.pk
    ).exists()


def test_register_absence_then_a_stale_form_is_refused(
    login, caseworker, caseworker2, participant, programme, week
):
    first = planned_of(programme, week)[0]
    client = login(caseworker)
    response = post_week(client, week, {participant: (0, {first: "egenmelding"}, "")})
    assert response.status_code == 302
    [absence] = Absence.objects.filter(participant=participant)
    assert (absence.day, absence.kind, absence.programme_id) == (first, "egenmelding", programme.pk)
    assert AttendanceWeek.objects.get(participant=participant, week_start=week).version == 1
    assert AuditEvent.objects.filter(
        action="change", object_type="attendance_week", participant_id=participant.pk
    ).exists()
    # Another caseworker's page was opened before that save (version 0): refused, unchanged.
    other = login(caseworker2)
    participant.caseworker = caseworker2
    participant.save()
    response = post_week(other, week, {participant: (0, {first: "ugyldig"}, "")})
    assert response.status_code == 409
    assert "endret av noen andre" in response.content.decode()
    assert Absence.objects.get(participant=participant).kind == "egenmelding"
    # Back to present with the current version.
    response = post_week(other, week, {participant: (1, {}, "")})
    assert response.status_code == 302
    assert not Absence.objects.filter(participant=participant).exists()


def test_unknown_absence_type_is_refused_with_a_message(
    login, caseworker, participant, programme, week
):
    first = planned_of(programme, week)[0]
    response = post_week(login(caseworker), week, {participant: (0, {first: "tull"}, "")})
    assert response.status_code == 200
    assert "Ukjent fraværstype" in response.content.decode()
    assert not Absence.objects.exists()


# In November there are ten earlier working days of the year in the programme to fill.
@pytest.mark.usefixtures("on_figures_day")
def test_over_quota_warns_and_counters_show_it(
    login, caseworker, participant, programme, week, today
):
    # Ten velferdsdager earlier this year, then an 11th in the grid's week (S7).
    planned = planned_of(programme, week)
    earlier = [
        d
        for d in calendar.planned_days(
            selectors.programme_history(programme), programme.start_date, week - days(1)
        )
        if d.year == planned[0].year
    ][:10]
    assert len(earlier) == 10
    Absence.objects.bulk_create(
        Absence(
            participant=participant,
            programme=programme,
            day=d,
            kind="velferdspermisjon",
            registered_by=caseworker,
        )
        for d in earlier
    )
    client = login(caseworker)
    post_week(client, week, {participant: (0, {planned[0]: "velferdspermisjon"}, "")})
    page = client.get(URL, {"uke": week.isoformat()}).content.decode()
    assert "11. av 10 velferdsdager" in page and "regnes som ugyldig fravær (S7)" in page
    detail = client.get(reverse("participants:detail", args=[participant.pk])).content.decode()
    assert "11 av 10" in detail and "over kvoten" in detail
    # Overridden with a reason: still shown, no longer unauthorised.
    post_week(client, week, {participant: (1, {planned[0]: "velferdspermisjon"}, "Begravelse")})
    assert Absence.objects.get(day=planned[0]).override_reason == "Begravelse"
    assert "kvoten er overstyrt" in client.get(URL, {"uke": week.isoformat()}).content.decode()


def test_other_office_sees_nothing_and_cannot_write(
    login, other_caseworker, participant, programme, week
):
    first = planned_of(programme, week)[0]
    client = login(other_caseworker)
    assert "Per Pettersen" not in client.get(URL, {"uke": week.isoformat()}).content.decode()
    post_week(client, week, {participant: (0, {first: "ugyldig"}, "")})
    assert not Absence.objects.exists()


@pytest.mark.parametrize("persona", ["appeals_officer", "approver", "admin_user"])
def test_roles_without_attendance_get_403(login, request, persona):
    assert login(request.getfixturevalue(persona)).get(URL).status_code == 403


def test_query_count_is_flat_in_the_number_of_participants(
    login,
    caseworker,
    participant,
    programme,
    office_a,
    as_caseworker,
    as_approver,
    today,
    week,
    django_assert_max_num_queries,
):
    client = login(caseworker)
    first = planned_of(programme, week)[0]

    def get_and_post(version):
        client.get(URL, {"uke": week.isoformat()})
        rows = {p: (version, {first: "ferie"} if version == 0 else {}, "") for p in participants}
        assert post_week(client, week, rows).status_code == 302

    participants = [participant]
    with django_assert_max_num_queries(60) as one:
        get_and_post(0)
    for _ in range(4):
        p = ParticipantFactory(office=office_a, caseworker=caseworker)
        grant_programme(p, as_caseworker, as_approver, today)
        participants.append(p)
    # The first participant's week is now version 1; the new ones start at 0. Reset so every
    # row changes in the same way.
    Absence.objects.all().delete()
    AttendanceWeek.objects.all().delete()
    with django_assert_max_num_queries(len(one.captured_queries)):
        get_and_post(0)
    assert Absence.objects.filter(day=first).count() == 5


def test_strictly_confidential_participant_only_with_the_authorisation(
    login, caseworker, authorised_caseworker, participant, programme, week
):
    participant.address_protection = "strengt_fortrolig"
    participant.save()
    assert (
        "Per Pettersen"
        not in login(caseworker).get(URL, {"uke": week.isoformat()}).content.decode()
    )
    participant.caseworker = authorised_caseworker
    participant.save()
    page = login(authorised_caseworker).get(URL, {"uke": week.isoformat()}).content.decode()
    assert "Per Pettersen" in page


def test_planned_days_follow_the_plan_when_there_is_one(programme, week, caseworker):
    """Without a plan every working day is planned (full time, P1); with activities only on
    Monday and Wednesday, the grid asks for those two days only."""
    from plans.models import PlanActivity

    assert planned_of(programme, week) == [week + days(i) for i in range(5)]
    PlanActivity.objects.create(
        programme=programme,
        participant=programme.participant,
        created_by=caseworker,
        updated_by=caseworker,
        activity_type="arbeidspraksis",
        name="Praksisplass",
        start=week - days(7),
        end=week + days(30),
        weekdays=[0, 2],
        hours_per_week=15,
    )
    assert planned_of(programme, week) == [week, week + days(2)]


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("Lege\x00attest", "inneholder et tegn som ikke er tillatt"),
        ("x" * 301, "kan ha høyst 300 tegn (den har 301)"),
    ],
)
def test_a_bad_override_reason_is_refused_and_what_was_typed_is_kept(
    login, caseworker, participant, programme, week, reason, message
):
    """Found by the form fuzzer: a NUL byte in the reason was a 500, and a long reason was cut
    to 300 characters without a word. Now: a Norwegian message, nothing saved, and the grid
    shows the absence the caseworker chose."""
    first = planned_of(programme, week)[0]
    response = post_week(login(caseworker), week, {participant: (0, {first: "ferie"}, reason)})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Absence.objects.exists()
    soup = BeautifulSoup(response.content, "html.parser")
    chosen = soup.select_one(f"select[name='d-{participant.pk}-{first.isoformat()}']")
    assert chosen.find("option", selected=True)["value"] == "ferie"
