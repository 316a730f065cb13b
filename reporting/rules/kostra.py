"""KOSTRA 11CF (RULES.md K1): the fixed-width record, status per 31.12 and SSB's checks.
Pure: plain data in, text and findings out; imports nothing from Django.

The layout is ../shared/domain/kostra-11cf-2026-fields.csv: 152 characters per record,
positions 1-based and inclusive; a test reads the CSV and checks every field against it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

RECORD_LENGTH = 152

# (name, from, to) exactly as the CSV.
LAYOUT: tuple[tuple[str, int, int], ...] = (
    ("KOMMUNE_NR", 1, 4),
    ("VERSION", 5, 6),
    ("BYDELSNR", 7, 8),
    ("FODSELSDATO", 9, 16),
    ("PERSON_JOURNALNR", 17, 24),
    ("PERSON_FODSELSNR", 25, 35),
    ("KJONN", 36, 36),
    ("EKTSTAT", 37, 37),
    ("BU18", 38, 38),
    ("ANTBU18", 39, 40),
    ("REG_DATO", 41, 48),
    ("VEDTAK_DATO", 49, 56),
    ("BEGYNT_DATO", 57, 64),
    ("KVP_KOMM", 65, 65),
    ("KOMMNR_KVP_KOMM", 66, 69),
    ("YTELSE_SOSHJELP", 70, 70),
    ("YTELSE_TYPE_SOSHJ", 71, 71),
    ("YTELSE_INTRO", 72, 72),
    ("YTELSE_TILTAKSPENGER", 73, 73),
    ("YTELSE_FOLKETRYGDL", 74, 74),
    ("KVP_MED_ASTONAD", 75, 75),
    ("KVP_MED_KOMMBOS", 76, 76),
    ("KVP_MED_HUSBANKBOS", 77, 77),
    ("KVP_MED_SOSHJ_ENGANG", 78, 78),
    ("KVP_MED_SOSHJ_PGM", 79, 79),
    ("KVP_MED_SOSHJ_SUP", 80, 80),
    *((f"STMND_{m}", 81 + 2 * (m - 1), 82 + 2 * (m - 1)) for m in range(1, 13)),
    ("KVP_STONAD", 105, 111),
    ("STATUS", 112, 112),
    ("AVSL_DATO", 113, 120),
    ("AVSL_ORDINAERTARB", 121, 122),
    ("AVSL_ARBLONNSTILS", 123, 124),
    ("AVSL_ARBMARK", 125, 126),
    ("AVSL_SKOLE", 127, 128),
    ("AVSL_UFORE", 129, 130),
    ("AVSL_AAP", 131, 132),
    ("AVSL_OK_AVKLAR", 133, 134),
    ("AVSL_UTEN_OK_AVKLAR", 135, 136),
    ("AVSL_ANNET", 137, 138),
    ("AVSL_UKJENT", 139, 140),
    ("AVSL_VIKTIGSTE_INNTEKT", 141, 142),
    ("SAKSBEHANDLER", 143, 152),
)

# AVSL_* situation fields and the code each one carries when ticked.
SITUATION_FIELDS: dict[str, str] = {
    "01": "AVSL_ORDINAERTARB",
    "11": "AVSL_ARBLONNSTILS",
    "03": "AVSL_ARBMARK",
    "04": "AVSL_SKOLE",
    "13": "AVSL_UFORE",
    "14": "AVSL_AAP",
    "15": "AVSL_OK_AVKLAR",
    "16": "AVSL_UTEN_OK_AVKLAR",
    "10": "AVSL_ANNET",
    "17": "AVSL_UKJENT",
}

# YTELSE_* fields: the benefit code recorded on the application → field and value.
BENEFIT_FIELDS: dict[str, tuple[str, str]] = {
    "4": ("YTELSE_INTRO", "4"),
    "5": ("YTELSE_TILTAKSPENGER", "5"),
    "6": ("YTELSE_FOLKETRYGDL", "6"),
}
SOCIAL_ASSISTANCE_TYPES = ("2", "3")

ASSISTANCE_FIELDS: dict[str, str] = {
    "4": "KVP_MED_KOMMBOS",
    "5": "KVP_MED_HUSBANKBOS",
    "9": "KVP_MED_SOSHJ_ENGANG",
    "8": "KVP_MED_SOSHJ_PGM",
    "7": "KVP_MED_SOSHJ_SUP",
}

# STATUS per 31.12 for a programme that ended by then, from the termination reason
# (decisions.models.TerminationReason): 4 = ended for good because of absence,
# 5 = moved to another municipality, 7 = ended after an interruption, 3 = the rest.
STATUS_BY_TERMINATION_REASON: dict[str, str] = {
    "completed": "3",
    "work": "3",
    "education": "3",
    "disability_benefit": "3",
    "aap": "3",
    "no_longer_eligible": "3",
    "other": "3",
    "repeated_interruptions": "4",
    "moved": "5",
    "interruption_limit": "7",
}
ENDED_STATUSES = frozenset({"3", "4", "5", "7"})
STATUS_LABELS = {
    "1": "Fortsatt i program",
    "2": "Permisjon eller avtalt avbrudd",
    "3": "Fullført eller avsluttet etter avtale",
    "4": "Varig avbrutt på grunn av uteblivelse",
    "5": "Avbrutt på grunn av flytting til annen kommune",
    "6": "Flyttet til annen bydel (Oslo)",
    "7": "Avsluttet etter avbrudd",
}

MIN_AGE = 18  # K1: under 18 is an error
MAX_AGE = 68  # K1: over 68 is a warning
TOTAL_WARNING = 600_000  # K1: a total of 600 000 kroner or more is a warning


def status_on_31_12(
    *,
    year: int,
    ended_on: datetime.date | None,
    termination_reason: str,
    paused_on_31_12: bool,
) -> str:
    """K1 STATUS: 3/4/5/7 when the programme ended in or before `year` (by the termination
    reason), 2 when it is interrupted or on leave on 31.12, else 1."""
    if ended_on is not None and ended_on <= datetime.date(year, 12, 31):
        return STATUS_BY_TERMINATION_REASON.get(termination_reason, "3")
    return "2" if paused_on_31_12 else "1"


@dataclass
class KostraCase:
    """One participant's data for the year, as plain values (empty = not recorded)."""

    participant_id: int
    name: str
    municipality_number: str
    district_number: str
    birth_date: datetime.date
    journal_number: str
    national_id: str
    sex: str
    civil_status: str
    children_under_18: int
    received_on: datetime.date | None
    granted_on: datetime.date | None
    started_on: datetime.date | None
    previous_kvp_municipality: str
    benefits_before: list[str]
    received_assistance: bool | None
    assistance_during: list[str]
    months_with_stipend: set[int]
    stipend_paid: int
    status: str
    ended_on: datetime.date | None
    situation_after: str
    main_income_after: str
    caseworker_number: str
    programme_id: int | None = None
    application_id: int | None = None


def _date(value: datetime.date | None) -> str:
    return f"{value:%d%m%Y}" if value else ""


def record_fields(case: KostraCase, year: int) -> dict[str, str]:
    """The values of one record, by field name, before padding."""
    values: dict[str, str] = {
        "KOMMUNE_NR": case.municipality_number,
        "VERSION": f"{year % 100:02d}",
        "BYDELSNR": case.district_number,
        "FODSELSDATO": _date(case.birth_date),
        "PERSON_JOURNALNR": case.journal_number,
        "PERSON_FODSELSNR": case.national_id,
        "KJONN": case.sex,
        "EKTSTAT": case.civil_status,
        "BU18": "1" if case.children_under_18 else "2",
        "ANTBU18": f"{case.children_under_18:02d}" if case.children_under_18 else "",
        "REG_DATO": _date(case.received_on),
        "VEDTAK_DATO": _date(case.granted_on),
        "BEGYNT_DATO": _date(case.started_on),
        "KVP_KOMM": "1" if case.previous_kvp_municipality else "2",
        "KOMMNR_KVP_KOMM": case.previous_kvp_municipality,
        "KVP_STONAD": f"{case.stipend_paid:07d}" if case.stipend_paid else "",
        "STATUS": case.status,
        "AVSL_DATO": _date(case.ended_on) if case.status in ENDED_STATUSES else "",
        "SAKSBEHANDLER": case.caseworker_number,
    }
    sa = [c for c in case.benefits_before if c in SOCIAL_ASSISTANCE_TYPES]
    if sa:
        values["YTELSE_SOSHJELP"] = "1"
        values["YTELSE_TYPE_SOSHJ"] = sa[0]
    for code in case.benefits_before:
        if code in BENEFIT_FIELDS:
            name, value = BENEFIT_FIELDS[code]
            values[name] = value
    if case.received_assistance is not None:
        values["KVP_MED_ASTONAD"] = "1" if case.received_assistance else "2"
        for code in case.assistance_during:
            if code in ASSISTANCE_FIELDS:
                values[ASSISTANCE_FIELDS[code]] = code
    for month in case.months_with_stipend:
        values[f"STMND_{month}"] = f"{month:02d}"
    if case.status in ENDED_STATUSES:
        if case.situation_after in SITUATION_FIELDS:
            values[SITUATION_FIELDS[case.situation_after]] = case.situation_after
        income = case.main_income_after or case.situation_after
        if income in SITUATION_FIELDS:
            values["AVSL_VIKTIGSTE_INNTEKT"] = income
    return values


def format_record(case: KostraCase, year: int) -> str:
    """One 152-character line: each value left-aligned and space-padded to its width (numbers
    are zero-padded above), cut to the width if longer."""
    values = record_fields(case, year)
    parts = []
    for name, start, end in LAYOUT:
        width = end - start + 1
        parts.append(values.get(name, "")[:width].ljust(width))
    line = "".join(parts)
    assert len(line) == RECORD_LENGTH
    return line


@dataclass(frozen=True)
class Finding:
    """One SSB check that fails: `severity` "error" blocks the file, "warning" does not;
    `fix` says which page fixes it ("participant", "programme", "application",
    "statistics", "termination")."""

    participant_id: int
    severity: str
    field: str
    message: str
    fix: str


@dataclass
class CheckResult:
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]


def _age(born: datetime.date, on: datetime.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def check_cases(cases: list[KostraCase], year: int) -> CheckResult:
    """K1: SSB's checks (kontrollprogram) over the year's records."""
    result = CheckResult()
    year_end = datetime.date(year, 12, 31)
    year_start = datetime.date(year, 1, 1)

    def add(case: KostraCase, severity: str, field_name: str, message: str, fix: str) -> None:
        result.findings.append(Finding(case.participant_id, severity, field_name, message, fix))

    for case in cases:
        age = _age(case.birth_date, year_end)
        if age < MIN_AGE:
            add(
                case, "error", "FODSELSDATO", f"Deltakeren er {age} år, under 18 år.", "participant"
            )
        elif age > MAX_AGE:
            add(
                case,
                "warning",
                "FODSELSDATO",
                f"Deltakeren er {age} år, over 68 år.",
                "participant",
            )
        if not case.sex:
            add(case, "error", "KJONN", "Kjønn er ikke registrert.", "participant")
        if not case.civil_status:
            add(case, "error", "EKTSTAT", "Sivilstand er ikke registrert.", "participant")
        if not case.received_on:
            add(case, "error", "REG_DATO", "Datoen søknaden ble registrert mangler.", "application")
        if not case.granted_on:
            add(
                case, "error", "VEDTAK_DATO", "Datoen for vedtaket om program mangler.", "programme"
            )
        if not case.started_on:
            add(
                case,
                "error",
                "BEGYNT_DATO",
                "Datoen deltakeren begynte i program mangler.",
                "programme",
            )
        elif case.started_on > year_end:
            add(
                case,
                "error",
                "BEGYNT_DATO",
                f"Programmet begynte etter 31.12.{year}.",
                "programme",
            )
        if case.status in ENDED_STATUSES:
            if not case.ended_on:
                add(
                    case,
                    "error",
                    "AVSL_DATO",
                    "Programmet er avsluttet, men datoen det ble avsluttet mangler.",
                    "termination",
                )
            elif not (year_start <= case.ended_on <= year_end):
                add(
                    case,
                    "error",
                    "AVSL_DATO",
                    f"Avslutningsdatoen {case.ended_on:%d.%m.%Y} er ikke i {year}.",
                    "termination",
                )
            if case.situation_after not in SITUATION_FIELDS:
                add(
                    case,
                    "error",
                    "AVSL_*",
                    "Situasjonen etter programmet er ikke registrert.",
                    "termination",
                )
        if case.stipend_paid >= TOTAL_WARNING:
            add(
                case,
                "warning",
                "KVP_STONAD",
                f"Samlet stønad er {case.stipend_paid:,} kroner, 600 000 eller mer.".replace(
                    ",", "\u00a0"
                ),
                "programme",
            )
        if not case.months_with_stipend and case.status != "2":
            add(
                case,
                "warning",
                "STMND",
                "Ingen måneder med stønad er registrert i året.",
                "programme",
            )
        if case.received_assistance is None:
            add(
                case,
                "warning",
                "KVP_MED_ASTONAD",
                "Det er ikke registrert om deltakeren fikk sosialhjelp eller bostøtte i "
                "perioden med stønad.",
                "statistics",
            )
    for key, label, field_name, fix in (
        ("national_id", "fødselsnummer", "PERSON_FODSELSNR", "participant"),
        ("journal_number", "journalnummer", "PERSON_JOURNALNR", "participant"),
    ):
        seen: dict[str, list[KostraCase]] = {}
        for case in cases:
            value = getattr(case, key)
            if value:
                seen.setdefault(value, []).append(case)
        for value, group in seen.items():
            if len(group) > 1:
                for case in group:
                    add(
                        case,
                        "error",
                        field_name,
                        f"Samme {label} ({value}) står på {len(group)} oppgaver.",
                        fix,
                    )
    return result
