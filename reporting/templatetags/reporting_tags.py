from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.http import urlencode

register = template.Library()

# Columns whose numbers list participants when followed.
DRILLABLE = frozenset(
    {
        "caseload",
        "active",
        "new",
        "ended",
        "outcome",
        "duration",
        "profile",
        "tasks",
        "overdue",
        "awaiting",
        "returns",
    }
)


@register.simple_tag
def drill_url(query: str, metric: str, key: str = "") -> str:
    if metric not in DRILLABLE and metric != "processing":
        return ""
    return f"{reverse('reporting:drilldown')}?{query}&{urlencode({'metric': metric, 'key': key})}"


@register.filter
def cell(row, metric: str):
    return row.values.get(metric)


@register.simple_tag
def bar_width(table, row) -> float:
    """The bar's length in per cent of the chart's width."""
    value = row.values.get(table.bar) or 0
    return round(100 * value / table.bar_max, 1)


@register.simple_tag
def band_position(table, limit: int) -> float:
    return round(100 * limit / table.bar_max, 1)


@register.simple_tag
def band_width(table) -> float:
    low, high = table.band
    return round(100 * (high - low) / table.bar_max, 1)


@register.filter
def band_verdict(value, band) -> str:
    low, high = band
    if value is None:
        return ""
    if value > high:
        return "Over anbefalt"
    if value < low:
        return "Under anbefalt"
    return "Innenfor anbefalt"


@register.filter
def number(value) -> str:
    """Norwegian decimal comma; dash for no value."""
    if value is None:
        return "–"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return f"{value:.1f}".replace(".", ",")
    return str(value)
