"""The database itself refuses what must never happen, whatever the code does:
self-approval, an approver without the role or from another office, changing or deleting
an approved decision, two open programmes for one person, overlapping vedtak periods."""

import datetime

import pytest
from django.db import DatabaseError, IntegrityError, transaction

from caseworker.models import Role
from decisions.models import Application, Decision, DecisionStatus, Programme
from kvp import clock
from tests.factories import UserFactory

D = datetime.date


@pytest.fixture
def application(participant, caseworker):
    return Application.objects.create(
        participant=participant,
        office=participant.office,
        received_on=D(2026, 1, 5),
        received_via="digital",
        created_by=caseworker,
    )


@pytest.fixture
def programme(application):
    return Programme.objects.create(
        participant=application.participant,
        office=application.office,
        application=application,
        start_date=D(2026, 2, 1),
    )


def grant(application, caseworker, programme=None, **kwargs):
    values = {
        "participant": application.participant,
        "office": application.office,
        "application": application,
        "programme": programme,
        "kind": "grant",
        "period_start": D(2026, 2, 1),
        "period_end": D(2027, 1, 31),
        "drafted_by": caseworker,
        "status": DecisionStatus.AWAITING_APPROVAL,
    }
    values.update(kwargs)
    return Decision.objects.create(**values)


def approve_sql(decision, approver):
    return Decision.objects.filter(pk=decision.pk).update(
        status=DecisionStatus.APPROVED, approved_by=approver, approved_at=clock.now()
    )


def refused(fn, match):
    with pytest.raises((DatabaseError, IntegrityError), match=match), transaction.atomic():
        fn()


def test_drafter_cannot_approve_own_decision_even_in_sql(application, caseworker, programme):
    caseworker.roles = [Role.CASEWORKER, Role.APPROVER]
    caseworker.save()
    decision = grant(application, caseworker, programme)
    refused(lambda: approve_sql(decision, caseworker), "not_self_approved|annen beslutter")
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.AWAITING_APPROVAL


def test_approver_needs_the_role_and_the_office(
    application, caseworker, caseworker2, programme, office_b
):
    decision = grant(application, caseworker, programme)
    refused(lambda: approve_sql(decision, caseworker2), "annen beslutter ved samme kontor")
    foreign = UserFactory(roles=[Role.APPROVER], office=office_b)
    refused(lambda: approve_sql(decision, foreign), "annen beslutter ved samme kontor")


def test_only_a_decision_awaiting_approval_can_be_approved(
    application, caseworker, approver, programme
):
    decision = grant(application, caseworker, programme, status=DecisionStatus.DRAFT)
    refused(lambda: approve_sql(decision, approver), "sendt til godkjenning")


def test_nothing_is_inserted_as_approved(application, caseworker, approver, programme):
    refused(
        lambda: grant(
            application,
            caseworker,
            programme,
            status=DecisionStatus.APPROVED,
            approved_by=approver,
            approved_at=clock.now(),
        ),
        "godkjennes av en beslutter",
    )


def test_approved_decision_never_changes_but_notice_date_is_recorded_once(
    application, caseworker, approver, programme
):
    decision = grant(application, caseworker, programme)
    assert approve_sql(decision, approver) == 1
    refused(
        lambda: Decision.objects.filter(pk=decision.pk).update(reasoning="Ny begrunnelse"),
        "kan ikke endres",
    )
    refused(lambda: Decision.objects.filter(pk=decision.pk).delete(), "kan ikke slettes")
    Decision.objects.filter(pk=decision.pk).update(notice_date=D(2026, 1, 20))
    refused(
        lambda: Decision.objects.filter(pk=decision.pk).update(notice_date=D(2026, 1, 21)),
        "kan ikke endres",
    )
    decision.refresh_from_db()
    assert decision.notice_date == D(2026, 1, 20) and decision.reasoning == ""


def test_one_open_programme_per_participant(application, programme, caseworker):
    second = Application.objects.create(
        participant=application.participant,
        office=application.office,
        received_on=D(2026, 3, 1),
        received_via="papir",
        created_by=caseworker,
    )

    def open_second():
        Programme.objects.create(
            participant=application.participant,
            office=application.office,
            application=second,
            start_date=D(2026, 6, 1),
        )

    refused(open_second, "one_open_programme_per_participant")
    # V5: after the first has ended, a new programme may start.
    Programme.objects.filter(pk=programme.pk).update(ended_on=D(2026, 5, 31))
    open_second()
    assert Programme.objects.filter(participant=application.participant).count() == 2


def test_approved_vedtak_periods_of_a_programme_do_not_overlap(
    application, caseworker, approver, programme
):
    first = grant(application, caseworker, programme)
    approve_sql(first, approver)
    overlapping = Decision.objects.create(
        participant=application.participant,
        office=application.office,
        programme=programme,
        kind="extension",
        period_start=D(2027, 1, 31),
        period_end=D(2027, 6, 30),
        drafted_by=caseworker,
        status=DecisionStatus.AWAITING_APPROVAL,
    )
    refused(lambda: approve_sql(overlapping, approver), "decision_periods_do_not_overlap")
    overlapping.delete()  # one decision in the works per programme
    following = Decision.objects.create(
        participant=application.participant,
        office=application.office,
        programme=programme,
        kind="extension",
        period_start=D(2027, 2, 1),
        period_end=D(2027, 6, 30),
        drafted_by=caseworker,
        status=DecisionStatus.AWAITING_APPROVAL,
    )
    assert approve_sql(following, approver) == 1


def test_one_decision_in_the_works_per_programme(application, caseworker, approver, programme):
    approve_sql(grant(application, caseworker, programme), approver)

    def pending_extension():
        Decision.objects.create(
            participant=application.participant,
            office=application.office,
            programme=programme,
            kind="extension",
            period_start=D(2027, 2, 1),
            period_end=D(2027, 6, 30),
            drafted_by=caseworker,
        )

    pending_extension()
    refused(pending_extension, "one_pending_decision_per_programme")
