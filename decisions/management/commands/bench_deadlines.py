"""Benchmark of the nightly deadline scan at national scale (issue 4, step 5).

Builds one benchmark office with N programmes (participants, applications, children, and about
six approved decisions per programme: grant, extension and two interruptions with resumptions,
some still interrupted) with set-based SQL, then times `scan_deadlines(today)` (first run and
re-run) against one plain query over the same rows. The scans run in a transaction that is rolled
back, so the tasks they make (and any they would close among real data) never persist; the loaded
rows are deleted afterwards unless --keep. Everything loaded hangs off the benchmark office, which
is how --drop finds it again.

    python manage.py bench_deadlines [--programmes 50000] [--repeat 5] [--keep] [--force] [--drop]
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from caseworker.models import Office, Role, User
from decisions.bench import DEADLINE_PLAIN_QUERY, bench_office_delete, decision_guard_off
from decisions.deadlines import scan_deadlines
from kvp import clock
from participants.models import Participant

BENCH_UNIT = "BNCH"
BENCH_NAME = "NAV Benchmark (bench_deadlines)"

# One statement per table; %(office)s, %(drafter)s, %(approver)s, %(n)s, %(today)s, %(now)s.
# National ids start with 9: no real fødselsnummer or D-number does.
_LOAD = [
    """INSERT INTO participants_participant
        (national_id, birth_date, first_name, last_name, street_address, postal_code,
         postal_area, phone, email, language, needs_interpreter, interpreter_language,
         address_protection, shielded, created_at, updated_at, version, caseworker_id, office_id)
    SELECT '9' || LPAD(g::text, 10, '0'), DATE '1960-01-01' + (g * 397) %% 16000,
           'Benchmark', 'Deltaker ' || g, '', '0000', '', '', '', '', FALSE, '', '', FALSE,
           %(now)s, %(now)s, 1, %(drafter)s, %(office)s
    FROM GENERATE_SERIES(1, %(n)s) g""",
    """INSERT INTO participants_child (name, birth_date, supported, participant_id)
    SELECT 'Barn', %(today)s - (17 * 365 + id %% 400)::int, TRUE, id
    FROM participants_participant WHERE office_id = %(office)s AND id %% 5 = 0""",
    # Programmes started 0–699 days ago; the application came in a month before.
    """INSERT INTO decisions_application
        (version, created_at, updated_at, received_on, received_via, status, benefits_checked,
         entitled_benefits, work_capacity_reference, closed_reason, created_by_id, office_id,
         participant_id)
    SELECT 1, %(now)s, %(now)s, %(today)s - (id %% 700)::int - 30, 'digital', 'avgjort', '{}',
           '{}', '', '', %(drafter)s, %(office)s, id
    FROM participants_participant WHERE office_id = %(office)s""",
    """INSERT INTO decisions_programme
        (participant_id, office_id, application_id, start_date, created_at)
    SELECT participant_id, office_id, id, received_on + 30, %(now)s
    FROM decisions_application WHERE office_id = %(office)s""",
    # Grant for a year, extension for the next year, two interruptions of 20 days with
    # resumptions, except every fifth programme which is still in its second interruption.
    """INSERT INTO decisions_decision
        (version, created_at, updated_at, kind, status, period_start, period_end,
         effective_date, reasoning, legal_basis, details, drafted_by_id, sent_for_approval_at,
         approved_by_id, approved_at, return_reason, return_comment, participant_id, office_id,
         application_id, programme_id)
    SELECT 1, %(now)s, %(now)s, d.kind, 'approved', d.period_start, d.period_end,
           d.effective_date, '', '', '{}', %(drafter)s, %(now)s, %(approver)s, %(now)s, '', '',
           p.participant_id, p.office_id, CASE WHEN d.kind = 'grant' THEN p.application_id END,
           p.id
    FROM decisions_programme p
    CROSS JOIN LATERAL (VALUES
        ('grant', p.start_date, (p.start_date + INTERVAL '1 year')::date - 1, NULL::date),
        ('extension', (p.start_date + INTERVAL '1 year')::date,
         (p.start_date + INTERVAL '2 years')::date - 1, NULL),
        ('interruption', NULL, NULL, p.start_date + 60 + (p.id %% 40)::int),
        ('resumption', NULL, NULL, p.start_date + 80 + (p.id %% 40)::int),
        ('interruption', NULL, NULL, p.start_date + 200 + (p.id %% 90)::int),
        ('resumption', NULL, NULL,
         CASE WHEN p.id %% 5 <> 0 THEN p.start_date + 220 + (p.id %% 90)::int END)
    ) AS d(kind, period_start, period_end, effective_date)
    WHERE p.office_id = %(office)s AND NOT (d.kind = 'resumption' AND d.effective_date IS NULL)""",
    # Every 20th programme has 30 days of approved leave right after its first resumption (the
    # scan's exact union-of-pauses path); every 40th from the day that interruption ended.
    """INSERT INTO decisions_approvedleave
        (programme_id, participant_id, start, "end", reason, note, registered_by_id, created_at)
    SELECT p.id, p.participant_id, p.start_date + 80 + (p.id %% 40)::int - (p.id %% 40 = 0)::int,
           p.start_date + 109 + (p.id %% 40)::int, 'other', '', %(drafter)s, %(now)s
    FROM decisions_programme p
    WHERE p.office_id = %(office)s AND p.id %% 20 = 0""",
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


class _Rollback(Exception):
    pass


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


class Command(BaseCommand):
    help = "Time the deadline scan on a national-scale synthetic dataset (not real data)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--programmes", type=int, default=50_000)
        parser.add_argument(
            "--keep", action="store_true", help="Leave the benchmark data in the database."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though the database holds participants (their data is not touched).",
        )
        parser.add_argument(
            "--drop", action="store_true", help="Only delete data left by a --keep run."
        )
        parser.add_argument(
            "--repeat",
            type=int,
            default=5,
            help="Time each run this many times and report the median and the fastest.",
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
                "The database holds participants. The benchmark is for an empty database; "
                "use --force to run it anyway (it touches only its own rows)."
            )
        n = options["programmes"]
        if n < 1:
            raise CommandError("--programmes must be at least 1.")
        today = clock.today()
        office = Office.objects.create(name=BENCH_NAME, unit_number=BENCH_UNIT)
        try:
            load_seconds = self._load(office, n, today)
            self._report(n, today, load_seconds, max(1, options["repeat"]))
        finally:
            if not options["keep"]:
                self._cleanup(office.pk)

    def _load(self, office: Office, n: int, today: Any) -> float:
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            drafter = User.objects.create(
                username="BENCH-VEILEDER", roles=[Role.CASEWORKER], office=office
            )
            approver = User.objects.create(
                username="BENCH-BESLUTTER", roles=[Role.APPROVER], office=office
            )
            params = {
                "office": office.pk,
                "drafter": drafter.pk,
                "approver": approver.pk,
                "n": n,
                "today": today,
                "now": clock.now(),
            }
            with decision_guard_off(cursor):
                for statement in _LOAD:
                    cursor.execute(statement, params)
        with connection.cursor() as cursor:
            for table in _TABLES:
                # As autovacuum would soon after a bulk load: statistics for the planner, and
                # the visibility map that lets the scan read decisions from its index alone.
                # (VACUUM cannot run in a transaction, as when a test calls the command.)
                vacuum = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
                cursor.execute(f"{vacuum} {table}")
        return time.perf_counter() - started

    def _report(self, n: int, today: Any, load_seconds: float, repeat: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM decisions_decision")
            decisions = cursor.fetchone()[0]

            def plain() -> int:
                cursor.execute(DEADLINE_PLAIN_QUERY)
                return cursor.fetchone()[0]

            plain()  # warm the cache, as the scans after it find it
            plain_times = [_timed(plain)[0] for _ in range(repeat)]

        def scan_as_committed() -> Any:
            # The foreign keys of the tasks a scan inserts are checked when the nightly job
            # commits; checked here, since these runs never commit.
            result = scan_deadlines(today)
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            return result

        first_times, rerun_times, created = [], [], 0
        for _ in range(repeat):
            try:
                # Rolled back: the tasks exist only for the re-run, and real tasks stay as
                # they are.
                with transaction.atomic():
                    seconds, result = _timed(scan_as_committed)
                    first_times.append(seconds)
                    created = result.total_created
                    seconds, result = _timed(scan_as_committed)
                    rerun_times.append(seconds)
                    raise _Rollback
            except _Rollback:
                pass

        self.stdout.write(
            f"bench_deadlines {today:%d.%m.%Y}: {n} programmes, {decisions} decisions "
            f"(loaded in {load_seconds:.1f} s); each run {repeat}×, median (fastest)"
        )
        header = (
            f"{'run':<10} {'rows':>9} {'scan s':>15} {'plain s':>15} {'ratio':>7} {'created':>8}"
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        plain_median = statistics.median(plain_times)
        for label, times, made in (
            ("first run", first_times, created),
            ("re-run", rerun_times, 0),
        ):
            median = statistics.median(times)
            ratio = median / plain_median if plain_median else float("inf")
            self.stdout.write(
                f"{label:<10} {decisions:>9} {median:>7.3f} ({min(times):.3f}) "
                f"{plain_median:>7.3f} ({min(plain_times):.3f}) {ratio:>6.1f}x {made:>8}"
            )

    def _cleanup(self, office_id: int) -> None:
        bench_office_delete(office_id)
