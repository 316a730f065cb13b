"""The case pages: applications with their § 29 assessment, programmes with their timeline,
decisions with two-person approval, and the approvers' queue.

Small function views: a permission at the door, objects through case_object_get_for /
participant_get_for (scoped to the user's offices and audited; another office's case is a
404), writes through decisions.services, Post/Redirect/Get with a message."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from caseworker import rules as permissions
from caseworker.audit import AuditAction, AuditContext, audit_record_many
from caseworker.rules import permission_required
from decisions import rules, selectors, services
from decisions.documents import decision_detail_rows
from decisions.forms import (
    ApplicationCloseForm,
    ApplicationRegisterForm,
    AssessmentForm,
    DecisionForm,
    InterimReplyForm,
    LeaveForm,
    NoticeForm,
    ProgrammeStatisticsForm,
    ReturnForm,
    VersionForm,
)
from decisions.models import (
    Application,
    ApprovedLeave,
    Condition,
    Decision,
    DecisionKind,
    DecisionStatus,
    Document,
    DocumentKind,
    ParticipationCertificate,
    Programme,
    ReturnReason,
)
from decisions.overview import KIND_SLUGS, decisions_prefetch, programme_overview
from kvp import clock
from kvp.forms import attach_errors, form_submit
from participants.access import case_object_get_for, participant_get_for
from participants.models import Participant

APPLICATION_KINDS = (DecisionKind.GRANT, DecisionKind.REJECTION)
PROGRAMME_KINDS = (
    DecisionKind.EXTENSION,
    DecisionKind.SPECIAL_EXTENSION,
    DecisionKind.INTERRUPTION,
    DecisionKind.RESUMPTION,
    DecisionKind.TERMINATION,
)
QUEUE_PAGE_SIZE = 50


def _ctx(request: HttpRequest) -> AuditContext:
    return AuditContext.from_request(request)


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- Querysets: what each page needs, in a fixed number of queries -----------------------------


def _applications() -> QuerySet[Application]:
    return Application.objects.select_related("created_by", "programme").prefetch_related(
        "assessments", decisions_prefetch()
    )


def _programmes() -> QuerySet[Programme]:
    return Programme.objects.select_related("application").prefetch_related(
        decisions_prefetch(), "leaves"
    )


def _decisions() -> QuerySet[Decision]:
    return Decision.objects.select_related(
        "application",
        "programme",
        "programme__participant",
        "drafted_by",
        "approved_by",
        "returned_by",
    ).prefetch_related("application__assessments")


# --- Applications -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required("case.change")
def application_register(request: HttpRequest, pk: int) -> HttpResponse:
    participant = participant_get_for(
        request, pk, permission="case.change", object_type="application"
    )
    form = ApplicationRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_register(
                ctx=_ctx(request), participant=participant, data=form.service_data()
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, "Søknaden er registrert.")
            return redirect("decisions:application_detail", pk=application.pk)
    return render(
        request,
        "decisions/application_register.html",
        {"participant": participant, "form": form},
    )


def _application_page(
    request: HttpRequest, application: Application, *, assess_form: AssessmentForm | None = None
) -> HttpResponse:
    participant = application.participant
    today = clock.today()
    may_change = permissions.can(request.user, "case.change", participant)
    decisions = list(application.decisions.all())
    in_progress = next((d for d in decisions if d.status != DecisionStatus.APPROVED), None)
    assessments = {a.condition: a for a in application.assessments.all()}
    verdict = services.eligibility_of(application)
    may_draft = may_change and application.is_open and in_progress is None
    interim_due = rules.interim_reply_due(application.received_on)
    if assess_form is None and may_change and application.is_open:
        assess_form = AssessmentForm(application=application)
    try:
        programme = application.programme
    except Programme.DoesNotExist:
        programme = None
    return render(
        request,
        "decisions/application_detail.html",
        {
            "participant": participant,
            "application": application,
            "may_change": may_change,
            "decisions": decisions,
            "in_progress": in_progress,
            # Offer what the § 29 verdict allows: a grant when every condition is met, a
            # rejection once every condition is assessed (the V4 exception is chosen in it).
            "may_grant": may_draft and verdict.eligible,
            "may_reject": may_draft and not verdict.unassessed_conditions,
            "may_draft": may_draft,
            "assessment_rows": [
                (condition, assessments.get(condition.value)) for condition in Condition
            ],
            "verdict": verdict,
            "interim_due": interim_due,
            "interim_overdue": application.is_open
            and not application.interim_reply_sent_on
            and today >= interim_due,
            "interim_form": InterimReplyForm(application=application) if may_draft else None,
            "assess_form": assess_form,
            "programme": programme,
            "benefits_checked": [
                rules.BENEFIT_LABELS.get(b, b) for b in application.benefits_checked
            ],
            "entitled_benefits": [
                rules.BENEFIT_LABELS.get(b, b) for b in application.entitled_benefits
            ],
        },
    )


@require_GET
@permission_required("case.view")
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = case_object_get_for(request, _applications(), pk, object_type="application")
    return _application_page(request, application)


@require_POST
@permission_required("case.change")
def application_assess(request: HttpRequest, pk: int) -> HttpResponse:
    application = case_object_get_for(
        request, _applications(), pk, permission="case.change", object_type="application"
    )
    form = AssessmentForm(request.POST, application=application)
    if form.is_valid():
        try:
            services.application_assess(
                ctx=_ctx(request),
                application=application,
                assessments=form.assessments(),
                data=form.service_data(),
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, "Vilkårsvurderingen er lagret.")
            return redirect("decisions:application_detail", pk=pk)
    return _application_page(request, application, assess_form=form)


@require_POST
@permission_required("case.change")
def application_interim_reply(request: HttpRequest, pk: int) -> HttpResponse:
    """F3: register that the applicant got a foreløpig svar."""
    application = case_object_get_for(
        request, _applications(), pk, permission="case.change", object_type="application"
    )
    form = InterimReplyForm(request.POST, application=application)
    if form.is_valid():
        try:
            services.application_record_interim_reply(
                ctx=_ctx(request),
                application=application,
                sent_on=form.cleaned_data["sent_on"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Det foreløpige svaret er registrert.")
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("decisions:application_detail", pk=pk)


@require_http_methods(["GET", "POST"])
@permission_required("case.change")
def application_close(request: HttpRequest, pk: int) -> HttpResponse:
    application = case_object_get_for(
        request, _applications(), pk, permission="case.change", object_type="application"
    )
    if not application.is_open:
        messages.info(request, "Søknaden er allerede avgjort eller lukket.")
        return redirect("decisions:application_detail", pk=pk)
    form = ApplicationCloseForm(request.POST or None, application=application)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_close(
                ctx=_ctx(request),
                application=application,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, f"Søknaden er {application.get_status_display().lower()}.")
            return redirect("decisions:application_detail", pk=pk)
    return render(
        request,
        "decisions/application_close.html",
        {"participant": application.participant, "application": application, "form": form},
    )


# --- Programmes -------------------------------------------------------------------------------


@require_GET
@permission_required("case.view")
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = case_object_get_for(request, _programmes(), pk, object_type="programme")
    return _programme_page(request, programme)


def _programme_page(request: HttpRequest, programme: Programme, *, leave_form=None):
    participant = programme.participant
    may_change = permissions.can(request.user, "case.change", participant)
    overview = programme_overview(programme, today=clock.today())
    if leave_form is None and may_change and programme.ended_on is None:
        leave_form = LeaveForm(programme=programme)
    return render(
        request,
        "decisions/programme_detail.html",
        {
            "participant": participant,
            "programme": programme,
            "overview": overview,
            "may_change": may_change,
            "leaves": list(programme.leaves.all()),
            "certificate": ParticipationCertificate.objects.filter(programme=programme).first(),
            "leave_form": leave_form,
        },
    )


@require_POST
@permission_required("case.change")
def leave_register(request: HttpRequest, pk: int) -> HttpResponse:
    """D2: register approved leave on the programme page."""
    programme = case_object_get_for(
        request, _programmes(), pk, permission="case.change", object_type="programme"
    )
    form = LeaveForm(request.POST, programme=programme)
    if form_submit(
        request,
        form,
        lambda data: services.leave_register(ctx=_ctx(request), programme=programme, data=data),
        success="Permisjonen er registrert. Programtiden er beregnet på nytt.",
    ):
        return redirect("decisions:programme_detail", pk=pk)
    return _programme_page(request, programme, leave_form=form)


@require_POST
@permission_required("case.change")
def leave_remove(request: HttpRequest, pk: int) -> HttpResponse:
    leave = case_object_get_for(
        request,
        ApprovedLeave.objects.select_related("programme"),
        pk,
        permission="case.change",
        object_type="programme",
    )
    try:
        services.leave_remove(ctx=_ctx(request), leave=leave)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Permisjonen er fjernet.")
    return redirect("decisions:programme_detail", pk=leave.programme_id)


# --- Drafting decisions -----------------------------------------------------------------------


def _kind_from_slug(slug: str, allowed: tuple[str, ...]) -> str:
    kind = KIND_SLUGS.get(slug)
    if kind not in allowed:
        raise Http404("Ukjent vedtakstype.")
    return kind


def _draft(
    request: HttpRequest,
    *,
    kind: str,
    participant: Participant,
    form: DecisionForm,
    application: Application | None = None,
    programme: Programme | None = None,
    context: dict[str, Any],
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.decision_draft(
                ctx=_ctx(request),
                kind=kind,
                participant=participant,
                application=application,
                programme=programme,
                data=form.service_data(),
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(
                request,
                f"Utkastet til vedtak om {decision.get_kind_display().lower()} er lagret. "
                "Se over det, og send det til godkjenning.",
            )
            return redirect("decisions:decision_detail", pk=decision.pk)
    return render(
        request,
        "decisions/decision_form.html",
        {
            "participant": participant,
            "form": form,
            "kind": kind,
            "kind_label": DecisionKind(kind).label,
            "application": application,
            "programme": programme,
            **context,
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("case.change")
def decision_create_for_application(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    kind = _kind_from_slug(kind, APPLICATION_KINDS)
    application = case_object_get_for(
        request, _applications(), pk, permission="case.change", object_type="application"
    )
    initial: dict[str, Any] = {}
    if kind == DecisionKind.REJECTION:
        initial["unmet_conditions"] = [
            a.condition for a in application.assessments.all() if a.fulfilled is False
        ]
    form = DecisionForm(
        request.POST or None,
        kind=kind,
        initial_extra=initial,
        cancel_url=reverse("decisions:application_detail", args=[pk]),
    )
    return _draft(
        request,
        kind=kind,
        participant=application.participant,
        form=form,
        application=application,
        context={"verdict": services.eligibility_of(application)},
    )


@require_http_methods(["GET", "POST"])
@permission_required("case.change")
def decision_create_for_programme(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    kind = _kind_from_slug(kind, PROGRAMME_KINDS)
    programme = case_object_get_for(
        request, _programmes(), pk, permission="case.change", object_type="programme"
    )
    overview = programme_overview(programme, today=clock.today())
    if kind not in overview.allowed:
        messages.error(
            request,
            f"Vedtak om {DecisionKind(kind).label.lower()} kan ikke fattes for programmet nå.",
        )
        return redirect("decisions:programme_detail", pk=pk)
    initial: dict[str, Any] = {}
    if kind in (DecisionKind.EXTENSION, DecisionKind.SPECIAL_EXTENSION):
        initial["period_start"] = overview.period_ends + datetime.timedelta(days=1)
    form = DecisionForm(
        request.POST or None,
        kind=kind,
        initial_extra=initial,
        cancel_url=reverse("decisions:programme_detail", args=[pk]),
    )
    return _draft(
        request,
        kind=kind,
        participant=programme.participant,
        form=form,
        programme=programme,
        context={"overview": overview},
    )


# --- One decision -----------------------------------------------------------------------------


def _decision_page(
    request: HttpRequest,
    decision: Decision,
    *,
    return_form: ReturnForm | None = None,
    notice_form: NoticeForm | None = None,
) -> HttpResponse:
    user = request.user
    participant = decision.participant
    may_change = permissions.can(user, "case.change", participant)
    is_approver = permissions.can(user, "decision.approve")
    may_approve = permissions.can(user, "decision.approve", decision)
    awaiting = decision.status == DecisionStatus.AWAITING_APPROVAL
    approved = decision.status == DecisionStatus.APPROVED
    check = None if approved else services.decision_check(decision)
    letter = (
        Document.objects.filter(kind=DocumentKind.DECISION_LETTER, decision=decision)
        .defer("pdf", "data")
        .first()
        if approved
        else None
    )
    context = {
        "participant": participant,
        "decision": decision,
        "detail_rows": decision_detail_rows(decision),
        "check": check,
        "may_edit": may_change and decision.is_editable,
        "may_send": may_change and decision.is_editable and check is not None and check.allowed,
        "may_approve": awaiting and may_approve,
        "own_decision": awaiting and is_approver and decision.drafted_by_id == user.pk,
        # F2: the klagefrist runs from the letter reaching the participant; it must exist.
        "may_record_notice": approved
        and decision.notice_date is None
        and may_change
        and letter is not None,
        "appeal_deadline": (
            rules.appeal_deadline(decision.notice_date) if decision.notice_date else None
        ),
        "version_form": VersionForm(initial={"version": decision.version}, auto_id=False),
        "return_form": return_form
        or (ReturnForm(decision=decision) if awaiting and may_approve else None),
        "notice_form": notice_form
        or (NoticeForm(decision=decision) if approved and may_change else None),
        "letter": letter,
        "certificate": ParticipationCertificate.objects.filter(
            programme_id=decision.programme_id
        ).first()
        if approved and decision.kind == DecisionKind.TERMINATION
        else None,
        "return_reason_label": ReturnReason(decision.return_reason).label
        if decision.return_reason in ReturnReason.values
        else "",
    }
    return render(request, "decisions/decision_detail.html", context)


@require_GET
@permission_required("case.view")
def decision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    decision = case_object_get_for(request, _decisions(), pk, object_type="decision")
    return _decision_page(request, decision)


@require_http_methods(["GET", "POST"])
@permission_required("case.change")
def decision_edit(request: HttpRequest, pk: int) -> HttpResponse:
    decision = case_object_get_for(
        request, _decisions(), pk, permission="case.change", object_type="decision"
    )
    if not decision.is_editable:
        messages.info(
            request, "Vedtaket er sendt til godkjenning eller vedtatt og kan ikke endres."
        )
        return redirect("decisions:decision_detail", pk=pk)
    form = DecisionForm(
        request.POST or None,
        kind=decision.kind,
        decision=decision,
        submit_label="Lagre endringene",
        cancel_url=reverse("decisions:decision_detail", args=[pk]),
    )
    form.fields["version"].required = True
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_update(
                ctx=_ctx(request),
                decision=decision,
                data=form.service_data(),
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, "Endringene i vedtaket er lagret.")
            return redirect("decisions:decision_detail", pk=pk)
    return render(
        request,
        "decisions/decision_form.html",
        {
            "participant": decision.participant,
            "form": form,
            "kind": decision.kind,
            "kind_label": decision.get_kind_display(),
            "decision": decision,
            "application": decision.application,
            "programme": decision.programme,
            **_facts_for(decision),
        },
    )


def _facts_for(decision: Decision) -> dict[str, Any]:
    """What the form's side panel shows: the programme now, or the § 29 verdict."""
    if decision.programme_id:
        programme = _programmes().get(pk=decision.programme_id)
        programme.participant = decision.participant
        return {"overview": programme_overview(programme, today=clock.today())}
    if decision.application_id:
        return {"verdict": services.eligibility_of(decision.application)}
    return {}


def _version_or_none(request: HttpRequest) -> int | None:
    form = VersionForm(request.POST)
    return form.cleaned_data["version"] if form.is_valid() else None


INCOMPLETE = "Skjemaet var ufullstendig. Last siden på nytt og prøv igjen."


def _button(request: HttpRequest, service, decision: Decision) -> Decision | None:
    """A one-button POST on a decision (send, delete, approve): read the form's version, call
    the service, and turn a refusal into a message. Returns the result, or None if refused."""
    version = _version_or_none(request)
    if version is None:
        messages.error(request, INCOMPLETE)
        return None
    try:
        return service(ctx=_ctx(request), decision=decision, expected_version=version) or decision
    except services.ConflictError as error:
        messages.warning(request, _error_text(error))
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return None


@require_POST
@permission_required("case.change")
def decision_send(request: HttpRequest, pk: int) -> HttpResponse:
    decision = case_object_get_for(
        request, _decisions(), pk, permission="case.change", object_type="decision"
    )
    if _button(request, services.decision_send_for_approval, decision):
        messages.success(request, "Vedtaket er sendt til godkjenning hos en beslutter.")
    return redirect("decisions:decision_detail", pk=pk)


@require_POST
@permission_required("case.change")
def decision_delete(request: HttpRequest, pk: int) -> HttpResponse:
    decision = case_object_get_for(
        request, _decisions(), pk, permission="case.change", object_type="decision"
    )
    if not _button(request, services.decision_delete_draft, decision):
        return redirect("decisions:decision_detail", pk=pk)
    messages.success(request, f"Utkastet til {decision.get_kind_display().lower()} er slettet.")
    if decision.programme_id:
        return redirect("decisions:programme_detail", pk=decision.programme_id)
    if decision.application_id:
        return redirect("decisions:application_detail", pk=decision.application_id)
    return redirect("participants:detail", pk=decision.participant_id)


def _approvable(request: HttpRequest, pk: int) -> Decision:
    """The decision, when this approver may approve or return it. The drafter gets the
    totrinnskontroll message (from the service); anyone else outside the rule a 403."""
    decision = case_object_get_for(request, _decisions(), pk, object_type="decision")
    if not permissions.can(request.user, "decision.approve", decision):
        if decision.drafted_by_id == request.user.pk:
            raise ValidationError(
                "Du kan ikke godkjenne eller returnere et vedtak du har skrevet selv. En annen "
                "beslutter må gjøre det (totrinnskontroll)."
            )
        raise PermissionDenied
    return decision


@require_POST
@permission_required("decision.approve")
def decision_approve(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        decision = _approvable(request, pk)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("decisions:decision_detail", pk=pk)
    decision = _button(request, services.decision_approve, decision)
    if decision:
        messages.success(
            request,
            f"Vedtaket om {decision.get_kind_display().lower()} for "
            f"{decision.participant.full_name} er godkjent og gjelder nå.",
        )
    return redirect("decisions:decision_detail", pk=pk)


@require_POST
@permission_required("decision.approve")
def decision_return(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        decision = _approvable(request, pk)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("decisions:decision_detail", pk=pk)
    form = ReturnForm(request.POST, decision=decision)
    if form.is_valid():
        try:
            services.decision_return(
                ctx=_ctx(request),
                decision=decision,
                reason=form.cleaned_data["reason"],
                comment=form.cleaned_data["comment"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, "Vedtaket er returnert til saksbehandleren.")
            return redirect("decisions:queue")
    return _decision_page(request, decision, return_form=form)


@require_POST
@permission_required("case.change")
def decision_notice(request: HttpRequest, pk: int) -> HttpResponse:
    decision = case_object_get_for(
        request, _decisions(), pk, permission="case.change", object_type="decision"
    )
    form = NoticeForm(request.POST, decision=decision)
    if form.is_valid():
        try:
            decision = services.decision_record_notice(
                ctx=_ctx(request),
                decision=decision,
                notice_date=form.cleaned_data["notice_date"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            deadline = rules.appeal_deadline(decision.notice_date)
            messages.success(
                request,
                f"Registrert at vedtaket ble sendt {decision.notice_date:%d.%m.%Y}. "
                f"Klagefristen er {deadline:%d.%m.%Y}.",
            )
            return redirect("decisions:decision_detail", pk=pk)
    return _decision_page(request, decision, notice_form=form)


# --- The approvers' queue ---------------------------------------------------------------------


def waiting_text(waited: datetime.timedelta) -> str:
    """How long a decision has waited, as an approver reads it: "3 dager", "5 timer"."""
    if waited.days >= 1:
        return "1 dag" if waited.days == 1 else f"{waited.days} dager"
    hours = waited.seconds // 3600
    if hours >= 1:
        return "1 time" if hours == 1 else f"{hours} timer"
    return "under en time"


@require_GET
@permission_required("decision.approve")
def approval_queue(request: HttpRequest) -> HttpResponse:
    """ "Til godkjenning": the office's decisions awaiting approval, oldest first."""
    user = request.user
    queue = selectors.approval_queue(user)
    page = Paginator(queue, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    # Seeing a name in a list is seeing the person: one audit row each, one INSERT.
    audit_record_many(
        _ctx(request),
        action=AuditAction.LIST,
        object_type="decision",
        participant_ids=[d.participant_id for d in page.object_list],
    )
    now = clock.now()
    rows = [
        {
            "decision": d,
            "waiting": waiting_text(now - d.sent_for_approval_at) if d.sent_for_approval_at else "",
            "own": d.drafted_by_id == user.pk,
        }
        for d in page.object_list
    ]
    return render(
        request,
        "decisions/approval_queue.html",
        {"page_obj": page, "rows": rows, "today": clock.today()},
    )


@require_http_methods(["GET", "POST"])
@permission_required("case.change")
def programme_statistics(request: HttpRequest, pk: int) -> HttpResponse:
    """K1: the KOSTRA 11CF facts the case work does not otherwise record."""
    programme = case_object_get_for(
        request,
        Programme.objects.select_related("application"),
        pk,
        permission="case.change",
        object_type="programme",
    )
    form = ProgrammeStatisticsForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_statistics_update(
                ctx=_ctx(request),
                programme=programme,
                data=form.service_data(),
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, "Opplysningene til statistikken er lagret.")
            return redirect("decisions:programme_detail", pk=pk)
    return render(
        request,
        "decisions/programme_statistics.html",
        {"programme": programme, "participant": programme.participant, "form": form},
    )
