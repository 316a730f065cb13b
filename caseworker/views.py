from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from caseworker import rules
from caseworker.audit import AuditContext
from caseworker.forms import LoginForm
from caseworker.models import Office, Role, User
from caseworker.rules import permission_required, public
from decisions.models import SYSTEM_TASK_KINDS, Task, TaskStatus
from kvp.forms import attach_errors
from participants import services
from participants.forms import CaseloadReassignForm
from participants.models import Participant

logger = logging.getLogger(__name__)


@public
def login_view(request: HttpRequest) -> HttpResponse:
    """The login page: "Logg inn med NAV-konto" (single sign-on, when set up) and the
    NAV-ident and password form (development and demo, KVP_LOCAL_LOGIN)."""
    view = auth_views.LoginView.as_view(
        authentication_form=LoginForm,
        redirect_authenticated_user=True,
        extra_context={
            "sso_enabled": settings.KVP_OIDC_ENABLED,
            "local_login": settings.KVP_LOCAL_LOGIN,
        },
    )
    return view(request)


logout_view = public(auth_views.LogoutView.as_view())


@public
@require_GET
def health(request: HttpRequest) -> HttpResponse:
    """Liveness for load balancers and docker-compose: the process answers and reaches the
    database. Cheap: one SELECT 1."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _check_redis() -> str:
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
    try:
        client.ping()
    finally:
        client.close()
    return "ok"


def _check_migrations() -> str:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        raise RuntimeError(f"{len(plan)} migrasjoner er ikke kjørt")
    return "ok"


READINESS_CHECKS = {
    "database": _check_database,
    "redis": _check_redis,
    "migrations": _check_migrations,
}


@public
@require_GET
def readiness(request: HttpRequest) -> HttpResponse:
    """Readiness: PostgreSQL answers, Redis (Celery's broker) answers and every migration is
    applied. 200 when ready, 503 with what failed when not: the load balancer sends no
    traffic here until it is 200."""
    checks: dict[str, str] = {}
    for name, check in READINESS_CHECKS.items():
        try:
            checks[name] = check()
        except Exception as error:  # noqa: BLE001 - any failure means "not ready"
            logger.warning("readiness check %s failed: %s", name, error)
            checks[name] = f"feil: {type(error).__name__}"
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "klar" if ready else "ikke klar", "checks": checks}, status=200 if ready else 503
    )


@require_GET
@permission_required("home.view")
def home(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    context: dict = {}
    if rules.has_participant_access(user):
        visible = Participant.objects.visible_to(user)
        context["my_count"] = visible.filter(caseworker=user).count()
        context["office_count"] = visible.count()
        context["unassigned_count"] = visible.filter(caseworker__isnull=True).count()
    if user.has_role(Role.LEADER):
        # Caseload per caseworker of the leader's offices, against the recommended 15–20.
        context["caseloads"] = (
            User.objects.filter(office_id__in=user.office_ids(), is_active=True)
            .caseworkers()
            .select_related("office")
            .annotate(
                participant_count=Count(
                    "participants",
                    filter=Q(participants__office_id__in=user.office_ids()),
                )
            )
            .order_by("office__name", "-participant_count", "first_name")
        )
    if rules.can(user, "admin.access"):
        # S2 and any other system task: about no participant, so only administrators see them.
        context["system_tasks"] = list(
            Task.objects.filter(kind__in=SYSTEM_TASK_KINDS, status=TaskStatus.OPEN)
        )
    context["offices"] = Office.objects.filter(pk__in=user.office_ids())
    return render(request, "caseworker/home.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("caseload.reassign")
def caseload_reassign(request: HttpRequest) -> HttpResponse:
    """A leader moves all of a departing caseworker's participants to another caseworker."""
    form = CaseloadReassignForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            moved, left = services.caseload_reassign(
                ctx=AuditContext.from_request(request),
                office=data["office"],
                from_caseworker=data["from_caseworker"],
                to_caseworker=data["to_caseworker"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            to_name = data["to_caseworker"].get_full_name()
            from_name = data["from_caseworker"].get_full_name()
            if moved:
                messages.success(
                    request, f"{moved} deltakere er flyttet fra {from_name} til {to_name}."
                )
            else:
                messages.info(request, f"{from_name} hadde ingen deltakere å flytte.")
            if left:
                messages.warning(
                    request,
                    f"{left} deltakere med strengt fortrolig adresse eller skjerming ble ikke "
                    "flyttet, fordi du eller mottakeren mangler særskilt autorisasjon. "
                    "En leder med autorisasjon må flytte dem.",
                )
            return redirect("caseworker:reassign_caseload")
    return render(request, "caseworker/caseload_reassign.html", {"form": form})
