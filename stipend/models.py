"""The stipend's reference data: the register of G (grunnbeløpet, S2)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from stipend.rules import rates


class BaseAmountQuerySet(models.QuerySet):
    def in_force_on(self, day: datetime.date) -> BaseAmount | None:
        """The G in force on `day`: the latest registered with effective date on or before it."""
        return self.filter(effective_from__lte=day).order_by("-effective_from").first()


class BaseAmount(models.Model):
    """One value of G from its effective date (normally 1 May, S2), registered by an
    administrator once the Storting has decided it, often weeks after it took effect."""

    effective_from = models.DateField("gjelder fra", unique=True)
    amount = models.PositiveIntegerField("grunnbeløp (kroner)")
    registered_at = models.DateTimeField("registrert", auto_now_add=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="registrert av",
    )

    objects = BaseAmountQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = "grunnbeløp (G)"
        verbose_name_plural = "grunnbeløp (G)"
        constraints = [
            models.CheckConstraint(name="base_amount_positive", condition=Q(amount__gt=0)),
        ]

    def __str__(self) -> str:
        return f"G {self.amount:,} kr fra {self.effective_from:%d.%m.%Y}".replace(",", "\u00a0")

    def clean(self) -> None:
        if self.effective_from and self.effective_from.day != 1:
            raise ValidationError(
                {"effective_from": "G gjelder fra den første i en måned (normalt 1. mai)."}
            )
        if self.effective_from and self.amount:
            previous = BaseAmount.objects.exclude(pk=self.pk).in_force_on(
                self.effective_from - datetime.timedelta(days=1)
            )
            if previous and self.amount < previous.amount:
                raise ValidationError(
                    {"amount": f"G kan ikke være lavere enn forrige G ({previous.amount} kr)."}
                )

    @property
    def g_year_start(self) -> datetime.date:
        return rates.g_year_start(self.effective_from)


# --- Attendance and absence (S6, S7) -----------------------------------------------------------


class PaymentFrequency(models.TextChoices):
    MONTHLY = "monthly", "Månedlig"
    BIWEEKLY = "biweekly", "Hver 14. dag"


class OfficePaymentSetting(models.Model):
    """S10: the municipality sets how often the stipend is paid; monthly without a row."""

    office = models.OneToOneField(
        "caseworker.Office", on_delete=models.CASCADE, related_name="payment_setting"
    )
    frequency = models.CharField(
        "utbetalingsfrekvens",
        max_length=10,
        choices=PaymentFrequency.choices,
        default=PaymentFrequency.MONTHLY,
    )

    class Meta:
        verbose_name = "utbetalingsfrekvens for kontor"
        verbose_name_plural = "utbetalingsfrekvens for kontorer"

    def __str__(self) -> str:
        return f"{self.office}: {self.get_frequency_display()}"


class AbsenceKind(models.TextChoices):
    EGENMELDING = "egenmelding", "Egenmelding"
    MEDICAL_CERTIFICATE = "legeerklaering", "Legeerklæring"
    CHILD_ILLNESS = "barns_sykdom", "Barns sykdom"
    WELFARE_LEAVE = "velferdspermisjon", "Velferdspermisjon"
    HOLIDAY = "ferie", "Ferie"
    BIRTH_LEAVE_MOTHER = "fodselspermisjon_mor", "Fødselspermisjon (mor)"
    BIRTH_LEAVE_FATHER = "fodselspermisjon_far", "Fødselspermisjon (far)"
    AGREED_UNPAID = "avtalt_uten_stonad", "Avtalt fravær uten stønad"
    UNAUTHORISED = "ugyldig", "Ugyldig fravær"


class AttendanceWeek(models.Model):
    """One participant's week in the attendance grid: the version two caseworkers editing the
    same week check against, so neither silently overwrites the other."""

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="+"
    )
    week_start = models.DateField("uke fra (mandag)")
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "week_start"], name="one_attendance_week"
            ),
            models.CheckConstraint(
                name="attendance_week_starts_monday",
                condition=Q(week_start__week_day=2),  # PostgreSQL: Sunday = 1, Monday = 2
            ),
        ]

    def __str__(self) -> str:
        return f"Uke fra {self.week_start:%d.%m.%Y}"


class Absence(models.Model):
    """A planned day the participant was not present, by type. Only exceptions are stored:
    a planned day without a row is a day present."""

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="absences"
    )
    programme = models.ForeignKey(
        "decisions.Programme", on_delete=models.PROTECT, related_name="absences"
    )
    day = models.DateField("dag")
    kind = models.CharField("fraværstype", max_length=25, choices=AbsenceKind.choices)
    override_reason = models.CharField(
        "begrunnelse for å overstyre kvoten", max_length=300, blank=True
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["day"]
        verbose_name = "fravær"
        verbose_name_plural = "fravær"
        constraints = [
            models.UniqueConstraint(fields=["participant", "day"], name="one_absence_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.day:%d.%m.%Y}"


class IncomeKind(models.TextChoices):
    WORK = "arbeid", "Arbeidsinntekt (timer)"
    APPRENTICE = "laerling", "Lærlingelønn (timer)"
    UNEMPLOYMENT = "dagpenger", "Dagpenger"
    SICKNESS = "sykepenger", "Sykepenger"
    PARENTAL = "foreldrepenger", "Foreldrepenger"
    HOUSING = "bostotte", "Bostøtte"
    CHILD_BENEFIT = "barnetrygd", "Barnetrygd"
    CASH_BENEFIT = "kontantstotte", "Kontantstøtte"
    LUMP_SUM = "engangsstonad", "Engangsstønad"
    SUPPLEMENTARY = "tilleggsstonad", "Tilleggsstønader"
    CHILD_MAINTENANCE = "barnebidrag", "Barnebidrag"


HOURS_KINDS = frozenset({IncomeKind.WORK, IncomeKind.APPRENTICE})


class IncomeRecord(models.Model):
    """Work hours (S8) or a benefit received (S9) for the payment period containing `applies_on`."""

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="income_records"
    )
    kind = models.CharField("type", max_length=20, choices=IncomeKind.choices)
    applies_on = models.DateField("gjelder utbetalingsperioden med dato")
    hours = models.DecimalField("timer", max_digits=6, decimal_places=2, null=True, blank=True)
    amount_ore = models.BigIntegerField("beløp (øre)", null=True, blank=True)
    note = models.CharField("merknad", max_length=200, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["applies_on", "pk"]
        constraints = [
            models.CheckConstraint(
                name="income_hours_or_amount",
                condition=(
                    Q(kind__in=["arbeid", "laerling"], hours__gt=0, amount_ore__isnull=True)
                    | (
                        ~Q(kind__in=["arbeid", "laerling"])
                        & Q(hours__isnull=True, amount_ore__gt=0)
                    )
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.applies_on:%d.%m.%Y}"


# --- The payment basis (S1–S10) ------------------------------------------------------------------


class BasisStatus(models.TextChoices):
    DRAFT = "utkast", "Utkast"
    APPROVED = "godkjent", "Godkjent"


class PaymentBasis(models.Model):
    """The stipend of one programme for one payment period (utbetalingsgrunnlag): computed from
    attendance, income and the G register, approved by the caseworker, exported for payroll.
    `inputs` keeps the data it was computed from, so a G regulation recomputes exactly what
    was approved with only G changed (back pay, S2)."""

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="payment_bases"
    )
    programme = models.ForeignKey(
        "decisions.Programme", on_delete=models.PROTECT, related_name="payment_bases"
    )
    office = models.ForeignKey("caseworker.Office", on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField("periode fra")
    period_end = models.DateField("periode til")
    status = models.CharField(
        "status", max_length=10, choices=BasisStatus.choices, default=BasisStatus.DRAFT
    )
    inputs = models.JSONField("beregnet fra", default=dict)
    computed_total_ore = models.BigIntegerField("beregnet beløp (øre)", default=0)
    computed_at = models.DateTimeField("beregnet")
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField("godkjent", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period_start", "pk"]
        verbose_name = "utbetalingsgrunnlag"
        verbose_name_plural = "utbetalingsgrunnlag"
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "period_start"], name="one_basis_per_programme_period"
            ),
            models.CheckConstraint(
                name="basis_period_in_order", condition=Q(period_end__gte=F("period_start"))
            ),
            models.CheckConstraint(
                name="approved_basis_has_approver",
                condition=Q(status="utkast") | Q(approved_by__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"Utbetalingsgrunnlag {self.period_start:%d.%m.%Y}–{self.period_end:%d.%m.%Y}"

    @property
    def is_approved(self) -> bool:
        return self.status == BasisStatus.APPROVED


class PaymentLine(models.Model):
    basis = models.ForeignKey(PaymentBasis, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField()
    kind = models.CharField("type", max_length=20)
    text = models.TextField("forklaring")
    rule = models.CharField("regel", max_length=20)
    days = models.PositiveIntegerField("dager", default=0)
    rate_ore = models.BigIntegerField("sats (øre)", default=0)
    amount_ore = models.BigIntegerField("beløp (øre)")
    base_amount = models.ForeignKey(
        BaseAmount,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="back_pay_lines",
        help_text="For etterbetaling: G-reguleringen linjen kommer fra.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            # S2: one back pay per basis and G regulation, however often the job runs.
            models.UniqueConstraint(
                fields=["basis", "base_amount"],
                condition=Q(base_amount__isnull=False),
                name="one_back_pay_per_basis_and_g",
            ),
        ]

    def __str__(self) -> str:
        return self.text


class Payslip(models.Model):
    """The participant's payslip for an approved payment basis, kept as issued (STYLE 10): the
    PDF/A bytes, their SHA-256 and the data they were made from. A back pay added later to the
    basis gives a new payslip covering it; the earlier one stays as it was."""

    basis = models.ForeignKey(PaymentBasis, on_delete=models.PROTECT, related_name="payslips")
    line_count = models.PositiveIntegerField("antall linjer")
    pdf = models.BinaryField("PDF")
    sha256 = models.CharField("SHA-256", max_length=64)
    data = models.JSONField("data lønnsslippen ble laget av")
    created_at = models.DateTimeField("laget", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-line_count"]
        verbose_name = "lønnsslipp"
        verbose_name_plural = "lønnsslipper"
        constraints = [
            models.UniqueConstraint(
                fields=["basis", "line_count"], name="one_payslip_per_basis_state"
            ),
        ]

    def __str__(self) -> str:
        return f"Lønnsslipp {self.basis}"


class OfficeRunState(models.TextChoices):
    QUEUED = "queued", "I kø"
    RUNNING = "running", "Beregner"
    DONE = "done", "Ferdig"
    FAILED = "failed", "Stoppet med feil"


OFFICE_RUN_ACTIVE = (OfficeRunState.QUEUED, OfficeRunState.RUNNING)


class OfficeRun(models.Model):
    """A caseworker's or leader's "compute the payment bases of the office for a period" (the
    stipend run, services.payment_bases_compute_many) as a Celery job: the job records its
    result here and the office page shows the latest runs. One run at a time per office and
    period (the constraint), so two clicks cannot compute the same bases twice at once."""

    office = models.ForeignKey(
        "caseworker.Office", on_delete=models.PROTECT, related_name="+", verbose_name="kontor"
    )
    period_start = models.DateField("periode fra")
    period_end = models.DateField("periode til")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="bestilt av",
    )
    requested_at = models.DateTimeField("bestilt", auto_now_add=True)
    state = models.CharField(
        "status", max_length=10, choices=OfficeRunState, default=OfficeRunState.QUEUED
    )
    created = models.PositiveIntegerField("nye", default=0)
    recomputed = models.PositiveIntegerField("beregnet på nytt", default=0)
    approved_untouched = models.PositiveIntegerField("allerede godkjent", default=0)
    inactive = models.PositiveIntegerField("ikke aktive i perioden", default=0)
    failed = models.PositiveIntegerField("feilet", default=0)
    failures = models.JSONField(
        "feil", default=list, blank=True, help_text="[{participant_id, message}]"
    )
    error = models.TextField("feil i kjøringen", blank=True)
    finished_at = models.DateTimeField("ferdig", null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = "beregning for kontoret"
        verbose_name_plural = "beregninger for kontoret"
        constraints = [
            models.UniqueConstraint(
                # Bases are keyed by programme and period start (PaymentBasis).
                fields=["office", "period_start"],
                condition=Q(state__in=["queued", "running"]),
                name="one_active_office_run_per_period",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="office_run_period_order"
            ),
        ]

    def __str__(self) -> str:
        return f"Beregning {self.period_start:%d.%m.%Y}–{self.period_end:%d.%m.%Y}"

    @property
    def active(self) -> bool:
        return self.state in OFFICE_RUN_ACTIVE
