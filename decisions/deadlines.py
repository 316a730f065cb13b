"""The nightly deadline scan: finds every legal deadline that needs a caseworker and keeps one
task (oppgave) per cause and due date, set-based in SQL.

One temporary table holds each open programme's dates as of `today`, computed from its approved
decisions with the rules core's semantics (decisions/rules/history.py and lifecycle.py):

- current vedtak period end: the latest `period_end` of the approved grant and extensions (D3);
- ongoing interruption: an approved interruption with no later approved resumption; its limit
  is the first day + 1 year (`interruption_limit_date`, A4);
- latest end date: start + 2 years (3 with a special extension) − 1 day + paused days, where
  paused days are the union of approved leave and interruptions (an ongoing one up to today),
  counted from the start (`latest_end_date`, D1/D2/D5).

PostgreSQL's `date + interval 'N years'` maps 29 February to 28 February, the rules core's
`LEAP_DAY_ANNIVERSARY = "feb28"`, and `+ interval '1 month'` clamps to the month's last day like
`add_months`; the tests cross-check both.

Then for each kind, one statement computes the rows that should exist today, inserts the new
ones (ON CONFLICT DO NOTHING against the unique constraint) and closes open tasks whose row is no
longer there. A transaction-scoped advisory lock keeps two workers from scanning at once; the
second simply skips, and a re-run creates nothing because of the constraint.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils import timezone

from decisions.rules import policy

from .models import TaskKind

SCAN_LOCK_KEY = 0x4B56_5053_4341_4E  # "KVPSCAN": one advisory lock for the whole scan
MAX_DURATION_NOTICE_MONTHS = 3
"""D1: flag a programme this many months before its latest possible end date."""
INTERRUPTION_WARNING_MONTHS = 11
"""A4: warn this many months into an interruption, one month before the one-year limit."""


def decision_period_lead_days() -> int:
    """D3: how long before a vedtak period ends the caseworker is asked to decide."""
    return int(getattr(settings, "KVP_DECISION_PERIOD_LEAD_DAYS", 42))


def age_event_lead_days() -> int:
    """S3, V1, S4: how long before a birthday that changes the case the caseworker is told."""
    return int(getattr(settings, "KVP_AGE_EVENT_LEAD_DAYS", 42))


@dataclass
class ScanResult:
    today: datetime.date
    skipped: bool = False
    created: dict[str, int] = field(default_factory=dict)
    closed: dict[str, int] = field(default_factory=dict)

    @property
    def total_created(self) -> int:
        return sum(self.created.values())

    @property
    def total_closed(self) -> int:
        return sum(self.closed.values())


# Each open programme's dates on %(today)s. ended_on is set as soon as a termination is
# approved, so an open programme is one with no termination decided (as `decision_due`).
_PROGRAMME_DATES = """
CREATE TEMPORARY TABLE kvp_scan_programme ON COMMIT DROP AS
WITH open_programme AS (
    SELECT p.id, p.participant_id, p.office_id, p.start_date,
           pt.birth_date, pt.caseworker_id
    FROM decisions_programme p
    JOIN participants_participant pt ON pt.id = p.participant_id
    WHERE p.ended_on IS NULL
), period AS (
    SELECT d.programme_id, MAX(d.period_end) AS period_end,
           BOOL_OR(d.kind = 'special_extension') AS special
    FROM decisions_decision d
    JOIN open_programme o ON o.id = d.programme_id
    WHERE d.status = 'approved' AND d.kind IN ('grant', 'extension', 'special_extension')
    GROUP BY d.programme_id
), event AS (
    -- Each approved interruption with the first approved resumption strictly after it, found
    -- in one sorted pass per programme (a correlated subquery here was quadratic).
    SELECT d.programme_id, d.kind, d.effective_date,
           MIN(CASE WHEN d.kind = 'resumption' THEN d.effective_date END) OVER (
               PARTITION BY d.programme_id ORDER BY d.effective_date
               RANGE BETWEEN INTERVAL '1 day' FOLLOWING AND UNBOUNDED FOLLOWING
           ) AS next_resumption
    FROM decisions_decision d
    JOIN open_programme o ON o.id = d.programme_id
    WHERE d.status = 'approved' AND d.kind IN ('interruption', 'resumption')
), interruption AS (
    SELECT programme_id, effective_date AS first_day, next_resumption AS resumed_on
    FROM event
    WHERE kind = 'interruption'
), ongoing AS (
    SELECT programme_id, MAX(first_day) AS interrupted_from
    FROM interruption
    WHERE resumed_on IS NULL
    GROUP BY programme_id
), pause AS (
    -- An ongoing interruption counts up to and including today; one starting later not yet.
    SELECT programme_id,
           DATERANGE(first_day, COALESCE(resumed_on, GREATEST(first_day, %(today)s + 1)), '[)')
               AS days
    FROM interruption
    UNION ALL
    SELECT l.programme_id, DATERANGE(l.start, l."end", '[]')
    FROM decisions_approvedleave l
    JOIN open_programme o ON o.id = l.programme_id
), paused AS (
    SELECT x.programme_id, SUM(UPPER(x.span) - LOWER(x.span)) AS days
    FROM (
        SELECT pa.programme_id,
               UNNEST(RANGE_AGG(pa.days * DATERANGE(o.start_date, NULL, '[)'))) AS span
        FROM pause pa
        JOIN open_programme o ON o.id = pa.programme_id
        GROUP BY pa.programme_id
    ) x
    GROUP BY x.programme_id
)
SELECT o.id, o.participant_id, o.office_id, o.caseworker_id, o.start_date, o.birth_date,
       pe.period_end,
       og.interrupted_from,
       ((o.start_date + MAKE_INTERVAL(years => %(max_years)s
                                      + CASE WHEN pe.special THEN %(special_years)s ELSE 0 END)
        )::date - %(last_day_offset)s + COALESCE(pa.days, 0)::int) AS latest_end
FROM open_programme o
JOIN period pe ON pe.programme_id = o.id
LEFT JOIN paused pa ON pa.programme_id = o.id
LEFT JOIN ongoing og ON og.programme_id = o.id
"""

# kind -> (rows that should exist on %(today)s, SQL condition on an open task `t` under which
# its disappearance means it was escalated to a more urgent kind rather than resolved).
_DESIRED: dict[str, tuple[str, str]] = {
    # D3: a follow-up decision is needed (the period does not end at the maximum, which would
    # end the programme by itself) from `lead` days before the period ends ...
    TaskKind.DECISION_PERIOD_ENDING: (
        """SELECT id AS programme_id, NULL::bigint AS application_id, participant_id, office_id,
                   caseworker_id AS assignee_id, period_end AS due_date FROM kvp_scan_programme
        WHERE period_end < latest_end
          AND %(today)s BETWEEN period_end - %(period_lead)s AND period_end""",
        "t.due_date < %(today)s",
    ),
    # ... and overdue from the day after it ended.
    TaskKind.DECISION_PERIOD_OVERDUE: (
        """SELECT id AS programme_id, NULL::bigint AS application_id, participant_id, office_id,
                   caseworker_id AS assignee_id, period_end AS due_date FROM kvp_scan_programme
        WHERE period_end < latest_end AND %(today)s > period_end""",
        "FALSE",
    ),
    # A4: warned after 11 months of interruption, the limit itself after one year.
    TaskKind.INTERRUPTION_WARNING: (
        """SELECT * FROM (
            SELECT id AS programme_id, NULL::bigint AS application_id, participant_id, office_id,
                   caseworker_id AS assignee_id,
                   (interrupted_from + MAKE_INTERVAL(years => %(interruption_years)s))::date
                       AS due_date,
                   (interrupted_from + MAKE_INTERVAL(months => %(warning_months)s))::date
                       AS shown_from
            FROM kvp_scan_programme WHERE interrupted_from IS NOT NULL
        ) x WHERE %(today)s >= shown_from AND %(today)s < due_date""",
        "t.due_date <= %(today)s",
    ),
    TaskKind.INTERRUPTION_LIMIT: (
        """SELECT * FROM (
            SELECT id AS programme_id, NULL::bigint AS application_id, participant_id, office_id,
                   caseworker_id AS assignee_id,
                   (interrupted_from + MAKE_INTERVAL(years => %(interruption_years)s))::date
                       AS due_date
            FROM kvp_scan_programme WHERE interrupted_from IS NOT NULL
        ) x WHERE %(today)s >= due_date""",
        "FALSE",
    ),
    # D1: the latest end date is within three months. Not while interrupted: the clock stands
    # still and the date moves every day; the task comes back with the new date on resumption.
    TaskKind.MAX_DURATION_NEAR: (
        """SELECT id AS programme_id, NULL::bigint AS application_id, participant_id, office_id,
                   caseworker_id AS assignee_id, latest_end AS due_date FROM kvp_scan_programme
        WHERE interrupted_from IS NULL
          AND %(today)s >= (latest_end - MAKE_INTERVAL(months => %(max_notice_months)s))::date""",
        "FALSE",
    ),
    # S3: the full rate applies from the 25th birthday, when it falls in the programme up to
    # the end of the current vedtak period.
    TaskKind.TURNS_25: (
        """SELECT * FROM (
            SELECT id AS programme_id, NULL::bigint AS application_id, participant_id, office_id,
                   caseworker_id AS assignee_id, (birth_date + INTERVAL '25 years')::date AS due_date,
                   start_date, period_end
            FROM kvp_scan_programme
        ) x WHERE due_date > start_date AND due_date <= period_end
              AND %(today)s >= due_date - %(age_lead)s""",
        "FALSE",
    ),
    # V1: a vedtak period runs at most to the day before the 67th birthday, so the birthday
    # falls right after (or in) the current period: the programme cannot be extended.
    TaskKind.TURNS_67: (
        """SELECT * FROM (
            SELECT id AS programme_id, NULL::bigint AS application_id, participant_id, office_id,
                   caseworker_id AS assignee_id,
                   (birth_date + MAKE_INTERVAL(years => %(max_age)s))::date AS due_date,
                   start_date, period_end
            FROM kvp_scan_programme
        ) x WHERE due_date > start_date AND due_date <= period_end + 1
              AND %(today)s >= due_date - %(age_lead)s""",
        "FALSE",
    ),
    # S4: barnetillegg ends when a supported child turns 18 in the current vedtak period.
    TaskKind.CHILD_TURNS_18: (
        """SELECT DISTINCT * FROM (
            SELECT p.id AS programme_id, NULL::bigint AS application_id, p.participant_id, p.office_id,
                   p.caseworker_id AS assignee_id,
                   (c.birth_date + INTERVAL '18 years')::date AS due_date,
                   p.start_date, p.period_end
            FROM kvp_scan_programme p
            JOIN participants_child c ON c.participant_id = p.participant_id AND c.supported
        ) x WHERE due_date > start_date AND due_date <= period_end
              AND %(today)s >= due_date - %(age_lead)s""",
        "FALSE",
    ),
    # F3: an open application without a foreløpig svar, from one month after it came in
    # (`interim_reply_due`).
    TaskKind.INTERIM_REPLY_DUE: (
        """SELECT * FROM (
            SELECT NULL::bigint AS programme_id, a.id AS application_id, a.participant_id,
                   a.office_id, pt.caseworker_id AS assignee_id,
                   (a.received_on + MAKE_INTERVAL(months => %(interim_months)s))::date
                       AS due_date
            FROM decisions_application a
            JOIN participants_participant pt ON pt.id = a.participant_id
            WHERE a.status IN ('mottatt', 'under_behandling')
              AND a.interim_reply_sent_on IS NULL
        ) x WHERE %(today)s >= due_date""",
        "FALSE",
    ),
}

_SYNC = """
WITH desired AS ({desired}),
created AS (
    INSERT INTO decisions_task (kind, participant_id, office_id, programme_id, application_id,
                                due_date, assignee_id, status, created_at, closed_at,
                                closed_reason)
    SELECT %(kind)s, participant_id, office_id, programme_id, application_id, due_date,
           assignee_id, 'open', %(now)s, NULL, ''
    FROM desired
    ON CONFLICT DO NOTHING
    RETURNING 1
),
closed AS (
    UPDATE decisions_task t
    SET status = 'closed', closed_at = %(now)s,
        closed_reason = CASE WHEN {escalated} THEN 'escalated' ELSE 'resolved' END
    WHERE t.kind = %(kind)s AND t.status = 'open'
      AND NOT EXISTS (
          SELECT 1 FROM desired d
          WHERE d.programme_id IS NOT DISTINCT FROM t.programme_id
            AND d.application_id IS NOT DISTINCT FROM t.application_id
            AND d.due_date = t.due_date
      )
    RETURNING 1
)
SELECT (SELECT COUNT(*) FROM created), (SELECT COUNT(*) FROM closed)
"""


@dataclass(frozen=True)
class ExtraScan:
    """A task kind another app contributes to the scan: `desired` is a SELECT with the same
    columns as the built-in kinds (participant_id, office_id, programme_id, application_id,
    due_date, assignee_id); `params(today)` gives its extra query parameters."""

    kind: str
    desired: str
    params: Callable[[datetime.date], dict[str, object]]


_EXTRA_SCANS: dict[str, ExtraScan] = {}


def register_scan(scan: ExtraScan) -> None:
    """Let an app that builds on decisions (stipend's S2 check) join the nightly scan without
    decisions importing it. Registering the same kind again replaces it (app reloads)."""
    _EXTRA_SCANS[scan.kind] = scan


def _params(today: datetime.date) -> dict[str, object]:
    return {
        "today": today,
        "now": timezone.now(),
        "max_years": policy.MAX_YEARS,
        "special_years": policy.SPECIAL_EXTENSION_YEARS,
        "last_day_offset": policy.PERIOD_LAST_DAY_OFFSET_DAYS,
        "interruption_years": policy.INTERRUPTION_LIMIT_YEARS,
        "warning_months": INTERRUPTION_WARNING_MONTHS,
        "max_notice_months": MAX_DURATION_NOTICE_MONTHS,
        "max_age": policy.MAX_AGE,
        "interim_months": policy.INTERIM_REPLY_AFTER_MONTHS,
        "period_lead": decision_period_lead_days(),
        "age_lead": age_event_lead_days(),
    }


def programme_dates(
    today: datetime.date,
) -> dict[int, tuple[datetime.date, datetime.date | None, datetime.date]]:
    """The scan's view of each open programme on `today`: (current vedtak period end, first
    day of the ongoing interruption, latest end date). For cross-checks against the rules core."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS kvp_scan_programme")
        cursor.execute(_PROGRAMME_DATES, _params(today))
        cursor.execute(
            "SELECT id, period_end, interrupted_from, latest_end FROM kvp_scan_programme"
        )
        rows = {row[0]: tuple(row[1:]) for row in cursor.fetchall()}
        cursor.execute("DROP TABLE kvp_scan_programme")
    return rows


def scan_deadlines(today: datetime.date) -> ScanResult:
    """Create the tasks due on `today` and close those whose cause is gone. Counts per kind;
    `skipped` when another scan holds the lock (it does the same work)."""
    if policy.LEAP_DAY_ANNIVERSARY != "feb28":
        # PostgreSQL's interval arithmetic implements only this choice.
        raise ImproperlyConfigured("The deadline scan assumes LEAP_DAY_ANNIVERSARY = 'feb28'.")
    result = ScanResult(today=today)
    params = _params(today)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [SCAN_LOCK_KEY])
        if not cursor.fetchone()[0]:
            result.skipped = True
            return result
        cursor.execute("DROP TABLE IF EXISTS kvp_scan_programme")
        cursor.execute(_PROGRAMME_DATES, params)
        cursor.execute("ANALYZE kvp_scan_programme")
        for kind, (desired, escalated) in _DESIRED.items():
            sql = _SYNC.format(desired=desired, escalated=escalated)
            cursor.execute(sql, {**params, "kind": str(kind)})
            created, closed = cursor.fetchone()
            result.created[str(kind)] = created
            result.closed[str(kind)] = closed
        for extra in _EXTRA_SCANS.values():
            sql = _SYNC.format(desired=extra.desired, escalated="FALSE")
            cursor.execute(sql, {**params, **extra.params(today), "kind": extra.kind})
            created, closed = cursor.fetchone()
            result.created[extra.kind] = created
            result.closed[extra.kind] = closed
        cursor.execute("DROP TABLE kvp_scan_programme")
    return result
