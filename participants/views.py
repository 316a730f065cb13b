"""Participant register pages. Small function views: permission at the door, objects through
participant_get_for (scoped + audited), writes through services, Post/Redirect/Get."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from caseworker import rules
from caseworker.audit import AuditAction, AuditContext, audit_record_many
from caseworker.models import AuditEvent
from caseworker.rules import permission_required
from kvp.forms import attach_errors
from participants import services
from participants.access import participant_get_for
from participants.forms import (
    ChildForm,
    ParticipantForm,
    ReassignForm,
    SearchForm,
    VersionForm,
)
from participants.models import Participant

PAGE_SIZE = 25


@require_GET
@permission_required("participant.view")
def participant_list(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    query, mine = "", False
    if form.is_valid():
        query, mine = form.cleaned_data["q"], form.cleaned_data["mine"]
    participants = (
        Participant.objects.visible_to(request.user)
        .search(query)
        .select_related("office", "caseworker")
    )
    if mine:
        participants = participants.filter(caseworker=request.user)
    page = Paginator(participants, PAGE_SIZE).get_page(request.GET.get("side"))
    # Seeing a name in a list is seeing the person: one audit row each, one INSERT.
    audit_record_many(
        AuditContext.from_request(request),
        action=AuditAction.LIST,
        object_type="participant",
        participant_ids=[p.pk for p in page.object_list],
        detail={"query": bool(query)},
    )
    context = {"form": form, "page_obj": page, "query": query, "mine": mine}
    # htmx live search swaps only #resultater; the fragment is the same file the page includes.
    template = (
        "participants/partials/_results.html"
        if request.htmx
        else "participants/participant_list.html"
    )
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@permission_required("participant.create")
def participant_create(request: HttpRequest) -> HttpResponse:
    form = ParticipantForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            participant = services.participant_create(
                ctx=AuditContext.from_request(request), data=form.service_data()
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, f"{participant.full_name} er registrert.")
            return redirect("participants:detail", pk=participant.pk)
    return render(request, "participants/participant_form.html", {"form": form})


@require_GET
@permission_required("participant.view")
def participant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    participant = participant_get_for(request, pk)
    children = list(participant.children.all())
    return render(
        request,
        "participants/participant_detail.html",
        {"participant": participant, "children": children},
    )


@require_http_methods(["GET", "POST"])
@permission_required("participant.change")
def participant_edit(request: HttpRequest, pk: int) -> HttpResponse:
    participant = participant_get_for(request, pk, permission="participant.change")
    form = ParticipantForm(request.POST or None, instance=participant, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            participant = services.participant_update(
                ctx=AuditContext.from_request(request),
                participant=participant,
                data=form.service_data(),
                expected_version=form.cleaned_data["version"] or 0,
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, "Endringene er lagret.")
            if not rules.participant_is_visible(request.user, participant):
                messages.info(
                    request,
                    "Deltakeren er nå utenfor din tilgang (annet kontor, strengt fortrolig "
                    "eller skjermet).",
                )
                return redirect("participants:list")
            return redirect("participants:detail", pk=pk)
    return render(
        request,
        "participants/participant_form.html",
        {"form": form, "participant": participant},
    )


@require_http_methods(["GET", "POST"])
@permission_required("participant.change")
def participant_children(request: HttpRequest, pk: int) -> HttpResponse:
    participant = participant_get_for(
        request, pk, permission="participant.change", object_type="child"
    )
    form = ChildForm(request.POST or None, participant=participant)
    if request.method == "POST" and form.is_valid():
        try:
            child = services.child_save(
                ctx=AuditContext.from_request(request),
                participant=participant,
                child=None,
                data=form.service_data(),
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, f"{child.name} er lagt til i husstanden.")
            return redirect("participants:children", pk=pk)
    return render(
        request,
        "participants/children.html",
        {
            "participant": participant,
            "children": list(participant.children.all()),
            "form": form,
            "remove_form": VersionForm(initial={"version": participant.version}),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("participant.change")
def child_edit(request: HttpRequest, pk: int, child_pk: int) -> HttpResponse:
    participant = participant_get_for(
        request, pk, permission="participant.change", object_type="child"
    )
    child = get_object_or_404(participant.children, pk=child_pk)
    form = ChildForm(
        request.POST or None, instance=child, participant=participant, submit_label="Lagre"
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.child_save(
                ctx=AuditContext.from_request(request),
                participant=participant,
                child=child,
                data=form.service_data(),
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, "Endringene er lagret.")
            return redirect("participants:children", pk=pk)
    return render(
        request,
        "participants/child_form.html",
        {"participant": participant, "child": child, "form": form},
    )


@require_POST
@permission_required("participant.change")
def child_remove(request: HttpRequest, pk: int, child_pk: int) -> HttpResponse:
    participant = participant_get_for(
        request, pk, permission="participant.change", object_type="child"
    )
    child = get_object_or_404(participant.children, pk=child_pk)
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Skjemaet var ufullstendig. Prøv igjen.")
        return redirect("participants:children", pk=pk)
    try:
        services.child_remove(
            ctx=AuditContext.from_request(request),
            participant=participant,
            child=child,
            expected_version=form.cleaned_data["version"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{child.name} er fjernet fra husstanden.")
    return redirect("participants:children", pk=pk)


@require_http_methods(["GET", "POST"])
@permission_required("participant.reassign")
def participant_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    participant = participant_get_for(request, pk, permission="participant.reassign")
    form = ReassignForm(request.POST or None, participant=participant)
    if request.method == "POST" and form.is_valid():
        try:
            services.participant_reassign(
                ctx=AuditContext.from_request(request),
                participant=participant,
                caseworker=form.cleaned_data["caseworker"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            new = form.cleaned_data["caseworker"]
            messages.success(request, f"{participant.full_name} er tildelt {new.get_full_name()}.")
            return redirect("participants:detail", pk=pk)
    return render(request, "participants/reassign.html", {"participant": participant, "form": form})


@require_GET
@permission_required("participant.audit_view")
def participant_access_log(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Hvem har sett denne deltakeren?" — the participant's audit trail, for leaders."""
    participant = participant_get_for(
        request, pk, permission="participant.audit_view", object_type="audit_log"
    )
    events = (
        AuditEvent.objects.filter(participant_id=participant.pk)
        .select_related("actor", "actor__office")
        .order_by("-at", "-pk")
    )
    page = Paginator(events, 50).get_page(request.GET.get("side"))
    return render(
        request,
        "participants/access_log.html",
        {"participant": participant, "page_obj": page},
    )
