"""Appeal pages (F4).

The office's pages (/klager/…): register an appeal on a decision, complete it, review it —
change the decision or forward the case to Statsforvalteren — withdraw it, and follow up
Statsforvalteren's outcome. Loaded through case_object_get_for: scoped to the user's offices
and audited, like every case page.

Statsforvalteren's pages (/klagesaker/…): the forwarded, open appeals of any office, the case
summary, the one-click ZIP of the case file, the documents, the outcome, and a CSV of the
decisions in the appeals the officer decided over a period. Every appeal is loaded through
`_body_appeal_get`, i.e. Appeal.objects.visible_to: a case not forwarded, or closed, answers
404 as if it did not exist, and every read and export is audited against the participant so
the office's "Hvem har sett denne deltakeren?" shows it."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Q, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from appeals import documents, selectors, services
from appeals import rules as appeal_rules
from appeals.forms import (
    AppealForm,
    ChangeForm,
    ForwardForm,
    NoteForm,
    OutcomeForm,
    PeriodForm,
    ReopenForm,
    appeal_initial,
)
from appeals.models import Appeal, AppealState
from caseworker import rules as permissions
from caseworker.audit import (
    AuditAction,
    AuditContext,
    AuditOutcome,
    audit_record,
    audit_record_many,
    audit_record_objects,
)
from caseworker.rules import permission_required
from decisions import rules
from decisions.models import Decision, DecisionKind, DecisionStatus, Document, Programme
from decisions.overview import decisions_prefetch, programme_overview
from kvp import clock
from kvp.forms import attach_errors, form_submit
from participants.access import case_object_get_for

PAGE_SIZE = 50


def _ctx(request: HttpRequest) -> AuditContext:
    return AuditContext.from_request(request)


# --- The office -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required("appeal.change")
def appeal_register(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Registrer klage" on an approved decision."""
    decision = case_object_get_for(
        request,
        Decision.objects.select_related("programme", "approved_by"),
        pk,
        permission="appeal.change",
        object_type="decision",
    )
    if decision.status != DecisionStatus.APPROVED:
        raise Http404("Bare fattede vedtak kan påklages.")
    open_appeal = Appeal.objects.open().filter(decision=decision).first()
    if open_appeal is not None:
        messages.info(request, "Vedtaket har allerede en åpen klage.")
        return redirect("appeals:detail", pk=open_appeal.pk)
    form = AppealForm(request.POST or None, action=request.path, submit="Registrer klagen")
    if request.method == "POST" and form.is_valid():
        try:
            appeal = services.appeal_register(
                ctx=_ctx(request), decision=decision, data=form.cleaned_data
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(
                request,
                "Klagen er registrert. Kontoret skal nå vurdere den; oppgaven står i "
                "arbeidslisten.",
            )
            return redirect("appeals:detail", pk=appeal.pk)
    return render(
        request,
        "appeals/appeal_form.html",
        {
            "participant": decision.participant,
            "decision": decision,
            "form": form,
            "appeal_deadline": rules.appeal_deadline(decision.notice_date)
            if decision.notice_date
            else None,
            "title": "Registrer klage",
        },
    )


def _office_appeal(request: HttpRequest, pk: int, permission: str = "appeal.view") -> Appeal:
    return case_object_get_for(
        request, selectors.appeals_with_case(), pk, permission=permission, object_type="appeal"
    )


def _appeal_page(request: HttpRequest, appeal: Appeal, **forms) -> HttpResponse:
    user = request.user
    may_change = permissions.can(user, "appeal.change", appeal.participant)
    check = appeal_rules.formal_check(documents.facts_of(appeal))
    candidates = services.change_candidates(appeal)
    context = {
        "participant": appeal.participant,
        "appeal": appeal,
        "decision": appeal.decision,
        "check": check,
        "late": appeal_rules.is_late(documents.facts_of(appeal)),
        "appeal_deadline": rules.appeal_deadline(appeal.decision.notice_date)
        if appeal.decision.notice_date
        else None,
        "may_change": may_change,
        "documents": selectors.appeal_documents(appeal),
        "edit_allowed": may_change and services.allowed(appeal, "update"),
        "reopened": selectors.reopened_case(appeal),
    }
    if forms.get("reopen_form") is not None:
        context["reopen_form"] = forms["reopen_form"]
    elif (
        may_change
        and appeal.decision.kind == DecisionKind.REJECTION
        and services.reopen_refusal(appeal) is None
    ):
        context["reopen_form"] = ReopenForm(appeal=appeal)
    if may_change and services.allowed(appeal, "forward"):
        context["forward_form"] = forms.get("forward_form") or ForwardForm(appeal=appeal)
    if may_change and services.allowed(appeal, "change"):
        context["change_form"] = forms.get("change_form") or ChangeForm(
            appeal=appeal, candidates=candidates
        )
        context["has_candidates"] = candidates.exists()
    if may_change and services.allowed(appeal, "withdraw"):
        context["withdraw_form"] = forms.get("withdraw_form") or NoteForm(
            appeal=appeal,
            url="appeals:withdraw",
            label="Merknad om at klagen er trukket",
            submit="Registrer at klagen er trukket",
        )
    if may_change and services.allowed(appeal, "follow_up") and appeal.followed_up_at is None:
        context["follow_up_form"] = forms.get("follow_up_form") or NoteForm(
            appeal=appeal,
            url="appeals:follow_up",
            label="Hva kontoret har gjort med utfallet",
            submit="Registrer at utfallet er fulgt opp",
        )
    return render(request, "appeals/appeal_detail.html", context)


@require_GET
@permission_required("appeal.view")
def appeal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _appeal_page(request, _office_appeal(request, pk))


@require_http_methods(["GET", "POST"])
@permission_required("appeal.change")
def appeal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = _office_appeal(request, pk, "appeal.change")
    if not services.allowed(appeal, "update"):
        messages.error(request, services.REFUSALS["update"])
        return redirect("appeals:detail", pk=pk)
    form = AppealForm(
        request.POST or None,
        initial=appeal_initial(appeal),
        action=request.path,
        submit="Lagre klagen",
    )
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data.get("version")
        if version is None:
            form.add_error(None, "Skjemaet mangler versjon. Last siden på nytt.")
        else:
            try:
                services.appeal_update(
                    ctx=_ctx(request),
                    appeal=appeal,
                    data=form.cleaned_data,
                    expected_version=version,
                )
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, "Klagen er oppdatert.")
                return redirect("appeals:detail", pk=pk)
    return render(
        request,
        "appeals/appeal_form.html",
        {
            "participant": appeal.participant,
            "decision": appeal.decision,
            "appeal": appeal,
            "form": form,
            "appeal_deadline": rules.appeal_deadline(appeal.decision.notice_date)
            if appeal.decision.notice_date
            else None,
            "title": "Endre klagen",
        },
    )


@require_POST
@permission_required("appeal.change")
def appeal_forward(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = _office_appeal(request, pk, "appeal.change")
    form = ForwardForm(request.POST, appeal=appeal)
    if form_submit(
        request,
        form,
        lambda data: services.appeal_forward(
            ctx=_ctx(request),
            appeal=appeal,
            review_note=data["review_note"],
            expected_version=data["version"],
        ),
        success="Klagen er sendt til Statsforvalteren med oversendelsesbrev. Send kopien av "
        "brevet til deltakeren.",
    ):
        return redirect("appeals:detail", pk=pk)
    return _appeal_page(request, appeal, forward_form=form)


@require_POST
@permission_required("appeal.change")
def appeal_change(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = _office_appeal(request, pk, "appeal.change")
    form = ChangeForm(request.POST, appeal=appeal, candidates=services.change_candidates(appeal))
    if form_submit(
        request,
        form,
        lambda data: services.appeal_change(
            ctx=_ctx(request),
            appeal=appeal,
            new_decision=data["new_decision"],
            expected_version=data["version"],
        ),
        success="Registrert at kontoret har omgjort vedtaket. Klagen er avsluttet.",
    ):
        return redirect("appeals:detail", pk=pk)
    return _appeal_page(request, appeal, change_form=form)


@require_POST
@permission_required("appeal.change")
def appeal_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Ta opp søknaden til ny behandling" on an appealed rejection (fvl § 33)."""
    appeal = _office_appeal(request, pk, "appeal.change")
    form = ReopenForm(request.POST, appeal=appeal)
    if form_submit(
        request,
        form,
        lambda data: services.appeal_reopen_application(
            ctx=_ctx(request), appeal=appeal, expected_version=data["version"]
        ),
        success="Søknaden er tatt opp til ny behandling. Vurder vilkårene på nytt og lag et "
        "nytt vedtak; når en innvilgelse er godkjent, avsluttes klagen som omgjort.",
    ):
        return redirect("decisions:application_detail", pk=appeal.decision.application_id)
    return _appeal_page(request, appeal, reopen_form=form)


def _note_action(request: HttpRequest, pk: int, *, service, url, label, submit, key, done):
    appeal = _office_appeal(request, pk, "appeal.change")
    form = NoteForm(request.POST, appeal=appeal, url=url, label=label, submit=submit)
    if form_submit(
        request,
        form,
        lambda data: service(
            ctx=_ctx(request), appeal=appeal, note=data["note"], expected_version=data["version"]
        ),
        success=done,
    ):
        return redirect("appeals:detail", pk=pk)
    return _appeal_page(request, appeal, **{key: form})


@require_POST
@permission_required("appeal.change")
def appeal_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _note_action(
        request,
        pk,
        service=services.appeal_withdraw,
        url="appeals:withdraw",
        label="Merknad om at klagen er trukket",
        submit="Registrer at klagen er trukket",
        key="withdraw_form",
        done="Klagen er registrert som trukket.",
    )


@require_POST
@permission_required("appeal.change")
def appeal_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    return _note_action(
        request,
        pk,
        service=services.appeal_follow_up,
        url="appeals:follow_up",
        label="Hva kontoret har gjort med utfallet",
        submit="Registrer at utfallet er fulgt opp",
        key="follow_up_form",
        done="Utfallet er fulgt opp. Oppgaven er lukket.",
    )


@require_GET
@permission_required("appeal.view")
def appeal_list(request: HttpRequest) -> HttpResponse:
    """ "Klager": the appeals of the user's offices, open ones first, newest first."""
    from participants.models import Participant

    appeals = (
        Appeal.objects.filter(
            office_id__in=request.user.office_ids(),
            participant__in=Participant.objects.visible_to(request.user),
        )
        .select_related("participant", "decision")
        .annotate(
            closed=Case(
                When(state__in=[AppealState.REGISTERED, AppealState.FORWARDED], then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("closed", "-received_on", "-pk")
    )
    page = Paginator(appeals, PAGE_SIZE).get_page(request.GET.get("side"))
    audit_record_many(
        _ctx(request),
        action=AuditAction.LIST,
        object_type="appeal",
        participant_ids=list(dict.fromkeys(a.participant_id for a in page.object_list)),
    )
    return render(request, "appeals/appeal_list.html", {"page_obj": page})


# --- Statsforvalteren -------------------------------------------------------------------------------


def _body_appeal_get(request: HttpRequest, pk: int, *, action: str = AuditAction.VIEW) -> Appeal:
    """The one loader of Statsforvalteren's pages: Appeal.objects.visible_to (forwarded and
    open only), a 404 otherwise — audited either way."""
    ctx = _ctx(request)
    appeal = selectors.appeals_with_case().visible_to(request.user).filter(pk=pk).first()
    if appeal is None or not permissions.can(request.user, "appeals_body.view", appeal):
        participant_id = (
            Appeal.objects.filter(pk=pk).values_list("participant_id", flat=True).first()
        )
        audit_record(
            ctx,
            action=action,
            object_type="appeal",
            object_id=pk,
            participant_id=participant_id,
            outcome=AuditOutcome.DENY,
            detail={"reason": "not_visible", "appeals_body": True},
        )
        raise Http404("Fant ikke klagesaken.")
    return appeal


def _body_audit(request, appeal: Appeal, action: str, object_type: str = "appeal", **detail):
    audit_record(
        _ctx(request),
        action=action,
        object_type=object_type,
        object_id=appeal.pk,
        participant_id=appeal.participant_id,
        detail={"appeals_body": True, **detail},
    )


@require_GET
@permission_required("appeals_body.view")
def body_list(request: HttpRequest) -> HttpResponse:
    """ "Klagesaker": every appeal forwarded to Statsforvalteren and not yet closed, from any
    office, oldest forwarded first."""
    appeals = (
        Appeal.objects.visible_to(request.user)
        .select_related("participant", "office", "decision")
        .order_by("forwarded_at", "pk")
    )
    page = Paginator(appeals, PAGE_SIZE).get_page(request.GET.get("side"))
    audit_record_many(
        _ctx(request),
        action=AuditAction.LIST,
        object_type="appeal",
        participant_ids=list(dict.fromkeys(a.participant_id for a in page.object_list)),
        detail={"appeals_body": True},
    )
    return render(
        request,
        "appeals/body_list.html",
        {"page_obj": page, "period_form": PeriodForm()},
    )


def _body_case_page(request, appeal: Appeal, *, outcome_form=None) -> HttpResponse:
    case = selectors.case_file(appeal)
    decision = appeal.decision
    programme = None
    overview = None
    if decision.programme_id:
        programme = (
            Programme.objects.select_related("participant", "application")
            .prefetch_related(decisions_prefetch(), "leaves")
            .get(pk=decision.programme_id)
        )
        overview = programme_overview(programme, today=clock.today())
    application = programme.application if programme else decision.application
    return render(
        request,
        "appeals/body_case.html",
        {
            "appeal": appeal,
            "participant": appeal.participant,
            "decision": decision,
            "case": case,
            "rows": [
                {
                    "decision": d,
                    "letter": case.letters.get(d.pk),
                    "appealed": d.pk == decision.pk,
                    "appeal_deadline": rules.appeal_deadline(d.notice_date)
                    if d.notice_date
                    else None,
                }
                for d in case.decisions
            ],
            "programme": programme,
            "overview": overview,
            "application": application,
            "assessments": list(application.assessments.all()),
            "documents": selectors.appeal_documents(appeal),
            "outcome_form": outcome_form or OutcomeForm(appeal=appeal),
        },
    )


@require_GET
@permission_required("appeals_body.view")
def body_case(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = _body_appeal_get(request, pk)
    _body_audit(request, appeal, AuditAction.VIEW)
    return _body_case_page(request, appeal)


def _case_documents(appeal: Appeal, case: selectors.CaseFile) -> dict[int, Document]:
    ids = [letter.pk for letter in case.letters.values()]
    ids += [appeal.appeal_document_id, appeal.cover_letter_id, appeal.case_summary_id]
    if appeal.outcome_document_id:
        ids.append(appeal.outcome_document_id)
    return {doc.pk: doc for doc in Document.objects.filter(pk__in=ids)}


@require_GET
@permission_required("appeals_body.view")
def body_export(request: HttpRequest, pk: int) -> HttpResponse:
    """One click: the whole case file as a ZIP (see appeals.documents.case_zip)."""
    appeal = _body_appeal_get(request, pk, action=AuditAction.EXPORT)
    services.ensure_letters(selectors.case_decisions(appeal))
    case = selectors.case_file(appeal)
    data, manifest = documents.case_zip(case, documents=_case_documents(appeal, case))
    _body_audit(
        request,
        appeal,
        AuditAction.EXPORT,
        format="zip",
        files=[f["name"] for f in manifest["files"]],
    )
    response = HttpResponse(data, content_type="application/zip")
    name = f"klagesak-{appeal.pk}-{clock.today():%Y-%m-%d}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@permission_required("appeals_body.view")
def body_document(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    """One document of the case file, byte for byte as stored. Only documents of this case."""
    appeal = _body_appeal_get(request, pk, action=AuditAction.EXPORT)
    case = selectors.case_file(appeal)
    allowed = {letter.pk for letter in case.letters.values()} | {
        i for i in (appeal.appeal_document_id, appeal.cover_letter_id, appeal.case_summary_id) if i
    }
    if document_pk not in allowed:
        raise Http404("Dokumentet hører ikke til klagesaken.")
    document = Document.objects.get(pk=document_pk)
    _body_audit(
        request,
        appeal,
        AuditAction.EXPORT,
        object_type="document",
        document=document.pk,
        kind=document.kind,
        sha256=document.sha256,
    )
    response = HttpResponse(bytes(document.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@permission_required("appeals_body.decide")
def body_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = _body_appeal_get(request, pk)
    form = OutcomeForm(request.POST, request.FILES, appeal=appeal)
    if form_submit(
        request,
        form,
        lambda data: services.appeal_register_outcome(
            ctx=_ctx(request),
            appeal=appeal,
            outcome=data["outcome"],
            outcome_on=data["outcome_on"],
            note=data["note"],
            pdf=data["document"].read(),
            filename=data["document"].name or "avgjorelse.pdf",
            expected_version=data["version"],
        ),
        success="Utfallet er registrert og NAV-kontoret har fått en oppgave. Saken er avsluttet "
        "hos Statsforvalteren, og du har ikke lenger tilgang til den.",
    ):
        return redirect("appeals:body_list")
    _body_audit(request, appeal, AuditAction.VIEW)
    return _body_case_page(request, appeal, outcome_form=form)


@require_GET
@permission_required("appeals_body.view")
def body_period_csv(request: HttpRequest) -> HttpResponse:
    """Every decision in the appeals this officer decided within a period, as CSV."""
    form = PeriodForm(request.GET)
    if not form.is_valid():
        appeals = Appeal.objects.visible_to(request.user).select_related(
            "participant", "office", "decision"
        )
        page = Paginator(appeals.order_by("forwarded_at", "pk"), PAGE_SIZE).get_page(1)
        return render(
            request,
            "appeals/body_list.html",
            {"page_obj": page, "period_form": form},
            status=400,
        )
    start: datetime.date = form.cleaned_data["fra"]
    end: datetime.date = form.cleaned_data["til"]
    handled = list(selectors.handled_by(request.user, start=start, end=end))
    programme_ids = {a.decision.programme_id for a in handled if a.decision.programme_id}
    application_ids = {a.decision.application_id for a in handled if not a.decision.programme_id}
    decisions = (
        list(
            Decision.objects.filter(status=DecisionStatus.APPROVED)
            .filter(
                Q(programme_id__in=programme_ids)
                | Q(application_id__in=application_ids, programme__isnull=True)
            )
            .select_related("drafted_by", "approved_by")
            .order_by("approved_at", "pk")
        )
        if handled
        else []
    )
    rows = []
    for appeal in handled:
        key = appeal.decision.programme_id
        for decision in decisions:
            same_case = (
                decision.programme_id == key
                if key
                else decision.application_id == appeal.decision.application_id
                and decision.programme_id is None
            )
            if not same_case:
                continue
            row = documents.decision_row(decision)
            row.update(
                {
                    "appeal_id": appeal.pk,
                    "office": appeal.office.name,
                    "participant": appeal.participant.full_name,
                    "national_id": appeal.participant.national_id,
                    "outcome": appeal.get_outcome_display(),
                    "outcome_on": appeal.outcome_on.isoformat(),
                    "appealed": "ja" if decision.pk == appeal.decision_id else "nei",
                }
            )
            rows.append(row)
    # One export row per appeal in the file, against its participant: the office's "Hvem har
    # sett denne deltakeren?" shows that Statsforvalteren exported the case, and which one.
    audit_record_objects(
        _ctx(request),
        action=AuditAction.EXPORT,
        object_type="appeal",
        objects=[(a.pk, a.participant_id) for a in handled],
        detail={"appeals_body": True, "format": "csv", "from": str(start), "to": str(end)},
    )
    data = documents.decisions_csv(
        rows,
        extra=[
            ("appeal_id", "klage_id"),
            ("office", "kontor"),
            ("participant", "deltaker"),
            ("national_id", "fodselsnummer"),
            ("outcome", "utfall"),
            ("outcome_on", "avgjort_dato"),
            ("appealed", "paklaget"),
        ],
    )
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="klagevedtak-{start:%Y-%m-%d}-{end:%Y-%m-%d}.csv"'
    )
    response["Cache-Control"] = "no-store"
    return response
