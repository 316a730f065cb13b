"""The Celery app and its beat schedule. Jobs live in each app's tasks.py."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kvp.settings")

app = Celery("kvp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Passes the request id of the web request that enqueued a task on to the task's log lines.
import kvp.requestid  # noqa: E402, F401

app.conf.beat_schedule = {
    "clear-expired-sessions": {
        "task": "caseworker.tasks.clear_expired_sessions",
        "schedule": crontab(hour=2, minute=15),
    },
    "scan-deadlines": {
        "task": "decisions.tasks.scan_deadlines_task",
        "schedule": crontab(hour=1, minute=30),
    },
    # After the nightly scan; CELERY_TIMEZONE is Europe/Oslo.
    "send-task-digests": {
        "task": "decisions.tasks.send_task_digests",
        "schedule": crontab(hour=6, minute=30, day_of_week="mon-fri"),
    },
    # Letters and certificate batches whose job never reached the broker.
    "issue-missing-documents": {
        "task": "decisions.tasks.issue_missing_documents",
        "schedule": crontab(hour=3, minute=0),
    },
}
