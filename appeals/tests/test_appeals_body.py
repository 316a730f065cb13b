"""Statsforvalteren's side: an appeals officer sees a case only while its appeal is forwarded
and open, exports a complete and correct case file, registers the outcome; every read and
export is audited and shown to the office's leader as Statsforvalteren's."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from appeals import services
from appeals.models import AppealState
from appeals.tests.conftest import MINIMAL_PDF, forward, register
from caseworker.models import AuditEvent
from decisions.models import Decision, Document, DocumentKind, TaskStatus
from decisions.rules.procedure import appeal_deadline
from kvp import clock
from participants.models import Participant
from tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


def body_urls(appeal):
    return [
        reverse("appeals:body_case", args=[appeal.pk]),
        reverse("appeals:body_export", args=[appeal.pk]),
        reverse("appeals:body_document", args=[appeal.pk, appeal.decision.documents.first().pk]),
    ]


def decide(appeal, ctx, outcome="stadfestet"):
    return services.appeal_register_outcome(
        ctx=ctx,
        appeal=appeal,
        outcome=outcome,
        outcome_on=clock.today(),
        note="",
        pdf=MINIMAL_PDF,
        filename="a.pdf",
        expected_version=appeal.version,
    )


# --- Scope ---------------------------------------------------------------------------------------


def test_an_appeals_officer_cannot_see_or_export_a_case_not_forwarded(
    appeal, appeals_officer, login, participant
):
    client = login(appeals_officer)
    for url in body_urls(appeal):
        assert client.get(url).status_code == 404
    assert not Participant.objects.visible_to(appeals_officer).exists()
    listing = BeautifulSoup(client.get(reverse("appeals:body_list")).content, "html.parser")
    assert "Pettersen" not in listing.get_text()
    denied = AuditEvent.objects.filter(
        actor=appeals_officer, participant_id=participant.pk, outcome="deny"
    )
    assert denied.count() == 3


def test_an_appeals_officer_sees_a_forwarded_case_from_any_office(
    forwarded, appeals_officer, login
):
    client = login(appeals_officer)
    assert list(Participant.objects.visible_to(appeals_officer)) == [forwarded.participant]
    page = BeautifulSoup(client.get(reverse("appeals:body_list")).content, "html.parser")
    link = page.find("a", string="Pettersen, Per")
    assert link["href"] == reverse("appeals:body_case", args=[forwarded.pk])
    assert "NAV Grünerløkka" in page.get_text()
    for url in body_urls(forwarded):
        assert client.get(url).status_code == 200


def test_access_ends_when_the_appeal_is_closed(
    forwarded, appeals_officer, as_appeals_officer, login
):
    decide(forwarded, as_appeals_officer)
    client = login(appeals_officer)
    for url in body_urls(forwarded):
        assert client.get(url).status_code == 404
    assert not Participant.objects.visible_to(appeals_officer).exists()


def test_access_ends_when_the_appeal_is_withdrawn(forwarded, appeals_officer, as_caseworker, login):
    services.appeal_withdraw(
        ctx=as_caseworker, appeal=forwarded, note="", expected_version=forwarded.version
    )
    client = login(appeals_officer)
    assert client.get(body_urls(forwarded)[0]).status_code == 404


def test_an_appeals_officer_gets_no_office_page(forwarded, appeals_officer, login):
    """The forwarded participant is visible to them, but only through the appeals pages."""
    client = login(appeals_officer)
    participant = forwarded.participant
    for url in (
        reverse("participants:detail", args=[participant.pk]),
        reverse("decisions:decision_detail", args=[forwarded.decision_id]),
        reverse("decisions:programme_detail", args=[forwarded.decision.programme_id]),
        reverse("decisions:document_download", args=[forwarded.cover_letter_id]),
        reverse("appeals:detail", args=[forwarded.pk]),
        reverse("decisions:worklist"),
        reverse("participants:list"),
    ):
        assert client.get(url).status_code == 403, url


def test_a_document_of_another_case_is_not_served(
    forwarded, appeals_officer, login, office_a, caseworker, as_caseworker, as_approver
):
    from appeals.tests.conftest import granted

    other = ParticipantFactory(office=office_a, caseworker=caseworker)
    other_grant = granted(other, as_caseworker, as_approver, notice_days_ago=5)
    letter = Document.objects.get(kind=DocumentKind.DECISION_LETTER, decision=other_grant)
    client = login(appeals_officer)
    url = reverse("appeals:body_document", args=[forwarded.pk, letter.pk])
    assert client.get(url).status_code == 404


def test_other_office_staff_do_not_see_the_appeal(appeal, other_caseworker, login):
    client = login(other_caseworker)
    assert client.get(reverse("appeals:detail", args=[appeal.pk])).status_code == 404


# --- The case page -------------------------------------------------------------------------------


def test_the_case_page_summarises_the_case(forwarded, interruption, appeals_officer, login):
    client = login(appeals_officer)
    page = BeautifulSoup(
        client.get(reverse("appeals:body_case", args=[forwarded.pk])).content, "html.parser"
    )
    text = page.get_text(" ", strip=True)
    assert "Vilkårsvurdering" in text and "Vesentlig nedsatt arbeids- og inntektsevne" in text
    assert "Programforløp" in text and page.find("svg")
    assert "Alle vilkår i § 29 er oppfylt" in text  # the grant's begrunnelse
    assert "Innvilgelse, fattet" in text and "Midlertidig avbrudd, fattet" in text
    assert "påklaget" in text
    letters = [a["href"] for a in page.find_all("a") if "Vedtaksbrevet" in a.get_text()]
    assert len(letters) == 2
    export = page.find("a", string=lambda s: s and "Last ned hele saken" in s)
    assert export["href"] == reverse("appeals:body_export", args=[forwarded.pk])


# --- Export ------------------------------------------------------------------------------------


def test_the_zip_holds_exactly_the_listed_documents_and_matches_the_database(
    forwarded, interruption, grant, appeals_officer, login
):
    client = login(appeals_officer)
    response = client.get(reverse("appeals:body_export", args=[forwarded.pk]))
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    manifest = json.loads(archive.read("manifest.json"))
    names = sorted(archive.namelist())
    assert names == sorted([f["name"] for f in manifest["files"]] + ["manifest.json"])
    roles = sorted(f["role"] for f in manifest["files"])
    assert roles == sorted(
        [
            "paklaget_vedtaksbrev",
            "vedtaksbrev",
            "klage",
            "oversendelsesbrev",
            "sakssammendrag",
            "vedtak_csv",
        ]
    )
    # Every file is byte for byte the stored document, with the manifest's checksum.
    for entry in manifest["files"]:
        data = archive.read(entry["name"])
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        if entry["document_id"]:
            stored = Document.objects.get(pk=entry["document_id"])
            assert stored.sha256 == entry["sha256"]
            assert stored.participant_id == forwarded.participant_id
    by_role = {f["role"]: f for f in manifest["files"]}
    appealed_letter = Document.objects.get(kind=DocumentKind.DECISION_LETTER, decision=grant)
    assert by_role["paklaget_vedtaksbrev"]["document_id"] == appealed_letter.pk
    assert by_role["vedtaksbrev"]["document_id"] == (
        Document.objects.get(kind=DocumentKind.DECISION_LETTER, decision=interruption).pk
    )
    assert by_role["oversendelsesbrev"]["document_id"] == forwarded.cover_letter_id
    # The decisions listed are the case's approved decisions, as stored.
    in_db = Decision.objects.filter(programme_id=grant.programme_id, status="approved")
    assert sorted(d["id"] for d in manifest["decisions"]) == sorted(d.pk for d in in_db)
    for row in manifest["decisions"]:
        decision = in_db.get(pk=row["id"])
        assert row["kind"] == decision.kind
        assert row["reasoning"] == decision.reasoning
        assert row["legal_basis"] == decision.legal_basis
        assert row["approved_by"] == decision.approved_by.get_full_name()
        assert row["decided_on"] == timezone.localtime(decision.approved_at).date().isoformat()
        assert row["period_start"] == (
            decision.period_start.isoformat() if decision.period_start else None
        )
        assert row["notice_date"] == (
            decision.notice_date.isoformat() if decision.notice_date else None
        )
        assert row["appealed"] == (decision.pk == grant.pk)
    grant_row = next(r for r in manifest["decisions"] if r["id"] == grant.pk)
    assert grant_row["appeal_deadline"] == appeal_deadline(grant.notice_date).isoformat()
    # The CSV lists the same decisions.
    rows = list(
        csv.DictReader(
            io.StringIO(archive.read("decisions.csv").decode("utf-8-sig")), delimiter=";"
        )
    )
    assert sorted(int(r["vedtak_id"]) for r in rows) == sorted(d.pk for d in in_db)
    assert {r["vedtakstype"] for r in rows} == {"grant", "interruption"}


def test_reads_and_exports_are_audited_and_shown_to_the_office_leader(
    forwarded, appeals_officer, leader, login, client
):
    officer = login(appeals_officer)
    officer.get(reverse("appeals:body_case", args=[forwarded.pk]))
    officer.get(reverse("appeals:body_export", args=[forwarded.pk]))
    events = AuditEvent.objects.filter(
        actor=appeals_officer, participant_id=forwarded.participant_id, outcome="permit"
    )
    assert set(events.values_list("action", flat=True)) >= {"view", "export"}
    assert all(e.detail.get("appeals_body") for e in events)
    client.force_login(leader)
    page = BeautifulSoup(
        client.get(reverse("participants:access_log", args=[forwarded.participant_id])).content,
        "html.parser",
    )
    rows = [
        [cell.get_text(" ", strip=True) for cell in row.find_all(["td", "th"])]
        for row in page.find_all("tr")
        if "Z990021" in row.get_text()
    ]
    assert any("Statsforvalteren" in r and "Eksporterte" in r for r in rows)
    assert any("Statsforvalteren" in r and "Så" in r for r in rows)


def test_the_period_csv_lists_the_decisions_of_the_appeals_the_officer_decided(
    forwarded, appeals_officer, as_appeals_officer, leader, login, today
):
    decide(forwarded, as_appeals_officer, outcome="avvist")
    client = login(appeals_officer)
    response = client.get(
        reverse("appeals:body_period_csv"),
        {"fra": today.strftime("%d.%m.%Y"), "til": today.strftime("%d.%m.%Y")},
    )
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    ids = Decision.objects.filter(
        programme_id=forwarded.decision.programme_id, status="approved"
    ).values_list("pk", flat=True)
    assert sorted(int(r["vedtak_id"]) for r in rows) == sorted(ids)
    assert {r["utfall"] for r in rows} == {"Avvist – klagen behandles ikke"}
    exported = AuditEvent.objects.get(
        actor=appeals_officer, action="export", participant_id=forwarded.participant_id
    )
    assert exported.object_type == "appeal"
    assert exported.object_id == str(forwarded.pk)
    assert exported.detail["format"] == "csv"
    # The office's "Hvem har sett denne deltakeren?" shows the export by Statsforvalteren.
    client.force_login(leader)
    log = BeautifulSoup(
        client.get(reverse("participants:access_log", args=[forwarded.participant_id])).content,
        "html.parser",
    )
    rows = [
        row.get_text(" ", strip=True) for row in log.find_all("tr") if "Z990021" in row.get_text()
    ]
    assert any("Statsforvalteren" in r and "Eksporterte" in r and "Klage" in r for r in rows)
    client.force_login(appeals_officer)
    # Another period: nothing.
    earlier = client.get(
        reverse("appeals:body_period_csv"), {"fra": "01.01.2020", "til": "31.12.2020"}
    )
    assert len(earlier.content.decode("utf-8-sig").strip().splitlines()) == 1


def test_the_period_csv_refuses_bad_dates_with_a_message(appeals_officer, login):
    client = login(appeals_officer)
    response = client.get(reverse("appeals:body_period_csv"), {"fra": "31.12.2026", "til": "x"})
    assert response.status_code == 400
    assert "Skriv datoen som dd.mm.åååå" in response.content.decode()


# --- Outcome through the page --------------------------------------------------------------------


def test_registering_the_outcome_with_an_upload(
    forwarded, appeals_officer, login, caseworker, today
):
    client = login(appeals_officer)
    url = reverse("appeals:body_outcome", args=[forwarded.pk])
    bad = client.post(
        url,
        {
            "outcome": "omgjort",
            "outcome_on": today.strftime("%d.%m.%Y"),
            "note": "",
            "document": SimpleUploadedFile("a.txt", b"hei", content_type="text/plain"),
            "version": forwarded.version,
        },
    )
    assert bad.status_code == 200
    assert "Filen er ikke en PDF" in bad.content.decode()
    forwarded.refresh_from_db()
    assert forwarded.state == AppealState.FORWARDED
    good = client.post(
        url,
        {
            "outcome": "omgjort",
            "outcome_on": today.strftime("%d.%m.%Y"),
            "note": "Nytt vedtak fattet.",
            "document": SimpleUploadedFile("a.pdf", MINIMAL_PDF, content_type="application/pdf"),
            "version": forwarded.version,
        },
    )
    assert good.status_code == 302 and good["Location"] == reverse("appeals:body_list")
    forwarded.refresh_from_db()
    assert forwarded.state == AppealState.DECIDED and forwarded.outcome == "omgjort"
    assert forwarded.follow_up_task.status == TaskStatus.OPEN
    assert forwarded.follow_up_task.assignee == caseworker


# --- Query counts --------------------------------------------------------------------------------


def test_the_appeals_list_queries_do_not_grow_with_rows(
    forwarded,
    appeals_officer,
    login,
    office_b,
    as_caseworker,
    as_approver,
    django_assert_max_num_queries,
    other_caseworker,
):
    from appeals.tests.conftest import granted
    from caseworker.audit import AuditContext
    from tests.factories import UserFactory

    client = login(appeals_officer)
    url = reverse("appeals:body_list")
    with django_assert_max_num_queries(30) as one:
        assert client.get(url).status_code == 200
    approver_b = UserFactory(roles=["beslutter"], office=office_b)
    ctx_b = AuditContext(actor=other_caseworker)
    for _ in range(3):
        person = ParticipantFactory(office=office_b, caseworker=other_caseworker)
        decision = granted(person, ctx_b, AuditContext(actor=approver_b), notice_days_ago=3)
        forward(ctx_b, register(ctx_b, decision))
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(url)
    assert page.content.decode().count("NAV Bergenhus") == 3
