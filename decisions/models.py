"""The case: applications with their § 29 assessment, programmes, and decisions (vedtak)
with two-person approval. Legal rules live in decisions/rules (pure Python); the database
backs the invariants that must hold whatever the code does: one open programme per person,
no self-approval, approved decisions never change."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import (
    ArrayField,
    BigIntegerRangeField,
    DateRangeField,
    RangeBoundary,
    RangeOperators,
)
from django.db import models
from django.db.models import F, Func, Q, Value
from django.db.models.functions import Cast

from caseworker.models import Office
from participants.models import Participant

# The database default of the KOSTRA array columns, so set-based loaders (the bench commands)
# that do not name them still insert rows.
EMPTY_ARRAY = models.Value("{}")


class DateRange(models.Func):
    function = "DATERANGE"
    output_field = DateRangeField()


class SameProgramme(models.Func):
    """The programme id as a one-value range, so an exclusion constraint can say "same
    programme" with the built-in range operator class (plain equality on an integer needs
    the btree_gist extension, which the embedded PostgreSQL does not ship)."""

    function = "INT8RANGE"
    output_field = BigIntegerRangeField()

    def __init__(self, field: str = "programme"):
        super().__init__(F(field), F(field), models.Value("[]"))


class ApplicationStatus(models.TextChoices):
    RECEIVED = "mottatt", "Mottatt"
    IN_PROGRESS = "under_behandling", "Under behandling"
    DECIDED = "avgjort", "Avgjort"
    WITHDRAWN = "trukket", "Trukket"
    DISMISSED = "henlagt", "Henlagt"


class ReceivedVia(models.TextChoices):
    DIGITAL = "digital", "Digital søknad"
    PAPER = "papir", "Papirsøknad"
    IN_PERSON = "oppmote", "Ved oppmøte på NAV-kontoret"
    OTHER = "annet", "Annet"


class Benefit(models.TextChoices):
    """Benefits checked before KVP (V3: KVP is subsidiary)."""

    AAP = "aap", "Arbeidsavklaringspenger (AAP)"
    DISABILITY = "uforetrygd", "Uføretrygd"
    TRANSITION = "overgangsstonad", "Overgangsstønad"
    UNEMPLOYMENT = "dagpenger", "Dagpenger"
    SICKNESS = "sykepenger", "Sykepenger"
    SOCIAL_ASSISTANCE = "sosialhjelp", "Økonomisk sosialhjelp"


class BenefitBefore(models.TextChoices):
    """Benefits in the two months before the application, in KOSTRA 11CF's codes (YTELSE_*).
    Social assistance is one of two: the main source of income (2) or a supplement (3)."""

    SOCIAL_ASSISTANCE_MAIN = "2", "Økonomisk sosialhjelp som viktigste kilde til livsopphold"
    SOCIAL_ASSISTANCE_SUPPLEMENT = "3", "Økonomisk sosialhjelp som supplement"
    INTRODUCTION = "4", "Introduksjonsstønad"
    INDIVIDUAL_STIPEND = "5", "Individstønad eller tiltakspenger"
    NATIONAL_INSURANCE = "6", "Livsoppholdsytelse etter folketrygdloven"


class AssistanceDuring(models.TextChoices):
    """Housing support and social assistance while receiving the stipend (KVP_MED_*)."""

    MUNICIPAL_HOUSING = "4", "Kommunal bostøtte"
    HUSBANKEN_HOUSING = "5", "Husbankens bostøtte"
    ONE_OFF = "9", "Økonomisk sosialhjelp som engangsstønad"
    PROGRAMME_COSTS = "8", "Økonomisk sosialhjelp til utgifter knyttet til programmet"
    FIXED_SUPPLEMENT = "7", "Økonomisk sosialhjelp som fast supplement"


class Condition(models.TextChoices):
    """The § 29 conditions (V2)."""

    REDUCED_CAPACITY = "reduced_capacity", "Vesentlig nedsatt arbeids- og inntektsevne"
    NO_OR_LIMITED_BENEFITS = (
        "no_or_limited_benefits",
        "Ingen eller svært begrensede ytelser til livsopphold etter folketrygdloven eller "
        "arbeidsmarkedsloven",
    )
    WORK_CAPACITY_ASSESSED = "work_capacity_assessed", "Arbeidsevnevurdering er gjennomført"
    CLOSE_FOLLOW_UP_NEEDED = (
        "close_follow_up_needed",
        "Tett og koordinert bistand er hensiktsmessig og nødvendig",
    )


class VersionedModel(models.Model):
    """Optimistic locking: services update WHERE version = the version the form was built on."""

    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField("opprettet", auto_now_add=True)
    updated_at = models.DateTimeField("sist endret", auto_now=True)

    class Meta:
        abstract = True


class Application(VersionedModel):
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="applications", verbose_name="deltaker"
    )
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField("mottatt dato")
    received_via = models.CharField("hvordan søknaden kom inn", max_length=20, choices=ReceivedVia)
    status = models.CharField(
        "status", max_length=20, choices=ApplicationStatus, default=ApplicationStatus.RECEIVED
    )
    benefits_checked = ArrayField(
        models.CharField(max_length=20, choices=Benefit),
        verbose_name="ytelser som er undersøkt",
        default=list,
        blank=True,
    )
    entitled_benefits = ArrayField(
        models.CharField(max_length=20, choices=Benefit),
        verbose_name="ytelser personen har rett til",
        default=list,
        blank=True,
    )
    work_capacity_assessed_on = models.DateField("arbeidsevnevurdering dato", null=True, blank=True)
    work_capacity_reference = models.CharField(
        "arbeidsevnevurdering referanse", max_length=100, blank=True
    )
    interim_reply_sent_on = models.DateField("foreløpig svar sendt", null=True, blank=True)
    # KOSTRA 11CF (K1): what the person lived on in the two months before applying, and
    # whether they come from a programme in another municipality.
    benefits_before = ArrayField(
        models.CharField(max_length=1, choices=BenefitBefore),
        verbose_name="ytelser de siste to månedene før søknaden",
        default=list,
        db_default=EMPTY_ARRAY,
        blank=True,
    )
    previous_kvp_municipality = models.CharField(
        "kommunenummer for tidligere kvalifiseringsprogram",
        max_length=4,
        blank=True,
        default="",
        db_default="",
    )
    closed_reason = models.TextField("begrunnelse for trukket/henlagt", blank=True)
    # A decided application taken up for a new assessment (today only by the appeals app, on
    # an appeal of a rejection under office review, fvl § 33): when, and why in words.
    reopened_at = models.DateTimeField("tatt opp til ny behandling", null=True, blank=True)
    reopened_reason = models.TextField(
        "grunnen til ny behandling", blank=True, default="", db_default=""
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = "søknad"
        verbose_name_plural = "søknader"

    def __str__(self) -> str:
        return f"Søknad mottatt {self.received_on:%d.%m.%Y}"

    @property
    def is_open(self) -> bool:
        return self.status in (ApplicationStatus.RECEIVED, ApplicationStatus.IN_PROGRESS)


class EligibilityAssessment(models.Model):
    """One verdict and begrunnelse per § 29 condition (V2)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="assessments"
    )
    condition = models.CharField("vilkår", max_length=40, choices=Condition)
    fulfilled = models.BooleanField("oppfylt", null=True)
    reasoning = models.TextField("begrunnelse", blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assessed_at = models.DateTimeField("vurdert", auto_now=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "condition"], name="one_assessment_per_condition"
            )
        ]

    def __str__(self) -> str:
        return self.get_condition_display()


class Programme(models.Model):
    """One participant's programme. Created when a grant is approved; its state (planned,
    active, interrupted, ended) follows from its approved decisions and today's date."""

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="programmes", verbose_name="deltaker"
    )
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="programme"
    )
    start_date = models.DateField("startdato")
    ended_on = models.DateField("avsluttet", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # KOSTRA 11CF (K1) KVP_MED_*: None until recorded; then whether the participant had
    # social assistance or housing support during the period with stipend, and which.
    received_assistance = models.BooleanField(
        "mottok sosialhjelp eller bostøtte i perioden med stønad", null=True, blank=True
    )
    assistance_during = ArrayField(
        models.CharField(max_length=1, choices=AssistanceDuring),
        verbose_name="sosialhjelp og bostøtte i perioden med stønad",
        default=list,
        db_default=EMPTY_ARRAY,
        blank=True,
    )

    class Meta:
        ordering = ["-start_date"]
        verbose_name = "kvalifiseringsprogram"
        verbose_name_plural = "kvalifiseringsprogram"
        constraints = [
            # V5: any number of programmes over time, but at most one open at once.
            models.UniqueConstraint(
                fields=["participant"],
                condition=Q(ended_on__isnull=True),
                name="one_open_programme_per_participant",
            ),
            models.CheckConstraint(
                name="programme_ends_after_start",
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("start_date")),
            ),
        ]

    def __str__(self) -> str:
        return f"Kvalifiseringsprogram fra {self.start_date:%d.%m.%Y}"


class LeaveReason(models.TextChoices):
    BIRTH_MOTHER = "birth_mother", "Permisjon etter fødsel (mor)"
    BIRTH_FATHER = "birth_father", "Permisjon ved fødsel (far/medmor)"
    ADOPTION = "adoption", "Permisjon ved adopsjon"
    OTHER = "other", "Annen godkjent permisjon"


class ApprovedLeave(models.Model):
    """Godkjent permisjon: days that do not count as programme time (D2)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="leaves")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+")
    start = models.DateField("fra")
    end = models.DateField("til og med")
    reason = models.CharField("grunn", max_length=20, choices=LeaveReason)
    note = models.TextField("merknad", blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["start"]
        verbose_name = "godkjent permisjon"
        verbose_name_plural = "godkjente permisjoner"
        constraints = [
            models.CheckConstraint(name="leave_ends_after_start", condition=Q(end__gte=F("start"))),
            ExclusionConstraint(
                name="leaves_do_not_overlap",
                expressions=[
                    (SameProgramme(), RangeOperators.OVERLAPS),
                    (
                        DateRange(
                            "start",
                            "end",
                            RangeBoundary(inclusive_lower=True, inclusive_upper=True),
                        ),
                        RangeOperators.OVERLAPS,
                    ),
                ],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} {self.start:%d.%m.%Y}–{self.end:%d.%m.%Y}"


class DecisionKind(models.TextChoices):
    GRANT = "grant", "Innvilgelse"
    REJECTION = "rejection", "Avslag"
    EXTENSION = "extension", "Forlengelse"
    SPECIAL_EXTENSION = "special_extension", "Forlengelse ved særlige grunner"
    INTERRUPTION = "interruption", "Midlertidig avbrudd"
    RESUMPTION = "resumption", "Gjenopptak"
    TERMINATION = "termination", "Avslutning"


PERIOD_KINDS = (DecisionKind.GRANT, DecisionKind.EXTENSION, DecisionKind.SPECIAL_EXTENSION)
APPLICATION_KINDS = (DecisionKind.GRANT, DecisionKind.REJECTION)


class DecisionStatus(models.TextChoices):
    DRAFT = "draft", "Utkast"
    AWAITING_APPROVAL = "awaiting_approval", "Til godkjenning"
    RETURNED = "returned", "Returnert"
    APPROVED = "approved", "Vedtatt"


class ReturnReason(models.TextChoices):
    REASONING = "reasoning", "Begrunnelsen er mangelfull"
    PERIOD = "period", "Feil periode eller dato"
    ASSESSMENT = "assessment", "Vilkårsvurderingen er mangelfull"
    LEGAL_BASIS = "legal_basis", "Feil hjemmel"
    FACTS = "facts", "Saken er ikke godt nok opplyst"
    OTHER = "other", "Annet"


class TerminationReason(models.TextChoices):
    COMPLETED = "completed", "Programmet er gjennomført"
    WORK = "work", "Har fått arbeid"
    EDUCATION = "education", "Har begynt på utdanning"
    DISABILITY = "disability_benefit", "Har fått uføretrygd"
    AAP = "aap", "Har fått arbeidsavklaringspenger"
    MOVED = "moved", "Har flyttet fra kommunen"
    REPEATED_INTERRUPTIONS = "repeated_interruptions", "Gjentatte avbrudd"
    INTERRUPTION_LIMIT = "interruption_limit", "Avbrutt i ett år (sotjl. § 34 tredje ledd)"
    NOT_ELIGIBLE = "no_longer_eligible", "Fyller ikke lenger vilkårene"
    OTHER = "other", "Annet"


class SituationAfter(models.TextChoices):
    """The participant's situation right after the programme, in KOSTRA 11CF's codes
    (../shared/domain/kostra-11cf-2026-fields.csv, AVSL_* fields)."""

    WORK = "01", "Ordinært arbeid"
    WAGE_SUBSIDY = "11", "Arbeid med lønnstilskudd"
    LABOUR_MARKET_MEASURE = "03", "Statlig arbeidsmarkedstiltak"
    EDUCATION = "04", "Skole eller utdanning"
    DISABILITY = "13", "Uføretrygd"
    AAP = "14", "Arbeidsavklaringspenger"
    ASSISTANCE_PENDING = "15", "Sosialhjelp i påvente av avklaring av uføretrygd eller AAP"
    ASSISTANCE = "16", "Sosialhjelp uten slik avklaring"
    OTHER = "10", "Annet"
    UNKNOWN = "17", "Ukjent"


class Decision(VersionedModel):
    """A vedtak. Drafted by one caseworker, approved by another (totrinnskontroll); it takes
    effect only when approved, and an approved decision never changes (migration 0002)."""

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="decisions", verbose_name="deltaker"
    )
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions"
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions"
    )
    kind = models.CharField("vedtakstype", max_length=20, choices=DecisionKind)
    status = models.CharField(
        "status", max_length=20, choices=DecisionStatus, default=DecisionStatus.DRAFT
    )
    period_start = models.DateField("periode fra", null=True, blank=True)
    period_end = models.DateField("periode til", null=True, blank=True)
    effective_date = models.DateField("gjelder fra", null=True, blank=True)
    reasoning = models.TextField("begrunnelse", blank=True)
    legal_basis = models.TextField("hjemmel", blank=True)
    # Kind-specific content: reasons, assessments (A3, D4), unmet conditions, V4 exception,
    # termination reason and the participant's situation after (KOSTRA 11CF codes).
    details = models.JSONField("opplysninger", default=dict, blank=True)

    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_for_approval_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    return_reason = models.CharField(max_length=20, choices=ReturnReason, blank=True)
    return_comment = models.TextField(blank=True)
    notice_date = models.DateField("underretningsdato", null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "vedtak"
        verbose_name_plural = "vedtak"
        indexes = [
            models.Index(
                fields=["office", "status", "sent_for_approval_at"], name="decision_queue"
            ),
            # The nightly deadline scan (decisions/deadlines.py) reads each programme's approved
            # periods and events from this index alone, in programme order.
            models.Index(
                fields=["programme"],
                include=["kind", "period_end", "effective_date"],
                condition=Q(
                    status="approved",
                    kind__in=[
                        "grant",
                        "extension",
                        "special_extension",
                        "interruption",
                        "resumption",
                    ],
                ),
                name="decision_deadline_scan",
            ),
            # The leaders' dashboard's application processing time: grants and rejections
            # approved on a day in the year (reporting/dashboard.py, "processing"). Without it
            # PostgreSQL reads every decision of the country for an Oslo-sized office
            # (make bench: 140 ms of the dashboard's 380). Oslo's calendar day, as the query
            # writes it (settings.TIME_ZONE), so the planner matches the expression.
            models.Index(
                Cast(
                    Func(Value("Europe/Oslo"), F("approved_at"), function="timezone"),
                    models.DateField(),
                ),
                F("application"),
                name="decision_decided_on",
                condition=Q(status="approved", kind__in=["grant", "rejection"]),
            ),
        ]
        constraints = [
            # No two approved vedtak periods of one programme overlap (D3), whatever the code.
            ExclusionConstraint(
                name="decision_periods_do_not_overlap",
                expressions=[
                    (SameProgramme(), RangeOperators.OVERLAPS),
                    (
                        DateRange(
                            "period_start",
                            "period_end",
                            RangeBoundary(inclusive_lower=True, inclusive_upper=True),
                        ),
                        RangeOperators.OVERLAPS,
                    ),
                ],
                condition=Q(
                    status="approved", kind__in=["grant", "extension", "special_extension"]
                ),
            ),
            # One decision in the works per application and per programme, even when two
            # caseworkers draft at the same moment.
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(application__isnull=False) & ~Q(status="approved"),
                name="one_pending_decision_per_application",
            ),
            models.UniqueConstraint(
                fields=["programme"],
                condition=Q(programme__isnull=False) & ~Q(status="approved"),
                name="one_pending_decision_per_programme",
            ),
            models.CheckConstraint(
                name="decision_not_self_approved",
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=models.F("drafted_by")),
            ),
            models.CheckConstraint(
                name="decision_approved_has_approver",
                condition=~Q(status="approved")
                | (Q(approved_by__isnull=False) & Q(approved_at__isnull=False)),
            ),
            models.CheckConstraint(
                name="decision_period_kinds_have_period",
                condition=~Q(kind__in=["grant", "extension", "special_extension"])
                | (
                    Q(period_start__isnull=False)
                    & Q(period_end__isnull=False)
                    & Q(period_end__gte=models.F("period_start"))
                ),
            ),
            models.CheckConstraint(
                name="decision_dated_kinds_have_date",
                condition=~Q(kind__in=["interruption", "resumption", "termination"])
                | Q(effective_date__isnull=False),
            ),
            models.CheckConstraint(
                name="decision_programme_kinds_have_programme",
                condition=~Q(
                    kind__in=[
                        "extension",
                        "special_extension",
                        "interruption",
                        "resumption",
                        "termination",
                    ]
                )
                | Q(programme__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display().lower()})"

    @property
    def is_editable(self) -> bool:
        return self.status in (DecisionStatus.DRAFT, DecisionStatus.RETURNED)


class TaskKind(models.TextChoices):
    """What a task (oppgave) asks the caseworker to act on, with its rule in RULES.md."""

    DECISION_PERIOD_ENDING = (
        "decision_period_ending",
        "Vedtaksperioden går ut – vurder forlengelse eller avslutning",
    )  # D3
    DECISION_PERIOD_OVERDUE = (
        "decision_period_overdue",
        "Vedtaksperioden har gått ut uten vedtak om forlengelse eller avslutning",
    )  # D3
    INTERRUPTION_WARNING = (
        "interruption_warning",
        "Programmet har vært avbrutt i 11 måneder – vurder gjenopptak eller avslutning",
    )  # A4
    INTERRUPTION_LIMIT = (
        "interruption_limit",
        "Programmet har vært avbrutt i ett år – programmet skal avsluttes",
    )  # A4
    MAX_DURATION_NEAR = (
        "max_duration_near",
        "Programmet når maksimal varighet innen tre måneder",
    )  # D1
    TURNS_25 = "turns_25", "Deltakeren fyller 25 år i vedtaksperioden – full sats"  # S3
    TURNS_67 = "turns_67", "Deltakeren fyller 67 år – programmet kan ikke forlenges"  # V1
    INTERIM_REPLY_DUE = (
        "interim_reply_due",
        "Søknaden er eldre enn én måned uten vedtak – send foreløpig svar",
    )  # F3
    CHILD_TURNS_18 = (
        "child_turns_18",
        "Et barn deltakeren forsørger fyller 18 år – barnetillegget faller bort",
    )  # S4
    BASE_AMOUNT_MISSING = (
        "base_amount_missing",
        "Grunnbeløpet (G) for inneværende G-år er ikke registrert",
    )  # S2: for administrators, about no participant
    # Appeals (appeals app, F4): made and closed by the appeal services at state changes, not
    # by the nightly scan.
    APPEAL_REVIEW = (
        "appeal_review",
        "Klage mottatt – kontoret skal vurdere klagen og omgjøre eller sende den "
        "til Statsforvalteren (fvl. § 33)",
    )  # F4
    APPEAL_OUTCOME = (
        "appeal_outcome",
        "Statsforvalteren har avgjort klagen – følg opp utfallet",
    )  # F4


# Kinds about the whole system rather than one participant's case: they have no participant,
# office, programme or application, and only administrators see them.
SYSTEM_TASK_KINDS = (TaskKind.BASE_AMOUNT_MISSING,)


class TaskStatus(models.TextChoices):
    OPEN = "open", "Åpen"
    CLOSED = "closed", "Lukket"


class TaskClosedReason(models.TextChoices):
    RESOLVED = "resolved", "Årsaken er borte"
    ESCALATED = "escalated", "Erstattet av en mer presserende oppgave"


class Task(models.Model):
    """An oppgave: a deadline found by the nightly scan (decisions/deadlines.py). One per
    kind, programme (or application) and due date, so a scan run twice creates nothing new;
    the scan closes it itself when its cause is gone. A system task (SYSTEM_TASK_KINDS) is
    about no case: one per kind and due date, for administrators."""

    kind = models.CharField("type", max_length=30, choices=TaskKind)
    participant = models.ForeignKey(
        Participant,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name="deltaker",
    )
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, null=True, blank=True, related_name="tasks"
    )
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, null=True, blank=True, related_name="tasks"
    )
    due_date = models.DateField("frist")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name="saksbehandler",
    )
    status = models.CharField("status", max_length=10, choices=TaskStatus, default=TaskStatus.OPEN)
    created_at = models.DateTimeField("opprettet", auto_now_add=True)
    closed_at = models.DateTimeField("lukket", null=True, blank=True)
    closed_reason = models.CharField(
        "grunn til lukking", max_length=20, choices=TaskClosedReason, blank=True
    )

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = "oppgave"
        verbose_name_plural = "oppgaver"
        indexes = [
            models.Index(fields=["office", "status", "due_date"], name="task_worklist"),
            models.Index(fields=["assignee", "status", "due_date"], name="task_my_worklist"),
            # The leaders' dashboard: the open tasks of an office's participants (whoever the
            # task's office or assignee). Closed tasks pile up for ever; open ones do not.
            models.Index(
                fields=["participant", "due_date"],
                condition=Q(status="open"),
                name="task_open_by_participant",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "programme", "application", "due_date"],
                nulls_distinct=False,
                name="one_task_per_cause_and_due_date",
            ),
            models.CheckConstraint(
                name="task_is_about_a_case_or_the_system",
                condition=(
                    (Q(programme__isnull=False) | Q(application__isnull=False))
                    & Q(participant__isnull=False, office__isnull=False)
                    & ~Q(kind__in=SYSTEM_TASK_KINDS)
                )
                | Q(
                    kind__in=SYSTEM_TASK_KINDS,
                    participant__isnull=True,
                    office__isnull=True,
                    programme__isnull=True,
                    application__isnull=True,
                ),
            ),
            models.CheckConstraint(
                name="task_closed_has_time",
                condition=Q(status="open") | Q(closed_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} (frist {self.due_date:%d.%m.%Y})"


class DigestSent(models.Model):
    """One daily task digest (decisions/digest.py) per user and day: the row is written in the
    same transaction as the e-mail is sent, so a retried or doubled job sends once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField("dag")
    sent_at = models.DateTimeField("sendt", auto_now_add=True)
    new_count = models.PositiveIntegerField("nye oppgaver", default=0)
    overdue_count = models.PositiveIntegerField("forfalte oppgaver", default=0)

    class Meta:
        ordering = ["-day", "user"]
        verbose_name = "sendt oppgavesammendrag"
        verbose_name_plural = "sendte oppgavesammendrag"
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="one_digest_per_user_and_day"),
        ]

    def __str__(self) -> str:
        return f"Oppgavesammendrag {self.day:%d.%m.%Y}"


# --- Documents: vedtaksbrev and deltakerbevis (decisions/documents.py) -------------------------


class DocumentKind(models.TextChoices):
    DECISION_LETTER = "vedtaksbrev", "Vedtaksbrev"
    CERTIFICATE = "deltakerbevis", "Deltakerbevis"
    # Appeals (appeals app, F4); each belongs to the appealed decision.
    APPEAL = "klage", "Klage"
    COVER_LETTER = "oversendelsesbrev", "Oversendelsesbrev til Statsforvalteren"
    CASE_SUMMARY = "sakssammendrag", "Sakssammendrag"
    APPEAL_OUTCOME = "klageavgjorelse", "Statsforvalterens avgjørelse"


APPEAL_DOCUMENT_KINDS = ("klage", "oversendelsesbrev", "sakssammendrag", "klageavgjorelse")


class Document(models.Model):
    """An issued PDF/A document, kept as sent: the bytes, their SHA-256 and the exact data
    the template was filled with. It is never rendered again; downloads serve these bytes
    (STYLE 10), so a later change of name or address does not change what was sent."""

    kind = models.CharField("type", max_length=20, choices=DocumentKind)
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="documents", verbose_name="deltaker"
    )
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    title = models.CharField("tittel", max_length=200)
    pdf = models.BinaryField("PDF")
    sha256 = models.CharField("SHA-256", max_length=64)
    data = models.JSONField("data dokumentet ble laget av")
    template_version = models.CharField("malversjon", max_length=20)
    created_at = models.DateTimeField("laget", auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "dokument"
        verbose_name_plural = "dokumenter"
        constraints = [
            # The Celery task may run twice; the letter is made once.
            models.UniqueConstraint(
                fields=["decision"],
                condition=Q(kind="vedtaksbrev"),
                name="one_letter_per_decision",
            ),
            models.UniqueConstraint(
                fields=["programme"],
                condition=Q(kind="deltakerbevis"),
                name="one_certificate_per_programme",
            ),
            models.CheckConstraint(
                name="document_belongs_to_its_case",
                condition=Q(kind="vedtaksbrev", decision__isnull=False)
                | Q(kind="deltakerbevis", programme__isnull=False)
                | Q(kind__in=APPEAL_DOCUMENT_KINDS, decision__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def filename(self) -> str:
        return f"{self.kind}-{self.created_at:%Y-%m-%d}-{self.pk}.pdf"


class CertificateStatus(models.TextChoices):
    DRAFT = "draft", "Utkast"
    AWAITING_REVIEW = "awaiting_review", "Til kontroll"
    REVIEWED = "reviewed", "Kontrollert – klar til utstedelse"
    ISSUED = "issued", "Utstedt"


class CertificateBatch(models.Model):
    """A leader's "issue all reviewed certificates of the office": the Celery task counts its
    progress here, and the page polls it."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "utstedelse av deltakerbevis"
        verbose_name_plural = "utstedelser av deltakerbevis"

    def __str__(self) -> str:
        return f"Utstedelse av {self.total} deltakerbevis"

    @property
    def finished(self) -> bool:
        return self.finished_at is not None


class ParticipationCertificate(VersionedModel):
    """Deltakerbevis (P6): drafted when a programme is ended, completed by the caseworker,
    reviewed by someone else, then issued as a stored PDF/A Document."""

    programme = models.OneToOneField(
        Programme, on_delete=models.PROTECT, related_name="certificate"
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="+", verbose_name="deltaker"
    )
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        "status", max_length=20, choices=CertificateStatus, default=CertificateStatus.DRAFT
    )
    # [{"description", "start", "end" (ISO dates), "hours_per_week"}]: from the programme plan
    # when it exists (documents.certificate_draft_data), else filled in by the caseworker.
    activities = models.JSONField("tiltak og aktiviteter", default=list, blank=True)
    full_time = models.BooleanField("programmet var på full tid", default=True)  # P1
    attendance = models.TextField("oppmøte", blank=True)
    competence = models.TextField("arbeidsrelevant kompetanse", blank=True)
    resources = models.TextField("ressurser", blank=True)
    progression = models.TextField("progresjon", blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_for_review_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    document = models.OneToOneField(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    batch = models.ForeignKey(
        CertificateBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="certificates",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "deltakerbevis"
        verbose_name_plural = "deltakerbevis"
        constraints = [
            models.CheckConstraint(
                name="certificate_not_self_reviewed",
                condition=Q(reviewed_by__isnull=True) | ~Q(reviewed_by=F("edited_by")),
            ),
            models.CheckConstraint(
                name="certificate_issued_has_document",
                condition=~Q(status="issued") | Q(document__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"Deltakerbevis ({self.get_status_display().lower()})"

    @property
    def is_editable(self) -> bool:
        return self.status == CertificateStatus.DRAFT
