"""An appeal from registration to outcome, in a real browser (issue 8, F4): the caseworker
registers it on the decision, the office upholds the decision and forwards the case, the
statsforvalter reads it, exports the case file in one click and registers the outcome, and
the caseworker follows the outcome up from the worklist. Every page is scanned with axe-core.
"""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from playwright.sync_api import expect

from appeals.models import Appeal
from appeals.tests.conftest import MINIMAL_PDF, granted
from caseworker.audit import AuditContext
from caseworker.models import Role
from kvp import clock
from tests.factories import ParticipantFactory, UserFactory

pytestmark = pytest.mark.e2e

PASSWORD = "Et langt passord for testing 42"


@pytest.fixture
def case(transactional_db, office_a):
    kari = UserFactory(
        username="Z990001",
        first_name="Kari",
        last_name="Nordmann",
        roles=[Role.CASEWORKER],
        office=office_a,
        password=PASSWORD,
    )
    ingrid = UserFactory(
        username="Z990003",
        first_name="Ingrid",
        last_name="Berg",
        roles=[Role.APPROVER],
        office=office_a,
        password=PASSWORD,
    )
    eva = UserFactory(
        username="Z990021",
        first_name="Eva",
        last_name="Moe",
        roles=[Role.APPEALS_OFFICER],
        office=None,
        password=PASSWORD,
    )
    participant = ParticipantFactory(
        first_name="Per", last_name="Pettersen", office=office_a, caseworker=kari
    )
    grant = granted(
        participant,
        AuditContext(actor=kari, client_address="127.0.0.1"),
        AuditContext(actor=ingrid, client_address="127.0.0.1"),
        notice_days_ago=10,
    )
    return kari, eva, grant


def log_in(page, base_url: str, ident: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base_url}/logg-inn/")
    page.get_by_label("NAV-ident").fill(ident)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("button", name="Logg ut")).to_be_visible()


def test_an_appeal_from_registration_to_outcome(page, axe, live_server, case):
    kari, eva, grant = case
    base = live_server.url

    # The caseworker registers the appeal on the decision.
    log_in(page, base, kari.username)
    page.goto(f"{base}/sak/vedtak/{grant.pk}/")
    page.get_by_role("link", name="Registrer klage på vedtaket").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Registrer klage")
    axe("register form")
    page.get_by_label("Hva klagen gjelder").fill("Startdatoen for programmet.")
    page.get_by_label("Begrunnelsen for klagen").fill("Jeg søkte i januar.")
    page.get_by_role("button", name="Registrer klagen").click()
    expect(page.get_by_text("Klagen er registrert.")).to_be_visible()
    # Not signed: the formal check says so, and forwarding is refused with the reason.
    expect(page.get_by_text("Klagen er ikke underskrevet.", exact=False).first).to_be_visible()
    axe("appeal page with a formal error")
    page.get_by_label("Kontorets vurdering av klagen").fill("Vedtaket er riktig.")
    page.get_by_role("button", name="Oppretthold vedtaket og send til Statsforvalteren").click()
    expect(page.get_by_text("(FVL32)").first).to_be_visible()
    axe("forwarding refused")
    appeal = Appeal.objects.get()
    page.goto(f"{base}/klager/{appeal.pk}/endre/")
    page.get_by_label("Klagen er underskrevet (fvl. § 32)").check()
    page.get_by_role("button", name="Lagre klagen").click()
    expect(page.get_by_text("Klagen oppfyller formkravene.")).to_be_visible()
    page.get_by_label("Kontorets vurdering av klagen").fill(
        "Programmet gjelder fra vedtaksdatoen; klagen gir ingen nye opplysninger."
    )
    page.get_by_role("button", name="Oppretthold vedtaket og send til Statsforvalteren").click()
    expect(page.get_by_text("Klagen er sendt til Statsforvalteren")).to_be_visible()
    expect(
        page.get_by_role("link", name="Oversendelsesbrev til Statsforvalteren (PDF)")
    ).to_be_visible()
    axe("forwarded appeal")

    # The statsforvalter reads the case, exports it in one click, registers the outcome.
    log_in(page, base, eva.username)
    page.get_by_role("link", name="Klagesaker").first.click()
    axe("appeals list")
    page.get_by_role("link", name="Pettersen, Per").click()
    expect(page.get_by_role("heading", name="Vilkårsvurdering")).to_be_visible()
    axe("case page")
    with page.expect_download() as download:
        page.get_by_role("link", name="Last ned hele saken (ZIP)").click()
    archive = zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read()))
    manifest = json.loads(archive.read("manifest.json"))
    assert sorted(archive.namelist()) == sorted(
        [f["name"] for f in manifest["files"]] + ["manifest.json"]
    )
    assert {f["role"] for f in manifest["files"]} >= {
        "klage",
        "oversendelsesbrev",
        "sakssammendrag",
    }
    page.get_by_label("Stadfestet – vedtaket står").check()
    page.get_by_label("Statsforvalterens avgjørelse (PDF)").set_input_files(
        {"name": "avgjorelse.pdf", "mimeType": "application/pdf", "buffer": MINIMAL_PDF}
    )
    page.get_by_role("button", name="Registrer utfallet").click()
    expect(page.get_by_text("Utfallet er registrert og NAV-kontoret")).to_be_visible()
    expect(page.get_by_text("Ingen klagesaker")).to_be_visible()
    axe("appeals list after the outcome")
    page.goto(f"{base}/klagesaker/{appeal.pk}/")
    expect(page.get_by_role("heading", name="Fant ikke siden")).to_be_visible()

    # The caseworker follows the outcome up from the worklist.
    log_in(page, base, kari.username)
    page.goto(f"{base}/sak/oppgaver/")
    row = page.get_by_role("row").filter(has_text="Statsforvalteren har avgjort klagen")
    row.get_by_role("link", name=re.compile("Gå til saken")).click()
    expect(page.get_by_role("heading", name="Statsforvalterens avgjørelse")).to_be_visible()
    axe("decided appeal")
    page.get_by_role("button", name="Registrer at utfallet er fulgt opp").click()
    expect(page.get_by_text("Utfallet er fulgt opp.")).to_be_visible()
    appeal.refresh_from_db()
    assert appeal.state == "decided" and appeal.followed_up_at is not None
    assert not page.js_errors
    axe.assert_clean()


def test_the_office_reopens_an_appealed_rejection_and_a_grant_closes_it(
    page, axe, live_server, case
):
    """fvl § 33: "Ta opp søknaden til ny behandling" on an appealed rejection, the application
    page that follows, and the appeal closed as changed once a grant is approved."""

    from appeals.tests.conftest import register
    from appeals.tests.test_reopen import reassess, rejected
    from decisions.tests.helpers import add_years, approve, days, draft

    kari, _eva, grant = case
    base = live_server.url
    ingrid = type(kari).objects.get(username="Z990003")
    as_kari = AuditContext(actor=kari, client_address="127.0.0.1")
    as_ingrid = AuditContext(actor=ingrid, client_address="127.0.0.1")
    other = ParticipantFactory(
        first_name="Siri", last_name="Svendsen", office=kari.office, caseworker=kari
    )
    rejection = rejected(other, as_kari, as_ingrid)
    appeal = register(as_kari, rejection, subject="Avslaget.", grounds="Ny legeerklæring.")

    log_in(page, base, kari.username)
    page.goto(f"{base}/klager/{appeal.pk}/")
    axe("appeal of a rejection")
    page.get_by_role("button", name="Ta opp søknaden til ny behandling").click()
    expect(page.get_by_text("Søknaden er tatt opp til ny behandling.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Søknad mottatt")
    expect(page.get_by_text("Tatt opp til ny behandling", exact=True)).to_be_visible()
    axe("reopened application")
    page.goto(f"{base}/klager/{appeal.pk}/")
    panel = page.get_by_role("region", name="Søknaden er tatt opp til ny behandling")
    expect(panel).to_contain_text("vurder vilkårene i § 29 på nytt")
    axe("appeal with the reopened case")

    today = clock.today()
    application = reassess(as_kari, rejection.application)
    new_grant = draft(
        as_kari,
        "grant",
        other,
        application=application,
        period_start=today,
        period_end=add_years(today, 1) - days(1),
    )
    approve(new_grant, as_kari, as_ingrid)
    page.reload()
    expect(page.get_by_role("heading", name="Omgjort av kontoret")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("vedtak om innvilgelse"))).to_be_visible()
    axe("appeal changed by the office")
    assert grant.participant_id != other.pk
