"""S1–S4 rate rules, pure: no database."""

import datetime

import pytest

from stipend.rules import rates

D = datetime.date


@pytest.mark.parametrize(
    ("day", "under_25", "expected"),
    [
        (D(2025, 5, 1), False, 265_657),  # S1: NAV's published 2025 figures
        (D(2025, 5, 1), True, 177_104),
        (D(2024, 6, 30), False, 2 * 124_028),  # S1: 2 G the day before 01.07.2024
        (D(2024, 7, 1), False, 253_141),  # 2.041 × 124 028 = 253 141.15
    ],
)
def test_s1_yearly_rate(day, under_25, expected):
    g = 130_160 if day >= D(2025, 5, 1) else 124_028
    assert rates.yearly_rate(base_amount=g, day=day, under_25=under_25) == expected


def test_s2_g_year_starts_on_1_may():
    assert rates.g_year_start(D(2026, 4, 30)) == D(2025, 5, 1)
    assert rates.g_year_start(D(2026, 5, 1)) == D(2026, 5, 1)
    assert rates.g_year_start(D(2026, 12, 31)) == D(2026, 5, 1)


def test_s3_full_rate_from_the_25th_birthday():
    born = D(2001, 3, 15)
    assert rates.is_under_25(born, D(2026, 3, 14))
    assert not rates.is_under_25(born, D(2026, 3, 15))
    # Born on a leap day: the same anniversary policy as the rules core (28 February).
    assert not rates.is_under_25(D(2000, 2, 29), D(2025, 2, 28))
    assert rates.is_under_25(D(2000, 2, 29), D(2025, 2, 27))


def test_s4_child_supplement_by_year():
    assert rates.child_supplement_per_day(D(2023, 12, 31)) == 27
    assert rates.child_supplement_per_day(D(2024, 1, 1)) == 36
    assert rates.child_supplement_per_day(D(2026, 6, 1)) == 38
    assert rates.child_supplement_per_day(D(2027, 1, 1)) is None
