"""Helpers for the case tests: dates and the draft → send → approve round trip."""

import datetime

from decisions import services

ALL_FULFILLED = {
    c: (True, "Vurdert i samtale og dokumentert.")
    for c in (
        "reduced_capacity",
        "no_or_limited_benefits",
        "work_capacity_assessed",
        "close_follow_up_needed",
    )
}


def days(n):
    return datetime.timedelta(days=n)


def add_years(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def approve(decision, ctx_drafter, ctx_approver):
    decision = services.decision_send_for_approval(
        ctx=ctx_drafter, decision=decision, expected_version=decision.version
    )
    return services.decision_approve(
        ctx=ctx_approver, decision=decision, expected_version=decision.version
    )


def draft(ctx, kind, participant, *, application=None, programme=None, **data):
    data.setdefault("reasoning", "Begrunnelse med regler, fakta og hovedhensyn.")
    return services.decision_draft(
        ctx=ctx,
        kind=kind,
        participant=participant,
        application=application,
        programme=programme,
        data=data,
    )


def running_programme(drafter, approver, participant, today):
    """A programme granted through the services 60 days ago for a year, its application
    received 90 days ago and assessed as fulfilled; returns the open programme."""
    from caseworker.audit import AuditContext
    from decisions import rules
    from decisions.selectors import open_programme

    ctx = {u: AuditContext(actor=u, client_address="127.0.0.1") for u in (drafter, approver)}
    application = services.application_register(
        ctx=ctx[drafter],
        participant=participant,
        data={"received_on": today - days(90), "received_via": "digital"},
    )
    services.application_assess(
        ctx=ctx[drafter],
        application=application,
        assessments={c: (True, "Vurdert.") for c in ALL_FULFILLED},
        data={"benefits_checked": ["aap", "uforetrygd", "overgangsstonad"]},
        expected_version=application.version,
    )
    start = today - days(60)
    grant = services.decision_draft(
        ctx=ctx[drafter],
        kind="grant",
        participant=participant,
        application=application,
        data={
            "period_start": start,
            "period_end": rules.add_years(start, 1) - days(1),
            "reasoning": "Vilkårene er oppfylt.",
        },
    )
    approve(grant, ctx[drafter], ctx[approver])
    return open_programme(participant.pk)
