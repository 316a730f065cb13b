"""Forms for the plan page and the office catalogue. They check the shape of input; the rules
(period within the programme, catalogue of the right office, versions) come back from
plans.services as ValidationError and are put on the form by the view."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from crispy_forms.bootstrap import InlineCheckboxes
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout, Submit
from django import forms
from django.urls import reverse
from stdnum.no import orgnr

from decisions.forms import date_field
from plans.models import WEEKDAY_CHOICES, ActivityType, Evaluation, Measure, Provider
from plans.selectors import active_catalogue


class HoursField(forms.CharField):
    """Hours per week as Norwegians write them: 37,5 or 37.5."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            hours = Decimal(value.replace(",", ".").replace(" ", ""))
        except InvalidOperation:
            raise forms.ValidationError("Skriv timer som et tall, for eksempel 7,5.") from None
        if not hours.is_finite() or hours.as_tuple().exponent < -2:
            raise forms.ValidationError("Skriv timer med høyst to desimaler, for eksempel 7,5.")
        return hours


def _version_field() -> forms.IntegerField:
    return forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=0, max_value=2**31 - 1
    )


class ActivityForm(forms.Form):
    measure = forms.ModelChoiceField(
        label="Tiltak fra kontorets katalog",
        queryset=Measure.objects.none(),
        required=False,
        empty_label="Ingen – enkeltstående aktivitet",
        help_text="Velger du et tiltak, hentes aktivitetstype og leverandør fra katalogen.",
        error_messages={"invalid_choice": "Velg et tiltak fra listen."},
    )
    activity_type = forms.ChoiceField(
        label="Aktivitetstype",
        choices=[("", "Velg type (eller tiltak over)"), *ActivityType.choices],
        required=False,
        error_messages={"invalid_choice": "Velg en aktivitetstype fra listen."},
    )
    name = forms.CharField(
        label="Beskrivelse",
        max_length=200,
        required=False,
        help_text="Påkrevd for en enkeltstående aktivitet, for eksempel «Jobbklubb».",
        error_messages={"max_length": "Beskrivelsen kan ikke være lengre enn 200 tegn."},
    )
    provider = forms.ModelChoiceField(
        label="Leverandør",
        queryset=Provider.objects.none(),
        required=False,
        empty_label="Ingen / fra tiltaket",
        error_messages={"invalid_choice": "Velg en leverandør fra listen."},
    )
    start = date_field("Fra og med")
    end = date_field("Til og med")
    weekdays = forms.TypedMultipleChoiceField(
        label="Ukedager",
        choices=WEEKDAY_CHOICES,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Velg minst én ukedag.",
            "invalid_choice": "Velg ukedager fra listen.",
        },
    )
    hours_per_week = HoursField(
        label="Timer per uke",
        help_text="Fordeles likt på ukedagene. Full tid er 37,5 timer.",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}),
        error_messages={"required": "Skriv inn timer per uke."},
    )
    version = _version_field()

    def __init__(self, *args, programme, activity=None, **kwargs):
        if activity is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "measure": activity.measure_id,
                "activity_type": activity.activity_type,
                "name": activity.name,
                "provider": activity.provider_id,
                "start": activity.start,
                "end": activity.end,
                "weekdays": activity.weekdays,
                "hours_per_week": str(activity.hours_per_week.normalize()).replace(".", ","),
                "version": activity.version,
            }
        super().__init__(*args, **kwargs)
        self.initial.setdefault("weekdays", [0, 1, 2, 3, 4])
        measures, providers = active_catalogue(programme.office_id)
        if activity is not None:
            # An activity keeps a measure or provider that has since been made inactive.
            measures = Measure.objects.filter(
                pk__in=[*measures.values_list("pk", flat=True), activity.measure_id or 0]
            )
            providers = Provider.objects.filter(
                pk__in=[*providers.values_list("pk", flat=True), activity.provider_id or 0]
            )
        self.fields["measure"].queryset = measures
        self.fields["provider"].queryset = providers
        self.fields["measure"].label_from_instance = lambda m: (
            f"{m.name} ({m.get_activity_type_display()})"
        )
        self.helper = FormHelper()
        self.helper.form_action = (
            reverse("plans:activity_edit", args=[activity.pk])
            if activity is not None
            else reverse("plans:activity_add", args=[programme.pk])
        )
        self.helper.layout = Layout(
            Fieldset("Hva", "measure", "activity_type", "name", "provider"),
            Fieldset("Når", "start", "end", InlineCheckboxes("weekdays"), "hours_per_week"),
            "version",
            Div(
                Submit(
                    "submit", "Lagre aktiviteten" if activity is not None else "Legg til aktivitet"
                ),
                css_class="kvp-form-actions",
            ),
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", "Til-datoen kan ikke være før fra-datoen.")
        return cleaned

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class EvaluationForm(forms.Form):
    date = date_field("Dato for evaluering")
    note = forms.CharField(
        label="Hva skal evalueres",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "Notatet kan ikke være lengre enn 2000 tegn."},
    )
    version = _version_field()

    prefix = "evaluation"  # the plan page also holds the activity form

    def __init__(self, *args, programme, evaluation: Evaluation | None = None, **kwargs):
        if evaluation is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "date": evaluation.date,
                "note": evaluation.note,
                "version": evaluation.version,
            }
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_action = (
            reverse("plans:evaluation_edit", args=[evaluation.pk])
            if evaluation is not None
            else reverse("plans:evaluation_add", args=[programme.pk])
        )
        self.helper.layout = Layout(
            "date",
            "note",
            "version",
            Submit(
                "submit",
                "Lagre evalueringen" if evaluation is not None else "Legg til evalueringsdato",
                css_class="secondary",
            ),
        )

    def service_data(self) -> dict:
        return {"date": self.cleaned_data["date"], "note": self.cleaned_data["note"]}


class ProviderForm(forms.Form):
    name = forms.CharField(
        label="Navn",
        max_length=200,
        error_messages={
            "required": "Skriv inn navnet på leverandøren.",
            "max_length": "Navnet kan ikke være lengre enn 200 tegn.",
        },
    )
    org_number = forms.CharField(
        label="Organisasjonsnummer",
        required=False,
        max_length=20,
        help_text="9 sifre",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 11}),
        error_messages={"max_length": "Organisasjonsnummeret har 9 sifre."},
    )
    contact = forms.CharField(
        label="Kontaktperson, telefon eller e-post",
        required=False,
        max_length=300,
        error_messages={"max_length": "Teksten kan ikke være lengre enn 300 tegn."},
    )
    active = forms.BooleanField(label="Aktiv (kan velges i planer)", required=False, initial=True)
    version = _version_field()

    prefix = "provider"  # the catalogue page also holds the measure form

    def __init__(self, *args, provider: Provider | None = None, **kwargs):
        if provider is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": provider.name,
                "org_number": provider.org_number,
                "contact": provider.contact,
                "active": provider.active,
                "version": provider.version,
            }
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_action = (
            reverse("plans:provider_edit", args=[provider.pk])
            if provider is not None
            else reverse("plans:provider_add")
        )
        self.helper.layout = Layout(
            "name",
            "org_number",
            "contact",
            "active",
            "version",
            Submit(
                "submit",
                "Lagre leverandøren" if provider is not None else "Legg til leverandør",
                css_class="secondary",
            ),
        )

    def clean_org_number(self) -> str:
        number = "".join(self.cleaned_data["org_number"].split())
        if number and not orgnr.is_valid(number):
            raise forms.ValidationError(
                "Organisasjonsnummeret er ikke gyldig (9 sifre med riktig kontrollsiffer)."
            )
        return number

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class MeasureForm(forms.Form):
    name = forms.CharField(
        label="Navn",
        max_length=200,
        error_messages={
            "required": "Skriv inn navnet på tiltaket.",
            "max_length": "Navnet kan ikke være lengre enn 200 tegn.",
        },
    )
    activity_type = forms.ChoiceField(
        label="Aktivitetstype",
        choices=[("", "Velg type"), *ActivityType.choices],
        error_messages={
            "required": "Velg aktivitetstype.",
            "invalid_choice": "Velg en aktivitetstype fra listen.",
        },
    )
    provider = forms.ModelChoiceField(
        label="Leverandør",
        queryset=Provider.objects.none(),
        required=False,
        empty_label="Ingen",
        error_messages={"invalid_choice": "Velg en leverandør fra listen."},
    )
    description = forms.CharField(
        label="Beskrivelse",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "Beskrivelsen kan ikke være lengre enn 2000 tegn."},
    )
    active = forms.BooleanField(label="Aktivt (kan velges i planer)", required=False, initial=True)
    version = _version_field()

    prefix = "measure"

    def __init__(self, *args, office, measure: Measure | None = None, **kwargs):
        if measure is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": measure.name,
                "activity_type": measure.activity_type,
                "provider": measure.provider_id,
                "description": measure.description,
                "active": measure.active,
                "version": measure.version,
            }
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = Provider.objects.filter(office=office)
        self.helper = FormHelper()
        self.helper.form_action = (
            reverse("plans:measure_edit", args=[measure.pk])
            if measure is not None
            else reverse("plans:measure_add")
        )
        self.helper.layout = Layout(
            "name",
            "activity_type",
            "provider",
            "description",
            "active",
            "version",
            Submit(
                "submit",
                "Lagre tiltaket" if measure is not None else "Legg til tiltak",
                css_class="secondary",
            ),
        )

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}
