"""Benchmark of the vedtaksbrev (issue 5): time per letter from the database to PDF/A bytes
(load the decision, gather the data, fill the template, html_to_pdf), against WeasyPrint alone
rendering the same finished HTML. The ratio is the overhead of our data gathering and template.
Goal: under 1 s per letter and under 1.3x. Uses the approved decisions in the database (run
`manage.py demo_data` first); stores nothing.

    python manage.py bench_letters [--letters 50]
"""

from __future__ import annotations

import statistics
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from decisions.bench import letter_render
from decisions.models import Decision, DecisionStatus
from kvp.pdf import html_to_pdf


class Command(BaseCommand):
    help = "Måler tiden per vedtaksbrev mot WeasyPrint alene på samme ferdige HTML."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--letters", type=int, default=50, help="antall brev (standard 50)")

    def handle(self, *args, letters: int, **options) -> None:
        ids = list(
            Decision.objects.filter(status=DecisionStatus.APPROVED)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not ids:
            raise CommandError("Ingen godkjente vedtak i databasen. Kjør `manage.py demo_data`.")
        if letters < 1:
            raise CommandError("--letters må være minst 1.")
        # Warm up: fonts and print CSS are parsed once per process, templates compiled once.
        letter_render(ids[0])
        full, plain = [], []
        for n in range(letters):
            decision_id = ids[n % len(ids)]
            started = time.perf_counter()
            html, title = letter_render(decision_id)
            full.append(time.perf_counter() - started)
            started = time.perf_counter()
            html_to_pdf(html, title=title)
            plain.append(time.perf_counter() - started)
        mean_full, mean_plain = statistics.mean(full), statistics.mean(plain)
        self.stdout.write(
            f"{letters} vedtaksbrev ({len(set(ids[:letters]))} ulike vedtak):\n"
            f"  hele brevet (data, mal, PDF/A): {mean_full * 1000:.1f} ms per brev "
            f"(median {statistics.median(full) * 1000:.1f} ms, maks {max(full) * 1000:.1f} ms)\n"
            f"  WeasyPrint alene, samme HTML:   {mean_plain * 1000:.1f} ms per brev "
            f"(median {statistics.median(plain) * 1000:.1f} ms)\n"
            f"  forhold: {mean_full / mean_plain:.2f}x (mål: under 1 s per brev og under 1,3x)"
        )
