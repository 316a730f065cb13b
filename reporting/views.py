"""Leaders' dashboard, drill-downs, table exports and the KOSTRA 11CF report (issue 7)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from caseworker.audit import AuditAction, AuditContext, audit_record, audit_record_many
from caseworker.rules import permission_required
from kvp import clock
from participants.models import Participant
from reporting import dashboard as dash
from reporting import exports
from reporting import kostra as kostra_data
from reporting.forms import PeriodForm, ScopeForm

DRILL_TITLES = {
    "caseload": "Deltakere i program nå hos {label}",
    "active": "Aktive deltakere i {label}",
    "new": "Nye deltakere i {label}",
    "ended": "Avsluttet i {label}",
    "outcome": "Avsluttet med situasjon etterpå: {label}",
    "duration": "Avsluttet etter tid i program: {label}",
    "profile": "{label}",
    "tasks": "Deltakere med åpne oppgaver hos {label}",
    "overdue": "Deltakere med forfalte oppgaver hos {label}",
    "awaiting": "Vedtak til godkjenning: {label}",
    "processing": "Søknader avgjort med {label}",
    "returns": "Returnerte vedtak: {label}",
}
# Which table's rows name a metric's keys.
METRIC_TABLE = {
    "caseload": "caseload",
    "active": "months",
    "new": "months",
    "ended": "months",
    "outcome": "outcome",
    "duration": "duration",
    "profile": "profile",
    "tasks": "tasks",
    "overdue": "tasks",
    "awaiting": "awaiting",
    "returns": "returns",
}


def _scope(request: HttpRequest, form: PeriodForm) -> dash.Scope | None:
    year, offices = form.scope()
    if not offices:
        return None
    first, last = form.months()
    return dash.Scope(
        user=request.user,
        offices=tuple(offices),
        year=year,
        today=clock.today(),
        first_month=first,
        last_month=last,
    )


@require_GET
@permission_required("dashboard.view")
def dashboard(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET or None, user=request.user)
    scope = _scope(request, form)
    board = dash.dashboard_build(scope) if scope else None
    return render(
        request,
        "reporting/dashboard.html",
        {"form": form, "board": board, "query": form.query(), "scope": scope},
    )


@require_GET
@permission_required("dashboard.view")
def drilldown(request: HttpRequest) -> HttpResponse:
    """The participants behind one number, within the user's access; each one audited."""
    form = PeriodForm(request.GET, user=request.user)
    scope = _scope(request, form)
    metric, key = request.GET.get("metric", ""), request.GET.get("key", "")
    if scope is None or metric not in DRILL_TITLES:
        raise Http404("Fant ikke tallet.")
    ids = dash.drill_participant_ids(scope, metric, key)
    participants = list(
        Participant.objects.visible_to(request.user)
        .filter(pk__in=ids)
        .select_related("office", "caseworker")
        .order_by("last_name", "first_name", "pk")
    )
    audit_record_many(
        AuditContext.from_request(request),
        action=AuditAction.LIST,
        object_type="dashboard",
        participant_ids=[p.pk for p in participants],
        detail={
            "metric": metric,
            "key": key,
            "year": scope.year,
            "months": list(scope.months)[:: len(scope.months) - 1 or 1],
        },
    )
    label = _label(scope, metric, key)
    return render(
        request,
        "reporting/drilldown.html",
        {
            "participants": participants,
            "title": DRILL_TITLES[metric].format(label=label),
            "scope": scope,
            "query": form.query(),
        },
    )


ALL_LABELS = {
    "caseload": "alle veiledere",
    "ended": "perioden",
    "outcome": "alle",
    "awaiting": "alle",
    "returns": "alle grunner",
}


def _label(scope: dash.Scope, metric: str, key: str) -> str:
    if key == "*":
        return ALL_LABELS.get(metric, "alle")
    if metric in ("active", "new", "ended") and key.isdigit() and 1 <= int(key) <= 12:
        return f"{dash.MONTH_NAMES[int(key) - 1]} {scope.year}"
    if metric == "processing":
        return f"vedtak {scope.label}"
    if metric in METRIC_TABLE:
        for label, row_key in _row_labels(scope, METRIC_TABLE[metric]):
            if row_key == key:
                return label
    return key or "ukjent"


def _row_labels(scope: dash.Scope, table: str) -> list[tuple[str, str]]:
    if table == "outcome":
        from decisions.models import SituationAfter

        return [(f"{label} ({code})", code) for code, label in SituationAfter.choices] + [
            ("ikke registrert", "")
        ]
    if table == "duration":
        return [(label.lower(), key) for key, label in dash.DURATION_BUCKETS]
    if table == "profile":
        return [(label, key) for key, label in dash.PROFILE_KEYS]
    if table == "awaiting":
        from decisions.models import DecisionKind

        return [(k.label.lower(), k.value) for k in DecisionKind]
    if table == "returns":
        from decisions.models import ReturnReason

        return [(r.label.lower(), r.value) for r in ReturnReason]
    if table in ("caseload", "tasks"):
        from caseworker.models import User

        return [("ingen veileder", "")] + [
            (u.get_full_name() or u.username, str(u.pk))
            for u in User.objects.filter(office__in=scope.offices)
        ]
    return []


@require_GET
@permission_required("dashboard.view")
def table_export(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    form = PeriodForm(request.GET or None, user=request.user)
    scope = _scope(request, form)
    if scope is None or fmt not in ("csv", "xlsx"):
        raise Http404("Fant ikke tabellen.")
    board = dash.dashboard_build(scope)
    if table not in board.tables:
        raise Http404("Fant ikke tabellen.")
    audit_record(
        AuditContext.from_request(request),
        action=AuditAction.EXPORT,
        object_type="dashboard",
        object_id=table,
        detail={"format": fmt, "year": scope.year, "offices": [o.pk for o in scope.offices]},
    )
    if fmt == "csv":
        body, content_type = exports.table_csv(board.tables[table]), "text/csv; charset=utf-8"
    else:
        body = exports.table_xlsx(board.tables[table])
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="kvp-{table}-{scope.year}.{fmt}"'
    return response


def _kostra_scope(request: HttpRequest):
    this_year = clock.today().year
    form = ScopeForm(request.GET or None, user=request.user, default_year=this_year - 1)
    year, offices = form.scope()
    return form, year, offices


@require_GET
@permission_required("kostra.report")
def kostra_page(request: HttpRequest) -> HttpResponse:
    """K1: the year's records with SSB's checks, per participant, with where to fix each."""
    form, year, offices = _kostra_scope(request)
    report = (
        kostra_data.kostra_report(user=request.user, offices=offices, year=year)
        if offices
        else None
    )
    problems = []
    if report:
        for case, findings in report.by_participant():
            problems.append(
                (case, [(finding, kostra_data.fix_url(case, finding)) for finding in findings])
            )
        audit_record_many(
            AuditContext.from_request(request),
            action=AuditAction.LIST,
            object_type="kostra",
            participant_ids=[case.participant_id for case, _ in problems],
            detail={"year": year},
        )
    return render(
        request,
        "reporting/kostra.html",
        {
            "form": form,
            "report": report,
            "problems": problems,
            "query": form.query(),
            "year": year,
        },
    )


@require_GET
@permission_required("kostra.report")
def kostra_download(request: HttpRequest) -> HttpResponse:
    """K1: the fixed-width file, only when no check finds an error. Every participant in it
    gets an export row in the audit log."""
    form, year, offices = _kostra_scope(request)
    if not offices:
        raise Http404("Fant ikke kontoret.")
    report = kostra_data.kostra_report(user=request.user, offices=offices, year=year)
    if report.blocked:
        messages.error(
            request, "Filen kan ikke lages før feilene er rettet. Advarsler stopper ikke filen."
        )
        return redirect(f"{reverse('reporting:kostra')}?{form.query()}")
    audit_record_many(
        AuditContext.from_request(request),
        action=AuditAction.EXPORT,
        object_type="kostra",
        participant_ids=[case.participant_id for case in report.cases],
        detail={"year": year, "records": len(report.cases)},
    )
    body = "".join(line + "\r\n" for line in report.lines()).encode("iso-8859-1", "replace")
    response = HttpResponse(body, content_type="text/plain; charset=iso-8859-1")
    office_part = offices[0].unit_number if len(offices) == 1 else "alle"
    response["Content-Disposition"] = f'attachment; filename="kostra-11cf-{year}-{office_part}.txt"'
    return response
