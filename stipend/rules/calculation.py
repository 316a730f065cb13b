"""The payment basis of one payment period, day by day (RULES.md S1–S10). Pure Python.

Plain data in (the programme history, the participant's birth date, supported children's
birth dates, the G register, judged absences, hours worked and benefits received), payment
lines out. Each line explains itself in Norwegian and cites its rule. Amounts are whole øre
(int); `money.round_ore` is the one rounding step.

How a period is computed:
1. Stipend days (calendar.stipend_days): Monday–Friday on which the programme is active.
2. Per stipend day: the G in force (the latest registered on or before the day, S2), the rate
   factor by date (2 G before 01.07.2024, 2.041 G from then, S1), under 25 or not on that day
   (S3, 2/3 of the full rate), the yearly amount in whole kroner (rates.yearly_rate) and the
   daily amount = yearly / 260 rounded to øre (S5). Consecutive days at the same rate make one
   line.
3. Barnetillegg (S4): per supported child, per stipend day before the child's 18th birthday,
   the year's daily rate (27/36/37/38 kr) — "5 days a week" is exactly the Monday–Friday
   stipend days, so a child turning 18 on a Wednesday gives Monday and Tuesday of that week.
4. Absence (S6, S7): a stipend day with unauthorised absence, agreed absence without stipend
   or absence over a quota loses that day's stipend and barnetillegg.
5. Interruption and leave days (S6, D2) are not stipend days; a line of 0 kr names them.
6. Work income or lærlingelønn (S8): the amount after steps 2–4 × hours worked / full-time
   hours in the period (stipend days × 7.5), rounded once, capped at the amount.
7. Dagpenger, sykepenger, foreldrepenger (S9): deducted krone for krone, never below 0 in
   total; other benefits (bostøtte, barnetrygd …) are listed as not deducted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from decisions.rules.dates import add_years, fmt
from decisions.rules.history import ProgrammeHistory

from . import policy, rates
from .absence import Judged, Payability
from .calendar import interrupted_days, stipend_days
from .money import kroner, round_ore, whole_kroner


class LineKind:
    STIPEND = "stonad"
    CHILD_SUPPLEMENT = "barnetillegg"
    ABSENCE = "fravaer"
    INTERRUPTION = "avbrudd"
    WORK = "arbeid"
    BENEFIT = "ytelse"
    BACK_PAY = "etterbetaling"


LINE_KIND_LABELS = {
    LineKind.STIPEND: "Stønad",
    LineKind.CHILD_SUPPLEMENT: "Barnetillegg",
    LineKind.ABSENCE: "Trekk for fravær",
    LineKind.INTERRUPTION: "Avbrudd/permisjon",
    LineKind.WORK: "Trekk for arbeid",
    LineKind.BENEFIT: "Andre ytelser",
    LineKind.BACK_PAY: "Etterbetaling",
}

# S9: deducted krone for krone; the others are registered, shown and not deducted.
DEDUCTED_BENEFITS = {
    "dagpenger": "Dagpenger",
    "sykepenger": "Sykepenger",
    "foreldrepenger": "Foreldrepenger",
}
NOT_DEDUCTED_BENEFITS = {
    "bostotte": "Bostøtte",
    "barnetrygd": "Barnetrygd",
    "kontantstotte": "Kontantstøtte",
    "engangsstonad": "Engangsstønad",
    "tilleggsstonad": "Tilleggsstønader",
    "barnebidrag": "Barnebidrag",
}
WORK_KINDS = {"arbeid": "arbeidsinntekt", "laerling": "lærlingelønn"}  # S8


class MissingBaseAmount(ValueError):
    """No G is registered for a day in the period."""


class MissingChildRate(ValueError):
    """The barnetillegg rate for the year is not known to the system (S4)."""


@dataclass(frozen=True)
class Work:
    kind: str  # a key of WORK_KINDS
    hours: Decimal


@dataclass(frozen=True)
class BenefitReceived:
    kind: str  # a key of DEDUCTED_BENEFITS or NOT_DEDUCTED_BENEFITS
    amount_ore: int


@dataclass(frozen=True)
class StipendInput:
    start: date
    end: date
    history: ProgrammeHistory
    birth_date: date
    children: tuple[date, ...] = ()
    """Birth dates of the children under 18 the participant supports (S4)."""
    base_amounts: tuple[tuple[date, int], ...] = ()
    """The G register: (effective from, amount in kroner)."""
    absences: Mapping[date, Judged] = field(default_factory=dict)
    work: tuple[Work, ...] = ()
    benefits: tuple[BenefitReceived, ...] = ()


@dataclass(frozen=True)
class Line:
    kind: str
    text: str
    rule: str
    amount_ore: int
    days: int = 0
    rate_ore: int = 0


@dataclass(frozen=True)
class DayRate:
    g: int
    factor: Decimal
    under_25: bool
    yearly: int
    daily_ore: int


def g_in_force(base_amounts: Sequence[tuple[date, int]], day: date) -> int:
    candidates = [(start, amount) for start, amount in base_amounts if start <= day]
    if not candidates:
        raise MissingBaseAmount(f"Det er ikke registrert noe grunnbeløp (G) for {fmt(day)}.")
    return max(candidates)[1]


def day_rate(base_amounts: Sequence[tuple[date, int]], birth_date: date, day: date) -> DayRate:
    g = g_in_force(base_amounts, day)
    under_25 = rates.is_under_25(birth_date, day)
    yearly = rates.yearly_rate(base_amount=g, day=day, under_25=under_25)
    daily = round_ore(Decimal(yearly * 100) / rates.WORKING_DAYS_PER_YEAR)
    return DayRate(g, rates.full_rate_factor(day), under_25, yearly, daily)


def child_rate_ore(day: date) -> int:
    rate = rates.child_supplement_per_day(day)
    if rate is None:
        raise MissingChildRate(f"Satsen for barnetillegg i {day.year} er ikke kjent (S4).")
    return rate * 100


def _span(days: Sequence[date]) -> str:
    return fmt(days[0]) if len(days) == 1 else f"{fmt(days[0])}–{fmt(days[-1])}"


def _days(n: int) -> str:
    return "1 dag" if n == 1 else f"{n} dager"


def _factor_text(rate: DayRate) -> str:
    factor = f"{rate.factor.normalize():f}".replace(".", ",")
    share = "2/3 × " if rate.under_25 else ""
    return (
        f"{share}{factor} G × {whole_kroner(rate.g)} = {whole_kroner(rate.yearly)} per år "
        f"÷ {rates.WORKING_DAYS_PER_YEAR}"
    )


def _next_weekday(day: date) -> date:
    return day + timedelta(days=3 if day.weekday() == 4 else 1)


def _group(days: Sequence[date], key) -> list[tuple[object, list[date]]]:
    """Runs of consecutive weekdays with the same key, in order (a day without stipend
    between two days splits the run, so a line's first–last dates never hide a gap)."""
    groups: list[tuple[object, list[date]]] = []
    for day in days:
        k = key(day)
        if groups and groups[-1][0] == k and _next_weekday(groups[-1][1][-1]) == day:
            groups[-1][1].append(day)
        else:
            groups.append((k, [day]))
    return groups


def child_under_18(birth: date, day: date) -> bool:
    return day < add_years(birth, 18)


def compute(data: StipendInput) -> list[Line]:
    days = stipend_days(data.history, data.start, data.end)
    rate_of = {d: day_rate(data.base_amounts, data.birth_date, d) for d in days}
    lines: list[Line] = []

    for rate, group in _group(days, rate_of.__getitem__):
        assert isinstance(rate, DayRate)
        under = "under 25 år, " if rate.under_25 else ""
        lines.append(
            Line(
                LineKind.STIPEND,
                f"Stønad {_span(group)}: {_days(len(group))} à {kroner(rate.daily_ore)} "
                f"({under}{_factor_text(rate)})",
                "S1" if not rate.under_25 else "S1, S3",
                len(group) * rate.daily_ore,
                len(group),
                rate.daily_ore,
            )
        )

    child_of_day: dict[date, int] = {d: 0 for d in days}
    for number, birth in enumerate(sorted(data.children), start=1):
        child_days = [d for d in days if child_under_18(birth, d)]
        for rate_ore, group in _group(child_days, child_rate_ore):
            assert isinstance(rate_ore, int)
            for d in group:
                child_of_day[d] += rate_ore
            turns = ""
            if group[-1] == child_days[-1] and not child_under_18(birth, data.end):
                turns = f"; fyller 18 år {fmt(add_years(birth, 18))}"
            lines.append(
                Line(
                    LineKind.CHILD_SUPPLEMENT,
                    f"Barnetillegg for barn {number} (født {fmt(birth)}) {_span(group)}: "
                    f"{_days(len(group))} à {kroner(rate_ore)}{turns}",
                    "S4",
                    len(group) * rate_ore,
                    len(group),
                    rate_ore,
                )
            )

    reasons = {
        Payability.UNAUTHORISED: ("ugyldig fravær", "S6"),
        Payability.AGREED_UNPAID: ("avtalt fravær uten stønad", "S6"),
        Payability.OVER_QUOTA: ("fravær over kvoten, regnes som ugyldig", "S6, S7"),
    }
    unpaid = [d for d in days if d in data.absences and data.absences[d].payability in reasons]
    by_key: dict[tuple[Payability, int, int], list[date]] = {}
    for d in unpaid:
        key = (data.absences[d].payability, rate_of[d].daily_ore, child_of_day[d])
        by_key.setdefault(key, []).append(d)
    for (payability, daily, child), group in by_key.items():
        text, rule = reasons[payability]
        per_day = daily + child
        split = f" (stønad {kroner(daily)} + barnetillegg {kroner(child)})" if child else ""
        dates = ", ".join(d.strftime("%d.%m.") for d in group)
        notes = sorted({data.absences[d].note for d in group if data.absences[d].note})
        lines.append(
            Line(
                LineKind.ABSENCE,
                f"Trekk for {text}: {_days(len(group))} à {kroner(per_day)}{split} "
                f"({dates}){': ' + '; '.join(notes) if notes else ''}",
                rule,
                -len(group) * per_day,
                len(group),
                per_day,
            )
        )

    paused = interrupted_days(data.history, data.start, data.end)
    if paused:
        lines.append(
            Line(
                LineKind.INTERRUPTION,
                f"Midlertidig avbrudd eller permisjon {_span(paused)}: "
                f"{_days(len(paused))} uten stønad",
                "S6",
                0,
                len(paused),
            )
        )

    gross = sum(line.amount_ore for line in lines)
    full_time = policy.FULL_TIME_HOURS_PER_DAY * len(days)
    worked = Decimal(0)
    for kind in WORK_KINDS:
        hours = sum((w.hours for w in data.work if w.kind == kind), Decimal(0))
        if not hours or not full_time:
            continue
        counted = min(hours, full_time - worked)
        worked += counted
        cut = min(gross, round_ore(Decimal(gross) * counted / full_time))
        lines.append(
            Line(
                LineKind.WORK,
                f"Trekk for {WORK_KINDS[kind]}: {_hours(counted)} timer av {_hours(full_time)} "
                f"timer full tid ({_days(len(days))} × {_hours(policy.FULL_TIME_HOURS_PER_DAY)} "
                f"timer) av {kroner(gross)}",
                "S8",
                -cut,
            )
        )
    remaining = sum(line.amount_ore for line in lines)
    for benefit in data.benefits:
        if benefit.kind in DEDUCTED_BENEFITS:
            cut = min(max(remaining, 0), benefit.amount_ore)
            capped = (
                " (begrenset til det som gjenstår av stønaden)" if cut < benefit.amount_ore else ""
            )
            lines.append(
                Line(
                    LineKind.BENEFIT,
                    f"Trekk for {DEDUCTED_BENEFITS[benefit.kind].lower()} krone for krone: "
                    f"{kroner(benefit.amount_ore)}{capped}",
                    "S9",
                    -cut,
                )
            )
            remaining -= cut
        else:
            label = NOT_DEDUCTED_BENEFITS.get(benefit.kind, benefit.kind)
            lines.append(
                Line(
                    LineKind.BENEFIT,
                    f"{label} ({kroner(benefit.amount_ore)}) gir ikke trekk",
                    "S8" if benefit.kind == "barnebidrag" else "S9",
                    0,
                )
            )
    return lines


def _hours(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text.replace(".", ",")


def total(lines: Sequence[Line]) -> int:
    return sum(line.amount_ore for line in lines)
