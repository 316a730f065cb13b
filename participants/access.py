"""The one access-checked way to load a participant for a request.

A participant outside the user's scope answers 404 — the same as one that does not exist,
so the answer does not reveal that a person is known at another office. Every load writes
an audit row, permit or deny: a "view", since the page shows the person; a service that
then changes something writes its own "change" row."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from caseworker import rules
from caseworker.audit import AuditAction, AuditContext, AuditOutcome, audit_record
from participants.models import Participant


def participant_get_for(
    request: HttpRequest,
    pk: int,
    *,
    permission: str = "participant.view",
    action: str = AuditAction.VIEW,
    object_type: str = "participant",
) -> Participant:
    ctx = AuditContext.from_request(request)
    participant = (
        Participant.objects.visible_to(request.user)
        .select_related("office", "caseworker", "updated_by")
        .filter(pk=pk)
        .first()
    )
    refusal = None
    if participant is None:
        refusal, error = "not_visible", Http404("Fant ikke deltakeren.")
    elif not rules.can(request.user, permission, participant):
        refusal, error = "permission", PermissionDenied()
    if refusal:
        audit_record(
            ctx,
            action=action,
            object_type=object_type,
            object_id=pk,
            participant_id=pk,
            outcome=AuditOutcome.DENY,
            detail={"reason": refusal, "permission": permission},
        )
        raise error
    audit_record(ctx, action=action, object_type=object_type, object_id=pk, participant_id=pk)
    return participant


def case_object_get_for(
    request: HttpRequest,
    queryset: QuerySet,
    pk: int,
    *,
    permission: str = "case.view",
    object_type: str,
) -> Any:
    """Load an object that belongs to a participant (application, programme, decision) with
    the same scoping and auditing as the participant itself; `permission` is a case.* rule
    asked about that participant."""
    ctx = AuditContext.from_request(request)
    obj = (
        queryset.filter(participant__in=Participant.objects.visible_to(request.user))
        .select_related("participant", "participant__office", "participant__caseworker")
        .filter(pk=pk)
        .first()
    )
    refusal = None
    if obj is None:
        refusal, error = "not_visible", Http404("Fant ikke saken.")
    elif not rules.can(request.user, permission, obj.participant):
        refusal, error = "permission", PermissionDenied()
    if refusal:
        audit_record(
            ctx,
            action=AuditAction.VIEW,
            object_type=object_type,
            object_id=pk,
            participant_id=obj.participant_id if obj else None,
            outcome=AuditOutcome.DENY,
            detail={"reason": refusal, "permission": permission},
        )
        raise error
    audit_record(
        ctx,
        action=AuditAction.VIEW,
        object_type=object_type,
        object_id=pk,
        participant_id=obj.participant_id,
    )
    return obj
