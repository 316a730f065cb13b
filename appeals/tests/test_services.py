"""The appeal's life through the services (F4): register with formal checks and a worklist
task, office review (change or forward with PDF/A letters), Statsforvalteren's outcome and
the office's follow-up; the database refuses what must never happen."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from appeals import rules as appeal_rules
from appeals import services
from appeals.models import Appeal, AppealState
from appeals.tests.conftest import MINIMAL_PDF, forward, register
from caseworker.models import AuditEvent
from decisions.models import Document, DocumentKind, Task, TaskStatus
from decisions.rules.procedure import appeal_deadline
from decisions.selectors import open_programme
from decisions.tests.helpers import approve, days, draft
from decisions.tests.pdf_helpers import read, text
from kvp import clock
from kvp.versioning import ConflictError

pytestmark = pytest.mark.django_db


def test_registering_opens_a_review_task_for_the_caseworker(appeal, caseworker, today):
    task = appeal.review_task
    assert appeal.state == AppealState.REGISTERED
    assert task.kind == "appeal_review" and task.status == TaskStatus.OPEN
    assert task.assignee == caseworker
    assert task.due_date == appeal_rules.review_due(today) == today + datetime.timedelta(weeks=3)
    assert AuditEvent.objects.filter(
        object_type="appeal", action="create", participant_id=appeal.participant_id
    ).exists()


def test_only_approved_decisions_can_be_appealed(participant, as_caseworker, grant):
    programme = open_programme(participant.pk)
    pending = draft(
        as_caseworker,
        "interruption",
        participant,
        programme=programme,
        effective_date=clock.today(),
        details={"interruption_reason": "Sykdom"},
    )
    with pytest.raises(ValidationError, match="fattet vedtak"):
        register(as_caseworker, pending)


def test_one_open_appeal_per_decision_in_code_and_in_postgresql(appeal, grant, as_caseworker):
    with pytest.raises(ValidationError, match="allerede en åpen klage"):
        register(as_caseworker, grant)
    with pytest.raises(IntegrityError), transaction.atomic():
        Appeal.objects.create(
            decision=grant,
            participant_id=grant.participant_id,
            office_id=grant.office_id,
            received_on=clock.today(),
            appellant="participant",
            subject="x",
            grounds="y",
            registered_by=appeal.registered_by,
        )
    assert Appeal.objects.filter(decision=grant).count() == 1


def test_a_late_appeal_without_a_reason_cannot_be_forwarded(late_grant, as_caseworker):
    appeal = register(as_caseworker, late_grant)
    deadline = appeal_deadline(late_grant.notice_date)
    with pytest.raises(ValidationError) as error:
        forward(as_caseworker, appeal)
    assert f"etter klagefristen {deadline:%d.%m.%Y}" in str(error.value)
    assert "(FVL31)" in str(error.value)
    appeal.refresh_from_db()
    assert appeal.state == AppealState.REGISTERED and appeal.cover_letter is None
    assert not Document.objects.filter(kind=DocumentKind.COVER_LETTER).exists()
    assert appeal.review_task.status == TaskStatus.OPEN


def test_a_late_appeal_with_a_section_31_reason_is_forwarded(late_grant, as_caseworker):
    appeal = register(as_caseworker, late_grant)
    appeal = services.appeal_update(
        ctx=as_caseworker,
        appeal=appeal,
        data={
            **{f: getattr(appeal, f) for f in services.APPEAL_FIELDS},
            "late_reason": "Deltakeren var innlagt på sykehus hele klagefristen.",
        },
        expected_version=appeal.version,
    )
    appeal = forward(as_caseworker, appeal)
    assert appeal.state == AppealState.FORWARDED
    cover = text(appeal.cover_letter.pdf)
    assert "etter klagefristen" in cover and "innlagt på sykehus" in cover


def test_an_unsigned_appeal_or_one_without_notice_date_cannot_be_forwarded(grant, as_caseworker):
    appeal = register(as_caseworker, grant, signed=False)
    with pytest.raises(ValidationError, match="ikke underskrevet"):
        forward(as_caseworker, appeal)


def test_forwarding_makes_three_pdf_a_documents_and_closes_the_review_task(
    forwarded, interruption, participant, caseworker
):
    appeal = forwarded
    assert appeal.state == AppealState.FORWARDED
    assert appeal.forwarded_by == caseworker
    assert appeal.review_task.status == TaskStatus.CLOSED
    for document in (appeal.appeal_document, appeal.cover_letter, appeal.case_summary):
        xmp = read(document.pdf).xmp_metadata
        assert (xmp.pdfaid_part, xmp.pdfaid_conformance) == ("2", "B")
        assert document.decision_id == appeal.decision_id
    cover = text(appeal.cover_letter.pdf)
    assert "Statsforvalteren" in cover and "Per Pettersen" in cover
    assert "Kopi av dette brevet er sendt til Per Pettersen" in cover
    assert "programmet gjelder fra vedtaksdatoen" in cover  # the office's review
    summary = text(appeal.case_summary.pdf)
    assert "Vesentlig nedsatt arbeids- og inntektsevne" in summary  # eligibility assessment
    assert "Alle vilkår i § 29 er oppfylt" in summary  # the grant's begrunnelse
    assert "Arbeidsutprøving hos Rema 1000" in summary  # the interruption's facts
    assert "Midlertidig avbrudd" in summary
    klage = text(appeal.appeal_document.pdf)
    assert "Jeg søkte i januar" in klage


def test_the_office_changes_its_decision_with_a_new_approved_decision(
    appeal, participant, as_caseworker, as_approver, today
):
    programme = open_programme(participant.pk)
    new = draft(
        as_caseworker,
        "interruption",
        participant,
        programme=programme,
        effective_date=today,
        details={"interruption_reason": "Etter klagen: avbrudd i stedet"},
    )
    # A draft cannot close the appeal: only an approved decision (two-person approval).
    with pytest.raises(ValidationError, match="godkjent vedtak"):
        services.appeal_change(
            ctx=as_caseworker, appeal=appeal, new_decision=new, expected_version=appeal.version
        )
    new = approve(new, as_caseworker, as_approver)
    appeal = services.appeal_change(
        ctx=as_caseworker, appeal=appeal, new_decision=new, expected_version=appeal.version
    )
    assert appeal.state == AppealState.CHANGED and appeal.new_decision == new
    assert appeal.closed_at is not None
    assert appeal.review_task.status == TaskStatus.CLOSED
    with pytest.raises(ValidationError, match="til vurdering ved kontoret"):
        forward(as_caseworker, appeal)


def test_outcome_closes_the_appeal_and_gives_the_office_a_follow_up_task(
    forwarded, as_appeals_officer, as_caseworker, caseworker, today
):
    appeal = services.appeal_register_outcome(
        ctx=as_appeals_officer,
        appeal=forwarded,
        outcome="opphevet",
        outcome_on=today,
        note="Saken er ikke godt nok opplyst.",
        pdf=MINIMAL_PDF,
        filename="avgjorelse.pdf",
        expected_version=forwarded.version,
    )
    assert appeal.state == AppealState.DECIDED
    assert bytes(appeal.outcome_document.pdf) == MINIMAL_PDF
    assert appeal.outcome_document.kind == DocumentKind.APPEAL_OUTCOME
    task = appeal.follow_up_task
    assert (task.kind, task.status, task.assignee) == ("appeal_outcome", "open", caseworker)
    assert task.due_date == today + datetime.timedelta(days=14)
    appeal = services.appeal_follow_up(
        ctx=as_caseworker,
        appeal=appeal,
        note="Ny behandling startet.",
        expected_version=appeal.version,
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.CLOSED and appeal.followed_up_at is not None


def test_outcome_needs_a_pdf_and_a_date_after_forwarding(forwarded, as_appeals_officer, today):
    kwargs = {
        "ctx": as_appeals_officer,
        "appeal": forwarded,
        "outcome": "stadfestet",
        "note": "",
        "filename": "a.pdf",
        "expected_version": forwarded.version,
    }
    with pytest.raises(ValidationError, match="PDF"):
        services.appeal_register_outcome(outcome_on=today, pdf=b"GIF89a", **kwargs)
    with pytest.raises(ValidationError, match="mellom oversendelsen"):
        services.appeal_register_outcome(outcome_on=today - days(30), pdf=MINIMAL_PDF, **kwargs)
    forwarded.refresh_from_db()
    assert forwarded.state == AppealState.FORWARDED
    assert not Document.objects.filter(kind=DocumentKind.APPEAL_OUTCOME).exists()


def test_a_stale_form_does_not_overwrite(appeal, as_caseworker):
    stale = appeal.version
    services.appeal_update(
        ctx=as_caseworker,
        appeal=appeal,
        data={f: getattr(appeal, f) for f in services.APPEAL_FIELDS} | {"signed": False},
        expected_version=stale,
    )
    with pytest.raises(ConflictError):
        services.appeal_forward(
            ctx=as_caseworker, appeal=appeal, review_note="Riktig.", expected_version=stale
        )
    appeal.refresh_from_db()
    assert appeal.state == AppealState.REGISTERED and appeal.signed is False


def test_withdrawing_closes_the_task(appeal, as_caseworker):
    appeal = services.appeal_withdraw(
        ctx=as_caseworker, appeal=appeal, note="Trukket i telefon.", expected_version=appeal.version
    )
    assert appeal.state == AppealState.WITHDRAWN
    assert appeal.review_task.status == TaskStatus.CLOSED


def test_postgresql_refuses_a_decided_appeal_without_its_outcome(forwarded):
    with pytest.raises(IntegrityError), transaction.atomic():
        Appeal.objects.filter(pk=forwarded.pk).update(state="decided", closed_at=clock.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        Appeal.objects.filter(pk=forwarded.pk).update(outcome="avvist")


def test_postgresql_refuses_a_forwarded_appeal_without_its_cover_letter(appeal):
    with pytest.raises(IntegrityError), transaction.atomic():
        Appeal.objects.filter(pk=appeal.pk).update(state="forwarded", forwarded_at=clock.now())


def test_an_appeal_task_is_not_closed_by_the_nightly_scan(appeal, today):
    from decisions.deadlines import scan_deadlines

    scan_deadlines(today)
    assert Task.objects.get(pk=appeal.review_task_id).status == TaskStatus.OPEN
