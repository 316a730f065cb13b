"""Forms for appeals. They check the shape of input; the formal rules (appeals/rules.py) and
the state machine come back from appeals.services as ValidationError."""

from __future__ import annotations

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout, Submit
from django import forms
from django.urls import reverse
from django.utils import timezone

from appeals.models import Appeal, Appellant, OutcomeKind
from decisions.forms import _plausible, date_field, text_field
from kvp import clock

VERSION = {"widget": forms.HiddenInput, "min_value": 0, "max_value": 2**31 - 1}
NAME_MAX = 200


class AppealForm(forms.Form):
    received_on = date_field(
        "Datoen klagen kom inn til NAV-kontoret",
        help_text="dd.mm.åååå. Klagefristen (F2) sjekkes mot denne datoen.",
    )
    appellant = forms.ChoiceField(
        label="Hvem klager?",
        choices=Appellant.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Velg hvem som klager."},
    )
    representative_name = forms.CharField(
        label="Fullmektigens navn",
        required=False,
        max_length=NAME_MAX,
        help_text="Bare når en fullmektig klager på vegne av deltakeren.",
        error_messages={"max_length": f"Navnet kan ikke være lengre enn {NAME_MAX} tegn."},
    )
    power_of_attorney = forms.BooleanField(
        label="Skriftlig fullmakt foreligger (fvl. § 12)", required=False
    )
    subject = text_field(
        "Hva klagen gjelder",
        help_text="Hvilket vedtak og hvilken endring klageren ønsker (fvl. § 32).",
        rows=3,
    )
    grounds = text_field("Begrunnelsen for klagen", help_text="Klagerens egne grunner.")
    signed = forms.BooleanField(label="Klagen er underskrevet (fvl. § 32)", required=False)
    late_reason = text_field(
        "Grunn til å behandle klagen selv om fristen er oversittet",
        required=False,
        help_text="Fyll ut bare når klagen kom etter klagefristen: hvorfor den likevel skal "
        "behandles (fvl. § 31).",
        rows=3,
    )
    version = forms.IntegerField(required=False, **VERSION)

    def __init__(self, *args, action: str, submit: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("received_on", clock.today())
        self.initial.setdefault("appellant", Appellant.PARTICIPANT)
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.form_error_title = "Klagen er ikke lagret. Rett dette først:"
        self.helper.layout = Layout(
            "received_on",
            "appellant",
            Fieldset("Fullmektig", "representative_name", "power_of_attorney"),
            "subject",
            "grounds",
            "signed",
            "late_reason",
            "version",
            Div(Submit("submit", submit), css_class="kvp-form-actions"),
        )

    def clean_received_on(self):
        return _plausible(self.cleaned_data["received_on"], "mottaksdatoen")

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("appellant") == Appellant.REPRESENTATIVE
            and not (cleaned.get("representative_name") or "").strip()
        ):
            self.add_error("representative_name", "Skriv navnet på fullmektigen.")
        return cleaned


def appeal_initial(appeal: Appeal) -> dict:
    return {
        "received_on": appeal.received_on,
        "appellant": appeal.appellant,
        "representative_name": appeal.representative_name,
        "power_of_attorney": appeal.power_of_attorney,
        "subject": appeal.subject,
        "grounds": appeal.grounds,
        "signed": appeal.signed,
        "late_reason": appeal.late_reason,
        "version": appeal.version,
    }


class ForwardForm(forms.Form):
    review_note = text_field(
        "Kontorets vurdering av klagen",
        help_text="Hvorfor kontoret opprettholder vedtaket. Teksten står i oversendelsesbrevet "
        "til Statsforvalteren, som deltakeren får kopi av (fvl. § 33).",
        rows=5,
    )
    version = forms.IntegerField(**VERSION)

    def __init__(self, *args, appeal: Appeal, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("review_note", appeal.review_note)
        self.initial["version"] = appeal.version
        self.helper = FormHelper()
        self.helper.form_action = reverse("appeals:forward", args=[appeal.pk])
        self.helper.form_error_title = "Klagen er ikke sendt. Rett dette først:"
        self.helper.layout = Layout(
            "review_note",
            "version",
            Div(
                Submit("submit", "Oppretthold vedtaket og send til Statsforvalteren"),
                css_class="kvp-form-actions",
            ),
        )


class DecisionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        approved = timezone.localtime(obj.approved_at)
        return f"Vedtak om {obj.get_kind_display().lower()}, fattet {approved:%d.%m.%Y}"


class ChangeForm(forms.Form):
    new_decision = DecisionChoiceField(
        label="Det nye vedtaket",
        queryset=None,
        empty_label="Velg vedtak",
        help_text="Skriv det nye vedtaket på vanlig måte og få det godkjent av en beslutter "
        "(totrinnskontroll); velg det så her.",
        error_messages={
            "required": "Velg det nye vedtaket.",
            "invalid_choice": "Velg et av vedtakene i listen.",
        },
    )
    version = forms.IntegerField(**VERSION)

    def __init__(self, *args, appeal: Appeal, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_decision"].queryset = candidates
        self.initial["version"] = appeal.version
        self.helper = FormHelper()
        self.helper.form_action = reverse("appeals:change", args=[appeal.pk])
        self.helper.layout = Layout(
            "new_decision",
            "version",
            Div(
                Submit(
                    "submit", "Registrer at kontoret har omgjort vedtaket", css_class="secondary"
                ),
                css_class="kvp-form-actions",
            ),
        )


class ReopenForm(forms.Form):
    """ "Ta opp søknaden til ny behandling": only the version the page was opened on."""

    version = forms.IntegerField(**VERSION)

    def __init__(self, *args, appeal: Appeal, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["version"] = appeal.version
        self.helper = FormHelper()
        self.helper.form_action = reverse("appeals:reopen", args=[appeal.pk])
        self.helper.form_error_title = "Søknaden er ikke tatt opp til ny behandling:"
        self.helper.layout = Layout(
            "version",
            Div(
                Submit("submit", "Ta opp søknaden til ny behandling", css_class="secondary"),
                css_class="kvp-form-actions",
            ),
        )


class NoteForm(forms.Form):
    """Withdraw an appeal or record the follow-up of an outcome: a note and the version."""

    note = text_field("Merknad", required=False, rows=2)
    version = forms.IntegerField(**VERSION)

    def __init__(self, *args, appeal: Appeal, url: str, label: str, submit: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].label = label
        self.initial["version"] = appeal.version
        self.helper = FormHelper()
        self.helper.form_action = reverse(url, args=[appeal.pk])
        self.helper.layout = Layout(
            "note",
            "version",
            Div(Submit("submit", submit, css_class="secondary"), css_class="kvp-form-actions"),
        )


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Utfall",
        choices=OutcomeKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Velg utfallet."},
    )
    outcome_on = date_field("Datoen Statsforvalteren avgjorde klagen")
    note = text_field("Merknad til NAV-kontoret", required=False, rows=3)
    document = forms.FileField(
        label="Statsforvalterens avgjørelse (PDF)",
        help_text="PDF-fil på høyst 20 MB. Den lagres uendret og vises for NAV-kontoret.",
        error_messages={
            "required": "Last opp avgjørelsen som PDF.",
            "empty": "Filen er tom.",
            "invalid": "Last opp avgjørelsen som PDF.",
        },
    )
    version = forms.IntegerField(**VERSION)

    def __init__(self, *args, appeal: Appeal, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("outcome_on", clock.today())
        self.initial["version"] = appeal.version
        self.helper = FormHelper()
        self.helper.form_action = reverse("appeals:body_outcome", args=[appeal.pk])
        self.helper.form_error_title = "Utfallet er ikke registrert. Rett dette først:"
        self.helper.layout = Layout(
            "outcome",
            "outcome_on",
            "note",
            "document",
            "version",
            Div(Submit("submit", "Registrer utfallet"), css_class="kvp-form-actions"),
        )

    def clean_outcome_on(self):
        return _plausible(self.cleaned_data["outcome_on"], "datoen")

    def clean_document(self):
        upload = self.cleaned_data["document"]
        if upload.size > 20 * 1024 * 1024:
            raise forms.ValidationError("Filen er større enn 20 MB.")
        head = upload.read(5)
        upload.seek(0)
        if head != b"%PDF-":
            raise forms.ValidationError("Filen er ikke en PDF. Last opp avgjørelsen som PDF.")
        return upload


class PeriodForm(forms.Form):
    """The period of the appeals officer's decisions CSV (by the outcome date)."""

    fra = date_field("Avgjort fra og med")
    til = date_field("Avgjort til og med")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = clock.today()
        self.initial.setdefault("fra", today.replace(month=1, day=1))
        self.initial.setdefault("til", today)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_action = reverse("appeals:body_period_csv")
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "fra",
            "til",
            HTML(""),
            Div(
                Submit("submit", "Last ned vedtakene (CSV)", css_class="secondary"),
                css_class="kvp-form-actions",
            ),
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("fra"), cleaned.get("til")
        for key in ("fra", "til"):
            if cleaned.get(key):
                try:
                    _plausible(cleaned[key], "datoen")
                except forms.ValidationError as error:
                    self.add_error(key, error)
        if start and end and end < start:
            self.add_error("til", "Til-datoen kan ikke være før fra-datoen.")
        if start and end and (end - start) > datetime.timedelta(days=3660):
            self.add_error("til", "Velg en periode på høyst ti år.")
        return cleaned
