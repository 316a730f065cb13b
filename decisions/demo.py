"""Demo cases: applications and programmes in every state, relative to today, so the demo
shows a living caseload (work to assess, decisions to approve, periods ending soon,
interrupted and ended programmes). Used by the demo_data command; idempotent."""

from __future__ import annotations

import datetime

from caseworker.models import Role, User
from decisions import rules
from decisions.models import (
    Application,
    ApplicationStatus,
    Condition,
    Decision,
    DecisionKind,
    DecisionStatus,
    EligibilityAssessment,
    Programme,
)
from decisions.services import LEGAL_BASIS
from kvp import clock
from participants.models import Participant

REASONING = {
    DecisionKind.GRANT: (
        "Du fyller vilkårene i sosialtjenesteloven § 29: arbeids- og inntektsevnen din er "
        "vesentlig nedsatt, du har ikke rett til andre ytelser til livsopphold, "
        "arbeidsevnevurdering er gjennomført, og tett og koordinert oppfølging er nødvendig "
        "for at du skal komme i arbeid."
    ),
    DecisionKind.EXTENSION: (
        "Du har hatt god progresjon i programmet, og arbeidspraksis og jobbsøking de neste "
        "månedene vil styrke mulighetene dine for arbeid."
    ),
    DecisionKind.INTERRUPTION: (
        "Programmet avbrytes midlertidig fordi du skal prøve ut arbeid hos en arbeidsgiver."
    ),
    DecisionKind.TERMINATION: "Du har fått fast arbeid, og programmet avsluttes.",
}
ASSESSMENT_TEXT = {
    Condition.REDUCED_CAPACITY: "Lang tid utenfor arbeidslivet og helseplager, se AEV.",
    Condition.NO_OR_LIMITED_BENEFITS: "Har ikke rett til AAP, uføretrygd eller dagpenger.",
    Condition.WORK_CAPACITY_ASSESSED: "Arbeidsevnevurdering gjennomført i Arena.",
    Condition.CLOSE_FOLLOW_UP_NEEDED: "Trenger tett oppfølging for å nå målet om arbeid.",
}


def _application(participant, received, drafter, status) -> Application:
    return Application.objects.create(
        participant=participant,
        office=participant.office,
        received_on=received,
        received_via="digital",
        status=status,
        benefits_checked=["aap", "uforetrygd", "overgangsstonad", "dagpenger"],
        work_capacity_assessed_on=received - datetime.timedelta(days=14),
        work_capacity_reference=f"AEV-{received:%Y}-{participant.pk:04d}",
        created_by=drafter,
    )


def _assess(application, drafter) -> None:
    EligibilityAssessment.objects.bulk_create(
        EligibilityAssessment(
            application=application,
            condition=condition,
            fulfilled=True,
            reasoning=ASSESSMENT_TEXT[condition],
            assessed_by=drafter,
        )
        for condition in Condition.values
    )


def _decide(*, kind, participant, drafter, approver, approve=True, **values) -> Decision:
    """Create a decision and, like an approver would, approve it (the database's trigger
    refuses an insert as approved)."""
    now = clock.now()
    decision = Decision.objects.create(
        participant=participant,
        office=participant.office,
        kind=kind,
        status=DecisionStatus.AWAITING_APPROVAL,
        drafted_by=drafter,
        sent_for_approval_at=now,
        reasoning=REASONING.get(kind, ""),
        legal_basis=LEGAL_BASIS[kind],
        **values,
    )
    if approve:
        Decision.objects.filter(pk=decision.pk).update(
            status=DecisionStatus.APPROVED, approved_by=approver, approved_at=now
        )
    return decision


def seed_cases() -> int:
    """Give each demo participant without a case one, by a fixed pattern. Returns how many."""
    today = clock.today()
    days = datetime.timedelta
    created = 0
    participants = (
        Participant.objects.filter(applications__isnull=True)
        .select_related("office", "caseworker")
        .order_by("office_id", "national_id")
    )
    approvers = {
        u.office_id: u for u in User.objects.filter(roles__contains=[Role.APPROVER], is_active=True)
    }
    for index, participant in enumerate(participants):
        drafter = (
            participant.caseworker
            or User.objects.in_office(participant.office).caseworkers().first()
        )
        approver = approvers.get(participant.office_id)
        if drafter is None or approver is None:
            continue
        scenario = index % 6
        start = {2: 300, 3: 420, 4: 200, 5: 500}.get(scenario)
        if start is not None and participant.age_on(today - days(start)) < 19:
            scenario = 0  # too young for a programme that started long ago
        created += 1
        if scenario == 0:  # new application, not yet assessed
            _application(
                participant, today - days(8 + index % 10), drafter, ApplicationStatus.RECEIVED
            )
            continue
        if scenario == 1:  # assessed, grant waiting for the approver; over a month old (F3)
            application = _application(
                participant, today - days(40), drafter, ApplicationStatus.IN_PROGRESS
            )
            _assess(application, drafter)
            _decide(
                kind=DecisionKind.GRANT,
                participant=participant,
                drafter=drafter,
                approver=approver,
                approve=False,
                application=application,
                period_start=today + days(7),
                period_end=rules.years_later_last_day(today + days(7), 1),
            )
            continue
        application = _application(
            participant, today - days(start + 30), drafter, ApplicationStatus.DECIDED
        )
        _assess(application, drafter)
        programme_start = today - days(start)
        programme = Programme.objects.create(
            participant=participant,
            office=participant.office,
            application=application,
            start_date=programme_start,
        )
        first_end = rules.years_later_last_day(programme_start, 1)
        _decide(
            kind=DecisionKind.GRANT,
            participant=participant,
            drafter=drafter,
            approver=approver,
            application=application,
            programme=programme,
            period_start=programme_start,
            period_end=first_end,
            notice_date=programme_start - days(10),
        )
        if scenario == 3:  # extended into the second year
            _decide(
                kind=DecisionKind.EXTENSION,
                participant=participant,
                drafter=drafter,
                approver=approver,
                programme=programme,
                period_start=first_end + days(1),
                period_end=rules.years_later_last_day(first_end + days(1), 1),
            )
        elif scenario == 4:  # interrupted two months ago
            _decide(
                kind=DecisionKind.INTERRUPTION,
                participant=participant,
                drafter=drafter,
                approver=approver,
                programme=programme,
                effective_date=today - days(60),
                details={"interruption_reason": "Arbeidsutprøving hos arbeidsgiver"},
            )
        elif scenario == 5:  # ended with work
            last_day = today - days(30)
            _decide(
                kind=DecisionKind.TERMINATION,
                participant=participant,
                drafter=drafter,
                approver=approver,
                programme=programme,
                effective_date=last_day,
                details={"termination_reason": "work", "situation_after": "01"},
            )
            Programme.objects.filter(pk=programme.pk).update(ended_on=last_day)
    return created


DEMO_ACTIVITIES = [
    ("Arbeidspraksis på lager", 0, 150, "30"),
    ("Norskopplæring", 20, 200, "7.5"),
    ("Jobbsøkingskurs", 200, None, "15"),
]


def seed_documents() -> tuple[int, int]:
    """Letters for every approved demo decision (made as the Celery task would), and a
    deltakerbevis for each ended programme: every other one reviewed and waiting for the
    leader's batch, the rest still drafts. Idempotent. Returns (letters, certificates) made."""
    from caseworker.audit import AuditContext
    from decisions import documents
    from decisions.models import CertificateStatus, ParticipationCertificate

    letters = 0
    for decision_id in documents.letters_missing():
        documents.letter_issue(decision_id=decision_id)
        letters += 1
    certificates = 0
    ended = (
        Programme.objects.filter(ended_on__isnull=False, certificate__isnull=True)
        .select_related("participant__caseworker", "office")
        .order_by("pk")
    )
    approvers = {
        u.office_id: u for u in User.objects.filter(roles__contains=[Role.APPROVER], is_active=True)
    }
    for index, programme in enumerate(ended):
        drafter = (
            programme.participant.caseworker
            or User.objects.in_office(programme.office).caseworkers().first()
        )
        approver = approvers.get(programme.office_id)
        if drafter is None or approver is None:
            continue
        certificate = documents.certificate_draft(
            ctx=AuditContext(actor=drafter, path="demo_data"),
            programme=programme,
            drafted_by=drafter,
        )
        last = programme.ended_on
        rows = [
            {
                "description": text,
                "start": (programme.start_date + datetime.timedelta(days=first)).isoformat(),
                "end": (
                    min(last, programme.start_date + datetime.timedelta(days=end)) if end else last
                ).isoformat(),
                "hours_per_week": hours,
            }
            for text, first, end, hours in DEMO_ACTIVITIES
        ]
        fields = {
            "activities": rows,
            "attendance": "Stabilt oppmøte, om lag 95 % av avtalte timer.",
            "competence": "Erfaring med varemottak, truck og lagerstyring.",
            "resources": "Punktlig, løsningsorientert og god til å samarbeide.",
            "progression": "Gikk fra halv dag til full arbeidsdag i løpet av praksisen.",
        }
        if index % 2 == 0:
            fields |= {
                "status": CertificateStatus.REVIEWED,
                "reviewed_by": approver,
                "reviewed_at": clock.now(),
                "sent_for_review_at": clock.now(),
            }
        ParticipationCertificate.objects.filter(pk=certificate.pk).update(**fields)
        certificates += 1
    return letters, certificates
