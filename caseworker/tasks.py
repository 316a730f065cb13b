from celery import shared_task
from django.contrib.sessions.models import Session

from kvp import clock


@shared_task
def clear_expired_sessions() -> int:
    """Delete sessions past their expiry (30 minutes idle), so a stolen cookie of a closed
    session is worthless and the table stays small. Idempotent."""
    deleted, _ = Session.objects.filter(expire_date__lt=clock.now()).delete()
    return deleted
