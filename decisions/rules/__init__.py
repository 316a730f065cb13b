"""Pure legal core (no Django imports): dates and programme history in, verdicts with rule
ids from ../shared/domain/RULES.md out."""

from . import policy
from .dates import Period, add_months, add_years, fmt, years_later_last_day
from .eligibility import CONDITIONS, EligibilityVerdict, eligibility_verdict
from .findings import Check, Finding, Severity
from .history import (
    Pause,
    ProgrammeHistory,
    decision_due,
    decision_period_ends,
    latest_end_date,
    latest_end_without_pauses,
    max_programme_days,
    pause_spans,
    paused_days,
    programme_time_remaining,
    programme_time_used,
)
from .labels import (
    ABSENCE_CAUSE_LABELS,
    APPEALABLE_KINDS,
    BENEFIT_LABELS,
    CONDITION_LABELS,
    DECISION_KIND_LABELS,
    PAUSE_KIND_LABELS,
    PERIOD_KINDS,
    STATE_LABELS,
    TERMINATION_REASON_LABELS,
)
from .lifecycle import (
    STATES,
    allowed_actions,
    check_interruption,
    check_leave,
    check_resumption,
    check_termination,
    interruption_limit_date,
    programme_state,
)
from .periods import check_decision_period, check_new_programme, last_day_before_max_age
from .procedure import appeal_deadline, interim_reply_due

__all__ = [
    "ABSENCE_CAUSE_LABELS",
    "APPEALABLE_KINDS",
    "BENEFIT_LABELS",
    "CONDITIONS",
    "CONDITION_LABELS",
    "DECISION_KIND_LABELS",
    "PAUSE_KIND_LABELS",
    "PERIOD_KINDS",
    "STATES",
    "STATE_LABELS",
    "TERMINATION_REASON_LABELS",
    "Check",
    "EligibilityVerdict",
    "Finding",
    "Pause",
    "Period",
    "ProgrammeHistory",
    "Severity",
    "add_months",
    "add_years",
    "allowed_actions",
    "appeal_deadline",
    "check_decision_period",
    "check_interruption",
    "check_leave",
    "check_new_programme",
    "check_resumption",
    "check_termination",
    "decision_due",
    "decision_period_ends",
    "eligibility_verdict",
    "fmt",
    "interim_reply_due",
    "interruption_limit_date",
    "last_day_before_max_age",
    "latest_end_date",
    "latest_end_without_pauses",
    "max_programme_days",
    "pause_spans",
    "paused_days",
    "policy",
    "programme_state",
    "programme_time_remaining",
    "programme_time_used",
    "years_later_last_day",
]
