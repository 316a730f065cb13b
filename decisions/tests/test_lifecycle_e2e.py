"""The vedtak lifecycle in a real browser: Kari registers an application, assesses it and drafts
a grant; Mona, who is both veileder and beslutter, drafted an interruption she cannot approve
herself; Ingrid approves Kari's grant from the queue "Til godkjenning", and the programme page
shows the programme active with its timeline.

Every page on the way is scanned with axe-core (WCAG 2.1 A and AA); a serious or critical
violation fails the test. Screenshots land in /tmp/e2e-*.png.
"""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import expect

from caseworker.audit import AuditContext
from caseworker.models import Role
from decisions import rules, services
from decisions.models import Application, Decision, DecisionStatus, Programme
from decisions.selectors import open_programme
from decisions.tests import helpers
from kvp import clock
from tests.e2e.conftest import axe, browser, page  # noqa: F401  (fixtures for this module)
from tests.e2e.test_participant_flow import PASSWORD, log_in
from tests.factories import ParticipantFactory, UserFactory

pytestmark = pytest.mark.e2e

CONDITIONS = (
    "reduced_capacity",
    "no_or_limited_benefits",
    "work_capacity_assessed",
    "close_follow_up_needed",
)


@pytest.fixture
def staff(transactional_db, office_a, caseworker):
    """Kari (the root conftest's caseworker, who follows Per), Ingrid and Mona, with a
    password we type into the login form."""

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
        "mona": user("Z990006", "Mona", "Lund", [Role.CASEWORKER, Role.APPROVER]),
    }


def fmt(day: datetime.date) -> str:
    return day.strftime("%d.%m.%Y")


def mona_sends_an_interruption(staff, office_a, today) -> Decision:
    """Another participant's running programme, with an interruption Mona drafted and sent."""
    kari, ingrid, mona = staff["kari"], staff["ingrid"], staff["mona"]
    person = ParticipantFactory(first_name="Ola", last_name="Eksempel", office=office_a)
    ctx = {u: AuditContext(actor=u, client_address="127.0.0.1") for u in (kari, ingrid, mona)}
    helpers.running_programme(kari, ingrid, person, today)
    interruption = services.decision_draft(
        ctx=ctx[mona],
        kind="interruption",
        participant=person,
        programme=open_programme(person.pk),
        data={
            "effective_date": today,
            "reasoning": "Arbeidsutprøving hos arbeidsgiver i fire uker.",
            "details": {"interruption_reason": "Arbeidsutprøving"},
        },
    )
    return services.decision_send_for_approval(
        ctx=ctx[mona], decision=interruption, expected_version=interruption.version
    )


def test_grant_is_drafted_approved_in_the_queue_and_the_programme_is_active(
    page,  # noqa: F811
    axe,  # noqa: F811
    live_server,
    staff,
    participant,
    office_a,
):
    base = live_server.url
    today = clock.today()
    monas = mona_sends_an_interruption(staff, office_a, today)

    # --- Kari registers Per's application from his page.
    log_in(page, base, "Z990001")
    page.goto(f"{base}/deltakere/{participant.pk}/")
    section = page.get_by_role("region", name="Søknader og program")
    expect(section).to_contain_text("Ingen søknader registrert")
    axe("participant page without a case")
    section.get_by_role("link", name="Registrer søknad").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Registrer søknad om kvalifiseringsprogram"
    )
    page.get_by_label("Mottatt dato").fill(fmt(today - datetime.timedelta(days=3)))
    page.get_by_label("Papirsøknad").check()
    axe("register application")
    page.get_by_role("button", name="Registrer søknaden").click()

    # --- The application page: status, due date for an interim reply, the assessment form.
    application = Application.objects.get(participant=participant)
    expect(page).to_have_url(f"{base}/sak/soknad/{application.pk}/")
    expect(page.get_by_role("status")).to_contain_text("Søknaden er registrert")
    due = rules.interim_reply_due(today - datetime.timedelta(days=3))
    expect(page.get_by_text(fmt(due))).to_be_visible()
    axe("application page before assessment")
    form = page.get_by_role("form", name="Vurder vilkårene")
    for fieldset in form.locator("fieldset.kvp-form-section").all()[:4]:
        fieldset.get_by_label("Oppfylt", exact=True).check()
        fieldset.get_by_label("Begrunnelse").fill("Vurdert i samtale med søkeren.")
    benefits = form.get_by_role("group", name="Hvilke ytelser er undersøkt?")
    for name in ("Arbeidsavklaringspenger (AAP)", "Uføretrygd", "Overgangsstønad"):
        benefits.get_by_label(name).check()
    form.get_by_label("Dato for arbeidsevnevurderingen").fill(
        fmt(today - datetime.timedelta(days=20))
    )
    form.get_by_label("Referanse til arbeidsevnevurderingen").fill("AEV-2026-17")
    form.get_by_role("button", name="Lagre vurderingen").click()
    expect(page.get_by_role("status")).to_contain_text("Vilkårsvurderingen er lagret")
    expect(page.get_by_text("Søknaden kan innvilges")).to_be_visible()
    axe("application page assessed")

    # --- Kari drafts a grant from today for one year, and sends it for approval.
    page.get_by_role("link", name="Lag utkast til innvilgelse").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Utkast til vedtak om innvilgelse")
    expect(page.get_by_label("Hjemmel")).to_have_value(re.compile("Sosialtjenesteloven"))
    page.get_by_label("Periode fra").fill(fmt(today))
    page.get_by_label("Periode til").fill(
        fmt(rules.add_years(today, 1) - datetime.timedelta(days=1))
    )
    page.get_by_label("Begrunnelse", exact=True).fill(
        "Per fyller vilkårene i § 29. Programmet skal styrke muligheten for arbeid."
    )
    axe("grant form")
    page.get_by_role("button", name="Lagre utkast").click()
    grant = Decision.objects.get(application=application)
    expect(page).to_have_url(f"{base}/sak/vedtak/{grant.pk}/")
    expect(page.get_by_text("Ingen regler stopper vedtaket")).to_be_visible()
    axe("grant draft")
    page.get_by_role("button", name="Send til godkjenning").click()
    expect(page.get_by_role("status")).to_contain_text("sendt til godkjenning")
    expect(page.locator(".kvp-page-header")).to_contain_text("Til godkjenning")
    page.get_by_role("button", name="Logg ut").click()

    # --- Mona sees her own interruption in the queue but cannot approve it.
    log_in(page, base, "Z990006")
    page.get_by_role("navigation", name="Hovedmeny").get_by_role(
        "link", name="Til godkjenning"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Til godkjenning")
    own_row = page.get_by_role("row", name=re.compile("Eksempel, Ola"))
    expect(own_row).to_contain_text("Skrevet av deg")
    axe("queue as dual-role approver")
    own_row.get_by_role("link", name=re.compile("Midlertidig avbrudd")).click()
    expect(page.get_by_role("button", name="Godkjenn vedtaket")).to_have_count(0)
    expect(page.get_by_text("kan ikke godkjenne det")).to_be_visible()
    axe("own decision, not approvable")
    monas.refresh_from_db()
    assert monas.status == DecisionStatus.AWAITING_APPROVAL
    page.get_by_role("button", name="Logg ut").click()

    # --- Ingrid approves Kari's grant from the queue (oldest first: Mona's came first).
    log_in(page, base, "Z990003")
    expect(page.get_by_text("2 vedtak venter på godkjenning")).to_be_visible()
    axe("front page for approver")
    page.get_by_role("link", name=re.compile("vedtak venter på godkjenning")).click()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Eksempel, Ola")
    expect(rows.nth(1)).to_contain_text("Pettersen, Per")
    expect(rows.nth(1)).to_contain_text("Kari Nordmann")
    axe("queue")
    rows.nth(1).get_by_role("link", name=re.compile("Innvilgelse")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vedtak om innvilgelse")
    axe("decision awaiting approval")
    page.get_by_role("button", name="Godkjenn vedtaket").click()
    expect(page.get_by_role("status")).to_contain_text("er godkjent og gjelder nå")
    grant.refresh_from_db()
    assert grant.status == DecisionStatus.APPROVED and grant.approved_by == staff["ingrid"]
    axe("decision approved")

    # --- The programme page: active from today, with the timeline and its table.
    page.get_by_role("link", name=re.compile("Kvalifiseringsprogram fra")).click()
    programme = Programme.objects.get(participant=participant)
    expect(page).to_have_url(f"{base}/sak/program/{programme.pk}/")
    expect(page.locator(".kvp-page-header")).to_contain_text("Aktiv")
    expect(page.get_by_role("img", name=re.compile("Tidslinje for programmet"))).to_be_visible()
    two_years = rules.add_years(today, 2) - datetime.timedelta(days=1)
    expect(page.get_by_text(f"{fmt(two_years)} (2 år)")).to_be_visible()
    axe("programme page")
    page.get_by_text("Vis tidslinjen som tabell").click()
    expect(page.get_by_role("table", name="Tidslinjen for programmet")).to_contain_text(
        "Vedtaksperiode: Innvilgelse"
    )
    page.goto(f"{base}/deltakere/{participant.pk}/")
    expect(page.get_by_role("region", name="Søknader og program")).to_contain_text("Aktiv")
    axe("participant page with programme")

    assert page.js_errors == [], page.js_errors
    axe.assert_clean()


def test_case_pages_in_other_states_pass_axe(
    page,  # noqa: F811
    axe,  # noqa: F811
    live_server,
    staff,
    participant,
    office_a,
):
    """The pages the lifecycle test does not reach: a programme that was interrupted and
    resumed and has an extension, a returned decision and its edit form, the forms for the
    other kinds (with the rules' refusals shown), an old application, and closing one."""
    base = live_server.url
    today = clock.today()
    kari, ingrid = staff["kari"], staff["ingrid"]
    ctx = {u: AuditContext(actor=u, client_address="127.0.0.1") for u in (kari, ingrid)}
    day = datetime.timedelta(days=1)

    def approve(decision):
        decision = services.decision_send_for_approval(
            ctx=ctx[kari], decision=decision, expected_version=decision.version
        )
        return services.decision_approve(
            ctx=ctx[ingrid], decision=decision, expected_version=decision.version
        )

    def draft(kind, **data):
        return services.decision_draft(
            ctx=ctx[kari],
            kind=kind,
            participant=participant,
            programme=Programme.objects.get(participant=participant),
            data={"reasoning": "Begrunnelse med regler, fakta og hovedhensyn.", **data},
        )

    start = today - 400 * day
    application = services.application_register(
        ctx=ctx[kari],
        participant=participant,
        data={"received_on": start - 30 * day, "received_via": "digital"},
    )
    services.application_assess(
        ctx=ctx[kari],
        application=application,
        assessments={c: (True, "Vurdert.") for c in CONDITIONS},
        data={"benefits_checked": ["aap", "uforetrygd", "overgangsstonad"]},
        expected_version=application.version,
    )
    approve(
        services.decision_draft(
            ctx=ctx[kari],
            kind="grant",
            participant=participant,
            application=application,
            data={
                "period_start": start,
                "period_end": rules.add_years(start, 1) - day,
                "reasoning": "Vilkårene er oppfylt.",
            },
        )
    )
    approve(
        draft(
            "interruption",
            effective_date=today - 120 * day,
            details={"interruption_reason": "Arbeidsutprøving"},
        )
    )
    approve(draft("resumption", effective_date=today - 60 * day, details={"a3_assessment": "Ok."}))
    approve(
        draft(
            "extension",
            period_start=rules.add_years(start, 1),
            period_end=rules.add_years(start, 1) + 150 * day,
        )
    )
    returned = services.decision_send_for_approval(
        ctx=ctx[kari],
        decision=draft(
            "interruption", effective_date=today, details={"interruption_reason": "Soning"}
        ),
        expected_version=1,
    )
    services.decision_return(
        ctx=ctx[ingrid],
        decision=returned,
        reason="facts",
        comment="Legg ved dommen.",
        expected_version=returned.version,
    )
    old_application = services.application_register(
        ctx=ctx[kari],
        participant=participant,
        data={"received_on": today - 45 * day, "received_via": "oppmote"},
    )
    programme = Programme.objects.get(participant=participant)

    log_in(page, base, "Z990001")
    page.goto(f"{base}/sak/program/{programme.pk}/")
    expect(
        page.get_by_role("link", name=re.compile("Midlertidig avbrudd \\(returnert\\)"))
    ).to_be_visible()
    axe("programme interrupted resumed extended")
    page.goto(f"{base}/sak/vedtak/{returned.pk}/")
    expect(page.get_by_text("Saken er ikke godt nok opplyst: Legg ved dommen.")).to_be_visible()
    axe("returned decision")
    page.get_by_role("link", name="Endre vedtaket").click()
    expect(page.get_by_label("Avbrutt fra og med")).to_have_value(fmt(today))
    axe("edit returned decision")
    page.get_by_role("button", name="Lagre endringene").click()
    expect(page.get_by_role("status")).to_contain_text("Endringene i vedtaket er lagret")
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Slett utkastet").click()
    expect(page.get_by_role("status")).to_contain_text("er slettet")

    # The 60 days of interruption moved the latest end date (D2), as the page says.
    two_years = rules.add_years(start, 2) - day
    summary = page.locator(".kvp-summary")
    expect(summary).to_contain_text(f"{fmt(two_years + 60 * day)} (2 år, forlenget med 60 dager")

    # An extension for a full year from the end of the current period runs past two years.
    page.get_by_role("link", name="Vedtak om forlengelse", exact=True).click()
    next_start = rules.add_years(start, 1) + 151 * day
    expect(page.get_by_label("Periode fra")).to_have_value(fmt(next_start))
    page.get_by_label("Periode til").fill(fmt(rules.add_years(next_start, 1) - day))
    page.get_by_label("Begrunnelse", exact=True).fill("Forlenges for å fullføre fagbrevet.")
    page.get_by_role("button", name="Lagre utkast").click()
    summary = page.locator(".aksel-error-summary")
    expect(summary).to_contain_text("(D1)")
    expect(summary).to_contain_text(fmt(two_years + 60 * day))
    expect(summary).to_contain_text("særlige grunner")
    axe("extension refused D1")

    # The forms for the other kinds, each submitted with what the rules refuse.
    page.goto(f"{base}/sak/program/{programme.pk}/vedtak/avslutning/")
    page.get_by_label("Siste dag i programmet").fill(fmt(today))
    page.get_by_label("Årsak til avslutningen").select_option("other")
    page.get_by_label("Deltakerens situasjon rett etter programmet").select_option("17")
    page.get_by_label("Fødsel").check()
    page.get_by_label("Fraværet begynte").fill(fmt(today - 30 * day))
    page.get_by_label("Begrunnelse", exact=True).fill("Avsluttes.")
    page.get_by_role("button", name="Lagre utkast").click()
    expect(page.locator(".aksel-error-summary")).to_contain_text("(A6)")
    axe("termination refused A6")
    page.goto(f"{base}/sak/program/{programme.pk}/vedtak/forlengelse-saerlige-grunner/")
    page.get_by_role("button", name="Lagre utkast").click()
    expect(page.locator(".aksel-error-summary")).to_be_visible()
    axe("special extension with errors")
    page.goto(f"{base}/sak/program/{programme.pk}/vedtak/avbrudd/")
    axe("interruption form")

    # An application older than a month: the F3 warning; then closed as henlagt.
    page.goto(f"{base}/sak/soknad/{old_application.pk}/")
    expect(page.get_by_text("Send foreløpig svar")).to_be_visible()
    axe("old application")
    expect(page.get_by_text("Vurder alle vilkårene før du lager et utkast")).to_be_visible()
    page.goto(f"{base}/sak/soknad/{old_application.pk}/vedtak/avslag/")
    page.get_by_label("Begrunnelse", exact=True).fill("Avslag.")
    page.get_by_role("button", name="Lagre utkast").click()
    expect(page.locator(".aksel-error-summary")).to_be_visible()
    axe("rejection with errors")
    page.goto(f"{base}/sak/soknad/{old_application.pk}/lukk/")
    page.get_by_label("Henlagt", exact=False).check()
    page.get_by_label("Begrunnelse").fill("Søkeren har ikke svart på brev.")
    axe("close application")
    page.get_by_role("button", name="Lukk søknaden").click()
    expect(page.get_by_role("status")).to_contain_text("henlagt")

    # Ingrid's empty queue.
    page.get_by_role("button", name="Logg ut").click()
    log_in(page, base, "Z990003")
    page.goto(f"{base}/sak/til-godkjenning/")
    expect(page.get_by_text("Ingen vedtak venter på godkjenning")).to_be_visible()
    axe("empty queue")

    assert page.js_errors == [], page.js_errors
    axe.assert_clean()
