"""The leaders' dashboard (issue 7): caseload and flow for a year and a set of offices,
aggregated in SQL so the number of queries does not grow with the data.

Every count comes from a *base* query that yields one row per counted item — (participant,
key, item) — so the figure and its drill-down are the same rows: the dashboard groups them
by key, the drill-down lists the participants behind one key. Only participants the user
may see are counted (Participant.objects.visible_to), so a number never promises more
people than its list shows."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection

from caseworker.models import Office, User
from decisions.models import DecisionKind, ReturnReason, SituationAfter
from participants.models import Participant
from reporting import stipend_figures

CASELOAD_BAND = (15, 20)  # recommended participants per veileder (seed 003, 004)
MONTH_NAMES = (
    "januar februar mars april mai juni juli august september oktober november desember"
).split()

DURATION_BUCKETS = (
    ("0-6", "Under 6 måneder"),
    ("6-12", "6–12 måneder"),
    ("12-24", "1–2 år"),
    ("24+", "2 år eller mer"),
)
PROFILE_KEYS = (
    ("all", "Deltakere i program i perioden"),
    ("under25", "Under 25 år"),
    ("children", "Forsørger barn under 18 år"),
)

# Every query below reads the chosen participants' rows once, in common table expressions:
# `visible` (the ids the user may see, one array parameter), then each table's rows of
# those participants that any figure needs. Each CTE is read by several figures (and by the
# drill-downs), so at national scale the office's rows are fetched once instead of the whole
# table being scanned once per figure. Parameters: ids (visible participants of the chosen
# offices), first/last (the period), today, ref (31.12 or today if earlier), tz.
_WITH = """
WITH visible AS MATERIALIZED (SELECT DISTINCT UNNEST(%(ids)s::bigint[]) AS id),
-- Their programmes not ended before the period: every programme a figure counts (started,
-- ended or running in the period, or open now; a programme never ends before it starts).
programme AS MATERIALIZED (
    SELECT g.id, g.participant_id, g.start_date, g.ended_on FROM decisions_programme g
    JOIN visible v ON v.id = g.participant_id
    WHERE g.ended_on IS NULL OR g.ended_on >= %(first)s),
ended AS MATERIALIZED (
    SELECT g.id, g.participant_id, g.start_date, g.ended_on, g.ended_on - g.start_date + 1 AS days
    FROM programme g WHERE g.ended_on BETWEEN %(first)s AND %(last)s),
open_task AS MATERIALIZED (
    SELECT t.id, t.participant_id, t.assignee_id, t.due_date FROM decisions_task t
    JOIN visible v ON v.id = t.participant_id WHERE t.status = 'open'),
awaiting AS MATERIALIZED (
    SELECT d.id, d.participant_id, d.kind,
           %(today)s - (d.sent_for_approval_at AT TIME ZONE %(tz)s)::date AS days
    FROM decisions_decision d JOIN visible v ON v.id = d.participant_id
    WHERE d.status = 'awaiting_approval'),
-- Applications decided (grant or rejection approved) in the period, days from received.
decided AS MATERIALIZED (
    SELECT a.id, a.participant_id,
           (d.approved_at AT TIME ZONE %(tz)s)::date - a.received_on AS days
    FROM decisions_application a JOIN visible v ON v.id = a.participant_id
    JOIN decisions_decision d ON d.application_id = a.id AND d.status = 'approved'
         AND d.kind IN ('grant', 'rejection')
    WHERE (d.approved_at AT TIME ZONE %(tz)s)::date BETWEEN %(first)s AND %(last)s),
-- Decisions sent for approval and returned in the period, from the audit log: a decision's
-- own row forgets its return when it is sent again, the log does not. The range on `at` is
-- the same period as the local dates (it lets audit_participant_at serve it).
decision_change AS MATERIALIZED (
    SELECT e.id, e.participant_id, e.detail->>'status' AS status, e.detail->>'reason' AS reason
    FROM caseworker_auditevent e JOIN visible v ON v.id = e.participant_id
    WHERE e.object_type = 'decision' AND e.action = 'change'
      AND e.detail->>'status' IN ('returned', 'awaiting_approval')
      AND e.at >= (%(first)s::date)::timestamp AT TIME ZONE %(tz)s
      AND e.at < (%(last)s::date + 1)::timestamp AT TIME ZONE %(tz)s
      AND (e.at AT TIME ZONE %(tz)s)::date BETWEEN %(first)s AND %(last)s)
"""

# Base queries over the CTEs above: participant_id, key (text), item id.
BASE: dict[str, str] = {
    # Participants in an open programme today, per veileder ('' = none).
    "caseload": """
        SELECT p.id, COALESCE(p.caseworker_id::text, ''), p.id FROM participants_participant p
        WHERE p.id IN (SELECT g.participant_id FROM programme g
                       WHERE g.ended_on IS NULL AND g.start_date <= %(today)s)""",
    "new": """
        SELECT g.participant_id, EXTRACT(MONTH FROM g.start_date)::int::text, g.id
        FROM programme g WHERE g.start_date BETWEEN %(first)s AND %(last)s""",
    "ended": """
        SELECT g.participant_id, EXTRACT(MONTH FROM g.ended_on)::int::text, g.id FROM ended g""",
    # Ended in the period by the situation after (KOSTRA 11CF codes; '' = not recorded).
    "outcome": """
        SELECT g.participant_id, COALESCE(t.details->>'situation_after', ''), g.id
        FROM ended g
        LEFT JOIN decisions_decision t ON t.programme_id = g.id AND t.kind = 'termination'
             AND t.status = 'approved'""",
    "duration": """
        SELECT g.participant_id,
               CASE WHEN g.days < 183 THEN '0-6' WHEN g.days < 365 THEN '6-12'
                    WHEN g.days < 730 THEN '12-24' ELSE '24+' END,
               g.id
        FROM ended g""",
    "profile": """
        SELECT p.id, k.key, p.id FROM participants_participant p
        CROSS JOIN LATERAL (VALUES
            ('all', TRUE),
            ('under25', (p.birth_date + INTERVAL '25 years')::date > %(ref)s),
            ('children', EXISTS (SELECT 1 FROM participants_child c
                WHERE c.participant_id = p.id AND c.supported
                  AND (c.birth_date + INTERVAL '18 years')::date > %(ref)s
                  AND c.birth_date <= %(ref)s))
        ) AS k(key, ok)
        WHERE k.ok AND p.id IN (SELECT g.participant_id FROM programme g
                                WHERE g.start_date <= %(last)s)""",
    "tasks": """
        SELECT t.participant_id, COALESCE(t.assignee_id::text, ''), t.id FROM open_task t""",
    "overdue": """
        SELECT t.participant_id, COALESCE(t.assignee_id::text, ''), t.id FROM open_task t
        WHERE t.due_date < %(today)s""",
    "awaiting": """SELECT d.participant_id, d.kind, d.id FROM awaiting d""",
    "processing": """SELECT a.participant_id, 'all', a.id FROM decided a""",
    "returns": """
        SELECT e.participant_id, e.reason, e.id FROM decision_change e
        WHERE e.status = 'returned'""",
}
METRICS = (*BASE, "active")

# The figures that are not counts per key: (name, key, count, value, value), value float.
_STATS = {
    "sent": """
        SELECT '', COUNT(*), NULL::float8, NULL::float8 FROM decision_change
        WHERE status = 'awaiting_approval'""",
    "duration_stats": """
        SELECT '', COUNT(*), PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY days), NULL::float8
        FROM ended""",
    "processing_stats": """
        SELECT '', COUNT(*), PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY days),
               PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY days)
        FROM decided""",
    "awaiting_stats": """
        SELECT kind, COUNT(*), PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY days),
               MAX(days)::float8
        FROM awaiting GROUP BY kind""",
}

# Every figure in one statement: one round trip, and each CTE computed once for all of them.
# Constant SQL: the metric names and queries are the literals above.
_ALL = _WITH + " UNION ALL ".join(
    [
        f"SELECT '{metric}', key, COUNT(DISTINCT item), NULL::float8, NULL::float8 "  # noqa: S608
        f"FROM ({sql}) AS b(pid, key, item) GROUP BY key"
        for metric, sql in BASE.items()
    ]
    + [
        f"SELECT '{name}', s.* FROM ({sql}) AS s"  # noqa: S608
        for name, sql in _STATS.items()
    ]
)


@dataclass(frozen=True)
class Scope:
    """Whose numbers: the user's visible participants of `offices`, for `year`."""

    user: User
    offices: tuple[Office, ...]
    year: int
    today: datetime.date
    first_month: int = 1
    last_month: int = 12

    @property
    def first(self) -> datetime.date:
        return datetime.date(self.year, self.first_month, 1)

    @property
    def last(self) -> datetime.date:
        if self.last_month == 12:
            return datetime.date(self.year, 12, 31)
        return datetime.date(self.year, self.last_month + 1, 1) - datetime.timedelta(days=1)

    @property
    def months(self) -> range:
        return range(self.first_month, self.last_month + 1)

    @property
    def label(self) -> str:
        """The period in words: "2025" or "mars–juni 2025"."""
        if (self.first_month, self.last_month) == (1, 12):
            return str(self.year)
        first, last = MONTH_NAMES[self.first_month - 1], MONTH_NAMES[self.last_month - 1]
        span = first if first == last else f"{first}–{last}"
        return f"{span} {self.year}"

    @property
    def ref(self) -> datetime.date:
        """The day ages and children are counted on: the period's last day, or today if
        earlier."""
        return min(self.last, self.today)

    def participant_ids(self) -> list[int]:
        return list(
            Participant.objects.visible_to(self.user)
            .filter(office__in=self.offices)
            .values_list("pk", flat=True)
        )


def _params(scope: Scope, ids: list[int]) -> dict:
    from django.conf import settings

    return {
        "ids": ids,
        "first": scope.first,
        "last": scope.last,
        "today": scope.today,
        "ref": scope.ref,
        "tz": settings.TIME_ZONE,
    }


def _figures_all(cursor, params: dict) -> tuple[dict[str, dict[str, int]], dict[str, dict]]:
    """Counts per metric and key, and the other figures per name and key."""
    cursor.execute(_ALL, params)
    grouped: dict[str, dict[str, int]] = {metric: {} for metric in BASE}
    stats: dict[str, dict[str, tuple]] = {name: {} for name in _STATS}
    for name, key, count, value, value2 in cursor.fetchall():
        if name in grouped:
            grouped[name][key] = count
        else:
            stats[name][key] = (count, value, value2)
    return grouped, stats


@dataclass
class Row:
    """One line of a table: a label, numbers, and the drill-down key for each number."""

    label: str
    key: str
    values: dict[str, float | int | None] = field(default_factory=dict)


@dataclass
class Table:
    """A dashboard table: its columns (metric, heading), rows, and the column drawn as bars."""

    name: str
    title: str
    columns: list[tuple[str, str]]
    rows: list[Row]
    bar: str | None = None
    band: tuple[int, int] | None = None
    note: str = ""

    @property
    def bar_max(self) -> int:
        values = [r.values.get(self.bar) or 0 for r in self.rows] if self.bar else []
        top = max([*values, self.band[1] if self.band else 0, 1])
        return int(top)


@dataclass
class Dashboard:
    scope: Scope
    tables: dict[str, Table]
    figures: dict[str, float | int | None]


def _days(value) -> float | None:
    return None if value is None else round(float(value), 1)


def dashboard_build(scope: Scope) -> Dashboard:
    """All the dashboard's numbers in four queries whatever the data: the visible participants,
    one statement for every figure (_ALL), the months with stipend and the caseworkers."""
    ids = scope.participant_ids()
    params = _params(scope, ids)
    with connection.cursor() as cursor:
        grouped, stats = _figures_all(cursor, params)
    sent = stats["sent"][""][0]
    ended_count, median_duration, _ = stats["duration_stats"][""]
    decided, processing_median, processing_p90 = stats["processing_stats"][""]
    awaiting = {
        kind: (n, median, None if top is None else int(top))
        for kind, (n, median, top) in stats["awaiting_stats"].items()
    }
    active_months = stipend_figures.months_active(ids, scope.first, scope.last)
    active = defaultdict(int)
    for months in active_months.values():
        for _, month in months:
            active[str(month)] += 1

    # Everyone with participants or tasks here (even if since deactivated, so no count is
    # lost), and every active caseworker of the offices (so an empty caseload shows as 0).
    caseworkers = list(
        User.objects.filter(pk__in=[int(k) for k in {*grouped["caseload"], *grouped["tasks"]} if k])
        .union(User.objects.filter(is_active=True, office__in=scope.offices).caseworkers())
        .order_by("first_name", "last_name")
    )
    names = {str(u.pk): u.get_full_name() or u.username for u in caseworkers}
    names[""] = "Uten veileder"

    tables: dict[str, Table] = {}
    low, high = CASELOAD_BAND
    caseload_rows = []
    for key, name in names.items():
        count = grouped["caseload"].get(key, 0)
        if key == "" and not count:
            continue
        caseload_rows.append(Row(name, key, {"caseload": count}))
    tables["caseload"] = Table(
        "caseload",
        "Deltakere per veileder",
        [("caseload", "Deltakere i program nå")],
        caseload_rows,
        bar="caseload",
        band=CASELOAD_BAND,
        note=f"Anbefalt er {low}–{high} deltakere per veileder.",
    )
    tables["months"] = Table(
        "months",
        f"Deltakere per måned {scope.label}",
        [("active", "Aktive (fikk stønad)"), ("new", "Nye"), ("ended", "Avsluttet")],
        [
            Row(
                MONTH_NAMES[m - 1].capitalize(),
                str(m),
                {
                    "active": active.get(str(m), 0),
                    "new": grouped["new"].get(str(m), 0),
                    "ended": grouped["ended"].get(str(m), 0),
                },
            )
            for m in scope.months
        ],
        bar="active",
        note="Aktiv: fikk stønad i måneden og var verken i permisjon eller avbrudd hele "
        "måneden (K2).",
    )
    outcome_rows = [
        Row(f"{label} ({code})", code, {"outcome": grouped["outcome"].get(code, 0)})
        for code, label in SituationAfter.choices
    ]
    if grouped["outcome"].get(""):
        outcome_rows.append(Row("Ikke registrert", "", {"outcome": grouped["outcome"][""]}))
    tables["outcome"] = Table(
        "outcome",
        f"Avsluttet {scope.label} etter situasjon etterpå",
        [("outcome", "Avsluttet")],
        outcome_rows,
        bar="outcome",
        note="Kodene i KOSTRA 11CF.",
    )
    tables["duration"] = Table(
        "duration",
        f"Tid i program for dem som avsluttet {scope.label}",
        [("duration", "Avsluttet")],
        [
            Row(label, key, {"duration": grouped["duration"].get(key, 0)})
            for key, label in DURATION_BUCKETS
        ],
        bar="duration",
    )
    tables["profile"] = Table(
        "profile",
        f"Deltakere i program {scope.label}",
        [("profile", "Deltakere"), ("share", "Andel (%)")],
        [
            Row(
                label,
                key,
                {
                    "profile": grouped["profile"].get(key, 0),
                    "share": _share(
                        grouped["profile"].get(key, 0), grouped["profile"].get("all", 0)
                    ),
                },
            )
            for key, label in PROFILE_KEYS
        ],
        bar="profile",
        note=f"Alder og barn per {scope.ref:%d.%m.%Y}.",
    )
    task_keys = [k for k in names if grouped["tasks"].get(k)]
    tables["tasks"] = Table(
        "tasks",
        "Åpne oppgaver per veileder",
        [("tasks", "Åpne"), ("overdue", "Forfalt")],
        [
            Row(
                names[k],
                k,
                {"tasks": grouped["tasks"].get(k, 0), "overdue": grouped["overdue"].get(k, 0)},
            )
            for k in task_keys
        ],
        bar="tasks",
    )
    tables["awaiting"] = Table(
        "awaiting",
        "Vedtak som venter på godkjenning",
        [
            ("awaiting", "Venter"),
            ("median_days", "Median dager"),
            ("max_days", "Lengste ventetid (dager)"),
        ],
        [
            Row(
                kind.label,
                kind.value,
                {
                    "awaiting": awaiting[kind.value][0],
                    "median_days": _days(awaiting[kind.value][1]),
                    "max_days": awaiting[kind.value][2],
                },
            )
            for kind in DecisionKind
            if kind.value in awaiting
        ],
        bar="awaiting",
    )
    tables["returns"] = Table(
        "returns",
        f"Returnerte vedtak {scope.label} etter grunn",
        [("returns", "Returnert"), ("rate", "Andel av sendte (%)")],
        [
            Row(
                reason.label,
                reason.value,
                {
                    "returns": grouped["returns"].get(reason.value, 0),
                    "rate": _share(grouped["returns"].get(reason.value, 0), sent),
                },
            )
            for reason in ReturnReason
        ],
        bar="returns",
        note=f"{sent} vedtak ble sendt til godkjenning {scope.label}.",
    )
    figures = {
        "participants": grouped["profile"].get("all", 0),
        "in_programme_now": sum(grouped["caseload"].values()),
        "ended": ended_count,
        "median_duration_days": _days(median_duration),
        "decided": decided,
        "processing_median": _days(processing_median),
        "processing_p90": _days(processing_p90),
        "awaiting": sum(v[0] for v in awaiting.values()),
        "sent": sent,
        "returned": sum(grouped["returns"].values()),
        "returned_rate": _share(sum(grouped["returns"].values()), sent),
    }
    return Dashboard(scope=scope, tables=tables, figures=figures)


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def drill_participant_ids(scope: Scope, metric: str, key: str) -> list[int]:
    """The participants behind one number: the same rows the number counts. Key "*" is the
    metric's total (every key)."""
    ids = scope.participant_ids()
    if metric == "active":
        months = stipend_figures.months_active(ids, scope.first, scope.last)
        return [pid for pid, found in months.items() if (scope.year, int(key)) in found]
    if metric not in BASE:
        raise KeyError(metric)
    params = {**_params(scope, ids), "key": key}
    with connection.cursor() as cursor:
        cursor.execute(
            f"{_WITH} SELECT DISTINCT pid FROM ({BASE[metric]}) AS b(pid, key, item) "  # noqa: S608
            "WHERE key = %(key)s OR %(key)s = '*'",
            params,
        )
        return [row[0] for row in cursor.fetchall()]
