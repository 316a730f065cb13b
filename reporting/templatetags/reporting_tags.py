from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe

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


_CELL = (
    '<td class="aksel-table__data-cell aksel-table__data-cell--align-right aksel-body-short">'
    "{}</td>"
)
_LINKED_CELL = _CELL.format(
    '<a class="aksel-link" href="{}" aria-label="{} – {}, {}: vis deltakerne">{}</a>'
)


@dataclass
class ChartRow:
    label: str
    cells: SafeString  # the row's numbers, each a <td>, linked to its drill-down if any
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
    The Oslo-sized office's caseload and task tables have a row for each of ~100
    caseworkers; the cells are made here with format_html (escaped like the template
    would), as template nodes per cell were a third of the page's time."""
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
            if drillable and value:
                url = f"{path}?{query}&{urlencode({'metric': metric, 'key': row.key})}"
                cells.append(
                    format_html(
                        _LINKED_CELL, url, localize(value), heading, row.label, number(value)
                    )
                )
            else:
                cells.append(format_html(_CELL, number(value)))
        cells = mark_safe("".join(cells))  # noqa: S308 (each part made by format_html)
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
