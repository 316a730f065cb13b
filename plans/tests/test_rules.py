"""The plan checks without a database, at the boundaries (P1, P3, P4, P5)."""

from __future__ import annotations

import ast
import subprocess
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from decisions.rules import Pause, Period, ProgrammeHistory
from plans import rules
from plans.rules import PlannedActivity, policy

D = timedelta(days=1)
MON_FRI = frozenset(range(5))
# Monday 05.01.2026 is the first day of ISO week 2 2026; a 12-week vedtak period to Sunday 29.03.
START = date(2026, 1, 5)
END = date(2026, 3, 29)


def history(*, start=START, periods=((START, END),), pauses=(), ended_on=None):
    return ProgrammeHistory(
        start=start,
        decision_periods=tuple(Period(a, b) for a, b in periods),
        pauses=tuple(pauses),
        special_extension=False,
        ended_on=ended_on,
        birth_date=date(1990, 1, 1),
    )


def act(kind="arbeidspraksis", start=START, end=END, hours="37.5", weekdays=MON_FRI):
    return PlannedActivity(kind, start, end, frozenset(weekdays), Decimal(hours))


def findings(check, rule):
    return [f for f in check if f.rule == rule]


# --- P1: 37.5 hours a week --------------------------------------------------------------------


def test_p1_full_time_every_week_gives_no_warning():
    weeks = rules.plan_weeks(history(), [act()])
    assert len(weeks) == 12
    assert all(w.required == Decimal("37.5") and w.planned == Decimal("37.5") for w in weeks)
    assert rules.check_hours(weeks) == []


def test_p1_a_quarter_hour_short_is_short_and_names_the_week():
    weeks = rules.plan_weeks(history(), [act(hours="37.25")])
    [finding] = rules.check_hours(weeks)
    assert finding.rule == "P1"
    assert "12 uker" in finding.message
    assert "uke 2–13 2026 (05.01.2026–29.03.2026): 37,25 av 37,5 timer" in finding.message


def test_p1_lists_exactly_the_weeks_an_activity_ending_early_leaves_short():
    # Full time ends Friday 13.03 (week 11); weeks 12 and 13 have nothing.
    weeks = rules.plan_weeks(history(), [act(end=date(2026, 3, 13))])
    [finding] = rules.check_hours(weeks)
    assert "i 2 uker: uke 12–13 2026 (16.03.2026–29.03.2026): 0 av 37,5 timer." in finding.message
    assert [w.week for w in weeks if w.short] == [12, 13]


def test_p1_activity_ending_on_the_friday_of_the_last_week_is_enough():
    # Day of / day before: ending Friday 27.03 covers week 13; ending Thursday does not.
    assert rules.check_hours(rules.plan_weeks(history(), [act(end=date(2026, 3, 27))])) == []
    [finding] = rules.check_hours(rules.plan_weeks(history(), [act(end=date(2026, 3, 26))]))
    assert "uke 13 2026 (23.03.2026–29.03.2026): 30 av 37,5 timer" in finding.message


def test_p1_partial_first_week_needs_hours_only_for_programme_days():
    # Programme starts Wednesday 07.01: week 2 needs 3 × 7.5 = 22.5 hours.
    start = date(2026, 1, 7)
    weeks = rules.plan_weeks(history(start=start, periods=((start, END),)), [act(start=start)])
    assert weeks[0].required == Decimal("22.5") and weeks[0].planned == Decimal("22.5")
    assert not weeks[0].short


def test_p1_weeks_in_an_interruption_or_leave_need_no_hours():
    pause = Pause(date(2026, 2, 2), date(2026, 2, 15), "leave")  # weeks 6 and 7 in full
    plan = [act(end=date(2026, 2, 1)), act(start=date(2026, 2, 16))]
    weeks = rules.plan_weeks(history(pauses=[pause]), plan)
    paused = [w for w in weeks if w.paused]
    assert [w.week for w in paused] == [6, 7]
    assert rules.check_hours(weeks) == []


def test_p1_an_ongoing_interruption_needs_no_hours_until_the_end():
    pause = Pause(date(2026, 3, 2), None, "interruption")
    weeks = rules.plan_weeks(history(pauses=[pause]), [act(end=date(2026, 2, 27))])
    assert rules.check_hours(weeks) == []


def test_p1_hours_are_spread_over_the_activity_weekdays():
    # 15 hours on Monday and Tuesday + 22.5 on Wednesday–Friday = full time.
    plan = [act(hours="15", weekdays={0, 1}), act(hours="22.5", weekdays={2, 3, 4})]
    assert rules.check_hours(rules.plan_weeks(history(), plan)) == []
    day = rules.PlannedActivity("annet", START, END, frozenset({0, 1}), Decimal("15"))
    assert day.hours_on(START) == Decimal("7.5") and day.hours_on(START + 2 * D) == 0


def test_p1_long_gaps_are_summarised_and_point_to_the_table():
    # Every other week short by a different amount: more runs than are listed.
    plan = [act(hours="30")]
    plan += [
        act(
            hours=str(i),
            start=START + timedelta(weeks=2 * i),
            end=START + timedelta(weeks=2 * i, days=6),
        )
        for i in range(1, 6)
    ]
    [finding] = rules.check_hours(rules.plan_weeks(history(), plan))
    # 11 runs (30, 31, 30, 32, … hours): the first 8 are listed, the last 3 weeks summed up.
    assert "12 uker" in finding.message
    assert "uke 2–3 2026 (05.01.2026–18.01.2026): 30 av 37,5 timer" in finding.message
    assert "uke 4 2026 (19.01.2026–25.01.2026): 31 av 37,5 timer" in finding.message
    assert finding.message.endswith("og 3 uker til (se tabellen).")


# --- P3: work at most 50 %, work + activities at least full time -------------------------------


def test_p3_work_at_exactly_half_time_is_allowed_and_a_quarter_hour_more_is_not():
    half = [act("arbeid", hours="18.75"), act(hours="18.75")]
    assert rules.check_hours(rules.plan_weeks(history(), half)) == []
    over = [act("arbeid", hours="19"), act(hours="18.5")]
    [finding] = rules.check_hours(rules.plan_weeks(history(), over))
    assert finding.rule == "P3"
    assert "Arbeid er mer enn 50 % av full tid i 12 uker" in finding.message
    assert "19 timer arbeid, høyst 18,75" in finding.message


def test_p3_apprenticeship_may_be_full_time():
    assert rules.check_hours(rules.plan_weeks(history(), [act("laretid")])) == []


def test_p3_work_plus_activities_short_of_full_time_is_p3_not_p1():
    plan = [act("arbeid", hours="18.75"), act(hours="10")]
    [finding] = rules.check_hours(rules.plan_weeks(history(), plan))
    assert finding.rule == "P3"
    assert "Arbeid og aktiviteter utgjør til sammen mindre enn full tid" in finding.message
    assert "28,75 av 37,5 timer" in finding.message


# --- P4: job seeking in the final stage --------------------------------------------------------


def test_p4_final_stage_is_the_last_eight_weeks_of_the_last_period():
    stage = rules.final_stage(history())
    assert stage == Period(END - timedelta(weeks=policy.FINAL_STAGE_WEEKS) + D, END)
    assert stage.start == date(2026, 2, 2)


def test_p4_job_seeking_ending_the_day_before_the_final_stage_is_too_early():
    stage_start = rules.final_stage(history()).start  # Monday 02.02.2026
    before = act("arbeidssoking", start=START, end=stage_start - D)
    [finding] = rules.check_job_seeking(history(), [before])
    assert finding.rule == "P4"
    assert "sluttfasen av programmet (02.02.2026–29.03.2026)" in finding.message
    on = act("arbeidssoking", start=START, end=stage_start)
    assert rules.check_job_seeking(history(), [on]) == []


def test_p4_job_seeking_only_on_a_weekday_it_does_not_take_place_does_not_count():
    # Planned on Mondays only, but its period in the final stage is Tuesday 03.02 alone.
    tuesday = date(2026, 2, 3)
    odd = act("arbeidssoking", start=tuesday, end=tuesday, weekdays={0})
    assert rules.check_job_seeking(history(), [odd])


def test_p4_in_an_extended_programme_the_final_stage_is_in_the_last_vedtak_period():
    second = (END + D, date(2026, 6, 28))
    extended = history(periods=((START, END), second))
    in_first = act("arbeidssoking", start=date(2026, 3, 1), end=END)
    [finding] = rules.check_job_seeking(extended, [in_first])
    assert "sluttfasen av siste vedtaksperiode (04.05.2026–28.06.2026)" in finding.message
    in_last = act("arbeidssoking", start=date(2026, 6, 1), end=date(2026, 6, 28))
    assert rules.check_job_seeking(extended, [in_last]) == []


def test_p4_a_short_last_period_is_its_own_final_stage():
    extended = history(periods=((START, END), (END + D, END + 14 * D)))
    assert rules.final_stage(extended) == Period(END + D, END + 14 * D)


# --- P5: evaluation dates ----------------------------------------------------------------------


YEAR = history(periods=((START, date(2027, 1, 4)),))


def test_p5_no_evaluation_dates_is_one_warning():
    [finding] = rules.check_evaluations(YEAR, [])
    assert finding.rule == "P5"
    assert "ingen evalueringsdatoer" in finding.message


def test_p5_six_months_to_the_day_is_in_time_and_one_day_later_is_not():
    # 05.01.2026 + 6 months = 05.07.2026, then + 6 months = 05.01.2027 (after the end 04.01).
    assert rules.check_evaluations(YEAR, [date(2026, 7, 5)]) == []
    late = rules.check_evaluations(YEAR, [date(2026, 7, 6)])
    assert [f.rule for f in late] == ["P5"]
    assert "Evaluer senest 05.07.2026" in late[0].message


def test_p5_a_last_evaluation_too_early_leaves_the_rest_of_the_programme_without():
    [finding] = rules.check_evaluations(YEAR, [date(2026, 7, 3)])
    assert "Etter evalueringen 03.07.2026 er det ingen evaluering før programmet slutter" in (
        finding.message
    )
    assert "senest 03.01.2027" in finding.message


def test_p5_every_vedtak_period_needs_an_evaluation():
    extended = history(periods=((START, END), (END + D, date(2026, 6, 28))))
    found = rules.check_evaluations(extended, [date(2026, 3, 1)])
    assert [f.message for f in found] == [
        "Vedtaksperioden 30.03.2026–28.06.2026 har ingen evalueringsdato."
    ]
    assert rules.check_evaluations(extended, [date(2026, 3, 1), END + D]) == []


# --- The whole plan, and the purity of the core ------------------------------------------------


def test_plan_check_combines_the_rules():
    check = rules.plan_check(history(), [], [])
    assert [f.rule for f in check.findings] == ["P1", "P4", "P5"]
    good = rules.plan_check(
        history(),
        [act(end=date(2026, 2, 1)), act("arbeidssoking", start=date(2026, 2, 2))],
        [date(2026, 2, 2)],
    )
    assert good.findings == ()


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (START - D, END, "start"),
        (START, END + D, "end"),
        (END + D, END + D, "start"),
        (END, START, "end"),
    ],
)
def test_activity_period_must_lie_within_the_programme(start, end, field):
    assert field in rules.check_activity_period(history(), start, end)


def test_activity_period_on_the_first_and_last_day_is_allowed():
    assert rules.check_activity_period(history(), START, END) == {}


def test_hours_are_written_the_norwegian_way():
    assert rules.hours_text(Decimal("37.50")) == "37,5"
    assert rules.hours_text(Decimal("30")) == "30"
    assert rules.hours_text(Decimal("18.75")) == "18,75"


def test_plan_rules_import_no_django():
    directory = Path(rules.__file__).parent
    names = [f"plans.rules.{m.stem}" for m in directory.glob("*.py") if m.stem != "__init__"]
    script = (
        "import importlib, sys\n"
        f"for name in {names!r}: importlib.import_module(name)\n"
        "loaded = [m for m in sys.modules if m == 'django' or m.startswith('django.')]\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=directory.parent.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for module in directory.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                assert not (node.module or "").startswith("django"), module.name
