"""Benchmark of the leaders' dashboard (issue 7, item 4): one office with N participants
(default 2 000) and ten years of history, built with set-based SQL, then the dashboard page's
server time and query count, and the KOSTRA 11CF report's, for the current year.

Every participant had a programme that started 3–10 years ago and ended (termination with a
KOSTRA situation code); every other one is in a programme now (started within two years),
with grant, extension, an interruption with resumption, some approved leave, open tasks
and decisions awaiting approval; 60 caseworkers. The guard trigger on decisions is off only
inside the loading transaction (as in bench_deadlines). The rows are deleted afterwards
unless --keep; --drop deletes what a --keep run left.

    python manage.py bench_dashboard [--participants 2000] [--keep] [--drop] [--force]
"""

from __future__ import annotations

import statistics as stats
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from caseworker.models import Office, Role, User
from decisions.bench import bench_office_delete, decision_guard_off
from kvp import clock
from participants.models import Participant
from reporting import views
from reporting.kostra import kostra_report

BENCH_UNIT = "BNDB"
BENCH_NAME = "NAV Benchmark (bench_dashboard)"
CASEWORKERS = 60
GOAL_MS = 300

# %(office)s, %(drafter)s, %(approver)s, %(n)s, %(today)s, %(now)s. National ids start with 8:
# no real fødselsnummer or D-number does, and bench_deadlines uses 9.
_LOAD = [
    """INSERT INTO participants_participant
        (national_id, birth_date, first_name, last_name, street_address, postal_code,
         postal_area, phone, email, language, needs_interpreter, interpreter_language,
         address_protection, shielded, created_at, updated_at, version, caseworker_id,
         office_id, sex, civil_status, journal_number)
    SELECT '8' || LPAD(g::text, 10, '0'), DATE '1960-01-01' + (g * 397) %% 16000,
           'Benchmark', 'Deltaker ' || g, '', '0000', '', '', '', '', FALSE, '', '', FALSE,
           %(now)s, %(now)s, 1, (%(caseworkers)s::bigint[])[1 + g %% %(cw_count)s], %(office)s,
           (1 + g %% 2)::text, (1 + g %% 5)::text, ''
    FROM GENERATE_SERIES(1, %(n)s) g""",
    """INSERT INTO participants_child (name, birth_date, supported, participant_id)
    SELECT 'Barn', %(today)s - (3 * 365 + id %% 5000)::int, TRUE, id
    FROM participants_participant WHERE office_id = %(office)s AND id %% 4 = 0""",
    # The earlier programme (slot A), 3–10 years ago, and the current one (slot B) for every
    # other participant; the slot is kept in work_capacity_reference of the bench rows.
    """INSERT INTO decisions_application
        (version, created_at, updated_at, received_on, received_via, status, benefits_checked,
         entitled_benefits, work_capacity_reference, closed_reason, created_by_id, office_id,
         participant_id, benefits_before, previous_kvp_municipality)
    SELECT 1, %(now)s, %(now)s, %(today)s - (1000 + (id * 37) %% 2650)::int - 30, 'digital',
           'avgjort', '{}'::varchar[], '{}'::varchar[], 'A', '', %(drafter)s, %(office)s, id,
           '{2}'::varchar[], ''
    FROM participants_participant WHERE office_id = %(office)s
    UNION ALL
    SELECT 1, %(now)s, %(now)s, %(today)s - ((id * 13) %% 700)::int - 30, 'digital',
           'avgjort', '{}'::varchar[], '{}'::varchar[], 'B', '', %(drafter)s, %(office)s, id,
           '{3}'::varchar[], ''
    FROM participants_participant WHERE office_id = %(office)s AND id %% 2 = 0""",
    """INSERT INTO decisions_programme
        (participant_id, office_id, application_id, start_date, ended_on, created_at,
         received_assistance, assistance_during)
    SELECT participant_id, office_id, id, received_on + 30,
           CASE WHEN work_capacity_reference = 'A' THEN received_on + 210 + (id %% 540)::int END,
           %(now)s, FALSE, '{}'
    FROM decisions_application WHERE office_id = %(office)s""",
    """INSERT INTO decisions_decision
        (version, created_at, updated_at, kind, status, period_start, period_end,
         effective_date, reasoning, legal_basis, details, drafted_by_id, sent_for_approval_at,
         approved_by_id, approved_at, return_reason, return_comment, participant_id, office_id,
         application_id, programme_id)
    SELECT 1, %(now)s, %(now)s, d.kind, 'approved', d.period_start, d.period_end,
           d.effective_date, '', '', d.details, %(drafter)s, %(now)s, %(approver)s,
           (p.start_date - 5)::timestamp AT TIME ZONE 'Europe/Oslo', '', '',
           p.participant_id, p.office_id,
           CASE WHEN d.kind = 'grant' THEN p.application_id END, p.id
    FROM decisions_programme p
    CROSS JOIN LATERAL (VALUES
        ('grant', p.start_date, (p.start_date + INTERVAL '1 year')::date - 1, NULL::date,
         '{}'::jsonb),
        ('extension', (p.start_date + INTERVAL '1 year')::date,
         (p.start_date + INTERVAL '2 years')::date - 1, NULL, '{}'),
        ('interruption', NULL, NULL, p.start_date + 60 + (p.id %% 40)::int, '{}'),
        ('resumption', NULL, NULL, p.start_date + 80 + (p.id %% 40)::int, '{}'),
        ('termination', NULL, NULL, p.ended_on,
         JSONB_BUILD_OBJECT(
            'termination_reason', (ARRAY['completed', 'work', 'education', 'moved',
                                         'interruption_limit'])[1 + p.id %% 5],
            'situation_after', (ARRAY['01', '11', '03', '04', '13', '14', '15', '16', '10',
                                      '17'])[1 + p.id %% 10]))
    ) AS d(kind, period_start, period_end, effective_date, details)
    WHERE p.office_id = %(office)s AND NOT (d.kind = 'termination' AND p.ended_on IS NULL)""",
    # Decisions awaiting approval: an extension for every 20th current programme.
    """INSERT INTO decisions_decision
        (version, created_at, updated_at, kind, status, period_start, period_end,
         effective_date, reasoning, legal_basis, details, drafted_by_id, sent_for_approval_at,
         return_reason, return_comment, participant_id, office_id, programme_id)
    SELECT 1, %(now)s, %(now)s, 'extension', 'awaiting_approval',
           (p.start_date + INTERVAL '2 years')::date, (p.start_date + INTERVAL '3 years')::date - 1,
           NULL, 'Begrunnelse', '', '{}', %(drafter)s, %(now)s - (p.id %% 20) * INTERVAL '1 day',
           '', '', p.participant_id, p.office_id, p.id
    FROM decisions_programme p
    WHERE p.office_id = %(office)s AND p.ended_on IS NULL AND p.id %% 20 = 0""",
    """INSERT INTO decisions_approvedleave
        (programme_id, participant_id, start, "end", reason, note, registered_by_id, created_at)
    SELECT p.id, p.participant_id, p.start_date + 150, p.start_date + 179, 'other', '',
           %(drafter)s, %(now)s
    FROM decisions_programme p WHERE p.office_id = %(office)s AND p.id %% 10 = 0""",
    """INSERT INTO decisions_task
        (kind, participant_id, office_id, programme_id, due_date, assignee_id, status,
         created_at, closed_reason)
    SELECT 'decision_period_ending', p.participant_id, p.office_id, p.id,
           %(today)s + (p.id %% 30)::int - 10, pp.caseworker_id, 'open', %(now)s, ''
    FROM decisions_programme p JOIN participants_participant pp ON pp.id = p.participant_id
    WHERE p.office_id = %(office)s AND p.ended_on IS NULL AND p.id %% 3 = 0""",
]

_TABLES = [
    "participants_participant",
    "participants_child",
    "decisions_application",
    "decisions_programme",
    "decisions_decision",
    "decisions_approvedleave",
    "decisions_task",
]


class Command(BaseCommand):
    help = "Time the leaders' dashboard on a synthetic office (not real data)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--participants", type=int, default=2_000)
        parser.add_argument("--runs", type=int, default=5)
        parser.add_argument("--keep", action="store_true")
        parser.add_argument("--drop", action="store_true")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though the database holds participants (their data is not touched).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        leftover = Office.objects.filter(unit_number=BENCH_UNIT).first()
        if options["drop"]:
            if leftover:
                self._cleanup(leftover.pk)
            self.stdout.write("Benchmark data deleted." if leftover else "No benchmark data.")
            return
        if leftover:
            raise CommandError("Benchmark data from a --keep run is there; use --drop first.")
        if Participant.objects.exists() and not options["force"]:
            raise CommandError(
                "The database holds participants. Use --force to run anyway (the benchmark "
                "touches only its own rows)."
            )
        n = options["participants"]
        if n < 1:
            raise CommandError("--participants must be at least 1.")
        office = Office.objects.create(
            name=BENCH_NAME, unit_number=BENCH_UNIT, municipality_number="0301"
        )
        try:
            load_seconds, leader = self._load(office, n)
            self._report(office, leader, n, load_seconds, max(1, options["runs"]))
        finally:
            if not options["keep"]:
                self._cleanup(office.pk)

    def _load(self, office: Office, n: int) -> tuple[float, User]:
        started = time.perf_counter()
        today = clock.today()
        with transaction.atomic(), connection.cursor() as cursor:
            workers = User.objects.bulk_create(
                User(
                    username=f"BNDB-V{i:03d}",
                    first_name="Veileder",
                    last_name=f"{i:03d}",
                    roles=[Role.CASEWORKER],
                    office=office,
                )
                for i in range(CASEWORKERS)
            )
            approver = User.objects.create(
                username="BNDB-BESLUTTER", roles=[Role.APPROVER], office=office
            )
            leader = User.objects.create(username="BNDB-LEDER", roles=[Role.LEADER], office=office)
            params = {
                "office": office.pk,
                "drafter": workers[0].pk,
                "approver": approver.pk,
                "caseworkers": [w.pk for w in workers],
                "cw_count": CASEWORKERS,
                "n": n,
                "today": today,
                "now": clock.now(),
            }
            with decision_guard_off(cursor):
                for statement in _LOAD:
                    cursor.execute(statement, params)
        with connection.cursor() as cursor:
            for table in _TABLES:
                cursor.execute(f"ANALYZE {table}")
        return time.perf_counter() - started, leader

    def _time(self, fn, runs: int) -> tuple[float, float, int]:
        fn()  # warm caches, as a second visit finds them
        timings, queries = [], 0
        for _ in range(runs):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                fn()
                timings.append((time.perf_counter() - started) * 1000)
            queries = len(captured)
        return stats.median(timings), max(timings), queries

    def _report(self, office: Office, leader: User, n: int, load_seconds: float, runs: int) -> None:
        year = clock.today().year
        factory = RequestFactory()

        def page() -> None:
            request = factory.get("/statistikk/", {"year": year, "office": office.pk})
            request.user = leader
            response = views.dashboard(request)
            assert response.status_code == 200, response.status_code

        def report() -> None:
            kostra_report(user=leader, offices=[office], year=year - 1)

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT (SELECT COUNT(*) FROM decisions_programme WHERE office_id = %(o)s),"
                " (SELECT COUNT(*) FROM decisions_decision WHERE office_id = %(o)s)",
                {"o": office.pk},
            )
            programmes, decisions = cursor.fetchone()
        self.stdout.write(
            f"bench_dashboard: {n} participants, {programmes} programmes, {decisions} "
            f"decisions over ten years (loaded in {load_seconds:.1f} s), median of {runs} runs"
        )
        header = f"{'page':<28} {'median ms':>10} {'max ms':>8} {'queries':>8}"
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for label, fn in (
            (f"dashboard {year}", page),
            (f"KOSTRA 11CF {year - 1} (no render)", report),
        ):
            median, worst, queries = self._time(fn, runs)
            self.stdout.write(f"{label:<28} {median:>10.0f} {worst:>8.0f} {queries:>8}")
        self.stdout.write(f"Goal for the dashboard: under {GOAL_MS} ms server time.")

    def _cleanup(self, office_id: int) -> None:
        bench_office_delete(office_id)
