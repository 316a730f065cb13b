"""A caseworker's first day, in a real browser: log in, mistype a fødselsnummer, register the
participant, read their page, and — as a caseworker of another office — be refused.

Every page on the way is scanned with axe-core (WCAG 2.1 A and AA); a serious or critical
violation fails the test. Screenshots land in /tmp/e2e-*.png.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from caseworker.models import AuditEvent, Role
from participants.models import Participant
from tests.factories import UserFactory

pytestmark = pytest.mark.e2e

PASSWORD = "Et langt passord for testing 42"
VALID_ID = "15108695088"  # a real, valid fødselsnummer: born 15.10.1986
BAD_CHECK_DIGITS = "15108695077"


@pytest.fixture
def staff(transactional_db, office_a, office_b):
    """Kari at office A and Sofie at office B, with a password we type into the form."""
    kari = UserFactory(
        username="Z990001",
        first_name="Kari",
        last_name="Nordmann",
        roles=[Role.CASEWORKER],
        office=office_a,
        password=PASSWORD,
    )
    sofie = UserFactory(
        username="Z990011",
        first_name="Sofie",
        last_name="Johansen",
        roles=[Role.CASEWORKER],
        office=office_b,
        password=PASSWORD,
    )
    return kari, sofie


def log_in(page, base_url: str, ident: str, axe=None) -> None:
    page.goto(f"{base_url}/logg-inn/")
    expect(page).to_have_title(re.compile("Logg inn"))
    if axe:
        axe("login")
    page.get_by_label("NAV-ident").fill(ident)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("button", name="Logg ut")).to_be_visible()


def test_register_participant_and_be_refused_at_the_other_office(
    page, axe, live_server, staff, office_a
):
    kari, sofie = staff
    base = live_server.url

    # Kari logs in through the login form.
    log_in(page, base, kari.username, axe)
    expect(page.get_by_text("Kari Nordmann")).to_be_visible()

    # The participant list, empty for now.
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Deltakere").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Deltakere")
    axe("participant list")

    # A mistyped fødselsnummer: the form comes back with a Norwegian error, nothing is saved.
    page.get_by_role("link", name="Ny deltaker").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ny deltaker")
    page.get_by_label("Fødselsnummer eller D-nummer").fill(BAD_CHECK_DIGITS)
    page.get_by_label("Fornavn", exact=True).fill("Per")
    page.get_by_label("Etternavn", exact=True).fill("Testesen")
    page.get_by_role("button", name="Lagre").click()

    summary = page.locator(".aksel-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Kontrollsifrene stemmer ikke")
    expect(page.locator("#id_national_id_error")).to_contain_text("Kontrollsifrene stemmer ikke")
    expect(page.get_by_label("Fødselsnummer eller D-nummer")).to_have_attribute(
        "aria-invalid", "true"
    )
    # Keyboard and screen-reader users land on the summary (static/js/kvp.js).
    expect(summary).to_be_focused()
    # What was typed is kept, so only the mistake needs fixing.
    expect(page.get_by_label("Fornavn", exact=True)).to_have_value("Per")
    assert Participant.objects.count() == 0
    assert not AuditEvent.objects.filter(action="create").exists()
    axe("create form with errors")

    # The error summary link takes the user to the field.
    summary.get_by_role("link", name=re.compile("Kontrollsifrene")).click()
    expect(page.get_by_label("Fødselsnummer eller D-nummer")).to_be_focused()

    # Corrected: saved, and Kari lands on the participant's page.
    page.get_by_label("Fødselsnummer eller D-nummer").fill(VALID_ID)
    page.get_by_role("button", name="Lagre").click()
    participant = Participant.objects.get()
    expect(page).to_have_url(f"{base}/deltakere/{participant.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Per Testesen")
    expect(page.get_by_text("151086 95088")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Per Testesen er registrert")
    assert (participant.office, participant.caseworker) == (office_a, kari)
    assert participant.birth_date.strftime("%d.%m.%Y") == "15.10.1986"
    axe("participant page")

    # The list finds Per as Kari types (htmx swaps the results in, no page load).
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Deltakere").click()
    search = page.get_by_label("Søk etter navn eller fødselsnummer")
    search.fill("Hansen")
    expect(page.get_by_text("Ingen deltakere passer med søket")).to_be_visible()
    search.fill("Testes")
    expect(page.get_by_role("link", name="Testesen, Per")).to_be_visible()
    expect(page).to_have_url(re.compile(r"[?&]q=Testes"))
    axe("participant list with a search result")

    # Kari logs out; Sofie from the other office logs in and tries the same address.
    page.get_by_role("button", name="Logg ut").click()
    expect(page).to_have_url(f"{base}/logg-inn/")
    log_in(page, base, sofie.username)
    response = page.goto(f"{base}/deltakere/{participant.pk}/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Fant ikke siden")
    expect(page.get_by_text("Per Testesen")).to_have_count(0)
    expect(page.get_by_text("151086 95088")).to_have_count(0)
    axe("not found for the other office")

    # The refusal is in the audit log, as a deny for Sofie.
    assert AuditEvent.objects.filter(
        actor=sofie, participant_id=participant.pk, outcome="deny"
    ).exists()
    assert page.js_errors == [], page.js_errors
    axe.assert_clean()


def test_axe_scan_reports_serious_violations(page, axe, live_server, transactional_db):
    """The scan is not vacuous: violations planted in a real page are reported."""
    page.goto(f"{live_server.url}/logg-inn/")
    page.evaluate(
        """() => {
            const main = document.querySelector("main");
            main.append(document.createElement("button"));  // no accessible name
            const img = document.createElement("img");  // no alt text
            img.src = "/static/img/favicon.svg";
            main.append(img);
        }"""
    )
    found = {violation["id"] for violation in axe("planted violations")}
    assert {"button-name", "image-alt"} <= found
    with pytest.raises(AssertionError, match="button-name"):
        axe.assert_clean()
