"""The dashboard in a browser: a leader reads the figures, follows a number to the
participants behind it, opens the KOSTRA report, and every page passes axe (WCAG 2.1 AA)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from caseworker.audit import AuditContext
from caseworker.models import Role
from decisions import services
from decisions.tests.helpers import ALL_FULFILLED, add_years, approve, days, draft
from kvp import clock
from tests.e2e.conftest import axe, browser, page  # noqa: F401  (fixtures for this module)
from tests.e2e.test_participant_flow import PASSWORD, log_in
from tests.factories import UserFactory

pytestmark = pytest.mark.e2e


def test_leader_drills_from_the_dashboard_to_the_participants(
    page,  # noqa: F811
    axe,  # noqa: F811
    live_server,
    transactional_db,
    office_a,
    caseworker,
    approver,
    participant,
):
    UserFactory(
        username="Z990004",
        first_name="Lise",
        last_name="Dahl",
        roles=[Role.LEADER],
        office=office_a,
        password=PASSWORD,
    )
    today = clock.today()
    as_caseworker, as_approver = AuditContext(actor=caseworker), AuditContext(actor=approver)
    application = services.application_register(
        ctx=as_caseworker,
        participant=participant,
        data={"received_on": today - days(60), "received_via": "digital"},
    )
    application = services.application_assess(
        ctx=as_caseworker,
        application=application,
        assessments=ALL_FULFILLED,
        data={
            "benefits_checked": ["aap"],
            "entitled_benefits": [],
            "work_capacity_assessed_on": today - days(55),
            "work_capacity_reference": "AEV-1",
        },
        expected_version=application.version,
    )
    start = today - days(30)
    grant = draft(
        as_caseworker,
        "grant",
        participant,
        application=application,
        period_start=start,
        period_end=add_years(start, 1) - days(1),
    )
    approve(grant, as_caseworker, as_approver)

    log_in(page, live_server.url, "Z990004")
    page.get_by_role("link", name="Statistikk").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ledelsesstatistikk")
    expect(page.get_by_role("table", name="Deltakere per veileder")).to_contain_text(
        "Kari Nordmann"
    )
    axe("dashboard")
    page.get_by_role("link", name=re.compile("deltakere i program i perioden")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Deltakere i program i perioden")
    expect(page.get_by_role("row", name=re.compile("Per Pettersen"))).to_be_visible()
    axe("drill-down")
    page.get_by_role("link", name="Ledelsesstatistikk").click()
    page.get_by_role("link", name="KOSTRA-rapport til SSB").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("KOSTRA-rapport")
    # Per has no sex or civil status yet: errors, each with a link to fix it.
    page.get_by_label("År", exact=True).select_option(str(today.year))
    page.get_by_role("button", name="Kontroller").click()
    expect(page.get_by_role("table", name="Feil og advarsler per deltaker")).to_contain_text(
        "Kjønn er ikke registrert."
    )
    axe("kostra")
    assert not page.js_errors
    axe.assert_clean()
