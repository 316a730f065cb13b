"""KOSTRA 11CF (K1) without a database: the record layout against SSB's CSV, field by
field, the status per 31.12 and each of SSB's checks at its boundary."""

from __future__ import annotations

import csv
import dataclasses
import datetime
from pathlib import Path

import pytest

from reporting.rules import kostra
from reporting.rules.kostra import KostraCase, check_cases, format_record, status_on_31_12

D = datetime.date
CSV = Path(__file__).resolve().parents[3] / "shared" / "domain" / "kostra-11cf-2026-fields.csv"


def ssb_layout() -> list[dict]:
    with CSV.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def case(**changes) -> KostraCase:
    base = KostraCase(
        participant_id=1,
        name="Bjørn Berg",
        municipality_number="0301",
        district_number="03",
        birth_date=D(2003, 6, 1),
        journal_number="2025/17",
        national_id="01060312345",
        sex="1",
        civil_status="3",
        children_under_18=2,
        received_on=D(2024, 7, 1),
        granted_on=D(2024, 8, 20),
        started_on=D(2024, 9, 1),
        previous_kvp_municipality="4601",
        benefits_before=["3", "6"],
        received_assistance=True,
        assistance_during=["4", "7"],
        months_with_stipend={1, 2, 5, 6, 7, 8},
        stipend_paid=98765,
        status="3",
        ended_on=D(2025, 8, 15),
        situation_after="01",
        main_income_after="14",
        caseworker_number="Z990001",
    )
    return dataclasses.replace(base, **changes)


def test_layout_matches_ssb_csv_field_by_field():
    rows = ssb_layout()
    assert [(r["name"], int(r["from"]), int(r["to"])) for r in rows] == list(kostra.LAYOUT)
    for r in rows:
        assert int(r["to"]) - int(r["from"]) + 1 == int(r["length"]), r["name"]
    assert int(rows[-1]["to"]) == kostra.RECORD_LENGTH == 152


def test_every_field_is_at_its_csv_position():
    line = format_record(case(), 2025)
    assert len(line) == 152
    expected = {
        "KOMMUNE_NR": "0301",
        "VERSION": "25",
        "BYDELSNR": "03",
        "FODSELSDATO": "01062003",
        "PERSON_JOURNALNR": "2025/17 ",
        "PERSON_FODSELSNR": "01060312345",
        "KJONN": "1",
        "EKTSTAT": "3",
        "BU18": "1",
        "ANTBU18": "02",
        "REG_DATO": "01072024",
        "VEDTAK_DATO": "20082024",
        "BEGYNT_DATO": "01092024",
        "KVP_KOMM": "1",
        "KOMMNR_KVP_KOMM": "4601",
        "YTELSE_SOSHJELP": "1",
        "YTELSE_TYPE_SOSHJ": "3",
        "YTELSE_INTRO": " ",
        "YTELSE_TILTAKSPENGER": " ",
        "YTELSE_FOLKETRYGDL": "6",
        "KVP_MED_ASTONAD": "1",
        "KVP_MED_KOMMBOS": "4",
        "KVP_MED_HUSBANKBOS": " ",
        "KVP_MED_SOSHJ_ENGANG": " ",
        "KVP_MED_SOSHJ_PGM": " ",
        "KVP_MED_SOSHJ_SUP": "7",
        "STMND_1": "01",
        "STMND_2": "02",
        "STMND_3": "  ",
        "STMND_4": "  ",
        "STMND_5": "05",
        "STMND_8": "08",
        "STMND_9": "  ",
        "STMND_12": "  ",
        "KVP_STONAD": "0098765",
        "STATUS": "3",
        "AVSL_DATO": "15082025",
        "AVSL_ORDINAERTARB": "01",
        "AVSL_ARBLONNSTILS": "  ",
        "AVSL_AAP": "  ",
        "AVSL_UKJENT": "  ",
        "AVSL_VIKTIGSTE_INNTEKT": "14",
        "SAKSBEHANDLER": "Z990001   ",
    }
    for row in ssb_layout():
        start, end = int(row["from"]), int(row["to"])
        value = line[start - 1 : end]
        assert len(value) == int(row["length"])
        if row["name"] in expected:
            assert value == expected[row["name"]], row["name"]


def test_ongoing_programme_leaves_end_fields_blank():
    line = format_record(
        case(status="1", ended_on=None, situation_after="", main_income_after=""), 2025
    )
    assert line[111] == "1"
    assert line[112:142] == " " * 30


def test_no_children_and_no_earlier_programme():
    line = format_record(case(children_under_18=0, previous_kvp_municipality=""), 2025)
    assert line[37:40] == "2  "
    assert line[64:69] == "2    "


@pytest.mark.parametrize(
    ("reason", "code"),
    [
        ("completed", "3"),
        ("work", "3"),
        ("no_longer_eligible", "3"),
        ("repeated_interruptions", "4"),
        ("moved", "5"),
        ("interruption_limit", "7"),
    ],
)
def test_status_of_an_ended_programme_follows_the_termination_reason(reason, code):
    assert (
        status_on_31_12(
            year=2025, ended_on=D(2025, 12, 31), termination_reason=reason, paused_on_31_12=False
        )
        == code
    )


def test_status_on_31_12_boundaries():
    # Ending the day after 31.12 is next year's end: still in programme (or paused) this year.
    assert (
        status_on_31_12(
            year=2025, ended_on=D(2026, 1, 1), termination_reason="work", paused_on_31_12=False
        )
        == "1"
    )
    assert (
        status_on_31_12(year=2025, ended_on=None, termination_reason="", paused_on_31_12=True)
        == "2"
    )
    assert (
        status_on_31_12(year=2025, ended_on=None, termination_reason="", paused_on_31_12=False)
        == "1"
    )


def findings(c: KostraCase, year=2025) -> set[tuple[str, str]]:
    return {(f.severity, f.field) for f in check_cases([c], year).findings}


def test_a_complete_case_passes():
    assert findings(case()) == set()


@pytest.mark.parametrize(
    ("born", "expected"),
    [
        (D(2007, 12, 31), set()),  # 18 on 31.12.2025
        (D(2008, 1, 1), {("error", "FODSELSDATO")}),  # 17 on 31.12.2025
        (D(1957, 1, 1), set()),  # 68
        (D(1956, 12, 31), {("warning", "FODSELSDATO")}),  # 69
    ],
)
def test_age_under_18_is_an_error_over_68_a_warning(born, expected):
    assert findings(case(birth_date=born)) == expected


@pytest.mark.parametrize("field", ["received_on", "granted_on", "started_on"])
def test_the_three_dates_are_required(field):
    names = {"received_on": "REG_DATO", "granted_on": "VEDTAK_DATO", "started_on": "BEGYNT_DATO"}
    assert ("error", names[field]) in findings(case(**{field: None}))


def test_start_no_later_than_31_12():
    assert findings(case(started_on=D(2025, 12, 31), status="1", ended_on=None)) == set()
    assert ("error", "BEGYNT_DATO") in findings(
        case(started_on=D(2026, 1, 1), status="1", ended_on=None)
    )


@pytest.mark.parametrize("status", ["3", "4", "5", "7"])
def test_end_date_required_and_within_the_year_when_ended(status):
    assert ("error", "AVSL_DATO") in findings(case(status=status, ended_on=None))
    assert ("error", "AVSL_DATO") in findings(case(status=status, ended_on=D(2024, 12, 31)))
    assert ("error", "AVSL_DATO") in findings(case(status=status, ended_on=D(2026, 1, 1)))
    assert ("error", "AVSL_DATO") not in findings(case(status=status, ended_on=D(2025, 1, 1)))
    assert ("error", "AVSL_DATO") not in findings(case(status=status, ended_on=D(2025, 12, 31)))


def test_total_of_600_000_or_more_is_a_warning():
    assert ("warning", "KVP_STONAD") not in findings(case(stipend_paid=599_999))
    assert ("warning", "KVP_STONAD") in findings(case(stipend_paid=600_000))


def test_missing_months_is_a_warning_unless_status_2():
    assert ("warning", "STMND") in findings(case(months_with_stipend=set()))
    assert ("warning", "STMND") not in findings(
        case(months_with_stipend=set(), status="2", ended_on=None)
    )


def test_duplicate_ids_and_journal_numbers_are_errors():
    first, second = case(participant_id=1), case(participant_id=2)
    result = check_cases([first, second], 2025)
    assert {(f.participant_id, f.field) for f in result.errors} == {
        (1, "PERSON_FODSELSNR"),
        (2, "PERSON_FODSELSNR"),
        (1, "PERSON_JOURNALNR"),
        (2, "PERSON_JOURNALNR"),
    }
    other = case(participant_id=2, national_id="02020212345", journal_number="2025/18")
    assert check_cases([first, other], 2025).errors == []


def test_sex_and_civil_status_are_required():
    assert findings(case(sex="", civil_status="")) == {("error", "KJONN"), ("error", "EKTSTAT")}
