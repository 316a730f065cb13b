"""Deltakerbevis (P6): drafted when the programme ends, filled in by the caseworker, reviewed
by another person, issued as stored PDF/A by a leader's batch with progress in the database."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from caseworker.audit import AuditContext
from caseworker.models import AuditEvent
from decisions import documents
from decisions.models import CertificateBatch, ParticipationCertificate, Programme
from decisions.tests.helpers import approve, days, draft
from decisions.tests.pdf_helpers import read, text
from participants.models import AddressProtection

pytestmark = pytest.mark.django_db


def fmt(day: datetime.date) -> str:
    return day.strftime("%d.%m.%Y")


@pytest.fixture
def ended(programme, participant, as_caseworker, as_approver, today):
    """The programme, completed today."""
    programme = Programme.objects.get(pk=programme.pk)
    termination = draft(
        as_caseworker,
        "termination",
        participant,
        programme=programme,
        effective_date=today,
        details={"termination_reason": "completed", "situation_after": "01"},
    )
    approve(termination, as_caseworker, as_approver)
    return Programme.objects.get(pk=programme.pk)


@pytest.fixture
def certificate(ended):
    return ParticipationCertificate.objects.get(programme=ended)


def form_data(certificate, *, rows, **fields):
    data = {
        "activity-TOTAL_FORMS": str(max(len(rows), 1) + 1),
        "activity-INITIAL_FORMS": "0",
        "activity-MIN_NUM_FORMS": "0",
        "activity-MAX_NUM_FORMS": "40",
        "version": str(certificate.version),
        "full_time": "on",
        "attendance": "Stabilt oppmøte, 94 % av avtalte timer.",
        "competence": "Truckførerbevis og erfaring fra lager.",
        "resources": "Punktlig og samarbeidsvillig.",
        "progression": "Fra 50 % til full arbeidsdag på seks måneder.",
        **fields,
    }
    for i, (description, start, end, hours) in enumerate(rows):
        data |= {
            f"activity-{i}-description": description,
            f"activity-{i}-start": fmt(start),
            f"activity-{i}-end": fmt(end),
            f"activity-{i}-hours_per_week": hours,
        }
    return data


def fill_in(client, certificate, programme, **fields):
    rows = [
        (
            "Arbeidspraksis på lager, Coop Norge",
            programme.start_date,
            programme.start_date + days(90),
            "30",
        ),
        (
            "Norskopplæring",
            programme.start_date + days(10),
            programme.start_date + days(100),
            "7,5",
        ),
    ]
    return client.post(
        reverse("decisions:certificate_detail", args=[certificate.pk]),
        form_data(certificate, rows=rows, **fields),
    )


def test_ending_a_programme_drafts_one_certificate_with_empty_activity_rows(certificate, ended):
    assert certificate.status == "draft"
    assert certificate.activities == []
    assert documents.certificate_draft_data(ended) == {
        "activities": [],
        "full_time": True,
        "attendance": "",
    }
    # Drafting again (a retried job) makes no second one.
    again = documents.certificate_draft(
        ctx=AuditContext(actor=certificate.edited_by),
        programme=ended,
        drafted_by=certificate.edited_by,
    )
    assert again.pk == certificate.pk


def test_caseworker_fills_in_the_activities_and_texts(certificate, ended, login, caseworker):
    response = fill_in(login(caseworker), certificate, ended)
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert [row["description"] for row in certificate.activities] == [
        "Arbeidspraksis på lager, Coop Norge",
        "Norskopplæring",
    ]
    assert certificate.activities[1]["hours_per_week"] == "7.5"
    assert certificate.competence == "Truckførerbevis og erfaring fra lager."


def test_an_activity_outside_the_programme_is_refused_and_nothing_changes(
    certificate, ended, login, caseworker
):
    rows = [("Kurs", ended.start_date - days(5), ended.start_date + days(5), "10")]
    response = login(caseworker).post(
        reverse("decisions:certificate_detail", args=[certificate.pk]),
        form_data(certificate, rows=rows),
    )
    assert response.status_code == 200
    assert "perioden må ligge innenfor programmet" in response.content.decode()
    certificate.refresh_from_db()
    assert certificate.activities == [] and certificate.competence == ""


def test_bad_hours_get_a_norwegian_message(certificate, ended, login, caseworker):
    rows = [("Kurs", ended.start_date, ended.start_date + days(5), "40")]
    response = login(caseworker).post(
        reverse("decisions:certificate_detail", args=[certificate.pk]),
        form_data(certificate, rows=rows),
    )
    assert response.status_code == 200
    assert "kan ikke være mer enn 37,5" in response.content.decode()


def test_a_stale_form_does_not_overwrite(certificate, ended, login, caseworker):
    client = login(caseworker)
    fill_in(client, certificate, ended)
    response = fill_in(client, certificate, ended, competence="Eldre tekst")  # old version
    assert "endret av noen andre" in response.content.decode()
    certificate.refresh_from_db()
    assert certificate.competence == "Truckførerbevis og erfaring fra lager."


def test_send_for_review_needs_activities_and_texts(certificate, login, caseworker):
    client = login(caseworker)
    client.post(
        reverse("decisions:certificate_send", args=[certificate.pk]),
        {"version": certificate.version},
        follow=True,
    )
    certificate.refresh_from_db()
    assert certificate.status == "draft"


def _reviewed(certificate, ended, login, caseworker, approver):
    fill_in(login(caseworker), certificate, ended)
    certificate.refresh_from_db()
    login(caseworker).post(
        reverse("decisions:certificate_send", args=[certificate.pk]),
        {"version": certificate.version},
    )
    certificate.refresh_from_db()
    assert certificate.status == "awaiting_review"
    login(approver).post(
        reverse("decisions:certificate_review", args=[certificate.pk]),
        {"version": certificate.version, "outcome": "approve"},
    )
    certificate.refresh_from_db()
    return certificate


def test_the_writer_cannot_review_their_own_certificate(
    certificate, ended, login, caseworker, leader
):
    fill_in(login(caseworker), certificate, ended)
    certificate.refresh_from_db()
    documents.certificate_send_for_review(
        ctx=AuditContext(actor=caseworker),
        certificate=certificate,
        expected_version=certificate.version,
    )
    certificate.refresh_from_db()
    with pytest.raises(Exception, match="skrevet selv"):
        documents.certificate_review(
            ctx=AuditContext(actor=caseworker),
            certificate=certificate,
            approve=True,
            expected_version=certificate.version,
        )
    # The caseworker has no review permission at the door either.
    response = login(caseworker).post(
        reverse("decisions:certificate_review", args=[certificate.pk]),
        {"version": certificate.version, "outcome": "approve"},
    )
    assert response.status_code == 403


def test_reviewed_certificate_issued_as_pdf_a_with_the_p6_content(
    certificate, ended, login, caseworker, approver, leader, participant
):
    certificate = _reviewed(certificate, ended, login, caseworker, approver)
    assert certificate.status == "reviewed"
    batch = documents.certificate_batch_start(
        ctx=AuditContext(actor=leader), office_id=certificate.office_id
    )
    batch = documents.certificate_batch_run(batch.pk)
    assert (batch.total, batch.done, batch.failed, batch.finished) == (1, 1, 0, True)
    certificate.refresh_from_db()
    assert certificate.status == "issued"
    pdf = certificate.document.pdf
    reader = read(pdf)
    assert (reader.xmp_metadata.pdfaid_part, reader.xmp_metadata.pdfaid_conformance) == ("2", "B")
    content = text(pdf)
    assert "Deltakerbevis for kvalifiseringsprogram" in content
    assert f"Per Pettersen, født {fmt(participant.birth_date)}" in content
    assert f"fra og med {fmt(ended.start_date)} til og med {fmt(ended.ended_on)}" in content
    days_used = (ended.ended_on - ended.start_date).days + 1
    assert f"Programtid: {days_used} dager" in content
    assert "Programmet var på full tid, 37,5 timer i uken" in content
    assert (
        f"Arbeidspraksis på lager, Coop Norge {fmt(ended.start_date)}–"
        f"{fmt(ended.start_date + days(90))} 30" in content
    )
    assert "Norskopplæring" in content and "7,5" in content
    assert "Stabilt oppmøte, 94 % av avtalte timer." in content
    assert "Truckførerbevis og erfaring fra lager." in content
    assert "Punktlig og samarbeidsvillig." in content
    assert "Fra 50 % til full arbeidsdag på seks måneder." in content
    assert "Storgata" not in content  # the certificate carries no address at all
    # Running the batch again issues nothing twice.
    again = documents.certificate_batch_run(batch.pk)
    assert again.done == 1
    assert certificate.document.data["participant"]["name"] == "Per Pettersen"


def test_strictly_confidential_certificate_is_signed_nav_only(
    certificate, ended, login, authorised_caseworker, approver, leader, participant
):
    participant.address_protection = AddressProtection.STRICTLY_CONFIDENTIAL
    participant.save()
    leader.may_see_strictly_confidential = True
    leader.save()
    approver.may_see_strictly_confidential = True
    approver.save()
    certificate = _reviewed(certificate, ended, login, authorised_caseworker, approver)
    batch = documents.certificate_batch_start(
        ctx=AuditContext(actor=leader), office_id=certificate.office_id
    )
    documents.certificate_batch_run(batch.pk)
    certificate.refresh_from_db()
    content = text(certificate.document.pdf)
    assert "Grünerløkka" not in content and "Storgata" not in content
    assert "Ingrid Berg" not in content


def test_batch_page_lists_pending_and_the_progress_fragment_is_accessible(
    certificate, ended, login, caseworker, approver, leader, settings, monkeypatch
):
    from decisions import tasks

    certificate = _reviewed(certificate, ended, login, caseworker, approver)
    client = login(leader)
    page = client.get(reverse("decisions:certificate_batches")).content.decode()
    assert "Per Pettersen" in page and "Utsted alle 1 for NAV Grünerløkka" in page
    monkeypatch.setattr(tasks.issue_certificate_batch, "apply_async", lambda *a, **k: None)
    response = client.post(
        reverse("decisions:certificate_batches"), {"office": certificate.office_id}
    )
    batch = CertificateBatch.objects.get()
    assert response.url == reverse("decisions:certificate_batch", args=[batch.pk])
    fragment = client.get(response.url, HTTP_HX_REQUEST="true").content.decode()
    assert '<progress id="batch-bar" max="1" value="0">' in fragment
    assert 'aria-live="polite"' in fragment and 'hx-trigger="every 1s"' in fragment
    assert '<label for="batch-bar"' in fragment
    documents.certificate_batch_run(batch.pk)
    fragment = client.get(response.url, HTTP_HX_REQUEST="true").content.decode()
    assert "Ferdig: 1 utstedt" in fragment and "hx-trigger" not in fragment


def test_only_leaders_issue_batches_and_only_their_offices(
    certificate, login, caseworker, other_leader, approver
):
    assert login(caseworker).get(reverse("decisions:certificate_batches")).status_code == 403
    assert login(approver).get(reverse("decisions:certificate_batches")).status_code == 403
    response = login(other_leader).post(
        reverse("decisions:certificate_batches"), {"office": certificate.office_id}
    )
    assert response.status_code == 404


def test_other_office_cannot_see_the_certificate(certificate, login, other_caseworker):
    url = reverse("decisions:certificate_detail", args=[certificate.pk])
    assert login(other_caseworker).get(url).status_code == 404
    assert AuditEvent.objects.filter(
        outcome="deny", object_type="participationcertificate"
    ).exists()


def test_certificate_page_shows_the_preview(certificate, login, caseworker):
    page = login(caseworker).get(reverse("decisions:certificate_detail", args=[certificate.pk]))
    html = page.content.decode()
    assert "Fyll ut deltakerbeviset" in html
    assert "Deltakerbevis for kvalifiseringsprogram" in html


def test_a_batch_whose_job_was_lost_is_finished_by_the_nightly_sweep(
    certificate, ended, login, caseworker, approver, leader, monkeypatch
):
    from decisions import tasks

    certificate = _reviewed(certificate, ended, login, caseworker, approver)
    monkeypatch.setattr(tasks.issue_certificate_batch, "apply_async", lambda *a, **k: None)
    batch = documents.certificate_batch_start(
        ctx=AuditContext(actor=leader), office_id=certificate.office_id
    )
    assert documents.stale_certificate_batches() == []  # just started: not stale yet
    CertificateBatch.objects.filter(pk=batch.pk).update(
        created_at=batch.created_at - datetime.timedelta(hours=1, minutes=1)
    )
    assert tasks.issue_missing_documents()["batches"] == 1  # (and the two letters)
    certificate.refresh_from_db()
    assert certificate.status == "issued"


def _reviewed_certificates(office, count, drafter, reviewer, today):
    """Ended programmes with reviewed certificates, written directly (no PDFs needed)."""
    from decisions.models import Application
    from tests.factories import ParticipantFactory

    for _ in range(count):
        person = ParticipantFactory(office=office)
        application = Application.objects.create(
            participant=person,
            office=office,
            received_on=today - days(400),
            received_via="digital",
            status="avgjort",
            created_by=drafter,
        )
        programme = Programme.objects.create(
            participant=person,
            office=office,
            application=application,
            start_date=today - days(365),
            ended_on=today - days(1),
        )
        ParticipationCertificate.objects.create(
            programme=programme,
            participant=person,
            office=office,
            status="reviewed",
            edited_by=drafter,
            reviewed_by=reviewer,
        )


def test_batch_page_query_count_is_flat_in_rows(
    office_a, caseworker, approver, leader, login, today, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(leader)
    url = reverse("decisions:certificate_batches")
    _reviewed_certificates(office_a, 1, caseworker, approver, today)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert "1 kontrollert" in client.get(url).content.decode()
    _reviewed_certificates(office_a, 4, caseworker, approver, today)
    with django_assert_max_num_queries(len(one)):
        assert "5 kontrollerte" in client.get(url).content.decode()


def test_leader_front_page_counts_certificates_to_issue(
    office_a, caseworker, approver, leader, login, today
):
    _reviewed_certificates(office_a, 2, caseworker, approver, today)
    from bs4 import BeautifulSoup

    def seen(user):
        html = login(user).get("/").content.decode()
        return " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())

    assert "2 kontrollerte deltakerbevis venter på utstedelse" in seen(leader)
    assert "deltakerbevis venter" not in seen(caseworker)


def test_a_batch_leaves_out_persons_the_leader_may_not_see(
    office_a, caseworker, approver, leader, today, monkeypatch
):
    from decisions import tasks

    monkeypatch.setattr(tasks.issue_certificate_batch, "apply_async", lambda *a, **k: None)
    _reviewed_certificates(office_a, 2, caseworker, approver, today)
    hidden = ParticipationCertificate.objects.order_by("pk").first().participant
    hidden.address_protection = AddressProtection.STRICTLY_CONFIDENTIAL
    hidden.save()
    batch = documents.certificate_batch_start(ctx=AuditContext(actor=leader), office_id=office_a.pk)
    assert batch.total == 1
    assert not batch.certificates.filter(participant=hidden).exists()
