"""The worklist "Oppgaver" (issue 4, step 3): my tasks and my office's, soonest due first,
overdue marked, filtered by kind and caseworker, scoped to the participants the user may see,
audited, and bulk reassignment by leaders."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from caseworker.models import AuditEvent
from decisions.deadlines import scan_deadlines
from decisions.models import Application, Task, TaskKind, TaskStatus
from decisions.tests.helpers import days
from kvp import clock
from tests.factories import ParticipantFactory

MINE = reverse("decisions:worklist")
OFFICE = reverse("decisions:worklist_office")
REASSIGN = reverse("decisions:worklist_reassign")


def make_task(participant, *, assignee, due, kind=TaskKind.INTERIM_REPLY_DUE):
    """An application task: the scan's rules are tested in test_deadlines; here only the list."""
    application = Application.objects.create(
        participant=participant,
        office=participant.office,
        received_on=due - days(31),
        received_via="digital",
        created_by=assignee or participant.caseworker,
    )
    return Task.objects.create(
        kind=kind,
        participant=participant,
        office=participant.office,
        application=application,
        due_date=due,
        assignee=assignee,
    )


def rows(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return soup.select("tbody tr[data-task]")


def task_ids(response):
    return [int(row["data-task"]) for row in rows(response)]


@pytest.fixture
def tasks(participant, caseworker, caseworker2, office_a, today):
    """Kari's two tasks (one overdue) and one of Ola's, all at office A."""
    other = ParticipantFactory(
        first_name="Nina", last_name="Olsen", office=office_a, caseworker=caseworker2
    )
    return {
        "soon": make_task(participant, assignee=caseworker, due=today + days(10)),
        "overdue": make_task(
            participant,
            assignee=caseworker,
            due=today - days(3),
            kind=TaskKind.DECISION_PERIOD_OVERDUE,
        ),
        "ola": make_task(other, assignee=caseworker2, due=today + days(5)),
    }


def test_anonymous_is_sent_to_login(client):
    for url in (MINE, OFFICE):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("login") in response["Location"]
    assert client.post(REASSIGN).status_code == 302


def test_my_tasks_are_mine_and_sorted_by_due_date(login, caseworker, tasks):
    response = login(caseworker).get(MINE)
    assert response.status_code == 200
    assert task_ids(response) == [tasks["overdue"].pk, tasks["soon"].pk]
    soup = BeautifulSoup(response.content, "html.parser")
    assert (
        soup.select_one('nav[aria-label="Oppgavevisning"] a[aria-current="page"]').get_text(
            strip=True
        )
        == "Mine oppgaver"
    )


def test_office_tasks_show_everyones_open_tasks(login, caseworker, tasks):
    Task.objects.filter(pk=tasks["soon"].pk).update(status=TaskStatus.CLOSED, closed_at=clock.now())
    response = login(caseworker).get(OFFICE)
    assert task_ids(response) == [tasks["overdue"].pk, tasks["ola"].pk]
    text = BeautifulSoup(response.content, "html.parser").select_one("tbody").get_text(" ")
    assert "Ola Hansen" in text and "Kari Nordmann" in text
    # Not a leader: no checkboxes, no "Tildel valgte".
    assert b"Tildel valgte" not in response.content


def test_overdue_task_is_marked_and_its_date_bold(login, caseworker, tasks, today):
    response = login(caseworker).get(MINE)
    overdue, soon = rows(response)
    assert overdue.select_one("strong").get_text() == f"{tasks['overdue'].due_date:%d.%m.%Y}"
    tag = overdue.select_one(".aksel-tag")
    assert tag.get_text() == "Forfalt" and tag["data-color"] == "danger"
    assert soon.select_one(".aksel-tag") is None and soon.select_one("strong") is None


def test_row_links_to_participant_and_to_where_the_task_is_solved(
    login, caseworker, tasks, participant
):
    response = login(caseworker).get(MINE)
    row = rows(response)[1]
    hrefs = [a["href"] for a in row.select("a")]
    assert reverse("participants:detail", args=[participant.pk]) in hrefs
    application_url = reverse("decisions:application_detail", args=[tasks["soon"].application_id])
    link = row.find("a", href=application_url)
    assert link.get_text(" ", strip=True).startswith("Gå til saken")
    assert TaskKind.INTERIM_REPLY_DUE.label in row.get_text()


def test_filter_by_kind(login, caseworker, tasks):
    client = login(caseworker)
    response = client.get(MINE, {"type": TaskKind.DECISION_PERIOD_OVERDUE})
    assert task_ids(response) == [tasks["overdue"].pk]
    soup = BeautifulSoup(response.content, "html.parser")
    labels = [o.get_text() for o in soup.select("select[name=type] option")]
    assert TaskKind.INTERIM_REPLY_DUE.label in labels
    # Nonsense in the URL is ignored, not an error.
    assert len(task_ids(client.get(MINE, {"type": "tull"}))) == 2


def test_office_view_filters_and_counts_by_caseworker(
    login, leader, caseworker2, participant, tasks, today
):
    unassigned = make_task(participant, assignee=None, due=today + days(20))
    client = login(leader)
    response = client.get(OFFICE, {"saksbehandler": caseworker2.pk})
    assert task_ids(response) == [tasks["ola"].pk]
    assert task_ids(client.get(OFFICE, {"saksbehandler": "ingen"})) == [unassigned.pk]
    soup = BeautifulSoup(client.get(OFFICE).content, "html.parser")
    overview = soup.select_one("#h-per-saksbehandler").find_parent("section").get_text(" ")
    assert "2 Kari Nordmann" in " ".join(overview.split())
    assert "1 Uten saksbehandler" in " ".join(overview.split())


def test_scanned_programme_task_links_to_the_programme(login, caseworker, programme, today):
    # The fixture's period ends 165 days from now; six weeks before, the D3 task appears.
    end = programme.decisions.get(kind="grant").period_end
    scan_deadlines(end - days(42))
    [task] = Task.objects.filter(kind=TaskKind.DECISION_PERIOD_ENDING)
    response = login(caseworker).get(MINE)
    assert task_ids(response) == [task.pk]
    url = reverse("decisions:programme_detail", args=[programme.pk])
    assert rows(response)[0].find("a", href=url) is not None


def test_header_and_front_page_show_my_open_task_count(login, caseworker, tasks):
    client = login(caseworker)
    soup = BeautifulSoup(client.get(reverse("home")).content, "html.parser")
    nav_link = soup.select_one(f'nav a[href="{MINE}"]')
    assert " ".join(nav_link.get_text(" ").split()).startswith("Oppgaver , 2")
    figure = soup.select_one("#h-oppgaver").find_parent("section")
    assert figure.select_one(".kvp-key-figure").get_text() == "2"


def test_list_is_audited_once_per_participant(login, caseworker, tasks, participant):
    login(caseworker).get(MINE)
    events = AuditEvent.objects.filter(action="list", object_type="task", actor=caseworker)
    assert [e.participant_id for e in events] == [participant.pk]


def test_protected_participant_hidden_without_authorisation(
    login, caseworker, authorised_caseworker, office_a, today
):
    protected = ParticipantFactory(
        office=office_a,
        caseworker=caseworker,
        address_protection="strengt_fortrolig",
        street_address="",
        postal_code="",
        postal_area="",
    )
    task = make_task(protected, assignee=caseworker, due=today)
    assert task_ids(login(caseworker).get(MINE)) == []
    assert task_ids(login(caseworker).get(OFFICE)) == []
    assert task_ids(login(authorised_caseworker).get(OFFICE)) == [task.pk]


def test_other_office_sees_none_and_cannot_reassign(
    login, other_caseworker, other_leader, tasks, caseworker2
):
    for user in (other_caseworker, other_leader):
        client = login(user)
        assert task_ids(client.get(MINE)) == []
        assert task_ids(client.get(OFFICE)) == []
    data = {"oppgave": [tasks["soon"].pk], "saksbehandler": caseworker2.pk}
    assert login(other_caseworker).post(REASSIGN, data).status_code == 403
    assert login(other_leader).post(REASSIGN, data).status_code == 404
    assert Task.objects.get(pk=tasks["soon"].pk).assignee_id != caseworker2.pk


@pytest.mark.parametrize("persona", ["appeals_officer", "admin_user"])
def test_appeals_officer_and_admin_are_refused(request, login, persona, tasks):
    client = login(request.getfixturevalue(persona))
    assert client.get(MINE).status_code == 403
    assert client.get(OFFICE).status_code == 403
    assert client.post(REASSIGN, {"oppgave": [tasks["soon"].pk]}).status_code == 403
    soup = BeautifulSoup(client.get(reverse("home")).content, "html.parser")
    assert soup.select_one(f'a[href="{MINE}"]') is None


def test_caseworker_may_not_reassign(login, caseworker, caseworker2, tasks):
    response = login(caseworker).post(
        REASSIGN, {"oppgave": [tasks["soon"].pk], "saksbehandler": caseworker2.pk}
    )
    assert response.status_code == 403


def test_leader_reassigns_in_bulk(login, leader, caseworker, caseworker2, tasks):
    client = login(leader)
    page = BeautifulSoup(client.get(OFFICE).content, "html.parser")
    assert page.select("input[name=oppgave]") and page.find(string="Tildel valgte")
    chosen = [tasks["soon"].pk, tasks["overdue"].pk]
    response = client.post(
        REASSIGN,
        {"oppgave": chosen, "saksbehandler": caseworker2.pk, "neste": OFFICE + "?type="},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == OFFICE + "?type="
    assert "2 oppgaver er tildelt Ola Hansen." in response.content.decode()
    assert set(Task.objects.filter(pk__in=chosen).values_list("assignee", flat=True)) == {
        caseworker2.pk
    }
    audit = AuditEvent.objects.filter(action="change", object_type="task", actor=leader)
    assert audit.count() == 1  # both tasks are Per's: one row per participant
    assert sorted(audit.get().detail["tasks"]) == sorted(chosen)


def test_leader_cannot_assign_to_someone_from_another_office(
    login, leader, other_caseworker, caseworker, tasks
):
    response = login(leader).post(
        REASSIGN,
        {"oppgave": [tasks["soon"].pk], "saksbehandler": other_caseworker.pk},
        follow=True,
    )
    assert "arbeider ikke ved NAV Grünerløkka" in response.content.decode()
    assert Task.objects.get(pk=tasks["soon"].pk).assignee == caseworker
    assert not AuditEvent.objects.filter(action="change", object_type="task").exists()


def test_leader_cannot_give_a_protected_participants_task_to_someone_unauthorised(
    login, office_a, caseworker, caseworker2, today
):
    from tests.factories import UserFactory

    boss = UserFactory(roles=["leder"], office=office_a, may_see_shielded=True)
    shielded = ParticipantFactory(office=office_a, caseworker=caseworker, shielded=True)
    task = make_task(shielded, assignee=None, due=today)
    response = login(boss).post(
        REASSIGN, {"oppgave": [task.pk], "saksbehandler": caseworker2.pk}, follow=True
    )
    assert "har ikke tilgang til 1 av deltakerne" in response.content.decode()
    assert Task.objects.get(pk=task.pk).assignee is None


def test_reassign_needs_a_choice(login, leader, tasks):
    response = login(leader).post(REASSIGN, {"saksbehandler": ""}, follow=True)
    assert "Velg minst én oppgave" in response.content.decode()


@pytest.mark.parametrize("url", [MINE, OFFICE])
def test_query_count_does_not_grow_with_rows(
    login, leader, caseworker, office_a, today, url, django_assert_max_num_queries
):
    """Leader as assignee, so both views show every row."""
    client = login(leader)

    def add(n):
        for i in range(n):
            p = ParticipantFactory(office=office_a, caseworker=caseworker)
            make_task(p, assignee=leader if i % 2 else caseworker, due=today + days(i))

    add(2)
    client.get(url)  # warm caches (sessions, content types)
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    add(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(rows(response)) in (11, 22)
