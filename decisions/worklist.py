"""The worklist "Oppgaver" (issue 4, step 3): the open tasks of the deadline scan, as "Mine
oppgaver" (assigned to me) and "Kontorets oppgaver" (every open task of my offices), soonest
due first, filterable by kind and caseworker. Leaders reassign tasks in bulk.

Every task is about a participant, so the lists are scoped with Participant.objects.visible_to
(strengt fortrolig and skjermet need the authorisation) and every name shown is audited."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from caseworker import rules as permissions
from caseworker.audit import AuditAction, AuditContext, audit_record_many
from caseworker.models import User
from caseworker.rules import permission_required
from decisions import services
from decisions.models import Task, TaskKind, TaskStatus
from kvp import clock
from participants.models import Participant

PAGE_SIZE = 50

# Task kinds another app solves on its own page (appeals): kind -> a function that takes the
# page's tasks of those kinds and returns {task id: url} in one query.
_TASK_LINKS: dict[str, Callable[[list[Task]], dict[int, str]]] = {}


def register_task_links(kinds, resolver: Callable[[list[Task]], dict[int, str]]) -> None:
    """Let an app that builds on decisions link its task kinds to the page where they are
    solved, without decisions importing it."""
    for kind in kinds:
        _TASK_LINKS[str(kind)] = resolver


NO_ASSIGNEE = "ingen"
MINE = "mine"
OFFICE = "kontor"


# --- Reads -------------------------------------------------------------------------------------


def open_tasks_for(user) -> QuerySet[Task]:
    """Open tasks of the user's offices about participants the user may see, soonest due first.
    The "Gå til saken" link needs only programme_id/application_id, so those are not joined."""
    return (
        Task.objects.filter(
            status=TaskStatus.OPEN,
            office_id__in=user.office_ids(),
            participant__in=Participant.objects.visible_to(user),
        )
        .select_related("participant", "assignee")
        .order_by("due_date", "pk")
    )


def my_open_task_count(user) -> int:
    return open_tasks_for(user).filter(assignee=user).count()


def office_caseworkers(user) -> QuerySet[User]:
    """Active caseworkers at any of the user's offices: the choices to filter and reassign by."""
    ids = user.office_ids()
    return (
        User.objects.caseworkers()
        .filter(is_active=True)
        .filter(Q(office_id__in=ids) | Q(additional_offices__in=ids))
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def _name(user: User) -> str:
    return user.get_full_name() or user.username


# --- Forms -------------------------------------------------------------------------------------


class WorklistFilterForm(forms.Form):
    type = forms.ChoiceField(
        label="Type oppgave", required=False, choices=[("", "Alle typer"), *TaskKind.choices]
    )

    def __init__(self, *args, caseworkers: list[User] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if caseworkers is not None:
            self.fields["saksbehandler"] = forms.ChoiceField(
                label="Saksbehandler",
                required=False,
                choices=[
                    ("", "Alle saksbehandlere"),
                    (NO_ASSIGNEE, "Uten saksbehandler"),
                    *[(str(u.pk), _name(u)) for u in caseworkers],
                ],
            )


# --- Views -------------------------------------------------------------------------------------


@require_GET
@permission_required("task.view")
def worklist_mine(request: HttpRequest) -> HttpResponse:
    """ "Mine oppgaver": open tasks assigned to me."""
    return _worklist(request, MINE)


@require_GET
@permission_required("task.view")
def worklist_office(request: HttpRequest) -> HttpResponse:
    """ "Kontorets oppgaver": every open task of my offices; leaders reassign from here."""
    return _worklist(request, OFFICE)


def _worklist(request: HttpRequest, view: str) -> HttpResponse:
    user = request.user
    today = clock.today()
    tasks = open_tasks_for(user)
    caseworkers = list(office_caseworkers(user)) if view == OFFICE else None
    form = WorklistFilterForm(request.GET or None, caseworkers=caseworkers)
    data = form.cleaned_data if form.is_valid() else {}
    if view == MINE:
        tasks = tasks.filter(assignee=user)
    if data.get("type"):
        tasks = tasks.filter(kind=data["type"])
    per_caseworker = _per_caseworker(tasks, caseworkers) if view == OFFICE else []
    chosen = data.get("saksbehandler")
    if chosen == NO_ASSIGNEE:
        tasks = tasks.filter(assignee__isnull=True)
    elif chosen:
        tasks = tasks.filter(assignee_id=int(chosen))
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    tasks_on_page = list(page.object_list)
    links: dict[int, str] = {}
    for resolver in dict.fromkeys(_TASK_LINKS.values()):
        links.update(resolver([t for t in tasks_on_page if _TASK_LINKS.get(t.kind) is resolver]))
    rows = [_row(task, today, links.get(task.pk)) for task in tasks_on_page]
    # Seeing a name in a list is seeing the person: one audit row each, one INSERT.
    audit_record_many(
        AuditContext.from_request(request),
        action=AuditAction.LIST,
        object_type="task",
        participant_ids=list(dict.fromkeys(task.participant_id for task in page.object_list)),
    )
    may_reassign = view == OFFICE and permissions.can(user, "task.reassign")
    return render(
        request,
        "decisions/worklist.html",
        {
            "view": view,
            "form": form,
            "filtered": bool(data.get("type") or chosen),
            "page_obj": page,
            "rows": rows,
            "per_caseworker": per_caseworker,
            "may_reassign": may_reassign,
            "caseworkers": caseworkers if may_reassign else [],
            "next": request.get_full_path(),
        },
    )


def _row(task: Task, today: datetime.date, url: str | None = None) -> dict:
    if url is None and task.programme_id:
        url = reverse("decisions:programme_detail", args=[task.programme_id])
    elif url is None:
        url = reverse("decisions:application_detail", args=[task.application_id])
    return {"task": task, "overdue": task.due_date < today, "url": url}


def _per_caseworker(tasks: QuerySet[Task], caseworkers: list[User] | None) -> list[dict]:
    """Open tasks per caseworker in one aggregate query, for the office view's overview."""
    counts = {
        row["assignee_id"]: row["n"]
        for row in tasks.order_by().values("assignee_id").annotate(n=Count("pk"))
    }
    names = {u.pk: _name(u) for u in caseworkers or []}
    result = [
        {"value": str(pk), "name": names[pk], "count": counts[pk]} for pk in names if pk in counts
    ]
    # Assignees who have left the office still hold tasks; show them so none are lost.
    missing = [pk for pk in counts if pk is not None and pk not in names]
    if missing:
        for u in User.objects.filter(pk__in=missing).order_by("last_name", "first_name"):
            result.append({"value": str(u.pk), "name": _name(u), "count": counts[u.pk]})
    if None in counts:
        result.append({"value": NO_ASSIGNEE, "name": "Uten saksbehandler", "count": counts[None]})
    return result


@require_POST
@permission_required("task.reassign")
def worklist_reassign(request: HttpRequest) -> HttpResponse:
    """ "Tildel valgte": give the checked tasks to one caseworker (Post/Redirect/Get)."""
    user = request.user
    back = request.POST.get("neste", "")
    office_url = reverse("decisions:worklist_office")
    if not (
        back.startswith(office_url)
        and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()})
    ):
        back = office_url
    try:
        ids = {int(value) for value in request.POST.getlist("oppgave")}
        assignee_id = int(request.POST.get("saksbehandler") or 0)
    except ValueError:
        raise Http404 from None
    if not ids:
        messages.error(request, "Velg minst én oppgave som skal tildeles.")
        return redirect(back)
    # Closed tasks too: a task closed by the scan meanwhile is not another office's task.
    tasks = list(
        Task.objects.filter(
            pk__in=ids,
            office_id__in=user.office_ids(),
            participant__in=Participant.objects.visible_to(user),
        ).select_related("participant", "office")
    )
    if len(tasks) != len(ids):
        raise Http404
    assignee = User.objects.filter(pk=assignee_id).first() if assignee_id else None
    if assignee is None:
        messages.error(request, "Velg hvem oppgavene skal tildeles.")
        return redirect(back)
    try:
        count = services.tasks_reassign(
            ctx=AuditContext.from_request(request), tasks=tasks, assignee=assignee
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        noun = "oppgave" if count == 1 else "oppgaver"
        messages.success(request, f"{count} {noun} er tildelt {_name(assignee)}.")
    return redirect(back)
