"""Vedtaksbrev (F1, F2, S11): one stored PDF/A letter per approved decision, for every kind,
read back with pypdf; strengt fortrolig never prints an address; the stored letter never
changes; the preview and the downloads are scoped and audited."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from caseworker.models import AuditEvent
from decisions import documents
from decisions.models import (
    Decision,
    Document,
    DocumentKind,
    ParticipationCertificate,
    Programme,
)
from decisions.tests.helpers import add_years, approve, days, draft
from decisions.tests.pdf_helpers import embedded_fonts, read, text
from kvp.pdf import html_to_pdf
from participants.models import AddressProtection

pytestmark = pytest.mark.django_db


def fmt(day: datetime.date) -> str:
    return day.strftime("%d.%m.%Y")


def letter_for(decision: Decision) -> Document:
    return documents.letter_issue(decision_id=decision.pk)


@pytest.fixture
def grant_letter(programme):
    grant = programme.decisions.get(kind="grant")
    return grant, letter_for(grant)


# --- html_to_pdf -------------------------------------------------------------------------------


def test_html_to_pdf_makes_tagged_pdf_a_2b_with_title_language_and_embedded_fonts():
    pdf = html_to_pdf("<html lang='nb'><body><h1>Prøve æøå</h1></body></html>", title="Prøvebrev")
    reader = read(pdf)
    xmp = reader.xmp_metadata
    assert (xmp.pdfaid_part, xmp.pdfaid_conformance) == ("2", "B")
    assert reader.metadata.title == "Prøvebrev"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "nb"
    assert bool(root["/MarkInfo"]["/Marked"])  # tagged for screen readers
    assert "/StructTreeRoot" in root
    assert any("Source-Sans-3" in name for name in embedded_fonts(pdf))
    assert "Prøve æøå" in text(pdf)


# --- Content -----------------------------------------------------------------------------------


def test_grant_letter_has_names_dates_period_legal_basis_stipend_and_rights(
    grant_letter, participant, today
):
    grant, letter = grant_letter
    content = text(letter.pdf)
    assert "NAV Grünerløkka" in content
    assert f"Dato: {fmt(today)}" in content
    assert "Per Pettersen" in content
    assert "Storgata 1" in content and "0155 OSLO" in content
    assert "Vedtak om kvalifiseringsprogram" in content
    start, end = grant.period_start, grant.period_end
    assert f"fra og med {fmt(start)} til og med {fmt(end)}" in content
    assert f"Vedtaksperiode: {fmt(start)}–{fmt(end)}" in content
    # F1: begrunnelse, the facts (the § 29 assessment) and the rules with the legal basis.
    assert "Begrunnelse med regler, fakta og hovedhensyn." in content
    assert "Vesentlig nedsatt arbeids- og inntektsevne: oppfylt" in content
    assert "Hjemmel: Sosialtjenesteloven §§ 29, 30 og 35" in content
    # S1/S3/S4/S11: the stipend, the under-25 rule, barnetillegg and the absence clause.
    assert "2,041 ganger grunnbeløpet" in content
    assert "under 25 år" in content and "barnetillegg" in content
    assert "Fravær som ikke er godkjent, gir trekk i kvalifiseringsstønaden" in content
    # F2: the rights notice.
    assert "Fristen for å klage er tre uker fra den dagen du mottok vedtaket" in content
    assert "Klagen sender du til NAV Grünerløkka." in content
    assert "Statsforvalteren, som avgjør den" in content
    assert "rett til å se dokumentene i saken din" in content
    # Signed by the caseworker and the approver.
    assert "Kari Nordmann, veileder" in content and "Ingrid Berg, beslutter" in content


def test_the_letter_is_pdf_a_2b_titled_and_stored_with_checksum_and_data(grant_letter):
    grant, letter = grant_letter
    reader = read(letter.pdf)
    assert (reader.xmp_metadata.pdfaid_part, reader.xmp_metadata.pdfaid_conformance) == (
        "2",
        "B",
    )
    assert reader.metadata.title == "Vedtak om kvalifiseringsprogram – Per Pettersen"
    assert letter.sha256 == hashlib.sha256(bytes(letter.pdf)).hexdigest()
    assert letter.data["recipient"]["name"] == "Per Pettersen"
    assert letter.data["period"] == {"start": fmt(grant.period_start), "end": fmt(grant.period_end)}
    assert letter.template_version == documents.LETTER_TEMPLATE_VERSION
    assert (letter.kind, letter.participant_id, letter.office_id, letter.issued_by) == (
        DocumentKind.DECISION_LETTER,
        grant.participant_id,
        grant.office_id,
        grant.approved_by,
    )


def _approved(kind, participant, programme, as_caseworker, as_approver, **data):
    programme = Programme.objects.get(pk=programme.pk)  # no stale prefetched decisions
    decision = draft(as_caseworker, kind, participant, programme=programme, **data)
    return approve(decision, as_caseworker, as_approver)


def test_every_decision_kind_gets_its_letter(
    programme, participant, as_caseworker, as_approver, today, application
):
    """Grant (fixture), interruption, resumption, extension, special extension, termination,
    and a rejection of a second application: each a letter with its own heading and outcome."""
    grant = programme.decisions.get(kind="grant")
    period_end = grant.period_end
    interrupted_on = today - days(30)
    resumed_on = today - days(10)
    interruption = _approved(
        "interruption",
        participant,
        programme,
        as_caseworker,
        as_approver,
        effective_date=interrupted_on,
        details={"interruption_reason": "Arbeidsutprøving hos Rema 1000."},
    )
    resumption = _approved(
        "resumption",
        participant,
        programme,
        as_caseworker,
        as_approver,
        effective_date=resumed_on,
        details={"a3_assessment": "Vilkårene er fortsatt oppfylt og målet kan nås."},
    )
    # The interruption moved the end of the programme time by 20 days (D2).
    ext_start = period_end + days(1)
    extension = _approved(
        "extension",
        participant,
        programme,
        as_caseworker,
        as_approver,
        period_start=ext_start,
        period_end=add_years(ext_start, 1) - days(1),
    )
    expected = {
        interruption: (
            "Vedtak om midlertidig avbrudd i kvalifiseringsprogram",
            f"avbrytes midlertidig fra og med {fmt(interrupted_on)}",
            "Arbeidsutprøving hos Rema 1000.",
        ),
        resumption: (
            "Vedtak om gjenopptak av kvalifiseringsprogram",
            f"gjenopptas fra og med {fmt(resumed_on)}",
            "Vilkårene er fortsatt oppfylt og målet kan nås.",
        ),
        extension: (
            "Vedtak om forlengelse av kvalifiseringsprogram",
            f"forlenges fra og med {fmt(ext_start)} til og med "
            f"{fmt(add_years(ext_start, 1) - days(1))}",
            "Fravær som ikke er godkjent, gir trekk",
        ),
    }
    for decision, phrases in expected.items():
        content = text(letter_for(decision).pdf)
        for phrase in phrases:
            assert phrase in content, (decision.kind, phrase)
        assert "Fristen for å klage er tre uker" in content
    # Interruption and resumption letters carry no stipend section (only grant and extensions).
    assert "trekk i kvalifiseringsstønaden" not in text(letter_for(interruption).pdf)
    assert Document.objects.filter(kind=DocumentKind.DECISION_LETTER).count() == 3


def test_special_extension_and_termination_letters(
    programme, participant, as_caseworker, as_approver, today
):
    grant = programme.decisions.get(kind="grant")
    first = grant.period_end + days(1)
    _approved(
        "extension",
        participant,
        programme,
        as_caseworker,
        as_approver,
        period_start=first,
        period_end=add_years(first, 1) - days(1),
    )
    second = add_years(first, 1)
    special = _approved(
        "special_extension",
        participant,
        programme,
        as_caseworker,
        as_approver,
        period_start=second,
        period_end=second + days(180),
        details={
            "d4_assessment": {
                "necessity": "Trenger fagbrev for å nå målet.",
                "progression": "God progresjon.",
                "motivation": "Høy.",
                "work_likelihood": "Stor.",
                "labour_market": "Mangel på fagarbeidere.",
            }
        },
    )
    content = text(letter_for(special).pdf)
    assert "forlengelse av kvalifiseringsprogram ut over to år" in content
    assert f"fra og med {fmt(second)} til og med {fmt(second + days(180))}" in content
    assert "Mangel på fagarbeidere." in content
    assert "særlige grunner" in content

    termination = _approved(
        "termination",
        participant,
        programme,
        as_caseworker,
        as_approver,
        effective_date=today,
        details={"termination_reason": "work", "situation_after": "01"},
    )
    content = text(letter_for(termination).pdf)
    assert "Vedtak om avslutning av kvalifiseringsprogram" in content
    assert f"Siste dag i programmet er {fmt(today)}" in content
    assert "Har fått arbeid" in content
    assert "deltakerbevis" in content


def test_rejection_letter_names_the_unmet_condition(participant, as_caseworker, as_approver, today):
    from decisions import services

    application = services.application_register(
        ctx=as_caseworker,
        participant=participant,
        data={"received_on": today - days(10), "received_via": "digital"},
    )
    services.application_assess(
        ctx=as_caseworker,
        application=application,
        assessments={
            "reduced_capacity": (False, "Har full arbeidsevne etter vurderingen."),
            "no_or_limited_benefits": (True, "Ingen ytelser."),
            "work_capacity_assessed": (True, "Gjennomført."),
            "close_follow_up_needed": (True, "Ja."),
        },
        data={
            "benefits_checked": ["aap", "uforetrygd", "overgangsstonad"],
            "entitled_benefits": [],
            "work_capacity_assessed_on": today - days(5),
            "work_capacity_reference": "AEV-1",
        },
        expected_version=application.version,
    )
    rejection = draft(
        as_caseworker,
        "rejection",
        participant,
        application=application,
        details={"unmet_conditions": ["reduced_capacity"]},
    )
    rejection = approve(rejection, as_caseworker, as_approver)
    content = text(letter_for(rejection).pdf)
    assert "Vedtak om avslag på kvalifiseringsprogram" in content
    assert "Du får ikke kvalifiseringsprogram." in content
    assert "Vilkår som ikke er oppfylt Vesentlig nedsatt arbeids- og inntektsevne" in content
    assert "Hjemmel: Sosialtjenesteloven § 29." in content
    assert "Fristen for å klage er tre uker" in content
    assert "kvalifiseringsstønaden" not in content


# --- Protected addresses ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "protection", [AddressProtection.STRICTLY_CONFIDENTIAL, AddressProtection.CONFIDENTIAL]
)
def test_a_protected_address_never_appears(programme, participant, protection):
    """The letter of a person with a protected address: no street, postcode or place."""
    participant.address_protection = protection
    participant.street_address = "Hemmeligveien 7"
    participant.postal_code = "0987"
    participant.postal_area = "SKJULT"
    participant.save()
    grant = participant.decisions.get(kind="grant")
    content = text(letter_for(grant).pdf)
    assert "Per Pettersen" in content
    for secret in ("Hemmeligveien", "0987", "SKJULT"):
        assert secret not in content
    anonymous = protection == AddressProtection.STRICTLY_CONFIDENTIAL
    # Strengt fortrolig: signed "NAV" only, no office name, no people's names.
    assert ("Grünerløkka" in content) is not anonymous
    assert ("Kari Nordmann" in content) is not anonymous
    if anonymous:
        assert "Klagen sender du til NAV." in content
        assert "0315" not in content


# --- Never re-rendered ---------------------------------------------------------------------------


def test_a_later_name_change_does_not_change_the_stored_letter(
    grant_letter, participant, login, caseworker
):
    grant, letter = grant_letter
    participant.first_name = "Petter"
    participant.save()
    again = letter_for(grant)
    assert again.pk == letter.pk and again.sha256 == letter.sha256
    response = login(caseworker).get(reverse("decisions:document_download", args=[letter.pk]))
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert hashlib.sha256(body).hexdigest() == letter.sha256
    assert "Per Pettersen" in text(body) and "Petter Pettersen" not in text(body)
    # The preview of an approved decision shows the letter as stored, not as it would be now.
    page = login(caseworker).get(reverse("decisions:letter_preview", args=[grant.pk]))
    assert "Per Pettersen" in page.content.decode()


def test_one_letter_per_decision_in_the_database(grant_letter):
    grant, letter = grant_letter
    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.create(
            kind=DocumentKind.DECISION_LETTER,
            participant_id=letter.participant_id,
            office_id=letter.office_id,
            decision=grant,
            title="x",
            pdf=b"x",
            sha256="0" * 64,
            data={},
            template_version="x",
            issued_by=letter.issued_by,
        )


def test_a_stored_document_cannot_be_changed(grant_letter):
    _, letter = grant_letter
    with pytest.raises(Exception, match="kan ikke endres"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE decisions_document SET title = 'x' WHERE id = %s", [letter.pk])


def test_no_letter_before_approval(programme, participant, as_caseworker):
    interruption = draft(
        as_caseworker,
        "interruption",
        participant,
        programme=programme,
        effective_date=programme.start_date + days(10),
        details={"interruption_reason": "Sykdom."},
    )
    with pytest.raises(Exception, match="bare for godkjente vedtak"):
        documents.letter_issue(decision_id=interruption.pk)


# --- The task is enqueued when the approval commits ------------------------------------------


def test_approval_enqueues_the_letter_task_on_commit(
    application,
    participant,
    as_caseworker,
    as_approver,
    today,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    from decisions import tasks

    sent = []
    monkeypatch.setattr(
        tasks.issue_decision_letter, "apply_async", lambda args, queue: sent.append(args)
    )
    grant = draft(
        as_caseworker,
        "grant",
        participant,
        application=application,
        period_start=today,
        period_end=add_years(today, 1) - days(1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        grant = approve(grant, as_caseworker, as_approver)
    assert sent == [(grant.pk,)]


def test_termination_drafts_the_deltakerbevis(
    programme, participant, as_caseworker, as_approver, today
):
    _approved(
        "termination",
        participant,
        programme,
        as_caseworker,
        as_approver,
        effective_date=today,
        details={"termination_reason": "completed", "situation_after": "01"},
    )
    certificate = ParticipationCertificate.objects.get(programme=programme)
    assert certificate.status == "draft" and certificate.activities == []


def test_the_nightly_sweep_makes_missing_letters(programme):
    from decisions.tasks import issue_missing_documents

    grant = programme.decisions.get(kind="grant")
    assert documents.letters_missing() == [grant.pk]  # approved, but its job never ran
    assert issue_missing_documents() == {"letters": 1, "batches": 0}
    assert Document.objects.filter(decision=grant).count() == 1
    assert issue_missing_documents() == {"letters": 0, "batches": 0}


# --- Pages and access ---------------------------------------------------------------------------


def test_preview_before_approval_for_caseworker_and_approver(
    programme, participant, as_caseworker, login, caseworker, approver
):
    interruption = draft(
        as_caseworker,
        "interruption",
        participant,
        programme=programme,
        effective_date=programme.start_date + days(10),
        details={"interruption_reason": "Sykdom."},
    )
    url = reverse("decisions:letter_preview", args=[interruption.pk])
    for user in (caseworker, approver):
        page = login(user).get(url)
        assert page.status_code == 200
        html = page.content.decode()
        assert "Forhåndsvisning av vedtaksbrevet" in html
        assert "Vedtak om midlertidig avbrudd i kvalifiseringsprogram" in html
        assert "Fristen for å klage er tre uker" in html


def test_decision_and_participant_pages_link_the_letter(
    grant_letter, login, caseworker, participant
):
    grant, letter = grant_letter
    download = reverse("decisions:document_download", args=[letter.pk])
    client = login(caseworker)
    assert (
        download
        in client.get(reverse("decisions:decision_detail", args=[grant.pk])).content.decode()
    )
    assert (
        download
        in client.get(reverse("participants:detail", args=[participant.pk])).content.decode()
    )


def test_download_is_audited_as_an_export(grant_letter, login, caseworker):
    _, letter = grant_letter
    response = login(caseworker).get(reverse("decisions:document_download", args=[letter.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert AuditEvent.objects.filter(
        action="export", object_type="document", object_id=str(letter.pk), actor=caseworker
    ).exists()


@pytest.mark.parametrize("persona", ["other_caseworker", "other_leader", "appeals_officer"])
def test_other_offices_and_appeals_staff_have_no_access(grant_letter, login, request, persona):
    """Another office: 404, the same as no such document, and a refusal in the audit log.
    Statsforvalteren's staff have no case access until a case is forwarded to them: 403."""
    grant, letter = grant_letter
    client = login(request.getfixturevalue(persona))
    for url in (
        reverse("decisions:document_download", args=[letter.pk]),
        reverse("decisions:letter_preview", args=[grant.pk]),
    ):
        assert client.get(url).status_code == (403 if persona == "appeals_officer" else 404)
    if persona != "appeals_officer":
        assert AuditEvent.objects.filter(outcome="deny", object_type="document").exists()


def test_other_office_gets_404_not_403(grant_letter, login, other_caseworker):
    _, letter = grant_letter
    url = reverse("decisions:document_download", args=[letter.pk])
    assert login(other_caseworker).get(url).status_code == 404


def test_strictly_confidential_letter_hidden_from_unauthorised_colleague(
    grant_letter, participant, login, caseworker2, authorised_caseworker
):
    _, letter = grant_letter
    participant.address_protection = AddressProtection.STRICTLY_CONFIDENTIAL
    participant.save()
    url = reverse("decisions:document_download", args=[letter.pk])
    assert login(caseworker2).get(url).status_code == 404
    assert login(authorised_caseworker).get(url).status_code == 200


def test_participant_page_query_count_is_flat_in_documents(
    grant_letter,
    participant,
    login,
    caseworker,
    django_assert_max_num_queries,
    as_caseworker,
    as_approver,
    programme,
    today,
):
    client = login(caseworker)
    url = reverse("participants:detail", args=[participant.pk])
    client.get(url)
    from django.db import connection as conn
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(conn) as one:
        client.get(url)
    interruption = _approved(
        "interruption",
        participant,
        programme,
        as_caseworker,
        as_approver,
        effective_date=today - days(3),
        details={"interruption_reason": "Sykdom."},
    )
    letter_for(interruption)
    with django_assert_max_num_queries(len(one) + 2):  # the decision list grows by one row
        client.get(url)


# --- Stipend amounts (S1, S3, S4) from the G register ---------------------------------------


def test_grant_letter_states_the_yearly_amounts_from_g(grant_letter):
    grant, letter = grant_letter
    content = text(letter.pdf)
    # G 130 160 (from 1 May 2025) is in force when the period starts: 2.041 G and 2/3 of it.
    assert grant.period_start >= datetime.date(2025, 5, 1)
    assert "Grunnbeløpet (G) 130 160 kr" in content
    assert "Full sats per år 265 657 kr" in content
    assert "Sats per år for deg under 25 år 177 104 kr" in content
    assert "Du får full sats, 265 657 kr i året." in content


@pytest.mark.parametrize(
    ("birthday_offset", "expected"),
    [
        (-1, "Du får full sats, 265 657 kr i året."),  # 25 the day before the period starts
        (0, "Du får full sats, 265 657 kr i året."),  # 25 on the first day (S3)
        (1, "Du er under 25 år når perioden starter, og får 177 104 kr i året. Fra "),
    ],
)
def test_under_25_rate_and_the_day_the_full_rate_starts(birthday_offset, expected, office_a):
    from decisions.rules import add_years as plus_years
    from stipend.rules.rates import is_under_25
    from tests.factories import ChildFactory, ParticipantFactory

    start = datetime.date(2026, 1, 5)
    turns_25 = start + days(birthday_offset)
    young = ParticipantFactory(office=office_a, birth_date=plus_years(turns_25, -25))
    assert is_under_25(young.birth_date, start) is (birthday_offset > 0)
    ChildFactory(participant=young, birth_date=datetime.date(2020, 3, 1), supported=True)
    ChildFactory(participant=young, birth_date=datetime.date(2008, 1, 5), supported=True)  # 18
    decision = Decision(
        kind="grant",
        participant=young,
        period_start=start,
        period_end=start + days(364),
    )
    section = documents.stipend_section(decision)
    joined = " ".join(section["paragraphs"])
    assert (
        expected.replace(" kr", "\u00a0kr")
        .replace("265 657", "265\u00a0657")
        .replace("177 104", "177\u00a0104")
        in joined
    )
    if birthday_offset > 0:
        assert f"Fra {fmt(turns_25)}, når du fyller 25 år, får du full sats" in joined
    # S4: one child under 18 on the start day (the other turned 18 that day), 38 kr in 2026.
    assert "Du forsørger 1 barn under 18 år og får barnetillegg på 38\u00a0kr per barn" in joined
    assert ["Barnetillegg per barn per dag", "38\u00a0kr"] in section["amounts"]


def test_bench_letters_prints_time_per_letter_and_the_ratio(grant_letter):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("bench_letters", "--letters", "2", stdout=out)
    printed = out.getvalue()
    assert "2 vedtaksbrev" in printed and "ms per brev" in printed and "forhold:" in printed


def test_recording_the_notice_shows_the_klagefrist_with_the_letter(
    grant_letter, login, caseworker, today
):
    """F2: the klagefrist runs three weeks from the day the letter reached the participant;
    the letter's panel on the decision page shows its last day once the notice is recorded."""
    from bs4 import BeautifulSoup

    from decisions import rules

    grant, letter = grant_letter
    client = login(caseworker)
    client.post(
        reverse("decisions:decision_notice", args=[grant.pk]),
        {"notice_date": fmt(today), "version": grant.version},
    )
    html = client.get(reverse("decisions:decision_detail", args=[grant.pk])).content.decode()
    panel = BeautifulSoup(html, "html.parser").find(id="h-brev").parent
    seen = " ".join(panel.get_text(" ").split())
    deadline = rules.appeal_deadline(today)
    assert f"Sendt til deltakeren {fmt(today)}. Klagefristen går ut {fmt(deadline)}." in seen
    assert "Last ned vedtaksbrevet (PDF)" in seen
