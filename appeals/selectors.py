"""Reads for appeals: the decisions of the appealed case, the documents that make its case
file, and the lists — each in a fixed number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from appeals.models import Appeal, AppealState
from decisions.models import (
    Application,
    Decision,
    DecisionKind,
    DecisionStatus,
    Document,
    DocumentKind,
)


def appeals_with_case() -> QuerySet[Appeal]:
    return Appeal.objects.select_related(
        "participant",
        "office",
        "decision",
        "decision__programme",
        "decision__application",
        "decision__approved_by",
        "registered_by",
        "forwarded_by",
        "reopened_by",
        "new_decision",
        "outcome_registered_by",
        "followed_up_by",
    )


@dataclass(frozen=True)
class ReopenedCase:
    """Where the application taken up again on an appeal stands (the appeal page's panel)."""

    application: Application
    pending: Decision | None
    """The new decision being drafted or awaiting approval, if any."""
    new_decisions: list[Decision]
    """Decisions on the application approved since it was taken up again, oldest first."""

    @property
    def latest(self) -> Decision | None:
        return self.new_decisions[-1] if self.new_decisions else None

    @property
    def step(self) -> str:
        """What happens next, in Norwegian, for the caseworker."""
        if self.pending is not None:
            if self.pending.status == DecisionStatus.AWAITING_APPROVAL:
                return "Et nytt vedtak venter på godkjenning hos en beslutter."
            return "Et nytt vedtak er under arbeid."
        if self.latest is None:
            return (
                "Søknaden er under behandling: vurder vilkårene i § 29 på nytt og lag et utkast "
                "til innvilgelse eller et nytt avslag."
            )
        if self.latest.kind == DecisionKind.REJECTION:
            return (
                "Søknaden er avslått på nytt. Send klagen til Statsforvalteren, eller registrer "
                "det nye vedtaket som omgjøring hvis det gir klageren medhold."
            )
        return "Søknaden er innvilget, og klagen er avsluttet som omgjort av kontoret."


def reopened_case(appeal: Appeal) -> ReopenedCase | None:
    """Two queries: the application's decisions since it was reopened, and the application."""
    if appeal.reopened_at is None or appeal.decision.application_id is None:
        return None
    decisions = list(
        Decision.objects.filter(application_id=appeal.decision.application_id)
        .filter(Q(created_at__gte=appeal.reopened_at) | ~Q(status=DecisionStatus.APPROVED))
        .select_related("approved_by")
        .order_by("created_at", "pk")
    )
    return ReopenedCase(
        application=Application.objects.get(pk=appeal.decision.application_id),
        pending=next((d for d in decisions if d.status != DecisionStatus.APPROVED), None),
        new_decisions=[d for d in decisions if d.status == DecisionStatus.APPROVED],
    )


def case_decisions(appeal: Appeal) -> list[Decision]:
    """Every approved decision of the appealed case: the programme's when the decision belongs
    to one, otherwise the application's (a rejection). Oldest first."""
    decision = appeal.decision
    qs = Decision.objects.filter(status=DecisionStatus.APPROVED)
    if decision.programme_id:
        qs = qs.filter(programme_id=decision.programme_id)
    else:
        qs = qs.filter(application_id=decision.application_id)
    return list(
        qs.select_related("drafted_by", "approved_by").order_by("approved_at", "pk"),
    )


def letters_by_decision(decisions: list[Decision]) -> dict[int, Document]:
    """The stored vedtaksbrev of each decision (without the PDF bytes)."""
    return {
        doc.decision_id: doc
        for doc in Document.objects.filter(
            kind=DocumentKind.DECISION_LETTER, decision__in=[d.pk for d in decisions]
        ).defer("pdf", "data")
    }


@dataclass(frozen=True)
class CaseFile:
    """The case file Statsforvalteren exports: the documents and the decisions."""

    appeal: Appeal
    decisions: list[Decision]
    letters: dict[int, Document]


def case_file(appeal: Appeal) -> CaseFile:
    decisions = case_decisions(appeal)
    return CaseFile(appeal=appeal, decisions=decisions, letters=letters_by_decision(decisions))


def appeal_documents(appeal: Appeal) -> list[Document]:
    """The appeal's own stored documents (klage, oversendelsesbrev, sakssammendrag, the
    outcome), without the PDF bytes."""
    ids = [
        appeal.appeal_document_id,
        appeal.cover_letter_id,
        appeal.case_summary_id,
        appeal.outcome_document_id,
    ]
    return list(Document.objects.filter(pk__in=[i for i in ids if i]).defer("pdf", "data"))


def handled_by(user, *, start: datetime.date, end: datetime.date) -> QuerySet[Appeal]:
    """The appeals whose outcome `user` registered, decided within [start, end]: what an
    appeals officer may list again after their access to the case has ended."""
    return (
        Appeal.objects.filter(
            state=AppealState.DECIDED,
            outcome_registered_by=user,
            outcome_on__gte=start,
            outcome_on__lte=end,
        )
        .select_related("participant", "office")
        .order_by("outcome_on", "pk")
    )


def task_links(tasks) -> dict[int, str]:
    """The worklist's "Gå til saken" for appeal tasks: the appeal page, in one query."""
    from django.db.models import Q
    from django.urls import reverse

    ids = [t.pk for t in tasks]
    if not ids:
        return {}
    links: dict[int, str] = {}
    rows = (
        Appeal.objects.filter(Q(review_task_id__in=ids) | Q(follow_up_task_id__in=ids))
        .order_by("-pk")
        .values_list("pk", "review_task_id", "follow_up_task_id")
    )
    for pk, review, follow_up in rows:
        for task_id in (review, follow_up):
            if task_id in ids:
                links.setdefault(task_id, reverse("appeals:detail", args=[pk]))
    return links
