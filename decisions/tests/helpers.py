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
