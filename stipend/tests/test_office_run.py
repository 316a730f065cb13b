"""The stipend run for a whole office (services.payment_bases_compute_many): a fixed number of
queries whatever the number of participants (issue 9: no query count that grows with data),
and exactly the bases, lines and amounts the single computation from the participant page
gives (S1–S10), on a generated office with children, absences over and under the S7 quotas,
work and benefits, interruptions, leave, programmes ending or starting inside the period and
a G regulation on 01.05.2025 inside the fortnight.

The office is built straight in the tables (approved decisions with the guard trigger off
inside the test's transaction, reporting/tests/conftest.py `Cases`)."""

from __future__ import annotations

import datetime
import random
import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from caseworker.audit import AuditContext
from caseworker.models import AuditEvent
from decisions.models import Programme
from kvp.versioning import ConflictError
from reporting.tests.conftest import Cases
from stipend import selectors, services
from stipend.models import Absence, AbsenceKind, IncomeKind, IncomeRecord, PaymentBasis
from stipend.rules import periods
from tests.factories import ChildFactory

D = datetime.date
DAY = datetime.timedelta(days=1)
# S10: the fortnight 21.04.2025–04.05.2025; G 2025 takes effect 01.05.2025 inside it (S2).
PERIOD = periods.period_containing(D(2025, 5, 1), periods.BIWEEKLY)
ABSENCE_KINDS = [k for k, _ in AbsenceKind.choices]
BENEFIT_KINDS = [k for k, _ in IncomeKind.choices if k not in ("arbeid", "laerling")]


@pytest.fixture
def cases(db, caseworker, approver):
    return Cases(caseworker, approver)


@pytest.fixture
def ctx(caseworker):
    return AuditContext(actor=caseworker, client_address="127.0.0.1", path="test")


def weekdays(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    days = [first + DAY * i for i in range((last - first).days + 1)]
    return [d for d in days if d.weekday() < 5]


def make_office(cases, office, caseworker, n: int, seed: int) -> list[Programme]:
    """n participants of `office`, varied from the seed: age (some turn 25 in the period),
    0–3 children (some turn 18 in the period, some not supported), a year of absences of every
    kind (so some egenmeldinger and welfare days go over the S7 quotas), hours worked and
    benefits in the period, some interrupted or on leave, some ending or starting inside the
    period, one whose vedtak period ran out before it."""
    rng = random.Random(seed)
    start, end = PERIOD
    programmes = []
    for i in range(n):
        variant = i % 6
        born = (
            D(2000, 4, 23)  # turns 25 on Wednesday 23.04.2025, inside the period (S3)
            if variant == 1
            else D(rng.randint(1965, 2003), rng.randint(1, 12), rng.randint(1, 28))
        )
        participant = cases.participant(office, caseworker, born, last_name=f"Deltaker{i:03d}")
        for c in range(rng.randint(0, 3)):
            child_born = (
                D(2007, 4, 30)  # turns 18 on Wednesday 30.04.2025 (S4)
                if c == 0 and variant == 2
                else D(rng.randint(2008, 2024), rng.randint(1, 12), rng.randint(1, 28))
            )
            ChildFactory(participant=participant, birth_date=child_born, supported=c != 2)
        programme_start = D(2024, 6, 1) + DAY * rng.randint(0, 200)
        kwargs = {}
        if variant == 3:
            kwargs["interruptions"] = ((D(2025, 4, 28), D(2025, 5, 1)),)
        if variant == 4:
            kwargs["leaves"] = ((D(2025, 4, 22), D(2025, 4, 23)),)
        if variant == 5 and i % 12 == 5 and i < n - 2:
            kwargs["ended_on"] = D(2025, 4, 29)
        programme_end = programme_start + DAY * 364
        if i == n - 1:  # open, but its vedtak period ran out before the period: no stipend
            programme_start, programme_end = D(2024, 4, 22), D(2025, 4, 18)
        if i == n - 2:
            programme_start = D(2025, 4, 24)  # starts inside the period
        programme = cases.programme(
            participant,
            received=programme_start - DAY * 40,
            granted=programme_start - DAY * 10,
            start=programme_start,
            period_end=programme_end,
            **kwargs,
        )
        programmes.append(programme)
        quota = []
        if variant == 4:  # a fifth egenmelding within 12 months, inside the period (S7)
            quota = [D(2025, 1, 6), D(2025, 2, 3), D(2025, 3, 3), D(2025, 4, 7), D(2025, 4, 24)]
            Absence.objects.bulk_create(
                Absence(
                    participant=participant,
                    programme=programme,
                    day=day,
                    kind=AbsenceKind.EGENMELDING,
                    registered_by=caseworker,
                )
                for day in quota
            )
        days = [d for d in weekdays(max(programme_start, D(2024, 6, 1)), end) if d not in quota]
        for day in rng.sample(days, min(len(days), rng.randint(0, 25))):
            Absence.objects.create(
                participant=participant,
                programme=programme,
                day=day,
                kind=rng.choice(ABSENCE_KINDS),
                registered_by=caseworker,
            )
        for day in weekdays(start, end)[:3] if variant == 0 else []:
            Absence.objects.get_or_create(
                participant=participant,
                day=day,
                defaults={
                    "programme": programme,
                    "kind": AbsenceKind.UNAUTHORISED,
                    "registered_by": caseworker,
                },
            )
        if rng.random() < 0.5:
            IncomeRecord.objects.create(
                participant=participant,
                kind=rng.choice(["arbeid", "laerling"]),
                applies_on=start + DAY * rng.randint(0, 13),
                hours=rng.choice(["7.5", "20", "37.25", "200"]),
                registered_by=caseworker,
            )
        for _ in range(rng.randint(0, 2)):
            IncomeRecord.objects.create(
                participant=participant,
                kind=rng.choice(BENEFIT_KINDS),
                applies_on=start + DAY * rng.randint(0, 13),
                amount_ore=rng.randint(1, 2_000_000),
                registered_by=caseworker,
            )
    return programmes


def approve_directly(basis, user):
    PaymentBasis.objects.filter(pk=basis.pk).update(
        status="godkjent", approved_by=user, approved_at=basis.computed_at
    )


def snapshot(programme_ids) -> dict[int, tuple]:
    """Each programme's basis for the period as the user and payroll see it."""
    return {
        b.programme_id: (
            b.participant_id,
            b.office_id,
            b.period_end,
            b.status,
            b.inputs,
            b.computed_total_ore,
            [
                (line.position, line.kind, line.text, line.rule, line.days, line.rate_ore)
                + (line.amount_ore,)
                for line in b.lines.all()
            ],
        )
        for b in PaymentBasis.objects.filter(
            programme_id__in=programme_ids, period_start=PERIOD[0]
        ).prefetch_related("lines")
    }


def office_programmes(office):
    return selectors.programmes_paid_in(office.pk, *PERIOD)


def test_office_run_gives_exactly_the_single_computations_bases(cases, office_a, caseworker, ctx):
    programmes = make_office(cases, office_a, caseworker, 36, seed=9)
    ids = [p.pk for p in programmes]
    # One draft computed earlier (recomputed by both) and one approved (left alone by both).
    draft = services.payment_basis_compute(
        ctx=ctx, programme=programmes[0], period_start=PERIOD[0], period_end=PERIOD[1]
    )
    approved = services.payment_basis_compute(
        ctx=ctx, programme=programmes[1], period_start=PERIOD[0], period_end=PERIOD[1]
    )
    approve_directly(approved, caseworker)
    Absence.objects.create(  # changes programmes[0]'s draft on recomputation
        participant=programmes[0].participant,
        programme=programmes[0],
        day=PERIOD[0] + DAY * 8,
        kind=AbsenceKind.UNAUTHORISED,
        registered_by=caseworker,
    )

    with transaction.atomic():
        run = services.payment_bases_compute_many(
            ctx=ctx,
            programmes=office_programmes(office_a),
            period_start=PERIOD[0],
            period_end=PERIOD[1],
        )
        bulk = snapshot(ids)
        transaction.set_rollback(True)

    single, skipped = {}, []
    for programme in programmes:
        try:
            services.payment_basis_compute(
                ctx=ctx, programme=programme, period_start=PERIOD[0], period_end=PERIOD[1]
            )
        except Exception as error:  # noqa: BLE001 - the message is compared below
            skipped.append((programme.pk, str(error)))
    single = snapshot(ids)

    assert bulk == single
    assert len(bulk) == 35  # the last programme's vedtak period ended before the period
    assert [p.pk for p in run.inactive] == [programmes[-1].pk]
    assert [p.pk for p in run.approved] == [programmes[1].pk]
    assert (run.created, run.recomputed, run.failed) == (33, 1, [])
    assert {pk for pk, _ in skipped} == {programmes[-1].pk, programmes[1].pk}
    # The variety the comparison covers: G 2024 and G 2025 lines, under 25 and over, a child
    # turning 18, deductions for absence, work and benefits, interruption and leave days.
    texts = [line[2] for basis in bulk.values() for line in basis[6]]
    assert any("124\u00a0028" in t for t in texts) and any("130\u00a0160" in t for t in texts)
    assert any("under 25 år" in t for t in texts)
    assert any("fyller 18 år 30.04.2025" in t for t in texts)
    kinds = {line[1] for basis in bulk.values() for line in basis[6]}
    assert {"stonad", "barnetillegg", "fravaer", "avbrudd", "arbeid", "ytelse"} <= kinds
    assert any("over kvoten" in t for t in texts)
    assert draft.pk in PaymentBasis.objects.values_list("pk", flat=True)


def run_counting(ctx, office):
    with CaptureQueriesContext(connection) as captured:
        run = services.payment_bases_compute_many(
            ctx=ctx,
            programmes=office_programmes(office),
            period_start=PERIOD[0],
            period_end=PERIOD[1],
        )
    return run, len(captured)


def test_office_run_query_count_does_not_grow_with_participants(
    cases, office_a, office_b, caseworker, other_caseworker, ctx
):
    small = make_office(cases, office_a, caseworker, 6, seed=1)
    big = make_office(cases, office_b, other_caseworker, 18, seed=2)
    for programmes in (small, big):  # a draft to recompute and an approved one in each
        services.payment_basis_compute(
            ctx=ctx, programme=programmes[0], period_start=PERIOD[0], period_end=PERIOD[1]
        )
        approved = services.payment_basis_compute(
            ctx=ctx, programme=programmes[1], period_start=PERIOD[0], period_end=PERIOD[1]
        )
        approve_directly(approved, caseworker)

    small_run, small_queries = run_counting(ctx, office_a)
    big_run, big_queries = run_counting(ctx, office_b)

    assert (len(small_run.bases), len(big_run.bases)) == (4, 16)
    assert small_queries == big_queries
    assert big_queries <= 16
    # A second run recomputes every draft (no basis to create: one INSERT fewer).
    again, again_queries = run_counting(ctx, office_b)
    assert (again.created, again.recomputed) == (0, 16)
    assert again_queries <= big_queries


def test_office_run_recomputes_drafts_with_version_and_audits_each_basis(
    cases, office_a, caseworker, ctx
):
    programmes = make_office(cases, office_a, caseworker, 6, seed=3)
    draft = services.payment_basis_compute(
        ctx=ctx, programme=programmes[0], period_start=PERIOD[0], period_end=PERIOD[1]
    )
    approved = services.payment_basis_compute(
        ctx=ctx, programme=programmes[1], period_start=PERIOD[0], period_end=PERIOD[1]
    )
    approve_directly(approved, caseworker)
    approved_lines = list(approved.lines.values_list("pk", flat=True))

    before = AuditEvent.objects.filter(object_type="payment_basis").count()
    run = services.payment_bases_compute_many(
        ctx=ctx,
        programmes=office_programmes(office_a),
        period_start=PERIOD[0],
        period_end=PERIOD[1],
    )

    draft.refresh_from_db()
    assert draft.version == 2  # a page opened on version 1 can no longer approve it
    with pytest.raises(ConflictError):
        services.payment_basis_approve(ctx=ctx, basis=draft, expected_version=1)
    approved.refresh_from_db()
    assert approved.version == 1 and approved.status == "godkjent"
    assert list(approved.lines.values_list("pk", flat=True)) == approved_lines
    events = AuditEvent.objects.filter(object_type="payment_basis").order_by("pk")[before:]
    assert sorted((e.action, e.object_id, e.participant_id) for e in events) == sorted(
        (
            "change" if b.pk == draft.pk else "create",
            str(b.pk),
            b.participant_id,
        )
        for b in run.bases
    )
    assert all(e.actor_id == caseworker.pk for e in events)


def test_office_run_reports_what_it_cannot_compute_and_writes_nothing_for_it(
    cases, office_a, caseworker, ctx
):
    from stipend.models import BaseAmount

    make_office(cases, office_a, caseworker, 4, seed=4)
    BaseAmount.objects.exclude(effective_from=D(2025, 5, 1)).delete()

    run = services.payment_bases_compute_many(
        ctx=ctx,
        programmes=office_programmes(office_a),
        period_start=PERIOD[0],
        period_end=PERIOD[1],
    )

    # With only G 2025 registered, no G is in force for 21.–30.04.2025 (S2).
    assert run.bases == [] and len(run.failed) == 3
    assert all(
        re.fullmatch(r"Det er ikke registrert noe grunnbeløp \(G\) for 2\d\.04\.2025\.", message)
        for _, message in run.failed
    ), run.failed
    assert not PaymentBasis.objects.exists()
