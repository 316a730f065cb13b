import datetime

import pytest
from django.core.exceptions import ValidationError

from participants.national_id import make_synthetic_national_id, parse_national_id


def codes(value, **kwargs) -> str:
    with pytest.raises(ValidationError) as info:
        parse_national_id(value, **kwargs)
    return info.value.code


def test_valid_fodselsnummer_gives_birth_date():
    nid = parse_national_id("151086 95088", allow_synthetic=False)
    assert nid.number == "15108695088"
    assert nid.birth_date == datetime.date(1986, 10, 15)
    assert nid.kind == "fnr"
    assert not nid.synthetic


def test_bad_check_digits_are_refused_with_norwegian_message():
    with pytest.raises(ValidationError) as info:
        parse_national_id("15108695077", allow_synthetic=False)
    assert info.value.code == "checksum"
    assert "Kontrollsifrene stemmer ikke" in info.value.messages[0]


def test_d_number_day_plus_40():
    # D-nummer for 15.10.1986: day 15 + 40 = 55, check digits recomputed.
    from stdnum.no import fodselsnummer

    base = "551086950"
    k1 = fodselsnummer.calc_check_digit1(base)
    number = base + k1 + fodselsnummer.calc_check_digit2(base + k1)
    nid = parse_national_id(number, allow_synthetic=False)
    assert nid.kind == "dnr"
    assert nid.birth_date == datetime.date(1986, 10, 15)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "required"),
        ("1510869508", "length"),
        ("151086950888", "length"),
        ("15108a95088", "format"),
    ],
)
def test_shape_errors(value, code):
    assert codes(value, allow_synthetic=False) == code


def test_synthetic_id_accepted_only_when_allowed():
    number = make_synthetic_national_id(datetime.date(1990, 5, 17), 123)
    assert number is not None and number[2:4] == "85"  # month 05 + 80
    nid = parse_national_id(number, allow_synthetic=True)
    assert nid.synthetic and nid.birth_date == datetime.date(1990, 5, 17)
    assert codes(number, allow_synthetic=False) == "synthetic"


def test_synthetic_setting_is_the_default(settings):
    number = make_synthetic_national_id(datetime.date(1990, 5, 17), 123)
    settings.KVP_ALLOW_SYNTHETIC_IDS = False
    assert codes(number) == "synthetic"
    settings.KVP_ALLOW_SYNTHETIC_IDS = True
    assert parse_national_id(number).synthetic


def test_synthetic_id_with_bad_check_digits_is_still_refused():
    number = make_synthetic_national_id(datetime.date(1990, 5, 17), 123)
    broken = number[:-1] + str((int(number[-1]) + 1) % 10)
    assert codes(broken, allow_synthetic=True) == "checksum"


def test_h_number_refused():
    from stdnum.no import fodselsnummer

    base = "155086950"  # month 10 + 40
    k1 = fodselsnummer.calc_check_digit1(base)
    number = base + k1 + fodselsnummer.calc_check_digit2(base + k1)
    assert codes(number, allow_synthetic=True) == "h_number"


def test_impossible_date_refused():
    from stdnum.no import fodselsnummer

    base = "310286950"  # 31 February
    k1 = fodselsnummer.calc_check_digit1(base)
    k2 = fodselsnummer.calc_check_digit2(base + k1)
    if len(k1) == 1 and len(k2) == 1:
        assert codes(base + k1 + k2, allow_synthetic=False) == "birth_date"


def test_born_2000s_uses_high_serials():
    number = next(
        n
        for serial in range(40, 60)
        if (n := make_synthetic_national_id(datetime.date(2005, 3, 9), serial))
    )
    assert int(number[6:9]) >= 500
    assert parse_national_id(number, allow_synthetic=True).birth_date == datetime.date(2005, 3, 9)
