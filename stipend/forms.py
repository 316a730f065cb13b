"""Forms check the shape of input; the stipend rules are in stipend/rules and the services."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.urls import reverse

from participants.forms import DateInput
from stipend.models import HOURS_KINDS, IncomeKind


class IncomeForm(forms.Form):
    kind = forms.ChoiceField(
        label="Type",
        choices=[("", "Velg type"), *IncomeKind.choices],
        error_messages={"required": "Velg hva som skal registreres."},
    )
    applies_on = forms.DateField(
        label="Gjelder perioden med dato",
        widget=DateInput(),
        help_text="dd.mm.åååå – en dag i utbetalingsperioden inntekten eller ytelsen gjelder.",
        error_messages={
            "required": "Skriv inn en dato i perioden.",
            "invalid": "Skriv datoen som dd.mm.åååå.",
        },
    )
    hours = forms.CharField(
        label="Timer (arbeid eller læretid)", required=False, help_text="For eksempel 12,5"
    )
    amount = forms.CharField(
        label="Beløp i kroner (ytelser)", required=False, help_text="For eksempel 4 250,00"
    )
    note = forms.CharField(label="Merknad", required=False, max_length=200)

    def __init__(self, *args, participant, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_action = reverse("stipend:income_register", args=[participant.pk])
        self.helper.layout = Layout(
            "kind",
            "applies_on",
            "hours",
            "amount",
            "note",
            Submit("submit", "Registrer", css_class="secondary"),
        )

    @staticmethod
    def _number(value: str) -> Decimal | None:
        text = (value or "").replace("\u00a0", "").replace(" ", "").replace(",", ".")
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError("Skriv et tall, for eksempel 12,5.") from None
        if number <= 0 or not number.is_finite():
            raise forms.ValidationError("Tallet må være større enn 0.")
        return number

    def clean_hours(self):
        hours = self._number(self.cleaned_data.get("hours"))
        if hours is not None and (hours > 1000 or hours != hours.quantize(Decimal("0.01"))):
            raise forms.ValidationError("Oppgi timer med høyst to desimaler (og under 1000).")
        return hours

    def clean_amount(self):
        amount = self._number(self.cleaned_data.get("amount"))
        # The size first: quantize raises on a number with more digits than the context holds.
        if amount is not None and (amount > 10**7 or amount != amount.quantize(Decimal("0.01"))):
            raise forms.ValidationError("Oppgi beløpet i kroner med høyst to desimaler.")
        return amount

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind in HOURS_KINDS and not cleaned.get("hours") and "hours" not in self.errors:
            self.add_error("hours", "Oppgi antall timer arbeidet (S8).")
        if kind and kind not in HOURS_KINDS and not cleaned.get("amount"):
            if "amount" not in self.errors:
                self.add_error("amount", "Oppgi beløpet som er mottatt (S9).")
        return cleaned

    def service_data(self) -> dict:
        c = self.cleaned_data
        amount = c.get("amount")
        return {
            "kind": c["kind"],
            "applies_on": c["applies_on"],
            "hours": c.get("hours"),
            "amount_ore": int(amount * 100) if amount is not None else None,
            "note": c.get("note", ""),
        }


class OfficeRunForm(forms.Form):
    """The office page's "Beregn utbetalingsgrunnlag for kontoret": which office (of the
    user's) and which payment period (S10). The services re-check both."""

    office = forms.TypedChoiceField(
        label="Kontor",
        coerce=int,
        error_messages={
            "required": "Velg kontor.",
            "invalid_choice": "Velg et av dine kontorer fra listen.",
        },
    )
    period_start = forms.DateField(
        label="Periode fra",
        widget=DateInput(),
        help_text="dd.mm.åååå",
        error_messages={
            "required": "Skriv inn første dag i perioden.",
            "invalid": "Skriv datoen som dd.mm.åååå.",
        },
    )
    period_end = forms.DateField(
        label="Periode til",
        widget=DateInput(),
        help_text="dd.mm.åååå",
        error_messages={
            "required": "Skriv inn siste dag i perioden.",
            "invalid": "Skriv datoen som dd.mm.åååå.",
        },
    )

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].choices = [(o.pk, o.name) for o in offices]
        self.helper = FormHelper()
        self.helper.form_action = reverse("stipend:office_run")
        self.helper.layout = Layout(
            "office",
            "period_start",
            "period_end",
            Submit("submit", "Beregn utbetalingsgrunnlag", css_class="secondary"),
        )

    def clean(self):
        from stipend.rules.periods import run_period_problem

        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end:
            problem = run_period_problem(start, end)
            if problem:
                self.add_error("period_end", problem)
        return cleaned
