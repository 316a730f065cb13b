"""Attendance (the weekly grid), the participant's stipend page with quota counters, the
payment basis with its approval, and the office's payroll export (issue 6).

Small function views: a permission at the door, participants and bases through
participant_get_for / case_object_get_for (office-scoped and audited; another office's is a
404), writes through stipend.services, Post/Redirect/Get with a message."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from caseworker import rules as permissions
from caseworker.audit import AuditAction, AuditContext, audit_record, audit_record_many
from caseworker.models import Office
from caseworker.rules import permission_required
from decisions.models import Programme
from decisions.selectors import programmes_with_decisions
from kvp import clock
from kvp.forms import attach_errors
from participants.access import case_object_get_for, participant_get_for
from participants.models import Participant
from stipend import selectors, services
from stipend.forms import IncomeForm, OfficeRunForm
from stipend.models import AbsenceKind, IncomeRecord, OfficeRun, PaymentBasis
from stipend.rules import periods as period_rules
from stipend.rules.calendar import week_start as monday_of
from stipend.rules.money import kroner

WEEKDAYS = ["mandag", "tirsdag", "onsdag", "torsdag", "fredag"]


def _ctx(request: HttpRequest) -> AuditContext:
    return AuditContext.from_request(request)


def _date_param(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


# --- Attendance ---------------------------------------------------------------------------------


OVERRIDE_REASON_MAX = 300  # stipend.models.Absence.override_reason


def _posted_entries(request: HttpRequest, grid, week: datetime.date):
    """The grid's POST as WeekEntry per row, and what is wrong with it in Norwegian. Every row
    is read even when one is wrong, so the page shows back everything the user typed."""
    entries, problems = [], []
    for row in grid:
        pid, name = row.participant.pk, row.participant.full_name
        try:
            version = int(request.POST.get(f"v-{pid}", ""))
        except ValueError:
            problems.append("Skjemaet mangler versjon. Last siden på nytt.")
            version = -1
        absences = {}
        for day, planned, _ in row.cells:
            value = request.POST.get(f"d-{pid}-{day.isoformat()}", "")
            if value and planned:
                if value not in AbsenceKind.values:
                    problems.append(f"Ukjent fraværstype for {name}.")
                    continue
                absences[day] = value
        reason = request.POST.get(f"r-{pid}", "").strip()
        if "\x00" in reason:
            problems.append(f"Begrunnelsen for {name} inneholder et tegn som ikke er tillatt.")
            reason = reason.replace("\x00", "")
        if len(reason) > OVERRIDE_REASON_MAX:
            problems.append(
                f"Begrunnelsen for {name} kan ha høyst {OVERRIDE_REASON_MAX} tegn "
                f"(den har {len(reason)})."
            )
        entries.append(services.WeekEntry(pid, version, absences, reason))
    return entries, list(dict.fromkeys(problems))


@require_http_methods(["GET", "POST"])
@permission_required("attendance.register")
def attendance_week(request: HttpRequest) -> HttpResponse:
    """S6/S7: one screen with the week of every participant the caseworker follows; planned
    days are present unless an absence type is chosen."""
    source = request.POST if request.method == "POST" else request.GET
    week = monday_of(_date_param(source.get("uke")) or clock.today())
    grid = selectors.attendance_grid(request.user, week)
    error, conflict = None, False
    entries: list[services.WeekEntry] = []
    if request.method == "POST":
        try:
            entries, problems = _posted_entries(request, grid, week)
            if problems:
                raise ValidationError(problems)
            changed = services.attendance_week_save(
                ctx=_ctx(request), week_start=week, grid=grid, entries=entries
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
            conflict = isinstance(exc, services.ConflictError)
            posted = {e.participant_id: e for e in entries}
            for row in grid:
                entry = posted.get(row.participant.pk)
                if entry:
                    row.cells = [(d, p, entry.absences.get(d, "")) for d, p, _ in row.cells]
                    row.override_reason = entry.override_reason
        else:
            if changed:
                messages.success(request, f"Oppmøtet er lagret for {changed} deltaker(e).")
            else:
                messages.info(request, "Ingen endringer å lagre.")
            return redirect(f"{reverse('stipend:attendance')}?uke={week.isoformat()}")
    audit_record_many(
        _ctx(request),
        action=AuditAction.LIST,
        object_type="attendance_week",
        participant_ids=[row.participant.pk for row in grid],
        detail={"week_start": week.isoformat()},
    )
    days = [week + datetime.timedelta(days=i) for i in range(5)]
    return render(
        request,
        "stipend/attendance_week.html",
        {
            "week": week,
            "week_number": week.isocalendar()[1],
            "week_end": week + datetime.timedelta(days=4),
            "previous_week": week - datetime.timedelta(days=7),
            "next_week": week + datetime.timedelta(days=7),
            "days": list(zip(days, WEEKDAYS, strict=True)),
            "rows": grid,
            "kinds": AbsenceKind.choices,
            "error": error,
        },
        status=409 if conflict else 200,
    )


# --- The participant's stipend ------------------------------------------------------------------


def _period_options(programme: Programme, frequency: str, today: datetime.date):
    """The payment periods a caseworker can compute: from the current one back to the
    programme's start, at most 12."""
    options = []
    start, end = period_rules.period_containing(today, frequency)
    while end >= programme.start_date and len(options) < 12:
        if programme.ended_on is None or start <= programme.ended_on:
            options.append((start, end))
        start, end = period_rules.previous_period(start, frequency)
    return options


def _stipend_page(request, participant, *, income_form=None):
    today = clock.today()
    programme = (
        programmes_with_decisions(Programme.objects.filter(participant=participant))
        .order_by("-start_date")
        .first()
    )
    may_change = permissions.can(request.user, "stipend.change", participant)
    frequency = selectors.frequency_of(participant.office_id)
    if income_form is None and may_change:
        income_form = IncomeForm(participant=participant)
    bases = list(selectors.bases_for_participant(participant.pk))
    options = _period_options(programme, frequency, today) if programme else []
    periods_shown = [(start, end, end < today) for start, end in options]
    return render(
        request,
        "stipend/participant_stipend.html",
        {
            "participant": participant,
            "programme": programme,
            "counters": selectors.counters_for(participant.pk, today),
            "bases": [(b, kroner(b.computed_total_ore)) for b in bases],
            "may_change": may_change,
            "periods": periods_shown,
            # S10: paid afterwards; preselect the latest period that is over.
            "first_ended": next((i for i, p in enumerate(periods_shown) if p[2]), 0),
            "frequency_label": "hver 14. dag" if frequency == "biweekly" else "månedlig",
            "income_form": income_form if may_change else None,
            "income_records": [
                (r, kroner(r.amount_ore) if r.amount_ore else "")
                for r in IncomeRecord.objects.filter(participant=participant).order_by(
                    "-applies_on", "-pk"
                )[:20]
            ],
        },
    )


@require_GET
@permission_required("stipend.view")
def participant_stipend(request: HttpRequest, pk: int) -> HttpResponse:
    participant = participant_get_for(request, pk, permission="stipend.view", object_type="stipend")
    return _stipend_page(request, participant)


@require_POST
@permission_required("stipend.change")
def income_register(request: HttpRequest, pk: int) -> HttpResponse:
    participant = participant_get_for(
        request, pk, permission="stipend.change", object_type="income_record"
    )
    form = IncomeForm(request.POST, participant=participant)
    if form.is_valid():
        try:
            services.income_register(
                ctx=_ctx(request), participant=participant, data=form.service_data()
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, "Registrert. Beregn utbetalingsgrunnlaget på nytt.")
            return redirect("stipend:participant", pk=pk)
    return _stipend_page(request, participant, income_form=form)


@require_POST
@permission_required("stipend.change")
def income_remove(request: HttpRequest, pk: int) -> HttpResponse:
    record = case_object_get_for(
        request,
        IncomeRecord.objects.all(),
        pk,
        permission="stipend.change",
        object_type="income_record",
    )
    services.income_remove(ctx=_ctx(request), record=record)
    messages.success(request, "Registreringen er fjernet. Beregn utbetalingsgrunnlaget på nytt.")
    return redirect("stipend:participant", pk=record.participant_id)


@require_POST
@permission_required("stipend.change")
def basis_compute(request: HttpRequest, pk: int) -> HttpResponse:
    participant = participant_get_for(
        request, pk, permission="stipend.change", object_type="payment_basis"
    )
    programme = Programme.objects.filter(participant=participant).order_by("-start_date").first()
    start = _date_param(request.POST.get("periode"))
    options = (
        _period_options(programme, selectors.frequency_of(participant.office_id), clock.today())
        if programme
        else []
    )
    chosen = next((o for o in options if o[0] == start), None)
    if chosen is None:
        messages.error(request, "Velg en utbetalingsperiode fra listen.")
        return redirect("stipend:participant", pk=pk)
    try:
        basis = services.payment_basis_compute(
            ctx=_ctx(request), programme=programme, period_start=chosen[0], period_end=chosen[1]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("stipend:participant", pk=pk)
    messages.success(request, "Utbetalingsgrunnlaget er beregnet. Kontroller og godkjenn det.")
    return redirect("stipend:basis_detail", pk=basis.pk)


def _bases():
    return selectors.basis_with_lines(PaymentBasis.objects.all())


@require_GET
@permission_required("stipend.view")
def basis_detail(request: HttpRequest, pk: int) -> HttpResponse:
    basis = case_object_get_for(
        request, _bases(), pk, permission="stipend.view", object_type="payment_basis"
    )
    lines = list(basis.lines.all())
    return render(
        request,
        "stipend/basis_detail.html",
        {
            "basis": basis,
            "participant": basis.participant,
            "lines": [(line, kroner(line.amount_ore), kroner(line.rate_ore)) for line in lines],
            "computed_total": kroner(basis.computed_total_ore),
            "total": kroner(services.basis_total(basis)),
            "has_back_pay": any(line.kind == "etterbetaling" for line in lines),
            "may_change": permissions.can(request.user, "stipend.change", basis.participant),
        },
    )


@require_POST
@permission_required("stipend.change")
def basis_approve(request: HttpRequest, pk: int) -> HttpResponse:
    basis = case_object_get_for(
        request, _bases(), pk, permission="stipend.change", object_type="payment_basis"
    )
    try:
        version = int(request.POST.get("version", ""))
        services.payment_basis_approve(ctx=_ctx(request), basis=basis, expected_version=version)
    except ValueError:
        messages.error(request, "Skjemaet mangler versjon. Last siden på nytt.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Utbetalingsgrunnlaget er godkjent og kan eksporteres.")
    return redirect("stipend:basis_detail", pk=pk)


@require_GET
@permission_required("stipend.view")
def basis_payslip(request: HttpRequest, pk: int) -> HttpResponse:
    """The participant's payslip (PDF/A) for an approved basis: made once for each state of the
    basis and then served as stored. Audited as an export."""
    basis = case_object_get_for(
        request, _bases(), pk, permission="stipend.view", object_type="payment_basis"
    )
    try:
        payslip = services.payslip_issue(ctx=_ctx(request), basis=basis)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("stipend:basis_detail", pk=pk)
    audit_record(
        _ctx(request),
        action=AuditAction.EXPORT,
        object_type="payslip",
        object_id=payslip.pk,
        participant_id=basis.participant_id,
        detail={"sha256": payslip.sha256},
    )
    filename = f"kvalifiseringsstonad-{basis.period_start:%Y-%m-%d}-{basis.period_end:%Y-%m-%d}.pdf"
    response = HttpResponse(bytes(payslip.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


# --- The office: approved bases and the payroll export -------------------------------------------


def _office_range(request: HttpRequest) -> tuple[datetime.date, datetime.date]:
    today = clock.today()
    default_start, default_end = period_rules.previous_period(today)
    start = _date_param(request.GET.get("fra")) or default_start
    end = _date_param(request.GET.get("til")) or default_end
    return (start, end) if start <= end else (end, start)


RECENT_RUNS = 10


def _office_runs(request: HttpRequest) -> list[tuple[OfficeRun, list, int]]:
    """The latest runs of the user's offices, each with its failures: (participant, message)
    for the participants the viewer may see (linked), and how many others there were. Three
    queries whatever the number of runs and failures; the participants shown are audited."""
    user = request.user
    runs = list(
        OfficeRun.objects.filter(office_id__in=user.office_ids()).select_related(
            "office", "requested_by"
        )[:RECENT_RUNS]
    )
    failed_ids = {f["participant_id"] for run in runs for f in run.failures}
    visible = (
        {p.pk: p for p in Participant.objects.visible_to(user).filter(pk__in=failed_ids)}
        if failed_ids
        else {}
    )
    rows = []
    for run in runs:
        shown = [
            (visible[f["participant_id"]], f["message"])
            for f in run.failures
            if f["participant_id"] in visible
        ]
        rows.append((run, shown, len(run.failures) - len(shown)))
    if visible:
        audit_record_many(
            _ctx(request),
            action=AuditAction.LIST,
            object_type="stipend_office_run",
            participant_ids=sorted(visible),
        )
    return rows


def _run_form(request: HttpRequest, data=None) -> OfficeRunForm | None:
    """The run form for those who may start it; by default the office's latest payment period
    that is over (S10: paid afterwards), as the participant page preselects."""
    user = request.user
    if not permissions.can(user, "stipend.run"):
        return None
    offices = list(Office.objects.filter(pk__in=user.office_ids()).order_by("name"))
    if not offices:
        return None
    first = offices[0]
    if user.office_id in user.office_ids():
        first = next((o for o in offices if o.pk == user.office_id), first)
    start, end = period_rules.previous_period(clock.today(), selectors.frequency_of(first.pk))
    return OfficeRunForm(
        data,
        offices=offices,
        initial={"office": first.pk, "period_start": start, "period_end": end},
    )


def _office_page(request: HttpRequest, *, run_form: OfficeRunForm | None = None, status=200):
    start, end = _office_range(request)
    bases = list(selectors.office_bases(request.user, start, end))
    audit_record_many(
        _ctx(request),
        action=AuditAction.LIST,
        object_type="payment_basis",
        participant_ids=sorted({b.participant_id for b in bases}),
    )
    runs = _office_runs(request)
    return render(
        request,
        "stipend/office_bases.html",
        {
            "start": start,
            "end": end,
            "rows": [(b, kroner(services.basis_total(b))) for b in bases],
            "run_form": run_form or _run_form(request),
            "runs": runs,
            "runs_active": any(run.active for run, _, _ in runs),
        },
        status=status,
    )


@require_GET
@permission_required("stipend.export")
def office_bases(request: HttpRequest) -> HttpResponse:
    return _office_page(request)


@require_GET
@permission_required("stipend.export")
def office_runs(request: HttpRequest) -> HttpResponse:
    """The office runs' fragment that the office page polls (htmx) while one is unfinished."""
    runs = _office_runs(request)
    return render(
        request,
        "stipend/partials/_office_runs.html",
        {"runs": runs, "runs_active": any(run.active for run, _, _ in runs)},
    )


@require_POST
@permission_required("stipend.run")
def office_run(request: HttpRequest) -> HttpResponse:
    """Start the stipend run for an office and period (a Celery job); the page shows its
    result when it is done. Bad input, or a run already going: the form again, nothing started."""
    try:
        posted_office = int(request.POST.get("office", ""))
    except ValueError:
        posted_office = None  # the form says what is wrong
    if posted_office is not None and posted_office not in request.user.office_ids():
        raise Http404("Fant ikke kontoret.")  # another office's: as certificate_batches
    form = _run_form(request, request.POST)
    if form is None:
        raise PermissionDenied
    if form.is_valid():
        office_id = form.cleaned_data["office"]
        try:
            run = services.office_run_start(
                ctx=_ctx(request),
                office_id=office_id,
                period_start=form.cleaned_data["period_start"],
                period_end=form.cleaned_data["period_end"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(
                request,
                "Beregningen for perioden "
                f"{run.period_start:%d.%m.%Y}–{run.period_end:%d.%m.%Y} er startet. "
                "Resultatet vises under «Beregninger for kontoret».",
            )
            return redirect("stipend:office")
    return _office_page(request, run_form=form)


@require_GET
@permission_required("stipend.export")
def office_export(request: HttpRequest) -> HttpResponse:
    start, end = _office_range(request)
    bases = list(selectors.office_bases(request.user, start, end))
    body = services.payment_bases_export(ctx=_ctx(request), bases=bases, start=start, end=end)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="utbetalingsgrunnlag-{start.isoformat()}-{end.isoformat()}.csv"'
    )
    return response
