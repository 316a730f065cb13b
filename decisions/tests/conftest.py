"""Case fixtures: an assessed application and a programme granted 200 days ago."""

import pytest

from caseworker.audit import AuditContext
from decisions import services
from decisions.selectors import open_programme
from decisions.tests.helpers import ALL_FULFILLED, add_years, approve, days, draft


@pytest.fixture
def as_caseworker(caseworker):
    return AuditContext(actor=caseworker, client_address="127.0.0.1")


@pytest.fixture
def as_approver(approver):
    return AuditContext(actor=approver, client_address="127.0.0.1")


@pytest.fixture
def application(participant, as_caseworker, today):
    app = services.application_register(
        ctx=as_caseworker,
        participant=participant,
        data={"received_on": today - days(220), "received_via": "digital"},
    )
    return services.application_assess(
        ctx=as_caseworker,
        application=app,
        assessments=ALL_FULFILLED,
        data={
            "benefits_checked": ["aap", "uforetrygd", "overgangsstonad"],
            "entitled_benefits": [],
            "work_capacity_assessed_on": today - days(215),
            "work_capacity_reference": "AEV-2026-1",
        },
        expected_version=app.version,
    )


@pytest.fixture
def programme(application, participant, as_caseworker, as_approver, today):
    """Granted from 200 days ago for one year."""
    start = today - days(200)
    grant = draft(
        as_caseworker,
        "grant",
        participant,
        application=application,
        period_start=start,
        period_end=add_years(start, 1) - days(1),
    )
    approve(grant, as_caseworker, as_approver)
    return open_programme(participant.pk)
