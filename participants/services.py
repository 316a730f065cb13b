"""Writes to participant data. Each service runs in one transaction, validates, writes the
audit row, and refuses to overwrite a change it has not seen (optimistic locking)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from caseworker import rules
from caseworker.audit import AuditAction, AuditContext, audit_record, audit_record_many
from caseworker.models import Office, User
from kvp import clock
from participants.models import Child, Participant
from participants.national_id import parse_national_id

ADDRESS_FIELDS = ("street_address", "postal_code", "postal_area")


class ConcurrentEditError(ValidationError):
    """Someone else saved the participant after this form was opened."""


def _conflict(participant_id: int) -> ConcurrentEditError:
    current = Participant.objects.select_related("updated_by").get(pk=participant_id)
    who = current.updated_by or "en annen"
    when = timezone.localtime(current.updated_at).strftime("%d.%m.%Y kl. %H:%M")
    return ConcurrentEditError(
        "%(who)s endret denne deltakeren %(when)s, etter at du åpnet skjemaet. "
        "Last siden på nytt for å se endringene, og gjør dine endringer igjen.",
        code="conflict",
        params={"who": who, "when": when},
    )


def _duplicate_error(existing: Participant, actor: User) -> ValidationError:
    if rules.participant_is_visible(actor, existing):
        url = reverse("participants:detail", args=[existing.pk])
        message = format_html(
            'Det finnes allerede en deltaker med dette fødselsnummeret: <a href="{}">{}</a>.',
            url,
            existing.full_name,
        )
    else:
        # Do not reveal who, or where: the person is outside this user's access.
        message = (
            "Det finnes allerede en deltaker med dette fødselsnummeret ved et annet kontor. "
            "Kontakt kontoret som følger opp personen."
        )
    return ValidationError({"national_id": ValidationError(message, code="duplicate")})


def _check_assignment(*, actor: User, office: Office, caseworker: User | None) -> None:
    if office.pk not in actor.office_ids():
        raise ValidationError({"office": "Du kan bare velge et kontor du arbeider ved."})
    if (
        caseworker is not None
        and not User.objects.in_office(office).filter(pk=caseworker.pk).exists()
    ):
        raise ValidationError({"caseworker": "Veilederen arbeider ikke ved det valgte kontoret."})


def _normalise(data: dict[str, Any]) -> dict[str, Any]:
    data = {k: v for k, v in data.items() if k in Participant.EDITABLE_FIELDS}
    if data.get("address_protection"):
        # A protected address is never shown, so it is not kept either: the population
        # register holds it. Nothing here can leak what is not stored.
        for field in ADDRESS_FIELDS:
            data[field] = ""
    if "needs_interpreter" in data and not data["needs_interpreter"]:
        data["interpreter_language"] = ""
    return data


def participant_create(*, ctx: AuditContext, data: dict[str, Any]) -> Participant:
    actor: User = ctx.actor  # type: ignore[assignment]
    data = _normalise(data)
    nid = parse_national_id(data["national_id"])
    data["national_id"] = nid.number
    _check_assignment(actor=actor, office=data["office"], caseworker=data.get("caseworker"))
    existing = Participant.objects.filter(national_id=nid.number).first()
    if existing:
        raise _duplicate_error(existing, actor)
    try:
        with transaction.atomic():
            participant = Participant.objects.create(
                **data, birth_date=nid.birth_date, updated_by=actor
            )
            audit_record(
                ctx,
                action=AuditAction.CREATE,
                object_type="participant",
                object_id=participant.pk,
                participant_id=participant.pk,
            )
    except IntegrityError:
        # Two caseworkers registered the same person at the same moment.
        existing = Participant.objects.filter(national_id=nid.number).first()
        if existing:
            raise _duplicate_error(existing, actor) from None
        raise
    return participant


def participant_update(
    *, ctx: AuditContext, participant: Participant, data: dict[str, Any], expected_version: int
) -> Participant:
    actor: User = ctx.actor  # type: ignore[assignment]
    data = _normalise(data)
    if participant.address_protection and "address_protection" in data:
        # The form does not show address fields for a protected person; keep them empty.
        for field in ADDRESS_FIELDS:
            data.setdefault(field, "")
    changes: dict[str, Any] = {}
    if "national_id" in data:
        nid = parse_national_id(data["national_id"])
        data["national_id"] = nid.number
        if nid.number != participant.national_id:
            existing = Participant.objects.filter(national_id=nid.number).first()
            if existing:
                raise _duplicate_error(existing, actor)
            changes["birth_date"] = nid.birth_date
    office = data.get("office", participant.office)
    caseworker = data.get("caseworker", participant.caseworker)
    if office != participant.office or caseworker != participant.caseworker:
        _check_assignment(actor=actor, office=office, caseworker=caseworker)
    for field, value in data.items():
        if getattr(participant, field) != value:
            changes[field] = value
    if not changes:
        if participant.version != expected_version:
            raise _conflict(participant.pk)
        return participant
    with transaction.atomic():
        try:
            updated = Participant.objects.filter(
                pk=participant.pk, version=expected_version
            ).update(
                **changes,
                version=F("version") + 1,
                updated_by=actor,
                updated_at=clock.now(),
            )
        except IntegrityError:
            raise _duplicate_error(
                Participant.objects.get(national_id=changes["national_id"]), actor
            ) from None
        if updated != 1:
            raise _conflict(participant.pk)
        audit_record(
            ctx,
            action=AuditAction.CHANGE,
            object_type="participant",
            object_id=participant.pk,
            participant_id=participant.pk,
            # Field names only: the audit log must not become a second copy of the data.
            detail={"fields": sorted(k for k in changes if k != "birth_date")},
        )
    participant.refresh_from_db()
    return participant


def _bump_version(*, participant: Participant, expected_version: int, actor: User) -> None:
    updated = Participant.objects.filter(pk=participant.pk, version=expected_version).update(
        version=F("version") + 1, updated_by=actor, updated_at=clock.now()
    )
    if updated != 1:
        raise _conflict(participant.pk)


def child_save(
    *,
    ctx: AuditContext,
    participant: Participant,
    child: Child | None,
    data: dict[str, Any],
    expected_version: int,
) -> Child:
    """Add a child to the household (child=None) or change one."""
    actor: User = ctx.actor  # type: ignore[assignment]
    with transaction.atomic():
        _bump_version(participant=participant, expected_version=expected_version, actor=actor)
        if child is None:
            child = Child.objects.create(participant=participant, **data)
            action = AuditAction.CREATE
        else:
            for field, value in data.items():
                setattr(child, field, value)
            child.save()
            action = AuditAction.CHANGE
        audit_record(
            ctx,
            action=action,
            object_type="child",
            object_id=child.pk,
            participant_id=participant.pk,
        )
    return child


def child_remove(
    *, ctx: AuditContext, participant: Participant, child: Child, expected_version: int
) -> None:
    actor: User = ctx.actor  # type: ignore[assignment]
    with transaction.atomic():
        _bump_version(participant=participant, expected_version=expected_version, actor=actor)
        audit_record(
            ctx,
            action=AuditAction.CHANGE,
            object_type="child",
            object_id=child.pk,
            participant_id=participant.pk,
            detail={"removed": True},
        )
        child.delete()


def participant_reassign(
    *, ctx: AuditContext, participant: Participant, caseworker: User, expected_version: int
) -> Participant:
    return participant_update(
        ctx=ctx,
        participant=participant,
        data={"caseworker": caseworker},
        expected_version=expected_version,
    )


def caseload_reassign(
    *, ctx: AuditContext, office: Office, from_caseworker: User, to_caseworker: User
) -> tuple[int, int]:
    """Move a (departing) caseworker's participants at `office` to another caseworker.

    Only participants that both the leader and the new caseworker may see are moved: a
    strengt fortrolig or skjermet person must not land with someone without the special
    authorisation. Returns (moved, left behind)."""
    actor: User = ctx.actor  # type: ignore[assignment]
    if from_caseworker == to_caseworker:
        raise ValidationError(
            {"to_caseworker": "Velg en annen veileder enn den deltakerne flyttes fra."}
        )
    _check_assignment(actor=actor, office=office, caseworker=to_caseworker)
    with transaction.atomic():
        caseload = Participant.objects.filter(office=office, caseworker=from_caseworker)
        movable = caseload.filter(pk__in=Participant.objects.visible_to(actor).values("pk")).filter(
            pk__in=Participant.objects.visible_to(to_caseworker).values("pk")
        )
        ids = list(movable.select_for_update().values_list("pk", flat=True))
        left = caseload.exclude(pk__in=ids).count()
        Participant.objects.filter(pk__in=ids).update(
            caseworker=to_caseworker,
            version=F("version") + 1,
            updated_by=actor,
            updated_at=clock.now(),
        )
        audit_record_many(
            ctx,
            action=AuditAction.CHANGE,
            object_type="participant",
            participant_ids=ids,
            detail={
                "fields": ["caseworker"],
                "from": from_caseworker.username,
                "to": to_caseworker.username,
            },
        )
    return len(ids), left
