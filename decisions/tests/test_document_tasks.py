"""The document jobs through a real Celery worker on Redis: approving a decision makes its
letter once the approval commits; the job run twice makes one letter; a leader's batch of
deltakerbevis finishes with its progress counted in the database."""

from __future__ import annotations

import os
import time

import pytest
from celery.contrib.testing.worker import start_worker

from caseworker.audit import AuditContext
from decisions import documents
from decisions.models import (
    CertificateBatch,
    Document,
    DocumentKind,
    ParticipationCertificate,
    Programme,
)
from decisions.tasks import issue_decision_letter
from decisions.tests.helpers import add_years, approve, days, draft
from decisions.tests.pdf_helpers import text
from kvp.celery import app

QUEUE = f"kvp-documents-test-{os.getpid()}"


@pytest.fixture(scope="module")
def celery_worker_on_redis():
    with start_worker(
        app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=[QUEUE]
    ) as worker:
        yield worker


@pytest.fixture
def document_queue(settings):
    settings.KVP_DOCUMENT_QUEUE = QUEUE
    return QUEUE


def wait_for(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.django_db(transaction=True)
def test_approval_makes_the_letter_on_a_real_worker(
    celery_worker_on_redis, document_queue, application, participant, as_caseworker, as_approver
):
    start = application.received_on + days(30)
    grant = draft(
        as_caseworker,
        "grant",
        participant,
        application=application,
        period_start=start,
        period_end=add_years(start, 1) - days(1),
    )
    grant = approve(grant, as_caseworker, as_approver)  # commits: on_commit sends the job
    letters = Document.objects.filter(kind=DocumentKind.DECISION_LETTER, decision=grant)
    assert wait_for(letters.exists), "the worker made no letter within 30 s"
    letter = letters.get()
    assert "Vedtak om kvalifiseringsprogram" in text(letter.pdf)
    # The job again (a retry, a duplicate message): still one letter, the same bytes.
    again = issue_decision_letter.apply_async((grant.pk,), queue=QUEUE).get(timeout=30)
    assert again == letter.pk
    assert letters.count() == 1


@pytest.mark.django_db(transaction=True)
def test_certificate_batch_runs_on_a_real_worker(
    celery_worker_on_redis,
    document_queue,
    programme,
    participant,
    as_caseworker,
    as_approver,
    caseworker,
    approver,
    leader,
    today,
):
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
    certificate = ParticipationCertificate.objects.get(programme=programme)
    certificate = documents.certificate_update(
        ctx=as_caseworker,
        certificate=certificate,
        data={
            "activities": [
                {
                    "description": "Arbeidstrening i kantine",
                    "start": programme.start_date.isoformat(),
                    "end": today.isoformat(),
                    "hours_per_week": "37.5",
                }
            ],
            "competence": "Kjøkkendrift.",
            "resources": "Stabil.",
            "progression": "God.",
        },
        expected_version=certificate.version,
    )
    certificate = documents.certificate_send_for_review(
        ctx=as_caseworker, certificate=certificate, expected_version=certificate.version
    )
    documents.certificate_review(
        ctx=AuditContext(actor=approver),
        certificate=certificate,
        approve=True,
        expected_version=certificate.version,
    )
    batch = documents.certificate_batch_start(
        ctx=AuditContext(actor=leader), office_id=certificate.office_id
    )
    assert wait_for(lambda: CertificateBatch.objects.get(pk=batch.pk).finished_at is not None), (
        "the batch did not finish within 30 s"
    )
    batch.refresh_from_db()
    assert (batch.total, batch.done, batch.failed) == (1, 1, 0)
    certificate.refresh_from_db()
    assert certificate.status == "issued"
    assert "Arbeidstrening i kantine" in text(certificate.document.pdf)
