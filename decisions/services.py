"""Writes for the case. Each service runs in one transaction, checks the legal rules core,
writes the audit row, and refuses to overwrite a change it has not seen."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from caseworker.audit import AuditAction, AuditContext, audit_record, audit_record_many
from caseworker.models import Role, User
from decisions import rules
from decisions.models import (
    PERIOD_KINDS,
    Application,
    ApplicationStatus,
    ApprovedLeave,
    Condition,
    Decision,
    DecisionKind,
    DecisionStatus,
    Document,
    DocumentKind,
    EligibilityAssessment,
    Programme,
    Task,
    TaskStatus,
)
from decisions.selectors import open_programme, programme_history, programmes_with_decisions
from decisions.signals import decision_approved
from kvp import clock
from kvp.versioning import ConflictError, conflict, versioned_update
from participants.models import Participant

LEGAL_BASIS = {
    DecisionKind.GRANT: "Sosialtjenesteloven §§ 29, 30 og 35 og forskrift om "
    "kvalifiseringsprogram og kvalifiseringsstønad §§ 1–3.",
    DecisionKind.REJECTION: "Sosialtjenesteloven § 29.",
    DecisionKind.EXTENSION: "Sosialtjenesteloven § 32 og forskrift om kvalifiseringsprogram og "
    "kvalifiseringsstønad § 2.",
    DecisionKind.SPECIAL_EXTENSION: "Sosialtjenesteloven § 32 annet ledd og forskrift om "
    "kvalifiseringsprogram og kvalifiseringsstønad § 2 annet ledd.",
    DecisionKind.INTERRUPTION: "Sosialtjenesteloven § 34 første ledd.",
    DecisionKind.RESUMPTION: "Sosialtjenesteloven § 34.",
    DecisionKind.TERMINATION: "Sosialtjenesteloven § 34.",
}


def _raise_errors(check: rules.Check, field: str | None = None) -> None:
    if not check.allowed:
        messages = [f"{f.message} ({f.rule})" for f in check.errors]
        raise ValidationError({field: messages} if field else messages, code="rule")


def _audit(ctx: AuditContext, *, action: str, obj, participant_id: int, **detail) -> None:
    audit_record(
        ctx,
        action=action,
        object_type=obj._meta.model_name,
        object_id=obj.pk,
        participant_id=participant_id,
        detail=detail,
    )


def _change(ctx: AuditContext, obj, expected_version: int, noun: str, *, audit=None, **changes):
    """The common write: one optimistic-locked UPDATE of `changes` and its audit row (listing
    the changed fields, never their values), then the object as stored."""
    with transaction.atomic():
        versioned_update(obj, expected_version, noun, **changes)
        _audit(
            ctx,
            action=AuditAction.CHANGE,
            obj=obj,
            participant_id=obj.participant_id,
            fields=sorted(changes),
            **(audit or {}),
        )
    obj.refresh_from_db()
    return obj


# --- Applications ------------------------------------------------------------------------------


def application_register(
    *, ctx: AuditContext, participant: Participant, data: dict[str, Any]
) -> Application:
    if data["received_on"] > clock.today():
        raise ValidationError({"received_on": "Mottatt dato kan ikke være fram i tid."})
    with transaction.atomic():
        application = Application.objects.create(
            participant=participant, office=participant.office, created_by=ctx.actor, **data
        )
        _audit(ctx, action=AuditAction.CREATE, obj=application, participant_id=participant.pk)
    return application


def application_assess(
    *,
    ctx: AuditContext,
    application: Application,
    assessments: dict[str, tuple[bool | None, str]],
    data: dict[str, Any],
    expected_version: int,
) -> Application:
    """Record the § 29 assessment (V2), the benefits checked (V3) and the work capacity
    assessment. The application is then under behandling."""
    if not application.is_open:
        raise ValidationError("Søknaden er avgjort eller lukket og kan ikke vurderes på nytt.")
    missing = {
        f"{condition}_reasoning": (
            f"Skriv en begrunnelse for vurderingen av «{Condition(condition).label}» (F1)."
        )
        for condition, (fulfilled, reasoning) in assessments.items()
        if fulfilled is not None and not reasoning.strip()
    }
    if missing:
        raise ValidationError(missing)
    with transaction.atomic():
        versioned_update(
            application,
            expected_version,
            "Søknaden",
            status=ApplicationStatus.IN_PROGRESS,
            **data,
        )
        for condition, (fulfilled, reasoning) in assessments.items():
            EligibilityAssessment.objects.update_or_create(
                application=application,
                condition=condition,
                defaults={"fulfilled": fulfilled, "reasoning": reasoning, "assessed_by": ctx.actor},
            )
        _audit(
            ctx,
            action=AuditAction.CHANGE,
            obj=application,
            participant_id=application.participant_id,
            fields=sorted([*data, "assessments"]),
        )
    application.refresh_from_db()
    return application


def application_close(
    *,
    ctx: AuditContext,
    application: Application,
    status: str,
    reason: str,
    expected_version: int,
) -> Application:
    if status not in (ApplicationStatus.WITHDRAWN, ApplicationStatus.DISMISSED):
        raise ValidationError("Ugyldig status.")
    if not application.is_open:
        raise ValidationError("Søknaden er allerede avgjort eller lukket.")
    # An approved decision here is the one an application reopened on appeal was decided by
    # (Application.reopened_at); it stays, and does not stop the applicant withdrawing.
    if application.decisions.exclude(
        status__in=[DecisionStatus.DRAFT, DecisionStatus.APPROVED]
    ).exists():
        raise ValidationError(
            "Søknaden har et vedtak til godkjenning. Trekk vedtaket tilbake først."
        )
    with transaction.atomic():
        versioned_update(
            application,
            expected_version,
            "Søknaden",
            status=status,
            closed_reason=reason,
        )
        application.decisions.filter(status=DecisionStatus.DRAFT).delete()
        _audit(
            ctx,
            action=AuditAction.CHANGE,
            obj=application,
            participant_id=application.participant_id,
            fields=["status"],
        )
    application.refresh_from_db()
    return application


def application_record_interim_reply(
    *, ctx: AuditContext, application: Application, sent_on, expected_version: int
) -> Application:
    """F3: record that a foreløpig svar was sent (why the answer takes time, and when to
    expect it)."""
    if not application.is_open:
        raise ValidationError("Søknaden er avgjort eller lukket.")
    if not application.received_on <= sent_on <= clock.today():
        raise ValidationError({"sent_on": "Datoen må være mellom mottatt dato og i dag."})
    return _change(ctx, application, expected_version, "Søknaden", interim_reply_sent_on=sent_on)


def leave_register(
    *, ctx: AuditContext, programme: Programme, data: dict[str, Any]
) -> ApprovedLeave:
    """D2: register approved leave (godkjent permisjon); its days do not count as programme
    time, so the latest end date moves by them."""
    with transaction.atomic():
        Programme.objects.select_for_update().get(pk=programme.pk)
        fresh = programmes_with_decisions(Programme.objects.filter(pk=programme.pk)).get()
        _raise_errors(
            rules.check_leave(programme_history(fresh), rules.Period(data["start"], data["end"]))
        )
        leave = ApprovedLeave.objects.create(
            programme=programme,
            participant_id=programme.participant_id,
            registered_by=ctx.actor,
            **data,
        )
        _audit(ctx, action=AuditAction.CREATE, obj=leave, participant_id=programme.participant_id)
    return leave


def leave_remove(*, ctx: AuditContext, leave: ApprovedLeave) -> None:
    if leave.programme.ended_on is not None:
        raise ValidationError("Programmet er avsluttet; permisjonene kan ikke endres.")
    with transaction.atomic():
        _audit(
            ctx,
            action=AuditAction.CHANGE,
            obj=leave,
            participant_id=leave.participant_id,
            deleted=True,
        )
        leave.delete()


def eligibility_of(application: Application) -> rules.EligibilityVerdict:
    assessments = {a.condition: a.fulfilled for a in application.assessments.all()}
    return rules.eligibility_verdict(
        {c: assessments.get(c) for c in Condition.values},
        conflicting_benefits=application.entitled_benefits,
        benefits_checked=application.benefits_checked,
    )


# --- Decisions ---------------------------------------------------------------------------------


def _check_rules(decision: Decision, *, today) -> rules.Check:
    """The rules core's verdict on a decision as if it were approved now."""
    kind = decision.kind
    participant = decision.participant
    details = decision.details or {}
    if kind == DecisionKind.REJECTION:
        assessed = {a.condition: a.fulfilled for a in decision.application.assessments.all()}
        wrongly_unmet = [
            Condition(c).label for c in details.get("unmet_conditions", []) if assessed.get(c)
        ]
        if wrongly_unmet:
            return rules.Check(
                (
                    rules.Finding(
                        "V2",
                        "Avslaget viser til vilkår som er vurdert som oppfylt: "
                        + ", ".join(wrongly_unmet)
                        + ". Rett vilkårsvurderingen eller avslaget.",
                        rules.Severity.ERROR,
                    ),
                )
            )
        return rules.eligibility_verdict(
            {a.condition: a.fulfilled for a in decision.application.assessments.all()},
            conflicting_benefits=decision.application.entitled_benefits,
            v4_exception=bool(details.get("v4_exception")),
            v4_reason=details.get("v4_reason", ""),
            benefits_checked=decision.application.benefits_checked,
        ).rejection_check()
    if kind == DecisionKind.GRANT:
        verdict = eligibility_of(decision.application)
        period_check = rules.check_decision_period(
            None,
            rules.Period(decision.period_start, decision.period_end),
            "grant",
            birth_date=participant.birth_date,
        )
        return verdict.grant_check() + period_check
    programme = decision.programme
    history = programme_history(programme)
    if kind in (DecisionKind.EXTENSION, DecisionKind.SPECIAL_EXTENSION):
        return rules.check_decision_period(
            history,
            rules.Period(decision.period_start, decision.period_end),
            kind,
            birth_date=participant.birth_date,
            special=kind == DecisionKind.SPECIAL_EXTENSION or history.special_extension,
            d4_assessment_complete=_d4_complete(details),
            # An ongoing interruption has moved the latest end date by the days so far.
            on=today,
        )
    if kind == DecisionKind.INTERRUPTION:
        return rules.check_interruption(history, decision.effective_date)
    if kind == DecisionKind.RESUMPTION:
        return rules.check_resumption(
            history,
            decision.effective_date,
            a3_assessment_complete=bool(details.get("a3_assessment", "").strip()),
        )
    if kind == DecisionKind.TERMINATION:
        return rules.check_termination(
            history,
            decision.effective_date,
            reason=details.get("termination_reason", ""),
            absence_cause=details.get("absence_cause") or None,
            absence_started=_date_or_none(details.get("absence_started")),
        )
    raise ValueError(kind)


D4_FIELDS = ("necessity", "progression", "motivation", "work_likelihood", "labour_market")


def _d4_complete(details: dict) -> bool:
    d4 = details.get("d4_assessment") or {}
    return all(str(d4.get(key, "")).strip() for key in D4_FIELDS)


def _date_or_none(value):
    import datetime

    if not value:
        return None
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def decision_check(decision: Decision) -> rules.Check:
    return _check_rules(decision, today=clock.today())


def decision_draft(
    *,
    ctx: AuditContext,
    kind: str,
    participant: Participant,
    application: Application | None = None,
    programme: Programme | None = None,
    data: dict[str, Any],
) -> Decision:
    if kind in (DecisionKind.GRANT, DecisionKind.REJECTION):
        if application is None or not application.is_open:
            raise ValidationError("Vedtaket må gjelde en åpen søknad.")
        # Not application.decisions: a prefetch of approved decisions would hide drafts.
        if (
            Decision.objects.filter(application=application)
            .exclude(status=DecisionStatus.APPROVED)
            .exists()
        ):
            raise ValidationError("Søknaden har allerede et vedtak under arbeid.")
        if kind == DecisionKind.GRANT and open_programme(participant.pk) is not None:
            raise ValidationError(
                "Deltakeren har allerede et åpent kvalifiseringsprogram. Det må avsluttes før "
                "et nytt kan innvilges (V5)."
            )
    else:
        if programme is None or programme.ended_on is not None:
            raise ValidationError("Vedtaket må gjelde et åpent kvalifiseringsprogram.")
        if (
            Decision.objects.filter(programme=programme)
            .exclude(status=DecisionStatus.APPROVED)
            .exists()
        ):
            raise ValidationError(
                "Programmet har allerede et vedtak under arbeid. Fullfør eller slett det først."
            )
    decision = Decision(
        participant=participant,
        office=participant.office,
        application=application,
        programme=programme,
        kind=kind,
        drafted_by=ctx.actor,
        legal_basis=data.pop("legal_basis", "") or LEGAL_BASIS[kind],
        **data,
    )
    _raise_errors(_check_rules(decision, today=clock.today()))
    try:
        with transaction.atomic():
            decision.save()
            _audit(ctx, action=AuditAction.CREATE, obj=decision, participant_id=participant.pk)
    except IntegrityError:
        # Someone else drafted one at the same moment (one_pending_decision_* constraints).
        raise ValidationError(
            "Det er allerede et vedtak under arbeid i denne saken. Åpne saken på nytt."
        ) from None
    return decision


def decision_update(
    *, ctx: AuditContext, decision: Decision, data: dict[str, Any], expected_version: int
) -> Decision:
    if not decision.is_editable:
        raise ValidationError("Vedtaket er sendt til godkjenning eller vedtatt og kan ikke endres.")
    for field, value in data.items():
        setattr(decision, field, value)
    _raise_errors(_check_rules(decision, today=clock.today()))
    return _change(ctx, decision, expected_version, "Vedtaket", **data)


def decision_send_for_approval(
    *, ctx: AuditContext, decision: Decision, expected_version: int
) -> Decision:
    if not decision.is_editable:
        raise ValidationError("Vedtaket er allerede sendt til godkjenning.")
    if not decision.reasoning.strip():
        raise ValidationError({"reasoning": "Skriv begrunnelsen før vedtaket sendes (F1)."})
    _raise_errors(_check_rules(decision, today=clock.today()))
    return _change(
        ctx,
        decision,
        expected_version,
        "Vedtaket",
        audit={"status": DecisionStatus.AWAITING_APPROVAL},
        status=DecisionStatus.AWAITING_APPROVAL,
        sent_for_approval_at=clock.now(),
        return_reason="",
        return_comment="",
        returned_by=None,
    )


def _check_approver(decision: Decision, approver: User) -> None:
    if approver.pk == decision.drafted_by_id:
        raise ValidationError(
            "Du kan ikke godkjenne et vedtak du har skrevet selv. En annen beslutter må "
            "godkjenne det (totrinnskontroll)."
        )
    if not approver.has_role(Role.APPROVER):
        raise ValidationError("Bare en beslutter kan godkjenne vedtak.")
    if decision.office_id not in approver.office_ids():
        raise ValidationError("Vedtaket må godkjennes av en beslutter ved samme kontor.")


def decision_approve(*, ctx: AuditContext, decision: Decision, expected_version: int) -> Decision:
    """Approve: the decision takes effect. The decision's row (and its programme's) is locked,
    so a double submit or two approvers at once take effect once, and the rules are checked
    against the programme as it is at that moment."""
    approver: User = ctx.actor  # type: ignore[assignment]
    _check_approver(decision, approver)
    with transaction.atomic():
        if decision.programme_id:
            Programme.objects.select_for_update().get(pk=decision.programme_id)
        current = (
            Decision.objects.select_for_update(of=("self",))
            .select_related("participant", "application", "programme__participant")
            .get(pk=decision.pk)
        )
        if current.status == DecisionStatus.APPROVED:
            raise ConflictError("Vedtaket er allerede godkjent.", code="already_approved")
        if (
            current.status != DecisionStatus.AWAITING_APPROVAL
            or current.version != expected_version
        ):
            raise conflict("Vedtaket")
        _raise_errors(_check_rules(current, today=clock.today()))
        extra = {}
        if current.kind == DecisionKind.GRANT:
            # The programme exists before the grant is approved: an approved row never changes.
            extra["programme"] = _programme_create(current)
        Decision.objects.filter(pk=current.pk).update(
            **extra,
            status=DecisionStatus.APPROVED,
            approved_by=approver,
            approved_at=clock.now(),
            version=F("version") + 1,
            updated_at=clock.now(),
        )
        current.refresh_from_db()
        _apply_effects(current)
        _documents_follow(ctx, current)
        decision_approved.send(sender=Decision, decision=current, ctx=ctx)
        _audit(
            ctx,
            action=AuditAction.CHANGE,
            obj=current,
            participant_id=current.participant_id,
            fields=["status"],
            status=DecisionStatus.APPROVED,
        )
    return current


def _programme_create(decision: Decision) -> Programme:
    try:
        with transaction.atomic():
            return Programme.objects.create(
                participant_id=decision.participant_id,
                office_id=decision.office_id,
                application_id=decision.application_id,
                start_date=decision.period_start,
            )
    except IntegrityError:
        raise ValidationError(
            "Deltakeren har allerede et åpent kvalifiseringsprogram (V5)."
        ) from None


def _apply_effects(decision: Decision) -> None:
    if decision.kind in (DecisionKind.GRANT, DecisionKind.REJECTION):
        Application.objects.filter(pk=decision.application_id).update(
            status=ApplicationStatus.DECIDED, version=F("version") + 1
        )
    elif decision.kind == DecisionKind.TERMINATION:
        Programme.objects.filter(pk=decision.programme_id).update(ended_on=decision.effective_date)


def _documents_follow(ctx: AuditContext, decision: Decision) -> None:
    """F1/F2: the vedtaksbrev is made by a Celery task once the approval commits. P6: ending
    a programme drafts its deltakerbevis in the same transaction."""
    from decisions import documents

    documents.letter_enqueue(decision)
    if decision.kind == DecisionKind.TERMINATION:
        documents.certificate_draft(
            ctx=ctx, programme=decision.programme, drafted_by=decision.drafted_by
        )


def decision_return(
    *, ctx: AuditContext, decision: Decision, reason: str, comment: str, expected_version: int
) -> Decision:
    approver: User = ctx.actor  # type: ignore[assignment]
    _check_approver(decision, approver)
    if decision.status != DecisionStatus.AWAITING_APPROVAL:
        raise ValidationError("Bare vedtak som venter på godkjenning kan returneres.")
    return _change(
        ctx,
        decision,
        expected_version,
        "Vedtaket",
        audit={"status": DecisionStatus.RETURNED, "reason": reason},
        status=DecisionStatus.RETURNED,
        return_reason=reason,
        return_comment=comment,
        returned_by=approver,
    )


def decision_record_notice(
    *, ctx: AuditContext, decision: Decision, notice_date, expected_version: int
) -> Decision:
    """Record when the decision was sent to the participant; the klagefrist runs from it."""
    if decision.status != DecisionStatus.APPROVED:
        raise ValidationError("Bare vedtatte vedtak kan sendes.")
    if decision.notice_date is not None:
        raise ValidationError("Underretningsdatoen er allerede registrert.")
    if not Document.objects.filter(kind=DocumentKind.DECISION_LETTER, decision=decision).exists():
        # F2: the klagefrist runs from when the letter reached the participant; there is
        # nothing to send until the letter is made (a Celery job, seconds after approval).
        raise ValidationError(
            "Vedtaksbrevet er ikke laget ennå. Det lages like etter godkjenningen; last siden "
            "på nytt om litt, og registrer så at brevet er sendt."
        )
    if not timezone.localtime(decision.approved_at).date() <= notice_date <= clock.today():
        raise ValidationError({"notice_date": "Datoen må være mellom vedtaksdatoen og i dag."})
    return _change(ctx, decision, expected_version, "Vedtaket", notice_date=notice_date)


def decision_delete_draft(*, ctx: AuditContext, decision: Decision, expected_version: int) -> None:
    if not decision.is_editable:
        raise ValidationError("Bare utkast og returnerte vedtak kan slettes.")
    with transaction.atomic():
        deleted, _ = Decision.objects.filter(
            pk=decision.pk,
            version=expected_version,
            status__in=[DecisionStatus.DRAFT, DecisionStatus.RETURNED],
        ).delete()
        if not deleted:
            raise conflict("Vedtaket")
        _audit(
            ctx,
            action=AuditAction.CHANGE,
            obj=decision,
            participant_id=decision.participant_id,
            deleted=True,
        )


# --- Tasks (oppgaver) --------------------------------------------------------------------------


def tasks_reassign(*, ctx: AuditContext, tasks: Iterable[Task], assignee: User) -> int:
    """A leader gives open tasks to another caseworker. All or nothing: every task's office must
    be one the assignee works at, and the assignee must be allowed to see every participant
    (strengt fortrolig and skjermet need the special authorisation). Tasks closed meanwhile are
    left alone. Returns how many were reassigned."""
    from caseworker.rules import participant_is_visible

    tasks = list(tasks)
    name = assignee.get_full_name() or assignee.username
    if not assignee.is_active:
        raise ValidationError(f"{name} er ikke lenger aktiv og kan ikke få oppgaver.")
    outside = [t for t in tasks if t.office_id not in assignee.office_ids()]
    if outside:
        office = outside[0].office
        raise ValidationError(
            f"{name} arbeider ikke ved {office.name} og kan ikke få oppgaver derfra. "
            "Velg en saksbehandler ved kontoret."
        )
    hidden = {
        t.participant_id for t in tasks if not participant_is_visible(assignee, t.participant)
    }
    if hidden:
        raise ValidationError(
            f"{name} har ikke tilgang til {len(hidden)} av deltakerne (strengt fortrolig adresse "
            "eller skjermet) og kan ikke få oppgavene deres. Ingen oppgaver er tildelt."
        )
    with transaction.atomic():
        ids = list(
            Task.objects.filter(pk__in=[t.pk for t in tasks], status=TaskStatus.OPEN)
            .select_for_update()
            .values_list("pk", flat=True)
        )
        Task.objects.filter(pk__in=ids).update(assignee=assignee)
        reassigned = [t for t in tasks if t.pk in set(ids)]
        audit_record_many(
            ctx,
            action=AuditAction.CHANGE,
            object_type="task",
            participant_ids=sorted({t.participant_id for t in reassigned}),
            detail={"fields": ["assignee"], "to": assignee.username, "tasks": sorted(ids)},
        )
    return len(ids)


__all__ = [
    "PERIOD_KINDS",
    "application_assess",
    "application_close",
    "application_register",
    "decision_approve",
    "decision_check",
    "decision_delete_draft",
    "decision_draft",
    "decision_record_notice",
    "decision_return",
    "decision_send_for_approval",
    "decision_update",
    "tasks_reassign",
]


# --- Statistics (KOSTRA 11CF) ------------------------------------------------------------------


def programme_statistics_update(
    *, ctx: AuditContext, programme: Programme, data: dict[str, Any], expected_version: int
) -> Programme:
    """K1: record what KOSTRA 11CF asks beyond the case work — benefits before the
    application and an earlier programme elsewhere (on the application), social assistance
    and housing support during the programme (on the programme). The application's version
    locks the whole set, so two people editing it at once cannot overwrite each other."""
    application = programme.application
    if data.get("received_assistance") is not True and data.get("assistance_during"):
        raise ValidationError(
            {"assistance_during": "Du har ikke svart ja, men krysset av for ytelser."}
        )
    programme_fields = {
        "received_assistance": data.get("received_assistance"),
        "assistance_during": data.get("assistance_during") or [],
    }
    with transaction.atomic():
        versioned_update(
            application,
            expected_version,
            "Opplysningene",
            benefits_before=data.get("benefits_before") or [],
            previous_kvp_municipality=data.get("previous_kvp_municipality", ""),
        )
        Programme.objects.filter(pk=programme.pk).update(**programme_fields)
        _audit(
            ctx,
            action=AuditAction.CHANGE,
            obj=programme,
            participant_id=programme.participant_id,
            fields=sorted([*programme_fields, "benefits_before", "previous_kvp_municipality"]),
        )
    programme.refresh_from_db()
    programme.application.refresh_from_db()
    return programme
