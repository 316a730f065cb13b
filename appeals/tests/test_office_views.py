"""The office's appeal pages: register from the decision page, see the formal checks, forward
or change, and find the appeal's task in the worklist with a link to the appeal."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from appeals.models import Appeal, AppealState
from appeals.tests.conftest import register
from caseworker.models import AuditEvent
from tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def test_the_decision_page_offers_to_register_an_appeal(grant, caseworker, login):
    client = login(caseworker)
    page = soup(client.get(reverse("decisions:decision_detail", args=[grant.pk])))
    link = page.find("a", string="Registrer klage på vedtaket")
    assert link["href"] == reverse("appeals:register", args=[grant.pk])


def test_registering_through_the_form(grant, caseworker, login, today):
    client = login(caseworker)
    url = reverse("appeals:register", args=[grant.pk])
    form = soup(client.get(url))
    assert "Klagefrist (F2)" in form.get_text()
    bad = client.post(
        url,
        {
            "received_on": "31.02.2026",
            "appellant": "representative",
            "representative_name": "",
            "subject": "",
            "grounds": "x",
        },
    )
    text = soup(bad).get_text()
    assert bad.status_code == 200
    assert "Skriv datoen som dd.mm.åååå" in text
    assert "Skriv navnet på fullmektigen." in text
    assert "Skriv hva klagen gjelder." in text
    assert not Appeal.objects.exists()
    good = client.post(
        url,
        {
            "received_on": today.strftime("%d.%m.%Y"),
            "appellant": "participant",
            "subject": "Startdatoen",
            "grounds": "Jeg søkte tidligere.",
        },
    )
    appeal = Appeal.objects.get()
    assert good["Location"] == reverse("appeals:detail", args=[appeal.pk])
    page = soup(client.get(good["Location"]))
    # Not signed: registered, but the page says what stops forwarding.
    assert "Klagen er ikke underskrevet" in page.get_text()
    assert "(FVL32)" in page.get_text()


def test_a_future_received_date_is_refused_with_a_message(grant, caseworker, login, today):
    import datetime

    client = login(caseworker)
    response = client.post(
        reverse("appeals:register", args=[grant.pk]),
        {
            "received_on": (today + datetime.timedelta(days=3)).strftime("%d.%m.%Y"),
            "appellant": "participant",
            "subject": "a",
            "grounds": "b",
            "signed": "on",
        },
    )
    assert "kan ikke være etter i dag" in response.content.decode()
    assert not Appeal.objects.exists()


def test_forwarding_from_the_page(appeal, caseworker, login):
    client = login(caseworker)
    url = reverse("appeals:forward", args=[appeal.pk])
    empty = client.post(url, {"review_note": "", "version": appeal.version})
    assert "Skriv kontorets vurdering av klagen." in empty.content.decode()
    response = client.post(url, {"review_note": "Vedtaket er riktig.", "version": appeal.version})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.state == AppealState.FORWARDED
    page = soup(client.get(reverse("appeals:detail", args=[appeal.pk])))
    links = {a.get_text(strip=True) for a in page.find_all("a")}
    assert "Oversendelsesbrev til Statsforvalteren (PDF)" in links
    assert "Sakssammendrag (PDF)" in links


def test_the_worklist_links_the_appeal_task_to_the_appeal(appeal, caseworker, login):
    client = login(caseworker)
    page = soup(client.get(reverse("decisions:worklist")))
    row = next(r for r in page.find_all("tr") if "Klage mottatt" in r.get_text())
    link = next(a for a in row.find_all("a") if "Gå til saken" in a.get_text())
    assert link["href"] == reverse("appeals:detail", args=[appeal.pk])


def test_the_office_list_is_scoped_audited_and_its_queries_do_not_grow(
    appeal,
    caseworker,
    other_caseworker,
    login,
    as_caseworker,
    as_approver,
    django_assert_max_num_queries,
    office_a,
):
    from appeals.tests.conftest import granted

    client = login(caseworker)
    url = reverse("appeals:list")
    with django_assert_max_num_queries(30) as one:
        page = client.get(url)
    assert "Pettersen, Per" in page.content.decode()
    for _ in range(3):
        person = ParticipantFactory(office=office_a, caseworker=caseworker)
        register(as_caseworker, granted(person, as_caseworker, as_approver, notice_days_ago=2))
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(url)
    assert len(soup(page).select("tbody tr")) == 4
    assert (
        AuditEvent.objects.filter(actor=caseworker, action="list", object_type="appeal").count()
        >= 5
    )
    other = login(other_caseworker)
    assert "Pettersen" not in other.get(url).content.decode()
