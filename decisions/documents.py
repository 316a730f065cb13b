"""Documents: the vedtaksbrev for every decision (F1, F2, S11) and the deltakerbevis (P6).

Each document is made in two steps: gather the data (a plain, JSON-ready dict), then fill the
template in templates/pdf/ with it and turn it into PDF/A with kvp.pdf.html_to_pdf. The PDF,
its checksum and the data are stored together (Document) and never made again: a download
serves the stored bytes. The HTML preview before approval uses the same template body."""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from caseworker.audit import AuditAction, AuditContext, audit_record
from caseworker.models import Role, User
from decisions import rules
from decisions.forms import D4_LABELS, SITUATION_AFTER_LABELS
from decisions.models import (
    CertificateBatch,
    CertificateStatus,
    Condition,
    Decision,
    DecisionKind,
    DecisionStatus,
    Document,
    DocumentKind,
    ParticipationCertificate,
    Programme,
    TerminationReason,
)
from decisions.selectors import programme_history, programmes_with_decisions
from kvp import clock
from kvp.pdf import html_to_pdf
from kvp.versioning import versioned_update
from participants.models import AddressProtection, Participant

logger = logging.getLogger(__name__)

# Bump when a template's wording changes: stored documents record the version they were made
# with, so an archivist can tell which text a participant got.
# 2: the paragraph on a new assessment after an appeal (`reconsidered`).
LETTER_TEMPLATE_VERSION = "vedtaksbrev-2"
CERTIFICATE_TEMPLATE_VERSION = "deltakerbevis-1"


def _d(day: datetime.date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else ""


# --- Facts of a decision (also the decision page's rows) ---------------------------------------


def decision_detail_rows(decision: Decision) -> list[tuple[str, str]]:
    """The kind-specific content of a decision as (label, text) rows."""
    details = decision.details or {}
    rows: list[tuple[str, str]] = []
    kind = decision.kind
    if kind == DecisionKind.REJECTION:
        unmet = details.get("unmet_conditions") or []
        rows.append(
            (
                "Vilkår som ikke er oppfylt",
                "; ".join(rules.CONDITION_LABELS.get(c, c) for c in unmet) or "Ingen valgt",
            )
        )
        if details.get("v4_exception"):
            rows.append(("Unntak etter § 29 tredje ledd (V4)", "Ja"))
            rows.append(("Begrunnelse for unntaket", details.get("v4_reason", "")))
    elif kind == DecisionKind.SPECIAL_EXTENSION:
        d4 = details.get("d4_assessment") or {}
        rows += [(label, d4.get(key, "")) for key, label in D4_LABELS.items()]
    elif kind == DecisionKind.INTERRUPTION:
        rows.append(("Årsak til avbruddet", details.get("interruption_reason", "")))
    elif kind == DecisionKind.RESUMPTION:
        rows.append(("Vurdering (A3)", details.get("a3_assessment", "")))
    elif kind == DecisionKind.TERMINATION:
        reason = details.get("termination_reason", "")
        situation = details.get("situation_after", "")
        rows.append(
            (
                "Årsak",
                TerminationReason(reason).label if reason in TerminationReason.values else reason,
            )
        )
        rows.append(
            (
                "Situasjon etter programmet",
                f"{SITUATION_AFTER_LABELS[situation]} (kode {situation})"
                if situation in SITUATION_AFTER_LABELS
                else situation,
            )
        )
        cause = details.get("absence_cause")
        if cause:
            started = details.get("absence_started")
            started_text = (
                datetime.date.fromisoformat(started).strftime("%d.%m.%Y") if started else ""
            )
            rows.append(
                (
                    "Fravær knyttet til",
                    f"{rules.ABSENCE_CAUSE_LABELS.get(cause, cause)}, fra {started_text}",
                )
            )
    return rows


# --- The letter's wording -----------------------------------------------------------------------

LETTER_HEADINGS = {
    DecisionKind.GRANT: "Vedtak om kvalifiseringsprogram",
    DecisionKind.REJECTION: "Vedtak om avslag på kvalifiseringsprogram",
    DecisionKind.EXTENSION: "Vedtak om forlengelse av kvalifiseringsprogram",
    DecisionKind.SPECIAL_EXTENSION: "Vedtak om forlengelse av kvalifiseringsprogram ut over to år",
    DecisionKind.INTERRUPTION: "Vedtak om midlertidig avbrudd i kvalifiseringsprogram",
    DecisionKind.RESUMPTION: "Vedtak om gjenopptak av kvalifiseringsprogram",
    DecisionKind.TERMINATION: "Vedtak om avslutning av kvalifiseringsprogram",
}

# F1: the rules the decision applies, in words a participant can follow.
RULE_TEXTS = {
    DecisionKind.GRANT: [
        "Du har rett til kvalifiseringsprogram når du er i yrkesaktiv alder, har vesentlig "
        "nedsatt arbeids- og inntektsevne, ingen eller svært begrensede ytelser til livsopphold "
        "etter folketrygdloven eller arbeidsmarkedsloven, og når tett og koordinert bistand er "
        "hensiktsmessig og nødvendig (sosialtjenesteloven § 29).",
        "Et vedtak gjelder for inntil ett år om gangen. Programmet kan vare i inntil to år "
        "(sosialtjenesteloven § 32 og forskriften § 2).",
        "Programmet er på full tid, hele året (sosialtjenesteloven § 30).",
    ],
    DecisionKind.REJECTION: [
        "Du har rett til kvalifiseringsprogram bare når alle vilkårene i sosialtjenesteloven "
        "§ 29 er oppfylt: yrkesaktiv alder, vesentlig nedsatt arbeids- og inntektsevne, ingen "
        "eller svært begrensede ytelser til livsopphold etter folketrygdloven eller "
        "arbeidsmarkedsloven, at arbeidsevnevurdering er gjennomført, og at tett og koordinert "
        "bistand er hensiktsmessig og nødvendig.",
    ],
    DecisionKind.EXTENSION: [
        "Når en vedtaksperiode går ut, skal kommunen vurdere om programmet skal forlenges eller "
        "avsluttes. Et vedtak gjelder for inntil ett år om gangen, og programmet kan vare i "
        "inntil to år (sosialtjenesteloven § 32 og forskriften § 2).",
    ],
    DecisionKind.SPECIAL_EXTENSION: [
        "Når særlige grunner taler for det, kan programmet forlenges med inntil ett år ut over "
        "to år. Det krever en vurdering av om forlengelsen er nødvendig for å nå målet om arbeid, "
        "din progresjon og motivasjon, sannsynligheten for arbeid og arbeidsmarkedet "
        "(sosialtjenesteloven § 32 annet ledd og forskriften § 2 annet ledd).",
    ],
    DecisionKind.INTERRUPTION: [
        "Kommunen kan avbryte programmet midlertidig når dine forhold gjør det nødvendig "
        "(sosialtjenesteloven § 34 første ledd).",
        "Du får ikke kvalifiseringsstønad mens programmet er avbrutt (sosialtjenesteloven § 35). "
        "Dager programmet er avbrutt, regnes ikke med i programtiden.",
        "Har programmet vært avbrutt i ett år uten at du har begynt igjen, skal det avsluttes "
        "(sosialtjenesteloven § 34 tredje ledd).",
    ],
    DecisionKind.RESUMPTION: [
        "Et midlertidig avbrutt program kan gjenopptas uten ny søknad når vilkårene fortsatt er "
        "oppfylt og målet kan nås i den tiden som er igjen (sosialtjenesteloven § 34).",
    ],
    DecisionKind.TERMINATION: [
        "Kommunen kan avslutte programmet når det er gjennomført, eller når andre forhold gjør "
        "det riktig, for eksempel at du har fått arbeid (sosialtjenesteloven § 34).",
        "Programmet kan ikke avsluttes på grunn av fravær knyttet til ordinært arbeid, fødsel "
        "eller adopsjon det første året etter at fraværet begynte (sosialtjenesteloven § 34 "
        "annet ledd).",
        "Når programmet er slutt, får du et deltakerbevis som viser hva programmet har "
        "inneholdt (sosialtjenesteloven § 30).",
    ],
}


def _outcome(decision: Decision) -> str:
    start, end, day = (
        _d(decision.period_start),
        _d(decision.period_end),
        _d(decision.effective_date),
    )
    return {
        DecisionKind.GRANT: f"Du får kvalifiseringsprogram fra og med {start} til og med {end}. "
        "Mens du deltar i programmet, får du kvalifiseringsstønad.",
        DecisionKind.REJECTION: "Du får ikke kvalifiseringsprogram.",
        DecisionKind.EXTENSION: "Kvalifiseringsprogrammet ditt forlenges fra og med "
        f"{start} til og med {end}.",
        DecisionKind.SPECIAL_EXTENSION: "Kvalifiseringsprogrammet ditt forlenges ut over to år "
        f"fordi det er særlige grunner til det, fra og med {start} til og med {end}.",
        DecisionKind.INTERRUPTION: "Kvalifiseringsprogrammet ditt avbrytes midlertidig fra og "
        f"med {day}. Du får ikke kvalifiseringsstønad mens programmet er avbrutt.",
        DecisionKind.RESUMPTION: f"Kvalifiseringsprogrammet ditt gjenopptas fra og med {day}.",
        DecisionKind.TERMINATION: "Kvalifiseringsprogrammet ditt avsluttes. Siste dag i "
        f"programmet er {day}.",
    }[decision.kind]


def _facts(decision: Decision) -> list[list[str]]:
    """F1: the facts the decision builds on."""
    rows: list[list[str]] = []
    if decision.application_id:
        application = decision.application
        rows.append(["Søknaden ble mottatt", _d(application.received_on)])
        if decision.kind == DecisionKind.GRANT:
            for assessment in application.assessments.all():
                if assessment.fulfilled:
                    rows.append(
                        [
                            f"{Condition(assessment.condition).label}: oppfylt",
                            assessment.reasoning,
                        ]
                    )
        if application.work_capacity_assessed_on:
            rows.append(
                ["Arbeidsevnevurdering gjennomført", _d(application.work_capacity_assessed_on)]
            )
    if decision.programme_id and decision.kind != DecisionKind.GRANT:
        rows.append(["Programmet startet", _d(decision.programme.start_date)])
    rows += [[label, text] for label, text in decision_detail_rows(decision) if text]
    return rows


def _reconsidered(decision: Decision) -> str:
    """fvl § 33: a grant or rejection on an application the office took up again after an
    appeal says so, and which decision it replaces (the participant learns the outcome of
    the office's review from this letter)."""
    application = decision.application if decision.application_id else None
    if (
        application is None
        or application.reopened_at is None
        or decision.kind not in (DecisionKind.GRANT, DecisionKind.REJECTION)
        or (decision.created_at and decision.created_at < application.reopened_at)
    ):
        return ""
    previous = (
        Decision.objects.filter(
            application_id=application.pk,
            status=DecisionStatus.APPROVED,
            approved_at__lt=application.reopened_at,
        )
        .order_by("-approved_at")
        .values_list("approved_at", flat=True)
        .first()
    )
    replaced = (
        f"vedtaket vårt fra {_d(timezone.localtime(previous).date())}"
        if previous
        else "det tidligere vedtaket"
    )
    if decision.kind == DecisionKind.GRANT:
        return (
            "Vi har behandlet søknaden din på nytt etter klagen din og gir deg medhold "
            f"(forvaltningsloven § 33). Dette vedtaket erstatter {replaced}."
        )
    return (
        "Vi har behandlet søknaden din på nytt etter klagen din (forvaltningsloven § 33), men "
        f"kommer fortsatt til at du ikke kan få kvalifiseringsprogram. Dette vedtaket erstatter "
        f"{replaced}. Klagen din blir sendt til Statsforvalteren, som avgjør den, med mindre "
        "du gir beskjed om at du trekker den."
    )


def office_block(participant: Participant, office) -> dict[str, Any]:
    """Strengt fortrolig: the letter must not reveal where the person lives, so it is signed
    "NAV" only, without the office's name (which would point to the municipality)."""
    anonymous = participant.address_protection == AddressProtection.STRICTLY_CONFIDENTIAL
    return {
        "anonymous": anonymous,
        "name": "NAV"
        if anonymous
        else (office.name if office.name.startswith("NAV") else f"NAV {office.name}"),
        "unit_number": "" if anonymous else office.unit_number,
    }


def recipient_block(participant: Participant) -> dict[str, Any]:
    """Fortrolig and strengt fortrolig: no address anywhere in the document."""
    lines: list[str] = []
    if not participant.has_protected_address:
        lines = [
            line
            for line in (
                participant.street_address,
                f"{participant.postal_code} {participant.postal_area}".strip(),
            )
            if line
        ]
    return {
        "name": participant.full_name,
        "national_id": participant.national_id_display,
        "address_lines": lines,
    }


def _rights(decision: Decision, office: dict[str, Any]) -> list[str]:
    """F2: right to appeal, the 3-week klagefrist from receipt, lodged with the NAV office,
    decided by Statsforvalteren, and the right to see the documents."""
    send_to = (
        "Klagen sender du til NAV. Skriv at den gjelder kvalifiseringsprogram, så sender vi den "
        "til kontoret som har saken din."
        if office["anonymous"]
        else f"Klagen sender du til {office['name']}."
    )
    return [
        "Du kan klage på vedtaket. Fristen for å klage er tre uker fra den dagen du mottok "
        "vedtaket (forvaltningsloven §§ 28 og 29).",
        send_to
        + " Skriv hva du klager på og hvorfor, og skriv under klagen. Du kan få hjelp til å "
        "klage.",
        "NAV-kontoret vurderer saken på nytt. Får du ikke medhold, sender vi klagen til "
        "Statsforvalteren, som avgjør den (forvaltningsloven § 33).",
        "Du har rett til å se dokumentene i saken din (forvaltningsloven § 18).",
    ]


def _kr(amount: int) -> str:
    return f"{amount:,}".replace(",", "\u00a0") + "\u00a0kr"


def stipend_section(decision: Decision) -> dict[str, Any] | None:
    """S1, S3, S4, S11: what a grant or extension letter says about kvalifiseringsstønad,
    with the yearly amounts from the G in force when the period starts (stipend app)."""
    from stipend.rules import rates
    from stipend.selectors import base_amount_on

    if decision.kind not in (
        DecisionKind.GRANT,
        DecisionKind.EXTENSION,
        DecisionKind.SPECIAL_EXTENSION,
    ):
        return None
    participant = decision.participant
    start = decision.period_start
    paragraphs = [
        "Kvalifiseringsstønaden er 2,041 ganger grunnbeløpet (G) i året. Er du under 25 år, "
        "er stønaden to tredjedeler av dette. Du får full sats fra den dagen du fyller 25 "
        "år (sosialtjenesteloven § 35 og forskriften § 3).",
        "Forsørger du barn under 18 år, får du barnetillegg for hvert barn for fem dager i "
        "uken. Barnetillegget faller bort fra den dagen barnet fyller 18 år.",
        "Stønaden betales etterskuddsvis etter registrert oppmøte. Beløpene endres når "
        "grunnbeløpet endres 1. mai hvert år.",
    ]
    amounts: list[list[str]] = []
    g = base_amount_on(start)
    if g is not None:
        under_25 = rates.is_under_25(participant.birth_date, start)
        full = rates.yearly_rate(base_amount=g.amount, day=start, under_25=False)
        young = rates.yearly_rate(base_amount=g.amount, day=start, under_25=True)
        amounts.append(["Grunnbeløpet (G)", _kr(g.amount)])
        amounts.append(["Full sats per år", _kr(full)])
        amounts.append(["Sats per år for deg under 25 år", _kr(young)])
        turns_25 = rules.add_years(participant.birth_date, 25)
        if under_25:
            text = f"Du er under 25 år når perioden starter, og får {_kr(young)} i året."
            if turns_25 <= decision.period_end:
                text += f" Fra {_d(turns_25)}, når du fyller 25 år, får du full sats, {_kr(full)}."
        else:
            text = f"Du får full sats, {_kr(full)} i året."
        paragraphs.insert(1, text)
    per_day = rates.child_supplement_per_day(start)
    children = [
        child
        for child in participant.children.all()
        if child.supported and child.turns_18_on() > start
    ]
    if per_day is not None and children:
        amounts.append(["Barnetillegg per barn per dag", _kr(per_day)])
        paragraphs.insert(
            2,
            f"Du forsørger {len(children)} barn under 18 år og får barnetillegg på "
            f"{_kr(per_day)} per barn per dag, fem dager i uken.",
        )
    return {
        "paragraphs": paragraphs,
        # S11: without this clause a deduction would itself be an appealable enkeltvedtak.
        "absence_clause": "Fravær som ikke er godkjent, gir trekk i kvalifiseringsstønaden "
        "(sosialtjenesteloven § 36).",
        "amounts": amounts,
        "rate_date": _d(start),
    }


def letter_data(decision: Decision, *, on: datetime.date | None = None) -> dict[str, Any]:
    """Everything the vedtaksbrev shows, as plain JSON-ready data. `on` is the letter's date:
    the approval day, or today for a preview."""
    participant = decision.participant
    office = office_block(participant, decision.office)
    if on is None:
        on = (
            timezone.localtime(decision.approved_at).date()
            if decision.approved_at
            else clock.today()
        )
    signers = []
    if not office["anonymous"]:
        for user, role in ((decision.drafted_by, "veileder"), (decision.approved_by, "beslutter")):
            if user is not None:
                signers.append(f"{user.get_full_name() or user.username}, {role}")
    return {
        "template_version": LETTER_TEMPLATE_VERSION,
        "title": f"{LETTER_HEADINGS[decision.kind]} – {participant.full_name}",
        "heading": LETTER_HEADINGS[decision.kind],
        "kind": decision.kind,
        "letter_date": _d(on),
        "office": office,
        "recipient": recipient_block(participant),
        "outcome": _outcome(decision),
        "reconsidered": _reconsidered(decision),
        "period": (
            {"start": _d(decision.period_start), "end": _d(decision.period_end)}
            if decision.period_start
            else None
        ),
        "effective_date": _d(decision.effective_date),
        "facts": _facts(decision),
        "reasoning": decision.reasoning,
        "rules": RULE_TEXTS[decision.kind],
        "legal_basis": decision.legal_basis,
        "stipend": stipend_section(decision),
        "rights": _rights(decision, office),
        "signers": signers,
        "approved": decision.status == DecisionStatus.APPROVED,
    }


def letter_html(data: dict[str, Any]) -> str:
    return render_to_string("pdf/decision_letter.html", {"letter": data})


def _store(
    *,
    kind: str,
    participant_id: int,
    office_id: int,
    data: dict[str, Any],
    html: str,
    issued_by: User,
    decision: Decision | None = None,
    programme: Programme | None = None,
    template_version: str,
) -> Document:
    pdf = html_to_pdf(html, title=data["title"])
    return Document.objects.create(
        kind=kind,
        participant_id=participant_id,
        office_id=office_id,
        decision=decision,
        programme=programme,
        title=data["title"],
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        data=data,
        template_version=template_version,
        issued_by=issued_by,
    )


# The one way to store an issued document (appeals uses it for its letters too).
document_store = _store


def _letter_decisions():
    return Decision.objects.select_related(
        "participant",
        "office",
        "application",
        "programme",
        "drafted_by",
        "approved_by",
    ).prefetch_related("application__assessments", "participant__children")


def letter_issue(*, decision_id: int) -> Document:
    """Make and store the vedtaksbrev of an approved decision, once (one_letter_per_decision):
    a second call, or a task run twice, returns the letter already made."""
    existing = Document.objects.filter(
        kind=DocumentKind.DECISION_LETTER, decision_id=decision_id
    ).first()
    if existing:
        return existing
    decision = _letter_decisions().get(pk=decision_id)
    if decision.status != DecisionStatus.APPROVED:
        raise ValidationError("Vedtaksbrev lages bare for godkjente vedtak.")
    data = letter_data(decision)
    html = letter_html(data)
    try:
        with transaction.atomic():
            document = _store(
                kind=DocumentKind.DECISION_LETTER,
                participant_id=decision.participant_id,
                office_id=decision.office_id,
                data=data,
                html=html,
                issued_by=decision.approved_by,
                decision=decision,
                template_version=LETTER_TEMPLATE_VERSION,
            )
            audit_record(
                AuditContext(actor=decision.approved_by, path="celery:letter_issue"),
                action=AuditAction.CREATE,
                object_type="document",
                object_id=document.pk,
                participant_id=decision.participant_id,
                detail={"kind": DocumentKind.DECISION_LETTER, "decision": decision.pk},
            )
    except IntegrityError:
        # Another worker made it meanwhile.
        return Document.objects.get(kind=DocumentKind.DECISION_LETTER, decision_id=decision_id)
    return document


def letter_enqueue(decision: Decision) -> None:
    """Called inside decision_approve's transaction: the task is sent once it commits."""
    from decisions.tasks import issue_decision_letter

    decision_id = decision.pk
    transaction.on_commit(
        lambda: issue_decision_letter.apply_async(
            (decision_id,), queue=settings.KVP_DOCUMENT_QUEUE
        ),
        robust=True,
    )


def letters_missing() -> list[int]:
    """Approved decisions without their letter (the broker was down when one was approved):
    the nightly sweep makes them."""
    return list(
        Decision.objects.filter(status=DecisionStatus.APPROVED)
        .exclude(documents__kind=DocumentKind.DECISION_LETTER)
        .values_list("pk", flat=True)
    )


# --- Deltakerbevis (P6) -------------------------------------------------------------------------


CertificateSource = Callable[[Programme], dict[str, Any]]
_CERTIFICATE_SOURCES: list[CertificateSource] = []


def register_certificate_source(source: CertificateSource) -> None:
    """Let an app that builds on decisions prefill new deltakerbevis drafts (the plan's
    activities, registered attendance) without decisions importing it."""
    if source not in _CERTIFICATE_SOURCES:
        _CERTIFICATE_SOURCES.append(source)


def certificate_draft_data(programme: Programme) -> dict[str, Any]:
    """What a new deltakerbevis starts with (P6): the activity rows from the programme plan
    and the attendance from registered attendance, when those apps registered a source; the
    caseworker reviews and completes them."""
    data: dict[str, Any] = {"activities": [], "full_time": True, "attendance": ""}
    for source in _CERTIFICATE_SOURCES:
        data.update(source(programme))
    return data


def certificate_draft(
    *, ctx: AuditContext, programme: Programme, drafted_by: User
) -> ParticipationCertificate:
    """P6: the deltakerbevis is drafted when the programme ends (termination approved).
    Idempotent: one per programme."""
    existing = ParticipationCertificate.objects.filter(programme=programme).first()
    if existing:
        return existing
    certificate = ParticipationCertificate.objects.create(
        programme=programme,
        participant_id=programme.participant_id,
        office_id=programme.office_id,
        edited_by=drafted_by,
        **certificate_draft_data(programme),
    )
    audit_record(
        ctx,
        action=AuditAction.CREATE,
        object_type="participationcertificate",
        object_id=certificate.pk,
        participant_id=programme.participant_id,
    )
    return certificate


def _certificate_change(ctx, certificate, expected_version, *, audit=None, **changes):
    with transaction.atomic():
        versioned_update(certificate, expected_version, "Deltakerbeviset", **changes)
        audit_record(
            ctx,
            action=AuditAction.CHANGE,
            object_type="participationcertificate",
            object_id=certificate.pk,
            participant_id=certificate.participant_id,
            detail={"fields": sorted(changes), **(audit or {})},
        )
    certificate.refresh_from_db()
    return certificate


def _check_activities(rows: list[dict[str, Any]], programme: Programme) -> None:
    end = programme.ended_on
    for number, row in enumerate(rows, start=1):
        start_day = datetime.date.fromisoformat(row["start"])
        end_day = datetime.date.fromisoformat(row["end"])
        if end_day < start_day:
            raise ValidationError(f"Aktivitet {number}: sluttdatoen er før startdatoen.")
        if start_day < programme.start_date or (end and end_day > end):
            raise ValidationError(
                f"Aktivitet {number}: perioden må ligge innenfor programmet "
                f"({_d(programme.start_date)}–{_d(end)})."
            )


def certificate_update(
    *,
    ctx: AuditContext,
    certificate: ParticipationCertificate,
    data: dict[str, Any],
    expected_version: int,
) -> ParticipationCertificate:
    if not certificate.is_editable:
        raise ValidationError(
            "Deltakerbeviset er sendt til kontroll eller utstedt og kan ikke endres."
        )
    _check_activities(data.get("activities", []), certificate.programme)
    return _certificate_change(ctx, certificate, expected_version, edited_by=ctx.actor, **data)


def certificate_send_for_review(
    *, ctx: AuditContext, certificate: ParticipationCertificate, expected_version: int
) -> ParticipationCertificate:
    if not certificate.is_editable:
        raise ValidationError("Deltakerbeviset er allerede sendt til kontroll.")
    missing = []
    if not certificate.activities:
        missing.append("minst ett tiltak eller én aktivitet")
    for field in ("competence", "resources", "progression"):
        if not getattr(certificate, field).strip():
            missing.append(ParticipationCertificate._meta.get_field(field).verbose_name)
    if missing:
        raise ValidationError(
            "Fyll ut " + ", ".join(missing) + " før deltakerbeviset sendes til kontroll (P6)."
        )
    return _certificate_change(
        ctx,
        certificate,
        expected_version,
        audit={"status": CertificateStatus.AWAITING_REVIEW},
        status=CertificateStatus.AWAITING_REVIEW,
        sent_for_review_at=clock.now(),
    )


def certificate_review(
    *,
    ctx: AuditContext,
    certificate: ParticipationCertificate,
    approve: bool,
    expected_version: int,
) -> ParticipationCertificate:
    """Two people: someone other than the last one who edited it checks the deltakerbevis.
    Approved, it waits to be issued; otherwise it goes back to the caseworker as a draft."""
    reviewer: User = ctx.actor  # type: ignore[assignment]
    if certificate.status != CertificateStatus.AWAITING_REVIEW:
        raise ValidationError("Deltakerbeviset venter ikke på kontroll.")
    if reviewer.pk == certificate.edited_by_id:
        raise ValidationError(
            "Du kan ikke kontrollere et deltakerbevis du har skrevet selv. En annen må gjøre det."
        )
    if not (reviewer.has_role(Role.APPROVER) or reviewer.has_role(Role.LEADER)):
        raise ValidationError("Bare en beslutter eller leder kan kontrollere deltakerbevis.")
    if approve:
        return _certificate_change(
            ctx,
            certificate,
            expected_version,
            audit={"status": CertificateStatus.REVIEWED},
            status=CertificateStatus.REVIEWED,
            reviewed_by=reviewer,
            reviewed_at=clock.now(),
        )
    return _certificate_change(
        ctx,
        certificate,
        expected_version,
        audit={"status": CertificateStatus.DRAFT},
        status=CertificateStatus.DRAFT,
    )


def certificate_data(
    certificate: ParticipationCertificate, *, on: datetime.date | None = None
) -> dict[str, Any]:
    """Everything the deltakerbevis shows (P6), as plain JSON-ready data."""
    programme = (
        programmes_with_decisions(Programme.objects.filter(pk=certificate.programme_id))
        .select_related("participant", "office")
        .get()
    )
    participant = programme.participant
    history = programme_history(programme)
    end = programme.ended_on or history.current_period.end
    used = rules.programme_time_used(history, end)
    office = office_block(participant, programme.office)
    reviewer = certificate.reviewed_by
    return {
        "template_version": CERTIFICATE_TEMPLATE_VERSION,
        "title": f"Deltakerbevis – {participant.full_name}",
        "heading": "Deltakerbevis for kvalifiseringsprogram",
        "letter_date": _d(on or clock.today()),
        "office": office,
        "participant": {
            "name": participant.full_name,
            "birth_date": _d(participant.birth_date),
        },
        "programme": {"start": _d(programme.start_date), "end": _d(end), "days_used": used},
        "activities": [
            {
                "description": row["description"],
                "start": _d(datetime.date.fromisoformat(row["start"])),
                "end": _d(datetime.date.fromisoformat(row["end"])),
                "hours_per_week": str(row["hours_per_week"]).replace(".", ","),
            }
            for row in certificate.activities
        ],
        "full_time": certificate.full_time,
        "attendance": certificate.attendance,
        "competence": certificate.competence,
        "resources": certificate.resources,
        "progression": certificate.progression,
        "signers": []
        if office["anonymous"] or reviewer is None
        else [f"{reviewer.get_full_name() or reviewer.username}"],
    }


def certificate_html(data: dict[str, Any]) -> str:
    return render_to_string("pdf/certificate.html", {"certificate": data})


def certificate_issue(*, certificate_id: int, issued_by: User) -> Document:
    """Issue a reviewed deltakerbevis as a stored PDF/A document, once."""
    with transaction.atomic():
        certificate = (
            ParticipationCertificate.objects.select_for_update(of=("self",))
            .select_related("reviewed_by")
            .get(pk=certificate_id)
        )
        if certificate.document_id:
            return certificate.document
        if certificate.status != CertificateStatus.REVIEWED:
            raise ValidationError("Bare kontrollerte deltakerbevis kan utstedes.")
        data = certificate_data(certificate)
        document = _store(
            kind=DocumentKind.CERTIFICATE,
            participant_id=certificate.participant_id,
            office_id=certificate.office_id,
            data=data,
            html=certificate_html(data),
            issued_by=issued_by,
            programme=certificate.programme,
            template_version=CERTIFICATE_TEMPLATE_VERSION,
        )
        ParticipationCertificate.objects.filter(pk=certificate.pk).update(
            status=CertificateStatus.ISSUED,
            document=document,
            version=F("version") + 1,
            updated_at=clock.now(),
        )
        audit_record(
            AuditContext(actor=issued_by, path="deltakerbevis:utsted"),
            action=AuditAction.CREATE,
            object_type="document",
            object_id=document.pk,
            participant_id=certificate.participant_id,
            detail={"kind": DocumentKind.CERTIFICATE, "certificate": certificate.pk},
        )
    return document


def certificates_pending(office_ids) -> list[ParticipationCertificate]:
    """Reviewed certificates waiting to be issued, not already in a running batch."""
    return list(
        ParticipationCertificate.objects.filter(
            office_id__in=office_ids, status=CertificateStatus.REVIEWED
        )
        .filter(Q(batch__isnull=True) | Q(batch__finished_at__isnull=False))
        .select_related("participant", "office", "programme")
        .order_by("office__name", "participant__last_name", "pk")
    )


def certificate_batch_start(*, ctx: AuditContext, office_id: int) -> CertificateBatch:
    """A leader issues every reviewed certificate of the office in one Celery job; the page
    follows its progress (CertificateBatch.done / total)."""
    from decisions.tasks import issue_certificate_batch

    leader: User = ctx.actor  # type: ignore[assignment]
    if not leader.has_role(Role.LEADER) or office_id not in leader.office_ids():
        raise ValidationError("Bare en leder ved kontoret kan utstede deltakerbevis samlet.")
    with transaction.atomic():
        ids = list(
            ParticipationCertificate.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(office_id=office_id, status=CertificateStatus.REVIEWED)
            .filter(Q(batch__isnull=True) | Q(batch__finished_at__isnull=False))
            # Only persons the leader may see: strengt fortrolig and skjermet need the
            # special authorisation, for issuing as for reading.
            .filter(participant__in=Participant.objects.visible_to(leader))
            .values_list("pk", flat=True)
        )
        if not ids:
            raise ValidationError("Ingen kontrollerte deltakerbevis venter på utstedelse.")
        batch = CertificateBatch.objects.create(
            office_id=office_id, started_by=leader, total=len(ids)
        )
        ParticipationCertificate.objects.filter(pk__in=ids).update(batch=batch)
        participant_ids = sorted(
            ParticipationCertificate.objects.filter(pk__in=ids).values_list(
                "participant_id", flat=True
            )
        )
        from caseworker.audit import audit_record_many

        audit_record_many(
            ctx,
            action=AuditAction.CHANGE,
            object_type="participationcertificate",
            participant_ids=participant_ids,
            detail={"batch": batch.pk, "fields": ["status"]},
        )
        batch_id = batch.pk
        transaction.on_commit(
            lambda: issue_certificate_batch.apply_async(
                (batch_id,), queue=settings.KVP_DOCUMENT_QUEUE
            ),
            robust=True,
        )
    return batch


def stale_certificate_batches() -> list[int]:
    """Batches still unfinished an hour after they started (their job was lost)."""
    return list(
        CertificateBatch.objects.filter(
            finished_at__isnull=True, created_at__lt=clock.now() - datetime.timedelta(hours=1)
        ).values_list("pk", flat=True)
    )


def certificate_batch_run(batch_id: int) -> CertificateBatch:
    """The batch job: issue each certificate, counting progress in the database as it goes.
    Re-running it skips what is already issued."""
    batch = CertificateBatch.objects.select_related("started_by").get(pk=batch_id)
    for certificate_id in batch.certificates.order_by("pk").values_list("pk", flat=True):
        try:
            certificate_issue(certificate_id=certificate_id, issued_by=batch.started_by)
        except ValidationError:
            CertificateBatch.objects.filter(pk=batch_id).update(failed=F("failed") + 1)
            logger.exception("Deltakerbevis %s kunne ikke utstedes", certificate_id)
            continue
        issued = batch.certificates.filter(status=CertificateStatus.ISSUED).count()
        CertificateBatch.objects.filter(pk=batch_id).update(done=issued)
    CertificateBatch.objects.filter(pk=batch_id, finished_at__isnull=True).update(
        finished_at=clock.now()
    )
    batch.refresh_from_db()
    return batch
