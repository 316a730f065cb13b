import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from caseworker.models import AuditEvent


def events_for(participant, **filters):
    return AuditEvent.objects.filter(participant_id=participant.pk, **filters)


def test_viewing_a_participant_writes_an_audit_row(login, caseworker, participant):
    login(caseworker).get(
        reverse("participants:detail", args=[participant.pk]), REMOTE_ADDR="10.1.2.3"
    )
    event = events_for(participant).get()
    assert event.actor == caseworker
    assert event.actor_username == "Z990001"
    assert event.action == "view"
    assert event.outcome == "permit"
    assert event.object_type == "participant"
    assert event.client_address == "10.1.2.3"
    assert event.path == f"/deltakere/{participant.pk}/"


def test_refused_read_from_other_office_is_logged_as_deny(login, other_caseworker, participant):
    response = login(other_caseworker).get(reverse("participants:detail", args=[participant.pk]))
    assert response.status_code == 404
    event = events_for(participant).get()
    assert event.outcome == "deny"
    assert event.actor == other_caseworker


def test_search_results_log_one_row_per_person_shown(login, caseworker, participant, office_a):
    from tests.factories import ParticipantFactory

    ParticipantFactory(first_name="Per", last_name="Persen", office=office_a)
    login(caseworker).get(reverse("participants:list"), {"q": "Per"})
    assert AuditEvent.objects.filter(action="list", actor=caseworker).count() == 2


def test_edit_logs_changed_field_names_not_values(login, caseworker, participant):
    client = login(caseworker)
    url = reverse("participants:edit", args=[participant.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        phone="91234567",
        version=participant.version,
        office=participant.office_id,
        caseworker=caseworker.pk,
    )
    data = {
        **{
            f: getattr(participant, f)
            for f in (
                "first_name",
                "last_name",
                "street_address",
                "postal_code",
                "postal_area",
                "email",
                "language",
            )
        },
        **data,
    }
    data["national_id"] = participant.national_id
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    change = events_for(participant, action="change").get()
    assert change.detail == {"fields": ["phone"]}
    assert "91234567" not in str(change.detail)


@pytest.mark.django_db
def test_audit_rows_cannot_be_updated_or_deleted(caseworker):
    event = AuditEvent.objects.create(
        actor=caseworker, action="view", object_type="participant", participant_id=1
    )
    with pytest.raises(DatabaseError, match="Tilgangsloggen kan ikke endres"):
        with transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).update(action="change")
    with pytest.raises(DatabaseError, match="Tilgangsloggen kan ikke endres"):
        with transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(DatabaseError, match="Tilgangsloggen kan ikke endres"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM caseworker_auditevent")
    event.refresh_from_db()
    assert event.action == "view"


def test_leader_sees_who_has_seen_the_participant(
    login, caseworker, other_caseworker, leader, participant
):
    login(caseworker).get(reverse("participants:detail", args=[participant.pk]))
    login(other_caseworker).get(reverse("participants:detail", args=[participant.pk]))
    page = login(leader).get(reverse("participants:access_log", args=[participant.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Hvem har sett denne deltakeren?" in html
    assert "Kari Nordmann (Z990001)" in html
    assert "Sofie Johansen (Z990011)" in html
    assert "Avvist" in html  # Sofie's attempt from the other office


def test_access_log_page_query_count_does_not_grow(
    login, leader, caseworker, participant, django_assert_max_num_queries
):
    client = login(leader)
    url = reverse("participants:access_log", args=[participant.pk])
    for _ in range(30):
        client.get(reverse("participants:detail", args=[participant.pk]))
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
