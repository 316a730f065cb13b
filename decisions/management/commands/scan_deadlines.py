"""Run the deadline scan on demand, for sites that schedule it with cron instead of Celery beat."""

from __future__ import annotations

import datetime
import time

from django.core.management.base import BaseCommand, CommandError

from decisions.deadlines import scan_deadlines, task_statistics_refresh
from decisions.models import TaskKind
from kvp import clock


class Command(BaseCommand):
    help = "Finn frister som krever handling og opprett eller lukk oppgaver."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--date", help="Kjør som om dagens dato var ÅÅÅÅ-MM-DD.")

    def handle(self, *args, **options) -> None:
        if options["date"]:
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("Datoen må skrives ÅÅÅÅ-MM-DD.") from None
        else:
            today = clock.today()
        started = time.perf_counter()
        result = scan_deadlines(today)
        task_statistics_refresh(result)
        elapsed = time.perf_counter() - started
        if result.skipped:
            self.stdout.write("En annen fristsjekk kjører allerede; ingenting er gjort.")
            return
        self.stdout.write(f"Fristsjekk for {today:%d.%m.%Y}:")
        for kind in TaskKind:
            if kind not in result.created:
                continue
            self.stdout.write(
                f"  {kind.label}: {result.created[kind]} nye, {result.closed[kind]} lukket"
            )
        self.stdout.write(
            f"Totalt {result.total_created} nye og {result.total_closed} lukkede oppgaver "
            f"på {elapsed:.2f} sekunder."
        )
