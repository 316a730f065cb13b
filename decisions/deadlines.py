"""The nightly deadline scan: finds every legal deadline that needs a caseworker and keeps one
task (oppgave) per cause and due date, set-based in SQL.

The scan is a few set-based SQL statements. The first computes each open programme's dates as of
`today` in one pass over the approved decisions, with the rules core's semantics
(decisions/rules/history.py and lifecycle.py):

- current vedtak period end: the latest `period_end` of the approved grant and extensions (D3);
- ongoing interruption: an approved interruption with no later approved resumption; its limit
  is the first day + 1 year (`interruption_limit_date`, A4);
- latest end date: start + 2 years (3 with a special extension) − 1 day + paused days, where
  paused days are the union of approved leave and interruptions (an ongoing one up to today),
  counted from the start (`latest_end_date`, D1/D2/D5).

PostgreSQL's `date + interval 'N years'` maps 29 February to 28 February, the rules core's
`LEAP_DAY_ANNIVERSARY = "feb28"`, and `+ interval '1 month'` clamps to the month's last day like
`add_months`; the tests cross-check both.

Then it computes, in the same pass, each programme kind's due date (NULL for none) and keeps
only the programmes with at least one, so the rows every kind should have today come from a few
thousand rows, not every programme. It inserts the new ones (ON CONFLICT DO NOTHING against the
unique constraint) and closes open tasks whose row is no longer there. A
transaction-scoped advisory lock keeps two workers from scanning at once; the second simply
skips, and a re-run creates nothing because of the constraint.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

from decisions.rules import policy
from kvp import clock

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
WITH agg AS (
    -- One pass over the approved decisions of open programmes, read from the covering partial
    -- index decision_deadline_scan in programme order (an index-only scan). Grouping by the
    -- programme's key carries its columns along. Dates are summed as day numbers: the
    -- lifecycle (decisions/rules/lifecycle.py) lets an interruption be approved only while
    -- active and a resumption only while interrupted, each after the last event, so
    -- interruptions I1 < R1 < I2 < R2 ... alternate with resumptions: the programme is
    -- interrupted when it has more interruptions than resumptions, and the paused days of the
    -- closed ones are SUM(R) - SUM(I), with no window or sort per programme.
    SELECT p.id, p.participant_id, p.office_id, p.start_date,
           MAX(d.period_end) FILTER (WHERE d.kind IN ('grant', 'extension', 'special_extension'))
               AS period_end,
           BOOL_OR(d.kind = 'special_extension') AS special,
           SUM(CASE d.kind WHEN 'interruption' THEN 1 WHEN 'resumption' THEN -1 ELSE 0 END)
               AS open_interruptions,
           MAX(d.effective_date) FILTER (WHERE d.kind = 'interruption') AS last_interruption,
           SUM(CASE d.kind WHEN 'resumption' THEN d.effective_date - DATE '2000-01-01'
                           WHEN 'interruption' THEN DATE '2000-01-01' - d.effective_date
                           ELSE 0 END) AS closed_pause_days
    FROM decisions_decision d
    JOIN decisions_programme p ON p.id = d.programme_id AND p.ended_on IS NULL
    WHERE d.status = 'approved'
      AND d.kind IN ('grant', 'extension', 'special_extension', 'interruption', 'resumption')
    GROUP BY p.id
), with_leave AS MATERIALIZED (
    -- Approved leave may touch an interruption, so for the (few) programmes with leave the
    -- paused days are the exact union of all their pauses, as `paused_days` merges them.
    SELECT DISTINCT l.programme_id, p.start_date
    FROM decisions_approvedleave l
    JOIN decisions_programme p ON p.id = l.programme_id AND p.ended_on IS NULL
), event AS (
    SELECT d.programme_id, w.start_date, d.kind, d.effective_date,
           MIN(CASE WHEN d.kind = 'resumption' THEN d.effective_date END) OVER (
               PARTITION BY d.programme_id ORDER BY d.effective_date
               RANGE BETWEEN INTERVAL '1 day' FOLLOWING AND UNBOUNDED FOLLOWING
           ) AS next_resumption
    FROM decisions_decision d
    JOIN with_leave w ON w.programme_id = d.programme_id
    WHERE d.status = 'approved' AND d.kind IN ('interruption', 'resumption')
), pause AS (
    -- An ongoing interruption counts up to and including today; one starting later not yet.
    SELECT programme_id, start_date,
           DATERANGE(effective_date,
                     COALESCE(next_resumption, GREATEST(effective_date, %(today)s + 1)), '[)')
               AS days
    FROM event
    WHERE kind = 'interruption'
    UNION ALL
    SELECT l.programme_id, w.start_date, DATERANGE(l.start, l."end", '[]')
    FROM decisions_approvedleave l
    JOIN with_leave w ON w.programme_id = l.programme_id
), leave_paused AS (
    SELECT x.programme_id, SUM(UPPER(x.span) - LOWER(x.span)) AS days
    FROM (
        SELECT programme_id,
               UNNEST(RANGE_AGG(days * DATERANGE(start_date, NULL, '[)'))) AS span
        FROM pause
        GROUP BY programme_id
    ) x
    GROUP BY x.programme_id
), dated AS (
    SELECT a.id, a.participant_id, a.office_id, pt.caseworker_id, a.start_date, pt.birth_date,
           a.period_end, a.special,
           CASE WHEN a.open_interruptions > 0 THEN a.last_interruption END AS interrupted_from,
           CASE WHEN lp.programme_id IS NOT NULL THEN lp.days
                WHEN w.programme_id IS NOT NULL THEN 0
                WHEN a.open_interruptions > 0
                    THEN a.closed_pause_days
                         + (GREATEST(a.last_interruption, %(today)s + 1) - DATE '2000-01-01')
                ELSE a.closed_pause_days
           END AS paused_days
    FROM agg a
    JOIN participants_participant pt ON pt.id = a.participant_id
    LEFT JOIN with_leave w ON w.programme_id = a.id
    LEFT JOIN leave_paused lp ON lp.programme_id = a.id
    WHERE a.period_end IS NOT NULL
)
SELECT id, participant_id, office_id, caseworker_id, start_date, birth_date, period_end,
       interrupted_from,
       ((start_date + MAKE_INTERVAL(years => %(max_years)s
                                    + CASE WHEN special THEN %(special_years)s ELSE 0 END)
        )::date - %(last_day_offset)s + paused_days::int) AS latest_end
FROM dated
"""

# The programme kinds: kind -> (the due date the task should have on %(today)s, or NULL for
# none: an expression over one row of _PROGRAMME_DATES and its `birthday_25`, `birthday_67`;
# SQL condition on an open task `t` under which its disappearance means it was escalated to a
# more urgent kind rather than resolved).
_PROGRAMME_KINDS: dict[str, tuple[str, str]] = {
    # D3: a follow-up decision is needed (the period does not end at the maximum, which would
    # end the programme by itself) from `lead` days before the period ends ...
    TaskKind.DECISION_PERIOD_ENDING: (
        """CASE WHEN period_end < latest_end
                  AND %(today)s BETWEEN period_end - %(period_lead)s AND period_end
                THEN period_end END""",
        "t.due_date < %(today)s",
    ),
    # ... and overdue from the day after it ended.
    TaskKind.DECISION_PERIOD_OVERDUE: (
        "CASE WHEN period_end < latest_end AND %(today)s > period_end THEN period_end END",
        "FALSE",
    ),
    # A4: warned after 11 months of interruption, the limit itself after one year.
    TaskKind.INTERRUPTION_WARNING: (
        """CASE WHEN %(today)s >= (interrupted_from
                                   + MAKE_INTERVAL(months => %(warning_months)s))::date
                  AND %(today)s < interruption_limit
                THEN interruption_limit END""",
        "t.due_date <= %(today)s",
    ),
    TaskKind.INTERRUPTION_LIMIT: (
        "CASE WHEN %(today)s >= interruption_limit THEN interruption_limit END",
        "FALSE",
    ),
    # D1: the latest end date is within three months. Not while interrupted: the clock stands
    # still and the date moves every day; the task comes back with the new date on resumption.
    TaskKind.MAX_DURATION_NEAR: (
        """CASE WHEN interrupted_from IS NULL
                  AND %(today)s >= (latest_end
                                    - MAKE_INTERVAL(months => %(max_notice_months)s))::date
                THEN latest_end END""",
        "FALSE",
    ),
    # S3: the full rate applies from the 25th birthday, when it falls in the programme up to
    # the end of the current vedtak period.
    TaskKind.TURNS_25: (
        """CASE WHEN birthday_25 > start_date AND birthday_25 <= period_end
                  AND %(today)s >= birthday_25 - %(age_lead)s
                THEN birthday_25 END""",
        "FALSE",
    ),
    # V1: a vedtak period runs at most to the day before the 67th birthday, so the birthday
    # falls right after (or in) the current period: the programme cannot be extended.
    TaskKind.TURNS_67: (
        """CASE WHEN birthday_67 > start_date AND birthday_67 <= period_end + 1
                  AND %(today)s >= birthday_67 - %(age_lead)s
                THEN birthday_67 END""",
        "FALSE",
    ),
}

# S4: barnetillegg ends when a supported child turns 18 in the current vedtak period. A
# programme may have several such children, so this kind is an array of due dates.
_CHILD_KIND = TaskKind.CHILD_TURNS_18
_CHILD_DUES = """
SELECT participant_id, ARRAY_AGG(DISTINCT due_date) AS due_dates
FROM (
    SELECT participant_id, (birth_date + INTERVAL '18 years')::date AS due_date
    FROM participants_child
    WHERE supported
) c
WHERE %(today)s >= due_date - %(age_lead)s
GROUP BY participant_id"""

# Kinds not about a programme: kind -> (rows that should exist on %(today)s, as a SELECT with the
# columns programme_id, application_id, participant_id, office_id, assignee_id, due_date; the
# escalation condition as above).
_OTHER_KINDS: dict[str, tuple[str, str]] = {
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

# The scan: every open programme's due dates per kind in one pass over its dates, keeping only
# the (few) programmes with at least one (kvp_scan_due, materialized); from those and the other
# kinds the rows every kind wants today go into a small temporary table, analysed so the planner
# knows its size; then one INSERT of the new rows (ON CONFLICT DO NOTHING against the unique
# constraint) and one UPDATE closing open tasks whose row is gone. {due_columns} are the
# programme kinds' expressions as due_0, due_1 ...; {desired} is a UNION ALL of (kind,
# programme_id, application_id, participant_id, office_id, assignee_id, due_date); {escalated}
# a CASE on t.kind telling escalation from resolution.
_DESIRED_TABLE = """
CREATE TEMPORARY TABLE kvp_scan_desired ON COMMIT DROP AS
WITH kvp_scan_due AS MATERIALIZED (
    SELECT * FROM (
        SELECT p.id, p.participant_id, p.office_id, p.caseworker_id,
               {due_columns},
               CASE WHEN cd.due_dates IS NOT NULL THEN
                   ARRAY(SELECT u FROM UNNEST(cd.due_dates) u
                         WHERE u > start_date AND u <= period_end)
               END AS child_due_dates
        FROM (
            SELECT *, (interrupted_from + MAKE_INTERVAL(years => %(interruption_years)s))::date
                          AS interruption_limit,
                      (birth_date + INTERVAL '25 years')::date AS birthday_25,
                      (birth_date + MAKE_INTERVAL(years => %(max_age)s))::date AS birthday_67
            FROM ({programme_dates}) dates
        ) p
        LEFT JOIN ({child_dues}) cd ON cd.participant_id = p.participant_id
    ) x
    WHERE NUM_NONNULLS({due_names}) > 0 OR CARDINALITY(child_due_dates) > 0
)
{desired}
"""
_SYNC = """
WITH created AS (
    INSERT INTO decisions_task (kind, participant_id, office_id, programme_id, application_id,
                                due_date, assignee_id, status, created_at, closed_at,
                                closed_reason)
    SELECT kind, participant_id, office_id, programme_id, application_id, due_date,
           assignee_id, 'open', %(now)s, NULL, ''
    FROM kvp_scan_desired
    ON CONFLICT DO NOTHING
    RETURNING kind
),
closed AS (
    UPDATE decisions_task t
    SET status = 'closed', closed_at = %(now)s,
        closed_reason = CASE WHEN {escalated} THEN 'escalated' ELSE 'resolved' END
    WHERE t.status = 'open' AND t.kind IN ({kinds})
      AND NOT EXISTS (
          -- Plain equalities (0 for "none": ids start at 1) so this can be a hash anti-join;
          -- IS NOT DISTINCT FROM cannot be hashed.
          SELECT 1 FROM kvp_scan_desired d
          WHERE d.kind = t.kind
            AND COALESCE(d.programme_id, 0) = COALESCE(t.programme_id, 0)
            AND COALESCE(d.application_id, 0) = COALESCE(t.application_id, 0)
            AND d.due_date = t.due_date
      )
    RETURNING t.kind
)
SELECT kind, SUM(new), SUM(gone) FROM (
    SELECT kind, 1 AS new, 0 AS gone FROM created
    UNION ALL
    SELECT kind, 0, 1 FROM closed
) counts
GROUP BY kind
"""


@dataclass(frozen=True)
class ExtraScan:
    """A task kind another app contributes to the scan: `desired` is a SELECT with the
    columns participant_id, office_id, programme_id, application_id, due_date, assignee_id;
    `params(today)` gives its extra query parameters."""

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
        "now": clock.now(),
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


def _scan_sql() -> tuple[str, str, dict[str, str]]:
    """The scan statements (desired rows, then sync) for the built-in kinds and those other
    apps registered, and the kind names as query parameters. Only this module's and the
    registered constant SQL fragments are joined in; every value is a parameter."""
    programme = list(_PROGRAMME_KINDS.items())
    other = [(str(kind), sql, escalated) for kind, (sql, escalated) in _OTHER_KINDS.items()]
    other += [(extra.kind, extra.desired, "FALSE") for extra in _EXTRA_SCANS.values()]
    # kind_0 ... in this order: programme kinds, the child kind, the other kinds.
    kinds = [str(kind) for kind, _ in programme] + [str(_CHILD_KIND)] + [k for k, _, _ in other]
    escalation = [cond for _, (_, cond) in programme] + ["FALSE"] + [c for _, _, c in other]
    due_names = [f"due_{i}" for i in range(len(programme))]
    columns = "SELECT %({kind})s::varchar AS kind, {programme}, {application}, participant_id, office_id, {assignee}, {due} AS due_date"  # noqa: E501
    parts = [
        columns.format(
            kind=f"kind_{i}",
            programme="id AS programme_id",
            application="NULL::bigint AS application_id",
            assignee="caseworker_id AS assignee_id",
            due=name,
        )
        + f" FROM kvp_scan_due WHERE {name} IS NOT NULL"
        for i, name in enumerate(due_names)
    ]
    child = len(programme)
    parts.append(
        columns.format(
            kind=f"kind_{child}",
            programme="id AS programme_id",
            application="NULL::bigint AS application_id",
            assignee="caseworker_id AS assignee_id",
            due="UNNEST(child_due_dates)",
        )
        + " FROM kvp_scan_due WHERE CARDINALITY(child_due_dates) > 0"
    )
    parts += [
        columns.format(
            kind=f"kind_{i}",
            programme="programme_id",
            application="application_id",
            assignee="assignee_id",
            due="due_date",
        )
        + f" FROM ({sql}) AS k{i}"
        for i, (_, sql, _) in enumerate(other, start=child + 1)
    ]
    desired_table = _DESIRED_TABLE.format(
        due_columns=",\n".join(
            f"({expr}) AS {name}" for name, (_, (expr, _)) in zip(due_names, programme, strict=True)
        ),
        due_names=", ".join(due_names),
        child_dues=_CHILD_DUES,
        programme_dates=_PROGRAMME_DATES,
        desired="\nUNION ALL\n".join(parts),
    )
    escalated = (
        "CASE t.kind "
        + " ".join(f"WHEN %(kind_{i})s THEN {cond}" for i, cond in enumerate(escalation))
        + " ELSE FALSE END"
    )
    kind_params = {f"kind_{i}": kind for i, kind in enumerate(kinds)}
    kind_list = ", ".join(f"%({name})s" for name in kind_params)
    return desired_table, _SYNC.format(escalated=escalated, kinds=kind_list), kind_params


def _kinds() -> list[str]:
    return (
        [str(kind) for kind in _PROGRAMME_KINDS]
        + [str(_CHILD_KIND)]
        + [str(kind) for kind in _OTHER_KINDS]
        + list(_EXTRA_SCANS)
    )


def programme_dates(
    today: datetime.date,
) -> dict[int, tuple[datetime.date, datetime.date | None, datetime.date]]:
    """The scan's view of each open programme on `today`: (current vedtak period end, first
    day of the ongoing interruption, latest end date). For cross-checks against the rules core."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, period_end, interrupted_from, latest_end FROM ({_PROGRAMME_DATES}) p",  # noqa: S608
            _params(today),
        )
        return {row[0]: tuple(row[1:]) for row in cursor.fetchall()}


def scan_deadlines(today: datetime.date) -> ScanResult:
    """Create the tasks due on `today` and close those whose cause is gone. Counts per kind;
    `skipped` when another scan holds the lock (it does the same work)."""
    if policy.LEAP_DAY_ANNIVERSARY != "feb28":
        # PostgreSQL's interval arithmetic implements only this choice.
        raise ImproperlyConfigured("The deadline scan assumes LEAP_DAY_ANNIVERSARY = 'feb28'.")
    result = ScanResult(today=today)
    params = _params(today)
    for extra in _EXTRA_SCANS.values():
        params.update(extra.params(today))
    kinds = _kinds()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [SCAN_LOCK_KEY])
        if not cursor.fetchone()[0]:
            result.skipped = True
            return result
        desired_table, sync, kind_params = _scan_sql()
        params.update(kind_params)
        # The statements are big enough for PostgreSQL to JIT-compile them, which costs more
        # (80–90 ms at national scale) than it saves on one pass over the rows.
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("DROP TABLE IF EXISTS kvp_scan_desired")
        cursor.execute(desired_table, params)
        cursor.execute("ANALYZE kvp_scan_desired")
        # The tasks just inserted by a scan in the same transaction (or a first scan after a
        # bulk import) are not in the table's statistics yet: PostgreSQL then estimates one
        # open task and matches every open task against every desired row in a nested loop,
        # quadratic in the number of tasks. The closing step is always a hash anti-join.
        cursor.execute("SET LOCAL enable_nestloop = off")
        cursor.execute(sync, params)
        counts = {kind: (int(new), int(gone)) for kind, new, gone in cursor.fetchall()}
        cursor.execute("SET LOCAL enable_nestloop TO DEFAULT")
        cursor.execute("SET LOCAL jit TO DEFAULT")
        cursor.execute("DROP TABLE kvp_scan_desired")
    for kind in kinds:
        result.created[kind], result.closed[kind] = counts.get(kind, (0, 0))
    return result


ANALYZE_AFTER_CHANGES = 500
"""Refresh the task table's planner statistics after a scan that changed at least this many
tasks (see `task_statistics_refresh`)."""


def task_statistics_refresh(result: ScanResult) -> bool:
    """ANALYZE the task table after a scan that created or closed many tasks.

    Autovacuum analyses a table only after 10 % of its rows changed. A first scan, or one after a
    bulk import or a holiday, can add thousands of tasks to a table of a hundred thousand, and
    until the statistics catch up the planner misjudges every query that reads open tasks: with
    `make bench`'s national dataset the leaders' dashboard took 1.5–1.9 s instead of 0.2 s. The
    nightly job and `scan_deadlines` call this after the scan's transaction."""
    if result.skipped or result.total_created + result.total_closed < ANALYZE_AFTER_CHANGES:
        return False
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE decisions_task")
    return True
