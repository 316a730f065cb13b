"""The dashboard's and the report's filters: a year and one office or all of the user's."""

from __future__ import annotations

from django import forms

from caseworker.models import Office
from kvp import clock

ALL_OFFICES = "alle"
FIRST_YEAR = 2008  # KVP started in 2007–2008


MONTHS = [
    (m, name.capitalize())
    for m, name in enumerate(
        "januar februar mars april mai juni juli august september oktober november "
        "desember".split(),
        start=1,
    )
]


class ScopeForm(forms.Form):
    year = forms.TypedChoiceField(label="År", coerce=int)
    office = forms.ChoiceField(label="Kontor")

    def __init__(self, data=None, *, user, default_year: int | None = None):
        super().__init__(data)
        self.with_months = False
        this_year = clock.today().year
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
        self._fill_missing_from_initial()

    def _fill_missing_from_initial(self) -> None:
        """A link that names only some filters (e.g. ?year=2024) keeps the defaults for the
        rest instead of showing "Feltet er påkrevet" for a field the user never saw empty."""
        if not self.is_bound:
            return
        data = self.data.copy()
        for name, value in self.initial.items():
            if name in self.fields and not data.get(name):
                data[name] = value
        self.data = data

    def scope(self) -> tuple[int, list[Office]]:
        """The chosen year and offices; the defaults when the input is missing or invalid."""
        if self.is_bound and self.is_valid():
            year, office = self.cleaned_data["year"], self.cleaned_data["office"]
        else:
            year, office = self.initial["year"], self.initial["office"]
        if office == ALL_OFFICES:
            return year, self.offices
        return year, [o for o in self.offices if str(o.pk) == str(office)]

    def months(self) -> tuple[int, int]:
        return 1, 12

    def query(self) -> str:
        year, offices = self.scope()
        office = ALL_OFFICES if len(offices) > 1 else (offices[0].pk if offices else "")
        first, last = self.months()
        months = f"&from_month={first}&to_month={last}" if self.with_months else ""
        return f"year={year}&office={office}{months}"


class PeriodForm(ScopeForm):
    """The dashboard's filter: a year, optionally narrowed to a span of months."""

    from_month = forms.TypedChoiceField(
        label="Fra måned", coerce=int, choices=MONTHS, required=False, empty_value=1
    )
    to_month = forms.TypedChoiceField(
        label="Til og med måned", coerce=int, choices=MONTHS, required=False, empty_value=12
    )

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.with_months = True
        for name in ("from_month", "to_month"):
            self.fields[name].error_messages["invalid_choice"] = "Velg en måned."
        self.initial.update(from_month=1, to_month=12)

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("from_month"), cleaned.get("to_month")
        if first and last and last < first:
            self.add_error("to_month", "Til og med måned kan ikke være før fra måned.")
        return cleaned

    def months(self) -> tuple[int, int]:
        if self.is_bound and self.is_valid():
            return self.cleaned_data["from_month"], self.cleaned_data["to_month"]
        return 1, 12
