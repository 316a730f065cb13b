"""Pages for documents: the vedtaksbrev preview and downloads, and the deltakerbevis (P6)
from draft through review to issue, one by one or as a leader's batch."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from caseworker import rules as permissions
from caseworker.audit import AuditAction, AuditContext, audit_record, audit_record_many
from caseworker.rules import permission_required
from decisions import documents
from decisions.document_forms import ActivityFormSet, CertificateForm, activity_initial
from decisions.forms import VersionForm
from decisions.models import (
    CertificateBatch,
    CertificateStatus,
    Document,
    DocumentKind,
    ParticipationCertificate,
)
from kvp.forms import attach_errors
from participants.access import case_object_get_for


def _ctx(request: HttpRequest) -> AuditContext:
    return AuditContext.from_request(request)


# --- Vedtaksbrev -------------------------------------------------------------------------------


@require_GET
@permission_required("case.view")
def letter_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The letter as HTML, with the same body as the PDF: before approval, from the decision
    as it is now; after, from the data the stored letter was made from."""
    decision = case_object_get_for(
        request,
        documents._letter_decisions().select_related("office"),
        pk,
        object_type="decision",
    )
    letter = Document.objects.filter(kind=DocumentKind.DECISION_LETTER, decision=decision).first()
    data = letter.data if letter else documents.letter_data(decision)
    return render(
        request,
        "decisions/letter_preview.html",
        {
            "participant": decision.participant,
            "decision": decision,
            "letter": data,
            "document": letter,
        },
    )


@require_GET
@permission_required("document.view")
def document_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The stored PDF, byte for byte as it was issued. Audited as an export."""
    document = case_object_get_for(
        request, Document.objects.all(), pk, permission="document.view", object_type="document"
    )
    audit_record(
        _ctx(request),
        action=AuditAction.EXPORT,
        object_type="document",
        object_id=document.pk,
        participant_id=document.participant_id,
        detail={"kind": document.kind, "sha256": document.sha256},
    )
    response = HttpResponse(bytes(document.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


# --- Deltakerbevis -----------------------------------------------------------------------------


def _certificates():
    return ParticipationCertificate.objects.select_related(
        "programme", "edited_by", "reviewed_by", "document"
    )


def _certificate_page(request, certificate, *, form=None, formset=None) -> HttpResponse:
    participant = certificate.participant
    may_change = permissions.can(request.user, "case.change", participant)
    editable = may_change and certificate.is_editable
    if editable and form is None:
        form = CertificateForm(instance=certificate)
        formset = ActivityFormSet(
            initial=activity_initial(certificate.activities), prefix="activity"
        )
    awaiting = certificate.status == CertificateStatus.AWAITING_REVIEW
    may_review = awaiting and permissions.can(request.user, "certificate.review", certificate)
    return render(
        request,
        "decisions/certificate_detail.html",
        {
            "participant": participant,
            "certificate": certificate,
            "programme": certificate.programme,
            "form": form if editable else None,
            "formset": formset if editable else None,
            "may_send": editable,
            "may_review": may_review,
            "own_certificate": awaiting and certificate.edited_by_id == request.user.pk,
            "preview": documents.certificate_data(certificate)
            if certificate.document_id is None
            else certificate.document.data,
            "version_form": VersionForm(initial={"version": certificate.version}, auto_id=False),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("case.view")
def certificate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "GET":
        certificate = case_object_get_for(
            request, _certificates(), pk, object_type="participationcertificate"
        )
        return _certificate_page(request, certificate)
    certificate = case_object_get_for(
        request,
        _certificates(),
        pk,
        permission="case.change",
        object_type="participationcertificate",
    )
    form = CertificateForm(request.POST, instance=certificate)
    formset = ActivityFormSet(request.POST, prefix="activity")
    if form.is_valid() and formset.is_valid():
        try:
            documents.certificate_update(
                ctx=_ctx(request),
                certificate=certificate,
                data={**form.service_data(), "activities": formset.rows()},
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, "Deltakerbeviset er lagret.")
            return redirect("decisions:certificate_detail", pk=pk)
    certificate.refresh_from_db()
    return _certificate_page(request, certificate, form=form, formset=formset)


def _version(request) -> int | None:
    form = VersionForm(request.POST)
    return form.cleaned_data["version"] if form.is_valid() else None


@require_POST
@permission_required("case.change")
def certificate_send(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = case_object_get_for(
        request,
        _certificates(),
        pk,
        permission="case.change",
        object_type="participationcertificate",
    )
    try:
        documents.certificate_send_for_review(
            ctx=_ctx(request), certificate=certificate, expected_version=_version(request) or -1
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Deltakerbeviset er sendt til kontroll.")
    return redirect("decisions:certificate_detail", pk=pk)


@require_POST
@permission_required("certificate.review")
def certificate_review(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = case_object_get_for(
        request, _certificates(), pk, object_type="participationcertificate"
    )
    approve = request.POST.get("outcome") == "approve"
    try:
        documents.certificate_review(
            ctx=_ctx(request),
            certificate=certificate,
            approve=approve,
            expected_version=_version(request) or -1,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            "Deltakerbeviset er kontrollert og klart til utstedelse."
            if approve
            else "Deltakerbeviset er sendt tilbake til veilederen.",
        )
    return redirect("decisions:certificate_detail", pk=pk)


@require_http_methods(["GET", "POST"])
@permission_required("certificate.issue_batch")
def certificate_batches(request: HttpRequest) -> HttpResponse:
    """A leader's page: the reviewed certificates of the offices waiting to be issued, and a
    button per office that issues them all in one Celery job."""
    user = request.user
    if request.method == "POST":
        try:
            office_id = int(request.POST.get("office", ""))
        except ValueError:
            office_id = -1
        if office_id not in user.office_ids():
            raise Http404("Fant ikke kontoret.")
        try:
            batch = documents.certificate_batch_start(ctx=_ctx(request), office_id=office_id)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("decisions:certificate_batches")
        return redirect("decisions:certificate_batch", pk=batch.pk)
    pending = [
        c
        for c in documents.certificates_pending(user.office_ids())
        if permissions.can(user, "case.view", c.participant)
    ]
    audit_record_many(
        _ctx(request),
        action=AuditAction.LIST,
        object_type="participationcertificate",
        participant_ids=[c.participant_id for c in pending],
    )
    offices = {}
    for c in pending:
        offices.setdefault(c.office, []).append(c)
    return render(
        request,
        "decisions/certificate_batches.html",
        {"offices": list(offices.items())},
    )


def _batch_for(request, pk) -> CertificateBatch:
    batch = CertificateBatch.objects.filter(pk=pk, office_id__in=request.user.office_ids()).first()
    if batch is None:
        raise Http404("Fant ikke utstedelsen.")
    return batch


@require_GET
@permission_required("certificate.issue_batch")
def certificate_batch(request: HttpRequest, pk: int) -> HttpResponse:
    """The batch's progress; with htmx, only the polled fragment."""
    batch = _batch_for(request, pk)
    template = (
        "decisions/partials/_batch_progress.html"
        if request.htmx
        else "decisions/certificate_batch.html"
    )
    return render(request, template, {"batch": batch})
