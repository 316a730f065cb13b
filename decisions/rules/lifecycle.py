"""A programme's state on a day, and whether it may be interrupted, resumed, ended or given
leave (A1–A6, D2, D3). The dates passed in are the decision's effective dates:

- interruption `on`: the first paused day;
- resumption `on`: the first day back in the programme (the interruption's last day is the day
  before);
- termination `on`: the last day of the programme (it becomes `ended_on`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from . import policy
from .dates import ONE_DAY, Period, add_years, days_text, fmt, years_later_last_day
from .findings import Check, Finding, error, warning
from .history import (
    Pause,
    ProgrammeHistory,
    decision_period_ends,
    latest_end_date,
    max_programme_days,
    programme_time_used,
)
from .labels import ABSENCE_CAUSE_LABELS, TERMINATION_REASON_LABELS
from .periods import check_decision_period

STATES = ("planned", "active", "interrupted", "ended")


def programme_state(history: ProgrammeHistory, on: date) -> str:
    """The state on `on`: planned before the start, ended after `ended_on`, interrupted on a
    day of a midlertidig avbrudd, otherwise active (approved leave does not change it)."""
    if history.ended_on is not None and on > history.ended_on:
        return "ended"
    if on < history.start:
        return "planned"
    if history.interruption_on(on) is not None:
        return "interrupted"
    return "active"


def interruption_limit_date(history: ProgrammeHistory) -> date | None:
    """A4: the day the ongoing interruption has lasted one year — from then it cannot be
    resumed and the programme shall be ended ("interruption_limit"). None when the programme
    is not interrupted or has ended."""
    if history.ended_on is not None:
        return None
    pause = history.ongoing_interruption()
    if pause is None:
        return None
    return add_years(pause.start, policy.INTERRUPTION_LIMIT_YEARS)


def _ended(history: ProgrammeHistory, action: str, rule: str) -> list[Finding]:
    if history.ended_on is None:
        return []
    return [
        error(
            rule,
            f"Det er vedtatt at programmet avsluttes med siste dag {fmt(history.ended_on)}. "
            f"Programmet kan ikke {action}.",
        )
    ]


def _latest_decision_day(history: ProgrammeHistory) -> date | None:
    """The latest effective date of an interruption or resumption already decided."""
    days = [p.start for p in history.pauses if p.kind == "interruption"]
    days += [p.end + ONE_DAY for p in history.pauses if p.kind == "interruption" and p.end]
    return max(days, default=None)


def check_interruption(history: ProgrammeHistory, on: date) -> Check:
    """A1: only an active programme — started, not ended, not already interrupted, within its
    vedtak period — may be interrupted from `on`. Warns that no stipend is paid (A2) and when
    the one-year interruption limit (A4) will be reached."""
    findings = _ended(history, "avbrytes", "A1")
    if findings:
        return Check.of(findings)
    current = history.interruption_on(on)
    later = _latest_decision_day(history)
    if on < history.start:
        findings.append(
            error(
                "A1",
                f"Programmet starter {fmt(history.start)} og kan ikke avbrytes før det har "
                f"startet.",
            )
        )
    elif current is not None:
        findings.append(
            error("A1", f"Programmet er allerede midlertidig avbrutt fra {fmt(current.start)}.")
        )
    elif later is not None and later > on:
        findings.append(
            error(
                "A1",
                f"Det er allerede fattet vedtak om avbrudd eller gjenopptak fra {fmt(later)}. "
                f"Et nytt avbrudd kan tidligst gjelde fra den datoen.",
            )
        )
    elif on > decision_period_ends(history):
        findings.append(
            error(
                "D3",
                f"Vedtaksperioden gikk ut {fmt(decision_period_ends(history))}. Fatt vedtak "
                f"om forlengelse eller avslutning; et program uten gjeldende vedtaksperiode "
                f"kan ikke avbrytes.",
            )
        )
    if findings:
        return Check.of(findings)
    limit = add_years(on, policy.INTERRUPTION_LIMIT_YEARS)
    return Check.of(
        [
            warning(
                "A2",
                f"Det utbetales ikke kvalifiseringsstønad mens programmet er avbrutt, fra og med "
                f"{fmt(on)}.",
            ),
            warning(
                "A4",
                f"Gjenopptas ikke programmet innen {fmt(limit - ONE_DAY)}, har det vært avbrutt i "
                f"ett år og skal avsluttes.",
            ),
        ]
    )


def check_resumption(history: ProgrammeHistory, on: date, *, a3_assessment_complete: bool) -> Check:
    """A3: an interrupted programme may resume on `on` when the caseworker has assessed that the
    conditions still hold and the goal is reachable in the remaining time. A4: not once the
    interruption has lasted one year — the programme must be ended instead."""
    findings = _ended(history, "gjenopptas", "A3")
    if findings:
        return Check.of(findings)
    pause = history.ongoing_interruption()
    if pause is None:
        return Check.of(
            [error("A3", "Programmet er ikke midlertidig avbrutt, så det er ikke noe å gjenoppta.")]
        )
    limit = add_years(pause.start, policy.INTERRUPTION_LIMIT_YEARS)
    if on <= pause.start:
        return Check.of(
            [
                error(
                    "A3",
                    f"Avbruddet gjelder fra {fmt(pause.start)}. Programmet kan tidligst "
                    f"gjenopptas {fmt(pause.start + ONE_DAY)}.",
                )
            ]
        )
    if on >= limit:
        return Check.of(
            [
                error(
                    "A4",
                    f"Programmet har vært midlertidig avbrutt siden {fmt(pause.start)} og nådde "
                    f"ett år {fmt(limit)}. Det kan ikke gjenopptas, men skal avsluttes "
                    f"(«{TERMINATION_REASON_LABELS['interruption_limit']}»). Deltakeren kan "
                    f"søke om et nytt program.",
                )
            ]
        )
    resumed = _resumed(history, on)
    remaining = max_programme_days(history.start, history.special_extension) - (
        programme_time_used(resumed, on - ONE_DAY)
    )
    latest = latest_end_date(resumed, on)
    if not a3_assessment_complete:
        findings.append(
            error(
                "A3",
                f"Før gjenopptak må du vurdere og skrive ned om vilkårene for programmet "
                f"fortsatt er oppfylt, og om målet kan nås i programtiden som er igjen "
                f"({days_text(remaining)}, senest til og med {fmt(latest)}).",
            )
        )
    period_end = decision_period_ends(history)
    if on > period_end:
        findings.append(
            warning(
                "D3",
                f"Vedtaksperioden gikk ut {fmt(period_end)} mens programmet var avbrutt. Fatt "
                f"vedtak om forlengelse fra {fmt(period_end + ONE_DAY)} sammen med "
                f"gjenopptaket.",
            )
        )
    return Check.of(findings)


def _resumed(history: ProgrammeHistory, on: date) -> ProgrammeHistory:
    """The history as if the ongoing interruption ended the day before `on`."""
    pauses = tuple(
        Pause(p.start, on - ONE_DAY, p.kind) if p.kind == "interruption" and p.ongoing else p
        for p in history.pauses
    )
    return replace(history, pauses=pauses)


def check_termination(
    history: ProgrammeHistory,
    on: date,
    *,
    reason: str,
    absence_cause: str | None = None,
    absence_started: date | None = None,
) -> Check:
    """Whether the programme may end with `on` as its last day.

    A5: a valid reason. A4: once interrupted for a year, the reason must be
    "interruption_limit" (and that reason only then). A6: not because of absence related to
    ordinary work, birth or adoption before one year has passed since the absence began
    (`absence_cause`, `absence_started`)."""
    findings: list[Finding] = []
    if reason not in TERMINATION_REASON_LABELS:
        findings.append(error("A5", "Velg hvorfor programmet avsluttes."))
    if history.ended_on is not None:
        return Check.of(
            findings
            + [
                error(
                    "A5",
                    f"Programmet er allerede vedtatt avsluttet med siste dag "
                    f"{fmt(history.ended_on)}.",
                )
            ]
        )
    if on < history.start:
        findings.append(
            error(
                "A5",
                f"Siste dag i programmet kan ikke være før programmet starter, "
                f"{fmt(history.start)}.",
            )
        )
    later = _latest_decision_day(history)
    if later is not None and on < later:
        findings.append(
            error(
                "A5",
                f"Det er fattet vedtak om avbrudd eller gjenopptak fra {fmt(later)}. Siste dag "
                f"i programmet kan ikke være før det.",
            )
        )
    findings += _interruption_limit_check(history, on, reason)
    findings += _absence_check(on, absence_cause, absence_started)
    period_end = decision_period_ends(history)
    if on > period_end and not findings and history.interruption_on(on) is None:
        findings.append(
            warning(
                "D3",
                f"Vedtaksperioden gikk ut {fmt(period_end)}. Dagene fra "
                f"{fmt(period_end + ONE_DAY)} til og med {fmt(on)} er ikke dekket av et vedtak; "
                f"vanligvis er siste dag i programmet senest {fmt(period_end)}.",
            )
        )
    return Check.of(findings)


def _interruption_limit_check(history: ProgrammeHistory, on: date, reason: str) -> list[Finding]:
    """A4 for termination."""
    limit = interruption_limit_date(history)
    label = TERMINATION_REASON_LABELS["interruption_limit"]
    pause = history.ongoing_interruption()
    if pause is not None and limit is not None and on >= limit and reason != "interruption_limit":
        return [
            error(
                "A4",
                f"Programmet har vært midlertidig avbrutt siden {fmt(pause.start)} og nådde "
                f"ett år {fmt(limit)}. Det skal avsluttes med grunnen «{label}».",
            )
        ]
    if reason == "interruption_limit" and limit is None:
        return [
            error(
                "A4",
                f"Grunnen «{label}» gjelder bare et program som er midlertidig avbrutt, og "
                f"programmet er ikke avbrutt.",
            )
        ]
    if reason == "interruption_limit" and limit is not None and on < limit:
        return [
            error(
                "A4",
                f"Grunnen «{label}» kan først brukes når programmet har vært avbrutt i ett år, "
                f"fra {fmt(limit)}.",
            )
        ]
    return []


def _absence_check(on: date, cause: str | None, started: date | None) -> list[Finding]:
    """A6: no termination because of work-, birth- or adoption-related absence within the first
    year after the absence began."""
    if cause is None:
        return []
    if cause not in ABSENCE_CAUSE_LABELS:
        return [error("A6", "Velg hva fraværet skyldes.")]
    if cause not in policy.A6_PROTECTED_ABSENCE_CAUSES:
        return []
    label = ABSENCE_CAUSE_LABELS[cause].lower()
    if started is None:
        return [
            error(
                "A6",
                f"Oppgi når fraværet knyttet til {label} startet. Programmet kan ikke avsluttes "
                f"på grunn av slikt fravær det første året etter at fraværet startet.",
            )
        ]
    allowed_from = add_years(started, policy.A6_PROTECTION_YEARS)
    if on < allowed_from:
        return [
            error(
                "A6",
                f"Programmet kan ikke avsluttes på grunn av fravær knyttet til {label} det "
                f"første året etter at fraværet startet {fmt(started)}. Siste dag i programmet "
                f"kan tidligst være {fmt(allowed_from)}.",
            )
        ]
    return []


def check_leave(history: ProgrammeHistory, period: Period) -> Check:
    """D2: approved leave (godkjent permisjon) stops the clock. It must start within the
    programme and its current vedtak period; the days are counted once even where leave and
    an interruption overlap."""
    findings = _ended(history, "få permisjon", "D2")
    if findings:
        return Check.of(findings)
    period_end = decision_period_ends(history)
    if period.start < history.start:
        findings.append(
            error(
                "D2",
                f"Permisjonen kan ikke starte før programmet starter, {fmt(history.start)}.",
            )
        )
    elif period.start > period_end:
        findings.append(
            error(
                "D2",
                f"Permisjonen må starte innenfor gjeldende vedtaksperiode, som slutter "
                f"{fmt(period_end)}.",
            )
        )
    for pause in history.pauses:
        if pause.kind == "leave" and pause.end is not None:
            if period.overlaps(Period(pause.start, pause.end)):
                findings.append(
                    error(
                        "D2",
                        f"Perioden overlapper permisjonen {fmt(pause.start)}–{fmt(pause.end)}, "
                        f"som allerede er registrert.",
                    )
                )
    if not findings and any(
        p.kind == "interruption"
        and period.overlaps(Period(p.start, p.end if p.end is not None else period.end))
        for p in history.pauses
    ):
        findings.append(
            warning(
                "D2",
                "Programmet er avbrutt i deler av permisjonen. Dagene forlenger programtiden "
                "bare én gang.",
            )
        )
    return Check.of(findings)


def allowed_actions(history: ProgrammeHistory, on: date) -> frozenset[str]:
    """The decision kinds the rules allow on `on` — exactly what the UI offers.

    Never "grant" (the programme exists). Nothing once a termination is decided. Only
    "termination" once the interruption limit is reached (A4). "extension" while the 2-year
    maximum is not reached; "special_extension" when a full next period would pass 2 years and
    3 years are not reached; "interruption" when active; "resumption" when interrupted."""
    if history.ended_on is not None:
        return frozenset()
    limit = interruption_limit_date(history)
    if limit is not None and on >= limit:
        return frozenset({"termination"})
    actions = {"termination"}
    first_day = decision_period_ends(history) + ONE_DAY
    next_day = Period(first_day, first_day)
    if check_decision_period(
        history, next_day, "extension", birth_date=history.birth_date, on=on
    ).allowed:
        actions.add("extension")
    full_year_end = years_later_last_day(first_day, policy.MAX_DECISION_PERIOD_YEARS)
    if (
        full_year_end > latest_end_date(history, on, special=False)
        and check_decision_period(
            history,
            next_day,
            "special_extension",
            birth_date=history.birth_date,
            special=True,
            d4_assessment_complete=True,
            on=on,
        ).allowed
    ):
        actions.add("special_extension")
    if check_interruption(history, on).allowed:
        actions.add("interruption")
    if check_resumption(history, on, a3_assessment_complete=True).allowed:
        actions.add("resumption")
    return frozenset(actions)
