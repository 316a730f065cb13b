"""A programme as the pages show it: the rules core's answers (state, programme time, latest
end dates, allowed actions) and a timeline of vedtak periods, interruptions and leave, placed
in percent of the timeline's width so the template can draw it as inline SVG without styles."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch

from decisions import rules, selectors
from decisions.models import PERIOD_KINDS, Decision, DecisionKind, DecisionStatus, Programme

# Norwegian URL slugs for the decision kinds a caseworker drafts.
KIND_SLUGS: dict[str, str] = {
    "innvilgelse": DecisionKind.GRANT,
    "avslag": DecisionKind.REJECTION,
    "forlengelse": DecisionKind.EXTENSION,
    "forlengelse-saerlige-grunner": DecisionKind.SPECIAL_EXTENSION,
    "avbrudd": DecisionKind.INTERRUPTION,
    "gjenopptak": DecisionKind.RESUMPTION,
    "avslutning": DecisionKind.TERMINATION,
}
SLUG_OF_KIND = {kind: slug for slug, kind in KIND_SLUGS.items()}


def decisions_prefetch() -> Prefetch:
    return Prefetch(
        "decisions",
        queryset=Decision.objects.select_related("drafted_by", "approved_by").order_by(
            "created_at", "pk"
        ),
    )


@dataclass(frozen=True)
class Bar:
    """One bar of the timeline, placed in percent of the timeline's width."""

    label: str
    start: datetime.date
    end: datetime.date | None
    css: str
    x: float
    width: float
    ongoing: bool = False

    @property
    def x_text(self) -> str:
        return f"{self.x:.3f}%"

    @property
    def width_text(self) -> str:
        return f"{max(self.width, 0.4):.3f}%"

    @property
    def label_x_text(self) -> str:
        return f"{self.x + 0.5:.3f}%"

    @property
    def show_label(self) -> bool:
        return self.width >= 12


@dataclass(frozen=True)
class Marker:
    label: str
    day: datetime.date
    css: str
    x: float
    row: int

    @property
    def x_text(self) -> str:
        return f"{self.x:.3f}%"

    @property
    def anchor(self) -> str:
        return "end" if self.x > 80 else ("start" if self.x < 20 else "middle")


@dataclass(frozen=True)
class Overview:
    """What the programme page and the participant page show about one programme."""

    programme: Programme
    history: rules.ProgrammeHistory
    state: str
    state_label: str
    used_days: int
    remaining_days: int
    latest_end: datetime.date
    latest_end_special: datetime.date
    current_period: rules.Period
    period_ends: datetime.date
    paused_days: int
    allowed: frozenset[str]
    decisions: list[Decision]
    in_progress: Decision | None
    bars: list[Bar]
    pauses: list[Bar]
    markers: list[Marker]
    ticks: list[Marker]

    @property
    def allowed_kinds(self) -> list[tuple[str, str, str]]:
        """(kind, label, url slug) in the order the kinds are listed in DecisionKind."""
        return [
            (kind.value, kind.label, SLUG_OF_KIND[kind])
            for kind in DecisionKind
            if kind.value in self.allowed
        ]


def _percent(day: datetime.date, first: datetime.date, total_days: int) -> float:
    return max(0.0, min(100.0, (day - first).days / total_days * 100))


def programme_overview(programme: Programme, *, today: datetime.date) -> Overview:
    """The rules core's answers about a programme, shaped for a page. Uses the prefetched
    decisions, so it adds no queries."""
    history = selectors.programme_history(programme)
    decisions = list(programme.decisions.all())
    approved = selectors.approved_decisions(programme)
    latest_end = rules.latest_end_date(history, today, special=False)
    latest_end_special = rules.latest_end_date(history, today, special=True)

    # The timeline runs from the start to the latest possible end (3 years), or to today when
    # that is later. An ended programme runs to its last day.
    first = history.start
    ends = [history.current_period.end] + [p.end for p in history.pauses if p.end is not None]
    if history.ended_on is not None:
        last = max([history.ended_on, *ends])
    else:
        last = max([latest_end_special, today, *ends])
    total = (last - first).days + 1
    one_day = datetime.timedelta(days=1)

    def bar(label, start, end, css, *, ongoing=False) -> Bar:
        x = _percent(start, first, total)
        shown_end = end if end is not None else max(today, start)
        return Bar(
            label=label,
            start=start,
            end=end,
            css=css,
            x=x,
            width=_percent(shown_end + one_day, first, total) - x,
            ongoing=ongoing,
        )

    bars = [
        bar(d.get_kind_display(), d.period_start, d.period_end, f"kvp-tl__bar--{d.kind}")
        for d in approved
        if d.kind in PERIOD_KINDS
    ]
    pauses = [
        bar(
            rules.PAUSE_KIND_LABELS.get(p.kind, p.kind),
            p.start,
            p.end,
            f"kvp-tl__pause--{p.kind}",
            ongoing=p.end is None,
        )
        for p in history.pauses
    ]
    # Markers at the start of a day (today) or just after a last day (the end dates); only
    # those that fall on the timeline.
    candidates = [("I dag", today, "kvp-tl__marker--today", today, 0)]
    if history.ended_on is None:
        candidates.append(
            (
                "Seneste sluttdato (2 år)",
                latest_end,
                "kvp-tl__marker--limit",
                latest_end + one_day,
                1,
            )
        )
        if latest_end_special != latest_end:
            candidates.append(
                (
                    "Seneste sluttdato ved særlige grunner",
                    latest_end_special,
                    "kvp-tl__marker--special",
                    latest_end_special + one_day,
                    2,
                )
            )
    else:
        candidates.append(
            ("Siste dag", history.ended_on, "kvp-tl__marker--ended", history.ended_on + one_day, 1)
        )
    markers = [
        Marker(label, day, css, _percent(at, first, total), row)
        for label, day, css, at, row in candidates
        if first <= day <= last
    ]
    ticks = [
        Marker(
            str(year),
            datetime.date(year, 1, 1),
            "",
            _percent(datetime.date(year, 1, 1), first, total),
            0,
        )
        for year in range(first.year + 1, last.year + 1)
    ]
    state = rules.programme_state(history, today)
    in_progress = next((d for d in decisions if d.status != DecisionStatus.APPROVED), None)
    return Overview(
        programme=programme,
        history=history,
        state=state,
        state_label=rules.STATE_LABELS[state],
        used_days=rules.programme_time_used(history, today),
        remaining_days=rules.programme_time_remaining(history, today),
        latest_end=latest_end,
        latest_end_special=latest_end_special,
        current_period=history.current_period,
        period_ends=rules.decision_period_ends(history),
        paused_days=rules.paused_days(history, today),
        allowed=frozenset(rules.allowed_actions(history, today)),
        decisions=decisions,
        in_progress=in_progress,
        bars=bars,
        pauses=pauses,
        markers=markers,
        ticks=ticks,
    )
