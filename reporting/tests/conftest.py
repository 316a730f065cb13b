"""A hand-counted office for the year 2025 (see `office_2025`), built directly in the tables
(approved decisions with the guard trigger off inside the test's transaction, as
decisions/management/commands/bench_deadlines.py does), so each number can be counted by
hand from the docstring."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from caseworker.models import AuditEvent
from decisions.models import (
    Application,
    ApprovedLeave,
    Decision,
    DecisionKind,
    DecisionStatus,
    Programme,
    Task,
)
from participants.national_id import make_synthetic_national_id
from tests.factories import ChildFactory, ParticipantFactory

D = datetime.date


def aware(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(hour), tzinfo=timezone.get_current_timezone()
    )


def national_id_born(day: datetime.date, serial: int) -> str:
    while True:
        nid = make_synthetic_national_id(day, serial % 500)
        if nid:
            return nid
        serial += 1


class Cases:
    """Makes participants with programmes and approved decisions straight in the tables."""

    def __init__(self, drafter, approver):
        self.drafter, self.approver = drafter, approver
        self.serial = 100
        with connection.cursor() as cursor:
            cursor.execute(
                "ALTER TABLE decisions_decision DISABLE TRIGGER decisions_decision_guard"
            )

    def participant(self, office, caseworker, born: datetime.date, **fields):
        self.serial += 7
        return ParticipantFactory(
            office=office,
            caseworker=caseworker,
            national_id=national_id_born(born, self.serial),
            birth_date=born,
            **{"sex": "2", "civil_status": "1", **fields},
        )

    def _decision(self, participant, programme, kind, approved, **values):
        return Decision.objects.create(
            participant=participant,
            office=participant.office,
            programme=programme,
            kind=kind,
            status=DecisionStatus.APPROVED,
            drafted_by=self.drafter,
            approved_by=self.approver,
            approved_at=aware(approved),
            sent_for_approval_at=aware(approved),
            **values,
        )

    def programme(
        self,
        participant,
        *,
        received: datetime.date,
        granted: datetime.date,
        start: datetime.date,
        period_end: datetime.date,
        ended_on: datetime.date | None = None,
        termination: tuple[str, str] | None = None,
        interruptions: tuple[tuple[datetime.date, datetime.date | None], ...] = (),
        leaves: tuple[tuple[datetime.date, datetime.date], ...] = (),
        received_assistance: bool | None = False,
    ) -> Programme:
        application = Application.objects.create(
            participant=participant,
            office=participant.office,
            received_on=received,
            received_via="digital",
            status="avgjort",
            created_by=self.drafter,
            benefits_before=["2"],
        )
        programme = Programme.objects.create(
            participant=participant,
            office=participant.office,
            application=application,
            start_date=start,
            ended_on=ended_on,
            received_assistance=received_assistance,
        )
        grant = self._decision(
            participant,
            programme,
            DecisionKind.GRANT,
            granted,
            period_start=start,
            period_end=period_end,
        )
        Decision.objects.filter(pk=grant.pk).update(application=application)
        for interrupted, resumed in interruptions:
            self._decision(
                participant,
                programme,
                DecisionKind.INTERRUPTION,
                interrupted,
                effective_date=interrupted,
            )
            if resumed:
                self._decision(
                    participant, programme, DecisionKind.RESUMPTION, resumed, effective_date=resumed
                )
        for first, last in leaves:
            ApprovedLeave.objects.create(
                programme=programme,
                participant=participant,
                start=first,
                end=last,
                reason="other",
                registered_by=self.drafter,
            )
        if ended_on:
            reason, situation = termination or ("completed", "01")
            self._decision(
                participant,
                programme,
                DecisionKind.TERMINATION,
                ended_on,
                effective_date=ended_on,
                details={"termination_reason": reason, "situation_after": situation},
            )
        return programme

    def paid(self, programme, first: datetime.date, last: datetime.date, total_ore: int):
        """An approved payment basis for first–last paying `total_ore` (stipend.models)."""
        from stipend.models import PaymentBasis

        return PaymentBasis.objects.create(
            participant=programme.participant,
            programme=programme,
            office=programme.office,
            period_start=first,
            period_end=last,
            status="godkjent",
            computed_total_ore=total_ore,
            computed_at=aware(last),
            computed_by=self.drafter,
            approved_at=aware(last),
            approved_by=self.drafter,
        )

    def paid_months(self, programme, year: int, months, total_ore: int, *, first_day=1):
        for month in months:
            last = (
                D(year, 12, 31)
                if month == 12
                else D(year, month + 1, 1) - datetime.timedelta(days=1)
            )
            start = D(year, month, first_day if month == min(months) else 1)
            self.paid(programme, start, last, total_ore)


@pytest.fixture
def cases(db, caseworker, approver):
    return Cases(caseworker, approver)


@pytest.fixture
def office_2025(cases, office_a, office_b, caseworker, caseworker2, other_caseworker):
    """Office A in 2025, seen on 15.01.2026:

    - Anne (Kari, born 10.05.1990): received 05.01.2025, granted 01.02.2025, in programme
      from 10.02.2025, open. Stipend February–December (11 months).
    - Bjørn (Kari, born 01.06.2003, under 25; supports a child born 2015): in programme from
      01.09.2024, interrupted 01.03.2025, resumed 01.05.2025, ended 15.08.2025 with work
      ("01"): 349 days. Stipend January, February, May–August (6 months).
    - Cecilie (Ola, born 01.01.1980): received 01.10.2025, granted 10.11.2025, in programme
      from 20.11.2025, on leave 01.12.2025–31.01.2026: status 2 on 31.12. Stipend November.
    - David (Kari): programme 2023–2024, not in 2025.
    - Office B: Berit, in programme all of 2025; never counted for office A.
    Approved payment bases (what was paid): Anne 20 000 kr a month February–December, with
    a back pay of 250 kr on December's; Bjørn 15 000 kr a month January–August except 0 kr for
    March and April (interrupted) and 7 500 kr for 01.–15.08; Cecilie 7 152,30 kr for
    20.–30.11 and 0 kr for December (leave); Berit (office B) every month.
    Tasks: Anne's open, due 10.01.2026 (overdue), Kari's; Cecilie's open, due 01.02.2026,
    Ola's. An extension for Anne awaits approval since 05.01.2026. The audit log has two
    decisions sent for approval in 2025 and one returned for its reasoning.
    """
    anne = cases.participant(
        office_a, caseworker, D(1990, 5, 10), first_name="Anne", last_name="Aas"
    )
    bjorn = cases.participant(
        office_a, caseworker, D(2003, 6, 1), first_name="Bjørn", last_name="Berg", sex="1"
    )
    ChildFactory(participant=bjorn, birth_date=D(2015, 3, 1))
    cecilie = cases.participant(
        office_a, caseworker2, D(1980, 1, 1), first_name="Cecilie", last_name="Cruz"
    )
    david = cases.participant(
        office_a, caseworker, D(1985, 2, 2), first_name="David", last_name="Dal"
    )
    berit = cases.participant(
        office_b, other_caseworker, D(1988, 8, 8), first_name="Berit", last_name="Vik"
    )
    p_anne = cases.programme(
        anne,
        received=D(2025, 1, 5),
        granted=D(2025, 2, 1),
        start=D(2025, 2, 10),
        period_end=D(2026, 2, 9),
    )
    p_bjorn = cases.programme(
        bjorn,
        received=D(2024, 7, 1),
        granted=D(2024, 8, 20),
        start=D(2024, 9, 1),
        period_end=D(2025, 8, 31),
        interruptions=((D(2025, 3, 1), D(2025, 5, 1)),),
        ended_on=D(2025, 8, 15),
        termination=("work", "01"),
    )
    p_cecilie = cases.programme(
        cecilie,
        received=D(2025, 10, 1),
        granted=D(2025, 11, 10),
        start=D(2025, 11, 20),
        period_end=D(2026, 11, 19),
        leaves=((D(2025, 12, 1), D(2026, 1, 31)),),
    )
    cases.programme(
        david,
        received=D(2022, 11, 1),
        granted=D(2022, 12, 1),
        start=D(2023, 1, 1),
        period_end=D(2024, 12, 31),
        ended_on=D(2024, 12, 31),
    )
    p_berit = cases.programme(
        berit,
        received=D(2024, 11, 1),
        granted=D(2024, 12, 1),
        start=D(2024, 12, 15),
        period_end=D(2025, 12, 14),
    )
    cases.paid_months(p_anne, 2025, range(2, 13), 2_000_000, first_day=10)
    from stipend.models import PaymentLine

    december = p_anne.payment_bases.get(period_start=D(2025, 12, 1))
    PaymentLine.objects.create(
        basis=december,
        position=99,
        kind="etterbetaling",
        text="Etterbetaling",
        rule="S2",
        amount_ore=25_000,
    )
    cases.paid_months(p_bjorn, 2025, [1, 2, 5, 6, 7], 1_500_000)
    cases.paid_months(p_bjorn, 2025, [3, 4], 0)
    cases.paid(p_bjorn, D(2025, 8, 1), D(2025, 8, 15), 750_000)
    cases.paid(p_cecilie, D(2025, 11, 20), D(2025, 11, 30), 715_230)
    cases.paid(p_cecilie, D(2025, 12, 1), D(2025, 12, 31), 0)
    cases.paid_months(p_berit, 2025, range(1, 13), 2_000_000)
    Task.objects.create(
        kind="decision_period_ending",
        participant=anne,
        office=office_a,
        programme=p_anne,
        due_date=D(2026, 1, 10),
        assignee=caseworker,
    )
    Task.objects.create(
        kind="decision_period_ending",
        participant=cecilie,
        office=office_a,
        programme=p_cecilie,
        due_date=D(2026, 2, 1),
        assignee=caseworker2,
    )
    Decision.objects.create(
        participant=anne,
        office=office_a,
        programme=p_anne,
        kind=DecisionKind.EXTENSION,
        status=DecisionStatus.AWAITING_APPROVAL,
        drafted_by=cases.drafter,
        period_start=D(2026, 2, 10),
        period_end=D(2026, 8, 9),
        sent_for_approval_at=aware(D(2026, 1, 5)),
    )
    # The log is append-only (a trigger refuses UPDATE); back-dating a test row needs
    # it off, inside this test's transaction only.
    with connection.cursor() as cursor:
        cursor.execute(
            "ALTER TABLE caseworker_auditevent DISABLE TRIGGER caseworker_auditevent_append_only"
        )
    for pid, status, reason in (
        (anne.pk, "awaiting_approval", None),
        (bjorn.pk, "awaiting_approval", None),
        (anne.pk, "returned", "reasoning"),
    ):
        event = AuditEvent.objects.create(
            action="change",
            participant_id=pid,
            object_type="decision",
            object_id="1",
            detail={"status": status, **({"reason": reason} if reason else {})},
        )
        AuditEvent.objects.filter(pk=event.pk).update(at=aware(D(2025, 6, 1)))
    return {
        "anne": anne,
        "bjorn": bjorn,
        "cecilie": cecilie,
        "david": david,
        "berit": berit,
        "p_anne": p_anne,
        "p_bjorn": p_bjorn,
        "p_cecilie": p_cecilie,
    }
