"""Demo appeals for `make run`: one registered and awaiting the office's review, one forwarded
to Statsforvalteren, so the statsforvalter demo user (Z990021) has a case to read and export.
Idempotent: does nothing when appeals exist."""

from __future__ import annotations

import datetime

from django.db.models import F
from django.utils import timezone

from appeals import services
from appeals.models import Appeal
from caseworker.audit import AuditContext
from decisions.models import Decision, DecisionStatus
from participants.models import AddressProtection


def _sent(decision: Decision) -> Decision:
    """Record that the letter was sent the day the decision was approved (demo decisions are
    loaded without their notice date)."""
    if decision.notice_date is None:
        Decision.objects.filter(pk=decision.pk).update(
            notice_date=timezone.localtime(decision.approved_at).date(),
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
        decision.refresh_from_db()
    return decision


def seed_appeals() -> str:
    if Appeal.objects.exists():
        return "Klager: finnes allerede."
    today = timezone.localdate()
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
    return f"Klager: {made} nye (én oversendt til Statsforvalteren)."
