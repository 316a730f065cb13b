"""Attendance in a browser (issue 6): a caseworker opens Oppmøte, goes to last week, registers
absence with the keyboard only (focus, type-ahead in the select, Tab, Enter), sees the counter
on the stipend page, computes and approves the payment basis; axe on every page."""

import re

import pytest
from playwright.sync_api import expect

from stipend.models import Absence, PaymentBasis
from tests.e2e.conftest import axe, browser, page  # noqa: F401  (fixtures for this module)
from tests.e2e.test_participant_flow import PASSWORD, log_in

# Stipend computed for the last period needs that year's G and barnetillegg rate (S2, S4), which
# are known only up to the present: these tests run on the stipend tests' FIGURES_DAY.
pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("on_figures_day")]


def test_caseworker_registers_a_week_with_the_keyboard(
    page,  # noqa: F811
    axe,  # noqa: F811
    live_server,
    transactional_db,
    g_register,
    caseworker,
    participant,
    programme,
):
    caseworker.set_password(PASSWORD)
    caseworker.save()
    log_in(page, live_server.url, "Z990001")
    page.get_by_role("link", name="Oppmøte").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Oppmøte uke")
    page.get_by_role("link", name="Forrige uke").click()
    expect(page.get_by_role("rowheader", name=re.compile("Per Pettersen"))).to_be_visible()
    axe("attendance week")

    selects = page.locator("table select")
    first = selects.first
    first.focus()
    page.keyboard.type("Egen")  # type-ahead picks "Egenmelding"
    expect(first).to_have_value("egenmelding")
    page.keyboard.press("Tab")  # on to the next day, left as "Til stede"
    expect(selects.nth(1)).to_be_focused()
    page.get_by_role("button", name="Lagre oppmøte").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Oppmøtet er lagret for 1 deltaker")
    expect(page.locator("table select").first).to_have_value("egenmelding")
    axe("after saving")
    assert Absence.objects.get().kind == "egenmelding"

    page.get_by_role("link", name="Per Pettersen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fravær og stønad")
    expect(page.get_by_text("Egenmeldinger siste 12 måneder")).to_be_visible()
    expect(page.locator(".kvp-counters")).to_contain_text("1 av 4")
    axe("stipend page")
    period = page.get_by_label(re.compile("Utbetalingsperiode"))
    expect(period.locator("option:checked")).not_to_contain_text("pågår")  # the last one over
    page.get_by_role("button", name="Beregn utbetalingsgrunnlag").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Utbetalingsgrunnlag")
    expect(page.locator("tbody")).to_contain_text("Stønad")
    axe("payment basis")
    page.get_by_role("button", name="Godkjenn utbetalingsgrunnlaget").click()
    expect(page.get_by_role("status")).to_contain_text("godkjent")
    assert PaymentBasis.objects.get().is_approved
    assert not page.js_errors
    axe.assert_clean()
