"""Every number and interpretation the stipend and absence rules depend on, in one place
(like decisions/rules/policy.py). [L] law, [S] source, [I] our interpretation."""

from __future__ import annotations

from decimal import Decimal
from typing import Final

EGENMELDING_MAX_CALENDAR_DAYS: Final = 3
"""[I] S7: an egenmelding covers at most this many calendar days per instance."""

EGENMELDING_MAX_INSTANCES: Final = 4
"""[I] S7: at most this many egenmelding instances within 12 months (counting back from and
including the instance's first day)."""

EGENMELDING_WINDOW_MONTHS: Final = 12

WELFARE_DAYS_PER_YEAR: Final = 10
"""[S] S7: velferdspermisjon up to 10 working days per calendar year."""

HOLIDAY_DAYS_PER_YEAR: Final = 25
"""[S] S7: ferie up to 25 working days per calendar year."""

FULL_TIME_HOURS_PER_WEEK: Final = Decimal("37.5")
"""[L] P1: full time is 37.5 hours a week."""

STIPEND_DAYS_PER_WEEK: Final = 5
"""[I] S4/S5: stipend and barnetillegg are paid for Monday–Friday — 5 days a week, 260 a year —
public holidays included (they are inside the 260). Attendance is only registered on planned
days, which leave out public holidays, so a holiday is always paid as present."""

FULL_TIME_HOURS_PER_DAY: Final = FULL_TIME_HOURS_PER_WEEK / STIPEND_DAYS_PER_WEEK
"""[I] S8: full time per stipend day (7.5 hours); hours worked are set against this."""

BIWEEKLY_ANCHOR_ISO: Final = "2024-01-01"
"""[I] S10: 14-day payment periods run Monday to Sunday in fortnights counted from this Monday."""
