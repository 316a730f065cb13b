"""The vedtak lifecycle through the services, with the rules core deciding what is legal."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from decisions import documents, rules, services
from decisions.models import ApplicationStatus, DecisionStatus, Programme
from decisions.selectors import open_programme, programme_history
from decisions.tests.helpers import add_years, approve, days, draft


def test_grant_approved_creates_an_active_programme(programme, application, today):
    assert programme is not None
    history = programme_history(programme)
    assert rules.programme_state(history, today) == "active"
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DECIDED
    grant = programme.decisions.get()
    assert grant.status == DecisionStatus.APPROVED and grant.programme == programme


def test_drafter_cannot_approve_own_decision(
    participant, application, caseworker, as_caseworker, today
):
    caseworker.roles = ["veileder", "beslutter"]
    caseworker.save()
    grant = draft(
        as_caseworker,
        "grant",
        participant,
        application=application,
        period_start=today,
        period_end=add_years(today, 1) - days(1),
    )
    grant = services.decision_send_for_approval(
        ctx=as_caseworker, decision=grant, expected_version=grant.version
    )
    with pytest.raises(ValidationError, match="ikke godkjenne et vedtak du har skrevet selv"):
        services.decision_approve(ctx=as_caseworker, decision=grant, expected_version=grant.version)
    grant.refresh_from_db()
    assert grant.status == DecisionStatus.AWAITING_APPROVAL


def test_double_approval_takes_effect_once(
    participant, application, as_caseworker, as_approver, today
):
    grant = draft(
        as_caseworker,
        "grant",
        participant,
        application=application,
        period_start=today,
        period_end=add_years(today, 1) - days(1),
    )
    grant = services.decision_send_for_approval(
        ctx=as_caseworker, decision=grant, expected_version=grant.version
    )
    version = grant.version
    services.decision_approve(ctx=as_approver, decision=grant, expected_version=version)
    with pytest.raises(services.ConflictError, match="allerede godkjent"):
        services.decision_approve(ctx=as_approver, decision=grant, expected_version=version)
    assert Programme.objects.filter(participant=participant).count() == 1


def test_stale_edit_is_refused_and_changes_nothing(participant, application, as_caseworker, today):
    grant = draft(
        as_caseworker,
        "grant",
        participant,
        application=application,
        period_start=today,
        period_end=add_years(today, 1) - days(1),
    )
    stale = grant.version
    services.decision_update(
        ctx=as_caseworker,
        decision=grant,
        data={"reasoning": "Første versjon."},
        expected_version=stale,
    )
    with pytest.raises(services.ConflictError, match="endret av noen andre"):
        services.decision_update(
            ctx=as_caseworker,
            decision=grant,
            data={"reasoning": "Andre versjon."},
            expected_version=stale,
        )
    grant.refresh_from_db()
    assert grant.reasoning == "Første versjon."


def test_returned_decision_can_be_edited_and_resent(
    participant, application, as_caseworker, as_approver, today
):
    grant = draft(
        as_caseworker,
        "grant",
        participant,
        application=application,
        period_start=today,
        period_end=add_years(today, 1) - days(1),
    )
    grant = services.decision_send_for_approval(
        ctx=as_caseworker, decision=grant, expected_version=grant.version
    )
    grant = services.decision_return(
        ctx=as_approver,
        decision=grant,
        reason="reasoning",
        comment="Mangler hovedhensyn.",
        expected_version=grant.version,
    )
    assert grant.status == DecisionStatus.RETURNED
    grant = services.decision_update(
        ctx=as_caseworker,
        decision=grant,
        data={"reasoning": "Nå med hovedhensyn."},
        expected_version=grant.version,
    )
    grant = approve(grant, as_caseworker, as_approver)
    assert grant.status == DecisionStatus.APPROVED


def test_extension_past_two_years_needs_special_grounds_D1(
    programme, participant, as_caseworker, as_approver
):
    first_end = programme_history(programme).decision_periods[-1].end
    second = draft(
        as_caseworker,
        "extension",
        participant,
        programme=programme,
        period_start=first_end + days(1),
        period_end=add_years(first_end + days(1), 1) - days(1),
    )
    approve(second, as_caseworker, as_approver)
    programme = open_programme(participant.pk)
    end_two_years = programme_history(programme).decision_periods[-1].end
    with pytest.raises(ValidationError) as error:
        draft(
            as_caseworker,
            "extension",
            participant,
            programme=programme,
            period_start=end_two_years + days(1),
            period_end=end_two_years + days(90),
        )
    assert "(D1)" in " ".join(error.value.messages)


def test_interruption_and_resumption_move_the_latest_end_date(
    programme, participant, as_caseworker, as_approver, today
):
    before = rules.latest_end_date(programme_history(programme), today, special=False)
    interrupt_on = programme.start_date + days(100)
    interruption = draft(
        as_caseworker,
        "interruption",
        participant,
        programme=programme,
        effective_date=interrupt_on,
        details={"interruption_reason": "Arbeidsutprøving"},
    )
    approve(interruption, as_caseworker, as_approver)
    programme = open_programme(participant.pk)
    resumption = draft(
        as_caseworker,
        "resumption",
        participant,
        programme=programme,
        effective_date=interrupt_on + days(30),
        details={"a3_assessment": "Vilkårene er fortsatt oppfylt, målet nås."},
    )
    approve(resumption, as_caseworker, as_approver)
    programme = open_programme(participant.pk)
    after = rules.latest_end_date(programme_history(programme), today, special=False)
    assert after - before == days(30)


def test_termination_for_birth_related_absence_in_first_year_is_refused_A6(
    programme, participant, as_caseworker, today
):
    with pytest.raises(ValidationError) as error:
        draft(
            as_caseworker,
            "termination",
            participant,
            programme=programme,
            effective_date=today,
            details={
                "termination_reason": "other",
                "situation_after": "01",
                "absence_cause": "birth",
                "absence_started": (today - days(100)).isoformat(),
            },
        )
    assert "(A6)" in " ".join(error.value.messages)


def test_second_grant_while_a_programme_is_open_is_refused_V5(
    programme, participant, as_caseworker, today
):
    new_application = services.application_register(
        ctx=as_caseworker,
        participant=participant,
        data={"received_on": today, "received_via": "papir"},
    )
    with pytest.raises(ValidationError, match="V5"):
        draft(
            as_caseworker,
            "grant",
            participant,
            application=new_application,
            period_start=today,
            period_end=today + days(100),
        )


def test_rejection_when_all_conditions_hold_needs_the_V4_exception(
    participant, application, as_caseworker
):
    with pytest.raises(ValidationError) as error:
        draft(as_caseworker, "rejection", participant, application=application)
    assert "(V4)" in " ".join(error.value.messages)
    rejection = draft(
        as_caseworker,
        "rejection",
        participant,
        application=application,
        details={
            "v4_exception": True,
            "v4_reason": "Tilbudet som trengs finnes ikke i kommunen og kan ikke kjøpes.",
        },
    )
    assert rejection.status == DecisionStatus.DRAFT


@pytest.mark.usefixtures("on_default_day")
def test_notice_date_starts_the_klagefrist_F2(programme, as_caseworker, today):
    grant = programme.decisions.get()
    with pytest.raises(ValidationError, match="Vedtaksbrevet er ikke laget"):
        services.decision_record_notice(
            ctx=as_caseworker, decision=grant, notice_date=today, expected_version=grant.version
        )
    documents.letter_issue(decision_id=grant.pk)
    grant = services.decision_record_notice(
        ctx=as_caseworker, decision=grant, notice_date=today, expected_version=grant.version
    )
    # Noticed Wednesday 18.11.2026: three weeks later is Wednesday 09.12.2026, a working day.
    assert rules.appeal_deadline(grant.notice_date) == datetime.date(2026, 12, 9)
    with pytest.raises(ValidationError, match="allerede registrert"):
        services.decision_record_notice(
            ctx=as_caseworker, decision=grant, notice_date=today, expected_version=grant.version
        )


def test_interim_reply_is_recorded_once_the_month_has_passed_F3(participant, as_caseworker, today):
    application = services.application_register(
        ctx=as_caseworker,
        participant=participant,
        data={"received_on": today - days(40), "received_via": "papir"},
    )
    assert rules.interim_reply_due(application.received_on) <= today
    with pytest.raises(ValidationError, match="mellom mottatt dato og i dag"):
        services.application_record_interim_reply(
            ctx=as_caseworker,
            application=application,
            sent_on=today + days(1),
            expected_version=application.version,
        )
    application = services.application_record_interim_reply(
        ctx=as_caseworker,
        application=application,
        sent_on=today,
        expected_version=application.version,
    )
    assert application.interim_reply_sent_on == today


def test_rejection_cannot_cite_a_condition_assessed_as_met_V2(
    participant, application, as_caseworker
):
    with pytest.raises(ValidationError) as error:
        draft(
            as_caseworker,
            "rejection",
            participant,
            application=application,
            details={"unmet_conditions": ["reduced_capacity"]},
        )
    assert "(V2)" in " ".join(error.value.messages)


def test_only_one_decision_in_the_works_per_programme(programme, participant, as_caseworker):
    programme = open_programme(participant.pk)  # prefetches approved decisions only
    draft(
        as_caseworker,
        "interruption",
        participant,
        programme=programme,
        effective_date=programme.start_date + days(150),
        details={"interruption_reason": "Sykdom"},
    )
    programme = open_programme(participant.pk)
    with pytest.raises(ValidationError, match="under arbeid"):
        draft(
            as_caseworker,
            "interruption",
            participant,
            programme=programme,
            effective_date=programme.start_date + days(160),
            details={"interruption_reason": "Sykdom"},
        )
