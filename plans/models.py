"""The programme plan: each office's catalogue of local measures and providers, and each
programme's planned activities and evaluation dates (P1–P5). The checks live in plans/rules;
the writes in plans/services."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from caseworker.models import Office
from decisions.models import Programme, VersionedModel
from participants.models import Participant
from plans import rules

ActivityType = models.TextChoices(
    "ActivityType", [(code, (code, label)) for code, label in rules.ACTIVITY_TYPE_LABELS.items()]
)
WEEKDAY_CHOICES = [(i, label.capitalize()) for i, label in enumerate(rules.WEEKDAY_LABELS)]


class Provider(VersionedModel):
    """A tiltaksarrangør or other provider an office works with."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    name = models.CharField("navn", max_length=200)
    org_number = models.CharField("organisasjonsnummer", max_length=9, blank=True)
    contact = models.CharField("kontaktperson og telefon/e-post", max_length=300, blank=True)
    active = models.BooleanField("aktiv", default=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = "leverandør"
        verbose_name_plural = "leverandører"
        constraints = [
            models.UniqueConstraint(fields=["office", "name"], name="provider_name_per_office"),
        ]

    def __str__(self) -> str:
        return self.name


class Measure(VersionedModel):
    """A local measure (tiltak) in an office's catalogue."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    name = models.CharField("navn", max_length=200)
    activity_type = models.CharField("aktivitetstype", max_length=30, choices=ActivityType)
    provider = models.ForeignKey(
        Provider,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measures",
        verbose_name="leverandør",
    )
    description = models.TextField("beskrivelse", blank=True)
    active = models.BooleanField("aktiv", default=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = "tiltak"
        verbose_name_plural = "tiltak"
        constraints = [
            models.UniqueConstraint(fields=["office", "name"], name="measure_name_per_office"),
        ]

    def __str__(self) -> str:
        return self.name


class PlanActivity(VersionedModel):
    """One activity of a programme's plan: from the office's catalogue (measure) or a one-off
    with its own name."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="activities")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+")
    activity_type = models.CharField("aktivitetstype", max_length=30, choices=ActivityType)
    measure = models.ForeignKey(
        Measure, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField("beskrivelse", max_length=200, blank=True)
    start = models.DateField("fra")
    end = models.DateField("til og med")
    weekdays = ArrayField(
        models.PositiveSmallIntegerField(
            choices=WEEKDAY_CHOICES, validators=[MaxValueValidator(6)]
        ),
        verbose_name="ukedager",
    )
    hours_per_week = models.DecimalField(
        "timer per uke",
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(rules.policy.MAX_HOURS_PER_WEEK)],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["start", "pk"]
        verbose_name = "aktivitet i planen"
        verbose_name_plural = "aktiviteter i planen"
        constraints = [
            models.CheckConstraint(
                name="plan_activity_ends_after_start", condition=Q(end__gte=F("start"))
            ),
            models.CheckConstraint(
                name="plan_activity_has_weekdays", condition=Q(weekdays__len__gt=0)
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        if self.name:
            return self.name
        if self.measure_id:
            return self.measure.name
        return self.get_activity_type_display()

    def as_rules(self) -> rules.PlannedActivity:
        return rules.PlannedActivity(
            kind=self.activity_type,
            start=self.start,
            end=self.end,
            weekdays=frozenset(self.weekdays),
            hours_per_week=self.hours_per_week,
            name=self.title,
        )

    @property
    def weekdays_text(self) -> str:
        labels = dict(WEEKDAY_CHOICES)
        return ", ".join(labels[d].lower() for d in sorted(self.weekdays))


class Evaluation(VersionedModel):
    """An evaluation date of the plan (P5), with what is to be evaluated or what came of it."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="evaluations")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+")
    date = models.DateField("dato")
    note = models.TextField("notat", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = "evalueringsdato"
        verbose_name_plural = "evalueringsdatoer"
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "date"], name="one_evaluation_per_programme_and_day"
            ),
        ]

    def __str__(self) -> str:
        return f"Evaluering {self.date:%d.%m.%Y}"
