"""Forms for the deltakerbevis (P6): the caseworker's text and the activity rows."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms

from decisions.forms import _plausible, date_field
from decisions.models import ParticipationCertificate

TEXT_HELP = {
    "competence": "Hva deltakeren har lært som er relevant i arbeidslivet.",
    "resources": "Deltakerens ressurser og sterke sider.",
    "progression": "Hvordan deltakeren har utviklet seg gjennom programmet.",
    "attendance": "For eksempel «Stabilt oppmøte, 94 % av avtalte timer».",
}


class CertificateForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)

    class Meta:
        model = ParticipationCertificate
        fields = ["full_time", "attendance", "competence", "resources", "progression"]
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in ("attendance", "competence", "resources", "progression")
        }
        help_texts = TEXT_HELP
        labels = {"full_time": "Programmet var på full tid (37,5 timer i uken)"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["version"] = self.instance.version
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "full_time", "attendance", "competence", "resources", "progression", "version"
        )

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ActivityForm(forms.Form):
    description = forms.CharField(
        label="Tiltak eller aktivitet",
        max_length=200,
        error_messages={"required": "Skriv hva tiltaket eller aktiviteten var."},
    )
    start = date_field("Fra og med")
    end = date_field("Til og med")
    hours_per_week = forms.DecimalField(
        label="Timer per uke",
        min_value=Decimal("0.5"),
        max_value=Decimal("37.5"),
        decimal_places=1,
        localize=True,
        error_messages={
            "required": "Skriv inn timer per uke.",
            "min_value": "Timer per uke må være minst 0,5.",
            "max_value": "Timer per uke kan ikke være mer enn 37,5 (full tid, P1).",
            "invalid": "Skriv timer per uke som et tall, for eksempel 37,5.",
        },
    )

    def clean_start(self):
        return _plausible(self.cleaned_data["start"], "startdatoen")

    def clean_end(self):
        return _plausible(self.cleaned_data["end"], "sluttdatoen")

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "Sluttdatoen kan ikke være før startdatoen.")
        return data


class BaseActivityFormSet(forms.BaseFormSet):
    def rows(self) -> list[dict[str, Any]]:
        """The filled-in rows as JSON-ready dicts (empty extra rows and deleted rows left out)."""
        rows = []
        for form in self.forms:
            if not form.has_changed() or self._should_delete_form(form):
                continue
            data = form.cleaned_data
            rows.append(
                {
                    "description": data["description"],
                    "start": data["start"].isoformat(),
                    "end": data["end"].isoformat(),
                    "hours_per_week": str(data["hours_per_week"]),
                }
            )
        return rows


ActivityFormSet = forms.formset_factory(
    ActivityForm, formset=BaseActivityFormSet, extra=2, can_delete=True, max_num=40
)


def activity_initial(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    import datetime

    return [
        {
            "description": row["description"],
            "start": datetime.date.fromisoformat(row["start"]),
            "end": datetime.date.fromisoformat(row["end"]),
            "hours_per_week": Decimal(str(row["hours_per_week"])),
        }
        for row in rows
    ]
