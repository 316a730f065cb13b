"""Writes for appeals (F4). Each service runs in one transaction, checks the formal rules
(appeals/rules.py), writes the audit row, opens or closes the appeal's worklist tasks, and
refuses to overwrite a change it has not seen (the appeal's version).

The states and who moves between them:

    registered ──forward (office)──▶ forwarded ──outcome (Statsforvalteren)──▶ decided
        │                                │
        ├──change (office: new decision)─┼─▶ changed
        └──withdraw (office)─────────────┴─▶ withdrawn

An appealed rejection of an application can, while registered, be taken up for a new
assessment (reopen): the application goes back to under behandling, the normal flow drafts and
approves a new grant or rejection, and an approved grant closes the appeal as changed by
itself (`appeal_close_by_new_decision`, on decisions' decision_approved signal). After a new
rejection the appeal stays under review: the office forwards it (or links the new decision).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from appeals import documents
from appeals import rules as appeal_rules
from appeals.models import Appeal, AppealState, Appellant, OutcomeKind
from appeals.selectors import case_decisions, case_file
from caseworker.audit import AuditAction, AuditContext, audit_record
from caseworker.models import User
from decisions.documents import letter_issue
from decisions.models import (
    Application,
    ApplicationStatus,
    Decision,
    DecisionKind,
    DecisionStatus,
    Task,
    TaskKind,
    TaskStatus,
)
from kvp import clock
from kvp.versioning import conflict, versioned_update

# One map of allowed transitions (STYLE 4): action -> the states it may start from.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "update": (AppealState.REGISTERED,),
    "forward": (AppealState.REGISTERED,),
    "change": (AppealState.REGISTERED,),
    "reopen": (AppealState.REGISTERED,),
    "withdraw": (AppealState.REGISTERED, AppealState.FORWARDED),
    "outcome": (AppealState.FORWARDED,),
    "follow_up": (AppealState.DECIDED,),
}
REFUSALS = {
    "update": "Klagen er sendt videre eller avsluttet og kan ikke endres.",
    "forward": "Bare en klage som er til vurdering ved kontoret, kan sendes til Statsforvalteren.",
    "change": "Kontoret kan omgjøre vedtaket bare før klagen er sendt til Statsforvalteren.",
    "reopen": "Søknaden kan bare tas opp til ny behandling mens klagen er til vurdering ved "
    "kontoret.",
    "withdraw": "Klagen er allerede avsluttet.",
    "outcome": "Utfallet kan bare registreres for en klage som er oversendt og ikke avgjort.",
    "follow_up": "Bare en klage Statsforvalteren har avgjort, kan følges opp.",
}

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def allowed(appeal: Appeal, action: str) -> bool:
    return appeal.state in TRANSITIONS[action]


def _guard(appeal: Appeal, action: str) -> None:
    if not allowed(appeal, action):
        raise ValidationError(REFUSALS[action], code="state")


def _audit(ctx: AuditContext, appeal: Appeal, action: str, **detail) -> None:
    audit_record(
        ctx,
        action=action,
        object_type="appeal",
        object_id=appeal.pk,
        participant_id=appeal.participant_id,
        detail=detail,
    )


def _lock(appeal: Appeal, expected_version: int, action: str) -> Appeal:
    """The appeal's row as it is now, locked for this transaction; refuses a stale form and a
    state the action may not start from."""
    current = (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("participant", "office", "decision", "decision__programme")
        .get(pk=appeal.pk)
    )
    if current.version != expected_version:
        raise conflict("Klagen")
    _guard(current, action)
    return current


def _update(appeal: Appeal, expected_version: int, **changes) -> None:
    versioned_update(appeal, expected_version, "Klagen", **changes)


# --- Tasks ----------------------------------------------------------------------------------------


def _task_open(appeal: Appeal, kind: str, due: datetime.date) -> Task:
    """The appeal's task in the worklist, assigned to the participant's caseworker. One per
    kind, case and due date (the Task constraint): a second appeal of the same case due the
    same day shares it."""
    decision = appeal.decision
    case = (
        {"programme_id": decision.programme_id, "application_id": None}
        if decision.programme_id
        else {"programme_id": None, "application_id": decision.application_id}
    )
    task, created = Task.objects.get_or_create(
        kind=kind,
        due_date=due,
        **case,
        defaults={
            "participant_id": appeal.participant_id,
            "office_id": appeal.office_id,
            "assignee_id": appeal.participant.caseworker_id,
        },
    )
    if not created and task.status != TaskStatus.OPEN:
        Task.objects.filter(pk=task.pk).update(
            status=TaskStatus.OPEN, closed_at=None, closed_reason=""
        )
    return task


def _task_close(task_id: int | None) -> None:
    if task_id is None:
        return
    # A task shared with another open appeal of the same case stays open for that one.
    still_needed = (
        Appeal.objects.filter(state=AppealState.REGISTERED, review_task_id=task_id).exists()
        or Appeal.objects.filter(
            state=AppealState.DECIDED, follow_up_task_id=task_id, followed_up_at__isnull=True
        ).exists()
    )
    if still_needed:
        return
    Task.objects.filter(pk=task_id, status=TaskStatus.OPEN).update(
        status=TaskStatus.CLOSED, closed_at=clock.now(), closed_reason="resolved"
    )


# --- Register and correct -------------------------------------------------------------------------

APPEAL_FIELDS = (
    "received_on",
    "appellant",
    "representative_name",
    "power_of_attorney",
    "subject",
    "grounds",
    "signed",
    "late_reason",
)


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    data = {key: data[key] for key in APPEAL_FIELDS if key in data}
    if data.get("appellant") == Appellant.PARTICIPANT:
        data["representative_name"] = ""
        data["power_of_attorney"] = False
    if data.get("received_on") and data["received_on"] > clock.today():
        raise ValidationError({"received_on": "Mottaksdatoen kan ikke være etter i dag."})
    if (
        data.get("appellant") == Appellant.REPRESENTATIVE
        and not (data.get("representative_name") or "").strip()
    ):
        raise ValidationError({"representative_name": "Skriv navnet på fullmektigen."})
    return data


def appeal_register(*, ctx: AuditContext, decision: Decision, data: dict[str, Any]) -> Appeal:
    """Register an appeal of an approved decision as received. Formal shortcomings do not stop
    the registration (the office must record what it got); they stop forwarding."""
    if decision.status != DecisionStatus.APPROVED:
        raise ValidationError("Bare et fattet vedtak kan påklages.")
    data = _clean(data)
    if data["received_on"] < timezone.localtime(decision.approved_at).date():
        raise ValidationError(
            {"received_on": "Klagen kan ikke være mottatt før vedtaket ble fattet."}
        )
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(
                decision=decision,
                participant_id=decision.participant_id,
                office_id=decision.office_id,
                registered_by=ctx.actor,
                **data,
            )
            appeal.decision = decision
            task = _task_open(
                appeal, TaskKind.APPEAL_REVIEW, appeal_rules.review_due(appeal.received_on)
            )
            Appeal.objects.filter(pk=appeal.pk).update(review_task=task)
            _audit(ctx, appeal, AuditAction.CREATE, decision=decision.pk)
    except IntegrityError:
        raise ValidationError(
            "Vedtaket har allerede en åpen klage. Åpne den i stedet for å registrere en ny."
        ) from None
    appeal.refresh_from_db()
    return appeal


def appeal_update(
    *, ctx: AuditContext, appeal: Appeal, data: dict[str, Any], expected_version: int
) -> Appeal:
    """Correct or complete the registration (a signature arrives, a § 31 reason is written)."""
    data = _clean(data)
    with transaction.atomic():
        current = _lock(appeal, expected_version, "update")
        if data["received_on"] < timezone.localtime(current.decision.approved_at).date():
            raise ValidationError(
                {"received_on": "Klagen kan ikke være mottatt før vedtaket ble fattet."}
            )
        _update(current, expected_version, **data)
        if data["received_on"] != current.received_on and current.review_task_id:
            # The review is due from the new date: a new task; the old one closes.
            current.received_on = data["received_on"]
            task = _task_open(
                current, TaskKind.APPEAL_REVIEW, appeal_rules.review_due(data["received_on"])
            )
            old = current.review_task_id
            Appeal.objects.filter(pk=current.pk).update(review_task=task)
            if old != task.pk:
                _task_close(old)
        _audit(ctx, current, AuditAction.CHANGE, fields=sorted(data))
    appeal.refresh_from_db()
    return appeal


# --- Office review (fvl § 33) --------------------------------------------------------------------


def ensure_letters(decisions: list[Decision]) -> None:
    """Every decision letter of the case must exist before it goes to Statsforvalteren; the
    Celery job normally made them seconds after approval, this makes any it missed."""
    from decisions.models import Document, DocumentKind

    have = set(
        Document.objects.filter(
            kind=DocumentKind.DECISION_LETTER, decision__in=[d.pk for d in decisions]
        ).values_list("decision_id", flat=True)
    )
    for decision in decisions:
        if decision.pk not in have:
            letter_issue(decision_id=decision.pk)


def appeal_forward(
    *, ctx: AuditContext, appeal: Appeal, review_note: str, expected_version: int
) -> Appeal:
    """F4: the office upholds its decision and sends the case to Statsforvalteren with an
    oversendelsesbrev (copy to the participant), the appeal and a case summary."""
    actor: User = ctx.actor  # type: ignore[assignment]
    with transaction.atomic():
        current = _lock(appeal, expected_version, "forward")
        current.review_note = review_note
        check = appeal_rules.forward_check(documents.facts_of(current), review_note=review_note)
        if not check.allowed:
            raise ValidationError([str(f) for f in check.errors], code="rule")
        if current.reopened_at and reopened_application_open(current):
            raise ValidationError(
                "Søknaden er tatt opp til ny behandling og har ikke fått nytt vedtak. Fatt et "
                "nytt vedtak på søknaden før klagen sendes til Statsforvalteren.",
                code="reopened",
            )
        ensure_letters(case_decisions(current))
        current.forwarded_by = actor
        now = clock.now()
        current.forwarded_at = now
        appeal_doc, cover, summary = documents.appeal_documents_issue(
            appeal=current, case=case_file(current), issued_by=actor
        )
        _update(
            current,
            expected_version,
            state=AppealState.FORWARDED,
            review_note=review_note,
            forwarded_at=now,
            forwarded_by=actor,
            appeal_document=appeal_doc,
            cover_letter=cover,
            case_summary=summary,
        )
        _task_close(current.review_task_id)
        _audit(
            ctx,
            current,
            AuditAction.CHANGE,
            fields=["state"],
            state=AppealState.FORWARDED,
            documents=[appeal_doc.pk, cover.pk, summary.pk],
        )
    appeal.refresh_from_db()
    return appeal


def change_candidates(appeal: Appeal):
    """Decisions the office may link as its change of the appealed one: approved decisions in
    the same case, approved on or after the day the appeal was received."""
    decision = appeal.decision
    qs = Decision.objects.filter(
        participant_id=appeal.participant_id,
        status=DecisionStatus.APPROVED,
        approved_at__date__gte=appeal.received_on,
    ).exclude(pk=decision.pk)
    return qs.select_related("approved_by").order_by("-approved_at")


def appeal_change(
    *, ctx: AuditContext, appeal: Appeal, new_decision: Decision, expected_version: int
) -> Appeal:
    """F4 / fvl § 33: the office gives the appellant what they asked for (fully or in part) by
    a new decision, approved through the normal two-person flow; the appeal closes with it."""
    with transaction.atomic():
        current = _lock(appeal, expected_version, "change")
        if not change_candidates(current).filter(pk=new_decision.pk).exists():
            raise ValidationError(
                {
                    "new_decision": "Velg et godkjent vedtak for samme deltaker, fattet etter at "
                    "klagen kom inn."
                }
            )
        _update(
            current,
            expected_version,
            state=AppealState.CHANGED,
            new_decision=new_decision,
            closed_at=clock.now(),
            closed_by=ctx.actor,
        )
        _task_close(current.review_task_id)
        _audit(
            ctx,
            current,
            AuditAction.CHANGE,
            fields=["state", "new_decision"],
            state=AppealState.CHANGED,
            new_decision=new_decision.pk,
        )
    appeal.refresh_from_db()
    return appeal


# --- Reopening an appealed rejection (fvl § 33) --------------------------------------------------


def reopened_application_open(appeal: Appeal) -> bool:
    """The application taken up again on this appeal is still waiting for its new decision."""
    return Application.objects.filter(
        pk=appeal.decision.application_id,
        status__in=[ApplicationStatus.RECEIVED, ApplicationStatus.IN_PROGRESS],
    ).exists()


def reopen_refusal(appeal: Appeal) -> str | None:
    """Why the office may not take the appealed application up for a new assessment now, in
    Norwegian; None when it may. Reads the appeal and its decision as given (the service
    checks again under lock)."""
    decision = appeal.decision
    if not allowed(appeal, "reopen"):
        return REFUSALS["reopen"]
    if decision.kind != DecisionKind.REJECTION or decision.application_id is None:
        return (
            "Bare et avslag på en søknad kan tas opp til ny behandling. Et vedtak i et program "
            "endres med et nytt vedtak fra programmet."
        )
    if appeal.reopened_at is not None:
        return "Søknaden er allerede tatt opp til ny behandling etter denne klagen."
    application = decision.application
    if application.status != ApplicationStatus.DECIDED:
        return "Søknaden er ikke avgjort lenger, så den kan ikke tas opp til ny behandling."
    if Decision.objects.filter(
        application_id=application.pk,
        status=DecisionStatus.APPROVED,
        approved_at__gt=decision.approved_at,
    ).exists():
        return (
            "Søknaden har fått et nytt vedtak etter avslaget. Registrer det nye vedtaket som "
            "omgjøring, eller send klagen til Statsforvalteren."
        )
    return None


def appeal_reopen_application(
    *, ctx: AuditContext, appeal: Appeal, expected_version: int
) -> Appeal:
    """F4 / fvl § 33: the office takes the rejected application up for a new assessment
    ("Ta opp søknaden til ny behandling"). The application goes back to under behandling with
    the appeal as the recorded reason, so the normal flow applies: assess the § 29 conditions
    again (V2), draft a grant or a new rejection, two-person approval. An approved grant then
    closes the appeal as changed (appeal_close_by_new_decision)."""
    with transaction.atomic():
        current = _lock(appeal, expected_version, "reopen")
        decision = current.decision
        if decision.application_id is not None:
            # Lock the application too: a caseworker saving it meanwhile is refused, not lost.
            decision.application = Application.objects.select_for_update().get(
                pk=decision.application_id
            )
        refusal = reopen_refusal(current)
        if refusal:
            raise ValidationError(refusal, code="state")
        application = decision.application
        now = clock.now()
        decided_on = timezone.localtime(decision.approved_at).date()
        changes: dict[str, Any] = {
            "status": ApplicationStatus.IN_PROGRESS,
            "reopened_at": now,
            "reopened_reason": (
                f"Klage mottatt {current.received_on:%d.%m.%Y} på avslaget fattet "
                f"{decided_on:%d.%m.%Y}. Kontoret har tatt søknaden opp til ny behandling "
                "(forvaltningsloven § 33)."
            ),
        }
        if application.interim_reply_sent_on is None:
            # F3 (fvl. § 11 a) is the duty to give a foreløpig svar when an application cannot
            # be answered within a month. This application was answered: the appealed
            # rejection, sent on its notice date (or, if that is not recorded, made the day it
            # was approved). That answer discharged the duty; it does not arise again because
            # the office reviews its answer on appeal (fvl. § 33). What is pending now is the
            # appeal, whose time runs from its own receipt and is kept by the appeal's review
            # task (OFFICE_REVIEW_WEEKS), not from the application's receipt long ago. So the
            # answer is recorded as the reply given, and the nightly F3 scan (which knows only
            # this field) does not raise an overdue "send foreløpig svar" task for it.
            changes["interim_reply_sent_on"] = decision.notice_date or decided_on
        versioned_update(application, application.version, "Søknaden", **changes)
        _update(current, expected_version, reopened_at=now, reopened_by=ctx.actor)
        audit_record(
            ctx,
            action=AuditAction.CHANGE,
            object_type="application",
            object_id=application.pk,
            participant_id=current.participant_id,
            detail={
                "fields": sorted(changes),
                "status": ApplicationStatus.IN_PROGRESS,
                "reason": "appeal",
                "appeal": current.pk,
            },
        )
        _audit(ctx, current, AuditAction.CHANGE, fields=["reopened_at"], application=application.pk)
    appeal.refresh_from_db()
    return appeal


def appeal_close_by_new_decision(*, ctx: AuditContext, decision: Decision) -> list[Appeal]:
    """Called inside decision_approve's transaction (decisions.signals.decision_approved): a
    grant approved on an application the office took up again on appeal closes that appeal as
    changed by the office, linked to the grant. The participant is told by the grant's
    vedtaksbrev, made as for every approval. A new rejection leaves the appeal under review:
    the office forwards it to Statsforvalteren, or links the rejection if it gives the
    appellant what they asked for."""
    if decision.kind != DecisionKind.GRANT or decision.application_id is None:
        return []
    appeals = list(
        Appeal.objects.select_for_update(of=("self",))
        .filter(
            state=AppealState.REGISTERED,
            reopened_at__isnull=False,
            decision__application_id=decision.application_id,
        )
        .order_by("pk")
    )
    for appeal in appeals:
        _update(
            appeal,
            appeal.version,
            state=AppealState.CHANGED,
            new_decision=decision,
            closed_at=clock.now(),
            closed_by=ctx.actor,
        )
        _task_close(appeal.review_task_id)
        _audit(
            ctx,
            appeal,
            AuditAction.CHANGE,
            fields=["state", "new_decision"],
            state=AppealState.CHANGED,
            new_decision=decision.pk,
            on_approval=True,
        )
    return appeals


def on_decision_approved(sender, *, decision: Decision, ctx: AuditContext, **kwargs) -> None:
    appeal_close_by_new_decision(ctx=ctx, decision=decision)


def appeal_withdraw(
    *, ctx: AuditContext, appeal: Appeal, note: str, expected_version: int
) -> Appeal:
    """The appellant withdraws the appeal; Statsforvalteren's access ends with it."""
    with transaction.atomic():
        current = _lock(appeal, expected_version, "withdraw")
        _update(
            current,
            expected_version,
            state=AppealState.WITHDRAWN,
            withdrawn_note=note,
            closed_at=clock.now(),
            closed_by=ctx.actor,
        )
        _task_close(current.review_task_id)
        _audit(ctx, current, AuditAction.CHANGE, fields=["state"], state=AppealState.WITHDRAWN)
    appeal.refresh_from_db()
    return appeal


# --- Statsforvalteren's outcome --------------------------------------------------------------------


def is_pdf(data: bytes) -> bool:
    return data[:5] == b"%PDF-"


def appeal_register_outcome(
    *,
    ctx: AuditContext,
    appeal: Appeal,
    outcome: str,
    outcome_on: datetime.date,
    note: str,
    pdf: bytes,
    filename: str,
    expected_version: int,
) -> Appeal:
    """F4: Statsforvalteren's outcome with its date and document. The appeal closes (and with
    it Statsforvalteren's access); the office gets a task to follow the outcome up."""
    actor: User = ctx.actor  # type: ignore[assignment]
    if outcome not in OutcomeKind.values:
        raise ValidationError({"outcome": "Velg utfallet."})
    if not is_pdf(pdf) or len(pdf) > MAX_UPLOAD_BYTES:
        raise ValidationError({"document": "Last opp avgjørelsen som en PDF-fil på høyst 20 MB."})
    with transaction.atomic():
        current = _lock(appeal, expected_version, "outcome")
        forwarded_on = timezone.localtime(current.forwarded_at).date()
        if not forwarded_on <= outcome_on <= clock.today():
            raise ValidationError(
                {
                    "outcome_on": f"Datoen må være mellom oversendelsen "
                    f"({forwarded_on:%d.%m.%Y}) og i dag."
                }
            )
        document = documents.outcome_document_store(
            appeal=current,
            pdf=pdf,
            filename=filename[:200],
            outcome=outcome,
            outcome_on=outcome_on,
            issued_by=actor,
        )
        task = _task_open(current, TaskKind.APPEAL_OUTCOME, appeal_rules.follow_up_due(outcome_on))
        _update(
            current,
            expected_version,
            state=AppealState.DECIDED,
            outcome=outcome,
            outcome_on=outcome_on,
            outcome_note=note,
            outcome_document=document,
            outcome_registered_by=actor,
            follow_up_task=task,
            closed_at=clock.now(),
            closed_by=actor,
        )
        _audit(
            ctx,
            current,
            AuditAction.CHANGE,
            fields=["state", "outcome"],
            state=AppealState.DECIDED,
            outcome=outcome,
            document=document.pk,
        )
    appeal.refresh_from_db()
    return appeal


def appeal_follow_up(
    *, ctx: AuditContext, appeal: Appeal, note: str, expected_version: int
) -> Appeal:
    """The office has acted on the outcome (implemented a new decision, treated the case again
    after opphevelse, or noted a stadfestelse): its task closes."""
    with transaction.atomic():
        current = _lock(appeal, expected_version, "follow_up")
        if current.followed_up_at is not None:
            raise ValidationError("Utfallet er allerede fulgt opp.")
        _update(
            current,
            expected_version,
            followed_up_at=clock.now(),
            followed_up_by=ctx.actor,
            follow_up_note=note,
        )
        _task_close(current.follow_up_task_id)
        _audit(ctx, current, AuditAction.CHANGE, fields=["followed_up_at"])
    appeal.refresh_from_db()
    return appeal
