"""Writes for the programme plan and the office catalogue. Each service runs in one transaction,
validates, writes its audit row, and refuses to overwrite a change it has not seen (version)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from stdnum.no import orgnr

from caseworker.audit import AuditAction, AuditContext, audit_record
from caseworker.models import Office
from decisions.models import Programme
from decisions.selectors import programme_history, programmes_with_decisions
from kvp.versioning import versioned_delete, versioned_update
from plans import rules
from plans.models import Evaluation, Measure, PlanActivity, Provider


def _audit(ctx: AuditContext, *, action: str, obj, participant_id: int | None, **detail) -> None:
    audit_record(
        ctx,
        action=action,
        object_type=obj._meta.model_name,
        object_id=obj.pk,
        participant_id=participant_id,
        detail=detail,
    )


def _locked_history(programme: Programme):
    """Lock the programme (one plan change at a time) and read its history fresh."""
    Programme.objects.select_for_update().get(pk=programme.pk)
    fresh = programmes_with_decisions(Programme.objects.filter(pk=programme.pk)).get()
    if fresh.ended_on is not None:
        raise ValidationError("Programmet er avsluttet; planen kan ikke endres.", code="ended")
    return programme_history(fresh)


# --- Activities --------------------------------------------------------------------------------


def _activity_values(
    programme: Programme, history, data: dict[str, Any], *, current: PlanActivity | None = None
) -> dict[str, Any]:
    """Validate an activity against the catalogue and the programme; the values to store."""
    errors: dict[str, str] = {}
    measure: Measure | None = data.get("measure")
    provider: Provider | None = data.get("provider")
    activity_type = data.get("activity_type") or ""
    name = (data.get("name") or "").strip()
    unchanged = current is not None
    if measure is not None:
        if measure.office_id != programme.office_id:
            errors["measure"] = "Tiltaket hører ikke til kontorets katalog."
        elif not measure.active and not (unchanged and current.measure_id == measure.pk):
            errors["measure"] = "Tiltaket er ikke lenger aktivt i katalogen."
        activity_type = activity_type or measure.activity_type
        provider = provider or measure.provider
    elif not activity_type:
        errors["activity_type"] = "Velg aktivitetstype, eller velg et tiltak fra katalogen."
    elif not name:
        errors["name"] = "Skriv hva aktiviteten er, eller velg et tiltak fra katalogen."
    if activity_type and activity_type not in rules.ACTIVITY_TYPE_LABELS:
        errors["activity_type"] = "Velg en aktivitetstype fra listen."
    if provider is not None:
        if provider.office_id != programme.office_id:
            errors["provider"] = "Leverandøren hører ikke til kontorets katalog."
        elif not provider.active and not (unchanged and current.provider_id == provider.pk):
            errors["provider"] = "Leverandøren er ikke lenger aktiv i katalogen."
    weekdays = sorted(set(data.get("weekdays") or []))
    if not weekdays:
        errors["weekdays"] = "Velg minst én ukedag."
    elif not all(0 <= d <= 6 for d in weekdays):
        errors["weekdays"] = "Velg ukedager fra listen."
    hours = data.get("hours_per_week")
    if hours is None or hours <= 0:
        errors["hours_per_week"] = "Timer per uke må være mer enn 0."
    elif hours > rules.policy.MAX_HOURS_PER_WEEK:
        errors["hours_per_week"] = (
            f"En aktivitet kan ikke ha mer enn {rules.hours_text(rules.policy.MAX_HOURS_PER_WEEK)}"
            " timer per uke."
        )
    start, end = data.get("start"), data.get("end")
    if start is None or end is None:
        errors.setdefault("start", "Skriv inn fra- og til-dato.")
    else:
        for field, message in rules.check_activity_period(history, start, end).items():
            errors.setdefault(field, message)
    if errors:
        raise ValidationError(errors, code="invalid")
    return {
        "activity_type": activity_type,
        "measure": measure,
        "provider": provider,
        "name": name,
        "start": start,
        "end": end,
        "weekdays": weekdays,
        "hours_per_week": Decimal(hours),
    }


def activity_add(*, ctx: AuditContext, programme: Programme, data: dict[str, Any]) -> PlanActivity:
    """Add an activity to the plan (P1–P4 are warnings on the plan page, not refusals)."""
    with transaction.atomic():
        history = _locked_history(programme)
        values = _activity_values(programme, history, data)
        activity = PlanActivity.objects.create(
            programme=programme,
            participant_id=programme.participant_id,
            created_by=ctx.actor,
            updated_by=ctx.actor,
            **values,
        )
        _audit(ctx, action=AuditAction.CREATE, obj=activity, participant_id=activity.participant_id)
    return activity


def activity_change(
    *, ctx: AuditContext, activity: PlanActivity, data: dict[str, Any], expected_version: int
) -> PlanActivity:
    with transaction.atomic():
        history = _locked_history(activity.programme)
        values = _activity_values(activity.programme, history, data, current=activity)
        changed = sorted(k for k, v in values.items() if getattr(activity, k) != v)
        versioned_update(
            activity,
            expected_version,
            "Aktiviteten",
            removable=True,
            **values,
            updated_by=ctx.actor,
        )
        _audit(
            ctx,
            action=AuditAction.CHANGE,
            obj=activity,
            participant_id=activity.participant_id,
            fields=changed,
        )
    activity.refresh_from_db()
    return activity


def activity_remove(*, ctx: AuditContext, activity: PlanActivity, expected_version: int) -> None:
    with transaction.atomic():
        _locked_history(activity.programme)
        versioned_delete(activity, expected_version, "Aktiviteten")
        _audit(
            ctx,
            action=AuditAction.CHANGE,
            obj=activity,
            participant_id=activity.participant_id,
            deleted=True,
        )


# --- Evaluation dates (P5) ---------------------------------------------------------------------


def _evaluation_values(history, data: dict[str, Any]) -> dict[str, Any]:
    day = data.get("date")
    if day is None:
        raise ValidationError({"date": "Skriv inn datoen for evalueringen."})
    span = rules.programme_span(history)
    if not span.contains(day):
        raise ValidationError(
            {"date": f"Evalueringen må ligge innenfor programmet ({span})."}, code="invalid"
        )
    return {"date": day, "note": (data.get("note") or "").strip()}


def _same_day(error: IntegrityError) -> ValidationError:
    if "one_evaluation_per_programme_and_day" in str(error):
        return ValidationError({"date": "Planen har allerede en evaluering denne dagen."})
    raise error


def evaluation_add(*, ctx: AuditContext, programme: Programme, data: dict[str, Any]) -> Evaluation:
    try:
        with transaction.atomic():
            history = _locked_history(programme)
            evaluation = Evaluation.objects.create(
                programme=programme,
                participant_id=programme.participant_id,
                created_by=ctx.actor,
                **_evaluation_values(history, data),
            )
            _audit(
                ctx,
                action=AuditAction.CREATE,
                obj=evaluation,
                participant_id=evaluation.participant_id,
            )
    except IntegrityError as error:
        raise _same_day(error) from None
    return evaluation


def evaluation_change(
    *, ctx: AuditContext, evaluation: Evaluation, data: dict[str, Any], expected_version: int
) -> Evaluation:
    try:
        with transaction.atomic():
            history = _locked_history(evaluation.programme)
            values = _evaluation_values(history, data)
            changed = sorted(k for k, v in values.items() if getattr(evaluation, k) != v)
            versioned_update(evaluation, expected_version, "Evalueringen", removable=True, **values)
            _audit(
                ctx,
                action=AuditAction.CHANGE,
                obj=evaluation,
                participant_id=evaluation.participant_id,
                fields=changed,
            )
    except IntegrityError as error:
        raise _same_day(error) from None
    evaluation.refresh_from_db()
    return evaluation


def evaluation_remove(*, ctx: AuditContext, evaluation: Evaluation, expected_version: int) -> None:
    with transaction.atomic():
        _locked_history(evaluation.programme)
        versioned_delete(evaluation, expected_version, "Evalueringen")
        _audit(
            ctx,
            action=AuditAction.CHANGE,
            obj=evaluation,
            participant_id=evaluation.participant_id,
            deleted=True,
        )


# --- The office catalogue ----------------------------------------------------------------------


def _provider_values(data: dict[str, Any]) -> dict[str, Any]:
    number = "".join((data.get("org_number") or "").split())
    if number and not orgnr.is_valid(number):
        raise ValidationError(
            {
                "org_number": "Organisasjonsnummeret er ikke gyldig (9 sifre med riktig kontrollsiffer)."
            }
        )
    return {
        "name": (data.get("name") or "").strip(),
        "org_number": orgnr.compact(number) if number else "",
        "contact": (data.get("contact") or "").strip(),
        "active": bool(data.get("active", True)),
    }


def _unique_name(error: IntegrityError, constraint: str, noun: str) -> ValidationError:
    if constraint in str(error):
        return ValidationError({"name": f"Kontoret har allerede {noun} med dette navnet."})
    raise error


def provider_create(*, ctx: AuditContext, office: Office, data: dict[str, Any]) -> Provider:
    values = _provider_values(data)
    try:
        with transaction.atomic():
            provider = Provider.objects.create(office=office, **values)
            _audit(ctx, action=AuditAction.CREATE, obj=provider, participant_id=None)
    except IntegrityError as error:
        raise _unique_name(error, "provider_name_per_office", "en leverandør") from None
    return provider


def provider_change(
    *, ctx: AuditContext, provider: Provider, data: dict[str, Any], expected_version: int
) -> Provider:
    values = _provider_values(data)
    try:
        with transaction.atomic():
            versioned_update(provider, expected_version, "Leverandøren", removable=True, **values)
            _audit(
                ctx,
                action=AuditAction.CHANGE,
                obj=provider,
                participant_id=None,
                fields=sorted(k for k, v in values.items() if getattr(provider, k) != v),
            )
    except IntegrityError as error:
        raise _unique_name(error, "provider_name_per_office", "en leverandør") from None
    provider.refresh_from_db()
    return provider


def _measure_values(office: Office, data: dict[str, Any]) -> dict[str, Any]:
    provider = data.get("provider")
    if provider is not None and provider.office_id != office.pk:
        raise ValidationError({"provider": "Leverandøren hører ikke til kontorets katalog."})
    if data.get("activity_type") not in rules.ACTIVITY_TYPE_LABELS:
        raise ValidationError({"activity_type": "Velg en aktivitetstype fra listen."})
    return {
        "name": (data.get("name") or "").strip(),
        "activity_type": data["activity_type"],
        "provider": provider,
        "description": (data.get("description") or "").strip(),
        "active": bool(data.get("active", True)),
    }


def measure_create(*, ctx: AuditContext, office: Office, data: dict[str, Any]) -> Measure:
    values = _measure_values(office, data)
    try:
        with transaction.atomic():
            measure = Measure.objects.create(office=office, **values)
            _audit(ctx, action=AuditAction.CREATE, obj=measure, participant_id=None)
    except IntegrityError as error:
        raise _unique_name(error, "measure_name_per_office", "et tiltak") from None
    return measure


def measure_change(
    *, ctx: AuditContext, measure: Measure, data: dict[str, Any], expected_version: int
) -> Measure:
    values = _measure_values(measure.office, data)
    try:
        with transaction.atomic():
            versioned_update(measure, expected_version, "Tiltaket", removable=True, **values)
            _audit(
                ctx,
                action=AuditAction.CHANGE,
                obj=measure,
                participant_id=None,
                fields=sorted(k for k, v in values.items() if getattr(measure, k) != v),
            )
    except IntegrityError as error:
        raise _unique_name(error, "measure_name_per_office", "et tiltak") from None
    measure.refresh_from_db()
    return measure
