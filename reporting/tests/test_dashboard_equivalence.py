"""The dashboard's one-statement SQL (reporting/dashboard.py: CTEs over the office's rows)
against the same figures counted the plain way, with the ORM and Python, on a generated
office: programmes started and ended across three years, terminations with and without a
situation code, open and closed tasks, decisions awaiting approval, applications decided
and audit-logged returns right at the year's edges (local midnight), a shielded person the
leader may not count, and a second office that is never counted."""

from __future__ import annotations

import datetime
import random
from collections import Counter, defaultdict

import pytest
from django.db import connection
from django.utils import timezone

from caseworker.models import AuditEvent
from decisions.models import (
    Decision,
    DecisionKind,
    DecisionStatus,
    Programme,
    Task,
    TaskStatus,
)
from participants.models import Participant
from reporting import dashboard as dash
from reporting.tests.conftest import D, aware
from tests.factories import ChildFactory

TODAY = D(2026, 1, 15)
SITUATIONS = ("01", "04", "13", "17")


def _percentile(values: list[int], q: float) -> float | None:
    """PostgreSQL's PERCENTILE_CONT: linear interpolation between the closest ranks."""
    if not values:
        return None
    values = sorted(values)
    rank = q * (len(values) - 1)
    low = int(rank)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (rank - low)


def _days(value) -> float | None:
    return None if value is None else round(float(value), 1)


@pytest.fixture
def generated(cases, office_a, office_b, caseworker, caseworker2, other_caseworker, approver):
    """40 participants in office A (one shielded) and 5 in office B, from a fixed seed."""
    rng = random.Random(20251231)
    people = []
    for i in range(45):
        office, who = (
            (office_a, rng.choice([caseworker, caseworker2, None])) if i < 40 else (office_b, None)
        )
        born = D(rng.randint(1960, 2005), rng.randint(1, 12), rng.randint(1, 28))
        p = cases.participant(office, who, born, shielded=(i == 7))
        if i % 6 == 0:
            ChildFactory(participant=p, birth_date=D(rng.randint(2005, 2024), 6, 1))
        people.append(p)
        start = D(2023, 1, 1) + datetime.timedelta(days=rng.randint(0, 1080))
        ended = None
        if rng.random() < 0.6:
            ended = min(start + datetime.timedelta(days=rng.randint(30, 900)), D(2026, 1, 10))
        received = start - datetime.timedelta(days=rng.randint(20, 60))
        termination = (rng.choice(["completed", "work"]), rng.choice(SITUATIONS))
        programme = cases.programme(
            p,
            received=received,
            granted=received + datetime.timedelta(days=rng.randint(3, 50)),
            start=start,
            period_end=start + datetime.timedelta(days=364),
            ended_on=ended,
            termination=termination,
        )
        if ended and i % 5 == 0:  # ended without a recorded situation
            Decision.objects.filter(programme=programme, kind=DecisionKind.TERMINATION).delete()
        for n in range(rng.randint(0, 3)):
            closed = rng.random() < 0.5
            Task.objects.create(
                kind="decision_period_ending",
                participant=p,
                office=office,
                programme=programme,
                due_date=TODAY + datetime.timedelta(days=rng.randint(-40, 40) + n),
                assignee=rng.choice([caseworker, caseworker2, None]),
                status=TaskStatus.CLOSED if closed else TaskStatus.OPEN,
                closed_at=aware(TODAY) if closed else None,
                closed_reason="resolved" if closed else "",
            )
        if i % 4 == 0 and ended is None:
            Decision.objects.create(
                participant=p,
                office=office,
                programme=programme,
                kind=rng.choice([DecisionKind.EXTENSION, DecisionKind.SPECIAL_EXTENSION]),
                period_start=start + datetime.timedelta(days=365),
                period_end=start + datetime.timedelta(days=545),
                status=DecisionStatus.AWAITING_APPROVAL,
                drafted_by=cases.drafter,
                sent_for_approval_at=aware(TODAY - datetime.timedelta(days=rng.randint(0, 30))),
            )
    # Decision changes in the audit log, some a minute either side of the years' edges. The
    # log is append-only; back-dating needs its trigger off, in this test's transaction only.
    with connection.cursor() as cursor:
        cursor.execute(
            "ALTER TABLE caseworker_auditevent DISABLE TRIGGER caseworker_auditevent_append_only"
        )
    oslo = timezone.get_current_timezone()
    edges = [
        datetime.datetime(2024, 12, 31, 23, 59, tzinfo=oslo),
        datetime.datetime(2025, 1, 1, 0, 0, tzinfo=oslo),
        datetime.datetime(2025, 12, 31, 23, 59, tzinfo=oslo),
        datetime.datetime(2026, 1, 1, 0, 0, tzinfo=oslo),
    ]
    for k in range(30):
        p = rng.choice(people)
        returned = k % 3 == 0
        event = AuditEvent.objects.create(
            action="change",
            participant_id=p.pk,
            object_type="decision",
            object_id=str(k),
            detail={"status": "returned", "reason": rng.choice(["reasoning", "facts", "other"])}
            if returned
            else {"status": "awaiting_approval"},
        )
        at = edges[k % 4] if k < 12 else aware(D(2025, rng.randint(1, 12), rng.randint(1, 28)))
        AuditEvent.objects.filter(pk=event.pk).update(at=at)
    return people


def _expected(scope: dash.Scope) -> dict:
    """Every figure counted one row at a time."""
    visible = list(
        Participant.objects.visible_to(scope.user).filter(office__in=scope.offices).order_by()
    )
    ids = {p.pk for p in visible}
    first, last, today, ref = scope.first, scope.last, scope.today, scope.ref
    programmes = list(Programme.objects.filter(participant_id__in=ids))
    ended = [g for g in programmes if g.ended_on and first <= g.ended_on <= last]
    terminations = {
        d.programme_id: d.details.get("situation_after", "")
        for d in Decision.objects.filter(
            programme__in=ended, kind="termination", status=DecisionStatus.APPROVED
        )
    }

    def local(at):
        return timezone.localtime(at).date()

    def bucket(days):
        return "0-6" if days < 183 else "6-12" if days < 365 else "12-24" if days < 730 else "24+"

    caseload = Counter(
        str(p.caseworker_id or "")
        for p in visible
        if any(
            g.participant_id == p.pk and g.ended_on is None and g.start_date <= today
            for g in programmes
        )
    )
    in_period = [
        p
        for p in visible
        if any(
            g.participant_id == p.pk
            and g.start_date <= last
            and (g.ended_on is None or g.ended_on >= first)
            for g in programmes
        )
    ]

    def supports_child(p):
        return any(
            c.supported and c.birth_date <= ref < c.birth_date.replace(year=c.birth_date.year + 18)
            for c in p.children.all()
        )

    profile = {
        "all": len(in_period),
        "under25": sum(p.birth_date.replace(year=p.birth_date.year + 25) > ref for p in in_period),
        "children": sum(supports_child(p) for p in in_period),
    }
    tasks = list(Task.objects.filter(participant_id__in=ids, status=TaskStatus.OPEN))
    awaiting = defaultdict(list)
    for d in Decision.objects.filter(participant_id__in=ids, status="awaiting_approval"):
        awaiting[d.kind].append((today - local(d.sent_for_approval_at)).days)
    decided = [
        (local(d.approved_at) - d.application.received_on).days
        for d in Decision.objects.filter(
            application__participant_id__in=ids,
            status=DecisionStatus.APPROVED,
            kind__in=["grant", "rejection"],
        ).select_related("application")
        if first <= local(d.approved_at) <= last
    ]
    changes = [
        e
        for e in AuditEvent.objects.filter(
            participant_id__in=ids, object_type="decision", action="change"
        )
        if first <= local(e.at) <= last
    ]
    returns = Counter(e.detail.get("reason") for e in changes if e.detail["status"] == "returned")
    sent = sum(e.detail["status"] == "awaiting_approval" for e in changes)
    durations = [(g.ended_on - g.start_date).days + 1 for g in ended]
    people = {
        "caseload": {
            g.participant_id for g in programmes if g.ended_on is None and g.start_date <= today
        },
        "ended": {g.participant_id for g in ended},
        "tasks": {t.participant_id for t in tasks},
        "returns": {e.participant_id for e in changes if e.detail["status"] == "returned"},
    }
    return {
        "people": people,
        "caseload": dict(caseload),
        "new": dict(
            Counter(str(g.start_date.month) for g in programmes if first <= g.start_date <= last)
        ),
        "ended": dict(Counter(str(g.ended_on.month) for g in ended)),
        "outcome": dict(Counter(terminations.get(g.id, "") for g in ended)),
        "duration": dict(Counter(bucket(d) for d in durations)),
        "profile": {k: v for k, v in profile.items() if v},
        "tasks": dict(Counter(str(t.assignee_id or "") for t in tasks)),
        "overdue": dict(Counter(str(t.assignee_id or "") for t in tasks if t.due_date < today)),
        "awaiting": {
            kind: (len(days), _days(_percentile(days, 0.5)), max(days))
            for kind, days in awaiting.items()
        },
        "returns": dict(returns),
        "figures": {
            "participants": profile["all"],
            "in_programme_now": sum(caseload.values()),
            "ended": len(ended),
            "median_duration_days": _days(_percentile(durations, 0.5)),
            "decided": len(decided),
            "processing_median": _days(_percentile(decided, 0.5)),
            "processing_p90": _days(_percentile(decided, 0.9)),
            "awaiting": sum(len(days) for days in awaiting.values()),
            "sent": sent,
            "returned": sum(returns.values()),
        },
    }


def _shown(board, table, metric) -> dict:
    return {r.key: r.values[metric] for r in board.tables[table].rows if r.values[metric]}


@pytest.mark.parametrize(
    ("year", "first_month", "last_month"), [(2025, 1, 12), (2025, 3, 5), (2024, 1, 12)]
)
def test_every_figure_matches_a_row_by_row_count(
    generated, leader, office_a, year, first_month, last_month
):
    scope = dash.Scope(
        user=leader,
        offices=(office_a,),
        year=year,
        today=TODAY,
        first_month=first_month,
        last_month=last_month,
    )
    expected = _expected(scope)
    board = dash.dashboard_build(scope)
    assert expected["figures"]["participants"] > 5 and expected["figures"]["ended"] > 0
    assert _shown(board, "caseload", "caseload") == expected["caseload"]
    assert _shown(board, "months", "new") == expected["new"]
    assert _shown(board, "months", "ended") == expected["ended"]
    assert _shown(board, "outcome", "outcome") == expected["outcome"]
    assert _shown(board, "duration", "duration") == expected["duration"]
    assert _shown(board, "profile", "profile") == expected["profile"]
    assert _shown(board, "tasks", "tasks") == expected["tasks"]
    assert _shown(board, "tasks", "overdue") == expected["overdue"]
    assert {
        r.key: (r.values["awaiting"], r.values["median_days"], r.values["max_days"])
        for r in board.tables["awaiting"].rows
    } == expected["awaiting"]
    assert _shown(board, "returns", "returns") == expected["returns"]
    figures = {k: v for k, v in board.figures.items() if k != "returned_rate"}
    assert figures == expected["figures"]
    # Each total's drill-down lists the participants the total counts.
    for metric, pids in expected["people"].items():
        assert sorted(dash.drill_participant_ids(scope, metric, "*")) == sorted(pids), metric
