"""Every number and interpretation the rules core depends on, in one place.

Values marked [L] come from the law text (seed 001 chapter 7); [I] marks our interpretation
(RULES.md), which a later legal review may change here and nowhere else. The boundary tests
compute their expectations from these values where they can, so a change here shows up as
a small, reviewable diff in the tests that pin today's choice.
"""

from typing import Final, Literal

# --- Duration (sotjl § 32, forskrift § 2) -----------------------------------------------------

MAX_YEARS: Final = 2
"""[L] D1: programme time is at most two years."""

SPECIAL_EXTENSION_YEARS: Final = 1
"""[L] D1: særlige grunner allow up to one more year (three in total)."""

MAX_DECISION_PERIOD_YEARS: Final = 1
"""[L] D3: one vedtak (grant or extension) covers at most one year."""

PERIOD_LAST_DAY_OFFSET_DAYS: Final = 1
"""[I] D5: "N years from start" ends on start + N years − this many days, so a period that
starts 01.03.2026 and lasts one year ends 28.02.2027 (the day before the anniversary)."""

LeapDayRule = Literal["feb28", "mar1"]

LEAP_DAY_ANNIVERSARY: Final[LeapDayRule] = "feb28"
"""[I] D5/V1: the anniversary of 29 February in a year without one. "feb28" follows the
Norwegian deadline rule (a deadline whose day is missing in its last month ends on the last
day of that month; domstolloven § 148) and java.time's `plusYears`, which NAV's own systems
use. With "feb28" a programme starting 29.02.2024 may last until 27.02.2026 (2 years) and a
person born 29.02.2008 turns 18 on 28.02.2026. "mar1" would give one day more in both."""

PAUSE_KINDS: Final = frozenset({"interruption", "leave"})
"""[L] D2: midlertidig avbrudd and godkjent permisjon both stop the programme clock. A pause's
`end` is its last paused day; the day of resumption counts as programme time again [I]."""

# --- Who (sotjl § 29) ------------------------------------------------------------------------

MIN_AGE: Final = 18
"""[L] V1: 18 years old on the start date of the programme (the birthday itself is allowed)."""

MAX_AGE: Final = 67
"""[L]/[I] V1: a vedtak period may run at most until the day before the 67th birthday."""

V3_EXCLUDING_BENEFITS: Final = frozenset({"aap", "uforetrygd", "overgangsstonad"})
"""[S] V3: a person entitled to one of these is outside the target group (KVP is subsidiary)."""

# --- Interruption and termination (sotjl § 34) ----------------------------------------------

INTERRUPTION_LIMIT_YEARS: Final = 1
"""[L] A4: a programme interrupted this long shall be ended. [I] The limit is reached on the
anniversary of the first interrupted day: from then, resumption is refused and termination
with the reason "interruption_limit" is required."""

A6_PROTECTION_YEARS: Final = 1
"""[L] A6: no termination because of such absence within this long after the absence began."""

A6_PROTECTED_ABSENCE_CAUSES: Final = frozenset({"work", "birth", "adoption"})
"""[L] A6: absence related to ordinary work, birth or adoption. [I] The protection ends on the
anniversary of the first day of absence: the last day of the programme (`ended_on`) may be
that anniversary at the earliest."""

# --- Every decision (forvaltningsloven) -------------------------------------------------------

KLAGEFRIST_WEEKS: Final = 3
# [I] A klagefrist whose last day is a Saturday, Sunday or public holiday runs to the next
# working day (domstolloven § 149, which fvl § 30 points to).
DEADLINE_MOVES_TO_WORKING_DAY: Final = True
"""[L] F2: fvl § 29, counted from the day the notice reached the party. [I] Not moved to the
next working day when it ends on a weekend or public holiday (see the report on issue 3)."""

INTERIM_REPLY_AFTER_MONTHS: Final = 1
"""[L] F3: fvl § 11 a, a foreløpig svar when an application cannot be answered within a month.
Month arithmetic clamps to the month's last day (31.01 + 1 month = 28.02 or 29.02)."""
