"""Who can get a programme: V1 (age) at the boundary days, V2–V4 (§ 29 verdict), V5."""

from __future__ import annotations

from datetime import date

import pytest

from decisions.rules import (
    BENEFIT_LABELS,
    CONDITION_LABELS,
    CONDITIONS,
    Pause,
    Period,
    ProgrammeHistory,
    check_decision_period,
    check_new_programme,
    eligibility_verdict,
    last_day_before_max_age,
    policy,
)


def d(text: str) -> date:
    day, month, year = (int(part) for part in text.split("."))
    return date(year, month, day)


ALL_MET = dict.fromkeys(CONDITIONS, True)


# --- V1: 18 on the start date, not past the day before the 67th birthday ---------------------


class TestV1:
    @pytest.mark.parametrize(
        ("start", "allowed"),
        [("09.03.2026", False), ("10.03.2026", True), ("11.03.2026", True)],
    )
    def test_V1_eighteen_on_the_start_date(self, start: str, allowed: bool) -> None:
        birth = d("10.03.2008")  # turns 18 on 10.03.2026
        period = Period(d(start), d("30.06.2026"))
        check = check_decision_period(None, period, "grant", birth_date=birth)
        assert check.allowed is allowed
        if not allowed:
            assert check.rules == {"V1"}
            assert "10.03.2026" in check.errors[0].message
            assert "18 år" in check.errors[0].message

    @pytest.mark.parametrize(
        ("start", "allowed"),
        [("27.02.2026", False), ("28.02.2026", True), ("01.03.2026", True)],
    )
    def test_V1_leap_day_birth(self, start: str, allowed: bool) -> None:
        # policy.LEAP_DAY_ANNIVERSARY == "feb28": born 29.02.2008, 18 on 28.02.2026.
        period = Period(d(start), d("30.06.2026"))
        check = check_decision_period(None, period, "grant", birth_date=d("29.02.2008"))
        assert check.allowed is allowed

    @pytest.mark.parametrize(
        ("end", "allowed"),
        [("13.06.2027", True), ("14.06.2027", True), ("15.06.2027", False)],
    )
    def test_V1_ends_the_day_before_the_67th_birthday(self, end: str, allowed: bool) -> None:
        birth = d("15.06.1960")  # turns 67 on 15.06.2027
        assert last_day_before_max_age(birth) == d("14.06.2027")
        check = check_decision_period(
            None, Period(d("01.01.2027"), d(end)), "grant", birth_date=birth
        )
        assert check.allowed is allowed
        if not allowed:
            assert check.rules == {"V1"}
            assert "14.06.2027" in check.errors[0].message
            assert "67 år" in check.errors[0].message

    def test_V1_applies_to_extensions(self) -> None:
        birth = d("15.06.1960")
        history = ProgrammeHistory(
            d("01.07.2026"), (Period(d("01.07.2026"), d("31.12.2026")),), (), False, None, birth
        )
        ok = Period(d("01.01.2027"), d("14.06.2027"))
        too_long = Period(d("01.01.2027"), d("15.06.2027"))
        assert check_decision_period(history, ok, "extension", birth_date=birth).allowed
        refused = check_decision_period(history, too_long, "extension", birth_date=birth)
        assert refused.rules == {"V1"}

    def test_V1_ages_are_policy(self) -> None:
        assert (policy.MIN_AGE, policy.MAX_AGE) == (18, 67)


# --- V2: all four § 29 conditions ------------------------------------------------------------


class TestV2:
    def test_V2_all_met_is_eligible(self) -> None:
        verdict = eligibility_verdict(ALL_MET)
        assert verdict.eligible
        assert not verdict.findings and not verdict.unmet_conditions
        assert verdict.grant_check().allowed

    @pytest.mark.parametrize("condition", CONDITIONS)
    def test_V2_unmet_condition(self, condition: str) -> None:
        verdict = eligibility_verdict({**ALL_MET, condition: False})
        assert not verdict.eligible
        assert verdict.unmet_conditions == (condition,)
        assert verdict.grant_check().rules == {"V2"}
        assert CONDITION_LABELS[condition] in verdict.findings[0].message
        assert verdict.rejection_check().allowed

    @pytest.mark.parametrize("missing", [False, True], ids=["none", "missing"])
    @pytest.mark.parametrize("condition", CONDITIONS)
    def test_V2_not_assessed(self, condition: str, missing: bool) -> None:
        assessments: dict[str, bool | None] = {**ALL_MET, condition: None}
        if missing:
            del assessments[condition]
        verdict = eligibility_verdict(assessments)
        assert not verdict.eligible
        assert verdict.unassessed_conditions == (condition,)
        assert verdict.grant_check().rules == {"V2"}
        assert "ikke vurdert" in verdict.findings[0].message
        assert not verdict.rejection_check().allowed  # assess before deciding

    def test_V2_missing_condition_is_not_assessed(self) -> None:
        verdict = eligibility_verdict({"reduced_capacity": True})
        assert verdict.unassessed_conditions == CONDITIONS[1:]
        assert not verdict.eligible

    def test_V2_unknown_condition(self) -> None:
        with pytest.raises(ValueError, match="health"):
            eligibility_verdict({**ALL_MET, "health": True})

    def test_V2_conditions_are_listed_in_order(self) -> None:
        verdict = eligibility_verdict(dict.fromkeys(reversed(CONDITIONS), False))
        assert verdict.unmet_conditions == CONDITIONS


# --- V3: KVP is subsidiary -------------------------------------------------------------------


class TestV3:
    @pytest.mark.parametrize("benefit", sorted(policy.V3_EXCLUDING_BENEFITS))
    def test_V3_excluding_benefit(self, benefit: str) -> None:
        verdict = eligibility_verdict(ALL_MET, conflicting_benefits=[benefit])
        assert not verdict.eligible
        assert verdict.excluding_benefits == (benefit,)
        assert verdict.grant_check().rules == {"V3"}
        label = BENEFIT_LABELS[benefit]
        assert label[0].lower() + label[1:] in verdict.findings[0].message
        assert verdict.rejection_check().allowed

    @pytest.mark.parametrize("benefit", ["dagpenger", "sykepenger", "sosialhjelp"])
    def test_V3_other_benefits_do_not_exclude(self, benefit: str) -> None:
        assert eligibility_verdict(ALL_MET, conflicting_benefits=[benefit]).eligible

    def test_V3_warns_about_benefits_not_checked(self) -> None:
        verdict = eligibility_verdict(ALL_MET, benefits_checked=["aap", "uforetrygd"])
        assert verdict.eligible and verdict.grant_check().allowed
        assert [f.rule for f in verdict.findings] == ["V3"]
        assert verdict.findings[0].message == (
            "Det er ikke registrert at retten til overgangsstønad er undersøkt."
        )
        two = eligibility_verdict(ALL_MET, benefits_checked=["uforetrygd"])
        assert "arbeidsavklaringspenger (AAP) og overgangsstønad" in two.findings[0].message
        everything = eligibility_verdict(ALL_MET, benefits_checked=sorted(BENEFIT_LABELS))
        assert not everything.findings


# --- V4: rejecting an eligible person is an exception ----------------------------------------


class TestV4:
    def test_V4_eligible_cannot_be_rejected_without_the_exception(self) -> None:
        check = eligibility_verdict(ALL_MET).rejection_check()
        assert check.rules == {"V4"}
        assert "uforholdsmessig byrdefullt" in check.errors[0].message

    def test_V4_exception_needs_a_reason(self) -> None:
        verdict = eligibility_verdict(ALL_MET, v4_exception=True, v4_reason="  ")
        assert verdict.rejection_check().rules == {"V4"}
        assert not verdict.rejection_check().allowed

    def test_V4_exception_with_reason(self) -> None:
        verdict = eligibility_verdict(
            ALL_MET, v4_exception=True, v4_reason="Søkeren bor på en øy uten tilbud."
        )
        assert verdict.eligible  # the person meets § 29; the rejection rests on the exception
        assert verdict.rejection_check().allowed
        assert not verdict.grant_check().allowed

    def test_V4_exception_with_unassessed_conditions(self) -> None:
        verdict = eligibility_verdict({}, v4_exception=True, v4_reason="Begrunnelse.")
        assert verdict.rejection_check().allowed


# --- V5: one open programme at a time --------------------------------------------------------


class TestV5:
    @staticmethod
    def earlier(ended_on: date | None) -> ProgrammeHistory:
        period = Period(d("01.01.2025"), d("31.12.2025"))
        return ProgrammeHistory(period.start, (period,), (), False, ended_on, d("01.01.1990"))

    @pytest.mark.parametrize(
        ("start", "allowed"),
        [("30.06.2025", False), ("01.07.2025", True), ("02.07.2025", True)],
    )
    def test_V5_new_programme_after_the_last_day(self, start: str, allowed: bool) -> None:
        check = check_new_programme([self.earlier(d("30.06.2025"))], d(start))
        assert check.allowed is allowed
        if not allowed:
            assert check.rules == {"V5"}
            assert "01.07.2025" in check.errors[0].message

    def test_V5_open_programme_blocks(self) -> None:
        check = check_new_programme([self.earlier(None)], d("01.01.2030"))
        assert check.rules == {"V5"}

    def test_V5_no_limit_on_earlier_programmes(self) -> None:
        earlier = [self.earlier(d("30.06.2025")) for _ in range(5)]
        assert check_new_programme(earlier, d("01.01.2026")).allowed
        assert check_new_programme([], d("01.01.2026")).allowed

    def test_V5_interrupted_programme_is_open(self) -> None:
        period = Period(d("01.01.2025"), d("31.12.2025"))
        interrupted = ProgrammeHistory(
            period.start,
            (period,),
            (Pause(d("01.03.2025"), None, "interruption"),),
            False,
            None,
            d("01.01.1990"),
        )
        assert not check_new_programme([interrupted], d("01.01.2026")).allowed
