"""Demo data for `make run`: the last three weeks of attendance with some absence, and an
approved payment basis for every payment period since 1 January last year that is over, for
the demo participants in a programme.
Idempotent: a participant who already has absence or a basis is left alone."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError

from caseworker.audit import AuditContext
from decisions.models import Programme
from decisions.selectors import programmes_with_decisions
from kvp import clock
from stipend import selectors, services
from stipend.models import Absence, AttendanceWeek, PaymentBasis
from stipend.rules import periods

# Per participant (by index): which planned days of the last three weeks are absent, and how.
PATTERNS = [
    {0: "egenmelding", 1: "egenmelding", 7: "velferdspermisjon"},
    {3: "ugyldig", 10: "ferie", 11: "ferie"},
    {5: "barns_sykdom", 12: "avtalt_uten_stonad"},
    {},
]


def seed_stipend() -> str:
    today = clock.today()
    monday = today - datetime.timedelta(days=today.weekday())
    first_week = monday - datetime.timedelta(days=21)
    programmes = list(
        programmes_with_decisions(
            Programme.objects.filter(ended_on__isnull=True, participant__caseworker__isnull=False)
            .exclude(participant__absences__isnull=False)
            .exclude(payment_bases__isnull=False)
        ).order_by("pk")
    )
    planned = selectors.planned_days(programmes, first_week, monday - datetime.timedelta(days=1))
    absences, weeks, bases = [], [], 0
    for index, programme in enumerate(programmes):
        participant = programme.participant
        days = planned[programme.pk]
        for position, kind in PATTERNS[index % len(PATTERNS)].items():
            if position < len(days):
                absences.append(
                    Absence(
                        participant=participant,
                        programme=programme,
                        day=days[position],
                        kind=kind,
                        registered_by=participant.caseworker,
                    )
                )
        weeks += [
            AttendanceWeek(
                participant=participant,
                week_start=first_week + datetime.timedelta(days=7 * w),
                updated_by=participant.caseworker,
            )
            for w in range(3)
        ]
    Absence.objects.bulk_create(absences)
    AttendanceWeek.objects.bulk_create(weeks, ignore_conflicts=True)
    # Every payment period this year and last that is over, so the leaders' statistics
    # (K2) and the KOSTRA report have paid months to show.
    since = datetime.date(today.year - 1, 1, 1)
    paid_programmes = programmes_with_decisions(
        Programme.objects.filter(participant__caseworker__isnull=False)
        .exclude(ended_on__lt=since)
        .exclude(payment_bases__isnull=False)
    ).order_by("pk")
    for programme in paid_programmes:
        participant = programme.participant
        frequency = selectors.frequency_of(participant.office_id)
        ctx = AuditContext(actor=participant.caseworker, path="demo_data")
        start, end = periods.previous_period(today, frequency)
        while end >= max(since, programme.start_date):
            try:
                basis = services.payment_basis_compute(
                    ctx=ctx, programme=programme, period_start=start, period_end=end
                )
            except ValidationError:
                pass  # not active in that period
            else:
                services.payment_basis_approve(ctx=ctx, basis=basis, expected_version=basis.version)
                bases += 1
            start, end = periods.previous_period(start, frequency)
    total = PaymentBasis.objects.count()
    return (
        f"Oppmøte og stønad: {len(absences)} fraværsdager, {bases} nye godkjente "
        f"utbetalingsgrunnlag ({total} i alt)."
    )
