"""Demo appeals for `make run`: one registered and awaiting the office's review, one forwarded
to Statsforvalteren, so the statsforvalter demo user (Z990021) has a case to read and export,
and one of a rejection (a new application by someone whose earlier programme has ended)
awaiting review, so the office can take the application up again (fvl § 33).
Idempotent: does nothing when appeals exist."""

from __future__ import annotations

import datetime

from django.db.models import F
from django.utils import timezone

from appeals import services
from appeals.models import Appeal
from caseworker.audit import AuditContext
from decisions.models import Decision, DecisionStatus
from kvp import clock
from participants.models import AddressProtection


def _sent(decision: Decision) -> Decision:
    """Record that the letter was sent the day the decision was approved (demo decisions are
    loaded without their notice date)."""
    if decision.notice_date is None:
        Decision.objects.filter(pk=decision.pk).update(
            notice_date=timezone.localtime(decision.approved_at).date(),
            version=F("version") + 1,
            updated_at=clock.now(),
        )
        decision.refresh_from_db()
    return decision


def seed_appeals() -> str:
    if Appeal.objects.exists():
        return "Klager: finnes allerede."
    today = clock.today()
    candidates = list(
        Decision.objects.filter(
            status=DecisionStatus.APPROVED,
            programme__isnull=False,
            participant__caseworker__isnull=False,
            participant__shielded=False,
        )
        .exclude(participant__address_protection=AddressProtection.STRICTLY_CONFIDENTIAL)
        .select_related("participant", "participant__caseworker", "programme")
        # Kari's (Z990001) participants first: the demo's first caseworker meets them.
        .order_by(F("participant__caseworker__username").asc(), "-approved_at")
    )
    chosen, seen = [], set()
    for decision in candidates:
        if decision.participant_id not in seen:
            chosen.append(decision)
            seen.add(decision.participant_id)
        if len(chosen) == 2:
            break
    made = 0
    for number, decision in enumerate(chosen):
        decision = _sent(decision)
        ctx = AuditContext(actor=decision.participant.caseworker, path="demo_data")
        received = min(today, decision.notice_date + datetime.timedelta(days=12))
        appeal = services.appeal_register(
            ctx=ctx,
            decision=decision,
            data={
                "received_on": received,
                "appellant": "participant",
                "subject": f"Jeg klager på vedtaket om {decision.get_kind_display().lower()}.",
                "grounds": "Jeg mener NAV ikke har lagt nok vekt på helsen min og det "
                "legen min har skrevet.",
                "signed": True,
            },
        )
        made += 1
        if number == 0:
            services.appeal_forward(
                ctx=ctx,
                appeal=appeal,
                review_note="Kontoret har vurdert klagen og legeerklæringen på nytt. Vedtaket "
                "bygger på en samlet vurdering av vilkårene, og klagen gir ikke nye "
                "opplysninger som endrer den.",
                expected_version=appeal.version,
            )
    if _rejection_appeal(today):
        made += 1
    return f"Klager: {made} nye (én oversendt til Statsforvalteren)."


def _rejection_appeal(today: datetime.date) -> bool:
    """A new application from a participant whose programme has ended, rejected through the
    services (V2: capacity not reduced enough), sent, and appealed today."""
    from caseworker.models import Role, User
    from decisions import documents
    from decisions import services as decision_services
    from decisions.models import Condition
    from participants.models import Participant

    candidates = (
        Participant.objects.filter(
            programmes__ended_on__isnull=False, caseworker__isnull=False, shielded=False
        )
        .exclude(address_protection=AddressProtection.STRICTLY_CONFIDENTIAL)
        .exclude(programmes__ended_on__isnull=True)
        .exclude(applications__status__in=["mottatt", "under_behandling"])
        .select_related("caseworker")
        .order_by(F("caseworker__username").asc(), "pk")
        .distinct()
    )
    approvers = {
        u.office_id: u for u in User.objects.filter(roles__contains=[Role.APPROVER], is_active=True)
    }
    participant = next(
        (
            p
            for p in candidates
            if approvers.get(p.office_id) and approvers[p.office_id].pk != p.caseworker_id
        ),
        None,
    )
    if participant is None:
        return False
    approver = approvers[participant.office_id]
    drafter = AuditContext(actor=participant.caseworker, path="demo_data")
    application = decision_services.application_register(
        ctx=drafter,
        participant=participant,
        data={"received_on": today - datetime.timedelta(days=25), "received_via": "digital"},
    )
    assessed = "Vurdert i samtale og mot arbeidsevnevurderingen."
    application = decision_services.application_assess(
        ctx=drafter,
        application=application,
        assessments={
            **{c: (True, assessed) for c in Condition.values},
            Condition.REDUCED_CAPACITY: (
                False,
                "Etter programmet er arbeidsevnen ikke lenger vesentlig nedsatt.",
            ),
        },
        data={
            "benefits_checked": ["aap", "uforetrygd", "overgangsstonad"],
            "entitled_benefits": [],
            "work_capacity_assessed_on": today - datetime.timedelta(days=20),
            "work_capacity_reference": "AEV-DEMO-1",
        },
        expected_version=application.version,
    )
    rejection = decision_services.decision_draft(
        ctx=drafter,
        kind="rejection",
        participant=participant,
        application=application,
        data={
            "details": {"unmet_conditions": [Condition.REDUCED_CAPACITY]},
            "reasoning": "Arbeidsevnen er ikke vesentlig nedsatt (sosialtjenesteloven § 29).",
        },
    )
    rejection = decision_services.decision_send_for_approval(
        ctx=drafter, decision=rejection, expected_version=rejection.version
    )
    rejection = decision_services.decision_approve(
        ctx=AuditContext(actor=approver, path="demo_data"),
        decision=rejection,
        expected_version=rejection.version,
    )
    documents.letter_issue(decision_id=rejection.pk)
    rejection = _sent(rejection)
    services.appeal_register(
        ctx=drafter,
        decision=rejection,
        data={
            "received_on": today,
            "appellant": "participant",
            "subject": "Jeg klager på avslaget og ber om kvalifiseringsprogram.",
            "grounds": "Legen min har skrevet en ny erklæring om at arbeidsevnen er nedsatt.",
            "signed": True,
        },
    )
    return True
