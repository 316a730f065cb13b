"""Forms for the case pages. They check the shape of input; the legal rules come back from
decisions.services as ValidationError and are put on the form by the view."""

from __future__ import annotations

import datetime
from typing import Any

from crispy_forms.bootstrap import InlineCheckboxes, InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout, Submit
from django import forms
from django.core.validators import RegexValidator
from django.urls import reverse
from django.utils.html import format_html

from decisions import rules
from decisions.models import (
    ApplicationStatus,
    ApprovedLeave,
    AssistanceDuring,
    Benefit,
    BenefitBefore,
    Condition,
    Decision,
    DecisionKind,
    LeaveReason,
    ReceivedVia,
    ReturnReason,
    SituationAfter,
    TerminationReason,
)
from decisions.services import D4_FIELDS, LEGAL_BASIS
from kvp import clock
from participants.forms import DateInput, ProtectionField

TEXT_MAX = 5000  # begrunnelser: long enough for any real text, short enough to refuse junk
DATE_HELP = "dd.mm.åååå"
DATE_ERRORS = {"invalid": "Skriv datoen som dd.mm.åååå, for eksempel 03.04.2026."}

# The participant's situation right after the programme, in KOSTRA 11CF's codes
# (../shared/domain/kostra-11cf-2026-fields.csv, fields AVSL_*), in the order SSB lists them.
SITUATION_AFTER = SituationAfter.choices
SITUATION_AFTER_LABELS = dict(SITUATION_AFTER)

# A6: the absence causes that protect against termination in the first year.
ABSENCE_CAUSES = [("", "Nei, ikke aktuelt")] + [
    (code, label)
    for code, label in rules.ABSENCE_CAUSE_LABELS.items()
    if code in rules.policy.A6_PROTECTED_ABSENCE_CAUSES
]

D4_LABELS = {
    "necessity": "Hvorfor forlengelsen er nødvendig for å nå arbeidsmålet",
    "progression": "Deltakerens progresjon i programmet",
    "motivation": "Deltakerens motivasjon",
    "work_likelihood": "Sannsynligheten for arbeid når programmet er slutt",
    "labour_market": "Situasjonen på arbeidsmarkedet",
}

MUNICIPALITY_VALIDATOR = RegexValidator(r"^[0-9]{4}$", "Kommunenummeret må være fire siffer.")


def _one_kind_of_assistance(codes: list[str]) -> list[str]:
    """KOSTRA 11CF YTELSE_TYPE_SOSHJ holds one code: social assistance was either the main
    source of income or a supplement."""
    if {BenefitBefore.SOCIAL_ASSISTANCE_MAIN, BenefitBefore.SOCIAL_ASSISTANCE_SUPPLEMENT} <= set(
        codes
    ):
        raise forms.ValidationError(
            "Velg om sosialhjelpen var viktigste kilde til livsopphold eller et supplement, "
            "ikke begge."
        )
    return [c for c in BenefitBefore.values if c in codes]


VERDICT_CHOICES = [("yes", "Oppfylt"), ("no", "Ikke oppfylt"), ("", "Ikke vurdert")]
VERDICT_VALUES = {"yes": True, "no": False, "": None}


def text_field(label: str, *, required: bool = True, help_text: str = "", rows: int = 4):
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT_MAX,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": f"Skriv {label[0].lower() + label[1:]}.",
            "max_length": f"Teksten kan ikke være lengre enn {TEXT_MAX} tegn.",
        },
    )


def date_field(label: str, *, required: bool = True, help_text: str = DATE_HELP):
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=DateInput(attrs={"size": 10}),
        error_messages={"required": f"Skriv inn {label[0].lower() + label[1:]}.", **DATE_ERRORS},
    )


def _plausible(value: datetime.date | None, field_label: str) -> datetime.date | None:
    """Dates far from today are typing mistakes (and would overflow date arithmetic)."""
    if value is not None and not (1900 <= value.year <= clock.today().year + 10):
        raise forms.ValidationError(f"Sjekk {field_label}: året ser feil ut.")
    return value


class VersionForm(forms.Form):
    """A POST that acts on an object without other input (send, approve, delete)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)


# --- Applications ------------------------------------------------------------------------------


class ApplicationRegisterForm(forms.Form):
    received_on = date_field("Mottatt dato")
    received_via = forms.ChoiceField(
        label="Hvordan kom søknaden inn?",
        choices=ReceivedVia.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Velg hvordan søknaden kom inn."},
    )
    benefits_before = forms.MultipleChoiceField(
        label="Hva levde søkeren av de siste to månedene før søknaden?",
        choices=BenefitBefore.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Til KOSTRA-rapporteringen (11CF). Kryss av for alle som passer.",
    )
    previous_kvp_municipality = forms.CharField(
        label="Kommunenummer hvis søkeren kommer fra kvalifiseringsprogram i en annen kommune",
        required=False,
        max_length=4,
        validators=[MUNICIPALITY_VALIDATOR],
        help_text="Fire siffer. La stå tomt hvis ikke.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("received_on", clock.today())
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "received_on",
            "received_via",
            "benefits_before",
            "previous_kvp_municipality",
            Div(Submit("submit", "Registrer søknaden"), css_class="kvp-form-actions"),
        )

    def clean_received_on(self):
        return _plausible(self.cleaned_data["received_on"], "mottatt dato")

    def clean_benefits_before(self):
        return _one_kind_of_assistance(self.cleaned_data["benefits_before"])

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class AssessmentForm(forms.Form):
    """The § 29 assessment (V2), the benefits checked (V3) and the arbeidsevnevurdering."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)
    benefits_checked = forms.MultipleChoiceField(
        label="Hvilke ytelser er undersøkt?",
        choices=Benefit.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Kvalifiseringsprogrammet er subsidiært (V3).",
    )
    entitled_benefits = forms.MultipleChoiceField(
        label="Hvilke ytelser har personen rett til?",
        choices=Benefit.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Den som har rett til AAP, uføretrygd eller overgangsstønad er utenfor "
        "målgruppen.",
    )
    work_capacity_assessed_on = date_field("Dato for arbeidsevnevurderingen", required=False)
    work_capacity_reference = forms.CharField(
        label="Referanse til arbeidsevnevurderingen",
        required=False,
        max_length=100,
        help_text="For eksempel saksnummeret i Arena eller Modia.",
        error_messages={"max_length": "Referansen kan ikke være lengre enn 100 tegn."},
    )

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application
        assessments = {a.condition: a for a in application.assessments.all()}
        condition_blocks = []
        for condition in Condition:
            existing = assessments.get(condition.value)
            verdict = f"{condition.value}_verdict"
            reasoning = f"{condition.value}_reasoning"
            self.fields[verdict] = forms.ChoiceField(
                label="Vurdering",
                choices=VERDICT_CHOICES,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[reasoning] = text_field("Begrunnelse", required=False, rows=3)
            if existing is not None:
                self.initial[verdict] = {True: "yes", False: "no", None: ""}[existing.fulfilled]
                self.initial[reasoning] = existing.reasoning
            else:
                self.initial[verdict] = ""
            condition_blocks.append(Fieldset(condition.label, InlineRadios(verdict), reasoning))
        self.initial.update(
            version=application.version,
            benefits_checked=application.benefits_checked,
            entitled_benefits=application.entitled_benefits,
            work_capacity_assessed_on=application.work_capacity_assessed_on,
            work_capacity_reference=application.work_capacity_reference,
        )
        self.helper = FormHelper()
        self.helper.form_class = "kvp-form kvp-form--wide"
        self.helper.form_action = reverse("decisions:application_assess", args=[application.pk])
        self.helper.attrs = {"aria-labelledby": "h-vurdering"}
        self.helper.form_error_title = "Vurderingen er ikke lagret. Rett dette først:"
        # "Ikke vurdert" is an answer too: nothing here is marked optional.
        self.helper.mark_optional = False
        self.helper.layout = Layout(
            HTML(
                '<p class="aksel-body-long">Vurder hvert vilkår i sosialtjenesteloven § 29 og '
                "skriv en begrunnelse (F1). Et vilkår som ikke er vurdert ennå, kan stå som "
                "«Ikke vurdert».</p>"
            ),
            *condition_blocks,
            Fieldset(
                "Andre ytelser",
                InlineCheckboxes("benefits_checked"),
                InlineCheckboxes("entitled_benefits"),
            ),
            Fieldset(
                "Arbeidsevnevurdering", "work_capacity_assessed_on", "work_capacity_reference"
            ),
            "version",
            Div(Submit("submit", "Lagre vurderingen"), css_class="kvp-form-actions"),
        )

    def clean_work_capacity_assessed_on(self):
        value = _plausible(self.cleaned_data["work_capacity_assessed_on"], "datoen")
        if value and value > clock.today():
            raise forms.ValidationError("Arbeidsevnevurderingen kan ikke være datert fram i tid.")
        return value

    def assessments(self) -> dict[str, tuple[bool | None, str]]:
        return {
            c: (
                VERDICT_VALUES[self.cleaned_data[f"{c}_verdict"]],
                self.cleaned_data[f"{c}_reasoning"],
            )
            for c in Condition.values
        }

    def service_data(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name]
            for name in (
                "benefits_checked",
                "entitled_benefits",
                "work_capacity_assessed_on",
                "work_capacity_reference",
            )
        }


class InterimReplyForm(forms.Form):
    sent_on = forms.DateField(
        label="Foreløpig svar sendt",
        widget=DateInput(),
        help_text="dd.mm.åååå",
        error_messages={
            "required": "Skriv inn datoen det foreløpige svaret ble sendt.",
            "invalid": "Skriv datoen som dd.mm.åååå.",
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("sent_on", clock.today())
        self.initial["version"] = application.version
        self.helper = FormHelper()
        self.helper.form_action = reverse("decisions:interim_reply", args=[application.pk])
        self.helper.layout = Layout(
            "sent_on",
            "version",
            Submit("submit", "Registrer foreløpig svar", css_class="secondary"),
        )


class LeaveForm(forms.ModelForm):
    class Meta:
        model = ApprovedLeave
        fields = ["reason", "start", "end", "note"]
        widgets = {
            "start": DateInput(),
            "end": DateInput(),
            "note": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {"start": "dd.mm.åååå", "end": "dd.mm.åååå"}
        error_messages = {
            "reason": {"required": "Velg grunnen til permisjonen."},
            "start": {
                "required": "Skriv inn første dag med permisjon.",
                "invalid": "Skriv datoen som dd.mm.åååå.",
            },
            "end": {
                "required": "Skriv inn siste dag med permisjon.",
                "invalid": "Skriv datoen som dd.mm.åååå.",
            },
        }

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [("", "Velg grunn"), *LeaveReason.choices]
        self.helper = FormHelper()
        self.helper.form_action = reverse("decisions:leave_register", args=[programme.pk])
        self.helper.layout = Layout(
            "reason",
            "start",
            "end",
            "note",
            Submit("submit", "Registrer permisjon", css_class="secondary"),
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", "Siste dag kan ikke være før første dag.")
        return cleaned

    def _post_clean(self):
        pass  # the service checks the rules (D2) and the database the overlaps


class ApplicationCloseForm(forms.Form):
    status = forms.ChoiceField(
        label="Hva skjer med søknaden?",
        choices=[
            (ApplicationStatus.WITHDRAWN, "Trukket – søkeren har trukket søknaden"),
            (ApplicationStatus.DISMISSED, "Henlagt – søknaden behandles ikke videre"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Velg om søknaden er trukket eller henlagt."},
    )
    reason = text_field("Begrunnelse")
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["version"] = application.version
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "status",
            "reason",
            "version",
            Div(
                Submit("submit", "Lukk søknaden", css_class="danger"), css_class="kvp-form-actions"
            ),
        )


# --- Decisions ---------------------------------------------------------------------------------


class DecisionForm(forms.Form):
    """One form for every kind of vedtak; the fields that do not belong to the kind are
    removed. `service_data()` gives what decision_draft/decision_update take, with the
    kind-specific content in `details`."""

    # Period kinds (grant, extension, special extension).
    period_start = date_field("Periode fra")
    period_end = date_field("Periode til")
    # Dated kinds (interruption, resumption, termination).
    effective_date = date_field("Gjelder fra")
    # Rejection.
    unmet_conditions = forms.MultipleChoiceField(
        label="Vilkår som ikke er oppfylt",
        choices=Condition.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    v4_exception = forms.BooleanField(
        label="Avslag fordi det vil være uforholdsmessig byrdefullt for kommunen å tilby "
        "program (§ 29 tredje ledd)",
        required=False,
        help_text="Et unntak som bare kan brukes på grunn av forhold ved søkeren, og som "
        "trenger egen begrunnelse (V4).",
    )
    v4_reason = text_field("Begrunnelse for unntaket", required=False)
    # Special extension (D4).
    necessity = text_field(D4_LABELS["necessity"], rows=3)
    progression = text_field(D4_LABELS["progression"], rows=3)
    motivation = text_field(D4_LABELS["motivation"], rows=3)
    work_likelihood = text_field(D4_LABELS["work_likelihood"], rows=3)
    labour_market = text_field(D4_LABELS["labour_market"], rows=3)
    # Interruption.
    interruption_reason = text_field(
        "Årsak til avbruddet",
        help_text="For eksempel arbeidsutprøving, soning, omsorg for barn etter fødsel eller "
        "adopsjon, eller lengre sykdom (A1).",
    )
    # Resumption (A3).
    a3_assessment = text_field(
        "Vurdering av om vilkårene fortsatt er oppfylt",
        help_text="Vurder om vilkårene fortsatt er oppfylt, og om målet kan nås i tiden som er "
        "igjen (A3).",
    )
    # Termination.
    termination_reason = forms.ChoiceField(
        label="Årsak til avslutningen",
        choices=[("", "Velg årsak"), *TerminationReason.choices],
        error_messages={"required": "Velg årsak til avslutningen."},
    )
    situation_after = forms.ChoiceField(
        label="Deltakerens situasjon rett etter programmet",
        choices=[("", "Velg situasjon"), *SITUATION_AFTER],
        help_text="Kodene i KOSTRA-rapporteringen (11CF).",
        error_messages={"required": "Velg deltakerens situasjon etter programmet."},
    )
    main_income_after = forms.ChoiceField(
        label="Deltakerens viktigste inntektskilde etter programmet",
        choices=[("", "Velg inntektskilde"), *SITUATION_AFTER],
        required=False,
        help_text="KOSTRA 11CF: ett kryss. Står det tomt, brukes situasjonen rett etter.",
    )
    absence_cause = ProtectionField(  # always answered: "Nei" is the empty value
        label="Henger avslutningen sammen med fravær på grunn av arbeid, fødsel eller adopsjon?",
        choices=ABSENCE_CAUSES,
        initial="",
        widget=forms.RadioSelect,
        help_text="Programmet kan ikke avsluttes på grunn av slikt fravær det første året "
        "etter at fraværet begynte (A6).",
    )
    absence_started = date_field(
        "Fraværet begynte",
        required=False,
        help_text="dd.mm.åååå. Fyll ut når avslutningen henger sammen med slikt fravær.",
    )
    # Every kind.
    reasoning = text_field(
        "Begrunnelse",
        rows=6,
        help_text="Nevn reglene vedtaket bygger på, de faktiske forholdene og hovedhensynene "
        "(forvaltningsloven §§ 24–25).",
    )
    legal_basis = forms.CharField(
        label="Hjemmel",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Fylt ut for vedtakstypen. Endre bare når vedtaket bygger på andre regler.",
        error_messages={
            "required": "Skriv hjemmelen for vedtaket.",
            "max_length": "Hjemmelen kan ikke være lengre enn 1000 tegn.",
        },
    )
    version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=0, max_value=2**31 - 1
    )

    FIELDS_BY_KIND: dict[str, tuple[str, ...]] = {
        DecisionKind.GRANT: ("period_start", "period_end"),
        DecisionKind.REJECTION: ("unmet_conditions", "v4_exception", "v4_reason"),
        DecisionKind.EXTENSION: ("period_start", "period_end"),
        DecisionKind.SPECIAL_EXTENSION: ("period_start", "period_end", *D4_FIELDS),
        DecisionKind.INTERRUPTION: ("effective_date", "interruption_reason"),
        DecisionKind.RESUMPTION: ("effective_date", "a3_assessment"),
        DecisionKind.TERMINATION: (
            "effective_date",
            "termination_reason",
            "situation_after",
            "main_income_after",
            "absence_cause",
            "absence_started",
        ),
    }
    EFFECTIVE_DATE_LABELS = {
        DecisionKind.INTERRUPTION: "Avbrutt fra og med",
        DecisionKind.RESUMPTION: "Gjenopptas fra og med",
        DecisionKind.TERMINATION: "Siste dag i programmet",
    }
    COMMON = ("reasoning", "legal_basis", "version")

    def __init__(
        self,
        *args,
        kind: str,
        decision: Decision | None = None,
        initial_extra: dict | None = None,
        submit_label: str = "Lagre utkast",
        cancel_url: str = "",
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.kind = kind
        keep = set(self.FIELDS_BY_KIND[kind]) | set(self.COMMON)
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if kind in self.EFFECTIVE_DATE_LABELS:
            label = self.EFFECTIVE_DATE_LABELS[kind]
            self.fields["effective_date"].label = label
            self.fields["effective_date"].error_messages["required"] = (
                f"Skriv inn datoen vedtaket gjelder fra ({label.lower()})."
            )
        if decision is not None:
            self.initial.update(self._initial_from(decision))
        else:
            self.initial["legal_basis"] = LEGAL_BASIS[kind]
            self.initial.update(initial_extra or {})
        self.helper = FormHelper()
        self.helper.form_error_title = "Vedtaket er ikke lagret. Rett dette først:"
        actions = [Submit("submit", submit_label)]
        if cancel_url:
            actions.append(
                HTML(format_html('<a class="aksel-link" href="{}">Avbryt</a>', cancel_url))
            )
        self.helper.layout = Layout(
            *self._layout(), "version", Div(*actions, css_class="kvp-form-actions")
        )

    def _layout(self) -> list:
        kind = self.kind
        parts: list = []
        if kind in (DecisionKind.GRANT, DecisionKind.EXTENSION, DecisionKind.SPECIAL_EXTENSION):
            parts.append(
                Fieldset(
                    "Vedtaksperiode",
                    HTML(
                        '<p class="aksel-body-short kvp-muted">Ett vedtak gjelder for høyst ett '
                        "år (D3).</p>"
                    ),
                    Div(
                        Div("period_start", css_class="kvp-col kvp-col--date"),
                        Div("period_end", css_class="kvp-col kvp-col--date"),
                        css_class="kvp-row",
                    ),
                )
            )
        if kind == DecisionKind.SPECIAL_EXTENSION:
            parts.append(
                Fieldset("Vurdering av særlige grunner (D4)", *D4_FIELDS),
            )
        if kind == DecisionKind.REJECTION:
            parts.append(
                Fieldset("Grunnlag for avslaget", "unmet_conditions", "v4_exception", "v4_reason")
            )
        if kind == DecisionKind.INTERRUPTION:
            parts.append(Fieldset("Avbrudd", "effective_date", "interruption_reason"))
        if kind == DecisionKind.RESUMPTION:
            parts.append(Fieldset("Gjenopptak", "effective_date", "a3_assessment"))
        if kind == DecisionKind.TERMINATION:
            parts.append(
                Fieldset(
                    "Avslutning",
                    "effective_date",
                    "termination_reason",
                    "situation_after",
                    "main_income_after",
                    "absence_cause",
                    "absence_started",
                )
            )
        parts.append(Fieldset("Begrunnelse og hjemmel", "reasoning", "legal_basis"))
        return parts

    @staticmethod
    def _initial_from(decision: Decision) -> dict:
        details = decision.details or {}
        initial = {
            "period_start": decision.period_start,
            "period_end": decision.period_end,
            "effective_date": decision.effective_date,
            "reasoning": decision.reasoning,
            "legal_basis": decision.legal_basis,
            "version": decision.version,
            "unmet_conditions": details.get("unmet_conditions", []),
            "v4_exception": bool(details.get("v4_exception")),
            "v4_reason": details.get("v4_reason", ""),
            "interruption_reason": details.get("interruption_reason", ""),
            "a3_assessment": details.get("a3_assessment", ""),
            "termination_reason": details.get("termination_reason", ""),
            "situation_after": details.get("situation_after", ""),
            "main_income_after": details.get("main_income_after", ""),
            "absence_cause": details.get("absence_cause", ""),
            "absence_started": details.get("absence_started") or None,
        }
        d4 = details.get("d4_assessment") or {}
        initial.update({key: d4.get(key, "") for key in D4_FIELDS})
        return initial

    def clean_period_start(self):
        return _plausible(self.cleaned_data["period_start"], "datoen")

    def clean_period_end(self):
        return _plausible(self.cleaned_data["period_end"], "datoen")

    def clean_effective_date(self):
        return _plausible(self.cleaned_data["effective_date"], "datoen")

    def clean_absence_started(self):
        return _plausible(self.cleaned_data["absence_started"], "datoen")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "Periode til kan ikke være før periode fra.")
        if self.kind == DecisionKind.REJECTION:
            # Whether the rejection has a ground (V2, V3 or V4) is the rules core's answer.
            if cleaned.get("v4_exception") and not cleaned.get("v4_reason", "").strip():
                self.add_error("v4_reason", "Skriv en egen begrunnelse for unntaket (V4).")
        if self.kind == DecisionKind.TERMINATION:
            cause, started = cleaned.get("absence_cause"), cleaned.get("absence_started")
            if cause and not started and "absence_started" not in self.errors:
                self.add_error("absence_started", "Skriv inn datoen fraværet begynte.")
            if started and not cause:
                self.add_error("absence_cause", "Velg hva fraværet skyldtes.")
        return cleaned

    def service_data(self) -> dict[str, Any]:
        cleaned = self.cleaned_data
        data: dict[str, Any] = {
            "reasoning": cleaned["reasoning"],
            "legal_basis": cleaned["legal_basis"],
        }
        kind = self.kind
        details: dict[str, Any] = {}
        if "period_start" in self.fields:
            data["period_start"] = cleaned["period_start"]
            data["period_end"] = cleaned["period_end"]
        if "effective_date" in self.fields:
            data["effective_date"] = cleaned["effective_date"]
        if kind == DecisionKind.REJECTION:
            details["unmet_conditions"] = [
                c for c in Condition.values if c in cleaned["unmet_conditions"]
            ]
            if cleaned["v4_exception"]:
                details["v4_exception"] = True
                details["v4_reason"] = cleaned["v4_reason"]
        elif kind == DecisionKind.SPECIAL_EXTENSION:
            details["d4_assessment"] = {key: cleaned[key] for key in D4_FIELDS}
        elif kind == DecisionKind.INTERRUPTION:
            details["interruption_reason"] = cleaned["interruption_reason"]
        elif kind == DecisionKind.RESUMPTION:
            details["a3_assessment"] = cleaned["a3_assessment"]
        elif kind == DecisionKind.TERMINATION:
            details["termination_reason"] = cleaned["termination_reason"]
            details["situation_after"] = cleaned["situation_after"]
            if cleaned.get("main_income_after"):
                details["main_income_after"] = cleaned["main_income_after"]
            if cleaned.get("absence_cause"):
                details["absence_cause"] = cleaned["absence_cause"]
                details["absence_started"] = cleaned["absence_started"].isoformat()
        data["details"] = details
        return data


class ReturnForm(forms.Form):
    reason = forms.ChoiceField(
        label="Hvorfor returneres vedtaket?",
        choices=[("", "Velg årsak"), *ReturnReason.choices],
        error_messages={"required": "Velg hvorfor vedtaket returneres."},
    )
    comment = text_field(
        "Kommentar til saksbehandleren",
        help_text="Skriv hva som må rettes før vedtaket kan godkjennes.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)

    def __init__(self, *args, decision: Decision, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["version"] = decision.version
        self.helper = FormHelper()
        self.helper.form_action = reverse("decisions:decision_return", args=[decision.pk])
        self.helper.form_error_title = "Vedtaket er ikke returnert. Rett dette først:"
        self.helper.layout = Layout(
            "reason",
            "comment",
            "version",
            Div(
                Submit("submit", "Returner til saksbehandler", css_class="secondary"),
                css_class="kvp-form-actions",
            ),
        )


class NoticeForm(forms.Form):
    notice_date = date_field(
        "Datoen vedtaket ble sendt til deltakeren",
        help_text="dd.mm.åååå. Klagefristen på tre uker regnes fra denne datoen (F2).",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)

    def __init__(self, *args, decision: Decision, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("notice_date", clock.today())
        self.initial["version"] = decision.version
        self.helper = FormHelper()
        self.helper.form_action = reverse("decisions:decision_notice", args=[decision.pk])
        self.helper.form_error_title = "Datoen er ikke registrert. Rett dette først:"
        self.helper.layout = Layout(
            "notice_date",
            "version",
            Div(Submit("submit", "Registrer at vedtaket er sendt"), css_class="kvp-form-actions"),
        )

    def clean_notice_date(self):
        return _plausible(self.cleaned_data["notice_date"], "datoen")


class ProgrammeStatisticsForm(forms.Form):
    """What KOSTRA 11CF asks that the case work does not otherwise record (K1): the
    application's benefits before and earlier programme elsewhere, and social assistance or
    housing support during the programme. Locked by the application's version."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)
    benefits_before = ApplicationRegisterForm.base_fields["benefits_before"]
    previous_kvp_municipality = ApplicationRegisterForm.base_fields["previous_kvp_municipality"]
    received_assistance = forms.ChoiceField(
        label="Fikk deltakeren økonomisk sosialhjelp eller bostøtte i perioden med stønad?",
        choices=[("", "Ikke registrert"), ("yes", "Ja"), ("no", "Nei")],
        required=False,
        widget=forms.RadioSelect,
    )
    assistance_during = forms.MultipleChoiceField(
        label="Hva fikk deltakeren?",
        choices=AssistanceDuring.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        application = programme.application
        self.initial.update(
            version=application.version,
            benefits_before=application.benefits_before,
            previous_kvp_municipality=application.previous_kvp_municipality,
            received_assistance={True: "yes", False: "no", None: ""}[programme.received_assistance],
            assistance_during=programme.assistance_during,
        )
        self.helper = FormHelper()
        self.helper.form_action = reverse("decisions:programme_statistics", args=[programme.pk])
        self.helper.mark_optional = False
        self.helper.layout = Layout(
            Fieldset("Før søknaden", "benefits_before", "previous_kvp_municipality"),
            Fieldset("I perioden med stønad", "received_assistance", "assistance_during"),
            "version",
            Div(Submit("submit", "Lagre opplysningene"), css_class="kvp-form-actions"),
        )

    def clean_benefits_before(self):
        return _one_kind_of_assistance(self.cleaned_data["benefits_before"])

    def clean(self):
        cleaned = super().clean()
        answer, kinds = cleaned.get("received_assistance"), cleaned.get("assistance_during")
        if answer == "no" and kinds:
            self.add_error("assistance_during", "Du har svart nei, men krysset av for ytelser.")
        if answer == "yes" and not kinds and "assistance_during" not in self.errors:
            self.add_error("assistance_during", "Kryss av for hva deltakeren fikk.")
        return cleaned

    def service_data(self) -> dict[str, Any]:
        cleaned = self.cleaned_data
        return {
            "benefits_before": cleaned["benefits_before"],
            "previous_kvp_municipality": cleaned["previous_kvp_municipality"],
            "received_assistance": {"yes": True, "no": False}.get(cleaned["received_assistance"]),
            "assistance_during": [
                c for c in AssistanceDuring.values if c in cleaned["assistance_during"]
            ],
        }
