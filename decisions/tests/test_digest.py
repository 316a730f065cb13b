"""The daily task digest (issue 4, step 4): one e-mail per caseworker with counts of new and
overdue tasks per kind, due dates and the worklist link, never anything about the participant;
once per user and day; nothing for users without new or overdue tasks; runs on a real worker."""

import datetime
import os
from io import StringIO

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F

from decisions.digest import send_task_digests
from decisions.models import DigestSent, Task, TaskKind
from decisions.tasks import send_task_digests as send_task_digests_task
from decisions.tests.helpers import days
from kvp import clock
from kvp.celery import app

QUEUE = f"kvp-digest-test-{os.getpid()}"


@pytest.fixture
def kari(caseworker):
    caseworker.email = "kari.nordmann@nav.example"
    caseworker.save(update_fields=["email"])
    return caseworker


def make_task(application, *, kind, due_date, assignee, created_days_ago=0, status="open"):
    task = Task.objects.create(
        kind=kind,
        participant=application.participant,
        office=application.office,
        application=application,
        due_date=due_date,
        assignee=assignee,
        status=status,
        closed_at=clock.now() if status == "closed" else None,
    )
    Task.objects.filter(pk=task.pk).update(
        created_at=clock.now() - datetime.timedelta(days=created_days_ago)
    )
    return task


@pytest.fixture
def kari_tasks(application, kari, today):
    """Two new tasks due in the future, one older task overdue, one older task not yet due."""
    make_task(
        application, kind=TaskKind.DECISION_PERIOD_ENDING, due_date=today + days(20), assignee=kari
    )
    make_task(
        application, kind=TaskKind.DECISION_PERIOD_ENDING, due_date=today + days(30), assignee=kari
    )
    make_task(
        application,
        kind=TaskKind.INTERIM_REPLY_DUE,
        due_date=today - days(3),
        assignee=kari,
        created_days_ago=5,
    )
    make_task(
        application,
        kind=TaskKind.TURNS_25,
        due_date=today + days(10),
        assignee=kari,
        created_days_ago=5,
    )


def test_digest_lists_counts_due_dates_and_the_link(kari_tasks, kari, today, settings):
    settings.KVP_BASE_URL = "https://kvp.example.no/"
    assert send_task_digests(today) == 1
    [message] = mail.outbox
    assert message.to == ["kari.nordmann@nav.example"]
    assert message.subject == f"KVP-sak: oppgaver {today:%d.%m.%Y} – 2 nye, 1 forfalte"
    body = message.body
    assert "Nye oppgaver siden forrige oversikt: 2" in body
    assert (
        "- Vedtaksperioden går ut – vurder forlengelse eller avslutning: 2 "
        f"(frist {today + days(20):%d.%m.%Y}, {today + days(30):%d.%m.%Y})"
    ) in body
    assert "Forfalte oppgaver: 1" in body
    assert (
        "- Søknaden er eldre enn én måned uten vedtak – send foreløpig svar: 1 "
        f"(frist {today - days(3):%d.%m.%Y})"
    ) in body
    # Neither new nor overdue: not in the digest.
    assert "25 år" not in body
    assert "https://kvp.example.no/sak/oppgaver/" in body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert 'href="https://kvp.example.no/sak/oppgaver/"' in html
    assert f"{today - days(3):%d.%m.%Y}" in html


def test_digest_holds_nothing_about_the_participant(kari_tasks, kari, participant, today):
    send_task_digests(today)
    [message] = mail.outbox
    child = participant.children.get()
    for text in (message.subject, message.body, message.alternatives[0][0]):
        for secret in (
            participant.first_name,
            participant.last_name,
            participant.national_id,
            participant.birth_date.strftime("%d.%m.%Y"),
            participant.street_address,
            child.name,
        ):
            assert secret not in text


def test_digest_is_sent_once_per_user_and_day(kari_tasks, kari, today):
    assert send_task_digests(today) == 1
    assert send_task_digests(today) == 0
    assert send_task_digests_task.apply(kwargs={"day": today.isoformat()}).get() == {"sent": 0}
    assert len(mail.outbox) == 1
    sent = DigestSent.objects.get()
    assert (sent.user, sent.day, sent.new_count, sent.overdue_count) == (kari, today, 2, 1)


def test_next_days_digest_has_only_what_is_new_since_the_last_one(
    kari_tasks, kari, application, today
):
    send_task_digests(today)
    # A day passes: the tasks and the digest are from yesterday.
    yesterday = datetime.timedelta(days=1)
    Task.objects.update(created_at=F("created_at") - yesterday)
    DigestSent.objects.update(sent_at=F("sent_at") - yesterday)
    make_task(application, kind=TaskKind.CHILD_TURNS_18, due_date=today + days(40), assignee=kari)
    assert send_task_digests(today + days(1)) == 1
    body = mail.outbox[1].body
    assert "Nye oppgaver siden forrige oversikt: 1" in body
    assert "Et barn deltakeren forsørger fyller 18 år" in body
    assert "Vedtaksperioden går ut" not in body
    assert "Forfalte oppgaver: 1" in body


def test_nothing_for_users_without_new_or_overdue_tasks(application, kari, caseworker2, today):
    caseworker2.email = "ola.hansen@nav.example"
    caseworker2.save(update_fields=["email"])
    # Kari: an old task not yet due, and a closed overdue one. Ola: no tasks at all.
    make_task(
        application,
        kind=TaskKind.TURNS_25,
        due_date=today + days(10),
        assignee=kari,
        created_days_ago=3,
    )
    make_task(
        application,
        kind=TaskKind.INTERIM_REPLY_DUE,
        due_date=today - days(1),
        assignee=kari,
        status="closed",
    )
    assert send_task_digests(today) == 0
    assert mail.outbox == []
    assert not DigestSent.objects.exists()


def test_inactive_users_and_users_without_e_mail_get_nothing(kari_tasks, kari, today):
    kari.is_active = False
    kari.save(update_fields=["is_active"])
    assert send_task_digests(today) == 0
    kari.is_active, kari.email = True, ""
    kari.save(update_fields=["is_active", "email"])
    assert send_task_digests(today) == 0
    assert mail.outbox == []


def test_beat_schedule_sends_digests_on_weekday_mornings():
    entry = app.conf.beat_schedule["send-task-digests"]
    assert entry["task"] == "decisions.tasks.send_task_digests"
    schedule = entry["schedule"]
    assert (schedule.hour, schedule.minute) == ({6}, {30})
    assert schedule.day_of_week == {1, 2, 3, 4, 5}
    assert app.conf.timezone == "Europe/Oslo"


@pytest.fixture(scope="module")
def celery_worker_on_redis():
    with start_worker(
        app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=[QUEUE]
    ) as worker:
        yield worker


@pytest.mark.django_db(transaction=True)
def test_digest_runs_on_a_real_worker(celery_worker_on_redis, kari_tasks, kari, today):
    result = send_task_digests_task.apply_async(queue=QUEUE).get(timeout=30)
    assert result == {"sent": 1}
    again = send_task_digests_task.apply_async(queue=QUEUE).get(timeout=30)
    assert again == {"sent": 0}
    [message] = mail.outbox
    assert message.to == [kari.email]
    assert DigestSent.objects.filter(user=kari, day=today).count() == 1


# --- The benchmark command (issue 4, step 5; lives here for lack of its own file) ------------

BENCH_TABLES = (
    "participants_participant",
    "participants_child",
    "decisions_application",
    "decisions_programme",
    "decisions_decision",
    "decisions_task",
    "caseworker_office",
    "caseworker_user",
)


def row_counts():
    with connection.cursor() as cursor:
        counts = {}
        for table in BENCH_TABLES:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 (fixed names)
            counts[table] = cursor.fetchone()[0]
    return counts


@pytest.mark.django_db
def test_bench_deadlines_prints_its_table_and_cleans_up(today):
    before = row_counts()
    out = StringIO()
    call_command("bench_deadlines", "--programmes", "200", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith(f"bench_deadlines {today:%d.%m.%Y}: 200 programmes, ")
    assert lines[1].split() == ["run", "rows", "scan", "s", "plain", "s", "ratio", "created"]
    first, rerun = lines[3].split(), lines[4].split()
    assert first[:2] == ["first", "run"] and rerun[0] == "re-run"
    decisions = int(first[2])
    assert 1000 <= decisions <= 1200  # about six per programme
    assert int(first[-1]) > 0  # the first run finds deadlines ...
    assert rerun[-1] == "0"  # ... and the re-run nothing new
    assert all(column.endswith("x") for column in (first[-2], rerun[-2]))
    assert row_counts() == before


def test_bench_deadlines_refuses_a_database_with_participants(participant):
    with pytest.raises(CommandError, match="--force"):
        call_command("bench_deadlines", "--programmes", "10", stdout=StringIO())
    before = row_counts()
    call_command("bench_deadlines", "--programmes", "10", "--force", stdout=StringIO())
    assert row_counts() == before
    participant.refresh_from_db()
