"""The plan in a browser: a caseworker opens the plan from the programme page, sees the P1
warning, adds a full-time activity with the keyboard, and the warning is gone. Every page passes
axe (WCAG 2.1 A/AA)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from decisions.rules import add_months
from decisions.selectors import programme_history
from plans import rules, services
from tests.e2e.conftest import axe, browser, page  # noqa: F401  (fixtures for this module)
from tests.e2e.test_participant_flow import PASSWORD, log_in

pytestmark = pytest.mark.e2e


def test_caseworker_adds_an_activity_with_the_keyboard_and_the_p1_warning_goes(
    page,  # noqa: F811
    axe,  # noqa: F811
    live_server,
    transactional_db,
    caseworker,
    programme,
    as_caseworker,
):
    caseworker.set_password(PASSWORD)
    caseworker.save()
    history = programme_history(programme)
    span, stage = rules.programme_span(history), rules.final_stage(history)
    services.activity_add(
        ctx=as_caseworker,
        programme=programme,
        data={
            "activity_type": "arbeidssoking",
            "name": "Jobbklubb",
            "start": stage.start,
            "end": span.end,
            "weekdays": [0, 2],
            "hours_per_week": Decimal("6"),
        },
    )
    for months in (5, 10):
        services.evaluation_add(
            ctx=as_caseworker,
            programme=programme,
            data={"date": add_months(span.start, months)},
        )

    log_in(page, live_server.url, "Z990001")
    page.goto(f"{live_server.url}/sak/program/{programme.pk}/")
    axe("programme")
    page.get_by_role("link", name=re.compile("^Programplan")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Programplan")
    warnings = page.locator("#plan-sjekk .aksel-alert")
    expect(warnings).to_have_count(1)
    expect(warnings.first).to_contain_text("mindre enn full tid")
    expect(warnings.first).to_contain_text("(P1)")
    axe("plan with P1 warning")

    fmt = lambda day: day.strftime("%d.%m.%Y")  # noqa: E731
    page.get_by_label("Aktivitetstype").focus()
    page.keyboard.type("Arbeidsp")  # a focused select jumps to the option typed
    expect(page.get_by_label("Aktivitetstype")).to_have_value("arbeidspraksis")
    page.keyboard.press("Tab")
    page.keyboard.type("Praksis på lager")
    page.get_by_label(re.compile("^Fra og med")).focus()
    page.keyboard.type(fmt(span.start))
    page.keyboard.press("Tab")
    page.keyboard.type(fmt(span.end))
    for day in ("Mandag", "Tirsdag", "Onsdag", "Torsdag", "Fredag"):
        expect(page.get_by_label(day, exact=True)).to_be_checked()
    page.get_by_label(re.compile("^Timer per uke")).focus()
    page.keyboard.type("37,5")
    page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_contain_text("Aktiviteten er lagt til i planen.")
    expect(page.locator("#plan-sjekk")).not_to_contain_text("(P1)")
    expect(page.locator("#plan-sjekk .aksel-alert--success")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Praksis på lager"))).to_contain_text("37,5")
    axe("plan without warnings")

    page.get_by_role("link", name="Endre Praksis på lager").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Endre aktivitet: Praksis på lager")
    axe("edit activity")
    page.get_by_label(re.compile("^Timer per uke")).fill("30")
    page.get_by_role("button", name="Lagre aktiviteten").click()
    expect(page.get_by_role("status")).to_contain_text("Aktiviteten er endret.")
    expect(page.locator("#plan-sjekk")).to_contain_text("(P1)")
    assert not page.js_errors
    axe.assert_clean()


def test_leader_adds_a_measure_to_the_office_catalogue(
    page,  # noqa: F811
    axe,  # noqa: F811
    live_server,
    transactional_db,
    leader,
):
    leader.set_password(PASSWORD)
    leader.save()
    log_in(page, live_server.url, "Z990004")
    page.get_by_role("link", name="Tiltakskatalog").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tiltakskatalog")
    axe("empty catalogue")
    providers = page.locator("section", has=page.get_by_role("heading", name="Leverandører"))
    providers.get_by_label("Navn").fill("Jobbsenteret AS")
    providers.get_by_label("Organisasjonsnummer").fill("974760674")
    page.get_by_role("button", name="Legg til leverandør").click()
    expect(providers.locator(".aksel-error-message")).to_contain_text(
        "Organisasjonsnummeret er ikke gyldig"
    )
    axe("provider error")
    page.get_by_label("Organisasjonsnummer").fill("974760673")
    page.get_by_role("button", name="Legg til leverandør").click()
    expect(page.get_by_role("status")).to_contain_text("Leverandøren er lagt til i katalogen.")
    measures = page.locator("section", has=page.get_by_role("heading", name="Tiltak", exact=True))
    measures.get_by_label("Navn").fill("Jobbklubb")
    measures.get_by_label("Aktivitetstype").select_option("arbeidssoking")
    measures.get_by_label("Leverandør").select_option(label="Jobbsenteret AS")
    page.get_by_role("button", name="Legg til tiltak").click()
    expect(page.get_by_role("status")).to_contain_text("Tiltaket er lagt til i katalogen.")
    expect(page.get_by_role("row", name=re.compile("Jobbklubb"))).to_contain_text("Jobbsenteret AS")
    axe("catalogue with a measure")
    assert not page.js_errors
    axe.assert_clean()
