"""Keyboard only, and the Content-Security-Policy in a real browser.

1. The main caseworker flow with nothing but Tab, Shift+Tab, arrow keys, Space, Enter and
   typing: Kari logs in, registers a participant, registers the application, assesses it,
   drafts a grant and sends it for approval; Ingrid logs in and approves it. Every control
   the flow lands on must show a visible focus indicator (WCAG 2.4.7): its outline or box
   shadow (or that of its Aksel wrapper's ::after ring) differs between focused and not.
   Pages are scanned with axe on the way.
2. The pages, with htmx at work, in a browser that enforces the policy (no bypass): not one
   CSP violation. A planted inline script proves the detector sees violations.
"""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import expect

from caseworker.models import Role
from decisions import rules
from decisions.models import Application, Decision, DecisionStatus
from kvp import clock
from participants.models import Participant
from tests.e2e.test_participant_flow import PASSWORD, VALID_ID
from tests.factories import UserFactory

pytestmark = pytest.mark.e2e

MAX_TABS = 120

# What the focused element is, and whether focusing it changed how it (or the Aksel wrapper
# that draws its ring) looks: outline and box-shadow of it, its ::before/::after, its parent
# and grandparent and their ::after, focused vs. blurred.
FOCUS_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const label = (el.getAttribute("aria-label")
    || (el.labels && el.labels.length ? el.labels[0].innerText : "")
    || el.innerText || el.value || "").trim().replace(/\\s+/g, " ");
  const nodes = [el, el.parentElement, el.parentElement && el.parentElement.parentElement,
                 el.labels && el.labels[0]].filter(Boolean);
  const look = () => nodes.flatMap(n => [null, "::before", "::after"].map(p => {
    const s = getComputedStyle(n, p);
    return `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor} ${s.boxShadow}`;
  })).join("|");
  const focused = look();
  el.blur();
  const blurred = look();
  el.focus({focusVisible: true});
  const group = el.closest("fieldset");
  const legend = group && group.querySelector("legend");
  return {
    tag: el.tagName.toLowerCase(), type: el.type || "", label,
    legend: legend ? legend.innerText.trim() : "",
    visible: focused !== blurred && document.activeElement === el,
  };
}"""


class Keyboard:
    def __init__(self, page):
        self.page = page
        self.visited: list[str] = []

    def focused(self) -> dict | None:
        return self.page.evaluate(FOCUS_JS)

    def tab_to(
        self, name: str | re.Pattern, *, exact: bool = False, legend: str = "", kind: str = ""
    ) -> dict:
        """Tab forward until the focused control's name matches; each control passed on the
        way must show its focus."""
        for _ in range(MAX_TABS):
            self.page.keyboard.press("Tab")
            info = self.focused()
            if info is None:
                continue
            assert info["visible"], f"no visible focus on {info}"
            self.visited.append(info["label"])
            if legend and legend not in info["legend"]:
                continue
            if kind and info["type"] != kind:
                continue
            label = info["label"]
            if isinstance(name, re.Pattern):
                hit = bool(name.search(label))
            else:
                hit = label == name if exact else name in label
            if hit:
                return info
        raise AssertionError(f"Tab never reached {name!r}; passed {self.visited[-30:]}")

    def type_into(self, name, text: str, **kwargs) -> None:
        self.tab_to(name, **kwargs)
        self.page.keyboard.press("Control+A")
        self.page.keyboard.type(text)

    def choose_radio(self, legend: str, option: str) -> None:
        """Tab into the radio group, then arrow keys (which select) to the option."""
        info = self.tab_to(re.compile("."), legend=legend, kind="radio")
        for _ in range(10):
            if info["label"].startswith(option):
                self.page.keyboard.press("Space")
                return
            self.page.keyboard.press("ArrowDown")
            info = self.focused()
            assert info["visible"], f"no visible focus on {info}"
        raise AssertionError(f"no option {option!r} in {legend!r}")

    def press(self, name, key: str = "Enter", **kwargs) -> None:
        self.tab_to(name, **kwargs)
        self.page.keyboard.press(key)


def fmt(day: datetime.date) -> str:
    return day.strftime("%d.%m.%Y")


@pytest.fixture
def staff(transactional_db, office_a, caseworker):
    """Kari (the root conftest's caseworker, who follows Per) and Ingrid, with a password we
    type (the caseworker fixture first: creating Kari again would reset the password)."""

    def user(username, first, last, roles):
        return UserFactory(
            username=username,
            first_name=first,
            last_name=last,
            roles=roles,
            office=office_a,
            password=PASSWORD,
        )

    return {
        "kari": user("Z990001", "Kari", "Nordmann", [Role.CASEWORKER]),
        "ingrid": user("Z990003", "Ingrid", "Berg", [Role.APPROVER]),
    }


def keyboard_log_in(kb: Keyboard, base: str, ident: str) -> None:
    kb.page.goto(f"{base}/logg-inn/")
    kb.type_into("NAV-ident", ident)
    kb.type_into("Passord", PASSWORD)
    kb.press("Logg inn", exact=True)
    expect(kb.page.get_by_role("button", name="Logg ut")).to_be_visible()


def test_main_flow_by_keyboard_only(page, axe, live_server, staff, office_a):
    base = live_server.url
    today = clock.today()
    kb = Keyboard(page)

    # --- Kari: log in and register a participant.
    keyboard_log_in(kb, base, "Z990001")
    kb.press("Ny deltaker", exact=True)
    expect(page.get_by_role("heading", level=1)).to_have_text("Ny deltaker")
    kb.type_into("Fødselsnummer eller D-nummer", VALID_ID)
    kb.type_into("Fornavn", "Per", exact=True)
    kb.type_into("Etternavn", "Tastesen", exact=True)
    kb.press("Lagre", exact=True)
    expect(page.get_by_role("heading", level=1)).to_have_text("Per Tastesen")
    participant = Participant.objects.get(last_name="Tastesen")
    axe("participant page (keyboard)")

    # --- The application: received three days ago on paper.
    kb.press("Registrer søknad", exact=True)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Registrer søknad om kvalifiseringsprogram"
    )
    kb.type_into("Mottatt dato", fmt(today - datetime.timedelta(days=3)))
    kb.choose_radio("Hvordan kom søknaden inn?", "Papirsøknad")
    kb.press("Registrer søknaden")
    expect(page).to_have_url(re.compile(r"/sak/soknad/\d+/$"))
    application = Application.objects.get(participant=participant)
    expect(page).to_have_url(f"{base}/sak/soknad/{application.pk}/")
    axe("application page (keyboard)")

    # --- The assessment: four conditions fulfilled, benefits checked, work capacity.
    for _ in range(4):
        kb.choose_radio("", "Oppfylt")
        kb.type_into("Begrunnelse", "Vurdert i samtale med søkeren.")
    for benefit in ("Arbeidsavklaringspenger (AAP)", "Uføretrygd", "Overgangsstønad"):
        kb.press(benefit, "Space")
    kb.type_into("Dato for arbeidsevnevurderingen", fmt(today - datetime.timedelta(days=20)))
    kb.type_into("Referanse til arbeidsevnevurderingen", "AEV-2026-17")
    kb.press("Lagre vurderingen")
    expect(page.get_by_role("status")).to_contain_text("Vilkårsvurderingen er lagret")

    # --- The grant: draft it and send it for approval.
    kb.press("Lag utkast til innvilgelse")
    expect(page.get_by_role("heading", level=1)).to_have_text("Utkast til vedtak om innvilgelse")
    kb.type_into("Periode fra", fmt(today))
    kb.type_into("Periode til", fmt(rules.add_years(today, 1) - datetime.timedelta(days=1)))
    kb.type_into("Begrunnelse", "Per fyller vilkårene i § 29.", exact=True)
    kb.press("Lagre utkast")
    expect(page).to_have_url(re.compile(r"/sak/vedtak/\d+/$"))
    grant = Decision.objects.get(application=application)
    expect(page).to_have_url(f"{base}/sak/vedtak/{grant.pk}/")
    kb.press("Send til godkjenning")
    expect(page.get_by_role("status")).to_contain_text("sendt til godkjenning")
    axe("decision sent (keyboard)")
    kb.press("Logg ut")
    expect(page).to_have_url(f"{base}/logg-inn/")

    # --- Ingrid: from the front page to the queue, the decision, and approve.
    keyboard_log_in(kb, base, "Z990003")
    kb.press(re.compile("vedtak venter på godkjenning"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Til godkjenning")
    kb.press(re.compile("Innvilgelse"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Vedtak om innvilgelse")
    kb.press("Godkjenn vedtaket")
    expect(page.get_by_role("status")).to_contain_text("er godkjent og gjelder nå")
    grant.refresh_from_db()
    assert grant.status == DecisionStatus.APPROVED and grant.approved_by == staff["ingrid"]
    axe("decision approved (keyboard)")

    assert len(kb.visited) > 20, kb.visited
    assert page.js_errors == [], page.js_errors
    axe.assert_clean()


# --- Content-Security-Policy enforced ---------------------------------------------------------

CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture
def strict_page(browser):
    """A browser tab that enforces the Content-Security-Policy (the axe fixture's does not)."""
    context = browser.new_context(locale="nb-NO", timezone_id="Europe/Oslo")
    context.set_default_timeout(15_000)
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    console: list[str] = []
    page.on(
        "console",
        lambda msg: (
            console.append(msg.text)
            if "Content Security Policy" in msg.text or "Refused to" in msg.text
            else None
        ),
    )
    page.csp_console = console  # type: ignore[attr-defined]
    yield page
    context.close()


def violations(page) -> list[str]:
    return page.evaluate("() => window.__cspViolations") + page.csp_console


def test_no_csp_violations_on_the_pages_with_htmx_at_work(
    strict_page, live_server, staff, participant
):
    page, base = strict_page, live_server.url
    page.goto(f"{base}/logg-inn/")
    page.get_by_label("NAV-ident").fill("Z990001")
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("button", name="Logg ut")).to_be_visible()
    for path in [
        "/",
        "/deltakere/",
        f"/deltakere/{participant.pk}/",
        f"/deltakere/{participant.pk}/barn/",
        f"/deltakere/{participant.pk}/endre/",
        "/deltakere/ny/",
        "/sak/oppgaver/",
        f"/sak/deltaker/{participant.pk}/ny-soknad/",
        "/finnes-ikke/",
    ]:
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
    # htmx: the live search swaps results in without a page load.
    page.goto(f"{base}/deltakere/")
    page.get_by_label("Søk etter navn eller fødselsnummer").fill("Petters")
    expect(page.get_by_role("link", name=re.compile("Pettersen, Per"))).to_be_visible()
    expect(page).to_have_url(re.compile(r"[?&]q=Petters"))
    assert violations(page) == []

    # The detector is not blind: an inline script planted in the page is blocked and seen.
    page.evaluate(
        """() => { const s = document.createElement("script");
                   s.textContent = "window.__ran = true"; document.body.append(s); }"""
    )
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.__ran === undefined")
    assert any("script-src" in v for v in violations(page)), violations(page)


def test_focus_check_sees_a_missing_focus_indicator(page, live_server, transactional_db):
    """The focus check is not vacuous: with every outline and shadow removed, it fails."""
    page.goto(f"{live_server.url}/logg-inn/")
    kb = Keyboard(page)
    page.keyboard.press("Tab")
    assert kb.focused()["visible"]  # the skip link, as the app draws it
    page.add_style_tag(
        content="*, *::before, *::after { outline: none !important; box-shadow: none !important; }"
    )
    page.keyboard.press("Tab")
    info = kb.focused()
    assert info is not None and not info["visible"], info
