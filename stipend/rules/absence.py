"""Absence types, which of them keep the stipend, and the S7 quotas (S6, S7). Pure Python.

A registered absence is one planned day with a type. Whether it is paid follows from its
type (S6/S7) and, for the quota types, from whether the quota was already used up: a day over
the quota counts as unauthorised absence unless the caseworker overrode the quota with a
reason (issue 6)."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from decisions.rules.dates import add_months, fmt

from . import policy


class AbsenceKind(enum.StrEnum):
    EGENMELDING = "egenmelding"
    MEDICAL_CERTIFICATE = "legeerklaering"
    CHILD_ILLNESS = "barns_sykdom"
    WELFARE_LEAVE = "velferdspermisjon"
    HOLIDAY = "ferie"
    BIRTH_LEAVE_MOTHER = "fodselspermisjon_mor"
    BIRTH_LEAVE_FATHER = "fodselspermisjon_far"
    AGREED_UNPAID = "avtalt_uten_stonad"
    UNAUTHORISED = "ugyldig"


ABSENCE_LABELS: dict[str, str] = {
    AbsenceKind.EGENMELDING: "Egenmelding",
    AbsenceKind.MEDICAL_CERTIFICATE: "Legeerklæring",
    AbsenceKind.CHILD_ILLNESS: "Barns sykdom",
    AbsenceKind.WELFARE_LEAVE: "Velferdspermisjon",
    AbsenceKind.HOLIDAY: "Ferie",
    AbsenceKind.BIRTH_LEAVE_MOTHER: "Fødselspermisjon (mor)",
    AbsenceKind.BIRTH_LEAVE_FATHER: "Fødselspermisjon (far)",
    AbsenceKind.AGREED_UNPAID: "Avtalt fravær uten stønad",
    AbsenceKind.UNAUTHORISED: "Ugyldig fravær",
}

# S6: agreed absence without stipend pays nothing; S6/S11: unauthorised absence is deducted.
UNPAID_KINDS = frozenset({AbsenceKind.AGREED_UNPAID, AbsenceKind.UNAUTHORISED})


class Payability(enum.StrEnum):
    PAID = "paid"
    AGREED_UNPAID = "agreed_unpaid"
    UNAUTHORISED = "unauthorised"
    OVER_QUOTA = "over_quota"
    """A quota type beyond its quota without an override: deducted as unauthorised (S7)."""


@dataclass(frozen=True)
class Absence:
    day: date
    kind: str
    override_reason: str = ""


@dataclass(frozen=True)
class Judged:
    absence: Absence
    payability: Payability
    note: str = ""
    """Why a quota day is over the quota (Norwegian), for the warning and the payment line."""


def egenmelding_instances(days: Iterable[date]) -> list[list[date]]:
    """Egenmelding days grouped into instances: a run of days where the next one follows on
    the next calendar day, or after only a weekend (Friday → Monday is one instance) [I]."""
    instances: list[list[date]] = []
    for day in sorted(set(days)):
        if instances:
            gap = (day - instances[-1][-1]).days
            bridged = gap <= 3 and all(
                (instances[-1][-1] + timedelta(days=i)).weekday() >= 5 for i in range(1, gap)
            )
            if bridged:
                instances[-1].append(day)
                continue
        instances.append([day])
    return instances


def judge(absences: Iterable[Absence]) -> dict[date, Judged]:
    """Every absence with its effect on the stipend, the quotas counted in date order (S6, S7).

    Velferdspermisjon and ferie: the 11th velferdsdag / 26th feriedag of a calendar year and
    later are over the quota. Egenmelding: an instance longer than 3 calendar days is over the
    quota from its 4th calendar day; the 5th instance within 12 months is over the quota."""
    ordered = sorted(absences, key=lambda a: a.day)
    result: dict[date, Judged] = {}
    used: dict[tuple[str, int], int] = {}
    limits = {
        AbsenceKind.WELFARE_LEAVE: (policy.WELFARE_DAYS_PER_YEAR, "velferdsdager"),
        AbsenceKind.HOLIDAY: (policy.HOLIDAY_DAYS_PER_YEAR, "feriedager"),
    }
    egenmelding = [a for a in ordered if a.kind == AbsenceKind.EGENMELDING]
    over_egenmelding: dict[date, str] = {}
    starts: list[date] = []
    for instance in egenmelding_instances(a.day for a in egenmelding):
        first = instance[0]
        window_start = add_months(first, -policy.EGENMELDING_WINDOW_MONTHS) + timedelta(days=1)
        earlier = [s for s in starts if s >= window_start]
        starts.append(first)
        if len(earlier) >= policy.EGENMELDING_MAX_INSTANCES:
            for day in instance:
                over_egenmelding[day] = (
                    f"{len(earlier) + 1}. egenmelding på 12 måneder (grensen er "
                    f"{policy.EGENMELDING_MAX_INSTANCES})"
                )
            continue
        last_allowed = first + timedelta(days=policy.EGENMELDING_MAX_CALENDAR_DAYS - 1)
        for day in instance:
            if day > last_allowed:
                over_egenmelding[day] = (
                    f"egenmeldingen fra {fmt(first)} er lengre enn "
                    f"{policy.EGENMELDING_MAX_CALENDAR_DAYS} kalenderdager"
                )
    for absence in ordered:
        payability, note = Payability.PAID, ""
        if absence.kind == AbsenceKind.AGREED_UNPAID:
            payability = Payability.AGREED_UNPAID
        elif absence.kind == AbsenceKind.UNAUTHORISED:
            payability = Payability.UNAUTHORISED
        elif absence.kind in limits:
            limit, noun = limits[absence.kind]
            key = (absence.kind, absence.day.year)
            used[key] = used.get(key, 0) + 1
            if used[key] > limit:
                note = f"{used[key]}. av {limit} {noun} i {absence.day.year}"
        elif absence.day in over_egenmelding:
            note = over_egenmelding[absence.day]
        if note and not absence.override_reason:
            payability = Payability.OVER_QUOTA
        result[absence.day] = Judged(absence, payability, note)
    return result


@dataclass(frozen=True)
class Counters:
    """The participant page's quota counters (S7)."""

    egenmelding_instances: int
    egenmelding_limit: int
    welfare_days: int
    welfare_limit: int
    holiday_days: int
    holiday_limit: int

    @property
    def egenmelding_over(self) -> bool:
        return self.egenmelding_instances > self.egenmelding_limit

    @property
    def welfare_over(self) -> bool:
        return self.welfare_days > self.welfare_limit

    @property
    def holiday_over(self) -> bool:
        return self.holiday_days > self.holiday_limit


def counters(absences: Iterable[Absence], on: date) -> Counters:
    """Egenmelding instances that started in the 12 months up to and including `on`;
    velferdsdager and feriedager in the calendar year of `on` (up to and including `on`)."""
    absences = [a for a in absences if a.day <= on]
    window_start = add_months(on, -policy.EGENMELDING_WINDOW_MONTHS) + timedelta(days=1)
    instances = egenmelding_instances(a.day for a in absences if a.kind == AbsenceKind.EGENMELDING)
    return Counters(
        egenmelding_instances=sum(1 for i in instances if i[0] >= window_start),
        egenmelding_limit=policy.EGENMELDING_MAX_INSTANCES,
        welfare_days=sum(
            1 for a in absences if a.kind == AbsenceKind.WELFARE_LEAVE and a.day.year == on.year
        ),
        welfare_limit=policy.WELFARE_DAYS_PER_YEAR,
        holiday_days=sum(
            1 for a in absences if a.kind == AbsenceKind.HOLIDAY and a.day.year == on.year
        ),
        holiday_limit=policy.HOLIDAY_DAYS_PER_YEAR,
    )
