"""Reads for the programme plan, each in a fixed number of queries whatever the number of
activities or programmes."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch, QuerySet

from caseworker.models import Office
from decisions.models import Decision, DecisionStatus, Programme
from decisions.rules import Period
from decisions.selectors import programme_history
from plans import rules
from plans.models import Evaluation, Measure, PlanActivity, Provider

HOURS = Decimal("0.01")


def activities_of(programme_ids) -> QuerySet[PlanActivity]:
    return PlanActivity.objects.filter(programme_id__in=programme_ids).select_related(
        "measure", "provider"
    )


@dataclass(frozen=True)
class Plan:
    """A programme's plan with the rules' verdict on it."""

    programme: Programme
    activities: list[PlanActivity]
    evaluations: list[Evaluation]
    check: rules.PlanCheck
    span: Period


def plan_for(programme: Programme) -> Plan:
    """The plan and its check (P1, P3, P4, P5). `programme` should come with its approved
    decisions and leaves prefetched (decisions.selectors.programmes_with_decisions); the plan
    itself is two queries."""
    activities = list(activities_of([programme.pk]))
    evaluations = list(Evaluation.objects.filter(programme=programme))
    history = programme_history(programme)
    check = rules.plan_check(
        history, [a.as_rules() for a in activities], [e.date for e in evaluations]
    )
    return Plan(programme, activities, evaluations, check, rules.programme_span(history))


def programmes_for_plan() -> QuerySet[Programme]:
    return Programme.objects.select_related("participant", "office").prefetch_related(
        "leaves",
        Prefetch("decisions", queryset=Decision.objects.filter(status=DecisionStatus.APPROVED)),
    )


def planned_weekdays(
    programme_ids: list[int], start: datetime.date, end: datetime.date
) -> dict[int, dict[datetime.date, Decimal]]:
    """The days from `start` to `end` (inclusive) with planned activity, per programme.

    Returns `{programme_id: {day: hours}}`: every day on which at least one of the programme's
    activities takes place (its period covers the day and the day is one of its weekdays), with
    the planned hours that day summed over the activities, rounded to 0.01 hour. An activity's
    hours per week are spread evenly over its weekdays (37.5 hours Monday–Friday → 7.50 a day).
    Programmes without planned days in the range are absent from the result.

    This is the plan only: it does not remove days of interruption, approved leave or after the
    programme's end — the caller (attendance, stipend) applies the programme history itself.
    One query, whatever the number of programmes."""
    result: dict[int, dict[datetime.date, Decimal]] = defaultdict(dict)
    if not programme_ids or end < start:
        return {}
    rows = PlanActivity.objects.filter(
        programme_id__in=programme_ids, start__lte=end, end__gte=start
    ).values_list("programme_id", "start", "end", "weekdays", "hours_per_week")
    for programme_id, first, last, weekdays, hours in rows:
        if not weekdays:
            continue
        per_day = hours / len(weekdays)
        day = max(first, start)
        stop = min(last, end)
        days = result[programme_id]
        while day <= stop:
            if day.weekday() in weekdays:
                days[day] = days.get(day, Decimal(0)) + per_day
            day += datetime.timedelta(days=1)
    return {
        pid: {
            day: hours.quantize(HOURS, rounding=ROUND_HALF_UP)
            for day, hours in sorted(days.items())
        }
        for pid, days in result.items()
        if days
    }


def catalogue_for(office_ids) -> tuple[list[Measure], list[Provider]]:
    measures = list(
        Measure.objects.filter(office_id__in=office_ids).select_related("provider", "office")
    )
    providers = list(Provider.objects.filter(office_id__in=office_ids).select_related("office"))
    return measures, providers


def active_catalogue(office: Office | int) -> tuple[QuerySet[Measure], QuerySet[Provider]]:
    office_id = getattr(office, "pk", office)
    return (
        Measure.objects.filter(office_id=office_id, active=True).select_related("provider"),
        Provider.objects.filter(office_id=office_id, active=True),
    )
