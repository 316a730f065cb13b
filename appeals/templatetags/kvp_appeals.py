"""Appeals on other apps' pages, without those apps importing appeals: the decision page's
"Klager" section and the front page's counts.

    {% load kvp_appeals %}
    {% decision_appeals decision as appeals %}
    {% open_appeal_count as open_appeals %}
    {% appeals_body_count as forwarded %}
"""

from __future__ import annotations

from django import template

from appeals.models import Appeal
from caseworker import rules as permissions

register = template.Library()


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None) or context.get("user")


@register.simple_tag(takes_context=True)
def decision_appeals(context, decision) -> list[Appeal]:
    """The appeals of a decision the page has already loaded (and audited)."""
    user = _user(context)
    if user is None or not permissions.can(user, "appeal.view"):
        return []
    return list(Appeal.objects.filter(decision=decision).order_by("-received_on", "-pk"))


@register.simple_tag(takes_context=True)
def open_appeal_count(context) -> int:
    """Open appeals of the user's offices about participants the user may see."""
    user = _user(context)
    if user is None or not permissions.can(user, "appeal.view"):
        return 0
    return Appeal.objects.visible_to(user).open().filter(office_id__in=user.office_ids()).count()


@register.simple_tag(takes_context=True)
def appeals_body_count(context) -> int:
    """Appeals forwarded to Statsforvalteren and open (for appeals officers)."""
    user = _user(context)
    if user is None or not permissions.can(user, "appeals_body.view"):
        return 0
    return Appeal.objects.visible_to(user).count()
