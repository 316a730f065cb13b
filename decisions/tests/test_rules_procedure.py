"""Deadlines on every decision (F2, F3), and the shape of every message the rules produce."""

from __future__ import annotations

from datetime import date

import pytest

from decisions.rules import Check, Finding, Severity, appeal_deadline, interim_reply_due, policy


def d(text: str) -> date:
    day, month, year = (int(part) for part in text.split("."))
    return date(year, month, day)


@pytest.mark.parametrize(
    ("notice", "deadline"),
    [
        ("04.01.2026", "26.01.2026"),  # ends on Sunday 25.01: runs to Monday
        ("05.01.2026", "26.01.2026"),
        ("06.01.2026", "27.01.2026"),
        ("10.01.2026", "02.02.2026"),  # ends on Saturday 31.01
        ("12.03.2026", "07.04.2026"),  # ends on skjærtorsdag; Easter runs to 2. påskedag
        ("26.04.2027", "18.05.2027"),  # ends on 17. mai (a Monday)
        ("15.12.2026", "05.01.2027"),  # across the new year
        ("15.02.2028", "07.03.2028"),  # across a leap day
    ],
)
def test_F2_appeal_deadline_three_weeks(notice: str, deadline: str) -> None:
    assert policy.KLAGEFRIST_WEEKS == 3
    assert appeal_deadline(d(notice)) == d(deadline)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        ("14.01.2026", "14.02.2026"),
        ("15.01.2026", "15.02.2026"),
        ("16.01.2026", "16.02.2026"),
        ("31.01.2026", "28.02.2026"),  # no 31 February: the month's last day
        ("31.01.2028", "29.02.2028"),
        ("30.12.2026", "30.01.2027"),
    ],
)
def test_F3_interim_reply_after_one_month(received: str, due: str) -> None:
    assert interim_reply_due(d(received)) == d(due)


def test_check_combines() -> None:
    e = Finding("D1", "Feil.", Severity.ERROR)
    w = Finding("A2", "Merk.", Severity.WARNING)
    combined = Check((w,)) + Check((e,))
    assert not combined.allowed
    assert combined.errors == (e,) and combined.warnings == (w,)
    assert combined.rules == {"D1", "A2"}
    assert Check.combine([Check((w,)), Check()]).allowed
    assert Check().allowed
    assert str(e) == "Feil. (D1)"
