"""The crispy-forms template pack "aksel" (templates/aksel/) renders accessible Aksel markup.

Rendered without a database: a plain Form, parsed with BeautifulSoup, and asserted on what a
screen-reader or keyboard user depends on — labels, descriptions and errors wired up with
aria-describedby, aria-invalid, an error summary that links to the fields, fieldsets with
legends for radio and checkbox groups, and "(valgfritt)" on optional fields only.
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from crispy_forms.helper import FormHelper
from crispy_forms.layout import (
    HTML,
    Button,
    ButtonHolder,
    Column,
    Div,
    Fieldset,
    Layout,
    Row,
    Submit,
)
from django import forms
from django.template import engines, loader
from django.test import RequestFactory

PROTECTION_CHOICES = [
    ("", "Ingen"),
    ("fortrolig", "Fortrolig"),
    ("strengt_fortrolig", "Strengt fortrolig"),
]
NEED_CHOICES = [("tolk", "Tolk"), ("tilrettelegging", "Tilrettelegging")]
ERROR_SUMMARY_HEADING = "Du må rette disse feilene før du kan fortsette:"


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    # Outside DEBUG the manifest storage needs `collectstatic` first; {% static %} in
    # base.html should not depend on that in tests.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


class SampleForm(forms.Form):
    name = forms.CharField(label="Navn", max_length=50)
    email = forms.EmailField(
        label="E-post", required=False, help_text="Brukes bare til varsler om møter."
    )
    count = forms.IntegerField(label="Antall barn")
    birth_date = forms.DateField(
        label="Fødselsdato",
        widget=forms.DateInput(format="%d.%m.%Y"),
        input_formats=["%d.%m.%Y"],
        help_text="dd.mm.åååå",
    )
    notes = forms.CharField(label="Notat", widget=forms.Textarea, required=False)
    office = forms.ChoiceField(
        label="Kontor", choices=[("", "Velg kontor"), ("0315", "NAV Grünerløkka")]
    )
    protection = forms.ChoiceField(
        label="Adressebeskyttelse", widget=forms.RadioSelect, choices=PROTECTION_CHOICES[1:]
    )
    needs = forms.MultipleChoiceField(
        label="Behov",
        widget=forms.CheckboxSelectMultiple,
        choices=NEED_CHOICES,
        required=False,
        help_text="Velg alle som passer.",
    )
    interpreter = forms.BooleanField(label="Trenger tolk", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("name") == "Duplikat":
            raise forms.ValidationError("Personen er allerede registrert.")
        return cleaned


class LayoutForm(SampleForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "post"
        self.helper.form_id = "deltakerskjema"
        self.helper.layout = Layout(
            Fieldset(
                "Person",
                Row(Column("name"), Column("birth_date")),
                "email",
                Div("count", css_class="kvp-extra"),
            ),
            Fieldset("Oppfølging", "office", "protection", "needs", "interpreter", "notes"),
            HTML('<p class="aksel-body-short">Sjekk opplysningene før du lagrer.</p>'),
            "version",
            ButtonHolder(
                Submit("submit", "Lagre"),
                Button("back", "Tilbake"),
                Submit("delete", "Slett", css_class="danger"),
            ),
        )


INVALID_DATA = {
    "name": "",
    "email": "ikke-en-epost",
    "count": "mange",
    "birth_date": "31.02.2020",
    "office": "",
    "needs": ["ukjent"],
    "version": "1",
}


def render(template_code: str, **context) -> BeautifulSoup:
    request = RequestFactory().post("/deltakere/ny/")
    template = engines["django"].from_string("{% load crispy_forms_tags %}" + template_code)
    return BeautifulSoup(template.render(context, request), "html.parser")


def label_text(soup: BeautifulSoup, field_id: str) -> str:
    label = soup.find("label", attrs={"for": field_id})
    assert label is not None, f"no <label for={field_id}>"
    return " ".join(label.get_text().split())


def described_by(element) -> list[str]:
    return (element.get("aria-describedby") or "").split()


@pytest.fixture(params=["crispy_tag", "crispy_filter"])
def invalid_soup(request) -> BeautifulSoup:
    if request.param == "crispy_tag":
        form = LayoutForm(data=INVALID_DATA)
        return render("{% crispy form %}", form=form)
    form = SampleForm(data=INVALID_DATA)
    return render('<form method="post" novalidate>{{ form|crispy }}</form>', form=form)


def test_every_visible_control_has_a_label(invalid_soup):
    controls = invalid_soup.select(
        "input:not([type=hidden]):not([type=submit]):not([type=button]), select, textarea"
    )
    assert len(controls) >= 10
    for control in controls:
        assert control.get("id"), control
        assert label_text(invalid_soup, control["id"])


def test_text_input_error_is_linked_and_marked_invalid(invalid_soup):
    name = invalid_soup.find(id="id_name")
    assert name.name == "input"
    assert "aksel-text-field__input" in name["class"]
    assert name.get("aria-invalid") == "true"
    assert "id_name_error" in described_by(name)

    error = invalid_soup.find(id="id_name_error")
    assert "aksel-form-field__error" in error["class"]
    message = error.find(class_="aksel-error-message")
    assert message is not None and message.get_text(strip=True)

    wrapper = name.find_parent(class_="aksel-form-field")
    assert "aksel-text-field--error" in wrapper["class"]


def test_select_and_textarea_use_aksel_markup(invalid_soup):
    office = invalid_soup.find(id="id_office")
    assert office.name == "select"
    assert "aksel-select__input" in office["class"]
    assert office.find_parent(class_="aksel-select__container") is not None
    assert office.get("aria-invalid") == "true"
    assert "id_office_error" in described_by(office)
    assert "aksel-select--error" in office.find_parent(class_="aksel-form-field")["class"]

    notes = invalid_soup.find(id="id_notes")
    assert notes.name == "textarea"
    assert "aksel-textarea__input" in notes["class"]
    assert notes.get("aria-invalid") is None


def test_help_text_is_an_aksel_description_linked_to_the_input(invalid_soup):
    email = invalid_soup.find(id="id_email")
    description = invalid_soup.find(id="id_email_helptext")
    assert "aksel-form-field__description" in description["class"]
    assert "varsler" in description.get_text()
    assert described_by(email)[:2] == ["id_email_helptext", "id_email_error"]
    assert invalid_soup.find(id="id_email_error") is not None


def test_optional_fields_are_marked_and_required_fields_are_not(invalid_soup):
    assert label_text(invalid_soup, "id_email") == "E-post (valgfritt)"
    assert label_text(invalid_soup, "id_notes") == "Notat (valgfritt)"
    assert label_text(invalid_soup, "id_name") == "Navn"
    assert label_text(invalid_soup, "id_office") == "Kontor"
    assert "*" not in invalid_soup.get_text()
    # A lone checkbox is optional by nature; it does not get the marker.
    assert label_text(invalid_soup, "id_interpreter") == "Trenger tolk"


def test_radio_group_is_a_fieldset_with_legend_and_error(invalid_soup):
    fieldset = invalid_soup.find("fieldset", id="id_protection")
    assert fieldset is not None
    assert "aksel-fieldset" in fieldset["class"]
    assert "aksel-radio-group" in fieldset["class"]
    assert "aksel-fieldset--error" in fieldset["class"]
    legend = fieldset.find("legend")
    assert " ".join(legend.get_text().split()) == "Adressebeskyttelse"
    assert "id_protection_error" in described_by(fieldset)
    assert fieldset.find(id="id_protection_error") is not None

    radios = fieldset.select("input[type=radio]")
    assert [r["value"] for r in radios] == ["fortrolig", "strengt_fortrolig"]
    for radio in radios:
        assert "aksel-radio__input" in radio["class"]
        assert radio.get("aria-invalid") == "true"
        assert "id_protection_error" in described_by(radio)
        assert label_text(invalid_soup, radio["id"])


def test_checkbox_group_is_a_fieldset_with_legend_description_and_error(invalid_soup):
    fieldset = invalid_soup.find("fieldset", id="id_needs")
    assert "aksel-checkbox-group" in fieldset["class"]
    legend = fieldset.find("legend")
    assert " ".join(legend.get_text().split()) == "Behov (valgfritt)"
    assert described_by(fieldset) == ["id_needs_helptext", "id_needs_error"]
    assert fieldset.find(id="id_needs_helptext").get_text(strip=True) == "Velg alle som passer."
    boxes = fieldset.select("input[type=checkbox]")
    assert len(boxes) == 2
    for box in boxes:
        assert "aksel-checkbox__input" in box["class"]
        assert box.find_parent(class_="aksel-checkbox") is not None


def test_single_checkbox_uses_aksel_checkbox(invalid_soup):
    box = invalid_soup.find(id="id_interpreter")
    assert box["type"] == "checkbox"
    assert "aksel-checkbox__input" in box["class"]
    assert box.find_parent(class_="aksel-checkbox") is not None


def test_error_summary_lists_every_error_with_a_link_to_the_field(invalid_soup):
    summary = invalid_soup.find(class_="aksel-error-summary")
    assert summary is not None
    assert summary.get("tabindex") == "-1"
    assert summary.has_attr("data-kvp-error-summary")
    heading = summary.find(class_="aksel-error-summary__heading")
    assert heading.name == "h2"
    assert heading.get_text(strip=True) == ERROR_SUMMARY_HEADING

    links = {a["href"]: a.get_text(strip=True) for a in summary.find_all("a")}
    for field in ("name", "email", "count", "birth_date", "office", "protection", "needs"):
        assert f"#id_{field}" in links, field
        assert invalid_soup.find(id=f"id_{field}") is not None
    # Summary text equals the message at the field.
    assert links["#id_name"] == invalid_soup.find(id="id_name_error").get_text(strip=True)
    # The summary comes before the first field.
    assert summary.find_next(id="id_name") is not None


def test_non_field_errors_appear_in_the_summary():
    data = {
        **INVALID_DATA,
        "name": "Duplikat",
        "count": "2",
        "birth_date": "01.02.2020",
        "office": "0315",
        "protection": "fortrolig",
        "email": "",
        "needs": [],
    }
    soup = render("{% crispy form %}", form=LayoutForm(data=data))
    summary = soup.find(class_="aksel-error-summary")
    assert "Personen er allerede registrert." in summary.get_text()


def test_valid_or_unbound_form_has_no_error_markup():
    soup = render("{% crispy form %}", form=LayoutForm())
    assert soup.find(class_="aksel-error-summary") is None
    assert soup.find(attrs={"aria-invalid": True}) is None
    assert soup.find(class_="aksel-error-message") is None
    # Without errors, only the help text describes the input.
    assert described_by(soup.find(id="id_email")) == ["id_email_helptext"]


def test_form_tag_csrf_layout_and_buttons():
    soup = render("{% crispy form %}", form=LayoutForm(data=INVALID_DATA), csrf_token="tok")
    form = soup.find("form")
    assert form["method"] == "post"
    assert form["id"] == "deltakerskjema"
    assert form.has_attr("novalidate")
    assert form.find("input", attrs={"name": "csrfmiddlewaretoken"}) is not None
    assert form.find("input", attrs={"type": "hidden", "name": "version"}) is not None

    sections = form.find_all("fieldset", class_="kvp-form-section")
    assert [s.find("legend").get_text(strip=True) for s in sections] == ["Person", "Oppfølging"]
    assert form.find(class_="kvp-row").find_all(class_="kvp-col")
    assert form.find(class_="kvp-extra").find(id="id_count") is not None
    assert "Sjekk opplysningene" in form.get_text()

    actions = form.find(class_="kvp-form-actions")
    save, back, delete = actions.find_all("button")
    assert (save["type"], save["data-variant"], save.get_text(strip=True)) == (
        "submit",
        "primary",
        "Lagre",
    )
    assert "aksel-button" in save["class"]
    assert (back["type"], back["data-variant"]) == ("button", "secondary")
    assert (delete["data-variant"], delete["data-color"]) == ("primary", "danger")
    assert (delete["name"], delete["value"]) == ("delete", "Slett")


def test_get_form_has_no_csrf_and_labels_can_be_hidden_but_stay():
    form = SampleForm()
    form.helper = FormHelper()
    form.helper.form_method = "get"
    form.helper.form_show_labels = False
    soup = render("{% crispy form %}", form=form, csrf_token="tok")
    assert soup.find("form")["method"] == "get"
    assert soup.find("input", attrs={"name": "csrfmiddlewaretoken"}) is None
    label = soup.find("label", attrs={"for": "id_name"})
    assert label is not None and "aksel-sr-only" in label["class"]


def test_mark_optional_can_be_switched_off_for_search_forms():
    form = SampleForm()
    form.helper = FormHelper()
    form.helper.form_tag = False
    form.helper.mark_optional = False
    soup = render("{% crispy form %}", form=form)
    assert label_text(soup, "id_email") == "E-post"


# --- Error pages: base.html must render without request context or database ---------------


@pytest.mark.parametrize(
    ("template_name", "heading"),
    [
        ("500.html", "Noe gikk galt"),
        ("403_csrf.html", "Skjemaet er utløpt – last siden på nytt"),
        ("404.html", "Fant ikke siden"),
        ("403.html", "Du har ikke tilgang"),
        ("400.html", "Ugyldig forespørsel"),
    ],
)
def test_error_pages_render_without_request_or_database(template_name, heading):
    # Django's server_error and csrf_failure views render with a bare context like this.
    html = loader.get_template(template_name).render({})
    soup = BeautifulSoup(html, "html.parser")
    assert soup.html["lang"] == "nb"
    assert soup.h1.get_text(strip=True) == heading
    assert soup.title.get_text(strip=True) == f"{heading.split(' – ')[0]} – KVP-sak"
    assert soup.find("a", string="Gå til forsiden")["href"] == "/"
    skip = soup.find("a", class_="kvp-skiplink")
    assert skip["href"] == "#hovedinnhold"
    main = soup.find("main", id="hovedinnhold")
    assert main["tabindex"] == "-1"
    assert soup.find("nav", attrs={"aria-label": "Hovedmeny"}) is None
    assert soup.find(attrs={"style": True}) is None
    assert all(script.get("src") for script in soup.find_all("script"))
