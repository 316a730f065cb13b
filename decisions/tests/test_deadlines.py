"""The deadline scan (issue 4, step 1): for every kind, nothing the day before, exactly one task
on the day it appears and still one the day after; tasks close themselves when the cause is
resolved; re-runs and concurrent runs create nothing new; the nightly Celery job runs on a real
worker. Dates come from the rules core, so the SQL is checked against its semantics."""

import datetime
import os
import threading
from io import StringIO

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.management import call_command
from django.db import connection

from decisions import deadlines, rules, services
from decisions.deadlines import (
    decision_period_lead_days,
    programme_dates,
    scan_deadlines,
    task_statistics_refresh,
)
from decisions.models import SYSTEM_TASK_KINDS, Programme, Task, TaskKind
from decisions.selectors import open_programme, programme_history, programmes_with_decisions
from decisions.tasks import scan_deadlines_task
from decisions.tests.helpers import add_years, approve, days, draft
from kvp import clock
from kvp.celery import app
from participants.models import Child

QUEUE = f"kvp-deadlines-test-{os.getpid()}"
LEAD = days(42)


def open_tasks(kind):
    return list(Task.objects.filter(kind=kind, status="open"))


def assert_boundary(kind, appears_on, *, due_date):
    """None the day before, exactly one on the day, still exactly one (no duplicate) after."""
    scan_deadlines(appears_on - days(1))
    assert open_tasks(kind) == []
    scan_deadlines(appears_on)
    [task] = open_tasks(kind)
    assert task.due_date == due_date
    scan_deadlines(appears_on + days(1))
    assert open_tasks(kind) == [task]
    assert Task.objects.filter(kind=kind).count() == 1
    return task


def period_end(programme):
    return programme_history(programme).decision_periods[-1].end


def interrupt(programme, participant, on, as_caseworker, as_approver):
    interruption = draft(
        as_caseworker,
        "interruption",
        participant,
        programme=programme,
        effective_date=on,
        details={"interruption_reason": "Sykdom"},
    )
    approve(interruption, as_caseworker, as_approver)
    return open_programme(participant.pk)


def resume(programme, participant, on, as_caseworker, as_approver):
    resumption = draft(
        as_caseworker,
        "resumption",
        participant,
        programme=programme,
        effective_date=on,
        details={"a3_assessment": "Vilkårene er fortsatt oppfylt, målet nås."},
    )
    approve(resumption, as_caseworker, as_approver)
    return open_programme(participant.pk)


# --- D3: the one-year decision period ---------------------------------------------------------


def test_decision_period_ending_appears_six_weeks_before_the_period_ends_D3(
    programme, participant, caseworker
):
    end = period_end(programme)
    assert decision_period_lead_days() == 42
    task = assert_boundary(TaskKind.DECISION_PERIOD_ENDING, end - LEAD, due_date=end)
    assert task.programme == programme
    assert task.participant == participant
    assert task.office_id == programme.office_id
    assert task.assignee == caseworker
    assert task.get_kind_display() == (
        "Vedtaksperioden går ut – vurder forlengelse eller avslutning"
    )
    # The due date is the rules core's decision_due.
    assert rules.decision_due(programme_history(programme), end - LEAD) == end


def test_decision_period_lead_time_is_a_setting_D3(programme, settings):
    settings.KVP_DECISION_PERIOD_LEAD_DAYS = 10
    end = period_end(programme)
    assert_boundary(TaskKind.DECISION_PERIOD_ENDING, end - days(10), due_date=end)


def test_decision_period_overdue_from_the_day_after_it_ended_and_ending_escalates_D3(programme):
    end = period_end(programme)
    scan_deadlines(end)
    [ending] = open_tasks(TaskKind.DECISION_PERIOD_ENDING)
    assert_boundary(TaskKind.DECISION_PERIOD_OVERDUE, end + days(1), due_date=end)
    ending.refresh_from_db()
    assert (ending.status, ending.closed_reason) == ("closed", "escalated")
    assert ending.closed_at is not None


def test_an_approved_extension_closes_the_task_D3(
    programme, participant, as_caseworker, as_approver
):
    end = period_end(programme)
    scan_deadlines(end - days(1))
    [task] = open_tasks(TaskKind.DECISION_PERIOD_ENDING)
    extension = draft(
        as_caseworker,
        "extension",
        participant,
        programme=programme,
        period_start=end + days(1),
        period_end=add_years(end + days(1), 1) - days(1),
    )
    approve(extension, as_caseworker, as_approver)
    result = scan_deadlines(end - days(1))
    task.refresh_from_db()
    assert (task.status, task.closed_reason) == ("closed", "resolved")
    assert result.closed[TaskKind.DECISION_PERIOD_ENDING] == 1
    assert open_tasks(TaskKind.DECISION_PERIOD_ENDING) == []


def test_a_period_ending_at_the_maximum_needs_no_decision_D3(
    programme, participant, as_caseworker, as_approver
):
    end = period_end(programme)
    extension = draft(
        as_caseworker,
        "extension",
        participant,
        programme=programme,
        period_start=end + days(1),
        period_end=add_years(end + days(1), 1) - days(1),
    )
    approve(extension, as_caseworker, as_approver)
    programme = open_programme(participant.pk)
    last = period_end(programme)
    assert rules.decision_due(programme_history(programme), last) is None
    scan_deadlines(last - LEAD)
    scan_deadlines(last + days(1))
    assert Task.objects.filter(kind__startswith="decision_period").count() == 0


def test_a_termination_closes_every_programme_task(
    programme, participant, as_caseworker, as_approver, today
):
    end = period_end(programme)
    scan_deadlines(end - days(1))
    assert Task.objects.filter(programme=programme, status="open").exists()
    termination = draft(
        as_caseworker,
        "termination",
        participant,
        programme=programme,
        effective_date=today,
        details={"termination_reason": "work", "situation_after": "01"},
    )
    approve(termination, as_caseworker, as_approver)
    scan_deadlines(end - days(1))
    assert not Task.objects.filter(programme=programme, status="open").exists()
    assert set(
        Task.objects.filter(programme=programme).values_list("closed_reason", flat=True)
    ) == {"resolved"}


# --- A4: the one-year interruption limit -------------------------------------------------------


@pytest.fixture
def interrupted(programme, participant, as_caseworker, as_approver, today):
    first_day = today - days(10)
    programme = interrupt(programme, participant, first_day, as_caseworker, as_approver)
    return programme, first_day


def test_interruption_warning_after_eleven_months_A4(interrupted):
    programme, first_day = interrupted
    limit = rules.interruption_limit_date(programme_history(programme))
    assert limit == rules.add_years(first_day, 1)
    assert_boundary(TaskKind.INTERRUPTION_WARNING, rules.add_months(first_day, 11), due_date=limit)


def test_interruption_limit_after_one_year_and_the_warning_escalates_A4(interrupted):
    programme, first_day = interrupted
    limit = rules.interruption_limit_date(programme_history(programme))
    scan_deadlines(limit - days(1))
    [warning] = open_tasks(TaskKind.INTERRUPTION_WARNING)
    task = assert_boundary(TaskKind.INTERRUPTION_LIMIT, limit, due_date=limit)
    assert task.get_kind_display().endswith("programmet skal avsluttes")
    warning.refresh_from_db()
    assert (warning.status, warning.closed_reason) == ("closed", "escalated")


def test_an_approved_resumption_closes_the_interruption_task_A4(
    interrupted, participant, as_caseworker, as_approver, today
):
    programme, first_day = interrupted
    limit = rules.add_years(first_day, 1)
    scan_deadlines(limit)
    [task] = open_tasks(TaskKind.INTERRUPTION_LIMIT)
    resume(programme, participant, today, as_caseworker, as_approver)
    scan_deadlines(limit)
    task.refresh_from_db()
    assert (task.status, task.closed_reason) == ("closed", "resolved")


def test_sql_date_arithmetic_matches_the_rules_core_on_leap_days_and_month_ends(db):
    # The SQL's interval arithmetic must agree with the rules core (LEAP_DAY_ANNIVERSARY).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (DATE '2024-02-29' + INTERVAL '1 year')::date,"
            " (DATE '2024-01-31' + INTERVAL '1 month')::date,"
            " (DATE '2023-01-31' + INTERVAL '1 month')::date"
        )
        assert cursor.fetchone() == (
            rules.add_years(datetime.date(2024, 2, 29), 1),
            rules.add_months(datetime.date(2024, 1, 31), 1),
            rules.add_months(datetime.date(2023, 1, 31), 1),
        )


# --- D1: the maximum duration -----------------------------------------------------------------


def test_max_duration_near_three_months_before_the_latest_end_date_D1(programme, today):
    latest = rules.latest_end_date(programme_history(programme), today)
    assert latest == add_years(programme.start_date, 2) - days(1)
    assert_boundary(TaskKind.MAX_DURATION_NEAR, rules.add_months(latest, -3), due_date=latest)


def test_max_duration_counts_leave_and_interruptions_like_the_rules_core_D1_D2(
    programme, participant, as_caseworker, as_approver, today
):
    services.leave_register(
        ctx=as_caseworker,
        programme=programme,
        data={
            "start": programme.start_date + days(20),
            "end": programme.start_date + days(61),
            "reason": "birth_mother",
        },
    )
    programme = interrupt(
        programme, participant, programme.start_date + days(100), as_caseworker, as_approver
    )
    programme = resume(
        programme, participant, programme.start_date + days(130), as_caseworker, as_approver
    )
    latest = rules.latest_end_date(programme_history(programme), today)
    assert latest == add_years(programme.start_date, 2) - days(1) + days(42 + 30)
    assert_boundary(TaskKind.MAX_DURATION_NEAR, rules.add_months(latest, -3), due_date=latest)


@pytest.mark.parametrize("with_leave", [False, True])
def test_paused_days_of_several_interruptions_match_the_rules_core_D2(
    programme, participant, as_caseworker, as_approver, with_leave
):
    """The scan sums the closed interruptions in one pass (and takes the exact union of
    pauses when there is leave); both must give the rules core's latest end date, with the
    ongoing interruption counted up to each day."""
    start = programme.start_date
    if with_leave:
        services.leave_register(
            ctx=as_caseworker,
            programme=programme,
            data={"start": start + days(5), "end": start + days(9), "reason": "other"},
        )
    for first, back in ((20, 35), (50, 51)):
        programme = interrupt(
            programme, participant, start + days(first), as_caseworker, as_approver
        )
        programme = resume(programme, participant, start + days(back), as_caseworker, as_approver)
    programme = interrupt(programme, participant, start + days(70), as_caseworker, as_approver)
    for day in (start + days(69), start + days(70), start + days(71), start + days(200)):
        history = programme_history(programme)
        expected = (
            rules.decision_period_ends(history),
            start + days(70),
            rules.latest_end_date(history, day),
        )
        assert programme_dates(day)[programme.pk] == expected
    assert programme_dates(start + days(71))[programme.pk][2] == (
        add_years(start, 2) - days(1) + days(15 + 1 + 2 + (5 if with_leave else 0))
    )


def test_no_max_duration_task_while_interrupted_D1(interrupted, today):
    programme, _ = interrupted
    latest = rules.latest_end_date(programme_history(programme), today)
    scan_deadlines(latest)
    assert open_tasks(TaskKind.MAX_DURATION_NEAR) == []


# --- S3, V1, S4: birthdays in the current vedtak period ---------------------------------------


def test_turns_25_in_the_current_period_S3(programme, participant):
    birthday = programme.start_date + days(100)
    participant.birth_date = add_years(birthday, -25)
    participant.save(update_fields=["birth_date"])
    assert_boundary(TaskKind.TURNS_25, birthday - LEAD, due_date=birthday)


def test_turns_25_after_the_current_period_is_not_flagged_S3(programme, participant):
    birthday = period_end(programme) + days(1)
    participant.birth_date = add_years(birthday, -25)
    participant.save(update_fields=["birth_date"])
    scan_deadlines(birthday)
    assert open_tasks(TaskKind.TURNS_25) == []


def test_turns_67_right_after_the_current_period_V1(programme, participant):
    end = period_end(programme)
    birthday = end + days(1)
    participant.birth_date = add_years(birthday, -67)
    participant.save(update_fields=["birth_date"])
    assert rules.last_day_before_max_age(participant.birth_date) == end
    assert_boundary(TaskKind.TURNS_67, birthday - LEAD, due_date=birthday)


def test_child_turns_18_in_the_current_period_and_closes_when_not_supported_S4(
    programme, participant
):
    birthday = programme.start_date + days(150)
    child = Child.objects.get(participant=participant)
    child.birth_date = add_years(birthday, -18)
    child.save(update_fields=["birth_date"])
    task = assert_boundary(TaskKind.CHILD_TURNS_18, birthday - LEAD, due_date=birthday)
    child.supported = False
    child.save(update_fields=["supported"])
    scan_deadlines(birthday)
    task.refresh_from_db()
    assert (task.status, task.closed_reason) == ("closed", "resolved")


# --- F3: interim reply --------------------------------------------------------------------------


def test_interim_reply_due_one_month_after_the_application_came_in_F3(application, caseworker):
    due = rules.interim_reply_due(application.received_on)
    task = assert_boundary(TaskKind.INTERIM_REPLY_DUE, due, due_date=due)
    assert task.application == application
    assert task.programme is None
    assert task.assignee == caseworker


def test_recording_the_interim_reply_closes_the_task_F3(application, as_caseworker, today):
    due = rules.interim_reply_due(application.received_on)
    scan_deadlines(due)
    [task] = open_tasks(TaskKind.INTERIM_REPLY_DUE)
    services.application_record_interim_reply(
        ctx=as_caseworker,
        application=application,
        sent_on=today,
        expected_version=application.version,
    )
    scan_deadlines(due + days(1))
    task.refresh_from_db()
    assert (task.status, task.closed_reason) == ("closed", "resolved")


def test_deciding_the_application_closes_the_task_F3(application, programme):
    # The `programme` fixture grants the application.
    due = rules.interim_reply_due(application.received_on)
    Task.objects.create(
        kind=TaskKind.INTERIM_REPLY_DUE,
        participant=application.participant,
        office=application.office,
        application=application,
        due_date=due,
    )
    result = scan_deadlines(due)
    assert result.closed[TaskKind.INTERIM_REPLY_DUE] == 1
    assert open_tasks(TaskKind.INTERIM_REPLY_DUE) == []


def test_the_scans_programme_dates_agree_with_the_rules_core_on_the_demo_data(db, settings):
    settings.KVP_ALLOW_SYNTHETIC_IDS = True
    call_command("demo_data", stdout=StringIO())
    programmes = list(programmes_with_decisions(Programme.objects.filter(ended_on__isnull=True)))
    assert len(programmes) > 20
    today = clock.today()
    for day in (today, today + days(120), today + days(400), datetime.date(2028, 2, 29)):
        dates = programme_dates(day)
        expected = {}
        for programme in programmes:
            history = programme_history(programme)
            ongoing = history.ongoing_interruption()
            expected[programme.pk] = (
                rules.decision_period_ends(history),
                ongoing.start if ongoing else None,
                rules.latest_end_date(history, day),
            )
        assert dates == expected


# --- Idempotence and concurrency -----------------------------------------------------------------


def test_rerunning_the_scan_creates_nothing(programme, application):
    day = period_end(programme) + days(1)
    first = scan_deadlines(day)
    assert first.total_created >= 1
    count = Task.objects.count()
    second = scan_deadlines(day)
    assert (second.total_created, second.total_closed) == (0, 0)
    assert Task.objects.count() == count


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_scans_create_one_task(programme):
    day = period_end(programme) - days(1)
    results = []
    barrier = threading.Barrier(2)

    def run():
        try:
            barrier.wait()
            results.append(scan_deadlines(day))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 2
    assert sum(r.created.get(TaskKind.DECISION_PERIOD_ENDING, 0) for r in results) == 1
    assert Task.objects.filter(kind=TaskKind.DECISION_PERIOD_ENDING).count() == 1


def test_management_command_prints_the_counts_in_norwegian(programme, capsys):
    day = period_end(programme) - days(1)
    call_command("scan_deadlines", "--date", day.isoformat())
    out = capsys.readouterr().out
    assert f"Fristsjekk for {day:%d.%m.%Y}" in out
    assert "Vedtaksperioden går ut – vurder forlengelse eller avslutning: 1 nye, 0 lukket" in out


def test_a_scan_that_changes_many_tasks_refreshes_the_planner_statistics(programme, monkeypatch):
    day = period_end(programme) - days(1)
    result = scan_deadlines(day)
    assert result.total_created >= 1
    # Below the threshold autovacuum is left to do it.
    monkeypatch.setattr(deadlines, "ANALYZE_AFTER_CHANGES", result.total_created + 1)
    assert not task_statistics_refresh(result)
    monkeypatch.setattr(deadlines, "ANALYZE_AFTER_CHANGES", result.total_created)
    assert task_statistics_refresh(result)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'decisions_task'::regclass")
        assert cursor.fetchone()[0] == Task.objects.count()
    assert not task_statistics_refresh(scan_deadlines(day))  # a re-run changes nothing


# --- Celery ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def celery_worker_on_redis():
    with start_worker(
        app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=[QUEUE]
    ) as worker:
        yield worker


@pytest.mark.django_db(transaction=True)
def test_nightly_scan_runs_on_a_real_worker(celery_worker_on_redis, application):
    # Received 220 days ago without a decision: an interim reply is overdue today (F3).
    result = scan_deadlines_task.apply_async(queue=QUEUE).get(timeout=30)
    assert result["created"][TaskKind.INTERIM_REPLY_DUE] == 1
    case_tasks = Task.objects.exclude(kind__in=SYSTEM_TASK_KINDS)  # not S2 (no G for 2026)
    [task] = case_tasks
    assert (task.kind, task.application_id) == (TaskKind.INTERIM_REPLY_DUE, application.pk)
    again = scan_deadlines_task.apply_async(queue=QUEUE).get(timeout=30)
    assert sum(again["created"].values()) == 0
    assert case_tasks.count() == 1


def test_beat_schedule_declares_the_nightly_scan():
    entry = app.conf.beat_schedule["scan-deadlines"]
    assert entry["task"] == "decisions.tasks.scan_deadlines_task"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({1}, {30})


@pytest.mark.django_db
def test_a_case_task_needs_its_participant_and_a_system_task_has_none(programme, participant):
    """The database keeps the two sorts of task apart: a case task (D3 …) without a participant
    is refused, and the S2 system task about G may not point at anyone's case."""
    from django.db import IntegrityError, transaction

    due = datetime.date(2026, 6, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.create(kind=TaskKind.DECISION_PERIOD_ENDING, programme=programme, due_date=due)
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.create(
            kind=TaskKind.BASE_AMOUNT_MISSING,
            participant=participant,
            office=participant.office,
            programme=programme,
            due_date=due,
        )
    Task.objects.create(kind=TaskKind.BASE_AMOUNT_MISSING, due_date=due)
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.create(kind=TaskKind.BASE_AMOUNT_MISSING, due_date=due)
