"""The case on other apps' pages, without those apps importing decisions: the participant
page's "Søknader og program" section and the approvers' count on the front page.

    {% load kvp_case %}
    {% case_summary participant %}
    {% approval_queue_count as waiting %}
    {% my_open_task_count as open_tasks %}
"""

from __future__ import annotations

from django import template

from caseworker import rules as permissions
from decisions import selectors
from decisions.models import Application, Programme
from decisions.overview import decisions_prefetch, programme_overview
from kvp import clock
from participants.models import Participant

register = template.Library()


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None) or context.get("user")


@register.inclusion_tag("decisions/partials/_case_summary.html", takes_context=True)
def case_summary(context, participant: Participant) -> dict:
    """Applications and programmes of a participant the page has already loaded (and
    audited) through participant_get_for."""
    user = _user(context)
    today = clock.today()
    applications = list(
        Application.objects.filter(participant=participant).prefetch_related(decisions_prefetch())
    )
    programmes = list(
        Programme.objects.filter(participant=participant).prefetch_related(decisions_prefetch())
    )
    for programme in programmes:
        programme.participant = participant  # the history needs the birth date
    # A programme whose last day is still ahead is current, though its end is decided.
    current = next((p for p in programmes if p.ended_on is None or p.ended_on >= today), None)
    return {
        "request": context.get("request"),
        "participant": participant,
        "applications": applications,
        "ended_programmes": [p for p in programmes if p is not current],
        "overview": programme_overview(current, today=today) if current else None,
        "may_change": permissions.can(user, "case.change", participant) if user else False,
    }


@register.inclusion_tag("decisions/partials/_documents.html")
def participant_documents(participant: Participant) -> dict:
    """Vedtaksbrev and deltakerbevis of a participant the page has already loaded (and
    audited) through participant_get_for; the PDF bytes are not loaded for the list."""
    from decisions.models import Document

    return {
        "documents": list(Document.objects.filter(participant=participant).defer("pdf", "data"))
    }


@register.simple_tag(takes_context=True)
def approval_queue_count(context) -> int:
    """Decisions awaiting approval that this approver may see (0 for everyone else)."""
    user = _user(context)
    if user is None or not permissions.can(user, "decision.approve"):
        return 0
    return selectors.approval_queue(user).count()


@register.simple_tag(takes_context=True)
def certificates_to_issue_count(context) -> int:
    """Reviewed deltakerbevis of the leader's offices waiting to be issued (0 for others)."""
    from decisions.models import CertificateStatus, ParticipationCertificate

    user = _user(context)
    if user is None or not permissions.can(user, "certificate.issue_batch"):
        return 0
    return ParticipationCertificate.objects.filter(
        participant__in=Participant.objects.visible_to(user), status=CertificateStatus.REVIEWED
    ).count()


@register.simple_tag(takes_context=True)
def my_open_task_count(context) -> int:
    """Open tasks assigned to this user about participants they may see (0 for everyone else),
    for the header's "Oppgaver" and the front page."""
    from decisions import worklist

    user = _user(context)
    if user is None or not permissions.can(user, "task.view"):
        return 0
    return worklist.my_open_task_count(user)


@register.filter
def days(count: int | None) -> str:
    """Programme time as caseworkers count it: "1 dag", "245 dager (ca. 8 måneder)"."""
    if count is None:
        return ""
    text = "1 dag" if count == 1 else f"{count} dager"
    if count >= 60:
        text += f" (ca. {round(count / 30.44)} måneder)"
    return text
