"""The programme plan's part of a new deltakerbevis (P6): its activities and measures with
their periods and hours, registered with decisions.documents so decisions never imports plans."""

from __future__ import annotations

from typing import Any

from decisions.models import Programme
from plans.models import PlanActivity


def certificate_activities(programme: Programme) -> dict[str, Any]:
    """One row per plan activity inside the programme, clipped to its last day. A programme
    without a plan gives nothing, and the caseworker fills the rows in."""
    last = programme.ended_on
    rows = []
    activities = (
        PlanActivity.objects.filter(programme=programme, start__gte=programme.start_date)
        .select_related("measure", "provider")
        .order_by("start", "pk")
    )
    for activity in activities:
        if last is not None and activity.start > last:
            continue
        end = min(activity.end, last) if last is not None else activity.end
        description = activity.measure.name if activity.measure else activity.name
        label = activity.get_activity_type_display()
        if not description or description == label:
            description = label
        else:
            description = f"{label}: {description}"
        if activity.provider:
            description += f" ({activity.provider.name})"
        rows.append(
            {
                "description": description,
                "start": activity.start.isoformat(),
                "end": end.isoformat(),
                "hours_per_week": f"{activity.hours_per_week.normalize():f}",
            }
        )
    return {"activities": rows} if rows else {}
