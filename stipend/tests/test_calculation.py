"""Hand-computed payment bases (issue 6 item 5), pure: no database. Every expected figure is
worked out in the comment above it; amounts are øre.

G: 124 028 kr from 01.05.2024, 130 160 kr from 01.05.2025 (S2).
Daily rates used below (S5: yearly / 260, rounded half up to øre once):
  2 G 2024         = 248 056 kr/år → 24 805 600 / 260 =  95 406,15 øre →  954,06 kr
  2,041 G 2024     = 253 141,148 → 253 141 kr → 25 314 100 / 260 = 97 361,92 → 973,62 kr
  2/3 × 2,041 G 24 = 168 760,77 → 168 761 kr → 16 876 100 / 260 = 64 908,08 → 649,08 kr
  2,041 G 2025     = 265 656,56 → 265 657 kr → 26 565 700 / 260 = 102 175,77 → 1 021,76 kr
  2/3 × 2,041 G 25 = 177 104 kr → 17 710 400 / 260 = 68 116,92 → 681,17 kr
"""

import datetime
from decimal import Decimal

from decisions.rules.dates import Period
from decisions.rules.history import Pause, ProgrammeHistory
from stipend.rules import absence, money, periods
from stipend.rules.calculation import (
    BenefitReceived,
    LineKind,
    StipendInput,
    Work,
    compute,
    total,
)
from stipend.rules.rates import KNOWN_BASE_AMOUNTS

D = datetime.date
REGISTER = tuple((D(year, 5, 1), amount) for year, amount in KNOWN_BASE_AMOUNTS.items())
BORN_1990 = D(1990, 1, 15)
START, END = D(2024, 1, 1), D(2025, 12, 31)


def history(start=START, end=END, pauses=(), ended_on=None):
    return ProgrammeHistory(
        start=start,
        decision_periods=(Period(start, end),),
        pauses=tuple(pauses),
        special_extension=False,
        ended_on=ended_on,
        birth_date=BORN_1990,
    )


def run(start, end, **kwargs):
    kwargs.setdefault("history", history())
    kwargs.setdefault("birth_date", BORN_1990)
    return compute(StipendInput(start=start, end=end, base_amounts=REGISTER, **kwargs))


def by_kind(lines, kind):
    return [line for line in lines if line.kind == kind]


def test_s1_2025_daily_rates_full_and_under_25():
    # One week in June 2025 (02.06–06.06): 5 × 102 176 = 510 880; under 25: 5 × 68 117 = 340 585.
    assert total(run(D(2025, 6, 2), D(2025, 6, 6))) == 510_880
    young = run(D(2025, 6, 2), D(2025, 6, 6), birth_date=D(2001, 1, 1))
    assert total(young) == 340_585
    assert "5 dager à 681,17\u00a0kr" in young[0].text
    assert "177\u00a0104\u00a0kr per år" in young[0].text


def test_s1_the_1_july_2024_rate_change_inside_a_period():
    # 24.06–05.07.2024: 24.–28.06 at 2 G (5 × 95 406 = 477 030), 01.–05.07 at 2,041 G
    # (5 × 97 362 = 486 810); in all 963 840 øre = 9 638,40 kr.
    lines = run(D(2024, 6, 24), D(2024, 7, 5))
    stipend = by_kind(lines, LineKind.STIPEND)
    assert [(line.days, line.rate_ore, line.amount_ore) for line in stipend] == [
        (5, 95_406, 477_030),
        (5, 97_362, 486_810),
    ]
    assert stipend[0].text.startswith("Stønad 24.06.2024–28.06.2024: 5 dager à 954,06\u00a0kr")
    assert "2,041 G × 124\u00a0028\u00a0kr = 253\u00a0141\u00a0kr per år ÷ 260" in stipend[1].text
    assert total(lines) == 963_840


def test_s3_25th_birthday_inside_a_period():
    # Born 12.03.2000, March 2025 (G 2024 still in force until 01.05.2025): 21 weekdays.
    # 03.–11.03 (7 days) under 25: 7 × 64 908 = 454 356; from the birthday 12.03 (14 days) full
    # rate: 14 × 97 362 = 1 363 068; in all 1 817 424 øre.
    lines = run(D(2025, 3, 1), D(2025, 3, 31), birth_date=D(2000, 3, 12))
    assert [(line.days, line.rate_ore) for line in lines] == [(7, 64_908), (14, 97_362)]
    assert lines[1].text.startswith("Stønad 12.03.2025–31.03.2025")
    assert total(lines) == 1_817_424
    # The day before the birthday is still under 25; the birthday itself is not (S3).
    day_before = run(D(2025, 3, 11), D(2025, 3, 11), birth_date=D(2000, 3, 12))
    birthday = run(D(2025, 3, 12), D(2025, 3, 12), birth_date=D(2000, 3, 12))
    assert (day_before[0].rate_ore, birthday[0].rate_ore) == (64_908, 97_362)


def test_s4_child_turns_18_inside_a_period():
    # June 2025: 21 weekdays at 102 176 = 2 145 696. The child born 11.06.2007 turns 18 on
    # Wednesday 11.06.2025: barnetillegg for 02.–06.06 and 09.–10.06 = 7 days × 37 kr
    # = 25 900 øre. In all 2 171 596 øre.
    lines = run(D(2025, 6, 1), D(2025, 6, 30), children=(D(2007, 6, 11),))
    [child] = by_kind(lines, LineKind.CHILD_SUPPLEMENT)
    assert (child.days, child.rate_ore, child.amount_ore) == (7, 3_700, 25_900)
    assert "fyller 18 år 11.06.2025" in child.text
    assert total(lines) == 2_171_596


def test_s4_two_children_five_days_a_week_and_the_2026_rate():
    # One week in 2026 (G 2025 still the latest): 5 × 102 176 = 510 880; two children under
    # 18: 2 × 5 × 38 kr = 38 000 øre. In all 548 880.
    lines = run(
        D(2026, 1, 5),
        D(2026, 1, 11),
        children=(D(2015, 6, 1), D(2018, 1, 1)),
        history=history(end=D(2026, 12, 31)),
    )
    assert [line.amount_ore for line in by_kind(lines, LineKind.CHILD_SUPPLEMENT)] == [
        19_000,
        19_000,
    ]
    assert total(lines) == 548_880


def test_s6_interruption_inside_a_period():
    # October 2025: 23 weekdays. Interrupted 13.–17.10 (5 days, resumed 20.10): 18 days ×
    # 102 176 = 1 839 168; a 0 kr line names the 5 days.
    pause = Pause(D(2025, 10, 13), D(2025, 10, 17), "interruption")
    lines = run(D(2025, 10, 1), D(2025, 10, 31), history=history(pauses=[pause]))
    assert [line.days for line in by_kind(lines, LineKind.STIPEND)] == [8, 10]
    [info] = by_kind(lines, LineKind.INTERRUPTION)
    assert (info.days, info.amount_ore) == (5, 0)
    assert "13.10.2025–17.10.2025: 5 dager uten stønad" in info.text
    assert total(lines) == 1_839_168


def test_programme_ending_inside_a_period_pays_to_the_last_day():
    # Ended (last day) Wednesday 15.10.2025: 01.–15.10 = 11 weekdays × 102 176 = 1 123 936.
    lines = run(D(2025, 10, 1), D(2025, 10, 31), history=history(ended_on=D(2025, 10, 15)))
    assert total(lines) == 1_123_936


def test_s6_s8_s9_deductions_absence_work_hours_and_dagpenger():
    # October 2025: 23 days × 102 176 = 2 350 048.
    # S6: one day ugyldig fravær (07.10) and one day avtalt fravær uten stønad (08.10):
    #     2 × 102 176 = 204 352 → 2 145 696.
    # S8: 15 hours worked of full time 23 × 7,5 = 172,5 hours: 2 145 696 × 15 / 172,5
    #     = 186 582,26 → 186 582 → 1 959 114.
    # S9: dagpenger 2 000 kr krone for krone → 1 759 114. Bostøtte is not deducted.
    judged = absence.judge(
        [
            absence.Absence(D(2025, 10, 7), "ugyldig"),
            absence.Absence(D(2025, 10, 8), "avtalt_uten_stonad"),
            absence.Absence(D(2025, 10, 9), "egenmelding"),  # paid (S6)
        ]
    )
    lines = run(
        D(2025, 10, 1),
        D(2025, 10, 31),
        absences=judged,
        work=(Work("arbeid", Decimal(15)),),
        benefits=(BenefitReceived("dagpenger", 200_000), BenefitReceived("bostotte", 350_000)),
    )
    absence_lines = by_kind(lines, LineKind.ABSENCE)
    assert sorted(line.amount_ore for line in absence_lines) == [-102_176, -102_176]
    assert any(
        line.text.startswith("Trekk for ugyldig fravær: 1 dag à 1\u00a0021,76")
        for line in absence_lines
    )
    [work] = by_kind(lines, LineKind.WORK)
    assert work.amount_ore == -186_582
    assert "15 timer av 172,5 timer full tid" in work.text
    benefits = by_kind(lines, LineKind.BENEFIT)
    assert [b.amount_ore for b in benefits] == [-200_000, 0]
    assert "gir ikke trekk" in benefits[1].text
    assert total(lines) == 1_759_114


def test_s6_unpaid_absence_takes_the_days_barnetillegg_too():
    # 2025-06-02..06: 5 × (102 176 + 3 700) = 529 380; one ugyldig day: −105 876 → 423 504.
    judged = absence.judge([absence.Absence(D(2025, 6, 3), "ugyldig")])
    lines = run(D(2025, 6, 2), D(2025, 6, 6), children=(D(2015, 1, 1),), absences=judged)
    [line] = by_kind(lines, LineKind.ABSENCE)
    assert line.amount_ore == -105_876
    assert "(stønad 1\u00a0021,76\u00a0kr + barnetillegg 37,00\u00a0kr)" in line.text
    assert total(lines) == 423_504


def test_s9_benefits_never_make_the_total_negative():
    lines = run(D(2025, 6, 2), D(2025, 6, 2), benefits=(BenefitReceived("sykepenger", 500_000),))
    assert total(lines) == 0
    assert "begrenset" in lines[-1].text


def test_s2_a_new_g_changes_the_days_from_its_effective_date():
    # G 2026 = 135 000 from 01.05.2026: 2,041 × 135 000 = 275 535 kr → 27 553 500 / 260
    # = 105 975 øre a day. 28.–30.04.2026 (Tue–Thu) at 102 176, 01.05.2026 (Fri) at 105 975:
    # 3 × 102 176 + 105 975 = 412 503.
    register = (*REGISTER, (D(2026, 5, 1), 135_000))
    data = StipendInput(
        start=D(2026, 4, 28),
        end=D(2026, 5, 1),
        history=history(end=D(2026, 12, 31)),
        birth_date=BORN_1990,
        base_amounts=register,
    )
    assert total(compute(data)) == 412_503


def test_the_one_rounding_rule_is_half_up_to_whole_ore():
    assert money.round_ore(Decimal("68116.5")) == 68_117
    assert money.round_ore(Decimal("68116.49")) == 68_116
    assert money.kroner(102_176) == "1\u00a0021,76\u00a0kr"
    assert money.kroner(-5) == "−0,05\u00a0kr"


def test_s10_payment_periods_monthly_and_every_14_days():
    assert periods.period_containing(D(2025, 2, 14)) == (D(2025, 2, 1), D(2025, 2, 28))
    assert periods.period_containing(D(2024, 1, 14), "biweekly") == (D(2024, 1, 1), D(2024, 1, 14))
    assert periods.period_containing(D(2024, 1, 15), "biweekly") == (D(2024, 1, 15), D(2024, 1, 28))
    assert periods.previous_period(D(2025, 3, 3)) == (D(2025, 2, 1), D(2025, 2, 28))
