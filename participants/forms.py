"""Forms check the shape of input; rules come back from services as ValidationError."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout, Submit
from django import forms
from django.core.validators import RegexValidator

from caseworker.models import Office, User
from kvp import clock
from participants.models import AddressProtection, Child, CivilStatus, Participant, Sex
from participants.national_id import parse_national_id

phone_validator = RegexValidator(
    r"^\+?[0-9][0-9 ]{6,17}$",
    "Skriv telefonnummeret med sifre, for eksempel 912 34 567 eller +47 912 34 567.",
)
journal_number_validator = RegexValidator(
    r"^[0-9A-Za-z/-]{1,8}$", "Journalnummeret kan ha høyst 8 tegn: sifre, bokstaver, / eller -."
)
postal_code_validator = RegexValidator(r"^[0-9]{4}$", "Postnummeret må være fire siffer.")


class NationalIdField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Fødselsnummer eller D-nummer")
        kwargs.setdefault("help_text", "11 sifre")
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return value
        return parse_national_id(value).number


class DateInput(forms.DateInput):
    """Text input in NAV's dd.mm.åååå format (what caseworkers type, and what Aksel's
    date field uses)."""

    def __init__(self, attrs=None):
        attrs = {"inputmode": "numeric", **(attrs or {})}
        super().__init__(attrs=attrs, format="%d.%m.%Y")


class ProtectionField(forms.ChoiceField):
    """Always answered ("Ingen" is the empty value), so not marked optional."""

    def validate(self, value):
        if value not in self.empty_values:
            super().validate(value)


class ParticipantForm(forms.ModelForm):
    national_id = NationalIdField(
        error_messages={"required": "Skriv inn fødselsnummer eller D-nummer."}
    )
    address_protection = ProtectionField(
        label="Adressebeskyttelse",
        choices=AddressProtection.choices,
        widget=forms.RadioSelect,
        help_text=(
            "Adressen til personer med adressebeskyttelse lagres og vises ikke. "
            "Strengt fortrolige personer er bare synlige for ansatte med særskilt "
            "autorisasjon."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Participant
        fields = Participant.EDITABLE_FIELDS
        error_messages = {
            "first_name": {"required": "Skriv inn fornavnet."},
            "last_name": {"required": "Skriv inn etternavnet."},
            "email": {"invalid": "Skriv e-postadressen slik: navn@eksempel.no."},
            "office": {"required": "Velg ansvarlig kontor."},
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        offices = Office.objects.filter(pk__in=user.office_ids())
        self.fields["office"].queryset = offices
        self.fields["office"].empty_label = None
        self.fields["caseworker"].queryset = (
            User.objects.filter(is_active=True, office__in=offices)
            .caseworkers()
            .order_by("first_name", "last_name")
        )
        self.fields["caseworker"].empty_label = "Ingen veileder ennå"
        self.fields["caseworker"].label_from_instance = lambda u: (
            f"{u.get_full_name() or u.username} ({u.username})"
        )
        self.fields["sex"].choices = [("", "Ikke registrert"), *Sex.choices]
        self.fields["civil_status"].choices = [("", "Ikke registrert"), *CivilStatus.choices]
        self.fields["journal_number"].validators.append(journal_number_validator)
        self.fields["phone"].validators.append(phone_validator)
        self.fields["postal_code"].validators.append(postal_code_validator)
        if not self.instance.pk:
            self.initial.setdefault("office", user.office_id)
            if user.has_role("veileder"):
                self.initial.setdefault("caseworker", user.pk)
        else:
            self.initial["version"] = self.instance.version
        address_fields: list = ["street_address", "postal_code", "postal_area"]
        if self.instance.pk and self.instance.address_protection:
            # The address of a protected person is neither shown nor kept.
            for name in address_fields:
                del self.fields[name]
            address_fields = [
                HTML(
                    '<p class="aksel-body-short">Personen har adressebeskyttelse. '
                    "Adressen vises ikke og lagres ikke i KVP-sak.</p>"
                )
            ]
        self.helper = FormHelper()
        self.helper.form_tag = True
        self.helper.layout = Layout(
            Fieldset("Person", "national_id", "first_name", "last_name"),
            Fieldset("Kontaktinformasjon", *address_fields, "phone", "email"),
            Fieldset("Språk", "language", "needs_interpreter", "interpreter_language"),
            Fieldset("Beskyttelse", "address_protection", "shielded"),
            Fieldset("Oppfølging", "office", "caseworker"),
            Fieldset(
                "Opplysninger til statistikk (KOSTRA)", "sex", "civil_status", "journal_number"
            ),
            "version",
            Div(Submit("submit", "Lagre"), css_class="kvp-form-actions"),
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("needs_interpreter") and not cleaned.get("interpreter_language"):
            self.add_error("interpreter_language", "Skriv hvilket språk tolken skal bruke.")
        return cleaned

    def _post_clean(self):
        # Uniqueness and model validation are the service's job (it names the duplicate).
        pass

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class ChildForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Child
        fields = ["name", "birth_date", "supported"]
        widgets = {"birth_date": DateInput()}
        help_texts = {"birth_date": "dd.mm.åååå"}
        error_messages = {
            "name": {"required": "Skriv inn barnets navn."},
            "birth_date": {
                "required": "Skriv inn barnets fødselsdato.",
                "invalid": "Skriv datoen som dd.mm.åååå, for eksempel 03.04.2016.",
            },
        }

    def __init__(
        self, *args, participant: Participant, submit_label: str = "Legg til barn", **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.initial["version"] = participant.version
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "name", "birth_date", "supported", "version", Submit("submit", submit_label)
        )

    def clean_birth_date(self):
        birth_date = self.cleaned_data["birth_date"]
        if birth_date > clock.today():
            raise forms.ValidationError("Fødselsdatoen kan ikke være fram i tid.")
        if birth_date.year < 1900:
            raise forms.ValidationError("Sjekk fødselsdatoen.")
        return birth_date

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class VersionForm(forms.Form):
    """For POSTs that change a participant without other input (e.g. removing a child)."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Søk etter navn eller fødselsnummer",
        required=False,
        max_length=100,
        widget=forms.SearchInput(attrs={"autocomplete": "off"}),
    )
    mine = forms.BooleanField(label="Bare mine deltakere", required=False)


class ReassignForm(forms.Form):
    caseworker = forms.ModelChoiceField(
        label="Ny veileder", queryset=User.objects.none(), empty_label=None
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, participant: Participant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["caseworker"].queryset = (
            User.objects.in_office(participant.office).caseworkers().order_by("first_name")
        )
        self.fields["caseworker"].label_from_instance = lambda u: (
            f"{u.get_full_name() or u.username} ({u.username})"
        )
        self.initial.setdefault("caseworker", participant.caseworker_id)
        self.initial["version"] = participant.version
        self.helper = FormHelper()
        self.helper.layout = Layout("caseworker", "version", Submit("submit", "Tildel"))


class CaseloadReassignForm(forms.Form):
    office = forms.ModelChoiceField(
        label="Kontor", queryset=Office.objects.none(), empty_label=None
    )
    from_caseworker = forms.ModelChoiceField(
        label="Flytt deltakerne fra", queryset=User.objects.none()
    )
    to_caseworker = forms.ModelChoiceField(label="Til veileder", queryset=User.objects.none())

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        offices = Office.objects.filter(pk__in=user.office_ids())
        self.fields["office"].queryset = offices
        self.initial.setdefault("office", user.office_id)
        staff = (
            User.objects.filter(office__in=offices)
            .caseworkers()
            .select_related("office")
            .order_by("first_name", "last_name")
        )
        # A departing caseworker may already be deactivated; the receiver must be active.
        self.fields["from_caseworker"].queryset = staff
        self.fields["to_caseworker"].queryset = staff.filter(is_active=True)
        for name in ("from_caseworker", "to_caseworker"):
            self.fields[name].empty_label = "Velg veileder"
            self.fields[name].label_from_instance = lambda u: (
                f"{u.get_full_name() or u.username} ({u.username}, {u.office.name})"
                + ("" if u.is_active else " – deaktivert")
            )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "office", "from_caseworker", "to_caseworker", Submit("submit", "Flytt deltakerne")
        )

    def clean(self):
        cleaned = super().clean()
        office = cleaned.get("office")
        for name in ("from_caseworker", "to_caseworker"):
            worker = cleaned.get(name)
            if office and worker and worker.office_id != office.pk:
                self.add_error(name, "Veilederen arbeider ikke ved det valgte kontoret.")
        return cleaned
