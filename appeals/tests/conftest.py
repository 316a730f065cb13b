"""Appeal fixtures: a programme granted (and its letter sent) some days ago, interrupted
today, and helpers that register and forward an appeal through the services."""

from __future__ import annotations

import contextlib
import datetime

import pytest
import time_machine

from appeals import services
from caseworker.audit import AuditContext
from decisions import documents
from decisions import services as decision_services
from decisions.selectors import open_programme
from decisions.tests.helpers import ALL_FULFILLED, add_years, approve, days, draft
from kvp import clock

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@contextlib.contextmanager
def days_ago(n: int):
    """Run the block as if it were n days ago (approvals and notices carry today's date)."""
    with time_machine.travel(clock.now() - datetime.timedelta(days=n)):
        yield


@pytest.fixture
def as_caseworker(caseworker):
    return AuditContext(actor=caseworker, client_address="127.0.0.1")


@pytest.fixture
def as_approver(approver):
    return AuditContext(actor=approver, client_address="127.0.0.1")


@pytest.fixture
def as_appeals_officer(appeals_officer):
    return AuditContext(actor=appeals_officer, client_address="127.0.0.1")


def assessed_application(participant, as_caseworker, assessments):
    """An application received 40 days ago (no foreløpig svar) and assessed the § 29
    conditions as `assessments` says, as the caseworker."""
    today = clock.today()
    application = decision_services.application_register(
        ctx=as_caseworker,
        participant=participant,
        data={"received_on": today - days(40), "received_via": "digital"},
    )
    return decision_services.application_assess(
        ctx=as_caseworker,
        application=application,
        assessments=assessments,
        data={
            "benefits_checked": ["aap", "uforetrygd", "overgangsstonad"],
            "entitled_benefits": [],
            "work_capacity_assessed_on": today - days(35),
            "work_capacity_reference": "AEV-2026-7",
        },
        expected_version=application.version,
    )


def granted(participant, as_caseworker, as_approver, *, notice_days_ago: int):
    """A grant approved, its letter made and sent `notice_days_ago` days ago."""
    with days_ago(notice_days_ago):
        today = clock.today()
        application = assessed_application(participant, as_caseworker, ALL_FULFILLED)
        start = today - days(20)
        grant = draft(
            as_caseworker,
            "grant",
            participant,
            application=application,
            period_start=start,
            period_end=add_years(start, 1) - days(1),
            reasoning="Alle vilkår i § 29 er oppfylt etter samtale og arbeidsevnevurdering.",
        )
        grant = approve(grant, as_caseworker, as_approver)
        documents.letter_issue(decision_id=grant.pk)
        grant = decision_services.decision_record_notice(
            ctx=as_caseworker,
            decision=grant,
            notice_date=today,
            expected_version=grant.version,
        )
    return grant


@pytest.fixture
def grant(participant, as_caseworker, as_approver):
    """Granted and sent 10 days ago: an appeal today is within the klagefrist."""
    return granted(participant, as_caseworker, as_approver, notice_days_ago=10)


@pytest.fixture
def late_grant(participant, as_caseworker, as_approver):
    """Granted and sent 40 days ago: an appeal today is after the klagefrist."""
    return granted(participant, as_caseworker, as_approver, notice_days_ago=40)


@pytest.fixture
def interruption(grant, participant, as_caseworker, as_approver, today):
    """The same programme interrupted from today (a second decision in the case)."""
    programme = open_programme(participant.pk)
    decision = draft(
        as_caseworker,
        "interruption",
        participant,
        programme=programme,
        effective_date=today,
        details={"interruption_reason": "Arbeidsutprøving hos Rema 1000"},
    )
    decision = approve(decision, as_caseworker, as_approver)
    documents.letter_issue(decision_id=decision.pk)
    return decision


APPEAL_DATA = {
    "appellant": "participant",
    "representative_name": "",
    "power_of_attorney": False,
    "subject": "Jeg vil ha programmet fra en tidligere dato.",
    "grounds": "Jeg søkte i januar og burde fått programmet fra da.",
    "signed": True,
    "late_reason": "",
}


def register(ctx, decision, **changes):
    data = {**APPEAL_DATA, "received_on": clock.today(), **changes}
    return services.appeal_register(ctx=ctx, decision=decision, data=data)


def forward(ctx, appeal, note="Vedtaket er riktig: programmet gjelder fra vedtaksdatoen."):
    return services.appeal_forward(
        ctx=ctx, appeal=appeal, review_note=note, expected_version=appeal.version
    )


@pytest.fixture
def appeal(grant, as_caseworker):
    return register(as_caseworker, grant)


@pytest.fixture
def forwarded(interruption, grant, as_caseworker):
    """An appeal of the grant, forwarded to Statsforvalteren (the case has two decisions)."""
    return forward(as_caseworker, register(as_caseworker, grant))
