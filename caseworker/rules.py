"""Named permission rules: the one module views and templates ask "may this user do X?".

A rule takes the user and optionally an object. Views declare theirs with
`@permission_required("name")` (checked at the door, without an object); object-level
checks go through the access helpers (participants.access), which use the same rules.
The meta-test in caseworker/tests/test_url_permissions.py fails any URL without one.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from caseworker.models import Role

# Roles that work with participants of their own offices.
PARTICIPANT_ROLES = frozenset({Role.CASEWORKER, Role.APPROVER, Role.LEADER})


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _roles(user) -> set[str]:
    return set(user.roles or []) if _active(user) else set()


def has_participant_access(user) -> bool:
    return bool(_roles(user) & PARTICIPANT_ROLES) and bool(user.office_ids())


def is_appeals_officer(user) -> bool:
    """Statsforvalteren's appeals staff: no office; they see a participant only while an
    appeal of that participant's case is forwarded to them and not closed."""
    return Role.APPEALS_OFFICER in _roles(user)


def participant_is_visible(user, participant) -> bool:
    """Mirror of ParticipantQuerySet.visible_to for an already loaded object."""
    from participants.models import AddressProtection

    if not has_participant_access(user):
        return False
    if participant.office_id not in user.office_ids():
        return False
    if (
        participant.address_protection == AddressProtection.STRICTLY_CONFIDENTIAL
        and not user.may_see_strictly_confidential
    ):
        return False
    return not (participant.shielded and not user.may_see_shielded)


def _view_participant(user, participant=None) -> bool:
    if participant is None:
        return has_participant_access(user)
    return participant_is_visible(user, participant)


def _change_participant(user, participant=None) -> bool:
    if not (_roles(user) & {Role.CASEWORKER, Role.LEADER}):
        return False
    return _view_participant(user, participant)


def _leader_on_participant(user, participant=None) -> bool:
    if Role.LEADER not in _roles(user):
        return False
    return _view_participant(user, participant)


def _catalogue_leader(user, office=None) -> bool:
    """Maintain an office's catalogue of local measures and providers: its leaders."""
    if Role.LEADER not in _roles(user) or not user.office_ids():
        return False
    return office is None or office.pk in user.office_ids()


def _office_leader(user, office=None) -> bool:
    """Leaders' dashboards and the KOSTRA report: leaders, about their own offices."""
    if Role.LEADER not in _roles(user) or not user.office_ids():
        return False
    return office is None or office.pk in user.office_ids()


def _approver(user, obj=None) -> bool:
    """Approve or return decisions (totrinnskontroll). With an object: a decision of the
    user's offices that someone else drafted."""
    if Role.APPROVER not in _roles(user) or not user.office_ids():
        return False
    if obj is None:
        return True
    return obj.office_id in user.office_ids() and obj.drafted_by_id != user.pk


def _stipend_export(user, obj=None) -> bool:
    """Payroll's CSV of an office's approved payment bases: its leaders and caseworkers."""
    return bool(_roles(user) & {Role.CASEWORKER, Role.LEADER}) and has_participant_access(user)


def _stipend_run(user, office=None) -> bool:
    """Start the stipend run for an office (compute every payment basis of a period): the
    caseworkers and leaders who compute bases one by one (stipend.change), for their offices."""
    if not (_roles(user) & {Role.CASEWORKER, Role.LEADER}) or not has_participant_access(user):
        return False
    return office is None or office.pk in user.office_ids()


def _reviewer(user, obj=None) -> bool:
    """Review a deltakerbevis (P6): a beslutter or leader of its office who did not write it
    last (two people, as for decisions)."""
    if not (_roles(user) & {Role.APPROVER, Role.LEADER}) or not user.office_ids():
        return False
    if obj is None:
        return True
    return obj.office_id in user.office_ids() and obj.edited_by_id != user.pk


def _appeals_officer(user, appeal=None) -> bool:
    """Statsforvalteren's appeals pages. With an object (an appeal): only while it is
    forwarded to Statsforvalteren and open; Appeal.objects.visible_to is the list's mirror."""
    if not is_appeals_officer(user):
        return False
    if appeal is None:
        return True
    from appeals.models import AppealState

    return appeal.state == AppealState.FORWARDED


def _leader(user, obj=None) -> bool:
    return Role.LEADER in _roles(user) and bool(user.office_ids())


def _admin(user, obj=None) -> bool:
    return Role.ADMIN in _roles(user)


def _authenticated(user, obj=None) -> bool:
    return _active(user)


RULES: dict[str, Callable[..., bool]] = {
    "home.view": _authenticated,
    "participant.view": _view_participant,
    "participant.create": _change_participant,
    "participant.change": _change_participant,
    "participant.reassign": _leader_on_participant,
    "participant.audit_view": _leader_on_participant,
    "caseload.reassign": _leader_on_participant,
    # The case: applications, programmes and decisions belong to a participant, so reading
    # them is reading the participant (object = the participant).
    "case.view": _view_participant,
    "case.change": _change_participant,
    "decision.approve": _approver,
    # The programme plan belongs to the case (object = the participant); the office's
    # catalogue of measures and providers is kept by its leaders (object = the office).
    "plan.view": _view_participant,
    "plan.change": _change_participant,
    "catalogue.change": _catalogue_leader,
    # Statistics (issue 7): the dashboard, its drill-downs and exports, and the KOSTRA 11CF
    # file are the office leader's (object = the office); drill-down lists are further scoped
    # by Participant.objects.visible_to.
    "dashboard.view": _office_leader,
    "kostra.report": _office_leader,
    # Tasks (oppgaver) from the deadline scan: the worklist is a list of participants, so
    # seeing it is seeing participants; reassigning them is a leader's job.
    "task.view": _view_participant,
    "task.reassign": _leader_on_participant,
    # Documents (vedtaksbrev, deltakerbevis) are part of the case: reading one is reading the
    # participant; reviewing a deltakerbevis takes a second person; a leader issues them in bulk.
    "document.view": _view_participant,
    "certificate.review": _reviewer,
    "certificate.issue_batch": _leader,
    "admin.access": _admin,
    # Attendance, absence and the stipend (issue 6): registering attendance and computing or
    # approving a payment basis is the caseworker's (and leader's) work on a participant.
    "attendance.register": _change_participant,
    "stipend.view": _view_participant,
    "stipend.change": _change_participant,
    "stipend.export": _stipend_export,
    "stipend.run": _stipend_run,
    # Appeals (issue 8, F4): the office registers and reviews appeals as case work on the
    # participant; Statsforvalteren's staff read, export and decide forwarded appeals only.
    "appeal.view": _view_participant,
    "appeal.change": _change_participant,
    "appeals_body.view": _appeals_officer,
    "appeals_body.decide": _appeals_officer,
}


def can(user, permission: str, obj: Any = None) -> bool:
    try:
        rule = RULES[permission]
    except KeyError:
        raise KeyError(
            f"Unknown permission {permission!r}; add it to caseworker.rules.RULES"
        ) from None
    return rule(user, obj) if obj is not None else rule(user)


def permission_required(permission: str) -> Callable:
    """Decorate a view: 302 to login when anonymous, 403 when the rule says no."""
    if permission not in RULES:
        raise KeyError(f"Unknown permission {permission!r}")

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            if not request.user.is_authenticated:
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            if not can(request.user, permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.kvp_permission = permission  # type: ignore[attr-defined]
        return wrapper

    return decorator


def public(view: Callable) -> Callable:
    """Mark a view that needs no login (login page, health check)."""
    view.kvp_permission = "public"  # type: ignore[attr-defined]
    return view
