"""Norwegian national ids: fødselsnummer and D-nummer, validated with python-stdnum.

Synthetic ids (Skatteetaten's test persons, month + 80) have valid check digits but an
impossible month; they are accepted only where settings.KVP_ALLOW_SYNTHETIC_IDS allows them
(demo and test data), never in production.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.no import fodselsnummer

from kvp import clock

SYNTHETIC_MONTH_OFFSET = 80


@dataclass(frozen=True)
class NationalId:
    number: str
    birth_date: datetime.date
    kind: str  # "fnr", "dnr"
    synthetic: bool


def _birth_date(number: str) -> datetime.date:
    """stdnum's birth date, with the synthetic month offset taken off first."""
    month = int(number[2:4])
    if month > SYNTHETIC_MONTH_OFFSET:
        number = number[:2] + f"{month - SYNTHETIC_MONTH_OFFSET:02d}" + number[4:]
    return fodselsnummer.get_birth_date(number)


def parse_national_id(value: str, *, allow_synthetic: bool | None = None) -> NationalId:
    """Validate and describe a national id, or raise ValidationError with a Norwegian message."""
    if allow_synthetic is None:
        allow_synthetic = settings.KVP_ALLOW_SYNTHETIC_IDS
    number = fodselsnummer.compact(value or "")
    if not number:
        raise ValidationError("Skriv inn fødselsnummer eller D-nummer.", code="required")
    # isdigit() alone accepts superscript and Arabic-Indic digits.
    if not (number.isascii() and number.isdigit()):
        raise ValidationError("Fødselsnummeret kan bare inneholde sifre.", code="format")
    if len(number) != 11:
        raise ValidationError(
            "Fødselsnummeret må ha 11 sifre (du skrev %(count)s).",
            code="length",
            params={"count": len(number)},
        )
    day, month = int(number[0:2]), int(number[2:4])
    synthetic = month > SYNTHETIC_MONTH_OFFSET
    if synthetic and not allow_synthetic:
        raise ValidationError(
            "Syntetiske fødselsnumre (testpersoner) kan ikke brukes her.", code="synthetic"
        )
    if 40 < month <= 52:
        raise ValidationError(
            "H-nummer kan ikke brukes. Bruk fødselsnummer eller D-nummer.", code="h_number"
        )
    if day >= 80:
        raise ValidationError(
            "FH-nummer kan ikke brukes. Bruk fødselsnummer eller D-nummer.", code="fh_number"
        )
    if number[9] != fodselsnummer.calc_check_digit1(number) or number[
        10
    ] != fodselsnummer.calc_check_digit2(number):
        raise ValidationError(
            "Kontrollsifrene stemmer ikke. Sjekk at fødselsnummeret er skrevet riktig.",
            code="checksum",
        )
    try:
        birth_date = _birth_date(number)
    except (InvalidComponent, InvalidChecksum, InvalidFormat, InvalidLength):
        raise ValidationError(
            "Fødselsnummeret inneholder ikke en gyldig fødselsdato.", code="birth_date"
        ) from None
    if birth_date > clock.today():
        raise ValidationError("Fødselsdatoen i nummeret er fram i tid.", code="future")
    return NationalId(
        number=number,
        birth_date=birth_date,
        kind="dnr" if day > 40 else "fnr",
        synthetic=synthetic,
    )


def make_synthetic_national_id(birth_date: datetime.date, serial: int) -> str | None:
    """A synthetic id (month + 80) for demo and test data, or None when `serial` gives a
    check digit of 10 (such serials are never issued; try the next)."""
    if not 0 <= serial <= 999:
        raise ValueError("serial must be 0–999")
    # Individual numbers by century, as stdnum decodes them.
    if 1900 <= birth_date.year <= 1999 and serial >= 500:
        raise ValueError("serials 500–999 are not for people born 1900–1999")
    if birth_date.year >= 2000 and serial < 500:
        serial += 500
    base = (
        f"{birth_date.day:02d}{birth_date.month + SYNTHETIC_MONTH_OFFSET:02d}"
        f"{birth_date.year % 100:02d}{serial:03d}"
    )
    k1 = fodselsnummer.calc_check_digit1(base)
    if len(k1) != 1:
        return None
    k2 = fodselsnummer.calc_check_digit2(base + k1)
    if len(k2) != 1:
        return None
    return base + k1 + k2
