"""K1: the KOSTRA 11CF facts are captured while the work is done — on the participant form,
the application, the programme's statistics page and the termination decision."""

from __future__ import annotations

from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from caseworker.models import AuditEvent
from decisions.forms import DecisionForm
from decisions.models import Application
from participants.tests.test_register import errors_on, form_data


def test_participant_form_records_sex_civil_status_and_journal_number(
    login, caseworker, participant
):
    url = reverse("participants:edit", args=[participant.pk])
    response = login(caseworker).post(
        url,
        form_data(participant, sex="2", civil_status="3", journal_number="2025/117"),
    )
    assert response.status_code == 302
    participant.refresh_from_db()
    assert (participant.sex, participant.civil_status, participant.journal_number) == (
        "2",
        "3",
        "2025/117",
    )


def test_journal_number_longer_than_eight_is_refused(login, caseworker, participant):
    url = reverse("participants:edit", args=[participant.pk])
    response = login(caseworker).post(url, form_data(participant, journal_number="123456789"))
    assert response.status_code == 200
    assert "Journalnummeret kan ha høyst 8 tegn" in errors_on(response)
    participant.refresh_from_db()
    assert participant.journal_number == ""


def test_application_registers_benefits_before_and_earlier_programme(
    login, caseworker, participant
):
    url = reverse("decisions:application_register", args=[participant.pk])
    response = login(caseworker).post(
        url,
        {
            "received_on": "01.10.2026",
            "received_via": "digital",
            "benefits_before": ["2", "6"],
            "previous_kvp_municipality": "4601",
        },
    )
    assert response.status_code == 302, errors_on(response)
    application = Application.objects.get(participant=participant)
    assert application.benefits_before == ["2", "6"]
    assert application.previous_kvp_municipality == "4601"


def test_social_assistance_is_main_or_supplement_not_both(login, caseworker, participant):
    url = reverse("decisions:application_register", args=[participant.pk])
    response = login(caseworker).post(
        url,
        {
            "received_on": "01.10.2026",
            "received_via": "digital",
            "benefits_before": ["2", "3"],
            "previous_kvp_municipality": "46",
        },
    )
    assert response.status_code == 200
    text = errors_on(response)
    assert "ikke begge" in text
    assert "Kommunenummeret må være fire siffer" in text
    assert not Application.objects.exists()


def statistics_data(programme, **overrides):
    data = {
        "version": programme.application.version,
        "benefits_before": ["3"],
        "previous_kvp_municipality": "",
        "received_assistance": "yes",
        "assistance_during": ["4", "8"],
    }
    data.update(overrides)
    return data


def test_programme_statistics_are_saved_and_audited(login, caseworker, programme):
    url = reverse("decisions:programme_statistics", args=[programme.pk])
    client = login(caseworker)
    page = client.get(url)
    assert page.status_code == 200
    assert (
        BeautifulSoup(page.content, "html.parser")
        .h1.get_text(strip=True)
        .startswith("Opplysninger til statistikk")
    )
    response = client.post(url, statistics_data(programme))
    assert response.status_code == 302
    programme.refresh_from_db()
    programme.application.refresh_from_db()
    assert programme.received_assistance is True
    assert programme.assistance_during == ["4", "8"]
    assert programme.application.benefits_before == ["3"]
    assert AuditEvent.objects.filter(
        object_type="programme", action="change", participant_id=programme.participant_id
    ).exists()


def test_answer_no_with_ticks_is_refused_and_nothing_changes(login, caseworker, programme):
    url = reverse("decisions:programme_statistics", args=[programme.pk])
    response = login(caseworker).post(url, statistics_data(programme, received_assistance="no"))
    assert response.status_code == 200
    assert "Du har svart nei" in errors_on(response)
    programme.refresh_from_db()
    assert programme.received_assistance is None


def test_two_people_editing_statistics_do_not_overwrite_each_other(
    login, caseworker, caseworker2, programme
):
    url = reverse("decisions:programme_statistics", args=[programme.pk])
    stale = statistics_data(programme)
    first = Client()
    first.force_login(caseworker2)
    assert first.post(url, statistics_data(programme, assistance_during=["5"])).status_code == 302
    response = login(caseworker).post(url, stale)
    assert response.status_code == 200
    programme.refresh_from_db()
    assert programme.assistance_during == ["5"]


def test_other_office_cannot_see_programme_statistics(login, other_caseworker, programme):
    url = reverse("decisions:programme_statistics", args=[programme.pk])
    assert login(other_caseworker).get(url).status_code == 404


def test_termination_records_main_income_after():
    form = DecisionForm(
        {
            "effective_date": "01.10.2026",
            "termination_reason": "work",
            "situation_after": "11",
            "main_income_after": "01",
            "absence_cause": "",
            "reasoning": "Har fått arbeid.",
            "legal_basis": "sosialtjenesteloven § 34",
        },
        kind="termination",
    )
    assert form.is_valid(), form.errors
    assert form.service_data()["details"]["main_income_after"] == "01"
