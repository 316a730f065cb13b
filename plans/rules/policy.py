"""Every number the plan checks depend on, in one place. [L] from the law text, [I] our
interpretation (a later legal review may change it here and nowhere else)."""

from decimal import Decimal
from typing import Final

FULL_TIME_HOURS_PER_WEEK: Final = Decimal("37.5")
"""[L] P1: full time, all year: 37.5 hours per week."""

WORKING_DAYS_PER_WEEK: Final = 5
"""[I] P1: the 37.5 hours belong to Monday–Friday. A week only partly inside the programme (its
first and last week) or partly paused needs 37.5 × its programme weekdays / 5 hours; days in an
interruption or on approved leave need none (D2). Planned weekend hours still count."""

MAX_WORK_SHARE: Final = Decimal("0.5")
"""[L] P3: work (type "arbeid") may be at most 50 % of full time, i.e. 18.75 of 37.5 hours in a
whole week, pro-rated like P1 in partial weeks. Læretid is not limited."""

FINAL_STAGE_WEEKS: Final = 8
"""[I] P4: "the final stage" is the last 8 weeks (56 days) of the last vedtak period, ending on
its last day (or on the last day of the programme when it ended earlier). Job seeking must be
planned on at least one day in that span. In an extended programme this is the final stage of
the last vedtak period, as RULES.md P4 says."""

EVALUATION_INTERVAL_MONTHS: Final = 6
"""[I] P5: the plan states evaluation dates: at least one in every vedtak period, and never more
than 6 months from the programme start, or from one evaluation, to the next evaluation while the
programme runs."""

MAX_HOURS_PER_WEEK: Final = Decimal("60")
"""[I] Plausibility: one activity cannot take more than 60 hours a week (a typing mistake)."""
