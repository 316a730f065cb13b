"""Staff side: NAV offices, staff users with roles, and the append-only audit log."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models


class Office(models.Model):
    """A NAV-kontor. Access to participant data is scoped to offices."""

    name = models.CharField("navn", max_length=200)
    unit_number = models.CharField(
        "enhetsnummer",
        max_length=4,
        unique=True,
        validators=[RegexValidator(r"^[0-9]{4}$", "Enhetsnummeret må være fire siffer.")],
    )
    municipality_number = models.CharField(
        "kommunenummer",
        max_length=4,
        validators=[RegexValidator(r"^[0-9]{4}$", "Kommunenummeret må være fire siffer.")],
    )
    district_number = models.CharField(
        "bydelsnummer",
        max_length=2,
        blank=True,
        validators=[RegexValidator(r"^[0-9]{2}$", "Bydelsnummeret må være to siffer.")],
    )
    district_name = models.CharField("bydel", max_length=100, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "NAV-kontor"
        verbose_name_plural = "NAV-kontorer"

    def __str__(self) -> str:
        return f"{self.name} ({self.unit_number})"


class Role(models.TextChoices):
    CASEWORKER = "veileder", "Veileder"
    APPROVER = "beslutter", "Beslutter"
    LEADER = "leder", "Leder"
    APPEALS_OFFICER = "statsforvalter", "Statsforvalter"
    ADMIN = "admin", "Administrator"


class StaffQuerySet(models.QuerySet):
    def in_office(self, office: Office) -> StaffQuerySet:
        return (
            self.filter(is_active=True)
            .filter(models.Q(office=office) | models.Q(additional_offices=office))
            .distinct()
        )

    def caseworkers(self) -> StaffQuerySet:
        return self.filter(roles__contains=[Role.CASEWORKER])


class StaffManager(UserManager.from_queryset(StaffQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):
    """A staff member. The username is the NAV-ident (e.g. Z990001)."""

    roles = ArrayField(
        models.CharField(max_length=20, choices=Role.choices),
        verbose_name="roller",
        default=list,
        blank=True,
    )
    office = models.ForeignKey(
        Office,
        verbose_name="kontor",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        help_text="Kontoret den ansatte hører til. Statsforvaltere hører ikke til et NAV-kontor.",
    )
    additional_offices = models.ManyToManyField(
        Office,
        verbose_name="flere kontorer",
        blank=True,
        related_name="+",
        help_text="For ledere som har ansvar for flere kontorer.",
    )
    may_see_strictly_confidential = models.BooleanField(
        "kan se strengt fortrolige personer",
        default=False,
        help_text="Særskilt autorisasjon for personer med adressebeskyttelse strengt fortrolig.",
    )
    may_see_shielded = models.BooleanField(
        "kan se skjermede personer",
        default=False,
        help_text="Særskilt autorisasjon for saker der deltakeren er NAV-ansatt (skjermet).",
    )

    objects = StaffManager()

    class Meta:
        verbose_name = "ansatt"
        verbose_name_plural = "ansatte"
        constraints = [
            # Appeals officers work for Statsforvalteren, never for a NAV office.
            models.CheckConstraint(
                name="appeals_officer_has_no_office",
                condition=~models.Q(roles__contains=["statsforvalter"])
                | models.Q(office__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def clean(self) -> None:
        super().clean()
        roles = set(self.roles or [])
        if Role.APPEALS_OFFICER in roles and self.office_id:
            raise ValidationError(
                {"office": "En statsforvalter hører ikke til et NAV-kontor. Fjern kontoret."}
            )
        if roles & {Role.CASEWORKER, Role.APPROVER, Role.LEADER} and not self.office_id:
            raise ValidationError(
                {"office": "Veiledere, besluttere og ledere må høre til et NAV-kontor."}
            )

    def has_role(self, role: str) -> bool:
        return role in (self.roles or [])

    @property
    def role_labels(self) -> list[str]:
        return [Role(r).label for r in self.roles or [] if r in Role.values]

    def office_ids(self) -> frozenset[int]:
        """Offices whose participants this user works with (cached per instance)."""
        cached = getattr(self, "_office_ids", None)
        if cached is None:
            ids = set(self.additional_offices.values_list("id", flat=True)) if self.pk else set()
            if self.office_id:
                ids.add(self.office_id)
            cached = frozenset(ids)
            self._office_ids = cached
        return cached


class AuditAction(models.TextChoices):
    VIEW = "view", "Så"
    LIST = "list", "Så i liste/søk"
    CREATE = "create", "Opprettet"
    CHANGE = "change", "Endret"
    EXPORT = "export", "Eksporterte"


class AuditOutcome(models.TextChoices):
    PERMIT = "permit", "Tillatt"
    DENY = "deny", "Avvist"


class AuditEvent(models.Model):
    """One access to participant data. Append-only: the database refuses UPDATE and DELETE
    (trigger in migration 0002), so not even a bug or an administrator can rewrite history.

    `participant_id` is a plain column, not a foreign key: the log outlives whatever it
    describes and must not constrain or be constrained by the participant tables.
    """

    at = models.DateTimeField("tidspunkt", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        User, verbose_name="hvem", on_delete=models.PROTECT, null=True, related_name="+"
    )
    actor_username = models.CharField("NAV-ident", max_length=150, blank=True)
    actor_office_id = models.BigIntegerField("brukerens kontor", null=True)
    action = models.CharField("handling", max_length=10, choices=AuditAction.choices)
    outcome = models.CharField(
        "utfall", max_length=10, choices=AuditOutcome.choices, default=AuditOutcome.PERMIT
    )
    participant_id = models.BigIntegerField("deltaker", null=True)
    object_type = models.CharField("objekttype", max_length=50)
    object_id = models.CharField("objekt-id", max_length=50, blank=True)
    path = models.CharField("adresse", max_length=500, blank=True)
    client_address = models.GenericIPAddressField("klientadresse", null=True)
    detail = models.JSONField("detaljer", default=dict, blank=True)

    class Meta:
        verbose_name = "logghendelse"
        verbose_name_plural = "tilgangslogg"
        indexes = [
            models.Index(fields=["participant_id", "-at"], name="audit_participant_at"),
            # The leaders' dashboard: decisions sent for approval and returned in a period
            # (reporting/dashboard.py). Those are few; every read of a participant is logged.
            models.Index(
                fields=["at", "participant_id"],
                condition=models.Q(object_type="decision", action="change"),
                name="audit_decision_change_at",
            ),
        ]

    OBJECT_LABELS = {
        "participant": "Personopplysninger",
        "child": "Husstand",
        "audit_log": "Tilgangslogg",
        "application": "Søknad",
        "programme": "Kvalifiseringsprogram",
        "decision": "Vedtak",
        "plan": "Programplan",
        "planactivity": "Aktivitet i programplanen",
        "evaluation": "Evalueringsdato i programplanen",
        "dashboard": "Ledelsesstatistikk",
        "kostra": "KOSTRA-rapport til SSB",
        "appeal": "Klage",
        "document": "Dokument",
    }

    def __str__(self) -> str:
        return f"{self.at:%d.%m.%Y %H:%M} {self.actor_username} {self.action} {self.object_type}"

    @property
    def object_label(self) -> str:
        return self.OBJECT_LABELS.get(self.object_type, self.object_type)
