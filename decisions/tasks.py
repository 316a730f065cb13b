from celery import shared_task
from django.utils import timezone

from decisions.deadlines import scan_deadlines


@shared_task
def scan_deadlines_task() -> dict[str, dict[str, int]]:
    """Nightly: create the day's deadline tasks and close those whose cause is gone.
    Idempotent (one task per cause and due date); a run that finds another scan holding the
    lock does nothing, since that scan does the same work."""
    result = scan_deadlines(timezone.localdate())
    return {"created": result.created, "closed": result.closed, "skipped": result.skipped}
