"""The worklist in a browser: a leader sees the office's deadline tasks, reassigns one with
the keyboard-reachable checkboxes, and every page passes axe (WCAG 2.1 A/AA)."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from caseworker.audit import AuditContext
from caseworker.models import Role
from decisions import services
from decisions.deadlines import scan_deadlines
from decisions.models import SYSTEM_TASK_KINDS, Task
from kvp import clock
from tests.e2e.conftest import axe, browser, page  # noqa: F401  (fixtures for this module)
from tests.e2e.test_participant_flow import PASSWORD, log_in
from tests.factories import UserFactory

pytestmark = pytest.mark.e2e


def test_leader_reassigns_an_overdue_task_from_the_office_worklist(
    page,  # noqa: F811
    axe,  # noqa: F811
    live_server,
    transactional_db,
    office_a,
    caseworker,
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
    UserFactory(
        username="Z990002",
        first_name="Ola",
        last_name="Hansen",
        roles=[Role.CASEWORKER],
        office=office_a,
        password=PASSWORD,
    )
    today = clock.today()
    services.application_register(
        ctx=AuditContext(actor=caseworker),
        participant=participant,
        data={"received_on": today - datetime.timedelta(days=45), "received_via": "papir"},
    )
    scan_deadlines(today)
    task = Task.objects.exclude(kind__in=SYSTEM_TASK_KINDS).get()  # not S2 (no G for 2026)

    log_in(page, live_server.url, "Z990004")
    page.get_by_role("link", name=re.compile("^Oppgaver")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Oppgaver")
    axe("my tasks")
    page.get_by_role("link", name="Kontorets oppgaver").click()
    row = page.get_by_role("row", name=re.compile("Pettersen, Per"))
    expect(row).to_contain_text("Forfalt")
    expect(row).to_contain_text("foreløpig svar")
    axe("office tasks")
    row.get_by_role("checkbox").check()
    assignee = page.get_by_label("Tildel valgte oppgaver til")
    option = assignee.locator("option", has_text="Ola Hansen").first.get_attribute("value")
    assignee.select_option(value=option)
    page.get_by_role("button", name="Tildel valgte").click()
    expect(page.get_by_role("status")).to_contain_text("1 oppgave er tildelt Ola Hansen")
    axe("after reassigning")
    task.refresh_from_db()
    assert task.assignee.username == "Z990002"
    assert not page.js_errors
    axe.assert_clean()
