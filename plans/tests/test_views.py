"""The plan page and the catalogue through the test client: who may open what (roles ×
offices), the warnings a caseworker sees, forms with Norwegian errors and Post/Redirect/Get,
stale edits, the audit trail of reads, and query counts flat in the number of activities."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from caseworker.models import AuditEvent
from plans import services
from plans.models import Measure, PlanActivity, Provider

D = datetime.timedelta(days=1)


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


def d(day: datetime.date) -> str:
    return day.strftime("%d.%m.%Y")


def alerts(response) -> list[str]:
    section = soup(response).find(id="plan-sjekk")
    return [a.get_text(" ", strip=True) for a in section.select(".aksel-alert")]


def form_post(span, **overrides):
    values = {
        "activity_type": "arbeidspraksis",
        "name": "Praksis på lager",
        "start": d(span.start),
        "end": d(span.end),
        "weekdays": ["0", "1", "2", "3", "4"],
        "hours_per_week": "37,5",
    }
    return {**values, **overrides}


# --- Access ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("caseworker", 200),
        ("approver", 200),
        ("leader", 200),
        ("other_caseworker", 404),
        ("other_leader", 404),
        ("appeals_officer", 403),
        ("admin_user", 403),
    ],
)
def test_who_may_see_the_plan(request, login, programme, persona, status):
    user = request.getfixturevalue(persona)
    response = login(user).get(reverse("plans:plan_detail", args=[programme.pk]))
    assert response.status_code == status


def test_reading_the_plan_is_audited_and_a_refusal_too(
    login, caseworker, other_caseworker, programme
):
    url = reverse("plans:plan_detail", args=[programme.pk])
    login(caseworker).get(url)
    login(other_caseworker).get(url)
    events = AuditEvent.objects.filter(object_type="plan").order_by("pk")
    assert [(e.actor_username, e.action, e.outcome) for e in events] == [
        ("Z990001", "view", "permit"),
        ("Z990011", "view", "deny"),
    ]
    # The refusal does not say whose programme it is (not visible = unknown, like a 404).
    assert [e.participant_id for e in events] == [programme.participant_id, None]


def test_approver_sees_the_plan_without_forms_and_may_not_post(login, approver, programme, span):
    response = login(approver).get(reverse("plans:plan_detail", args=[programme.pk]))
    assert not soup(response).find(
        "form", action=reverse("plans:activity_add", args=[programme.pk])
    )
    response = login(approver).post(
        reverse("plans:activity_add", args=[programme.pk]), form_post(span)
    )
    assert response.status_code == 403
    assert not PlanActivity.objects.exists()


def test_other_office_cannot_post_to_the_plan(login, other_caseworker, programme, span):
    response = login(other_caseworker).post(
        reverse("plans:activity_add", args=[programme.pk]), form_post(span)
    )
    assert response.status_code == 404
    assert not PlanActivity.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("leader", 200),
        ("caseworker", 403),
        ("approver", 403),
        ("appeals_officer", 403),
        ("other_leader", 200),
    ],
)
def test_only_leaders_keep_the_catalogue(request, login, persona, status):
    user = request.getfixturevalue(persona)
    response = login(user).get(reverse("plans:catalogue"))
    assert response.status_code == status


def test_a_leader_cannot_edit_another_office_catalogue(login, other_leader, measure, provider):
    client = login(other_leader)
    assert client.get(reverse("plans:measure_edit", args=[measure.pk])).status_code == 404
    assert client.get(reverse("plans:provider_edit", args=[provider.pk])).status_code == 404
    response = client.get(reverse("plans:catalogue"))
    assert "Arbeidspraksis i butikk" not in response.content.decode()


# --- The page a caseworker uses ----------------------------------------------------------------


def test_empty_plan_warns_p1_p4_p5_and_adding_full_time_removes_p1(
    login, caseworker, programme, span
):
    client = login(caseworker)
    url = reverse("plans:plan_detail", args=[programme.pk])
    before = alerts(client.get(url))
    assert [text[-4:] for text in before] == ["(P1)", "(P4)", "(P5)"]
    response = client.post(reverse("plans:activity_add", args=[programme.pk]), form_post(span))
    assert response.status_code == 302 and response.url == url
    page = client.get(url)
    assert "Aktiviteten er lagt til i planen." in page.content.decode()
    after = alerts(page)
    assert not [a for a in after if a.endswith("(P1)")]
    rows = soup(page).find("table", id="week-table").find("tbody").find_all("tr")
    statuses = {row.find_all("td")[-1].get_text(strip=True) for row in rows}
    assert statuses <= {"OK", "Ingen krav denne uka"} and "OK" in statuses


def test_week_table_has_headers_and_names_short_weeks(login, caseworker, programme, span):
    response = login(caseworker).get(reverse("plans:plan_detail", args=[programme.pk]))
    table = soup(response).find("table", id="week-table")
    headers = [th.get_text(strip=True) for th in table.find("thead").find_all("th")]
    assert headers == [
        "Uke",
        "Datoer",
        "Full tid (timer)",
        "Planlagt (timer)",
        "Herav arbeid (timer)",
        "Status",
    ]
    assert all(th["scope"] == "col" for th in table.find("thead").find_all("th"))
    rows = table.find("tbody").find_all("tr")
    iso = span.start.isocalendar()
    assert rows[0].find("th", scope="row").get_text(strip=True) == f"Uke {iso.week} {iso.year}"
    assert "For få timer" in rows[1].get_text()


def test_bad_input_gets_norwegian_errors_on_the_form_and_saves_nothing(
    login, caseworker, programme, span
):
    response = login(caseworker).post(
        reverse("plans:activity_add", args=[programme.pk]),
        form_post(span, start=d(span.start - D), weekdays=[], hours_per_week="mange"),
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Velg minst én ukedag." in text
    assert "Skriv timer som et tall, for eksempel 7,5." in text
    assert not PlanActivity.objects.exists()
    response = login(caseworker).post(
        reverse("plans:activity_add", args=[programme.pk]), form_post(span, start=d(span.start - D))
    )
    assert f"Aktiviteten kan ikke starte før programmet starter ({d(span.start)})." in (
        response.content.decode()
    )
    assert not PlanActivity.objects.exists()


def test_hostile_posts_never_give_a_server_error(login, caseworker, programme, span):
    client = login(caseworker)
    url = reverse("plans:activity_add", args=[programme.pk])
    for hostile in (
        form_post(span, weekdays=["9"]),
        form_post(span, measure="abc"),
        form_post(span, provider="999999"),
        form_post(span, hours_per_week="1e400"),
        form_post(span, hours_per_week="NaN"),
        form_post(span, start="31.02.2026"),
        form_post(span, activity_type="ukjent"),
    ):
        assert client.post(url, hostile).status_code == 200
    assert not PlanActivity.objects.exists()


def test_stale_edit_form_shows_the_conflict_and_keeps_the_other_change(
    login, caseworker, caseworker2, programme, span, as_caseworker
):
    activity = services.activity_add(
        ctx=as_caseworker,
        programme=programme,
        data={
            "activity_type": "arbeidspraksis",
            "name": "Praksis",
            "start": span.start,
            "end": span.end,
            "weekdays": [0, 1, 2, 3, 4],
            "hours_per_week": Decimal("37.5"),
        },
    )
    url = reverse("plans:activity_edit", args=[activity.pk])
    login(caseworker).post(url, form_post(span, name="Kari sin endring", version="1"))
    response = login(caseworker2).post(url, form_post(span, name="Ola sin endring", version="1"))
    assert response.status_code == 200
    assert "endret eller fjernet av noen andre" in response.content.decode()
    activity.refresh_from_db()
    assert activity.name == "Kari sin endring" and activity.version == 2
    response = login(caseworker2).post(
        reverse("plans:activity_remove", args=[activity.pk]), {"version": "1"}, follow=True
    )
    assert "noen andre" in response.content.decode()
    assert PlanActivity.objects.filter(pk=activity.pk).exists()


def test_evaluation_added_through_the_form(login, caseworker, programme, span):
    client = login(caseworker)
    response = client.post(
        reverse("plans:evaluation_add", args=[programme.pk]),
        {"evaluation-date": d(span.start + 30 * D), "evaluation-note": "Første evaluering"},
        follow=True,
    )
    assert "Evalueringsdatoen er lagt til i planen." in response.content.decode()
    assert "Første evaluering" in response.content.decode()


def test_programme_page_links_to_the_plan(login, caseworker, programme):
    response = login(caseworker).get(reverse("decisions:programme_detail", args=[programme.pk]))
    assert soup(response).find("a", href=reverse("plans:plan_detail", args=[programme.pk]))


def test_leader_adds_a_measure_and_a_provider(login, leader, office_a):
    client = login(leader)
    response = client.post(
        reverse("plans:provider_add"),
        {"provider-name": "Jobbsenteret AS", "provider-org_number": "974760674"},
    )
    assert "Organisasjonsnummeret er ikke gyldig" in response.content.decode()
    client.post(
        reverse("plans:provider_add"),
        {
            "provider-name": "Jobbsenteret AS",
            "provider-org_number": "974760673",
            "provider-active": "on",
        },
    )
    provider = Provider.objects.get(office=office_a)
    response = client.post(
        reverse("plans:measure_add"),
        {
            "measure-name": "Jobbklubb",
            "measure-activity_type": "arbeidssoking",
            "measure-provider": provider.pk,
            "measure-active": "on",
        },
        follow=True,
    )
    assert "Tiltaket er lagt til i katalogen." in response.content.decode()
    assert Measure.objects.get().provider == provider


# --- Query counts ----------------------------------------------------------------------------


def test_plan_page_queries_do_not_grow_with_activities(
    login, caseworker, programme, span, as_caseworker, measure, django_assert_max_num_queries
):
    client = login(caseworker)
    url = reverse("plans:plan_detail", args=[programme.pk])

    def add(first, n):
        for i in range(first, first + n):
            services.activity_add(
                ctx=as_caseworker,
                programme=programme,
                data={
                    "measure": measure,
                    "start": span.start + i * D,
                    "end": span.end,
                    "weekdays": [i % 5],
                    "hours_per_week": Decimal("3"),
                },
            )
            services.evaluation_add(
                ctx=as_caseworker, programme=programme, data={"date": span.start + i * 7 * D}
            )

    add(0, 1)
    with django_assert_max_num_queries(40) as one:
        assert client.get(url).status_code == 200
    add(1, 12)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(url).status_code == 200
