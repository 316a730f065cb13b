"""KOSTRA 11CF from the case (RULES.md K1): one KostraCase per participant who was in a
programme during the year, in a fixed number of queries whatever the office's size."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from caseworker.models import Office, User
from decisions.models import ApprovedLeave, Decision, DecisionKind, DecisionStatus, Programme
from participants.models import Child, Participant
from reporting import stipend_figures
from reporting.rules import kostra as rules


def _in_year(year: int) -> Q:
    return Q(start_date__lte=datetime.date(year, 12, 31)) & (
        Q(ended_on__isnull=True) | Q(ended_on__gte=datetime.date(year, 1, 1))
    )


@dataclass
class Report:
    year: int
    cases: list[rules.KostraCase]
    checks: rules.CheckResult
    hidden: int  # participants in scope the user may not see (protected): not in the file

    @property
    def blocked(self) -> bool:
        return bool(self.checks.errors) or bool(self.hidden)

    def lines(self) -> list[str]:
        return [rules.format_record(case, self.year) for case in self.cases]

    def by_participant(self) -> list[tuple[rules.KostraCase, list[rules.Finding]]]:
        found: dict[int, list[rules.Finding]] = defaultdict(list)
        for finding in self.checks.findings:
            found[finding.participant_id].append(finding)
        return [
            (case, found[case.participant_id]) for case in self.cases if found[case.participant_id]
        ]


def fix_url(case: rules.KostraCase, finding: rules.Finding) -> str:
    """The page where a finding is fixed."""
    if finding.fix == "participant" or case.programme_id is None:
        return reverse("participants:edit", args=[case.participant_id])
    if finding.fix == "application" and case.application_id:
        return reverse("decisions:application_detail", args=[case.application_id])
    if finding.fix == "statistics":
        return reverse("decisions:programme_statistics", args=[case.programme_id])
    return reverse("decisions:programme_detail", args=[case.programme_id])


def _paused_on(
    programme_id: int, day: datetime.date, decisions: list[Decision], leave_ids: set[int]
) -> bool:
    if programme_id in leave_ids:
        return True
    interrupted = False
    for d in sorted(decisions, key=lambda d: d.effective_date or datetime.date.min):
        if d.effective_date is None or d.effective_date > day:
            continue
        if d.kind == DecisionKind.INTERRUPTION:
            interrupted = True
        elif d.kind == DecisionKind.RESUMPTION:
            interrupted = False
    return interrupted


def kostra_report(*, user: User, offices: list[Office], year: int) -> Report:
    """K1: the year's cases and SSB's checks for the user's visible participants of
    `offices`; `hidden` counts those the user may not see, whose records would be missing."""
    year_end = datetime.date(year, 12, 31)
    visible = Participant.objects.visible_to(user).filter(office__in=offices)
    programmes = list(
        Programme.objects.filter(_in_year(year), participant__in=visible)
        .select_related(
            "participant", "participant__caseworker", "participant__office", "application"
        )
        .order_by("participant_id", "-start_date")
        .distinct("participant_id")
    )
    hidden = (
        Programme.objects.filter(_in_year(year), participant__office__in=offices)
        .exclude(participant__in=visible)
        .values("participant_id")
        .distinct()
        .count()
    )
    programme_ids = [p.pk for p in programmes]
    participant_ids = [p.participant_id for p in programmes]
    decisions: dict[int, list[Decision]] = defaultdict(list)
    for d in Decision.objects.filter(
        programme_id__in=programme_ids,
        status=DecisionStatus.APPROVED,
        kind__in=[
            DecisionKind.GRANT,
            DecisionKind.TERMINATION,
            DecisionKind.INTERRUPTION,
            DecisionKind.RESUMPTION,
        ],
    ).only("programme_id", "kind", "effective_date", "approved_at", "details"):
        decisions[d.programme_id].append(d)
    on_leave = set(
        ApprovedLeave.objects.filter(
            programme_id__in=programme_ids, start__lte=year_end, end__gte=year_end
        ).values_list("programme_id", flat=True)
    )
    children: dict[int, list[datetime.date]] = defaultdict(list)
    for pid, born in Child.objects.filter(
        participant_id__in=participant_ids, supported=True
    ).values_list("participant_id", "birth_date"):
        children[pid].append(born)
    months = stipend_figures.months_with_stipend(participant_ids, year)
    paid = stipend_figures.stipend_paid(participant_ids, year)

    cases = []
    for programme in programmes:
        participant = programme.participant
        own = decisions[programme.pk]
        grant = next((d for d in own if d.kind == DecisionKind.GRANT), None)
        termination = next((d for d in own if d.kind == DecisionKind.TERMINATION), None)
        details = termination.details if termination else {}
        ended_on = programme.ended_on or (termination.effective_date if termination else None)
        ref = min(year_end, ended_on) if ended_on else year_end
        status = rules.status_on_31_12(
            year=year,
            ended_on=ended_on,
            termination_reason=details.get("termination_reason", ""),
            paused_on_31_12=_paused_on(programme.pk, year_end, own, on_leave),
        )
        under_18 = sum(1 for born in children[participant.pk] if born <= ref < _add_years(born, 18))
        application = programme.application
        cases.append(
            rules.KostraCase(
                participant_id=participant.pk,
                name=participant.full_name,
                municipality_number=participant.office.municipality_number,
                district_number=participant.office.district_number,
                birth_date=participant.birth_date,
                journal_number=participant.journal_number or f"{participant.pk:08d}"[-8:],
                national_id=participant.national_id,
                sex=participant.sex,
                civil_status=participant.civil_status,
                children_under_18=under_18,
                received_on=application.received_on if application else None,
                granted_on=timezone.localtime(grant.approved_at).date() if grant else None,
                started_on=programme.start_date,
                previous_kvp_municipality=application.previous_kvp_municipality
                if application
                else "",
                benefits_before=list(application.benefits_before) if application else [],
                received_assistance=programme.received_assistance,
                assistance_during=list(programme.assistance_during),
                months_with_stipend=months.get(participant.pk, set()),
                stipend_paid=paid.get(participant.pk, 0),
                status=status,
                ended_on=ended_on,
                situation_after=details.get("situation_after", ""),
                main_income_after=details.get("main_income_after", ""),
                caseworker_number=participant.caseworker.username[:10]
                if participant.caseworker
                else "",
                programme_id=programme.pk,
                application_id=application.pk if application else None,
            )
        )
    cases.sort(key=lambda c: (c.name, c.participant_id))
    return Report(year=year, cases=cases, checks=rules.check_cases(cases, year), hidden=hidden)


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February: 28 February, as decisions/rules/policy.py says
        return datetime.date(day.year + years, 2, 28)
