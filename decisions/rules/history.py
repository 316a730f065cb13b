"""A programme's approved decisions as plain data, and the time rules over it (D1, D2, D5).

Counting convention: every date range is inclusive of both ends. Programme time is the days
covered by vedtak periods, from the start up to `on` (and at most to `ended_on`, the last day of
the programme), that are not paused (D2)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from . import policy
from .dates import ONE_DAY, Period, fmt, years_later_last_day


@dataclass(frozen=True)
class Pause:
    """Days that do not count as programme time (D2): a midlertidig avbrudd ("interruption")
    or godkjent permisjon ("leave"). `end` is the last paused day — the programme resumes the
    day after — or None while the pause is ongoing."""

    start: date
    end: date | None
    kind: str

    def __post_init__(self) -> None:
        if self.kind not in policy.PAUSE_KINDS:
            raise ValueError(f"Ukjent type pause: {self.kind!r}.")
        if self.end is not None and self.end < self.start:
            raise ValueError(
                f"En pause kan ikke slutte ({fmt(self.end)}) før den starter ({fmt(self.start)})."
            )

    @property
    def ongoing(self) -> bool:
        return self.end is None

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class ProgrammeHistory:
    """The approved decisions of one programme.

    `decision_periods` are the grant's and each extension's vedtak periods, in order;
    `ended_on` is the last day of the programme when a termination has been decided."""

    start: date
    decision_periods: tuple[Period, ...]
    pauses: tuple[Pause, ...]
    special_extension: bool
    ended_on: date | None
    birth_date: date

    def __post_init__(self) -> None:
        # Lists are accepted for convenience; stored as tuples so a history stays immutable.
        object.__setattr__(self, "decision_periods", tuple(self.decision_periods))
        object.__setattr__(self, "pauses", tuple(self.pauses))
        if not self.decision_periods:
            raise ValueError("Et program har minst én vedtaksperiode (innvilgelsen).")
        for earlier, later in zip(self.decision_periods, self.decision_periods[1:], strict=False):
            if later.start <= earlier.end:
                raise ValueError(
                    f"Vedtaksperiodene {earlier} og {later} overlapper eller står i feil rekkefølge."
                )

    @property
    def current_period(self) -> Period:
        return self.decision_periods[-1]

    def ongoing_interruption(self) -> Pause | None:
        """The interruption that has not been resumed, if any."""
        return next(
            (p for p in reversed(self.pauses) if p.kind == "interruption" and p.ongoing), None
        )

    def interruption_on(self, day: date) -> Pause | None:
        return next((p for p in self.pauses if p.kind == "interruption" and p.covers(day)), None)


def decision_period_ends(history: ProgrammeHistory) -> date:
    """D3: the last day of the current vedtak period; by then a decision to extend or to end the
    programme is needed (unless the maximum duration is reached)."""
    return history.current_period.end


def _pause_spans(history: ProgrammeHistory, on: date | None) -> list[tuple[date, date]]:
    """Paused days as merged, sorted, inclusive spans: only days from the start and up to
    `ended_on`; closed pauses in full, ongoing ones up to `on` (not at all when `on` is None)."""
    spans: list[tuple[date, date]] = []
    for pause in history.pauses:
        first = max(pause.start, history.start)
        if pause.end is not None:
            last = pause.end
        elif on is not None:
            last = on
        else:
            continue
        if history.ended_on is not None:
            last = min(last, history.ended_on)
        if first <= last:
            spans.append((first, last))
    spans.sort()
    merged: list[tuple[date, date]] = []
    for first, last in spans:
        if merged and first <= merged[-1][1] + ONE_DAY:
            if last > merged[-1][1]:
                merged[-1] = (merged[-1][0], last)
        else:
            merged.append((first, last))
    return merged


def _days_in(spans: list[tuple[date, date]], first: date, last: date) -> int:
    return sum(
        (min(b, last) - max(a, first)).days + 1 for a, b in spans if a <= last and b >= first
    )


def _total(spans: list[tuple[date, date]]) -> int:
    return sum((b - a).days + 1 for a, b in spans)


def paused_days(history: ProgrammeHistory, on: date | None) -> int:
    """D2: days on approved leave or in an interruption, each counted once: closed pauses in
    full, an ongoing one up to and including `on` (not at all when `on` is None); only days
    from the start of the programme and not after `ended_on`."""
    return _total(_pause_spans(history, on))


def pause_spans(history: ProgrammeHistory, on: date) -> Iterator[Period]:
    """The paused days as merged periods, for a timeline."""
    return (Period(a, b) for a, b in _pause_spans(history, on))


def max_programme_days(start: date, special: bool) -> int:
    """D1/D5: the most programme time, in days, for a programme starting on `start`."""
    return (latest_end_without_pauses(start, special) - start).days + 1


def latest_end_without_pauses(start: date, special: bool) -> date:
    """D5: start + 2 years − 1 day (+ 1 year with særlige grunner)."""
    years = policy.MAX_YEARS + (policy.SPECIAL_EXTENSION_YEARS if special else 0)
    return years_later_last_day(start, years)


def latest_end_date(
    history: ProgrammeHistory, on: date | None, special: bool | None = None
) -> date:
    """D1/D2/D5: the last possible day of the programme — start + 2 years − 1 day (3 years with
    a special extension), moved forward by every paused day known on `on` (see `paused_days`).
    `special` defaults to whether the programme has a special extension."""
    if special is None:
        special = history.special_extension
    return latest_end_without_pauses(history.start, special) + paused_days(history, on) * ONE_DAY


def decision_due(history: ProgrammeHistory, on: date) -> date | None:
    """D3: the day by which a decision to extend or to end is needed — the end of the current
    vedtak period — or None when no decision is needed: a termination is decided, or the period
    ends at the maximum duration (2 years, or 3 with a special extension), which ends the
    programme by itself."""
    if history.ended_on is not None:
        return None
    end = decision_period_ends(history)
    if end >= latest_end_date(history, on):
        return None
    return end


def programme_time_used(history: ProgrammeHistory, on: date) -> int:
    """D1/D2: days of programme time used up to and including `on`: days from the start to
    `on`, no further than `ended_on` or the end of the current vedtak period, minus paused
    days. 0 before the start."""
    last = min(on, history.current_period.end)
    if history.ended_on is not None:
        last = min(last, history.ended_on)
    if last < history.start:
        return 0
    spans = _pause_spans(history, on)
    return (last - history.start).days + 1 - _days_in(spans, history.start, last)


def programme_time_remaining(
    history: ProgrammeHistory, on: date, special: bool | None = None
) -> int:
    """D1: days of programme time left on `on` against the maximum (3 years when `special`,
    which defaults to whether the programme has a special extension)."""
    if special is None:
        special = history.special_extension
    return max(0, max_programme_days(history.start, special) - programme_time_used(history, on))
