from decimal import Decimal

from django import template

from plans import rules

register = template.Library()


@register.filter
def hours(value) -> str:
    """37.50 → "37,5"."""
    if value is None or value == "":
        return ""
    return rules.hours_text(Decimal(value))
