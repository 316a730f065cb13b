"""Whether a proposed vedtak period may be decided (D1, D3, D4, V1) and whether a new programme
may be opened (V5)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from . import policy
from .dates import ONE_DAY, Period, add_years, days_text, fmt, years_later_last_day
from .findings import Check, Finding, error, warning
from .history import ProgrammeHistory, decision_period_ends, latest_end_date, paused_days
from .labels import PERIOD_KINDS

D4_TOPICS = (
    "at forlengelsen er nødvendig for å nå målet om arbeid, deltakerens progresjon, "
    "motivasjon, hvor sannsynlig det er at deltakeren kommer i arbeid når programmet slutter, "
    "og situasjonen på arbeidsmarkedet"
)


def last_day_before_max_age(birth_date: date) -> date:
    """V1: the last day a vedtak period may cover — the day before the 67th birthday."""
    return add_years(birth_date, policy.MAX_AGE) - ONE_DAY


def age_check(period: Period, birth_date: date) -> list[Finding]:
    """V1: 18 or older on the first day, and not past the day before the 67th birthday."""
    findings = []
    adult_on = add_years(birth_date, policy.MIN_AGE)
    if period.start < adult_on:
        findings.append(
            error(
                "V1",
                f"Deltakeren er under {policy.MIN_AGE} år på startdatoen {fmt(period.start)}. "
                f"Perioden kan tidligst starte {fmt(adult_on)}, da deltakeren fyller "
                f"{policy.MIN_AGE} år.",
            )
        )
    last_day = last_day_before_max_age(birth_date)
    if period.end > last_day:
        findings.append(
            error(
                "V1",
                f"Perioden slutter {fmt(period.end)}, men kan ikke gå lenger enn til og med "
                f"{fmt(last_day)}, dagen før deltakeren fyller {policy.MAX_AGE} år.",
            )
        )
    return findings


def length_check(period: Period) -> list[Finding]:
    """D3: one vedtak covers at most one year: end ≤ start + 1 year − 1 day."""
    last_day = years_later_last_day(period.start, policy.MAX_DECISION_PERIOD_YEARS)
    if period.end <= last_day:
        return []
    return [
        error(
            "D3",
            f"Et vedtak kan gjelde for høyst ett år om gangen. En periode som starter "
            f"{fmt(period.start)}, kan slutte senest {fmt(last_day)} (perioden er "
            f"{days_text(period.days)}, {days_text((period.end - last_day).days)} for lang).",
        )
    ]


def _continuity_check(history: ProgrammeHistory, period: Period) -> list[Finding]:
    """D3: an extension starts the day after the current vedtak period ends — no overlap, and
    no gap that would leave days without a vedtak."""
    current_end = decision_period_ends(history)
    expected = current_end + ONE_DAY
    if period.start < expected:
        return [
            error(
                "D3",
                f"Perioden overlapper gjeldende vedtaksperiode, som varer til og med "
                f"{fmt(current_end)}. En forlengelse må starte {fmt(expected)}.",
            )
        ]
    if period.start > expected:
        gap = (period.start - expected).days
        return [
            error(
                "D3",
                f"Gjeldende vedtaksperiode slutter {fmt(current_end)}, men perioden starter "
                f"{fmt(period.start)}, så {days_text(gap)} ville stått uten vedtak. En "
                f"forlengelse må starte {fmt(expected)}. Skal programmet stå stille en tid, "
                f"fatt vedtak om midlertidig avbrudd.",
            )
        ]
    return []


def _pause_note(history: ProgrammeHistory, on: date | None) -> str:
    paused = paused_days(history, on)
    note = f", forlenget med {days_text(paused)} med permisjon eller avbrudd" if paused else ""
    ongoing = history.ongoing_interruption()
    if ongoing is not None and on is None:
        note += f"; det pågående avbruddet fra {fmt(ongoing.start)} er ikke regnet med"
    return note


def _duration_check(
    history: ProgrammeHistory,
    period: Period,
    kind: str,
    *,
    special: bool,
    d4_assessment_complete: bool,
    on: date | None,
) -> list[Finding]:
    """D1/D2/D4/D5: within 2 years (3 with særlige grunner); beyond 2 years needs D4."""
    findings: list[Finding] = []
    two_years = latest_end_date(history, on, special=False)
    three_years = latest_end_date(history, on, special=True)
    note = _pause_note(history, on)
    if kind == "special_extension" and not d4_assessment_complete:
        findings.append(
            error(
                "D4",
                f"Forlengelse ved særlige grunner krever en dokumentert vurdering av {D4_TOPICS}.",
            )
        )
    if period.end > two_years:
        if not (special or kind == "special_extension"):
            findings.append(
                error(
                    "D1",
                    f"Perioden slutter {fmt(period.end)}, men programtiden på "
                    f"{policy.MAX_YEARS} år varer bare til og med {fmt(two_years)} "
                    f"(fra {fmt(history.start)}{note}). Forlengelse utover "
                    f"{policy.MAX_YEARS} år krever særlige grunner: velg «Forlengelse ved "
                    f"særlige grunner» og dokumenter vurderingen, eller la perioden slutte "
                    f"senest {fmt(two_years)}.",
                )
            )
        elif period.end > three_years:
            total = policy.MAX_YEARS + policy.SPECIAL_EXTENSION_YEARS
            findings.append(
                error(
                    "D1",
                    f"Perioden slutter {fmt(period.end)}, men programmet kan ikke vare lenger "
                    f"enn {total} år, det vil si til og med {fmt(three_years)} "
                    f"(fra {fmt(history.start)}{note}), heller ikke ved særlige grunner.",
                )
            )
        elif kind != "special_extension" and not d4_assessment_complete:
            findings.append(
                error(
                    "D4",
                    f"Perioden går utover {policy.MAX_YEARS} år ({fmt(two_years)}). Det krever "
                    f"særlige grunner og en dokumentert vurdering av {D4_TOPICS}.",
                )
            )
    elif kind == "special_extension":
        findings.append(
            warning(
                "D4",
                f"Perioden går ikke utover {policy.MAX_YEARS} år: programmet kan vare til og med "
                f"{fmt(two_years)} uten særlige grunner. En vanlig forlengelse er nok.",
            )
        )
    return findings


def check_decision_period(
    history: ProgrammeHistory | None,
    period: Period,
    kind: str,
    *,
    birth_date: date,
    special: bool = False,
    d4_assessment_complete: bool = False,
    on: date | None = None,
) -> Check:
    """Whether a grant, extension or special extension may cover `period`.

    D3: at most one year, and an extension starts the day after the current vedtak period.
    V1: 18 on the first day, not past the day before the 67th birthday. D1: not past the latest
    end date — 2 years, or 3 when `special` (særlige grunner apply) or the kind is
    "special_extension", which needs the D4 assessment. `on` is the day of the decision: an
    ongoing interruption moves the latest end date by its days up to `on` (by none when `on` is
    None — pass it when the programme may be interrupted)."""
    if kind not in PERIOD_KINDS:
        raise ValueError(f"{kind!r} er ikke et vedtak om periode.")
    findings: list[Finding] = []
    if kind == "grant":
        if history is not None:
            findings.append(
                error(
                    "D3",
                    f"Programmet fra {fmt(history.start)} er allerede innvilget. En ny periode "
                    f"i samme program er en forlengelse.",
                )
            )
        findings += length_check(period)
        findings += age_check(period, birth_date)
        return Check.of(findings)
    if history is None:
        return Check.of(
            [error("D3", "Bare et innvilget program kan forlenges. Fatt vedtak om innvilgelse.")]
        )
    if history.ended_on is not None:
        return Check.of(
            [
                error(
                    "A5",
                    f"Programmet er avsluttet med siste dag {fmt(history.ended_on)} og kan ikke "
                    f"forlenges. Deltakeren kan søke om et nytt program.",
                )
            ]
        )
    findings += _continuity_check(history, period)
    findings += length_check(period)
    findings += age_check(period, birth_date)
    findings += _duration_check(
        history,
        period,
        kind,
        special=special,
        d4_assessment_complete=d4_assessment_complete,
        on=on,
    )
    return Check.of(findings)


def check_new_programme(existing: Iterable[ProgrammeHistory], start: date) -> Check:
    """V5: any number of programmes over time, but a new one may start only after every earlier
    programme of the person has ended (a planned programme counts as open)."""
    findings = []
    for other in existing:
        if other.ended_on is None:
            findings.append(
                error(
                    "V5",
                    f"Deltakeren har allerede et åpent program fra {fmt(other.start)}. Det må "
                    f"avsluttes før et nytt program kan innvilges.",
                )
            )
        elif other.ended_on >= start:
            findings.append(
                error(
                    "V5",
                    f"Deltakerens program fra {fmt(other.start)} varer til og med "
                    f"{fmt(other.ended_on)}. Et nytt program kan tidligst starte "
                    f"{fmt(other.ended_on + ONE_DAY)}.",
                )
            )
    return Check.of(findings)
