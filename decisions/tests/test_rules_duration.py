"""Duration rules D1–D5 at their boundary days: the day before, on, and after."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from decisions.rules import (
    Check,
    Pause,
    Period,
    ProgrammeHistory,
    add_months,
    add_years,
    check_decision_period,
    decision_due,
    decision_period_ends,
    latest_end_date,
    max_programme_days,
    pause_spans,
    paused_days,
    policy,
    programme_time_remaining,
    programme_time_used,
)

BIRTH = date(1990, 6, 15)


def d(text: str) -> date:
    day, month, year = (int(part) for part in text.split("."))
    return date(year, month, day)


def p(start: str, end: str) -> Period:
    return Period(d(start), d(end))


def programme(
    *periods: Period,
    pauses: tuple[Pause, ...] = (),
    special: bool = False,
    ended_on: date | None = None,
    birth: date = BIRTH,
) -> ProgrammeHistory:
    return ProgrammeHistory(periods[0].start, periods, pauses, special, ended_on, birth)


def extension(
    history: ProgrammeHistory,
    period: Period,
    kind: str = "extension",
    *,
    special: bool = False,
    d4_assessment_complete: bool = False,
    on: date | None = None,
) -> Check:
    return check_decision_period(
        history,
        period,
        kind,
        birth_date=history.birth_date,
        special=special,
        d4_assessment_complete=d4_assessment_complete,
        on=on,
    )


# Start 01.03.2026: 2 years end 29.02.2028 (a leap day), 3 years end 28.02.2029.
GRANT = p("01.03.2026", "31.08.2026")
FIRST = p("01.09.2026", "31.08.2027")
SECOND = p("01.09.2027", "29.02.2028")
TWO_YEARS = programme(GRANT, FIRST)


# --- Calendar helpers -------------------------------------------------------------------------


class TestCalendar:
    def test_period_is_inclusive(self) -> None:
        period = p("01.03.2026", "03.03.2026")
        assert period.days == 3
        assert period.contains(d("01.03.2026")) and period.contains(d("03.03.2026"))
        assert not period.contains(d("28.02.2026")) and not period.contains(d("04.03.2026"))

    def test_period_of_one_day(self) -> None:
        assert p("01.03.2026", "01.03.2026").days == 1

    def test_period_end_before_start_is_invalid(self) -> None:
        with pytest.raises(ValueError, match="02.03.2026"):
            p("02.03.2026", "01.03.2026")

    @pytest.mark.parametrize(
        ("other", "overlaps"),
        [
            (("01.01.2026", "28.02.2026"), False),  # ends the day before
            (("01.01.2026", "01.03.2026"), True),  # ends on the first day
            (("31.03.2026", "30.04.2026"), True),  # starts on the last day
            (("01.04.2026", "30.04.2026"), False),  # starts the day after
            (("10.03.2026", "11.03.2026"), True),  # inside
        ],
    )
    def test_overlaps(self, other: tuple[str, str], overlaps: bool) -> None:
        march = p("01.03.2026", "31.03.2026")
        assert march.overlaps(p(*other)) is overlaps
        assert p(*other).overlaps(march) is overlaps

    @pytest.mark.parametrize(
        ("start", "years", "expected"),
        [
            ("28.02.2024", 1, "28.02.2025"),
            ("29.02.2024", 1, "28.02.2025"),  # policy.LEAP_DAY_ANNIVERSARY == "feb28"
            ("29.02.2024", 4, "29.02.2028"),
            ("01.03.2024", 1, "01.03.2025"),
            ("01.03.2027", 1, "01.03.2028"),
        ],
    )
    def test_add_years(self, start: str, years: int, expected: str) -> None:
        assert policy.LEAP_DAY_ANNIVERSARY == "feb28"
        assert add_years(d(start), years) == d(expected)

    def test_leap_day_policy_mar1(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(policy, "LEAP_DAY_ANNIVERSARY", "mar1")
        assert add_years(d("29.02.2024"), 1) == d("01.03.2025")

    @pytest.mark.parametrize(
        ("start", "months", "expected"),
        [
            ("31.01.2026", 1, "28.02.2026"),
            ("31.01.2024", 1, "29.02.2024"),
            ("15.12.2026", 1, "15.01.2027"),
            ("31.03.2026", -1, "28.02.2026"),
        ],
    )
    def test_add_months(self, start: str, months: int, expected: str) -> None:
        assert add_months(d(start), months) == d(expected)


# --- D3: one-year decision period ------------------------------------------------------------


class TestD3:
    @pytest.mark.parametrize(
        ("start", "end", "allowed"),
        [
            ("01.03.2026", "27.02.2027", True),
            ("01.03.2026", "28.02.2027", True),  # start + 1 year − 1 day
            ("01.03.2026", "01.03.2027", False),
            ("01.01.2027", "31.12.2027", True),
            ("01.01.2027", "01.01.2028", False),
            ("01.03.2027", "29.02.2028", True),  # across a leap day: 366 days
            ("01.03.2027", "01.03.2028", False),
            # Leap start: 29.02.2024 + 1 year is 28.02.2025 (policy), so the last day is 27.02.
            ("29.02.2024", "27.02.2025", True),
            ("29.02.2024", "28.02.2025", False),
            ("28.02.2024", "27.02.2025", True),
            ("28.02.2024", "28.02.2025", False),
        ],
    )
    def test_D3_grant_at_most_one_year(self, start: str, end: str, allowed: bool) -> None:
        check = check_decision_period(None, p(start, end), "grant", birth_date=BIRTH)
        assert check.allowed is allowed
        if not allowed:
            assert check.rules == {"D3"}
            assert "ett år" in check.errors[0].message
            assert start in check.errors[0].message

    def test_D3_extension_at_most_one_year(self) -> None:
        history = programme(p("01.03.2026", "30.06.2026"))
        assert extension(history, p("01.07.2026", "30.06.2027")).allowed
        check = extension(history, p("01.07.2026", "01.07.2027"))
        assert check.rules == {"D3"}
        assert "30.06.2027" in check.errors[0].message

    @pytest.mark.parametrize(
        ("start", "allowed", "word"),
        [
            ("31.08.2026", False, "overlapper"),  # the day before: overlap
            ("01.09.2026", True, None),  # the day after the current period ends
            ("02.09.2026", False, "uten vedtak"),  # a one-day gap
            ("01.08.2026", False, "overlapper"),
        ],
    )
    def test_D3_extension_starts_the_day_after(
        self, start: str, allowed: bool, word: str | None
    ) -> None:
        history = programme(GRANT)
        check = extension(history, Period(d(start), d("31.12.2026")))
        assert check.allowed is allowed
        if word:
            assert check.rules == {"D3"}
            assert word in check.errors[0].message
            assert "01.09.2026" in check.errors[0].message

    def test_D3_gap_names_the_days(self) -> None:
        check = extension(programme(GRANT), p("11.09.2026", "31.12.2026"))
        assert "10 dager" in check.errors[0].message

    def test_D3_grant_on_existing_programme_refused(self) -> None:
        check = check_decision_period(
            programme(GRANT), p("01.09.2026", "31.12.2026"), "grant", birth_date=BIRTH
        )
        assert not check.allowed and "D3" in check.rules

    def test_D3_extension_without_programme_refused(self) -> None:
        check = check_decision_period(None, FIRST, "extension", birth_date=BIRTH)
        assert check.rules == {"D3"}

    def test_D3_decision_period_ends(self) -> None:
        assert decision_period_ends(programme(GRANT)) == d("31.08.2026")
        assert decision_period_ends(TWO_YEARS) == d("31.08.2027")

    def test_D3_decision_due_unless_the_maximum_is_reached(self) -> None:
        on = d("01.08.2027")
        assert decision_due(TWO_YEARS, on) == d("31.08.2027")
        at_two_years = programme(GRANT, FIRST, SECOND)
        assert decision_due(at_two_years, on) is None  # ends by itself at 2 years
        one_day_short = programme(GRANT, FIRST, p("01.09.2027", "28.02.2028"))
        assert decision_due(one_day_short, on) == d("28.02.2028")
        special = replace(at_two_years, special_extension=True)
        assert decision_due(special, on) == d("29.02.2028")  # may run to 3 years
        assert decision_due(programme(GRANT, ended_on=d("31.08.2026")), on) is None

    def test_D3_history_refuses_overlapping_periods(self) -> None:
        with pytest.raises(ValueError, match="overlapper"):
            programme(GRANT, p("31.08.2026", "30.09.2026"))

    def test_D3_unknown_kind(self) -> None:
        with pytest.raises(ValueError):
            check_decision_period(None, GRANT, "termination", birth_date=BIRTH)

    def test_D3_ended_programme_cannot_be_extended(self) -> None:
        history = programme(GRANT, ended_on=d("31.08.2026"))
        check = extension(history, FIRST)
        assert not check.allowed and "31.08.2026" in check.errors[0].message


# --- D1 and D5: 2 years, 3 with særlige grunner ----------------------------------------------


class TestD1D5:
    def test_D5_latest_end_is_start_plus_two_years_minus_one_day(self) -> None:
        assert latest_end_date(TWO_YEARS, d("01.09.2027"), False) == d("29.02.2028")
        assert latest_end_date(TWO_YEARS, d("01.09.2027"), True) == d("28.02.2029")

    @pytest.mark.parametrize(
        ("start", "two", "three"),
        [
            ("01.01.2026", "31.12.2027", "31.12.2028"),
            ("29.02.2024", "27.02.2026", "27.02.2027"),  # policy: 29.02 + n years → 28.02
            ("28.02.2024", "27.02.2026", "27.02.2027"),
            ("01.03.2024", "28.02.2026", "28.02.2027"),
            ("01.03.2026", "29.02.2028", "28.02.2029"),
        ],
    )
    def test_D5_calendar_years(self, start: str, two: str, three: str) -> None:
        history = programme(Period(d(start), d(start)))
        assert latest_end_date(history, d(start), special=False) == d(two)
        assert latest_end_date(history, d(start), special=True) == d(three)
        assert max_programme_days(d(start), False) == Period(d(start), d(two)).days

    def test_D5_special_defaults_to_the_history(self) -> None:
        history = programme(GRANT, special=True)
        assert latest_end_date(history, d("01.03.2026")) == d("28.02.2029")

    @pytest.mark.parametrize(
        ("end", "allowed"),
        [("28.02.2028", True), ("29.02.2028", True), ("01.03.2028", False)],
    )
    def test_D1_extension_to_two_years(self, end: str, allowed: bool) -> None:
        check = extension(TWO_YEARS, Period(SECOND.start, d(end)), on=d("01.08.2027"))
        assert check.allowed is allowed
        if not allowed:
            assert check.rules == {"D1"}
            message = check.errors[0].message
            assert "særlige grunner" in message
            assert "29.02.2028" in message and "01.03.2028" in message

    @pytest.mark.parametrize(
        ("end", "allowed"),
        [("13.03.2028", True), ("14.03.2028", True), ("15.03.2028", False)],
    )
    def test_D1_D2_paused_days_move_the_limit(self, end: str, allowed: bool) -> None:
        # 10 days interrupted and 10 days on leave, overlapping by 6: 14 paused days.
        pauses = (
            Pause(d("01.05.2026"), d("10.05.2026"), "interruption"),
            Pause(d("05.05.2026"), d("14.05.2026"), "leave"),
        )
        history = programme(GRANT, FIRST, pauses=pauses)
        check = extension(history, Period(SECOND.start, d(end)), on=d("01.08.2027"))
        assert check.allowed is allowed
        if not allowed:
            assert check.rules == {"D1"}
            assert "14.03.2028" in check.errors[0].message
            assert "14 dager" in check.errors[0].message

    @pytest.mark.parametrize(
        ("end", "allowed"),
        [("27.02.2029", True), ("28.02.2029", True), ("01.03.2029", False)],
    )
    def test_D1_special_extension_to_three_years(self, end: str, allowed: bool) -> None:
        history = programme(GRANT, FIRST, SECOND, p("01.03.2028", "31.08.2028"), special=True)
        check = extension(
            history,
            Period(d("01.09.2028"), d(end)),
            "special_extension",
            special=True,
            d4_assessment_complete=True,
        )
        assert check.allowed is allowed
        if not allowed:
            assert check.rules == {"D1"}
            assert "3 år" in check.errors[0].message
            assert "28.02.2029" in check.errors[0].message

    def test_D1_special_flag_on_a_plain_extension_still_needs_D4(self) -> None:
        history = programme(GRANT, FIRST, SECOND, special=True)
        period = p("01.03.2028", "31.08.2028")
        refused = extension(history, period, special=True)
        assert refused.rules == {"D4"}
        assert extension(history, period, special=True, d4_assessment_complete=True).allowed

    def test_D1_ongoing_interruption_counts_up_to_on(self) -> None:
        pauses = (Pause(d("01.06.2027"), None, "interruption"),)
        history = programme(GRANT, FIRST, pauses=pauses)
        period = p("01.09.2027", "10.03.2028")  # 29.02.2028 + 10 paused days (01.–10.06)
        assert extension(history, period, on=d("10.06.2027")).allowed
        assert not extension(history, period, on=d("09.06.2027")).allowed
        without_on = extension(history, period)
        assert without_on.rules == {"D1"}
        assert "pågående avbruddet fra 01.06.2027" in without_on.errors[0].message

    def test_D1_grant_never_passes_two_years(self) -> None:
        # D3 caps a grant at one year, so D1 cannot bind on a grant.
        check = check_decision_period(
            None, p("01.03.2026", "28.02.2027"), "grant", birth_date=BIRTH
        )
        assert check.allowed


# --- D4: særlige grunner need a documented assessment ----------------------------------------


class TestD4:
    THIRD_YEAR = p("01.03.2028", "31.08.2028")

    def test_D4_special_extension_requires_assessment(self) -> None:
        history = programme(GRANT, FIRST, SECOND)
        check = extension(history, self.THIRD_YEAR, "special_extension")
        assert check.rules == {"D4"}
        assert "motivasjon" in check.errors[0].message

    def test_D4_special_extension_with_assessment_allowed(self) -> None:
        history = programme(GRANT, FIRST, SECOND)
        check = extension(
            history, self.THIRD_YEAR, "special_extension", d4_assessment_complete=True
        )
        assert check.allowed and not check.findings

    @pytest.mark.parametrize(
        ("end", "warned"),
        [("28.02.2028", True), ("29.02.2028", True), ("01.03.2028", False)],
    )
    def test_D4_warns_when_not_beyond_two_years(self, end: str, warned: bool) -> None:
        check = extension(
            TWO_YEARS,
            Period(SECOND.start, d(end)),
            "special_extension",
            d4_assessment_complete=True,
        )
        assert check.allowed
        assert bool(check.warnings) is warned
        if warned:
            assert check.warnings[0].rule == "D4"
            assert "vanlig forlengelse" in check.warnings[0].message

    def test_D4_plain_extension_beyond_two_years_cites_D1(self) -> None:
        history = programme(GRANT, FIRST, SECOND)
        check = extension(history, self.THIRD_YEAR, "extension", d4_assessment_complete=True)
        assert check.rules == {"D1"}


# --- D2: pauses stop the clock ---------------------------------------------------------------


class TestD2:
    START = d("01.03.2026")

    def history(self, *pauses: Pause, ended_on: date | None = None) -> ProgrammeHistory:
        return programme(p("01.03.2026", "28.02.2027"), pauses=pauses, ended_on=ended_on)

    def test_D2_no_pauses(self) -> None:
        assert paused_days(self.history(), d("01.01.2027")) == 0

    @pytest.mark.parametrize(
        ("on", "expected"),
        [("09.05.2026", 0), ("10.05.2026", 1), ("11.05.2026", 2), ("01.01.2027", 237)],
    )
    def test_D2_ongoing_pause_counts_up_to_on(self, on: str, expected: int) -> None:
        history = self.history(Pause(d("10.05.2026"), None, "interruption"))
        assert paused_days(history, d(on)) == expected

    def test_D2_closed_pause_counts_in_full(self) -> None:
        history = self.history(Pause(d("10.05.2026"), d("19.05.2026"), "leave"))
        assert paused_days(history, d("01.03.2026")) == 10
        assert paused_days(history, d("01.01.2027")) == 10

    def test_D2_overlaps_count_once(self) -> None:
        history = self.history(
            Pause(d("10.05.2026"), d("19.05.2026"), "leave"),
            Pause(d("15.05.2026"), d("24.05.2026"), "interruption"),
            Pause(d("25.05.2026"), d("25.05.2026"), "leave"),  # adjacent
            Pause(d("12.05.2026"), d("13.05.2026"), "leave"),  # inside
        )
        assert paused_days(history, d("01.01.2027")) == 16
        assert list(pause_spans(history, d("01.01.2027"))) == [p("10.05.2026", "25.05.2026")]

    def test_D2_only_days_from_the_start(self) -> None:
        history = self.history(Pause(d("20.02.2026"), d("02.03.2026"), "leave"))
        assert paused_days(history, d("01.01.2027")) == 2

    def test_D2_not_after_the_programme_ended(self) -> None:
        history = self.history(
            Pause(d("01.06.2026"), None, "interruption"), ended_on=d("10.06.2026")
        )
        assert paused_days(history, d("01.01.2027")) == 10

    def test_D2_none_counts_only_closed_pauses(self) -> None:
        history = self.history(
            Pause(d("01.04.2026"), d("03.04.2026"), "leave"),
            Pause(d("01.06.2026"), None, "interruption"),
        )
        assert paused_days(history, None) == 3

    def test_D2_unknown_pause_kind(self) -> None:
        with pytest.raises(ValueError):
            Pause(d("01.06.2026"), None, "holiday")

    def test_D2_latest_end_moves_by_paused_days(self) -> None:
        base = self.history()
        paused = self.history(Pause(d("01.06.2026"), d("30.06.2026"), "interruption"))
        on = d("01.01.2027")
        for special in (False, True):
            moved = latest_end_date(paused, on, special) - latest_end_date(base, on, special)
            assert moved.days == 30

    @pytest.mark.parametrize(
        ("on", "used"),
        [
            ("28.02.2026", 0),  # the day before the start
            ("01.03.2026", 1),  # the start day counts
            ("31.05.2026", 92),  # the day before the pause
            ("01.06.2026", 92),  # the first paused day does not count
            ("30.06.2026", 92),  # the last paused day does not count
            ("01.07.2026", 93),  # the day of resumption counts
            ("28.02.2027", 335),  # 365 − 30
            ("30.06.2027", 335),  # no vedtak after 28.02.2027: nothing more counts
        ],
    )
    def test_D2_programme_time_used(self, on: str, used: int) -> None:
        history = self.history(Pause(d("01.06.2026"), d("30.06.2026"), "interruption"))
        assert programme_time_used(history, d(on)) == used

    def test_D2_programme_time_used_stops_at_ended_on(self) -> None:
        history = self.history(ended_on=d("10.03.2026"))
        assert programme_time_used(history, d("01.01.2027")) == 10

    def test_D2_programme_time_remaining(self) -> None:
        history = self.history(Pause(d("01.06.2026"), d("30.06.2026"), "interruption"))
        total = max_programme_days(self.START, False)
        assert total == 731  # 01.03.2026–29.02.2028
        assert programme_time_remaining(history, d("28.02.2026")) == total
        assert programme_time_remaining(history, d("01.07.2026")) == total - 93
        assert programme_time_remaining(history, d("01.07.2026"), special=True) == (
            max_programme_days(self.START, True) - 93
        )

    def test_D2_programme_time_used_with_ongoing_pause(self) -> None:
        history = self.history(Pause(d("01.06.2026"), None, "interruption"))
        assert programme_time_used(history, d("01.12.2026")) == 92
