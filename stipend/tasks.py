from celery import shared_task

from stipend import services


@shared_task
def regulate_payment_bases(base_amount_id: int) -> dict[str, int]:
    """S2: after a new G is registered, recompute the payment bases it affects and add back
    pay. Idempotent: a re-run adds nothing (see services.payment_bases_regulate)."""
    return services.payment_bases_regulate(base_amount_id=base_amount_id)
