from __future__ import annotations

from dataclasses import dataclass

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


def _drill_path() -> str:
    return reverse("reporting:drilldown")


@register.simple_tag
def drill_url(query: str, metric: str, key: str = "") -> str:
    if metric not in DRILLABLE and metric != "processing":
        return ""
    return f"{_drill_path()}?{query}&{urlencode({'metric': metric, 'key': key})}"


@dataclass
class ChartRow:
    label: str
    cells: list[dict]
    width: float  # the bar's length in per cent of the chart's width
    verdict: str  # against the recommended band, if the table has one


@dataclass
class Chart:
    rows: list[ChartRow]
    band_x: float | None = None  # the recommended band's start and width, in per cent
    band_width: float | None = None


@register.simple_tag
def chart(table, query: str) -> Chart:
    """What a dashboard table draws, worked out once per table rather than per cell in the
    template: each number with its drill-down link, the bar's length, the band's place.
    The Oslo-sized office's caseload table has a row for each of ~100 caseworkers."""
    top = table.bar_max
    path = _drill_path()
    headings = [
        (metric, heading.lower(), metric in DRILLABLE or metric == "processing")
        for metric, heading in table.columns
    ]
    rows = []
    for row in table.rows:
        cells = []
        for metric, heading, drillable in headings:
            value = row.values.get(metric)
            url = ""
            if drillable and value:
                url = f"{path}?{query}&{urlencode({'metric': metric, 'key': row.key})}"
            cells.append({"value": value, "text": number(value), "url": url, "heading": heading})
        bar = (row.values.get(table.bar) or 0) if table.bar else 0
        verdict = band_verdict(row.values.get(table.bar), table.band) if table.band else ""
        rows.append(ChartRow(row.label, cells, round(100 * bar / top, 1), verdict))
    result = Chart(rows)
    if table.band:
        low, high = table.band
        result.band_x = round(100 * low / top, 1)
        result.band_width = round(100 * (high - low) / top, 1)
    return result


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
