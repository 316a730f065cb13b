"""The participant register as a caseworker uses it: create, find, edit, household, reassign."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from caseworker.models import AuditEvent
from participants.models import Child, Participant

VALID_ID = "15108695088"  # a real-format fødselsnummer (stdnum's example)


def form_data(participant=None, **overrides):
    data = {
        "national_id": VALID_ID,
        "first_name": "Aud",
        "last_name": "Eriksen",
        "street_address": "Markveien 12",
        "postal_code": "0554",
        "postal_area": "OSLO",
        "phone": "912 34 567",
        "email": "aud@example.com",
        "language": "norsk",
        "address_protection": "",
    }
    if participant is not None:
        data.update(
            national_id=participant.national_id,
            first_name=participant.first_name,
            last_name=participant.last_name,
            street_address=participant.street_address,
            postal_code=participant.postal_code,
            postal_area=participant.postal_area,
            office=participant.office_id,
            caseworker=participant.caseworker_id or "",
            version=participant.version,
        )
    data.update(overrides)
    return data


def errors_on(response) -> str:
    soup = BeautifulSoup(response.content, "html.parser")
    return soup.get_text(" ", strip=True)


def test_create_participant_derives_birth_date_and_audits(login, caseworker, office_a):
    response = login(caseworker).post(
        reverse("participants:create"),
        form_data(office=office_a.pk, caseworker=caseworker.pk),
    )
    person = Participant.objects.get(national_id=VALID_ID)
    assert response.status_code == 302
    assert response["Location"] == reverse("participants:detail", args=[person.pk])
    assert str(person.birth_date) == "1986-10-15"
    assert AuditEvent.objects.filter(participant_id=person.pk, action="create").exists()
    page = login(caseworker).get(response["Location"])
    assert "Aud Eriksen" in page.content.decode()
    assert "151086 95088" in page.content.decode()


def test_create_refuses_bad_id_and_saves_nothing(login, caseworker, office_a):
    response = login(caseworker).post(
        reverse("participants:create"), form_data(national_id="15108695077", office=office_a.pk)
    )
    assert response.status_code == 200
    assert "Kontrollsifrene stemmer ikke" in errors_on(response)
    assert not Participant.objects.exists()


def test_synthetic_id_refused_when_setting_is_off(login, caseworker, office_a, settings):
    settings.KVP_ALLOW_SYNTHETIC_IDS = False
    response = login(caseworker).post(
        reverse("participants:create"), form_data(national_id="17859012310", office=office_a.pk)
    )
    assert "Syntetiske fødselsnumre" in errors_on(response)
    assert not Participant.objects.exists()


def test_duplicate_id_links_to_the_existing_participant(login, caseworker, participant):
    response = login(caseworker).post(
        reverse("participants:create"),
        form_data(national_id=participant.national_id, office=participant.office_id),
    )
    soup = BeautifulSoup(response.content, "html.parser")
    link = soup.find("a", href=reverse("participants:detail", args=[participant.pk]))
    assert link is not None and "Per Pettersen" in link.get_text()
    assert Participant.objects.count() == 1


def test_duplicate_at_other_office_does_not_reveal_the_person(login, other_caseworker, participant):
    response = login(other_caseworker).post(
        reverse("participants:create"),
        form_data(national_id=participant.national_id, office=other_caseworker.office_id),
    )
    text = errors_on(response)
    assert "ved et annet kontor" in text
    assert "Pettersen" not in text
    assert Participant.objects.count() == 1


def test_cannot_place_participant_at_an_office_the_user_does_not_work_at(
    login, caseworker, office_b
):
    response = login(caseworker).post(reverse("participants:create"), form_data(office=office_b.pk))
    assert response.status_code == 200
    assert not Participant.objects.exists()


def test_protected_address_is_neither_stored_nor_shown(login, caseworker, office_a):
    login(caseworker).post(
        reverse("participants:create"),
        form_data(office=office_a.pk, address_protection="fortrolig"),
    )
    person = Participant.objects.get()
    assert person.street_address == "" and person.postal_code == ""
    html = login(caseworker).get(reverse("participants:detail", args=[person.pk])).content
    assert "Markveien" not in html.decode()
    assert "adressen vises ikke" in html.decode()
    edit = login(caseworker).get(reverse("participants:edit", args=[person.pk]))
    assert "street_address" not in edit.content.decode()


def test_interpreter_language_required_when_interpreter_needed(login, caseworker, office_a):
    response = login(caseworker).post(
        reverse("participants:create"),
        form_data(office=office_a.pk, needs_interpreter="on", interpreter_language=""),
    )
    assert "Skriv hvilket språk tolken skal bruke" in errors_on(response)
    assert not Participant.objects.exists()


def test_two_caseworkers_editing_do_not_overwrite_each_other(
    login, caseworker, caseworker2, participant, client, django_user_model
):
    from django.test import Client

    url = reverse("participants:edit", args=[participant.pk])
    stale_version = participant.version
    first = Client()
    first.force_login(caseworker2)
    assert first.post(url, form_data(participant, phone="41111111")).status_code == 302

    second = login(caseworker)
    response = second.post(url, form_data(participant, phone="42222222", version=stale_version))
    assert response.status_code == 200
    assert "Ola Hansen endret denne deltakeren" in errors_on(response)
    participant.refresh_from_db()
    assert participant.phone == "41111111"
    assert participant.version == stale_version + 1


def test_search_by_name_and_by_national_id(login, caseworker, participant, office_a):
    from tests.factories import ParticipantFactory

    ParticipantFactory(first_name="Mona", last_name="Lund", office=office_a)
    client = login(caseworker)
    by_name = client.get(reverse("participants:list"), {"q": "pett"}).content.decode()
    assert "Pettersen" in by_name and "Lund" not in by_name
    by_id = client.get(
        reverse("participants:list"), {"q": participant.national_id_display}
    ).content.decode()
    assert "Pettersen" in by_id and "Lund" not in by_id
    mine = client.get(reverse("participants:list"), {"mine": "on"}).content.decode()
    assert "Pettersen" in mine and "Lund" not in mine


def test_list_query_count_does_not_grow_with_rows(
    login, caseworker, office_a, django_assert_max_num_queries
):
    from tests.factories import ParticipantFactory

    client = login(caseworker)
    ParticipantFactory.create_batch(3, office=office_a, caseworker=caseworker)
    # 11: the header's "Oppgaver" count is one COUNT on every page (issue 4).
    with django_assert_max_num_queries(11) as few:
        client.get(reverse("participants:list"))
    ParticipantFactory.create_batch(20, office=office_a, caseworker=caseworker)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("participants:list"))


def test_household_add_edit_and_remove_child(login, caseworker, participant):
    client = login(caseworker)
    url = reverse("participants:children", args=[participant.pk])
    response = client.post(
        url,
        {
            "name": "Mia Pettersen",
            "birth_date": "03.04.2016",
            "supported": "on",
            "version": participant.version,
        },
    )
    assert response.status_code == 302
    child = Child.objects.get(name="Mia Pettersen")
    assert str(child.birth_date) == "2016-04-03"
    participant.refresh_from_db()
    page = client.get(reverse("participants:detail", args=[participant.pk])).content.decode()
    assert "Mia Pettersen" in page and "03.04.2016" in page

    bad = client.post(
        url, {"name": "X", "birth_date": "31.02.2016", "version": participant.version}
    )
    assert bad.status_code == 200
    assert not Child.objects.filter(name="X").exists()

    remove = reverse("participants:child_remove", args=[participant.pk, child.pk])
    assert client.post(remove, {"version": participant.version}).status_code == 302
    assert not Child.objects.filter(pk=child.pk).exists()


def test_removing_child_with_stale_version_is_refused(login, caseworker, participant):
    child = participant.children.get()
    client = login(caseworker)
    stale = participant.version
    client.post(
        reverse("participants:children", args=[participant.pk]),
        {"name": "Nytt Barn", "birth_date": "01.01.2020", "version": stale},
    )
    response = client.post(
        reverse("participants:child_remove", args=[participant.pk, child.pk]),
        {"version": stale},
        follow=True,
    )
    assert "endret denne deltakeren" in response.content.decode()
    assert Child.objects.filter(pk=child.pk).exists()


def test_leader_reassigns_one_participant(login, leader, caseworker2, participant):
    response = login(leader).post(
        reverse("participants:reassign", args=[participant.pk]),
        {"caseworker": caseworker2.pk, "version": participant.version},
    )
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.caseworker == caseworker2


def test_leader_cannot_reassign_to_caseworker_of_other_office(
    login, leader, other_caseworker, participant, caseworker
):
    response = login(leader).post(
        reverse("participants:reassign", args=[participant.pk]),
        {"caseworker": other_caseworker.pk, "version": participant.version},
    )
    assert response.status_code == 200
    participant.refresh_from_db()
    assert participant.caseworker == caseworker


def test_leader_moves_a_departing_caseworkers_whole_caseload(
    login, leader, caseworker, caseworker2, office_a, participant
):
    from tests.factories import ParticipantFactory

    ParticipantFactory.create_batch(4, office=office_a, caseworker=caseworker)
    secret = ParticipantFactory(
        office=office_a, caseworker=caseworker, address_protection="strengt_fortrolig"
    )
    response = login(leader).post(
        reverse("caseworker:reassign_caseload"),
        {"office": office_a.pk, "from_caseworker": caseworker.pk, "to_caseworker": caseworker2.pk},
        follow=True,
    )
    html = response.content.decode()
    assert "5 deltakere er flyttet fra Kari Nordmann til Ola Hansen" in html
    assert "1 deltakere med strengt fortrolig" in html
    assert Participant.objects.filter(caseworker=caseworker2).count() == 5
    secret.refresh_from_db()
    assert secret.caseworker == caseworker
    assert AuditEvent.objects.filter(action="change", actor=leader).count() == 5


@pytest.mark.parametrize("field", ["from_caseworker", "to_caseworker"])
def test_caseload_reassign_refuses_other_office_staff(
    login, leader, caseworker, caseworker2, other_caseworker, office_a, participant, field
):
    data = {
        "office": office_a.pk,
        "from_caseworker": caseworker.pk,
        "to_caseworker": caseworker2.pk,
        field: other_caseworker.pk,
    }
    response = login(leader).post(reverse("caseworker:reassign_caseload"), data)
    assert response.status_code == 200
    participant.refresh_from_db()
    assert participant.caseworker == caseworker
