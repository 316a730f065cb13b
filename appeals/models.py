"""Appeals (klage) on approved decisions (RULES.md F4): registered by the office, reviewed by
it (fvl § 33), then either changed by the office or forwarded to Statsforvalteren, whose
appeals staff read and export the case and register the outcome.

PostgreSQL backs what must hold whatever the code does: one open appeal per decision, a
forwarded appeal has its cover letter, and an outcome is complete exactly when one is
registered."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from caseworker.models import Office
from decisions.models import Decision, Document, Task
from participants.models import Participant


class AppealState(models.TextChoices):
    REGISTERED = "registered", "Til vurdering ved kontoret"
    FORWARDED = "forwarded", "Oversendt Statsforvalteren"
    CHANGED = "changed", "Omgjort av kontoret"
    DECIDED = "decided", "Avgjort av Statsforvalteren"
    WITHDRAWN = "withdrawn", "Trukket"


OPEN_STATES = (AppealState.REGISTERED, AppealState.FORWARDED)
CLOSED_STATES = (AppealState.CHANGED, AppealState.DECIDED, AppealState.WITHDRAWN)


class Appellant(models.TextChoices):
    PARTICIPANT = "participant", "Deltakeren selv"
    REPRESENTATIVE = "representative", "En fullmektig på vegne av deltakeren"


class OutcomeKind(models.TextChoices):
    """Statsforvalteren's outcome (F4)."""

    UPHELD = "stadfestet", "Stadfestet – vedtaket står"
    REVERSED = "omgjort", "Omgjort – Statsforvalteren har fattet nytt vedtak"
    QUASHED = "opphevet", "Opphevet – sendt tilbake til kontoret for ny behandling"
    DISMISSED = "avvist", "Avvist – klagen behandles ikke"


class AppealQuerySet(models.QuerySet):
    def open(self) -> AppealQuerySet:
        return self.filter(state__in=OPEN_STATES)

    def with_appeals_body(self) -> AppealQuerySet:
        """Forwarded to Statsforvalteren and not yet closed: the only appeals (and so the only
        participants) an appeals officer may see."""
        return self.filter(state=AppealState.FORWARDED)

    def visible_to(self, user) -> AppealQuerySet:
        """The appeals `user` may see. Office staff: their offices' appeals, through
        Participant.objects.visible_to. Appeals officers: forwarded, open appeals only — the
        same scoping visible_to gives them for participants, written once there."""
        from caseworker import rules

        qs = self.filter(participant__in=Participant.objects.visible_to(user))
        if rules.is_appeals_officer(user):
            qs = qs.with_appeals_body()
        return qs


class Appeal(models.Model):
    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="appeals", verbose_name="påklaget vedtak"
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="appeals", verbose_name="deltaker"
    )
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(
        "status", max_length=20, choices=AppealState, default=AppealState.REGISTERED
    )

    received_on = models.DateField("klagen mottatt")
    appellant = models.CharField("klager", max_length=20, choices=Appellant)
    representative_name = models.CharField("fullmektigens navn", max_length=200, blank=True)
    power_of_attorney = models.BooleanField("skriftlig fullmakt foreligger", default=False)
    subject = models.TextField("hva klagen gjelder")
    grounds = models.TextField("begrunnelsen for klagen")
    signed = models.BooleanField("klagen er underskrevet", default=False)
    late_reason = models.TextField(
        "grunn til å behandle klagen selv om fristen er oversittet (fvl. § 31)", blank=True
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    # Office review (fvl § 33).
    review_note = models.TextField("kontorets vurdering av klagen", blank=True)
    forwarded_at = models.DateTimeField("oversendt", null=True, blank=True)
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cover_letter = models.OneToOneField(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    appeal_document = models.OneToOneField(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    case_summary = models.OneToOneField(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The office changed its decision: the new decision, approved through the normal flow.
    new_decision = models.ForeignKey(
        Decision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="nytt vedtak",
    )
    # An appealed rejection: the office took the application up for a new assessment
    # (appeal_reopen_application); the appeal closes when the new decision is a grant.
    reopened_at = models.DateTimeField("søknaden tatt opp til ny behandling", null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField("lukket", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_note = models.TextField("merknad om at klagen er trukket", blank=True)

    # Statsforvalteren's outcome (F4).
    outcome = models.CharField("utfall", max_length=20, choices=OutcomeKind, blank=True)
    outcome_on = models.DateField("avgjort dato", null=True, blank=True)
    outcome_note = models.TextField("merknad fra Statsforvalteren", blank=True)
    outcome_document = models.OneToOneField(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome_registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    # Worklist tasks the appeal services open and close (decisions.Task). A foreign key, not
    # one-to-one: two appeals of one case due the same day share the task (Task's constraint).
    review_task = models.ForeignKey(
        Task, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    follow_up_task = models.ForeignKey(
        Task, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    followed_up_at = models.DateTimeField("utfallet fulgt opp", null=True, blank=True)
    followed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    follow_up_note = models.TextField("hva kontoret har gjort med utfallet", blank=True)

    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField("registrert", auto_now_add=True)
    updated_at = models.DateTimeField("sist endret", auto_now=True)

    objects = AppealQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = "klage"
        verbose_name_plural = "klager"
        indexes = [
            models.Index(fields=["state", "forwarded_at"], name="appeal_state_forwarded"),
            models.Index(fields=["office", "state"], name="appeal_office_state"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["decision"],
                condition=Q(state__in=["registered", "forwarded"]),
                name="one_open_appeal_per_decision",
            ),
            models.CheckConstraint(
                name="appeal_representative_is_named",
                condition=~Q(appellant="representative") | ~Q(representative_name=""),
            ),
            models.CheckConstraint(
                name="appeal_forwarded_has_cover_letter",
                condition=~Q(state__in=["forwarded", "decided"])
                | Q(
                    forwarded_at__isnull=False,
                    forwarded_by__isnull=False,
                    cover_letter__isnull=False,
                    appeal_document__isnull=False,
                    case_summary__isnull=False,
                ),
            ),
            models.CheckConstraint(
                name="appeal_outcome_iff_decided",
                condition=(
                    Q(state="decided")
                    & ~Q(outcome="")
                    & Q(
                        outcome_on__isnull=False,
                        outcome_document__isnull=False,
                        outcome_registered_by__isnull=False,
                    )
                )
                | (
                    ~Q(state="decided")
                    & Q(outcome="", outcome_on__isnull=True, outcome_document__isnull=True)
                ),
            ),
            models.CheckConstraint(
                name="appeal_changed_has_new_decision",
                condition=~Q(state="changed") | Q(new_decision__isnull=False),
            ),
            models.CheckConstraint(
                name="appeal_closed_has_time",
                condition=Q(state__in=["registered", "forwarded"]) | Q(closed_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"Klage mottatt {self.received_on:%d.%m.%Y}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def appellant_text(self) -> str:
        if self.appellant == Appellant.REPRESENTATIVE:
            return f"{self.representative_name} (fullmektig)"
        return "Deltakeren selv"
