"""Writing the audit log. Every read, create, change and export of participant data goes
through `audit_record` / `audit_record_many`.

Views call them directly: ATOMIC_REQUESTS is off, so a "deny" row is committed even though
the view then answers 404/403. Services call them inside their own transaction, so the row
commits together with the change it describes, or not at all."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest

from caseworker.models import AuditAction, AuditEvent, AuditOutcome


@dataclass(frozen=True)
class AuditContext:
    """Who acts, from where: what a service needs to write audit rows without a request."""

    actor: object
    client_address: str | None = None
    path: str = ""

    @classmethod
    def from_request(cls, request: HttpRequest) -> AuditContext:
        return cls(actor=request.user, client_address=client_address(request), path=request.path)


def client_address(request: HttpRequest) -> str | None:
    raw = ""
    if settings.KVP_TRUST_X_FORWARDED_FOR:
        raw = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[0].strip()
    raw = raw or request.META.get("REMOTE_ADDR", "")
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return None


def _event(
    ctx: AuditContext,
    *,
    action: str,
    object_type: str,
    object_id: object = "",
    participant_id: int | None = None,
    outcome: str = AuditOutcome.PERMIT,
    detail: dict | None = None,
) -> AuditEvent:
    actor = ctx.actor if getattr(ctx.actor, "is_authenticated", False) else None
    return AuditEvent(
        actor=actor,
        actor_username=getattr(actor, "username", "") if actor else "",
        actor_office_id=getattr(actor, "office_id", None) if actor else None,
        action=action,
        outcome=outcome,
        participant_id=participant_id,
        object_type=object_type,
        object_id=str(object_id or ""),
        path=ctx.path[:500],
        client_address=ctx.client_address,
        detail=detail or {},
    )


def audit_record(ctx: AuditContext, **kwargs) -> AuditEvent:
    event = _event(ctx, **kwargs)
    event.save(force_insert=True)
    return event


def audit_record_many(
    ctx: AuditContext,
    *,
    action: str,
    object_type: str,
    participant_ids: Iterable[int],
    detail: dict | None = None,
) -> None:
    """One row per participant shown, in one INSERT whatever the count."""
    AuditEvent.objects.bulk_create(
        [
            _event(
                ctx,
                action=action,
                object_type=object_type,
                object_id=pid,
                participant_id=pid,
                detail=detail,
            )
            for pid in participant_ids
        ]
    )


def audit_record_each(ctx: AuditContext, events: Iterable[dict]) -> None:
    """One row per event (audit_record's keyword arguments: action, object_type, object_id,
    participant_id, detail), in one INSERT whatever the count: for a service that writes
    many objects at once, each with its own id."""
    AuditEvent.objects.bulk_create([_event(ctx, **event) for event in events])


def audit_record_objects(
    ctx: AuditContext,
    *,
    action: str,
    object_type: str,
    objects: Iterable[tuple[object, int]],
    detail: dict | None = None,
) -> None:
    """One row per (object id, participant id) — e.g. each appeal in an export, so the row
    names the object and not only the person — in one INSERT whatever the count."""
    audit_record_each(
        ctx,
        (
            {
                "action": action,
                "object_type": object_type,
                "object_id": object_id,
                "participant_id": participant_id,
                "detail": detail,
            }
            for object_id, participant_id in objects
        ),
    )


__all__ = [
    "AuditAction",
    "AuditContext",
    "AuditOutcome",
    "audit_record",
    "audit_record_each",
    "audit_record_many",
    "audit_record_objects",
]
