"""`make bench`, part one (issue 9): load the national-scale dataset (decisions/bench_national.py)
into an empty benchmark database, then measure in-process and print one table: server time
p50/p95 and query count of each caseworker and leader page for the Oslo-sized office, the
query count of the same page for the small office (it must be the same: no query count grows
with data), and the bare SQL each needs (the minimal queries that fetch the same rows) with
the ratio; the nightly deadline scan over the whole country; a stipend run for the big office
(every active programme's payment basis for the last period); the KOSTRA 11CF page for the
Oslo-sized office; vedtaksbrev PDF throughput against WeasyPrint alone.

Runs only in a database without participants: devtools/bench.py (`make bench`) creates a
dedicated one for it. The scan and the stipend run are rolled back; the pages write only their
audit rows. --users-file writes the logins and participant ids the load test uses.

    python manage.py bench_national [--scale 1.0] [--runs 30] [--users-file PATH]
"""

from __future__ import annotations

import datetime
import json
import logging
import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.db.models import Count, Q
from django.test import Client
from django.test.utils import CaptureQueriesContext

from caseworker.audit import AuditContext
from caseworker.models import User
from decisions.bench import DEADLINE_PLAIN_QUERY, letter_render
from decisions.bench_national import BENCH_PASSWORD, Dataset, national_dataset_load
from decisions.deadlines import scan_deadlines
from decisions.models import Decision, DecisionStatus, TaskStatus
from kvp import clock
from kvp.pdf import html_to_pdf
from participants.models import Participant
from stipend import selectors as stipend_selectors
from stipend import services as stipend_services
from stipend.rules import periods as period_rules

PAGE_GOAL_MS = 200
LOAD_TEST_USERS = 50


class _Rollback(Exception):
    pass


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0–100) of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


@dataclass
class Row:
    label: str
    p50_ms: float
    p95_ms: float
    queries: int | str
    small_queries: int | str = ""
    bare_ms: float | None = None
    note: str = ""
    page: bool = False

    @property
    def ratio(self) -> str:
        if not self.bare_ms:
            return ""
        return f"{self.p50_ms / self.bare_ms:.1f}x"

    @property
    def queries_constant(self) -> bool:
        return self.small_queries == "" or self.small_queries == self.queries

    @property
    def verdict(self) -> str:
        problems = []
        if self.page and self.p95_ms >= PAGE_GOAL_MS:
            problems.append(f"p95 ≥ {PAGE_GOAL_MS} ms")
        if not self.queries_constant:
            problems.append("queries grow")
        return "MISS: " + ", ".join(problems) if problems else "ok"


def _captured() -> CaptureQueriesContext:
    """CaptureQueriesContext on an empty query log: the log keeps only the last 9 000
    queries, and a long run (the stipend run) would otherwise count wrong."""
    connection.queries_log.clear()
    return CaptureQueriesContext(connection)


def _time(fn: Callable[[int], Any], runs: int) -> tuple[list[float], list[int]]:
    """Call fn(i) runs times after one warm-up call; milliseconds and query counts."""
    fn(0)  # warm caches, as a second visit finds them
    timings, queries = [], []
    for i in range(runs):
        with _captured() as captured:
            started = time.perf_counter()
            fn(i)
            timings.append((time.perf_counter() - started) * 1000)
        queries.append(len(captured))
    return timings, queries


def _bare(statements: list[tuple[str, dict]], runs: int) -> float:
    """Median milliseconds of running the statements (fetching every row) once."""
    with connection.cursor() as cursor:

        def run(_: int) -> None:
            for sql, params in statements:
                cursor.execute(sql, params)
                cursor.fetchall()

        timings, _ = _time(run, runs)
    return statistics.median(timings)


class Command(BaseCommand):
    help = "Load the national-scale benchmark dataset and print the benchmark table."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 20 000 participants")
        parser.add_argument("--runs", type=int, default=30, help="requests per page")
        parser.add_argument("--seed", type=float, default=0.42)
        parser.add_argument("--letters", type=int, default=20)
        parser.add_argument("--users-file", help="write the load test's users here (JSON)")

    def handle(self, *args: Any, **options: Any) -> None:
        if Participant.objects.exists():
            raise CommandError(
                "The database holds participants. bench_national loads its data into an empty "
                "database only: run it through `make bench`, which makes a dedicated one."
            )
        if not 0 < options["scale"] <= 10:
            raise CommandError("--scale must be above 0 and at most 10.")
        runs = max(3, options["runs"])
        # force_login goes through django-axes, which logs every login at INFO.
        logging.getLogger("axes").setLevel(logging.WARNING)
        data = national_dataset_load(scale=options["scale"], seed=options["seed"])
        counts = ", ".join(f"{value:,} {label}" for label, value in data.counts.items())
        self.stdout.write(
            f"Dataset (scale {data.scale:g}, seed {options['seed']}): {counts}; loaded and "
            f"vacuumed in {data.load_seconds:.1f} s."
        )
        self.stdout.write(
            f"Offices measured: Oslo-sized {data.office_size(data.big_office_id):,} participants,"
            f" small {data.office_size(data.small_office_id):,}. {runs} requests per page."
        )
        rows = self._scan(data, runs)  # first: the scan's tasks then feed the worklists
        rows += self._pages(data, runs)
        rows.append(self._stipend_run(data))
        rows.append(self._letters(options["letters"]))
        self._print(rows)
        if options["users_file"]:
            self._write_users(data, options["users_file"])

    # --- the nightly deadline scan ---------------------------------------------------------

    def _scan(self, data: Dataset, runs: int) -> list[Row]:
        bare = _bare([(DEADLINE_PLAIN_QUERY, {})], min(runs, 5))
        results = []
        try:
            with transaction.atomic():  # rolled back: the first run must find no tasks
                for label in ("first run", "re-run"):
                    with _captured() as captured:
                        started = time.perf_counter()
                        result = scan_deadlines(data.today)
                        ms = (time.perf_counter() - started) * 1000
                    results.append((label, ms, len(captured), result.total_created))
                raise _Rollback
        except _Rollback:
            pass
        # Now for real, as the nightly job leaves it: the worklists show these tasks.
        scan_deadlines(data.today)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE decisions_task")
        return [
            Row(
                f"deadline scan, {label} (whole country)",
                ms,
                ms,
                queries,
                bare_ms=bare,
                note=f"{created:,} tasks created",
            )
            for label, ms, queries, created in results
        ]

    # --- pages -----------------------------------------------------------------------------

    def _users(self, office_id: int) -> dict[str, User]:
        staff = User.objects.filter(office_id=office_id).order_by("username")
        # The caseworker with the most open tasks: in both offices a worklist with rows is
        # compared with a worklist with rows, not with an empty one.
        busiest = (
            staff.filter(roles=["veileder"])
            .annotate(open_tasks=Count("tasks", filter=Q(tasks__status=TaskStatus.OPEN)))
            .order_by("-open_tasks", "username")
            .first()
        )
        return {
            "caseworker": busiest,
            "approver": next(u for u in staff if u.roles == ["beslutter"]),
            "leader": next(u for u in staff if u.roles == ["leder"]),
        }

    def _client(self, user: User) -> Client:
        client = Client(SERVER_NAME="127.0.0.1")
        client.force_login(user)
        return client

    def _participant_ids(self, caseworker: User, limit: int) -> list[int]:
        return list(
            Participant.objects.filter(caseworker=caseworker, programmes__ended_on__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )

    def _page(self, client: Client, urls: list[str], runs: int) -> tuple[list[float], list[int]]:
        def get(i: int) -> None:
            response = client.get(urls[i % len(urls)])
            if response.status_code != 200:
                raise CommandError(f"{urls[i % len(urls)]} answered {response.status_code}")

        return _time(get, runs)

    def _search_term(self, data: Dataset) -> str:
        """A broad name search as caseworkers type it (three letters of a common surname),
        chosen so that it finds someone in the small office too: a page of results is then
        compared with a page of results, not with "no hits"."""
        name = (
            Participant.objects.filter(office_id=data.small_office_id)
            .order_by("pk")
            .values_list("last_name", flat=True)
            .first()
        )
        return name[:3]

    def _pages(self, data: Dataset, runs: int) -> list[Row]:
        year = data.today.year
        term = self._search_term(data)
        big, small = self._users(data.big_office_id), self._users(data.small_office_id)
        scopes = {}
        for name, office_id, users in (
            ("big", data.big_office_id, big),
            ("small", data.small_office_id, small),
        ):
            ids = self._participant_ids(users["caseworker"], runs)
            if not ids:
                raise CommandError("The benchmark caseworker has no participant in a programme.")
            scopes[name] = {
                "office": office_id,
                "users": users,
                "participants": ids,
            }
        # (label, role, urls(scope), bare statements(scope))
        pages: list[tuple[str, str, Callable, Callable]] = [
            (
                "participant page /deltakere/<id>/",
                "caseworker",
                lambda s: [f"/deltakere/{pk}/" for pk in s["participants"]],
                lambda s: _participant_sql(s["participants"][0]),
            ),
            (
                "worklist, mine /sak/oppgaver/",
                "caseworker",
                lambda s: ["/sak/oppgaver/"],
                lambda s: [(_WORKLIST_SQL.format(column="assignee_id"), _u(s, "caseworker"))],
            ),
            (
                "worklist, office /sak/oppgaver/kontor/",
                "leader",
                lambda s: ["/sak/oppgaver/kontor/"],
                lambda s: [(_WORKLIST_SQL.format(column="office_id"), {"id": s["office"]})],
            ),
            (
                "approval queue /sak/til-godkjenning/",
                "approver",
                lambda s: ["/sak/til-godkjenning/"],
                lambda s: [(_QUEUE_SQL, {"office": s["office"]})],
            ),
            (
                "dashboard /statistikk/",
                "leader",
                lambda s: [f"/statistikk/?year={year}&office={s['office']}"],
                lambda s: [
                    (sql, {"office": s["office"], "year": year, "today": clock.today()})
                    for sql in _DASHBOARD_SQL
                ],
            ),
            (
                f"search /deltakere/?q={term}",
                "caseworker",
                lambda s: [f"/deltakere/?q={term}"],
                lambda s: [
                    (sql, {"office": s["office"], "q": f"{term.upper()}%"}) for sql in _SEARCH_SQL
                ],
            ),
            (
                f"KOSTRA 11CF {year - 1} /statistikk/kostra/",
                "leader",
                lambda s: [f"/statistikk/kostra/?year={year - 1}&office={s['office']}"],
                lambda s: [(_KOSTRA_SQL, {"office": s["office"], "year": year - 1})],
            ),
        ]
        rows = []
        for label, role, urls, bare in pages:
            measured = {}
            for name, scope in scopes.items():
                client = self._client(scope["users"][role])
                measured[name] = self._page(client, urls(scope), runs)
            timings, queries = measured["big"]
            small_queries = max(measured["small"][1])
            rows.append(
                Row(
                    label,
                    statistics.median(timings),
                    percentile(timings, 95),
                    max(queries),
                    small_queries,
                    bare_ms=_bare(bare(scopes["big"]), runs),
                    page=not label.startswith("KOSTRA"),
                    note="" if min(queries) == max(queries) else f"{min(queries)}–{max(queries)} q",
                )
            )
        return rows

    # --- stipend run -------------------------------------------------------------------------

    def _stipend_run(self, data: Dataset) -> Row:
        """The stipend run (stipend.services.payment_bases_compute_many): every programme of the
        Oslo-sized office that may give stipend in the last payment period gets its payment
        basis computed (S1–S10) in one transaction, rolled back; three timed runs after a
        warm-up. The same run for the small office must make as many queries."""
        start, end = period_rules.previous_period(data.today)
        actor = self._users(data.big_office_id)["caseworker"]
        ctx = AuditContext(actor=actor, client_address="127.0.0.1", path="bench")
        runs: dict[int, stipend_services.BasesRun] = {}

        def run(office_id: int) -> Callable[[int], None]:
            def once(_: int) -> None:
                try:
                    with transaction.atomic():
                        runs[office_id] = stipend_services.payment_bases_compute_many(
                            ctx=ctx,
                            programmes=stipend_selectors.programmes_paid_in(office_id, start, end),
                            period_start=start,
                            period_end=end,
                        )
                        raise _Rollback
                except _Rollback:
                    pass

            return once

        timings, queries = _time(run(data.big_office_id), 3)
        _, small_queries = _time(run(data.small_office_id), 1)
        rerun_ms, rerun_queries = self._stipend_rerun(ctx, data.big_office_id, start, end)
        result = runs[data.big_office_id]
        computed = len(result.bases)
        ids = list(
            stipend_selectors.programmes_paid_in(data.big_office_id, start, end).values_list(
                "pk", flat=True
            )
        )
        bare = _bare([(sql, {"ids": ids, "start": start, "end": end}) for sql in _STIPEND_SQL], 3)
        p50 = statistics.median(timings)
        skipped = len(result.inactive) + len(result.approved) + len(result.failed)
        return Row(
            f"stipend run, Oslo-sized office ({computed:,} bases)",
            p50,
            percentile(timings, 95),
            max(queries),
            small_queries=max(small_queries),
            bare_ms=bare,
            note=(
                f"whole run; {p50 / max(1, computed):.2f} ms and "
                f"{max(queries) / max(1, computed):.3f} q per basis; {skipped} programmes "
                f"without a basis (not active in the period); re-run recomputing every draft "
                f"{rerun_ms / 1000:.1f} s, {rerun_queries} q"
            ),
        )

    def _stipend_rerun(
        self, ctx: AuditContext, office_id: int, start: datetime.date, end: datetime.date
    ) -> tuple[float, int]:
        """The run again over the drafts the first run made (every basis recomputed: version
        + 1, lines replaced), rolled back: milliseconds and queries of the second run."""

        def compute() -> None:
            stipend_services.payment_bases_compute_many(
                ctx=ctx,
                programmes=stipend_selectors.programmes_paid_in(office_id, start, end),
                period_start=start,
                period_end=end,
            )

        try:
            with transaction.atomic():
                compute()
                with _captured() as captured:
                    started = time.perf_counter()
                    compute()
                    ms = (time.perf_counter() - started) * 1000
                raise _Rollback
        except _Rollback:
            pass
        return ms, len(captured)

    # --- PDF throughput --------------------------------------------------------------------

    def _letters(self, letters: int) -> Row:
        ids = list(
            Decision.objects.filter(status=DecisionStatus.APPROVED, kind="grant")
            .order_by("-pk")
            .values_list("pk", flat=True)[: max(1, letters)]
        )
        letter_render(ids[0])  # fonts and print CSS are parsed once per process
        full, plain, queries = [], [], []
        for decision_id in ids:
            with _captured() as captured:
                t0 = time.perf_counter()
                html, title = letter_render(decision_id)
                full.append((time.perf_counter() - t0) * 1000)
            queries.append(len(captured))
            t0 = time.perf_counter()
            html_to_pdf(html, title=title)
            plain.append((time.perf_counter() - t0) * 1000)
        mean = statistics.mean(full)
        return Row(
            f"vedtaksbrev PDF/A ({len(ids)} letters)",
            statistics.median(full),
            percentile(full, 95),
            max(queries),
            bare_ms=statistics.median(plain),
            note=f"{1000 / mean:.1f} letters/s (bare = WeasyPrint alone)",
        )

    # --- output ------------------------------------------------------------------------------

    def _print(self, rows: list[Row]) -> None:
        header = (
            f"{'measured':<46} {'p50 ms':>8} {'p95 ms':>8} {'queries':>7} {'small':>5} "
            f"{'bare ms':>8} {'ratio':>7}  {'goal':<8} note"
        )
        self.stdout.write("")
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for row in rows:
            bare = f"{row.bare_ms:8.1f}" if row.bare_ms is not None else " " * 8
            self.stdout.write(
                f"{row.label:<46} {row.p50_ms:8.1f} {row.p95_ms:8.1f} {row.queries!s:>7} "
                f"{row.small_queries!s:>5} {bare} {row.ratio:>7}  {row.verdict:<8} {row.note}"
            )
        self.stdout.write(
            f"Goals: every page p95 under {PAGE_GOAL_MS} ms server time; its query count the "
            "same for the small office ('small') as for the Oslo-sized one. 'bare' is the "
            "minimal SQL fetching the same rows (for the stipend run: its reads, not its writes)."
        )
        misses = [row.label for row in rows if row.verdict != "ok"]
        self.stdout.write(
            "All goals met." if not misses else "Goals missed: " + "; ".join(misses) + "."
        )

    def _write_users(self, data: Dataset, path: str) -> None:
        """The load test's caseworkers (all of the Oslo-sized office) and their participants."""
        caseworkers = list(
            User.objects.filter(office_id=data.big_office_id, roles=["veileder"]).order_by(
                "username"
            )[:LOAD_TEST_USERS]
        )
        users = [
            {"username": u.username, "participants": self._participant_ids(u, 30)}
            for u in caseworkers
        ]
        with open(path, "w", encoding="utf-8") as out:
            json.dump(
                {"password": BENCH_PASSWORD, "search": self._search_term(data), "users": users}, out
            )


def _u(scope: dict, role: str) -> dict:
    return {"id": scope["users"][role].pk}


def _participant_sql(participant_id: int) -> list[tuple[str, dict]]:
    p = {"id": participant_id}
    return [
        ("SELECT * FROM participants_participant WHERE id = %(id)s", p),
        ("SELECT * FROM participants_child WHERE participant_id = %(id)s", p),
        ("SELECT * FROM decisions_application WHERE participant_id = %(id)s", p),
        ("SELECT * FROM decisions_programme WHERE participant_id = %(id)s", p),
        ("SELECT * FROM decisions_decision WHERE participant_id = %(id)s", p),
        ("SELECT * FROM decisions_task WHERE participant_id = %(id)s AND status = 'open'", p),
        (
            "SELECT id, kind, title, created_at FROM decisions_document "
            "WHERE participant_id = %(id)s",
            p,
        ),
    ]


_WORKLIST_SQL = """
SELECT t.*, p.first_name, p.last_name FROM decisions_task t
JOIN participants_participant p ON p.id = t.participant_id
WHERE t.{column} = %(id)s AND t.status = 'open' ORDER BY t.due_date, t.id LIMIT 50"""

_QUEUE_SQL = """
SELECT d.*, p.first_name, p.last_name FROM decisions_decision d
JOIN participants_participant p ON p.id = d.participant_id
WHERE d.office_id = %(office)s AND d.status = 'awaiting_approval'
ORDER BY d.sent_for_approval_at, d.id LIMIT 50"""

# The dashboard's figures in their simplest SQL: caseload per caseworker, programmes active
# per month of the year, new and ended per month with the situation code, open and overdue
# tasks, decisions awaiting approval.
_DASHBOARD_SQL = [
    """SELECT p.caseworker_id, COUNT(*) FROM decisions_programme pr
    JOIN participants_participant p ON p.id = pr.participant_id
    WHERE pr.office_id = %(office)s AND pr.ended_on IS NULL GROUP BY p.caseworker_id""",
    """SELECT m, COUNT(pr.id) FROM GENERATE_SERIES(1, 12) m
    LEFT JOIN decisions_programme pr ON pr.office_id = %(office)s
      AND pr.start_date < MAKE_DATE(%(year)s, m, 1) + INTERVAL '1 month'
      AND (pr.ended_on IS NULL OR pr.ended_on >= MAKE_DATE(%(year)s, m, 1))
    GROUP BY m""",
    """SELECT EXTRACT(MONTH FROM d.effective_date), d.details->>'situation_after', COUNT(*)
    FROM decisions_decision d WHERE d.office_id = %(office)s AND d.kind = 'termination'
      AND d.status = 'approved' AND EXTRACT(YEAR FROM d.effective_date) = %(year)s
    GROUP BY 1, 2""",
    """SELECT COUNT(*) FILTER (WHERE due_date < %(today)s), COUNT(*) FROM decisions_task
    WHERE office_id = %(office)s AND status = 'open'""",
    """SELECT COUNT(*) FROM decisions_decision
    WHERE office_id = %(office)s AND status = 'awaiting_approval'""",
]

_SEARCH_SQL = [
    """SELECT p.*, u.first_name, u.last_name FROM participants_participant p
    LEFT JOIN caseworker_user u ON u.id = p.caseworker_id
    WHERE p.office_id = %(office)s
      AND (UPPER(p.first_name) LIKE %(q)s OR UPPER(p.last_name) LIKE %(q)s)
    ORDER BY p.last_name, p.first_name, p.id LIMIT 25""",
    """SELECT COUNT(*) FROM participants_participant p WHERE p.office_id = %(office)s
      AND (UPPER(p.first_name) LIKE %(q)s OR UPPER(p.last_name) LIKE %(q)s)""",
]

# KOSTRA: every programme of the office active in the year, its participant and decisions.
_KOSTRA_SQL = """
SELECT pr.*, p.*, d.kind, d.effective_date, d.details FROM decisions_programme pr
JOIN participants_participant p ON p.id = pr.participant_id
JOIN decisions_decision d ON d.programme_id = pr.id AND d.status = 'approved'
WHERE pr.office_id = %(office)s AND pr.start_date <= MAKE_DATE(%(year)s, 12, 31)
  AND (pr.ended_on IS NULL OR pr.ended_on >= MAKE_DATE(%(year)s, 1, 1))"""

# The stipend run's inputs for all its programmes at once: decisions and leave (the
# programme history), absences back a year (S7 quotas), children, income in the period,
# the bases already there and the G register.
_STIPEND_SQL = [
    """SELECT pr.*, p.birth_date, d.kind, d.period_start, d.period_end, d.effective_date
    FROM decisions_programme pr JOIN participants_participant p ON p.id = pr.participant_id
    JOIN decisions_decision d ON d.programme_id = pr.id AND d.status = 'approved'
    WHERE pr.id = ANY(%(ids)s)""",
    """SELECT * FROM decisions_approvedleave WHERE programme_id = ANY(%(ids)s)""",
    """SELECT a.* FROM stipend_absence a JOIN decisions_programme pr
      ON pr.participant_id = a.participant_id
    WHERE pr.id = ANY(%(ids)s) AND a.day BETWEEN %(start)s::date - 370 AND %(end)s""",
    """SELECT c.* FROM participants_child c JOIN decisions_programme pr
      ON pr.participant_id = c.participant_id WHERE pr.id = ANY(%(ids)s)""",
    """SELECT r.* FROM stipend_incomerecord r JOIN decisions_programme pr
      ON pr.participant_id = r.participant_id
    WHERE pr.id = ANY(%(ids)s) AND r.applies_on BETWEEN %(start)s AND %(end)s""",
    """SELECT * FROM stipend_paymentbasis
    WHERE programme_id = ANY(%(ids)s) AND period_start = %(start)s""",
    """SELECT effective_from, amount FROM stipend_baseamount""",
]
