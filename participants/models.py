"""The person: identity, contact, protection flags, household, office and caseworker."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from caseworker.models import Office
from kvp import clock


class AddressProtection(models.TextChoices):
    NONE = "", "Ingen"
    CONFIDENTIAL = "fortrolig", "Fortrolig"
    STRICTLY_CONFIDENTIAL = "strengt_fortrolig", "Strengt fortrolig"


class Sex(models.TextChoices):
    """KOSTRA 11CF KJONN."""

    MALE = "1", "Mann"
    FEMALE = "2", "Kvinne"


class CivilStatus(models.TextChoices):
    """KOSTRA 11CF EKTSTAT."""

    UNMARRIED = "1", "Ugift"
    MARRIED = "2", "Gift eller registrert partner"
    COHABITING = "3", "Samboer"
    DIVORCED = "4", "Skilt eller separert"
    WIDOWED = "5", "Enke eller enkemann"


class ParticipantQuerySet(models.QuerySet):
    def visible_to(self, user) -> ParticipantQuerySet:
        """The participants `user` may see: of the user's offices (appeals officers: of the
        appeals forwarded to them and still open), and protected persons only with the special
        authorisation. The one place this scoping is written; every read
        of participant data goes through it (see participants.access)."""
        from caseworker import rules

        if rules.is_appeals_officer(user):
            # Statsforvalteren's staff: any office, but only while an appeal of the person's
            # case is forwarded to them and not closed (F4).
            from django.apps import apps

            appeal = apps.get_model("appeals", "Appeal")
            qs = self.filter(pk__in=appeal.objects.with_appeals_body().values("participant_id"))
        elif not rules.has_participant_access(user):
            return self.none()
        else:
            qs = self.filter(office_id__in=user.office_ids())
        if not user.may_see_strictly_confidential:
            qs = qs.exclude(address_protection=AddressProtection.STRICTLY_CONFIDENTIAL)
        if not user.may_see_shielded:
            qs = qs.exclude(shielded=True)
        return qs

    def search(self, query: str) -> ParticipantQuerySet:
        """Search by national id (exact, spaces ignored) or by name (every word must match
        the first or last name's beginning)."""
        query = (query or "").strip()
        if not query:
            return self
        compact = query.replace(" ", "").replace("-", "")
        if compact.isascii() and compact.isdigit():
            if len(compact) == 11:
                return self.filter(national_id=compact)
            return self.filter(national_id__startswith=compact)
        condition = Q()
        for word in query.split():
            condition &= Q(first_name__istartswith=word) | Q(last_name__istartswith=word)
        return self.filter(condition)


class Participant(models.Model):
    national_id = models.CharField("fødselsnummer eller D-nummer", max_length=11, unique=True)
    birth_date = models.DateField("fødselsdato")
    first_name = models.CharField("fornavn", max_length=100)
    last_name = models.CharField("etternavn", max_length=100)

    street_address = models.CharField("adresse", max_length=200, blank=True)
    postal_code = models.CharField("postnummer", max_length=4, blank=True)
    postal_area = models.CharField("poststed", max_length=100, blank=True)
    phone = models.CharField("telefon", max_length=20, blank=True)
    email = models.EmailField("e-post", blank=True)
    language = models.CharField("språk", max_length=50, blank=True, default="norsk")
    needs_interpreter = models.BooleanField("trenger tolk", default=False)
    interpreter_language = models.CharField("tolkespråk", max_length=50, blank=True)

    address_protection = models.CharField(
        "adressebeskyttelse",
        max_length=20,
        choices=AddressProtection.choices,
        blank=True,
        default=AddressProtection.NONE,
    )
    shielded = models.BooleanField(
        "skjermet (NAV-ansatt)",
        default=False,
        help_text="Deltakeren er ansatt i NAV. Bare ansatte med særskilt autorisasjon ser saken.",
    )

    # Reported to SSB in KOSTRA 11CF (RULES.md K1). Blank until a caseworker has recorded
    # them; the report's checks name every participant that still lacks one.
    # db_default: set-based loaders (bench commands) insert rows without naming them.
    sex = models.CharField(
        "kjønn", max_length=1, choices=Sex.choices, blank=True, default="", db_default=""
    )
    civil_status = models.CharField(
        "sivilstand",
        max_length=1,
        choices=CivilStatus.choices,
        blank=True,
        default="",
        db_default="",
    )
    journal_number = models.CharField(
        "journalnummer",
        max_length=8,
        blank=True,
        default="",
        db_default="",
        help_text="Saks- eller journalnummeret i kommunens arkiv (KOSTRA). Står det tomt, "
        "brukes deltakerens nummer i KVP-sak.",
    )

    office = models.ForeignKey(
        Office, verbose_name="ansvarlig kontor", on_delete=models.PROTECT, related_name="+"
    )
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="veileder",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participants",
    )

    created_at = models.DateTimeField("opprettet", auto_now_add=True)
    updated_at = models.DateTimeField("sist endret", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="sist endret av",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Optimistic locking: every change bumps it; a save based on an older version is refused.
    version = models.PositiveIntegerField(default=1)

    objects = ParticipantQuerySet.as_manager()

    # What a caseworker may set through the register's forms and services.
    EDITABLE_FIELDS = (
        "national_id",
        "first_name",
        "last_name",
        "street_address",
        "postal_code",
        "postal_area",
        "phone",
        "email",
        "language",
        "needs_interpreter",
        "interpreter_language",
        "address_protection",
        "shielded",
        "office",
        "caseworker",
        "sex",
        "civil_status",
        "journal_number",
    )

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = "deltaker"
        verbose_name_plural = "deltakere"
        indexes = [
            models.Index(fields=["office", "caseworker"], name="participant_office_cw"),
            models.Index(fields=["last_name", "first_name"], name="participant_name"),
        ]
        constraints = [
            models.CheckConstraint(
                name="participant_national_id_11_digits",
                condition=Q(national_id__regex=r"^\d{11}$"),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def has_protected_address(self) -> bool:
        return bool(self.address_protection)

    @property
    def national_id_display(self) -> str:
        return f"{self.national_id[:6]} {self.national_id[6:]}"

    @property
    def age_today(self) -> int:
        return self.age_on(clock.today())

    def age_on(self, day: datetime.date) -> int:
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class Child(models.Model):
    """A child in the participant's household; supported children under 18 give barnetillegg."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="children", verbose_name="deltaker"
    )
    name = models.CharField("navn", max_length=200)
    birth_date = models.DateField("fødselsdato")
    supported = models.BooleanField(
        "forsørges av deltakeren",
        default=True,
        help_text="Barnetillegg gis for barn under 18 år som deltakeren forsørger.",  # S4
    )

    class Meta:
        ordering = ["birth_date", "name"]
        verbose_name = "barn"
        verbose_name_plural = "barn"

    def __str__(self) -> str:
        return self.name

    @property
    def age_today(self) -> int:
        today, born = clock.today(), self.birth_date
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))

    def turns_18_on(self) -> datetime.date:
        born = self.birth_date
        try:
            return born.replace(year=born.year + 18)
        except ValueError:  # born 29 February: 28 February, as decisions/rules/policy.py says
            return datetime.date(born.year + 18, 2, 28)
