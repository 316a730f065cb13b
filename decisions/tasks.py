import datetime
import smtplib

from celery import shared_task

from decisions import digest
from decisions.deadlines import scan_deadlines, task_statistics_refresh
from kvp import clock


@shared_task
def scan_deadlines_task() -> dict[str, dict[str, int]]:
    """Nightly: create the day's deadline tasks and close those whose cause is gone.
    Idempotent (one task per cause and due date); a run that finds another scan holding the
    lock does nothing, since that scan does the same work."""
    result = scan_deadlines(clock.today())
    task_statistics_refresh(result)
    return {"created": result.created, "closed": result.closed, "skipped": result.skipped}


@shared_task(
    autoretry_for=(OSError, smtplib.SMTPException),
    retry_backoff=60,
    max_retries=5,
)
def send_task_digests(day: str | None = None) -> dict[str, int]:
    """Weekday mornings: each caseworker's e-mail of new and overdue tasks. Once per user and
    day (DigestSent), so a retry after a mail-server failure sends only the ones still missing."""
    on = datetime.date.fromisoformat(day) if day else clock.today()
    return {"sent": digest.send_task_digests(on)}


@shared_task(autoretry_for=(OSError,), retry_backoff=30, max_retries=5)
def issue_decision_letter(decision_id: int) -> int:
    """Make the vedtaksbrev of an approved decision (idempotent: one letter per decision)."""
    from decisions.documents import letter_issue

    return letter_issue(decision_id=decision_id).pk


@shared_task
def issue_missing_documents() -> dict[str, int]:
    """Nightly sweep for jobs that never reached the broker: letters of approved decisions
    that have none, and certificate batches left unfinished for more than an hour."""
    from decisions.documents import (
        certificate_batch_run,
        letter_issue,
        letters_missing,
        stale_certificate_batches,
    )

    missing = letters_missing()
    for decision_id in missing:
        letter_issue(decision_id=decision_id)
    stale = stale_certificate_batches()
    for batch_id in stale:
        certificate_batch_run(batch_id)
    return {"letters": len(missing), "batches": len(stale)}


@shared_task
def issue_certificate_batch(batch_id: int) -> dict[str, int]:
    """A leader's batch of deltakerbevis; progress is counted on the CertificateBatch row."""
    from decisions.documents import certificate_batch_run

    batch = certificate_batch_run(batch_id)
    return {"total": batch.total, "done": batch.done, "failed": batch.failed}
