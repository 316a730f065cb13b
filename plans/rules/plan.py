"""The programme plan's checks (P1, P3, P4, P5) over plain data: planned activities, evaluation
dates and the programme history in; a week-by-week table and warnings with rule ids out.

Counting convention: every date range is inclusive of both ends; weeks are ISO weeks (Monday to
Sunday). An activity's hours per week are spread evenly over its weekdays, so a day of an
activity planned Monday–Friday at 37.5 hours a week holds 7.5 hours."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from decisions.rules import Finding, Period, ProgrammeHistory, add_months, fmt
from decisions.rules.findings import warning

from . import policy

ONE_DAY = timedelta(days=1)
ZERO = Decimal(0)

# Activity types (the catalogue's fixed list); codes are stored, labels shown.
WORK = "arbeid"
APPRENTICESHIP = "laretid"
JOB_SEEKING = "arbeidssoking"
ACTIVITY_TYPE_LABELS: dict[str, str] = {
    "arbeidsrettet_tiltak": "Arbeidsrettet tiltak",
    "arbeidspraksis": "Arbeidspraksis",
    JOB_SEEKING: "Arbeidssøking",
    "opplaering": "Opplæring",
    "norskopplaering": "Norskopplæring",
    "utdanning": "Utdanning",
    APPRENTICESHIP: "Læretid",
    WORK: "Arbeid",
    "motivasjonstrening": "Motivasjonstrening",
    "mestringstrening": "Mestringstrening",
    "helserelatert": "Helserelatert aktivitet",
    "egenaktivitet": "Egenaktivitet",
    "annet": "Annet",
}
WEEKDAY_LABELS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")


def hours_text(hours: Decimal) -> str:
    """Hours as Norwegians write them: 37,5 · 30 · 18,75."""
    value = hours.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()
    text = f"{value:f}"
    return text.replace(".", ",")


@dataclass(frozen=True)
class PlannedActivity:
    """One activity of the plan: its type (a code of ACTIVITY_TYPE_LABELS), its period, the
    weekdays it takes place (0 = Monday … 6 = Sunday) and its hours per week."""

    kind: str
    start: date
    end: date
    weekdays: frozenset[int]
    hours_per_week: Decimal
    name: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "weekdays", frozenset(self.weekdays))
        if self.end < self.start:
            raise ValueError(f"Aktiviteten slutter ({fmt(self.end)}) før den starter.")

    def takes_place(self, day: date) -> bool:
        return self.start <= day <= self.end and day.weekday() in self.weekdays

    def hours_on(self, day: date) -> Decimal:
        """The hours planned on `day` (exact; round only for display)."""
        if not self.takes_place(day):
            return ZERO
        return self.hours_per_week / len(self.weekdays)

    def hours_in(self, days: Iterable[date]) -> Decimal:
        count = sum(1 for day in days if self.takes_place(day))
        return self.hours_per_week * count / len(self.weekdays) if count else ZERO


def programme_span(history: ProgrammeHistory) -> Period:
    """From the start to the end of the last vedtak period, or to the last day of the programme
    when it has ended earlier."""
    end = history.current_period.end
    if history.ended_on is not None:
        end = min(end, history.ended_on)
    return Period(history.start, max(end, history.start))


def is_programme_day(history: ProgrammeHistory, day: date) -> bool:
    """A day inside a vedtak period and not paused (interruption or approved leave, D2)."""
    span = programme_span(history)
    if not span.contains(day):
        return False
    if not any(period.contains(day) for period in history.decision_periods):
        return False
    return not any(pause.covers(day) for pause in history.pauses)


def check_activity_period(history: ProgrammeHistory, start: date, end: date) -> dict[str, str]:
    """Field errors for an activity's or evaluation's period: it must lie within the programme
    (from its start to the end of the last vedtak period)."""
    span = programme_span(history)
    errors: dict[str, str] = {}
    if end < start:
        errors["end"] = "Til-datoen kan ikke være før fra-datoen."
    if start < span.start:
        errors["start"] = f"Aktiviteten kan ikke starte før programmet starter ({fmt(span.start)})."
    elif start > span.end:
        errors["start"] = (
            f"Aktiviteten kan ikke starte etter at programmet slutter ({fmt(span.end)})."
        )
    if end > span.end and "end" not in errors:
        errors["end"] = (
            f"Aktiviteten kan ikke vare lenger enn programmet, som slutter {fmt(span.end)}."
        )
    return errors


@dataclass(frozen=True)
class PlanWeek:
    """One ISO week of the programme: the hours it needs (P1), the hours planned, of them work
    (P3), and what the rules say about it."""

    year: int
    week: int
    monday: date
    sunday: date
    programme_days: int
    """Monday–Friday days inside the programme and not paused."""
    required: Decimal
    planned: Decimal
    work: Decimal

    @property
    def short(self) -> bool:
        return self.planned < self.required

    @property
    def too_much_work(self) -> bool:
        return self.required > 0 and self.work > self.required * policy.MAX_WORK_SHARE

    @property
    def paused(self) -> bool:
        return self.required == 0

    @property
    def label(self) -> str:
        return f"uke {self.week} {self.year} ({fmt(self.monday)}–{fmt(self.sunday)})"


def plan_weeks(history: ProgrammeHistory, activities: Sequence[PlannedActivity]) -> list[PlanWeek]:
    """Every ISO week that has a day inside the programme, in order."""
    span = programme_span(history)
    weeks: list[PlanWeek] = []
    monday = span.start - timedelta(days=span.start.weekday())
    while monday <= span.end:
        days = [monday + timedelta(days=i) for i in range(7)]
        inside = [d for d in days if is_programme_day(history, d)]
        workdays = sum(1 for d in inside if d.weekday() < policy.WORKING_DAYS_PER_WEEK)
        required = policy.FULL_TIME_HOURS_PER_WEEK * workdays / policy.WORKING_DAYS_PER_WEEK
        planned = sum((a.hours_in(inside) for a in activities), ZERO)
        work = sum((a.hours_in(inside) for a in activities if a.kind == WORK), ZERO)
        iso = monday.isocalendar()
        weeks.append(
            PlanWeek(
                year=iso.year,
                week=iso.week,
                monday=monday,
                sunday=days[-1],
                programme_days=workdays,
                required=required,
                planned=planned,
                work=work,
            )
        )
        monday += timedelta(days=7)
    return weeks


MAX_RUNS_LISTED = 8


def _runs(weeks: list[PlanWeek], value) -> list[list[PlanWeek]]:
    """Consecutive weeks with the same (planned, required) values, so a long gap reads as one
    line rather than fifty."""
    runs: list[list[PlanWeek]] = []
    for week in weeks:
        last = runs[-1][-1] if runs else None
        if (
            last is not None
            and week.monday - last.monday == timedelta(days=7)
            and value(week) == value(last)
        ):
            runs[-1].append(week)
        else:
            runs.append([week])
    return runs


def _run_label(run: list[PlanWeek]) -> str:
    first, last = run[0], run[-1]
    if first is last:
        return first.label
    if first.year == last.year:
        weeks = f"uke {first.week}–{last.week} {first.year}"
    else:
        weeks = f"uke {first.week} {first.year}–uke {last.week} {last.year}"
    return f"{weeks} ({fmt(first.monday)}–{fmt(last.sunday)})"


def _list_runs(runs: list[list[PlanWeek]], describe) -> str:
    parts = [f"{_run_label(run)}: {describe(run[0])}" for run in runs[:MAX_RUNS_LISTED]]
    rest = sum(len(run) for run in runs[MAX_RUNS_LISTED:])
    text = "; ".join(parts)
    if rest:
        text += f"; og {rest} uker til (se tabellen)"
    return text + "."


def _weeks_text(count: int) -> str:
    return "1 uke" if count == 1 else f"{count} uker"


def check_hours(weeks: list[PlanWeek]) -> list[Finding]:
    """P1: every week needs 37.5 hours (pro-rated, see policy); a week with work that falls
    short breaks P3's "work + activities at least full time" and is reported under P3.
    P3: work at most 50 % of full time (læretid is not work here)."""
    findings: list[Finding] = []

    def describe(week: PlanWeek) -> str:
        return f"{hours_text(week.planned)} av {hours_text(week.required)} timer"

    short = [w for w in weeks if w.short and w.work == 0]
    if short:
        runs = _runs(short, lambda w: (w.planned, w.required))
        findings.append(
            warning(
                "P1",
                f"Planen har mindre enn full tid ({hours_text(policy.FULL_TIME_HOURS_PER_WEEK)} "
                f"timer i uka) i {_weeks_text(len(short))}: {_list_runs(runs, describe)}",
            )
        )
    short_with_work = [w for w in weeks if w.short and w.work > 0]
    if short_with_work:
        runs = _runs(short_with_work, lambda w: (w.planned, w.required))
        findings.append(
            warning(
                "P3",
                "Arbeid og aktiviteter utgjør til sammen mindre enn full tid i "
                f"{_weeks_text(len(short_with_work))}: {_list_runs(runs, describe)}",
            )
        )
    over = [w for w in weeks if w.too_much_work]
    if over:
        runs = _runs(over, lambda w: (w.work, w.required))
        percent = hours_text(policy.MAX_WORK_SHARE * 100)
        findings.append(
            warning(
                "P3",
                f"Arbeid er mer enn {percent} % av full tid i {_weeks_text(len(over))} "
                "(læretid er unntatt): "
                + _list_runs(
                    runs,
                    lambda w: (
                        f"{hours_text(w.work)} timer arbeid, høyst "
                        f"{hours_text(w.required * policy.MAX_WORK_SHARE)}"
                    ),
                ),
            )
        )
    return findings


def final_stage(history: ProgrammeHistory) -> Period:
    """P4: the last FINAL_STAGE_WEEKS weeks of the last vedtak period (no earlier than its
    start), ending on the programme's last day."""
    end = programme_span(history).end
    last_period = history.current_period
    start = max(last_period.start, end - timedelta(weeks=policy.FINAL_STAGE_WEEKS) + ONE_DAY)
    return Period(min(start, end), end)


def check_job_seeking(
    history: ProgrammeHistory, activities: Sequence[PlannedActivity]
) -> list[Finding]:
    """P4: job seeking must be planned on at least one day of the final stage."""
    stage = final_stage(history)
    for activity in activities:
        if activity.kind != JOB_SEEKING:
            continue
        first, last = max(activity.start, stage.start), min(activity.end, stage.end)
        day = first
        while day <= last:
            if activity.takes_place(day):
                return []
            day += ONE_DAY
    extended = len(history.decision_periods) > 1
    where = "sluttfasen av siste vedtaksperiode" if extended else "sluttfasen av programmet"
    return [
        warning(
            "P4",
            f"Arbeidssøking er ikke planlagt i {where} ({stage}). Jobbsøking skal senest være en "
            "del av sluttfasen.",
        )
    ]


def check_evaluations(history: ProgrammeHistory, evaluations: Iterable[date]) -> list[Finding]:
    """P5: at least one evaluation date in every vedtak period, and at most
    EVALUATION_INTERVAL_MONTHS from the start, or from one evaluation, to the next while the
    programme runs."""
    span = programme_span(history)
    dates = sorted(d for d in set(evaluations) if span.contains(d))
    months = policy.EVALUATION_INTERVAL_MONTHS
    findings: list[Finding] = []
    if not dates:
        return [
            warning(
                "P5",
                "Planen har ingen evalueringsdatoer. Sett opp når innholdet i programmet skal "
                f"evalueres, minst én gang i hver vedtaksperiode og minst hver {months}. måned.",
            )
        ]
    for period in history.decision_periods:
        if period.start > span.end:
            continue
        shown = Period(period.start, min(period.end, span.end))
        if not any(shown.contains(d) for d in dates):
            findings.append(warning("P5", f"Vedtaksperioden {shown} har ingen evalueringsdato."))
    since, what = span.start, "programstart"
    for day in [*dates, None]:
        due = add_months(since, months)
        if day is None:
            if due < span.end:
                findings.append(
                    warning(
                        "P5",
                        f"Etter {what} {fmt(since)} er det ingen evaluering før programmet "
                        f"slutter {fmt(span.end)}. Neste evaluering bør være senest {fmt(due)}.",
                    )
                )
            break
        if day > due:
            findings.append(
                warning(
                    "P5",
                    f"Det går mer enn {months} måneder fra {what} {fmt(since)} til evalueringen "
                    f"{fmt(day)}. Evaluer senest {fmt(due)}.",
                )
            )
        since, what = day, "evalueringen"
    return findings


@dataclass(frozen=True)
class PlanCheck:
    weeks: tuple[PlanWeek, ...]
    findings: tuple[Finding, ...]

    @property
    def short_weeks(self) -> tuple[PlanWeek, ...]:
        return tuple(w for w in self.weeks if w.short)


def plan_check(
    history: ProgrammeHistory,
    activities: Sequence[PlannedActivity],
    evaluations: Iterable[date],
) -> PlanCheck:
    """P1, P3, P4 and P5 on a whole plan. Warnings only: the plan may be saved anyway."""
    weeks = plan_weeks(history, activities)
    findings = [
        *check_hours(weeks),
        *check_job_seeking(history, activities),
        *check_evaluations(history, evaluations),
    ]
    return PlanCheck(tuple(weeks), tuple(findings))
