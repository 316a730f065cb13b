"""KOSTRA 11CF from the case: the hand-counted office's records, checks with links to fix,
the download blocked by errors, audited, and scoped to the leader's offices."""

from __future__ import annotations

from bs4 import BeautifulSoup

from caseworker.models import AuditEvent
from participants.models import Participant
from reporting import kostra
from reporting.rules.kostra import LAYOUT
from reporting.tests.conftest import D


def fields(line: str) -> dict[str, str]:
    return {name: line[start - 1 : end] for name, start, end in LAYOUT}


def test_records_for_the_hand_counted_office(office_2025, leader, office_a):
    report = kostra.kostra_report(user=leader, offices=[office_a], year=2025)
    names = [c.name for c in report.cases]
    assert names == ["Anne Aas", "Bjørn Berg", "Cecilie Cruz"]  # not David (2024), not Berit
    records = {c.name: fields(line) for c, line in zip(report.cases, report.lines(), strict=True)}
    bjorn = records["Bjørn Berg"]
    assert bjorn["STATUS"] == "3"
    assert bjorn["AVSL_DATO"] == "15082025"
    assert bjorn["AVSL_ORDINAERTARB"] == "01"
    assert bjorn["BU18"] == "1" and bjorn["ANTBU18"] == "01"
    assert [bjorn[f"STMND_{m}"] for m in (1, 2, 3, 4, 5, 8, 9)] == [
        "01",
        "02",
        "  ",
        "  ",
        "05",
        "08",
        "  ",
    ]
    assert bjorn["BEGYNT_DATO"] == "01092024"
    assert bjorn["VEDTAK_DATO"] == "20082024"
    cecilie = records["Cecilie Cruz"]
    assert cecilie["STATUS"] == "2"  # on leave on 31.12
    assert cecilie["KVP_STONAD"] == "0007152"
    assert cecilie["AVSL_DATO"] == " " * 8
    anne = records["Anne Aas"]
    assert anne["STATUS"] == "1"
    assert anne["PERSON_JOURNALNR"] == f"{office_2025['anne'].pk:08d}"
    assert anne["KOMMUNE_NR"] == "0301"
    assert report.checks.errors == []
    assert not report.blocked


def test_findings_link_to_the_page_that_fixes_them(office_2025, client, leader, office_a):
    Participant.objects.filter(pk=office_2025["anne"].pk).update(civil_status="")
    client.force_login(leader)
    response = client.get("/statistikk/kostra/", {"year": 2025, "office": office_a.pk})
    soup = BeautifulSoup(response.content, "html.parser")
    row = soup.find("td", string="Sivilstand er ikke registrert.").find_parent("tr")
    assert row.find("a")["href"] == f"/deltakere/{office_2025['anne'].pk}/endre/"
    assert soup.find(string=lambda s: s and "Filen kan lages når feilene er rettet" in s)
    download = client.get("/statistikk/kostra/fil/", {"year": 2025, "office": office_a.pk})
    assert download.status_code == 302
    assert not AuditEvent.objects.filter(object_type="kostra", action="export").exists()


def test_download_is_audited_per_participant(office_2025, client, leader, office_a):
    client.force_login(leader)
    response = client.get("/statistikk/kostra/fil/", {"year": 2025, "office": office_a.pk})
    assert response.status_code == 200
    lines = response.content.decode("iso-8859-1").split("\r\n")[:-1]
    assert len(lines) == 3 and all(len(line) == 152 for line in lines)
    exported = AuditEvent.objects.filter(object_type="kostra", action="export")
    assert set(exported.values_list("participant_id", flat=True)) == {
        office_2025["anne"].pk,
        office_2025["bjorn"].pk,
        office_2025["cecilie"].pk,
    }


def test_other_leader_gets_only_their_office(office_2025, other_leader, office_b, office_a):
    report = kostra.kostra_report(user=other_leader, offices=[office_b], year=2025)
    assert [c.name for c in report.cases] == ["Berit Vik"]


def test_protected_persons_out_of_sight_block_the_file(
    office_2025, cases, leader, office_a, caseworker
):
    hidden = cases.participant(
        office_a, caseworker, D(1970, 1, 1), address_protection="strengt_fortrolig"
    )
    cases.programme(
        hidden,
        received=D(2025, 1, 1),
        granted=D(2025, 1, 20),
        start=D(2025, 2, 1),
        period_end=D(2026, 1, 31),
    )
    report = kostra.kostra_report(user=leader, offices=[office_a], year=2025)
    assert report.hidden == 1 and report.blocked
    assert hidden.pk not in [c.participant_id for c in report.cases]


def test_oslo_district_goes_in_bydelsnr(office_2025, leader, office_a):
    office_a.district_number = "04"
    office_a.save()
    report = kostra.kostra_report(user=leader, offices=[office_a], year=2025)
    assert {fields(line)["BYDELSNR"] for line in report.lines()} == {"04"}


def test_a_link_with_only_the_year_keeps_the_default_office(office_2025, client, leader):
    """/statistikk/kostra/?year=2025 is the year asked for at the leader's office, without
    an error on a field the user never emptied."""
    client.force_login(leader)
    page = client.get("/statistikk/kostra/", {"year": "2025"}).content.decode()
    assert "Feltet er påkrevet" not in page
    assert "Kontroll av 3 oppgaver for 2025" in page
