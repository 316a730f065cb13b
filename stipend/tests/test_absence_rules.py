"""S6/S7 quotas at their boundaries, pure: the 4th and 5th egenmelding in 12 months, the 3rd
and 4th calendar day of one egenmelding, the 10th and 11th velferdsdag, the 25th and 26th
feriedag, and an override with a reason."""

import ast
import datetime
import subprocess
import sys
from pathlib import Path

from stipend.rules import absence
from stipend.rules.absence import Absence, Payability

D = datetime.date


def egenmelding(day):
    return Absence(day, "egenmelding")


def test_s7_fourth_egenmelding_in_12_months_is_paid_the_fifth_is_not():
    days = [D(2025, 1, 6), D(2025, 3, 3), D(2025, 5, 5), D(2025, 7, 7), D(2025, 9, 1)]
    judged = absence.judge(egenmelding(d) for d in days)
    assert judged[D(2025, 7, 7)].payability == Payability.PAID  # 4th
    fifth = judged[D(2025, 9, 1)]
    assert fifth.payability == Payability.OVER_QUOTA
    assert "5. egenmelding på 12 måneder" in fifth.note
    assert absence.counters(map(egenmelding, days), D(2025, 9, 1)).egenmelding_instances == 5


def test_s7_the_12_months_window_boundary():
    # The first instance 06.01.2025 falls out of the window for an instance on 06.01.2026
    # (window 07.01.2025–06.01.2026) but not for one on 05.01.2026.
    earlier = [D(2025, 1, 6), D(2025, 3, 3), D(2025, 5, 5), D(2025, 7, 7)]
    on_day = absence.judge(map(egenmelding, [*earlier, D(2026, 1, 6)]))
    day_before = absence.judge(map(egenmelding, [*earlier, D(2026, 1, 5)]))
    assert on_day[D(2026, 1, 6)].payability == Payability.PAID
    assert day_before[D(2026, 1, 5)].payability == Payability.OVER_QUOTA


def test_s7_one_egenmelding_covers_three_calendar_days_and_a_weekend_joins_it():
    # Thursday 06.03 – Monday 10.03.2025 is one instance (the weekend between): calendar days
    # 06, 07, 08 are within 3; Monday 10.03 is the 5th calendar day and over.
    judged = absence.judge(map(egenmelding, [D(2025, 3, 6), D(2025, 3, 7), D(2025, 3, 10)]))
    assert judged[D(2025, 3, 7)].payability == Payability.PAID
    assert judged[D(2025, 3, 10)].payability == Payability.OVER_QUOTA
    assert absence.egenmelding_instances([D(2025, 3, 6), D(2025, 3, 7), D(2025, 3, 10)]) == [
        [D(2025, 3, 6), D(2025, 3, 7), D(2025, 3, 10)]
    ]
    # Monday–Wednesday: 3 calendar days, all paid; Thursday is the 4th.
    week = absence.judge(map(egenmelding, [D(2025, 3, 17 + i) for i in range(4)]))
    assert week[D(2025, 3, 19)].payability == Payability.PAID
    assert week[D(2025, 3, 20)].payability == Payability.OVER_QUOTA


def _welfare(n, year=2025):
    day, days = D(year, 1, 6), []
    while len(days) < n:
        if day.weekday() < 5:
            days.append(Absence(day, "velferdspermisjon"))
        day += datetime.timedelta(days=1)
    return days


def test_s7_tenth_velferdsdag_is_paid_the_eleventh_is_not():
    days = _welfare(11)
    judged = absence.judge(days)
    assert judged[days[9].day].payability == Payability.PAID
    assert judged[days[10].day].payability == Payability.OVER_QUOTA
    assert judged[days[10].day].note == "11. av 10 velferdsdager i 2025"
    counters = absence.counters(days, days[10].day)
    assert (counters.welfare_days, counters.welfare_over) == (11, True)
    assert absence.counters(days[:10], days[9].day).welfare_over is False


def test_s7_the_quota_starts_again_on_1_january():
    days = _welfare(10, 2025) + [Absence(D(2026, 1, 5), "velferdspermisjon")]
    assert absence.judge(days)[D(2026, 1, 5)].payability == Payability.PAID


def test_s7_25_feriedager_paid_the_26th_not():
    day, days = D(2025, 6, 2), []
    while len(days) < 26:
        if day.weekday() < 5:
            days.append(Absence(day, "ferie"))
        day += datetime.timedelta(days=1)
    judged = absence.judge(days)
    assert judged[days[24].day].payability == Payability.PAID
    assert judged[days[25].day].payability == Payability.OVER_QUOTA


def test_s7_an_override_with_a_reason_keeps_the_day_paid():
    days = _welfare(10) + [Absence(D(2025, 6, 2), "velferdspermisjon", "Begravelse i familien")]
    judged = absence.judge(days)[D(2025, 6, 2)]
    assert judged.payability == Payability.PAID
    assert judged.note  # still shown as over the quota, with the override


def test_s6_kinds_without_stipend():
    judged = absence.judge(
        [Absence(D(2025, 6, 2), "ugyldig"), Absence(D(2025, 6, 3), "avtalt_uten_stonad")]
    )
    assert judged[D(2025, 6, 2)].payability == Payability.UNAUTHORISED
    assert judged[D(2025, 6, 3)].payability == Payability.AGREED_UNPAID


def test_absence_kinds_match_the_model_choices():
    from stipend.models import AbsenceKind

    assert set(AbsenceKind.values) == set(absence.ABSENCE_LABELS)
    assert dict(AbsenceKind.choices) == absence.ABSENCE_LABELS


RULES_DIR = Path(absence.__file__).parent


def test_stipend_rules_import_no_django():
    names = [f"stipend.rules.{m.stem}" for m in RULES_DIR.glob("*.py") if m.stem != "__init__"]
    script = (
        "import importlib, sys\n"
        f"for name in {names!r}: importlib.import_module(name)\n"
        "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=RULES_DIR.parent.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for module in RULES_DIR.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                assert not (node.module or "").startswith("django"), module.name
