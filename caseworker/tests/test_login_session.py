import datetime

from django.contrib.sessions.models import Session
from django.urls import reverse

from kvp import clock
from tests.factories import UserFactory


def test_login_page_is_norwegian_and_logs_in(client, office_a):
    UserFactory(username="Z123456", office=office_a)
    page = client.get(reverse("login")).content.decode()
    assert 'lang="nb"' in page and "NAV-ident" in page and "Passord" in page
    response = client.post(
        reverse("login"), {"username": "Z123456", "password": "passord-for-test"}
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_wrong_password_gives_norwegian_error(client, office_a):
    UserFactory(username="Z123456", office=office_a)
    response = client.post(reverse("login"), {"username": "Z123456", "password": "feil"})
    assert response.status_code == 200
    assert "Feil NAV-ident eller passord" in response.content.decode()


def test_logout_is_post_only_and_ends_the_session(login, caseworker):
    client = login(caseworker)
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_session_expires_after_30_minutes_idle(login, caseworker, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST
    client = login(caseworker)
    assert client.get(reverse("home")).status_code == 200
    # Renewed by the request: expires 30 minutes from now, not from login.
    session = Session.objects.get()
    remaining = session.expire_date - clock.now()
    assert datetime.timedelta(minutes=29) < remaining <= datetime.timedelta(minutes=30)
    Session.objects.update(expire_date=clock.now() - datetime.timedelta(seconds=1))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
