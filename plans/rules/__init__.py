"""Pure plan checks (no Django imports): plain activities, evaluation dates and the programme
history in, warnings with rule ids from ../shared/domain/RULES.md (P1, P3, P4, P5) out."""

from . import policy
from .plan import (
    ACTIVITY_TYPE_LABELS,
    APPRENTICESHIP,
    JOB_SEEKING,
    WEEKDAY_LABELS,
    WORK,
    PlanCheck,
    PlannedActivity,
    PlanWeek,
    check_activity_period,
    check_evaluations,
    check_hours,
    check_job_seeking,
    final_stage,
    hours_text,
    is_programme_day,
    plan_check,
    plan_weeks,
    programme_span,
)

__all__ = [
    "ACTIVITY_TYPE_LABELS",
    "APPRENTICESHIP",
    "JOB_SEEKING",
    "WEEKDAY_LABELS",
    "WORK",
    "PlanCheck",
    "PlanWeek",
    "PlannedActivity",
    "check_activity_period",
    "check_evaluations",
    "check_hours",
    "check_job_seeking",
    "final_stage",
    "hours_text",
    "is_programme_day",
    "plan_check",
    "plan_weeks",
    "policy",
    "programme_span",
]
