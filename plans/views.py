"""The programme plan page (P1, P3, P4, P5 as warnings), its activity and evaluation forms, and
the office catalogue of measures and providers that leaders keep.

Small function views: a permission at the door, objects through case_object_get_for (scoped to
the user's offices and audited; another office's case is a 404), writes through plans.services,
Post/Redirect/Get with a message."""

from __future__ import annotations

import functools

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from caseworker import rules as permissions
from caseworker.audit import AuditContext
from caseworker.models import Office
from caseworker.rules import permission_required
from decisions.forms import VersionForm
from kvp.forms import attach_errors
from participants.access import case_object_get_for
from plans import rules, selectors, services
from plans.forms import ActivityForm, EvaluationForm, MeasureForm, ProviderForm
from plans.models import Evaluation, Measure, PlanActivity, Provider


def _ctx(request: HttpRequest) -> AuditContext:
    return AuditContext.from_request(request)


def _programme(request: HttpRequest, pk: int, permission: str):
    return case_object_get_for(
        request, selectors.programmes_for_plan(), pk, permission=permission, object_type="plan"
    )


def _plan_page(
    request: HttpRequest,
    programme,
    *,
    activity_form: ActivityForm | None = None,
    evaluation_form: EvaluationForm | None = None,
    status: int = 200,
) -> HttpResponse:
    participant = programme.participant
    may_change = (
        permissions.can(request.user, "plan.change", participant) and programme.ended_on is None
    )
    plan = selectors.plan_for(programme)
    if may_change:
        activity_form = activity_form or ActivityForm(programme=programme)
        evaluation_form = evaluation_form or EvaluationForm(programme=programme)
    return render(
        request,
        "plans/plan_detail.html",
        {
            "participant": participant,
            "programme": programme,
            "plan": plan,
            "weeks": plan.check.weeks,
            "findings": plan.check.findings,
            "full_time": rules.policy.FULL_TIME_HOURS_PER_WEEK,
            "final_stage_weeks": rules.policy.FINAL_STAGE_WEEKS,
            "evaluation_months": rules.policy.EVALUATION_INTERVAL_MONTHS,
            "may_change": may_change,
            "activity_form": activity_form,
            "evaluation_form": evaluation_form,
        },
        status=status,
    )


@require_GET
@permission_required("plan.view")
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _plan_page(request, _programme(request, pk, "plan.view"))


@require_POST
@permission_required("plan.change")
def activity_add(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk, "plan.change")
    form = ActivityForm(request.POST, programme=programme)
    if form.is_valid():
        try:
            services.activity_add(ctx=_ctx(request), programme=programme, data=form.service_data())
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, "Aktiviteten er lagt til i planen.")
            return redirect("plans:plan_detail", pk=pk)
    return _plan_page(request, programme, activity_form=form)


def _activity(request: HttpRequest, pk: int) -> PlanActivity:
    return case_object_get_for(
        request,
        PlanActivity.objects.select_related("programme", "measure", "provider"),
        pk,
        permission="plan.change",
        object_type="planactivity",
    )


def _item_edit(request: HttpRequest, item, form, change, *, done: str, heading: str):
    """The edit page of one plan item (activity or evaluation date): the version-checked
    change through its service, then back to the plan."""
    programme = item.programme
    if request.method == "POST" and form.is_valid():
        try:
            change(
                ctx=_ctx(request),
                data=form.service_data(),
                expected_version=form.cleaned_data["version"] or 0,
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("plans:plan_detail", pk=programme.pk)
    return render(
        request,
        "plans/item_form.html",
        {"participant": item.participant, "programme": programme, "form": form, "heading": heading},
    )


def _item_remove(request: HttpRequest, item, remove, *, done: str) -> HttpResponse:
    """Remove one plan item with its version check; the outcome as a message on the plan."""
    form = VersionForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("Last siden på nytt og prøv igjen.")
        remove(ctx=_ctx(request), expected_version=form.cleaned_data["version"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("plans:plan_detail", pk=item.programme_id)


@require_http_methods(["GET", "POST"])
@permission_required("plan.change")
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity(request, pk)
    form = ActivityForm(request.POST or None, programme=activity.programme, activity=activity)
    return _item_edit(
        request,
        activity,
        form,
        functools.partial(services.activity_change, activity=activity),
        done="Aktiviteten er endret.",
        heading=f"Endre aktivitet: {activity.title}",
    )


@require_POST
@permission_required("plan.change")
def activity_remove(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity(request, pk)
    return _item_remove(
        request,
        activity,
        functools.partial(services.activity_remove, activity=activity),
        done=f"Aktiviteten «{activity.title}» er fjernet fra planen.",
    )


@require_POST
@permission_required("plan.change")
def evaluation_add(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk, "plan.change")
    form = EvaluationForm(request.POST, programme=programme)
    if form.is_valid():
        try:
            services.evaluation_add(
                ctx=_ctx(request), programme=programme, data=form.service_data()
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, "Evalueringsdatoen er lagt til i planen.")
            return redirect("plans:plan_detail", pk=pk)
    return _plan_page(request, programme, evaluation_form=form)


def _evaluation(request: HttpRequest, pk: int) -> Evaluation:
    return case_object_get_for(
        request,
        Evaluation.objects.select_related("programme"),
        pk,
        permission="plan.change",
        object_type="evaluation",
    )


@require_http_methods(["GET", "POST"])
@permission_required("plan.change")
def evaluation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _evaluation(request, pk)
    form = EvaluationForm(
        request.POST or None, programme=evaluation.programme, evaluation=evaluation
    )
    return _item_edit(
        request,
        evaluation,
        form,
        functools.partial(services.evaluation_change, evaluation=evaluation),
        done="Evalueringsdatoen er endret.",
        heading=f"Endre evaluering {evaluation.date:%d.%m.%Y}",
    )


@require_POST
@permission_required("plan.change")
def evaluation_remove(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _evaluation(request, pk)
    return _item_remove(
        request,
        evaluation,
        functools.partial(services.evaluation_remove, evaluation=evaluation),
        done="Evalueringsdatoen er fjernet fra planen.",
    )


# --- The office catalogue (leaders) ------------------------------------------------------------


def _office(request: HttpRequest) -> Office:
    """The office whose catalogue the leader keeps: the leader's own office."""
    user = request.user
    office_id = user.office_id or min(user.office_ids(), default=None)
    office = Office.objects.filter(pk=office_id).first()
    if office is None or not permissions.can(user, "catalogue.change", office):
        raise PermissionDenied
    return office


def _catalogue_page(
    request: HttpRequest,
    office: Office,
    *,
    measure_form: MeasureForm | None = None,
    provider_form: ProviderForm | None = None,
) -> HttpResponse:
    measures, providers = selectors.catalogue_for([office.pk])
    return render(
        request,
        "plans/catalogue.html",
        {
            "office": office,
            "measures": measures,
            "providers": providers,
            "measure_form": measure_form or MeasureForm(office=office),
            "provider_form": provider_form or ProviderForm(),
        },
    )


@require_GET
@permission_required("catalogue.change")
def catalogue(request: HttpRequest) -> HttpResponse:
    return _catalogue_page(request, _office(request))


@require_POST
@permission_required("catalogue.change")
def measure_add(request: HttpRequest) -> HttpResponse:
    office = _office(request)
    form = MeasureForm(request.POST, office=office)
    if form.is_valid():
        try:
            services.measure_create(ctx=_ctx(request), office=office, data=form.service_data())
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, "Tiltaket er lagt til i katalogen.")
            return redirect("plans:catalogue")
    return _catalogue_page(request, office, measure_form=form)


@require_POST
@permission_required("catalogue.change")
def provider_add(request: HttpRequest) -> HttpResponse:
    office = _office(request)
    form = ProviderForm(request.POST)
    if form.is_valid():
        try:
            services.provider_create(ctx=_ctx(request), office=office, data=form.service_data())
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, "Leverandøren er lagt til i katalogen.")
            return redirect("plans:catalogue")
    return _catalogue_page(request, office, provider_form=form)


def _catalogue_item(request: HttpRequest, model, pk: int):
    item = model.objects.select_related("office").filter(pk=pk).first()
    if item is None or not permissions.can(request.user, "catalogue.change", item.office):
        raise Http404("Fant ikke katalogoppføringen.")
    return item


@require_http_methods(["GET", "POST"])
@permission_required("catalogue.change")
def measure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    measure = _catalogue_item(request, Measure, pk)
    form = MeasureForm(request.POST or None, office=measure.office, measure=measure)
    if request.method == "POST" and form.is_valid():
        try:
            services.measure_change(
                ctx=_ctx(request),
                measure=measure,
                data=form.service_data(),
                expected_version=form.cleaned_data["version"] or 0,
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, "Tiltaket er endret.")
            return redirect("plans:catalogue")
    return render(
        request,
        "plans/catalogue_item_form.html",
        {"form": form, "heading": f"Endre tiltak: {measure.name}"},
    )


@require_http_methods(["GET", "POST"])
@permission_required("catalogue.change")
def provider_edit(request: HttpRequest, pk: int) -> HttpResponse:
    provider = _catalogue_item(request, Provider, pk)
    form = ProviderForm(request.POST or None, provider=provider)
    if request.method == "POST" and form.is_valid():
        try:
            services.provider_change(
                ctx=_ctx(request),
                provider=provider,
                data=form.service_data(),
                expected_version=form.cleaned_data["version"] or 0,
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, "Leverandøren er endret.")
            return redirect("plans:catalogue")
    return render(
        request,
        "plans/catalogue_item_form.html",
        {"form": form, "heading": f"Endre leverandør: {provider.name}"},
    )
