"""Interruption, resumption and termination (A1–A7), the programme's state and the actions the
UI offers, at the boundary days."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from decisions.rules import (
    ABSENCE_CAUSE_LABELS,
    APPEALABLE_KINDS,
    DECISION_KIND_LABELS,
    STATE_LABELS,
    STATES,
    TERMINATION_REASON_LABELS,
    Pause,
    Period,
    ProgrammeHistory,
    allowed_actions,
    check_interruption,
    check_leave,
    check_resumption,
    check_termination,
    interruption_limit_date,
    latest_end_date,
    policy,
    programme_state,
)


def d(text: str) -> date:
    day, month, year = (int(part) for part in text.split("."))
    return date(year, month, day)


BIRTH = d("15.06.1990")
GRANT = Period(d("01.03.2026"), d("28.02.2027"))
ACTIVE = ProgrammeHistory(GRANT.start, (GRANT,), (), False, None, BIRTH)
INTERRUPTED = replace(ACTIVE, pauses=(Pause(d("01.06.2026"), None, "interruption"),))
RESUMED = replace(ACTIVE, pauses=(Pause(d("01.06.2026"), d("30.06.2026"), "interruption"),))
ENDED = replace(ACTIVE, ended_on=d("31.10.2026"))


# --- State -----------------------------------------------------------------------------------


class TestState:
    @pytest.mark.parametrize(
        ("history", "on", "state"),
        [
            (ACTIVE, "28.02.2026", "planned"),
            (ACTIVE, "01.03.2026", "active"),
            (INTERRUPTED, "31.05.2026", "active"),
            (INTERRUPTED, "01.06.2026", "interrupted"),
            (INTERRUPTED, "01.06.2030", "interrupted"),
            (RESUMED, "30.06.2026", "interrupted"),
            (RESUMED, "01.07.2026", "active"),
            (ENDED, "31.10.2026", "active"),  # ended_on is the last day in the programme
            (ENDED, "01.11.2026", "ended"),
        ],
    )
    def test_state(self, history: ProgrammeHistory, on: str, state: str) -> None:
        assert programme_state(history, d(on)) == state

    def test_leave_does_not_change_the_state(self) -> None:
        on_leave = replace(ACTIVE, pauses=(Pause(d("01.06.2026"), d("30.06.2026"), "leave"),))
        assert programme_state(on_leave, d("10.06.2026")) == "active"

    def test_states_have_labels(self) -> None:
        assert set(STATES) == set(STATE_LABELS)


# --- A1/A2: interruption ---------------------------------------------------------------------


class TestA1A2:
    @pytest.mark.parametrize(
        ("on", "allowed"),
        [
            ("28.02.2026", False),  # the day before the start
            ("01.03.2026", True),  # the start day
            ("28.02.2027", True),  # the last day of the vedtak period
            ("01.03.2027", False),  # the day after: no vedtak
        ],
    )
    def test_A1_only_an_active_programme(self, on: str, allowed: bool) -> None:
        check = check_interruption(ACTIVE, d(on))
        assert check.allowed is allowed
        if not allowed:
            assert check.rules <= {"A1", "D3"}

    def test_A1_refused_before_start_names_the_start(self) -> None:
        check = check_interruption(ACTIVE, d("28.02.2026"))
        assert check.rules == {"A1"} and "01.03.2026" in check.errors[0].message

    def test_A1_after_the_vedtak_period_cites_D3(self) -> None:
        check = check_interruption(ACTIVE, d("01.03.2027"))
        assert check.rules == {"D3"} and "28.02.2027" in check.errors[0].message

    @pytest.mark.parametrize("on", ["01.06.2026", "02.06.2026", "01.01.2027"])
    def test_A1_not_when_already_interrupted(self, on: str) -> None:
        check = check_interruption(INTERRUPTED, d(on))
        assert check.rules == {"A1"}
        assert "01.06.2026" in check.errors[0].message

    @pytest.mark.parametrize(
        ("on", "allowed"), [("30.06.2026", False), ("01.07.2026", True), ("02.07.2026", True)]
    )
    def test_A1_again_after_resumption(self, on: str, allowed: bool) -> None:
        assert check_interruption(RESUMED, d(on)).allowed is allowed

    def test_A1_not_before_an_earlier_decision(self) -> None:
        assert check_interruption(RESUMED, d("31.05.2026")).rules == {"A1"}

    @pytest.mark.parametrize("on", ["01.04.2026", "31.10.2026", "01.11.2026"])
    def test_A1_not_when_ended(self, on: str) -> None:
        check = check_interruption(ENDED, d(on))
        assert check.rules == {"A1"} and "31.10.2026" in check.errors[0].message

    def test_A2_warns_that_no_stipend_is_paid(self) -> None:
        check = check_interruption(ACTIVE, d("01.06.2026"))
        assert check.allowed
        a2 = [f for f in check.warnings if f.rule == "A2"]
        assert len(a2) == 1
        assert "kvalifiseringsstønad" in a2[0].message and "01.06.2026" in a2[0].message

    def test_A2_A4_interruption_warns_of_the_limit(self) -> None:
        check = check_interruption(ACTIVE, d("01.06.2026"))
        a4 = [f for f in check.warnings if f.rule == "A4"]
        assert "31.05.2027" in a4[0].message  # last day it may be resumed


# --- A3/A4: resumption -----------------------------------------------------------------------


class TestA3A4:
    def test_A3_needs_the_assessment(self) -> None:
        check = check_resumption(INTERRUPTED, d("01.09.2026"), a3_assessment_complete=False)
        assert check.rules == {"A3"}
        message = check.errors[0].message
        assert "vilkårene" in message
        # 92 days used before 01.06.2026: 731 − 92 = 639 left; latest end moved by 92 days.
        assert "639 dager" in message and "31.05.2028" in message

    def test_A3_with_the_assessment(self) -> None:
        check = check_resumption(INTERRUPTED, d("01.09.2026"), a3_assessment_complete=True)
        assert check.allowed and not check.findings

    @pytest.mark.parametrize(
        ("on", "allowed"), [("01.06.2026", False), ("02.06.2026", True), ("31.05.2026", False)]
    )
    def test_A3_after_the_interruption_began(self, on: str, allowed: bool) -> None:
        check = check_resumption(INTERRUPTED, d(on), a3_assessment_complete=True)
        assert check.allowed is allowed
        if not allowed:
            assert check.rules == {"A3"} and "02.06.2026" in check.errors[0].message

    @pytest.mark.parametrize("history", [ACTIVE, RESUMED])
    def test_A3_only_when_interrupted(self, history: ProgrammeHistory) -> None:
        check = check_resumption(history, d("01.09.2026"), a3_assessment_complete=True)
        assert check.rules == {"A3"}

    def test_A3_not_when_ended(self) -> None:
        ended = replace(INTERRUPTED, ended_on=d("01.10.2026"))
        assert not check_resumption(ended, d("01.09.2026"), a3_assessment_complete=True).allowed

    def test_A3_warns_when_the_vedtak_period_ran_out(self) -> None:
        check = check_resumption(INTERRUPTED, d("10.03.2027"), a3_assessment_complete=True)
        assert check.allowed
        assert check.warnings[0].rule == "D3" and "01.03.2027" in check.warnings[0].message

    @pytest.mark.parametrize(
        ("on", "allowed"),
        [("31.05.2027", True), ("01.06.2027", False), ("02.06.2027", False)],
    )
    def test_A4_resumption_until_one_year(self, on: str, allowed: bool) -> None:
        assert interruption_limit_date(INTERRUPTED) == d("01.06.2027")
        check = check_resumption(INTERRUPTED, d(on), a3_assessment_complete=True)
        assert check.allowed is allowed
        if not allowed:
            assert check.rules == {"A4"}
            assert "01.06.2027" in check.errors[0].message
            assert "avsluttes" in check.errors[0].message

    @pytest.mark.parametrize(
        ("reason", "on", "allowed"),
        [
            ("other", "31.05.2027", True),
            ("other", "01.06.2027", False),
            ("interruption_limit", "31.05.2027", False),
            ("interruption_limit", "01.06.2027", True),
            ("interruption_limit", "02.06.2027", True),
            ("moved", "02.06.2027", False),
        ],
    )
    def test_A4_termination_at_one_year(self, reason: str, on: str, allowed: bool) -> None:
        check = check_termination(INTERRUPTED, d(on), reason=reason)
        assert check.allowed is allowed
        if not allowed:
            assert check.rules == {"A4"}
            assert "01.06.2027" in check.errors[0].message

    def test_A4_limit_reason_needs_an_interruption(self) -> None:
        check = check_termination(RESUMED, d("01.09.2026"), reason="interruption_limit")
        assert check.rules == {"A4"}

    def test_A4_limit_date(self) -> None:
        assert interruption_limit_date(ACTIVE) is None
        assert interruption_limit_date(RESUMED) is None
        assert interruption_limit_date(replace(INTERRUPTED, ended_on=d("01.07.2026"))) is None
        leap = replace(ACTIVE, pauses=(Pause(d("29.02.2028"), None, "interruption"),))
        assert interruption_limit_date(leap) == d("28.02.2029")  # policy: feb28
        assert policy.INTERRUPTION_LIMIT_YEARS == 1

    def test_A4_only_termination_is_offered(self) -> None:
        assert allowed_actions(INTERRUPTED, d("31.05.2027")) == {
            "termination",
            "extension",
            "resumption",
        }
        assert allowed_actions(INTERRUPTED, d("01.06.2027")) == {"termination"}


# --- A5: termination -------------------------------------------------------------------------


class TestA5:
    @pytest.mark.parametrize(
        "reason", [r for r in TERMINATION_REASON_LABELS if r != "interruption_limit"]
    )
    def test_A5_valid_reasons(self, reason: str) -> None:
        assert check_termination(ACTIVE, d("01.09.2026"), reason=reason).allowed

    @pytest.mark.parametrize("reason", ["", "bored", "COMPLETED"])
    def test_A5_invalid_reason(self, reason: str) -> None:
        check = check_termination(ACTIVE, d("01.09.2026"), reason=reason)
        assert check.rules == {"A5"}

    @pytest.mark.parametrize(
        ("on", "allowed"), [("28.02.2026", False), ("01.03.2026", True), ("02.03.2026", True)]
    )
    def test_A5_last_day_not_before_the_start(self, on: str, allowed: bool) -> None:
        check = check_termination(ACTIVE, d(on), reason="moved")
        assert check.allowed is allowed

    def test_A5_not_twice(self) -> None:
        check = check_termination(ENDED, d("01.12.2026"), reason="moved")
        assert check.rules == {"A5"} and "31.10.2026" in check.errors[0].message

    def test_A5_not_before_a_decided_resumption(self) -> None:
        assert check_termination(RESUMED, d("30.06.2026"), reason="moved").rules == {"A5"}
        assert check_termination(RESUMED, d("01.07.2026"), reason="moved").allowed

    def test_A5_during_an_interruption(self) -> None:
        assert check_termination(INTERRUPTED, d("01.06.2026"), reason="moved").allowed

    @pytest.mark.parametrize(("on", "warned"), [("28.02.2027", False), ("01.03.2027", True)])
    def test_A5_after_the_vedtak_period_warns(self, on: str, warned: bool) -> None:
        check = check_termination(ACTIVE, d(on), reason="completed")
        assert check.allowed
        assert bool(check.warnings) is warned
        if warned:
            assert check.warnings[0].rule == "D3"

    def test_A5_ended_programme_offers_nothing(self) -> None:
        assert allowed_actions(ENDED, d("01.09.2026")) == frozenset()
        assert allowed_actions(ENDED, d("01.12.2026")) == frozenset()


# --- A6: no termination for work, birth or adoption in the first year ----------------------


class TestA6:
    @pytest.mark.parametrize("cause", sorted(policy.A6_PROTECTED_ABSENCE_CAUSES))
    @pytest.mark.parametrize(
        ("on", "allowed"),
        [("09.04.2027", False), ("10.04.2027", True), ("11.04.2027", True)],
    )
    def test_A6_first_year_after_the_absence_began(
        self, cause: str, on: str, allowed: bool
    ) -> None:
        history = replace(
            ACTIVE, decision_periods=(GRANT, Period(d("01.03.2027"), d("29.02.2028")))
        )
        check = check_termination(
            history,
            d(on),
            reason="no_longer_eligible",
            absence_cause=cause,
            absence_started=d("10.04.2026"),
        )
        assert check.allowed is allowed
        if not allowed:
            assert check.rules == {"A6"}
            message = check.errors[0].message
            assert "10.04.2026" in message and "10.04.2027" in message
            assert ABSENCE_CAUSE_LABELS[cause].lower() in message

    @pytest.mark.parametrize(
        ("on", "allowed"), [("27.02.2029", False), ("28.02.2029", True), ("01.03.2029", True)]
    )
    def test_A6_leap_day(self, on: str, allowed: bool) -> None:
        # Absence from 29.02.2028: one year is reached 28.02.2029 (policy: feb28).
        periods = (
            GRANT,
            Period(d("01.03.2027"), d("29.02.2028")),
            Period(d("01.03.2028"), d("28.02.2029")),
            Period(d("01.03.2029"), d("31.03.2029")),
        )
        history = replace(ACTIVE, decision_periods=periods, special_extension=True)
        check = check_termination(
            history,
            d(on),
            reason="other",
            absence_cause="birth",
            absence_started=d("29.02.2028"),
        )
        assert check.allowed is allowed

    @pytest.mark.parametrize("cause", ["illness", "other"])
    def test_A6_other_absence_is_not_protected(self, cause: str) -> None:
        check = check_termination(
            ACTIVE,
            d("01.05.2026"),
            reason="other",
            absence_cause=cause,
            absence_started=d("10.04.2026"),
        )
        assert check.allowed

    def test_A6_needs_the_start_of_the_absence(self) -> None:
        check = check_termination(ACTIVE, d("01.05.2026"), reason="other", absence_cause="birth")
        assert check.rules == {"A6"}

    def test_A6_unknown_cause(self) -> None:
        check = check_termination(
            ACTIVE, d("01.05.2026"), reason="other", absence_cause="x", absence_started=None
        )
        assert check.rules == {"A6"}

    def test_A6_without_absence_cause(self) -> None:
        assert check_termination(ACTIVE, d("01.05.2026"), reason="other").allowed


# --- A7: interruption and termination are appealable -----------------------------------------


class TestA7:
    def test_A7_appealable(self) -> None:
        assert {"interruption", "termination"} <= APPEALABLE_KINDS
        assert APPEALABLE_KINDS == set(DECISION_KIND_LABELS)


# --- D2: approved leave ----------------------------------------------------------------------


class TestLeave:
    @pytest.mark.parametrize(
        ("start", "allowed"),
        [("28.02.2026", False), ("01.03.2026", True), ("28.02.2027", True), ("01.03.2027", False)],
    )
    def test_D2_leave_within_the_programme(self, start: str, allowed: bool) -> None:
        check = check_leave(ACTIVE, Period(d(start), d(start)))
        assert check.allowed is allowed

    def test_D2_leave_not_twice(self) -> None:
        history = replace(ACTIVE, pauses=(Pause(d("01.06.2026"), d("10.06.2026"), "leave"),))
        assert not check_leave(history, Period(d("10.06.2026"), d("12.06.2026"))).allowed
        assert check_leave(history, Period(d("11.06.2026"), d("12.06.2026"))).allowed

    def test_D2_leave_during_an_interruption_warns(self) -> None:
        check = check_leave(INTERRUPTED, Period(d("10.06.2026"), d("12.06.2026")))
        assert check.allowed and check.warnings[0].rule == "D2"

    def test_D2_leave_not_when_ended(self) -> None:
        assert not check_leave(ENDED, Period(d("01.06.2026"), d("02.06.2026"))).allowed


# --- What the UI offers ----------------------------------------------------------------------


class TestAllowedActions:
    def test_planned(self) -> None:
        assert allowed_actions(ACTIVE, d("28.02.2026")) == {"termination", "extension"}

    def test_active(self) -> None:
        assert allowed_actions(ACTIVE, d("01.03.2026")) == {
            "termination",
            "extension",
            "interruption",
        }

    def test_interrupted(self) -> None:
        assert allowed_actions(INTERRUPTED, d("01.07.2026")) == {
            "termination",
            "extension",
            "resumption",
        }

    def test_never_a_grant(self) -> None:
        for history in (ACTIVE, INTERRUPTED, RESUMED, ENDED):
            for on in ("01.01.2026", "01.07.2026", "01.07.2030"):
                assert "grant" not in allowed_actions(history, d(on))
                assert "rejection" not in allowed_actions(history, d(on))

    def test_special_extension_when_the_next_period_passes_two_years(self) -> None:
        # 01.03.2026–28.02.2027, then 01.03.2027–30.04.2027: a full year from 01.05.2027 would
        # pass 29.02.2028 (2 years), so both kinds are offered.
        history = replace(
            ACTIVE, decision_periods=(GRANT, Period(d("01.03.2027"), d("30.04.2027")))
        )
        assert allowed_actions(history, d("01.04.2027")) >= {"extension", "special_extension"}
        # After 1 year the next full year ends exactly at 29.02.2028: no særlige grunner.
        assert "special_extension" not in allowed_actions(ACTIVE, d("01.04.2026"))

    @pytest.mark.parametrize(
        ("last_end", "extension", "special"),
        [
            ("28.02.2028", True, True),  # one day left of 2 years
            ("29.02.2028", False, True),  # 2 years reached: only særlige grunner
            ("27.02.2029", False, True),  # one day left of 3 years
            ("28.02.2029", False, False),  # 3 years reached
        ],
    )
    def test_maximum_reached(self, last_end: str, extension: bool, special: bool) -> None:
        # Only the last period matters for the check; build contiguous periods of ≤ 1 year.
        periods = [GRANT, Period(d("01.03.2027"), d("29.02.2028"))]
        end = d(last_end)
        if end < periods[-1].end:
            periods[-1] = Period(periods[-1].start, end)
        elif end > periods[-1].end:
            periods.append(Period(d("01.03.2028"), end))
        history = replace(
            ACTIVE, decision_periods=tuple(periods), special_extension=end.year == 2029
        )
        actions = allowed_actions(history, d("01.02.2028"))
        assert ("extension" in actions) is extension
        assert ("special_extension" in actions) is special
        assert latest_end_date(history, d("01.02.2028"), True) == d("28.02.2029")

    def test_age_limit_stops_extensions(self) -> None:
        history = replace(ACTIVE, birth_date=d("01.03.1960"))  # 67 on 01.03.2027
        assert "extension" not in allowed_actions(history, d("01.06.2026"))
        younger = replace(ACTIVE, birth_date=d("02.03.1960"))  # 67 on 02.03.2027
        assert "extension" in allowed_actions(younger, d("01.06.2026"))
