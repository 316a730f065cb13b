"""Roles × offices × pages. The participant and its child belong to office A.

Expected answers: 200 allowed; 403 the role may never use the page; 404 the participant is
outside the user's offices (indistinguishable from "no such participant"); 302 to login."""

import pytest
from django.urls import reverse

PAGES = {
    "home": lambda p: reverse("home"),
    "list": lambda p: reverse("participants:list"),
    "create": lambda p: reverse("participants:create"),
    "detail": lambda p: reverse("participants:detail", args=[p.pk]),
    "edit": lambda p: reverse("participants:edit", args=[p.pk]),
    "children": lambda p: reverse("participants:children", args=[p.pk]),
    "child_edit": lambda p: reverse("participants:child_edit", args=[p.pk, p.children.first().pk]),
    "reassign": lambda p: reverse("participants:reassign", args=[p.pk]),
    "access_log": lambda p: reverse("participants:access_log", args=[p.pk]),
    "caseload": lambda p: reverse("caseworker:reassign_caseload"),
    "admin": lambda p: reverse("admin:index"),
}

# persona: expected status per page, in PAGES order.
MATRIX = {
    #                     home list create detail edit child cedit reas  log  load admin
    "caseworker": [200, 200, 200, 200, 200, 200, 200, 403, 403, 403, 302],
    "approver": [200, 200, 403, 200, 403, 403, 403, 403, 403, 403, 302],
    "leader": [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 302],
    "other_caseworker": [200, 200, 200, 404, 404, 404, 404, 403, 403, 403, 302],
    "other_leader": [200, 200, 200, 404, 404, 404, 404, 404, 404, 200, 302],
    "appeals_officer": [200, 403, 403, 403, 403, 403, 403, 403, 403, 403, 302],
    "admin_user": [200, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200],
}


@pytest.mark.parametrize("persona", MATRIX)
@pytest.mark.parametrize("page_index", range(len(PAGES)), ids=list(PAGES))
def test_access_matrix(persona, page_index, request, client, participant):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    url = list(PAGES.values())[page_index](participant)
    expected = MATRIX[persona][page_index]
    response = client.get(url)
    assert response.status_code == expected, f"{persona} GET {url}"
    if expected == 404:
        assert "Per Pettersen" not in response.content.decode()


@pytest.mark.parametrize("page", list(PAGES))
def test_anonymous_is_sent_to_login(page, client, participant):
    response = client.get(PAGES[page](participant))
    assert response.status_code == 302
    assert response["Location"].startswith("/logg-inn/") or "/admin/login/" in response["Location"]


def test_strictly_confidential_needs_special_authorisation(
    login, participant, caseworker, authorised_caseworker, leader
):
    participant.address_protection = "strengt_fortrolig"
    participant.save()
    url = reverse("participants:detail", args=[participant.pk])
    assert login(caseworker).get(url).status_code == 404
    assert login(authorised_caseworker).get(url).status_code == 200
    listing = login(caseworker).get(reverse("participants:list")).content.decode()
    assert "Pettersen" not in listing


def test_shielded_needs_special_authorisation(
    login, participant, caseworker, authorised_caseworker
):
    participant.shielded = True
    participant.save()
    url = reverse("participants:detail", args=[participant.pk])
    assert login(caseworker).get(url).status_code == 404
    page = login(authorised_caseworker).get(url)
    assert page.status_code == 200
    assert "Skjermet" in page.content.decode()


def test_leader_of_several_offices_sees_both(login, leader, office_b, participant, participant_b):
    leader.additional_offices.add(office_b)
    client = login(leader)
    assert client.get(reverse("participants:detail", args=[participant_b.pk])).status_code == 200
    listing = client.get(reverse("participants:list")).content.decode()
    assert "Pettersen" in listing and "Vik" in listing


def test_deactivated_user_is_logged_out(client, caseworker, participant):
    client.force_login(caseworker)
    caseworker.is_active = False
    caseworker.save()
    response = client.get(reverse("participants:detail", args=[participant.pk]))
    assert response.status_code == 302


def test_admin_can_give_roles_and_is_told_when_an_office_is_wrong(login, admin_user, office_a):
    from tests.factories import UserFactory

    staff = UserFactory(username="Z555555", roles=["veileder"], office=office_a)
    client = login(admin_user)
    url = reverse("admin:caseworker_user_change", args=[staff.pk])
    data = {
        "username": "Z555555",
        "first_name": "Ny",
        "last_name": "Statsforvalter",
        "roles": ["statsforvalter"],
        "office": office_a.pk,
        "is_active": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "En statsforvalter hører ikke til et NAV-kontor" in response.content.decode()
    staff.refresh_from_db()
    assert staff.roles == ["veileder"]
    data["office"] = ""
    assert client.post(url, data).status_code == 302
    staff.refresh_from_db()
    assert staff.roles == ["statsforvalter"] and staff.office is None
