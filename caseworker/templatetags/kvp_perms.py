from django import template

from caseworker import rules

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context, permission: str, obj=None) -> bool:
    """`{% can "participant.change" participant as may_change %}`"""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None:
        return False
    return rules.can(user, permission, obj)
