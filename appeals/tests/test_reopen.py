"""F4 / fvl § 33: the office takes an appealed rejection up for a new assessment. The
application goes back to under behandling, the normal flow makes a new decision, and an
approved grant closes the appeal as changed by the office."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from appeals import selectors, services
from appeals.models import Appeal, AppealState
from appeals.tests.conftest import assessed_application, days_ago, forward, register
from caseworker.audit import AuditContext
from caseworker.models import AuditEvent
from decisions import documents
from decisions import services as decision_services
from decisions.deadlines import scan_deadlines
from decisions.models import (
    Application,
    ApplicationStatus,
    Decision,
    Task,
    TaskKind,
    TaskStatus,
)
from decisions.selectors import open_programme
from decisions.tests.helpers import ALL_FULFILLED, add_years, approve, days, draft
from kvp import clock

pytestmark = pytest.mark.django_db

NOT_MET = {
    **ALL_FULFILLED,
    "reduced_capacity": (False, "Arbeidsevnen er ikke vesentlig nedsatt etter vurderingen."),
}


def rejected(participant, as_caseworker, as_approver, *, notice_days_ago: int = 10):
    """An application received 40 days before the rejection (no foreløpig svar), rejected
    under V2 and sent `notice_days_ago` days ago."""
    with days_ago(notice_days_ago):
        today = clock.today()
        application = assessed_application(participant, as_caseworker, NOT_MET)
        rejection = draft(
            as_caseworker,
            "rejection",
            participant,
            application=application,
            details={"unmet_conditions": ["reduced_capacity"]},
            reasoning="Arbeidsevnen er ikke vesentlig nedsatt (§ 29 første ledd).",
        )
        rejection = approve(rejection, as_caseworker, as_approver)
        documents.letter_issue(decision_id=rejection.pk)
        rejection = decision_services.decision_record_notice(
            ctx=as_caseworker,
            decision=rejection,
            notice_date=today,
            expected_version=rejection.version,
        )
    return rejection


@pytest.fixture
def rejection(participant, as_caseworker, as_approver):
    return rejected(participant, as_caseworker, as_approver)


@pytest.fixture
def rejection_appeal(rejection, as_caseworker):
    return register(
        as_caseworker,
        rejection,
        subject="Jeg vil ha kvalifiseringsprogram.",
        grounds="Legen min mener arbeidsevnen er vesentlig nedsatt.",
    )


def reopen(ctx, appeal):
    return services.appeal_reopen_application(
        ctx=ctx, appeal=appeal, expected_version=appeal.version
    )


def reassess(ctx, application):
    application.refresh_from_db()
    return decision_services.application_assess(
        ctx=ctx,
        application=application,
        assessments=ALL_FULFILLED,
        data={"benefits_checked": ["aap", "uforetrygd", "overgangsstonad"]},
        expected_version=application.version,
    )


# --- Reopening ------------------------------------------------------------------------------------


def test_reopening_puts_the_rejected_application_back_under_behandling(
    rejection_appeal, rejection, as_caseworker, caseworker, today
):
    before = rejection_appeal.version
    application_version = rejection.application.version
    appeal = reopen(as_caseworker, rejection_appeal)

    application = Application.objects.get(pk=rejection.application_id)
    assert application.status == ApplicationStatus.IN_PROGRESS
    assert application.version == application_version + 1
    assert application.reopened_at is not None
    assert f"Klage mottatt {today:%d.%m.%Y}" in application.reopened_reason
    assert "forvaltningsloven § 33" in application.reopened_reason
    assert appeal.state == AppealState.REGISTERED
    assert appeal.version == before + 1
    assert appeal.reopened_by == caseworker

    rows = AuditEvent.objects.filter(actor=caseworker, participant_id=appeal.participant_id)
    reopened_row = rows.get(
        object_type="application", object_id=str(application.pk), detail__reason="appeal"
    )
    assert reopened_row.action == "change"
    assert reopened_row.detail["reason"] == "appeal"
    assert reopened_row.detail["appeal"] == appeal.pk
    assert "status" in reopened_row.detail["fields"]
    assert rows.filter(
        object_type="appeal", object_id=str(appeal.pk), detail__fields=["reopened_at"]
    ).exists()
    # The appeal's review task keeps running: the office still owes a timely review.
    assert Task.objects.get(pk=appeal.review_task_id).status == TaskStatus.OPEN


def test_a_reopened_application_gets_no_overdue_interim_reply_task(
    rejection_appeal, rejection, as_caseworker, today
):
    """F3: the application was answered by the rejection (sent 10 days ago, 50 days after it
    came in without a foreløpig svar); reopening it on appeal does not make the nightly scan
    demand a foreløpig svar that is overdue since long before the appeal."""
    reopen(as_caseworker, rejection_appeal)
    application = Application.objects.get(pk=rejection.application_id)
    assert application.interim_reply_sent_on == rejection.notice_date
    scan_deadlines(today)
    assert not Task.objects.filter(
        kind=TaskKind.INTERIM_REPLY_DUE, application=application, status=TaskStatus.OPEN
    ).exists()


def test_the_decision_can_only_be_drafted_after_reopening(
    rejection_appeal, rejection, participant, as_caseworker
):
    application = rejection.application
    with pytest.raises(ValidationError, match="åpen søknad"):
        draft(as_caseworker, "grant", participant, application=application)
    reopen(as_caseworker, rejection_appeal)
    application.refresh_from_db()
    reassess(as_caseworker, application)


def _unchanged(appeal, application_id, audit_count):
    appeal_now = Appeal.objects.get(pk=appeal.pk)
    assert appeal_now.version == appeal.version
    assert appeal_now.reopened_at is None
    assert Application.objects.get(pk=application_id).status == ApplicationStatus.DECIDED
    assert AuditEvent.objects.count() == audit_count


def test_reopening_is_refused_for_a_grant(appeal, grant, as_caseworker):
    count = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as error:
        reopen(as_caseworker, appeal)
    assert "Bare et avslag på en søknad kan tas opp til ny behandling" in error.value.messages[0]
    _unchanged(appeal, grant.application_id, count)


def test_reopening_is_refused_once_the_appeal_is_forwarded_or_withdrawn(
    rejection_appeal, rejection, as_caseworker
):
    forwarded = forward(as_caseworker, rejection_appeal, note="Avslaget er riktig.")
    count = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as error:
        reopen(as_caseworker, forwarded)
    assert error.value.messages == [services.REFUSALS["reopen"]]
    _unchanged(forwarded, rejection.application_id, count)


def test_reopening_is_refused_twice_and_for_a_stale_form(
    rejection_appeal, rejection, as_caseworker
):
    stale = Appeal.objects.get(pk=rejection_appeal.pk)
    services.appeal_update(
        ctx=as_caseworker,
        appeal=rejection_appeal,
        data={**services._clean(vars(rejection_appeal)), "signed": True},
        expected_version=rejection_appeal.version,
    )
    count = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as error:
        reopen(as_caseworker, stale)
    assert "endret av noen andre" in error.value.messages[0]
    fresh = Appeal.objects.get(pk=rejection_appeal.pk)
    _unchanged(fresh, rejection.application_id, count)

    reopened = reopen(as_caseworker, fresh)
    with pytest.raises(ValidationError) as error:
        reopen(as_caseworker, reopened)
    assert "allerede tatt opp til ny behandling" in error.value.messages[0]


def test_forwarding_waits_for_the_new_decision(rejection_appeal, as_caseworker):
    appeal = reopen(as_caseworker, rejection_appeal)
    with pytest.raises(ValidationError) as error:
        forward(as_caseworker, appeal, note="Avslaget er riktig.")
    assert "har ikke fått nytt vedtak" in error.value.messages[0]
    assert Appeal.objects.get(pk=appeal.pk).state == AppealState.REGISTERED


def test_a_reopened_application_can_be_withdrawn_and_the_appeal_then_forwarded(
    rejection_appeal, rejection, as_caseworker
):
    appeal = reopen(as_caseworker, rejection_appeal)
    application = Application.objects.get(pk=rejection.application_id)
    decision_services.application_close(
        ctx=as_caseworker,
        application=application,
        status=ApplicationStatus.WITHDRAWN,
        reason="Søkeren trakk søknaden i samtale.",
        expected_version=application.version,
    )
    assert Decision.objects.get(pk=rejection.pk).status == "approved"
    forwarded = forward(as_caseworker, Appeal.objects.get(pk=appeal.pk), note="Avslaget står.")
    assert forwarded.state == AppealState.FORWARDED


# --- The new decision -----------------------------------------------------------------------------


def test_reopen_assess_grant_approve_closes_the_appeal_as_changed(
    rejection_appeal, rejection, participant, as_caseworker, as_approver, approver, today
):
    appeal = reopen(as_caseworker, rejection_appeal)
    application = reassess(as_caseworker, rejection.application)
    grant = draft(
        as_caseworker,
        "grant",
        participant,
        application=application,
        period_start=today,
        period_end=add_years(today, 1) - days(1),
        reasoning="Ny legeerklæring viser at arbeidsevnen er vesentlig nedsatt.",
    )
    assert selectors.reopened_case(Appeal.objects.get(pk=appeal.pk)).pending == grant
    grant = approve(grant, as_caseworker, as_approver)

    appeal = Appeal.objects.get(pk=appeal.pk)
    assert appeal.state == AppealState.CHANGED
    assert appeal.new_decision == grant
    assert appeal.closed_by == approver
    assert Task.objects.get(pk=appeal.review_task_id).status == TaskStatus.CLOSED
    assert open_programme(participant.pk).application_id == application.pk
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.DECIDED
    event = AuditEvent.objects.get(
        actor=approver, object_type="appeal", object_id=str(appeal.pk), action="change"
    )
    assert event.detail["on_approval"] is True
    assert event.detail["new_decision"] == grant.pk
    # The participant is told by the grant's vedtaksbrev, which says it replaces the rejection.
    letter = documents.letter_issue(decision_id=grant.pk)
    decided = timezone.localtime(rejection.approved_at).date()
    assert "gir deg medhold" in letter.data["reconsidered"]
    assert f"erstatter vedtaket vårt fra {decided:%d.%m.%Y}" in letter.data["reconsidered"]
    assert not Appeal.objects.open().filter(pk=appeal.pk).exists()


def test_a_new_rejection_leaves_the_appeal_to_be_forwarded(
    rejection_appeal, rejection, participant, as_caseworker, as_approver
):
    appeal = reopen(as_caseworker, rejection_appeal)
    application = Application.objects.get(pk=rejection.application_id)
    second = draft(
        as_caseworker,
        "rejection",
        participant,
        application=application,
        details={"unmet_conditions": ["reduced_capacity"]},
        reasoning="Også den nye legeerklæringen viser at arbeidsevnen ikke er vesentlig nedsatt.",
    )
    second = approve(second, as_caseworker, as_approver)

    appeal = Appeal.objects.get(pk=appeal.pk)
    assert appeal.state == AppealState.REGISTERED
    case = selectors.reopened_case(appeal)
    assert case.new_decisions == [second]
    assert "avslått på nytt" in case.step
    assert services.reopen_refusal(appeal) is not None
    assert "fortsatt" in documents.letter_issue(decision_id=second.pk).data["reconsidered"]
    # Upheld: the case goes to Statsforvalteren with both rejections in its file.
    documents.letter_issue(decision_id=rejection.pk)
    decision_services.decision_record_notice(
        ctx=as_caseworker,
        decision=second,
        notice_date=clock.today(),
        expected_version=second.version,
    )
    forwarded = forward(as_caseworker, appeal, note="Avslaget opprettholdes etter ny vurdering.")
    assert forwarded.state == AppealState.FORWARDED
    assert [d.pk for d in selectors.case_decisions(forwarded)] == [rejection.pk, second.pk]


def test_a_grant_on_another_application_leaves_an_appeal_not_reopened_alone(
    rejection_appeal, participant, as_caseworker, as_approver, today
):
    """Only an appeal whose application was taken up again closes on approval; the office
    links anything else by hand (appeal_change)."""
    application = decision_services.application_register(
        ctx=as_caseworker,
        participant=participant,
        data={"received_on": today, "received_via": "digital"},
    )
    application = reassess(as_caseworker, application)
    grant = draft(
        as_caseworker,
        "grant",
        participant,
        application=application,
        period_start=today,
        period_end=add_years(today, 1) - days(1),
    )
    grant = approve(grant, as_caseworker, as_approver)
    appeal = Appeal.objects.get(pk=rejection_appeal.pk)
    assert appeal.state == AppealState.REGISTERED
    assert grant in services.change_candidates(appeal)


def test_the_office_may_link_a_new_rejection_on_the_same_application_by_hand(
    rejection_appeal, rejection, participant, as_caseworker, as_approver
):
    """A new rejection that gives the appellant what they asked for (e.g. a V4 reason
    dropped) can still be registered as the office's change."""
    appeal = reopen(as_caseworker, rejection_appeal)
    second = draft(
        as_caseworker,
        "rejection",
        participant,
        application=Application.objects.get(pk=rejection.application_id),
        details={"unmet_conditions": ["reduced_capacity"]},
    )
    second = approve(second, as_caseworker, as_approver)
    appeal = Appeal.objects.get(pk=appeal.pk)
    changed = services.appeal_change(
        ctx=as_caseworker, appeal=appeal, new_decision=second, expected_version=appeal.version
    )
    assert changed.state == AppealState.CHANGED
    assert changed.new_decision == second


# --- The pages ------------------------------------------------------------------------------------


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def test_the_appeal_page_reopens_and_shows_where_the_case_stands(
    rejection_appeal, rejection, caseworker, login
):
    client = login(caseworker)
    url = reverse("appeals:detail", args=[rejection_appeal.pk])
    page = soup(client.get(url))
    button = page.find("input", attrs={"value": "Ta opp søknaden til ny behandling"}) or page.find(
        "button", string="Ta opp søknaden til ny behandling"
    )
    assert button is not None
    form = button.find_parent("form")
    assert form["action"] == reverse("appeals:reopen", args=[rejection_appeal.pk])

    response = client.post(form["action"], {"version": rejection_appeal.version})
    application_url = reverse("decisions:application_detail", args=[rejection.application_id])
    assert response.status_code == 302
    assert response["Location"] == application_url
    application_page = soup(client.get(application_url)).get_text(" ", strip=True)
    assert "Tatt opp til ny behandling" in application_page
    assert "Under behandling" in application_page
    assert "Send foreløpig svar" not in application_page

    page = soup(client.get(url))
    panel = page.find("section", attrs={"aria-labelledby": "h-ny-behandling"})
    assert "vurder vilkårene i § 29 på nytt" in panel.get_text(" ", strip=True)
    assert panel.find("a", href=application_url) is not None
    assert page.find("input", attrs={"value": "Ta opp søknaden til ny behandling"}) is None


def test_a_stale_reopen_form_comes_back_with_a_message(
    rejection_appeal, rejection, caseworker, login
):
    client = login(caseworker)
    response = client.post(
        reverse("appeals:reopen", args=[rejection_appeal.pk]),
        {"version": rejection_appeal.version + 5},
    )
    assert response.status_code == 200
    assert "endret av noen andre" in response.content.decode()
    assert Application.objects.get(pk=rejection.application_id).status == "avgjort"


def test_no_reopen_on_a_grant_and_no_access_from_another_office(
    appeal, rejection_appeal, caseworker, other_caseworker, login
):
    client = login(caseworker)
    page = soup(client.get(reverse("appeals:detail", args=[appeal.pk])))
    assert "Ta opp søknaden til ny behandling" not in page.get_text()
    refused = client.post(reverse("appeals:reopen", args=[appeal.pk]), {"version": appeal.version})
    assert refused.status_code == 200
    assert "Bare et avslag på en søknad" in refused.content.decode()

    other = login(other_caseworker)
    response = other.post(
        reverse("appeals:reopen", args=[rejection_appeal.pk]),
        {"version": rejection_appeal.version},
    )
    assert response.status_code == 404
    assert Appeal.objects.get(pk=rejection_appeal.pk).reopened_at is None


def test_the_approval_hook_rolls_back_with_the_approval(
    rejection_appeal, rejection, participant, as_caseworker, approver, monkeypatch, today
):
    """The appeal closes in the approval's transaction: if closing fails, nothing is approved."""
    reopen(as_caseworker, rejection_appeal)
    application = reassess(as_caseworker, rejection.application)
    grant = draft(
        as_caseworker,
        "grant",
        participant,
        application=application,
        period_start=today,
        period_end=add_years(today, 1) - days(1),
    )
    grant = decision_services.decision_send_for_approval(
        ctx=as_caseworker, decision=grant, expected_version=grant.version
    )

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "appeal_close_by_new_decision", broken)
    with pytest.raises(RuntimeError):
        decision_services.decision_approve(
            ctx=AuditContext(actor=approver), decision=grant, expected_version=grant.version
        )
    assert Decision.objects.get(pk=grant.pk).status == "awaiting_approval"
    assert Appeal.objects.get(pk=rejection_appeal.pk).state == AppealState.REGISTERED
