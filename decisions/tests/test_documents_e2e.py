"""Documents in a real browser: Ingrid previews Kari's interruption letter, approves the
decision, and the letter made by the Celery worker is offered for download on the decision
and participant pages. Lise, a leader, issues the office's reviewed deltakerbevis as one
batch and follows the progress bar. axe-core scans every page (WCAG 2.1 A/AA)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from caseworker.audit import AuditContext
from caseworker.models import Role
from decisions import documents, services
from decisions.models import ParticipationCertificate, Programme
from decisions.tests import helpers
from decisions.tests.pdf_helpers import text
from decisions.tests.test_document_tasks import QUEUE, celery_worker_on_redis  # noqa: F401
from kvp import clock
from tests.e2e.conftest import axe, browser, page  # noqa: F401  (fixtures for this module)
from tests.e2e.test_participant_flow import PASSWORD, log_in
from tests.factories import UserFactory

pytestmark = pytest.mark.e2e

CONDITIONS = (
    "reduced_capacity",
    "no_or_limited_benefits",
    "work_capacity_assessed",
    "close_follow_up_needed",
)


@pytest.fixture
def staff(transactional_db, office_a, caseworker, settings):
    settings.KVP_DOCUMENT_QUEUE = QUEUE
    caseworker.set_password(PASSWORD)
    caseworker.save()

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
        "kari": caseworker,
        "ingrid": user("Z990003", "Ingrid", "Berg", [Role.APPROVER]),
        "lise": user("Z990004", "Lise", "Dahl", [Role.LEADER]),
    }


def running_programme(staff, participant, today) -> Programme:
    return helpers.running_programme(staff["kari"], staff["ingrid"], participant, today)


def test_preview_approve_and_download_the_letter(
    page,  # noqa: F811
    axe,  # noqa: F811
    live_server,
    staff,
    participant,
    celery_worker_on_redis,  # noqa: F811
):
    base = live_server.url
    today = clock.today()
    programme = running_programme(staff, participant, today)
    kari = AuditContext(actor=staff["kari"], client_address="127.0.0.1")
    interruption = services.decision_draft(
        ctx=kari,
        kind="interruption",
        participant=participant,
        programme=programme,
        data={
            "effective_date": today,
            "reasoning": "Du skal prøve ut arbeid hos en arbeidsgiver i fire uker.",
            "details": {"interruption_reason": "Arbeidsutprøving"},
        },
    )
    services.decision_send_for_approval(
        ctx=kari, decision=interruption, expected_version=interruption.version
    )

    log_in(page, base, "Z990003")
    page.goto(base + reverse("decisions:decision_detail", args=[interruption.pk]))
    letter = page.get_by_role("region", name="Vedtaksbrev")
    expect(letter).to_contain_text("Brevet lages når vedtaket er godkjent")
    axe("decision awaiting approval")
    letter.get_by_role("link", name="Forhåndsvis vedtaksbrevet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Forhåndsvisning av vedtaksbrevet")
    article = page.get_by_role("article", name="Vedtaksbrev")
    expect(article.get_by_role("heading", level=2)).to_have_text(
        "Vedtak om midlertidig avbrudd i kvalifiseringsprogram"
    )
    expect(article).to_contain_text("Fristen for å klage er tre uker")
    expect(article).to_contain_text("Per Pettersen")
    axe("letter preview")
    page.get_by_role("link", name="Tilbake til vedtaket").click()

    page.get_by_role("button", name="Godkjenn vedtaket").click()
    expect(page.get_by_text("er godkjent og gjelder nå")).to_be_visible()
    # The worker makes the letter after the approval commits; the page says so until then.
    download = page.get_by_role("link", name="Last ned vedtaksbrevet (PDF)")
    for _ in range(60):
        if download.count():
            break
        page.wait_for_timeout(500)
        page.reload()
    expect(download).to_be_visible()
    axe("decision with its letter")
    with page.expect_download() as info:
        download.click()
    pdf = open(info.value.path(), "rb").read()
    assert pdf.startswith(b"%PDF")
    assert f"avbrytes midlertidig fra og med {today:%d.%m.%Y}" in text(pdf)

    page.goto(base + reverse("participants:detail", args=[participant.pk]))
    documents_section = page.get_by_role("region", name="Dokumenter")
    expect(documents_section.get_by_role("link")).to_have_count(2)  # grant and interruption
    axe("participant page with documents")
    axe.assert_clean()


def test_leader_issues_reviewed_certificates_with_a_progress_bar(
    page,  # noqa: F811
    axe,  # noqa: F811
    live_server,
    staff,
    participant,
    celery_worker_on_redis,  # noqa: F811
):
    base = live_server.url
    today = clock.today()
    programme = running_programme(staff, participant, today)
    kari = AuditContext(actor=staff["kari"], client_address="127.0.0.1")
    ingrid = AuditContext(actor=staff["ingrid"], client_address="127.0.0.1")
    termination = services.decision_draft(
        ctx=kari,
        kind="termination",
        participant=participant,
        programme=programme,
        data={
            "effective_date": today,
            "reasoning": "Du har fått fast jobb.",
            "details": {"termination_reason": "work", "situation_after": "01"},
        },
    )
    termination = services.decision_send_for_approval(
        ctx=kari, decision=termination, expected_version=termination.version
    )
    services.decision_approve(
        ctx=ingrid, decision=termination, expected_version=termination.version
    )
    certificate = ParticipationCertificate.objects.get(programme=programme)

    # Kari fills in the deltakerbevis in the browser and sends it for review.
    log_in(page, base, "Z990001")
    page.goto(base + reverse("decisions:certificate_detail", args=[certificate.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Deltakerbevis")
    first = page.get_by_role("group", name="Aktivitet 1")
    first.get_by_label("Tiltak eller aktivitet").fill("Arbeidspraksis i butikk")
    first.get_by_label("Fra og med").fill(programme.start_date.strftime("%d.%m.%Y"))
    first.get_by_label("Til og med").fill(today.strftime("%d.%m.%Y"))
    first.get_by_label("Timer per uke").fill("37,5")
    page.get_by_label("Arbeidsrelevant kompetanse").fill("Kassearbeid og varemottak.")
    page.get_by_label("Ressurser").fill("Blid og punktlig.")
    page.get_by_label("Progresjon").fill("Fra praksis til fast stilling.")
    axe("certificate form")
    page.get_by_role("button", name="Lagre deltakerbeviset").click()
    expect(page.get_by_text("Deltakerbeviset er lagret.")).to_be_visible()
    page.get_by_role("button", name="Send til kontroll").click()
    expect(page.get_by_text("Deltakerbeviset er sendt til kontroll.")).to_be_visible()
    certificate.refresh_from_db()
    documents.certificate_review(
        ctx=ingrid, certificate=certificate, approve=True, expected_version=certificate.version
    )
    page.get_by_role("button", name="Logg ut").click()

    log_in(page, base, "Z990004")
    page.goto(base + reverse("decisions:certificate_batches"))
    expect(page.get_by_role("listitem")).to_contain_text(["Per Pettersen"])
    axe("certificates waiting")
    page.get_by_role("button", name=re.compile("Utsted alle 1")).click()
    status = page.get_by_role("status")
    expect(status).to_have_text(re.compile("Ferdig: 1 utstedt"), timeout=30_000)
    expect(page.get_by_label("Utstedt 1 av 1 deltakerbevis")).to_be_visible()
    axe("batch finished")
    certificate.refresh_from_db()
    assert certificate.status == "issued"
    axe.assert_clean()
