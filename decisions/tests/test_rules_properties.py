"""Property tests: whatever sequence of decisions the rules allow, the programme stays legal.

A random programme is granted, then on later and later days one of the actions the rules offer
(`allowed_actions`) is taken — or leave is registered, or nothing happens — using only what the
`check_*` functions allow. After every step: programme time never exceeds 2 years (3 with a
special extension) (D1), paused days move the latest end date by exactly that many days (D2),
vedtak periods follow each other without gap or overlap and last at most one year (D3), and
every message has the house shape."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from decisions.rules import (
    Check,
    Pause,
    Period,
    ProgrammeHistory,
    add_years,
    allowed_actions,
    check_decision_period,
    check_interruption,
    check_leave,
    check_resumption,
    check_termination,
    interruption_limit_date,
    last_day_before_max_age,
    latest_end_date,
    max_programme_days,
    paused_days,
    programme_state,
    programme_time_remaining,
    programme_time_used,
    years_later_last_day,
)

DAY = timedelta(days=1)
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
RULE_ID = re.compile(r"\b[VDAFSPK]\d+\b")
NORWEGIAN_DATE = re.compile(r"\b\d{2}\.\d{2}\.\d{4}\b")

starts = st.one_of(
    st.dates(date(2023, 1, 1), date(2031, 12, 31)),
    st.sampled_from([date(2024, 2, 29), date(2028, 2, 29), date(2024, 2, 28), date(2027, 3, 1)]),
)


def shaped(check: Check) -> Check:
    for finding in check.findings:
        assert not ISO_DATE.search(finding.message), finding.message
        assert not RULE_ID.search(finding.message), finding.message
        assert re.fullmatch(r"[A-Z]\d+", finding.rule)
        assert finding.message.endswith("."), finding.message
    return check


def without_pauses(history: ProgrammeHistory) -> ProgrammeHistory:
    return replace(history, pauses=())


def assert_legal(history: ProgrammeHistory, today: date) -> None:
    special = history.special_extension
    most = max_programme_days(history.start, special)
    assert most <= max_programme_days(history.start, True)
    if not special:
        assert most == max_programme_days(history.start, False)
    for on in (today, history.current_period.end, today + 4000 * DAY):
        used = programme_time_used(history, on)
        assert 0 <= used <= most  # D1
        assert used + programme_time_remaining(history, on) == most
        for with_special in (False, True):  # D2: the end moves by exactly the paused days
            moved = latest_end_date(history, on, with_special) - latest_end_date(
                without_pauses(history), on, with_special
            )
            assert moved.days == paused_days(history, on)
    periods = history.decision_periods
    assert periods[0].start == history.start
    for earlier, later in zip(periods, periods[1:], strict=False):
        assert later.start == earlier.end + DAY  # D3: no overlap, no gap
    for period in periods:
        assert period.end <= years_later_last_day(period.start, 1)  # D3: at most one year
    assert periods[-1].end <= latest_end_date(history, today, special)  # D1
    assert periods[-1].end <= last_day_before_max_age(history.birth_date)  # V1


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_D1_D2_D3_any_valid_sequence_of_decisions(data: st.DataObject) -> None:
    start = data.draw(starts, label="start")
    age_days = data.draw(st.integers(18 * 365 + 4, 67 * 365 + 16), label="age in days")
    birth = start - age_days * DAY
    grant = Period(start, start + (data.draw(st.integers(1, 400), label="grant days") - 1) * DAY)
    check = shaped(check_decision_period(None, grant, "grant", birth_date=birth))
    expected = (
        grant.end <= years_later_last_day(start, 1)
        and start >= add_years(birth, 18)
        and grant.end <= last_day_before_max_age(birth)
    )
    assert check.allowed is expected
    assume(check.allowed)
    history = ProgrammeHistory(start, (grant,), (), False, None, birth)
    today = start - data.draw(st.integers(0, 30)) * DAY

    for _ in range(data.draw(st.integers(1, 30), label="steps")):
        today += data.draw(st.integers(0, 150), label="days later") * DAY
        assert_legal(history, today)
        actions = allowed_actions(history, today)
        assert "grant" not in actions
        if history.ended_on is not None:
            assert not actions
            break
        action = data.draw(st.sampled_from(sorted(actions | {"leave", "wait"})), label="action")

        if action in ("extension", "special_extension"):
            first = history.current_period.end + DAY
            days = data.draw(st.integers(1, 400), label="extension days")
            period = Period(first, first + (days - 1) * DAY)
            special = action == "special_extension"
            check = shaped(
                check_decision_period(
                    history,
                    period,
                    action,
                    birth_date=birth,
                    special=special or history.special_extension,
                    d4_assessment_complete=special,
                    on=today,
                )
            )
            cap = latest_end_date(history, today, special)
            expected = (
                period.end <= years_later_last_day(first, 1)
                and period.end <= last_day_before_max_age(birth)
                and period.end <= cap
            )
            assert check.allowed is expected, check
            if check.allowed:
                history = replace(
                    history,
                    decision_periods=(*history.decision_periods, period),
                    special_extension=history.special_extension or special,
                )
        elif action == "interruption":
            assert shaped(check_interruption(history, today)).allowed
            assert programme_state(history, today) == "active"
            history = replace(history, pauses=(*history.pauses, Pause(today, None, "interruption")))
        elif action == "resumption":
            assert shaped(check_resumption(history, today, a3_assessment_complete=True)).allowed
            assert programme_state(history, today) == "interrupted"
            limit = interruption_limit_date(history)
            assert limit is not None and today < limit
            before = latest_end_date(history, today - DAY)
            history = replace(
                history,
                pauses=tuple(
                    replace(p, end=today - DAY) if p.end is None else p for p in history.pauses
                ),
            )
            assert latest_end_date(history, today + 1000 * DAY) == before  # the clock restarts
        elif action == "termination":
            last_day = max(today, history.start)
            limit = interruption_limit_date(history)
            reason = "interruption_limit" if limit is not None and last_day >= limit else "other"
            check = shaped(check_termination(history, last_day, reason=reason))
            assert check.allowed, check
            history = replace(history, ended_on=last_day)
        elif action == "leave":
            first = today + data.draw(st.integers(0, 30), label="leave from") * DAY
            leave = Period(first, first + (data.draw(st.integers(1, 60)) - 1) * DAY)
            if shaped(check_leave(history, leave)).allowed:
                history = replace(
                    history, pauses=(*history.pauses, Pause(leave.start, leave.end, "leave"))
                )
    assert_legal(history, today)


@settings(max_examples=200, deadline=None)
@given(
    start=starts,
    pauses=st.lists(
        st.tuples(st.integers(-30, 900), st.integers(0, 200), st.booleans(), st.booleans()),
        max_size=6,
    ),
    offset=st.integers(-30, 1500),
)
def test_D2_paused_days_move_the_latest_end_date_exactly(
    start: date, pauses: list[tuple[int, int, bool, bool]], offset: int
) -> None:
    """Any pauses, overlapping or not, ongoing or not: the latest end date moves by exactly the
    paused days, each day counted once, and programme time plus paused days covers every day."""
    period = Period(start, years_later_last_day(start, 1))
    history = ProgrammeHistory(
        start,
        (period,),
        tuple(
            Pause(
                start + begin * DAY,
                None if ongoing else start + (begin + length) * DAY,
                "leave" if leave else "interruption",
            )
            for begin, length, ongoing, leave in pauses
        ),
        False,
        None,
        date(1980, 1, 1),
    )
    on = start + offset * DAY
    paused = paused_days(history, on)
    for special in (False, True):
        moved = latest_end_date(history, on, special) - latest_end_date(
            without_pauses(history), on, special
        )
        assert moved.days == paused
    # Every day up to min(on, the period's end) is either programme time or paused.
    last = min(on, period.end)
    if last >= start:
        days = {start + i * DAY for i in range((last - start).days + 1)}
        paused_in = {
            day for day in days if any(p.covers(day) and day <= on for p in history.pauses)
        }
        assert programme_time_used(history, on) == len(days) - len(paused_in)
