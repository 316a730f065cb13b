"""Celery for real: a worker on the configured Redis broker runs the beat job."""

import datetime
import os

import pytest
from celery.contrib.testing.worker import start_worker
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session

from caseworker.tasks import clear_expired_sessions
from kvp import clock
from kvp.celery import app

# Each pytest process (xdist) has its own test database, so it gets its own queue too: a
# task must be run by the worker that sees the same database as the test that sent it.
QUEUE = f"kvp-test-{os.getpid()}"


@pytest.fixture(scope="module")
def celery_worker_on_redis():
    with start_worker(
        app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=[QUEUE]
    ) as worker:
        yield worker


@pytest.mark.django_db(transaction=True)
def test_expired_sessions_are_cleared_by_the_worker(celery_worker_on_redis):
    live = SessionStore()
    live["x"] = 1
    live.create()
    stale = SessionStore()
    stale.create()
    Session.objects.filter(session_key=stale.session_key).update(
        expire_date=clock.now() - datetime.timedelta(minutes=1)
    )
    result = clear_expired_sessions.apply_async(queue=QUEUE)
    assert result.get(timeout=30) == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]


def test_beat_schedule_declares_the_session_cleanup():
    assert app.conf.beat_schedule["clear-expired-sessions"]["task"] == (
        "caseworker.tasks.clear_expired_sessions"
    )
