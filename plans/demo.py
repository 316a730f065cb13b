"""Demo plans: each demo office gets a catalogue of local measures and providers, and each demo
programme a plausible plan — most complete, some with the warnings a caseworker should act on
(P1 hours short, P4 no job seeking at the end, P3 too much work, P5 too few evaluations).
Called by the demo_data command through PlansConfig.seed_demo; idempotent."""

from __future__ import annotations

import datetime
from decimal import Decimal

from stdnum.no import orgnr

from caseworker.models import Office
from decisions.models import Programme
from decisions.rules import add_months
from decisions.selectors import programme_history, programmes_with_decisions
from plans import rules
from plans.models import Evaluation, Measure, PlanActivity, Provider

PROVIDERS = [
    ("Fretex Jobb og Oppfølging", "91234567", "Kontakt: Mona Eide, 22 00 00 01"),
    ("Kompetansesenteret for voksenopplæring", "91234568", "Kontakt: Ali Hassan, 22 00 00 02"),
    ("Aktiv Helse og Mestring", "91234569", "Kontakt: Trine Lund, 22 00 00 03"),
]
MEASURES = [
    ("Arbeidspraksis i butikk", "arbeidspraksis", 0, "Praksis i butikk med fast veileder."),
    ("Jobbklubb", "arbeidssoking", 0, "Jobbsøking i gruppe: CV, søknader og intervjutrening."),
    ("Norskopplæring nivå B1", "norskopplaering", 1, "Norsk med arbeidslivsfokus."),
    ("Mestringskurs", "mestringstrening", 2, "Kurs i å mestre hverdag og helse."),
    ("Treningsgruppe", "helserelatert", 2, "Fysisk aktivitet to ganger i uka."),
    ("Arbeidsrettet kartlegging", "arbeidsrettet_tiltak", 0, "Avklaring av arbeidsevne."),
]
MON_FRI, MON_THU, FRI = [0, 1, 2, 3, 4], [0, 1, 2, 3], [4]


def _org_number(start: int) -> str:
    """The first valid organisasjonsnummer from `start` (some 8-digit stems have none)."""
    for stem in range(start, start + 100):
        for digit in range(10):
            if orgnr.is_valid(f"{stem}{digit}"):
                return f"{stem}{digit}"
    raise ValueError(start)


def _catalogue(office: Office) -> dict[str, Measure]:
    providers = []
    for name, number, contact in PROVIDERS:
        provider, _ = Provider.objects.get_or_create(
            office=office,
            name=name,
            defaults={
                "org_number": _org_number(int(number) + office.pk * 10),
                "contact": contact,
            },
        )
        providers.append(provider)
    measures = {}
    for name, kind, provider_index, description in MEASURES:
        measure, _ = Measure.objects.get_or_create(
            office=office,
            name=name,
            defaults={
                "activity_type": kind,
                "provider": providers[provider_index],
                "description": description,
            },
        )
        measures[kind] = measure
    return measures


def _plan(programme: Programme, measures: dict[str, Measure], pattern: int) -> None:
    history = programme_history(programme)
    span = rules.programme_span(history)
    stage = rules.final_stage(history)
    before_stage = max(span.start, stage.start - datetime.timedelta(days=1))
    drafter = programme.participant.caseworker or programme.decisions.all()[0].drafted_by

    def activity(kind, start, end, weekdays, hours, *, name=""):
        measure = measures.get(kind) if not name else None
        return PlanActivity(
            programme=programme,
            participant_id=programme.participant_id,
            activity_type=kind,
            measure=measure,
            provider=measure.provider if measure else None,
            name=name,
            start=start,
            end=end,
            weekdays=weekdays,
            hours_per_week=Decimal(hours),
            created_by=drafter,
            updated_by=drafter,
        )

    if pattern == 0:  # complete: praksis, then job seeking in the final stage, norsk on Fridays
        plan = [
            activity("arbeidspraksis", span.start, before_stage, MON_THU, "30"),
            activity("arbeidssoking", stage.start, span.end, MON_THU, "30"),
            activity("norskopplaering", span.start, span.end, FRI, "7.5"),
        ]
    elif pattern == 1:  # P1: nothing planned on Fridays
        plan = [
            activity("arbeidspraksis", span.start, before_stage, MON_THU, "30"),
            activity("arbeidssoking", stage.start, span.end, MON_THU, "30"),
        ]
    elif pattern == 2:  # P4: full time, but no job seeking at the end
        plan = [
            activity("arbeidsrettet_tiltak", span.start, span.end, MON_THU, "30"),
            activity("mestringstrening", span.start, span.end, FRI, "7.5"),
        ]
    else:  # P3: a part-time job of 20 hours, more than half of full time
        plan = [
            activity("arbeid", span.start, before_stage, [0, 1, 2], "20", name="Deltidsjobb lager"),
            activity("helserelatert", span.start, before_stage, [3, 4], "17.5"),
            activity("arbeidssoking", stage.start, span.end, MON_FRI, "37.5"),
        ]
    PlanActivity.objects.bulk_create(plan)
    # P5: an evaluation every third month; pattern 3 only at the start (P5 warning).
    evaluations, day = [], add_months(span.start, 1)
    while day <= span.end:
        evaluations.append(
            Evaluation(
                programme=programme,
                participant_id=programme.participant_id,
                date=day,
                note="Evaluering av progresjon og innhold med deltakeren.",
                created_by=drafter,
            )
        )
        if pattern == 3:
            break
        day = add_months(day, 3)
    Evaluation.objects.bulk_create(evaluations)


def seed_plans() -> int:
    """Give every programme without a plan one. Returns how many plans were made."""
    catalogues: dict[int, dict[str, Measure]] = {}
    programmes = (
        programmes_with_decisions(Programme.objects.filter(activities__isnull=True))
        .select_related("participant__caseworker")
        .order_by("pk")
    )
    made = 0
    for index, programme in enumerate(programmes):
        if programme.office_id not in catalogues:
            catalogues[programme.office_id] = _catalogue(programme.office)
        _plan(programme, catalogues[programme.office_id], index % 4)
        made += 1
    return made
