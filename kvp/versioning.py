"""Optimistic locking, shared by every app's services: a row carries a `version`; a write
states the version the user's form was opened on and fails with ConflictError if someone
else changed (or removed) the row since, so two caseworkers never silently overwrite each
other."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import F, Model

from kvp import clock


class ConflictError(ValidationError):
    """Someone else changed or removed the object after this form was opened."""


def conflict(noun: str, *, removable: bool = False) -> ConflictError:
    """The Norwegian message for a stale form; `noun` names the object ("Vedtaket"), and an
    object others may remove says it may have been removed."""
    what = "endret eller fjernet" if removable else "endret"
    return ConflictError(
        f"{noun} er {what} av noen andre etter at du åpnet skjemaet. Last siden på nytt, se "
        "endringene, og gjør dine endringer igjen.",
        code="conflict",
    )


def versioned_update(
    obj: Model, expected_version: int, noun: str, *, removable: bool = False, **changes
) -> None:
    """One UPDATE of `changes` that also bumps the version and updated_at, only if the row is
    still at `expected_version`."""
    updated = (
        type(obj)
        .objects.filter(pk=obj.pk, version=expected_version)
        .update(**changes, version=F("version") + 1, updated_at=clock.now())
    )
    if updated != 1:
        raise conflict(noun, removable=removable)


def versioned_delete(obj: Model, expected_version: int, noun: str) -> None:
    """Delete the row only if it is still at `expected_version`."""
    deleted, _ = type(obj).objects.filter(pk=obj.pk, version=expected_version).delete()
    if deleted != 1:
        raise conflict(noun, removable=True)
