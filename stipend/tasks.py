from celery import shared_task

from stipend import services


@shared_task
def regulate_payment_bases(base_amount_id: int) -> dict[str, int]:
    """S2: after a new G is registered, recompute the payment bases it affects and add back
    pay. Idempotent: a re-run adds nothing (see services.payment_bases_regulate)."""
    return services.payment_bases_regulate(base_amount_id=base_amount_id)


@shared_task
def run_office_stipend(run_id: int) -> dict[str, int] | None:
    """The stipend run a caseworker or leader started from the office page: computes the
    office's payment bases for the period and records the result on the OfficeRun row.
    Idempotent: only a queued run is claimed, so a redelivered message does nothing."""
    run = services.office_run_execute(run_id)
    if run is None:
        return None
    return {"created": run.created, "recomputed": run.recomputed, "failed": run.failed}
