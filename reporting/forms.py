"""The dashboard's and the report's filters: a year and one office or all of the user's."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from caseworker.models import Office

ALL_OFFICES = "alle"
FIRST_YEAR = 2008  # KVP started in 2007–2008


class ScopeForm(forms.Form):
    year = forms.TypedChoiceField(label="År", coerce=int)
    office = forms.ChoiceField(label="Kontor")

    def __init__(self, data=None, *, user, default_year: int | None = None):
        super().__init__(data)
        this_year = timezone.localdate().year
        self.fields["year"].choices = [(y, str(y)) for y in range(this_year, FIRST_YEAR - 1, -1)]
        self.fields["year"].error_messages["invalid_choice"] = (
            f"Velg et år mellom {FIRST_YEAR} og {this_year}."
        )
        self.offices = list(Office.objects.filter(pk__in=user.office_ids()).order_by("name"))
        choices = [(str(o.pk), o.name) for o in self.offices]
        if len(self.offices) > 1:
            choices.insert(0, (ALL_OFFICES, "Alle mine kontorer"))
        self.fields["office"].choices = choices
        self.fields["office"].error_messages["invalid_choice"] = "Velg et av kontorene dine."
        self.initial = {
            "year": default_year or this_year,
            "office": choices[0][0] if choices else "",
        }

    def scope(self) -> tuple[int, list[Office]]:
        """The chosen year and offices; the defaults when the input is missing or invalid."""
        if self.is_bound and self.is_valid():
            year, office = self.cleaned_data["year"], self.cleaned_data["office"]
        else:
            year, office = self.initial["year"], self.initial["office"]
        if office == ALL_OFFICES:
            return year, self.offices
        return year, [o for o in self.offices if str(o.pk) == str(office)]

    def query(self) -> str:
        year, offices = self.scope()
        office = ALL_OFFICES if len(offices) > 1 else (offices[0].pk if offices else "")
        return f"year={year}&office={office}"
