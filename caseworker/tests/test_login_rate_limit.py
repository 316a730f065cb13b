"""Login rate limiting (django-axes): five wrong passwords for one NAV-ident from one address
lock that pair out for 15 minutes with a Norwegian message; a successful login resets the
count; the lockout holds for single sign-on too."""

from __future__ import annotations

import datetime

import pytest
from axes.models import AccessAttempt
from bs4 import BeautifulSoup
from django.urls import reverse

from caseworker.tests.test_sso import claims_for, logged_in_user, sso_login
from caseworker.tests.test_sso import sso as sso  # noqa: F401 - the fixture
from kvp import clock

PASSWORD = "passord-for-test"


def post_login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def page_text(response) -> str:
    return BeautifulSoup(response.content.decode(), "html.parser").get_text(" ", strip=True)


def test_settings_are_five_attempts_and_fifteen_minutes(settings):
    assert settings.AXES_ENABLED
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == 0.25
    assert settings.AXES_RESET_ON_SUCCESS


def test_fifth_wrong_password_locks_out_even_the_right_password(client, caseworker):
    for _ in range(4):
        response = post_login(client, "Z990001", "feil")
        assert response.status_code == 200
        assert "Feil NAV-ident eller passord" in page_text(response)
    response = post_login(client, "Z990001", "feil")
    assert response.status_code == 429
    assert "For mange mislykkede innloggingsforsøk" in page_text(response)
    assert "Vent 15 minutter" in page_text(response)
    # The right password does not get through while locked out.
    response = post_login(client, "Z990001", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_ident_and_address(client, caseworker, caseworker2):
    for _ in range(5):
        post_login(client, "Z990001", "feil")
    # Another caseworker on the same address still logs in.
    assert post_login(client, "Z990002", PASSWORD).status_code == 302


def test_four_failures_then_success_resets_the_count(client, caseworker):
    for _ in range(4):
        post_login(client, "Z990001", "feil")
    assert post_login(client, "Z990001", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="Z990001").exists()
    client.post(reverse("logout"))
    for _ in range(4):
        assert post_login(client, "Z990001", "feil").status_code == 200


def test_lockout_ends_after_the_cooloff(client, caseworker):
    for _ in range(5):
        post_login(client, "Z990001", "feil")
    assert post_login(client, "Z990001", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=clock.now() - datetime.timedelta(minutes=16))
    assert post_login(client, "Z990001", PASSWORD).status_code == 302


@pytest.mark.usefixtures("sso")
def test_sso_logins_are_counted_and_locked_out_too(client, caseworker, settings):
    settings.AXES_LOCKOUT_PARAMETERS = ["ip_address"]
    # Refused SSO logins (no KVP role) count as failures for the address ...
    for _ in range(5):
        sso_login(client, claims_for(ident="Z990001", groups=()))
    assert AccessAttempt.objects.get().failures_since_start == 5
    # ... and then not even a valid SSO login gets through from it.
    response = sso_login(client, claims_for(ident="Z990001"))
    assert response.status_code == 429
    assert logged_in_user(client) is None
