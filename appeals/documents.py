"""The appeal's documents, made the way every document is (decisions/documents.py): gather the
data as plain JSON, fill a template in templates/pdf/, store the PDF/A with its SHA-256 and
data in Document, never render it again.

- the appeal as registered (klage), so the case file holds what the office received;
- the oversendelsesbrev to Statsforvalteren (F4), with a copy to the participant;
- the case summary (sakssammendrag): eligibility assessment, programme timeline, every
  decision with its begrunnelse, and the appeal.

And the export: the case file as one ZIP with a manifest.json and decisions.csv."""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import zipfile
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from appeals import rules as appeal_rules
from appeals.models import Appeal
from appeals.selectors import CaseFile
from caseworker.models import User
from decisions import rules
from decisions.documents import (
    LETTER_HEADINGS,
    decision_detail_rows,
    document_store,
    office_block,
    recipient_block,
)
from decisions.models import Benefit, Condition, Decision, Document, DocumentKind
from kvp import clock

APPEAL_TEMPLATE_VERSION = "klage-1"
COVER_LETTER_TEMPLATE_VERSION = "oversendelsesbrev-1"
CASE_SUMMARY_TEMPLATE_VERSION = "sakssammendrag-1"
UPLOADED = "opplastet"


def _d(day: datetime.date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else ""


def _name(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


def facts_of(appeal: Appeal) -> appeal_rules.AppealFacts:
    decision = appeal.decision
    return appeal_rules.AppealFacts(
        received_on=appeal.received_on,
        notice_date=decision.notice_date,
        decided_on=timezone.localtime(decision.approved_at).date(),
        by_representative=appeal.appellant == "representative",
        representative_name=appeal.representative_name,
        power_of_attorney=appeal.power_of_attorney,
        signed=appeal.signed,
        subject=appeal.subject,
        grounds=appeal.grounds,
        late_reason=appeal.late_reason,
    )


def decision_label(decision: Decision) -> str:
    approved = timezone.localtime(decision.approved_at).date() if decision.approved_at else None
    return f"Vedtak om {decision.get_kind_display().lower()} {_d(approved)}".strip()


def decision_row(decision: Decision, letter: Document | None = None) -> dict[str, Any]:
    """One decision as the manifest, the CSV and the case summary list it."""
    approved = timezone.localtime(decision.approved_at).date() if decision.approved_at else None
    return {
        "id": decision.pk,
        "kind": decision.kind,
        "kind_label": decision.get_kind_display(),
        "decided_on": approved.isoformat() if approved else None,
        "period_start": decision.period_start.isoformat() if decision.period_start else None,
        "period_end": decision.period_end.isoformat() if decision.period_end else None,
        "effective_date": decision.effective_date.isoformat() if decision.effective_date else None,
        "legal_basis": decision.legal_basis,
        "reasoning": decision.reasoning,
        "drafted_by": _name(decision.drafted_by),
        "approved_by": _name(decision.approved_by),
        "notice_date": decision.notice_date.isoformat() if decision.notice_date else None,
        "appeal_deadline": rules.appeal_deadline(decision.notice_date).isoformat()
        if decision.notice_date
        else None,
        "letter_sha256": letter.sha256 if letter else None,
    }


# --- The appeal as registered -----------------------------------------------------------------


def appeal_data(appeal: Appeal) -> dict[str, Any]:
    participant = appeal.participant
    decision = appeal.decision
    check = appeal_rules.formal_check(facts_of(appeal))
    deadline = rules.appeal_deadline(decision.notice_date) if decision.notice_date else None
    return {
        "template_version": APPEAL_TEMPLATE_VERSION,
        "title": f"Klage på {decision_label(decision).lower()} – {participant.full_name}",
        "heading": "Klage på vedtak",
        "office": office_block(participant, appeal.office),
        "participant": {
            "name": participant.full_name,
            "national_id": participant.national_id_display,
        },
        "decision": decision_label(decision),
        "notice_date": _d(decision.notice_date),
        "appeal_deadline": _d(deadline),
        "received_on": _d(appeal.received_on),
        "appellant": appeal.appellant_text,
        "power_of_attorney": appeal.power_of_attorney,
        "by_representative": appeal.appellant == "representative",
        "subject": appeal.subject,
        "grounds": appeal.grounds,
        "signed": appeal.signed,
        "late_reason": appeal.late_reason,
        "registered_by": _name(appeal.registered_by),
        "findings": [str(f) for f in check.findings],
    }


# --- Oversendelsesbrev (F4) --------------------------------------------------------------------


def cover_letter_data(appeal: Appeal, case: CaseFile, *, on: datetime.date) -> dict[str, Any]:
    participant = appeal.participant
    decision = appeal.decision
    office = office_block(participant, appeal.office)
    facts = facts_of(appeal)
    late = appeal_rules.is_late(facts)
    deadline = rules.appeal_deadline(decision.notice_date) if decision.notice_date else None
    if late:
        timeliness = (
            f"Klagen kom {_d(appeal.received_on)}, etter klagefristen {_d(deadline)}. Kontoret "
            f"har likevel behandlet den (forvaltningsloven § 31): {appeal.late_reason}"
        )
    else:
        timeliness = (
            f"Klagen kom {_d(appeal.received_on)}, innen klagefristen {_d(deadline)} "
            f"(vedtaket ble sendt {_d(decision.notice_date)})."
        )
    enclosures = [
        f"Klagen, mottatt {_d(appeal.received_on)}",
        f"Det påklagede vedtaket: {decision_label(decision).lower()}",
    ]
    enclosures += [
        f"Vedtaksbrev: {decision_label(d).lower()}" for d in case.decisions if d.pk != decision.pk
    ]
    enclosures.append("Sakssammendrag med vilkårsvurdering, programforløp og alle vedtak")
    signers = [] if office["anonymous"] else [_name(appeal.forwarded_by)]
    return {
        "template_version": COVER_LETTER_TEMPLATE_VERSION,
        "title": f"Oversendelse av klage – {participant.full_name}",
        "heading": "Oversendelse av klage på vedtak om kvalifiseringsprogram",
        "letter_date": _d(on),
        "office": office,
        "recipient": "Statsforvalteren",
        "participant": recipient_block(participant),
        "decision": decision_label(decision),
        "decision_kind": LETTER_HEADINGS[decision.kind],
        "appellant": appeal.appellant_text,
        "timeliness": timeliness,
        "subject": appeal.subject,
        "grounds": appeal.grounds,
        "review_note": appeal.review_note,
        "enclosures": enclosures,
        "copy_text": (
            f"Kopi av dette brevet er sendt til {participant.full_name}. Du kan komme med "
            "merknader til saken direkte til Statsforvalteren. Du har rett til å se "
            "dokumentene i saken (forvaltningsloven § 18)."
        ),
        "signers": signers,
    }


# --- Sakssammendrag ------------------------------------------------------------------------------


def case_summary_data(appeal: Appeal, case: CaseFile, *, on: datetime.date) -> dict[str, Any]:
    participant = appeal.participant
    decision = appeal.decision
    programme = decision.programme
    application = programme.application if programme else decision.application
    assessments = [
        {
            "condition": Condition(a.condition).label,
            "verdict": {True: "Oppfylt", False: "Ikke oppfylt", None: "Ikke vurdert"}[a.fulfilled],
            "reasoning": a.reasoning,
        }
        for a in application.assessments.all()
    ]
    timeline = []
    for d in case.decisions:
        if d.period_start:
            when = f"{_d(d.period_start)}–{_d(d.period_end)}"
        elif d.effective_date:
            when = f"fra {_d(d.effective_date)}"
        else:
            when = ""
        timeline.append({"label": d.get_kind_display(), "when": when})
    if programme:
        for leave in programme.leaves.all():
            timeline.append(
                {
                    "label": leave.get_reason_display(),
                    "when": f"{_d(leave.start)}–{_d(leave.end)}",
                }
            )
    decisions = []
    for d in case.decisions:
        row = decision_row(d, case.letters.get(d.pk))
        decisions.append(
            {
                "label": decision_label(d),
                "appealed": d.pk == decision.pk,
                "period": f"{_d(d.period_start)}–{_d(d.period_end)}" if d.period_start else "",
                "effective_date": _d(d.effective_date),
                "details": [[label, text] for label, text in decision_detail_rows(d) if text],
                "reasoning": d.reasoning,
                "legal_basis": d.legal_basis,
                "drafted_by": row["drafted_by"],
                "approved_by": row["approved_by"],
                "notice_date": _d(d.notice_date),
                "appeal_deadline": _d(rules.appeal_deadline(d.notice_date))
                if d.notice_date
                else "",
            }
        )
    return {
        "template_version": CASE_SUMMARY_TEMPLATE_VERSION,
        "title": f"Sakssammendrag – {participant.full_name}",
        "heading": "Sakssammendrag – klage på vedtak om kvalifiseringsprogram",
        "letter_date": _d(on),
        "office": office_block(participant, appeal.office),
        "participant": {
            "name": participant.full_name,
            "national_id": participant.national_id_display,
            "birth_date": _d(participant.birth_date),
        },
        "application": {
            "received_on": _d(application.received_on),
            "benefits_checked": ", ".join(
                Benefit(b).label for b in application.benefits_checked if b in Benefit.values
            ),
            "work_capacity_assessed_on": _d(application.work_capacity_assessed_on),
            "work_capacity_reference": application.work_capacity_reference,
        },
        "assessments": assessments,
        "programme": {
            "start": _d(programme.start_date),
            "ended_on": _d(programme.ended_on),
        }
        if programme
        else None,
        "timeline": timeline,
        "decisions": decisions,
        "appeal": {
            "received_on": _d(appeal.received_on),
            "appellant": appeal.appellant_text,
            "subject": appeal.subject,
            "grounds": appeal.grounds,
            "review_note": appeal.review_note,
        },
    }


def _render(template: str, data: dict[str, Any]) -> str:
    return render_to_string(template, {"doc": data})


def appeal_documents_issue(
    *, appeal: Appeal, case: CaseFile, issued_by: User
) -> tuple[Document, Document, Document]:
    """The three documents that go to Statsforvalteren with the appeal. Called inside the
    forwarding transaction, so they exist exactly when the appeal is forwarded."""
    on = clock.today()
    common = {
        "participant_id": appeal.participant_id,
        "office_id": appeal.office_id,
        "issued_by": issued_by,
        "decision": appeal.decision,
        "programme": appeal.decision.programme,
    }
    stored = []
    for kind, data, template, version in (
        (DocumentKind.APPEAL, appeal_data(appeal), "pdf/appeal.html", APPEAL_TEMPLATE_VERSION),
        (
            DocumentKind.COVER_LETTER,
            cover_letter_data(appeal, case, on=on),
            "pdf/appeal_cover_letter.html",
            COVER_LETTER_TEMPLATE_VERSION,
        ),
        (
            DocumentKind.CASE_SUMMARY,
            case_summary_data(appeal, case, on=on),
            "pdf/appeal_case_summary.html",
            CASE_SUMMARY_TEMPLATE_VERSION,
        ),
    ):
        stored.append(
            document_store(
                kind=kind,
                data=data,
                html=_render(template, data),
                template_version=version,
                **common,
            )
        )
    return stored[0], stored[1], stored[2]


def outcome_document_store(
    *, appeal: Appeal, pdf: bytes, filename: str, outcome: str, outcome_on, issued_by: User
) -> Document:
    """Statsforvalteren's decision as they uploaded it: stored byte for byte."""
    return Document.objects.create(
        kind=DocumentKind.APPEAL_OUTCOME,
        participant_id=appeal.participant_id,
        office_id=appeal.office_id,
        decision=appeal.decision,
        programme=appeal.decision.programme,
        title=f"Statsforvalterens avgjørelse – {appeal.participant.full_name}",
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        data={"filename": filename, "outcome": outcome, "outcome_on": outcome_on.isoformat()},
        template_version=UPLOADED,
        issued_by=issued_by,
    )


# --- The export ---------------------------------------------------------------------------------

CSV_COLUMNS = [
    ("id", "vedtak_id"),
    ("kind", "vedtakstype"),
    ("kind_label", "vedtakstype_tekst"),
    ("decided_on", "vedtaksdato"),
    ("period_start", "periode_fra"),
    ("period_end", "periode_til"),
    ("effective_date", "gjelder_fra"),
    ("legal_basis", "hjemmel"),
    ("reasoning", "begrunnelse"),
    ("approved_by", "godkjent_av"),
    ("notice_date", "underretningsdato"),
    ("appeal_deadline", "klagefrist"),
]


def _safe_cell(value: Any) -> str:
    """A spreadsheet must not run a cell as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def decisions_csv(rows: list[dict[str, Any]], *, extra: list[tuple[str, str]] = ()) -> bytes:
    """UTF-8 with BOM and semicolons, as Norwegian Excel opens it."""
    columns = [*extra, *CSV_COLUMNS]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([header for _, header in columns])
    for row in rows:
        writer.writerow([_safe_cell(row.get(key)) for key, _ in columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _file_name(decision: Decision) -> str:
    approved = timezone.localtime(decision.approved_at).date()
    return f"{approved:%Y-%m-%d}-{decision.kind}-{decision.pk}.pdf"


def case_zip(case: CaseFile, *, documents: dict[int, Document]) -> tuple[bytes, dict[str, Any]]:
    """The case file as a ZIP: the appealed decision's letter, every other decision letter of
    the case, the appeal, the cover letter, the case summary, decisions.csv and manifest.json
    (every other file with its SHA-256 and role, and the decisions). `documents` holds the
    stored documents by id, with their bytes."""
    appeal = case.appeal
    files: list[dict[str, Any]] = []
    contents: list[tuple[str, bytes]] = []

    def add(name: str, role: str, data: bytes, document: Document | None = None) -> None:
        contents.append((name, data))
        files.append(
            {
                "name": name,
                "role": role,
                "sha256": hashlib.sha256(data).hexdigest(),
                "bytes": len(data),
                "document_id": document.pk if document else None,
                "title": document.title if document else "",
            }
        )

    appealed = case.letters[appeal.decision_id]
    add(
        f"paklaget-vedtak-{_file_name(appeal.decision)}",
        "paklaget_vedtaksbrev",
        bytes(documents[appealed.pk].pdf),
        appealed,
    )
    for decision in case.decisions:
        if decision.pk == appeal.decision_id:
            continue
        letter = case.letters[decision.pk]
        add(
            f"vedtaksbrev/{_file_name(decision)}",
            "vedtaksbrev",
            bytes(documents[letter.pk].pdf),
            letter,
        )
    for doc_id, name, role in (
        (appeal.appeal_document_id, "klage.pdf", "klage"),
        (appeal.cover_letter_id, "oversendelsesbrev.pdf", "oversendelsesbrev"),
        (appeal.case_summary_id, "sakssammendrag.pdf", "sakssammendrag"),
    ):
        add(name, role, bytes(documents[doc_id].pdf), documents[doc_id])
    rows = [decision_row(d, case.letters.get(d.pk)) for d in case.decisions]
    for row in rows:
        row["appealed"] = row["id"] == appeal.decision_id
    add("decisions.csv", "vedtak_csv", decisions_csv(rows))
    manifest = {
        "format": "kvp-sak-klagesak-1",
        "exported_at": clock.now().isoformat(),
        "appeal": {
            "id": appeal.pk,
            "received_on": appeal.received_on.isoformat(),
            "appellant": appeal.appellant_text,
            "forwarded_at": appeal.forwarded_at.isoformat() if appeal.forwarded_at else None,
            "appealed_decision_id": appeal.decision_id,
            "office": {"name": appeal.office.name, "unit_number": appeal.office.unit_number},
        },
        "participant": {
            "name": appeal.participant.full_name,
            "national_id": appeal.participant.national_id,
        },
        "files": files,
        "decisions": rows,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in contents:
            archive.writestr(name, data)
        archive.writestr(
            "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
        )
    return buffer.getvalue(), manifest
