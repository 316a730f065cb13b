"""Reads for the case: a programme's approved decisions as the rules core's history."""

from __future__ import annotations

import datetime

from django.db.models import Prefetch, QuerySet

from decisions import rules
from decisions.models import (
    PERIOD_KINDS,
    Application,
    Decision,
    DecisionKind,
    DecisionStatus,
    Programme,
)
from participants.models import Participant


def approved_decisions(programme: Programme) -> list[Decision]:
    """Approved decisions in the order they take effect. Uses a prefetch when present."""
    cache = getattr(programme, "_prefetched_objects_cache", {})
    decisions = (
        list(cache["decisions"])
        if "decisions" in cache
        else list(programme.decisions.filter(status=DecisionStatus.APPROVED))
    )
    decisions = [d for d in decisions if d.status == DecisionStatus.APPROVED]
    return sorted(decisions, key=lambda d: (d.period_start or d.effective_date, d.approved_at))


def programme_history(
    programme: Programme, *, extra: Decision | None = None
) -> rules.ProgrammeHistory:
    """The rules core's view of a programme: its approved decisions (plus, when checking a
    draft, the draft itself as if approved)."""
    decisions = approved_decisions(programme)
    if extra is not None and extra not in decisions:
        decisions = [*decisions, extra]
    periods = tuple(
        rules.Period(d.period_start, d.period_end) for d in decisions if d.kind in PERIOD_KINDS
    )
    pauses: list[rules.Pause] = []
    open_from: datetime.date | None = None
    for d in sorted(
        (d for d in decisions if d.kind in (DecisionKind.INTERRUPTION, DecisionKind.RESUMPTION)),
        key=lambda d: d.effective_date,
    ):
        if d.kind == DecisionKind.INTERRUPTION:
            open_from = d.effective_date
        elif open_from is not None:
            pauses.append(
                rules.Pause(
                    open_from, d.effective_date - datetime.timedelta(days=1), "interruption"
                )
            )
            open_from = None
    if open_from is not None:
        pauses.append(rules.Pause(open_from, None, "interruption"))
    pauses += [rules.Pause(leave.start, leave.end, "leave") for leave in programme.leaves.all()]
    pauses.sort(key=lambda pause: pause.start)
    termination = next((d for d in decisions if d.kind == DecisionKind.TERMINATION), None)
    return rules.ProgrammeHistory(
        start=programme.start_date,
        decision_periods=periods,
        pauses=tuple(pauses),
        special_extension=any(d.kind == DecisionKind.SPECIAL_EXTENSION for d in decisions),
        ended_on=termination.effective_date if termination else programme.ended_on,
        birth_date=programme.participant.birth_date,
    )


def programmes_with_decisions(qs: QuerySet[Programme]) -> QuerySet[Programme]:
    return qs.select_related("participant", "office").prefetch_related(
        "leaves",
        Prefetch(
            "decisions",
            queryset=Decision.objects.filter(status=DecisionStatus.APPROVED),
        ),
    )


def open_programme(participant_id: int) -> Programme | None:
    return (
        programmes_with_decisions(Programme.objects.filter(participant_id=participant_id))
        .filter(ended_on__isnull=True)
        .first()
    )


def approval_queue(user) -> QuerySet[Decision]:
    """Decisions awaiting approval at the user's offices about participants the user may
    see (a strengt fortrolig name needs the authorisation here too), oldest first."""
    return (
        Decision.objects.filter(
            status=DecisionStatus.AWAITING_APPROVAL,
            office_id__in=user.office_ids(),
            participant__in=Participant.objects.visible_to(user),
        )
        .select_related("participant", "drafted_by", "office")
        .order_by("sent_for_approval_at", "pk")
    )


def applications_for(participant_id: int) -> QuerySet[Application]:
    return Application.objects.filter(participant_id=participant_id).prefetch_related(
        "assessments", "decisions"
    )
