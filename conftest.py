"""Named personas and shared fixtures. Office A is "NAV Grünerløkka", office B "NAV Bergenhus".

The clock is pinned for every test (see `_pinned_clock`): the suite runs on one fixed day,
`DEFAULT_TEST_TODAY`, or on the day named by KVP_TEST_TODAY (an ISO date, or `today` for the
machine's real date). A test that depends on the calendar travels to a day of its own choosing
with the `time_machine` fixture and writes its expected values for that day by hand.
"""

import datetime
import os
import time

import pytest
import time_machine

from caseworker.models import Role
from kvp import clock
from tests.clock import OSLO, noon
from tests.factories import ChildFactory, OfficeFactory, ParticipantFactory, UserFactory

# A Wednesday in an ordinary week: no public holiday within three weeks either side.
DEFAULT_TEST_TODAY = datetime.date(2026, 11, 18)
TEST_TODAY_ENV = "KVP_TEST_TODAY"


def _resolve_test_today() -> datetime.date:
    value = os.environ.get(TEST_TODAY_ENV, "").strip()
    if not value:
        return DEFAULT_TEST_TODAY
    if value == "today":
        # The one deliberate read of the real clock: KVP_TEST_TODAY=today runs the suite on the
        # machine's own date (in Norway), to prove it passes on the day it is run.
        return datetime.datetime.fromtimestamp(time.time(), tz=OSLO).date()
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise pytest.UsageError(
            f"{TEST_TODAY_ENV}={value!r}: give an ISO date (2027-12-24) or 'today'"
        ) from None


def pytest_configure(config):
    # Resolved once in the controlling process and handed to the xdist workers through the
    # environment, so all of them run on the same day even across midnight.
    os.environ[TEST_TODAY_ENV] = _resolve_test_today().isoformat()


def pytest_report_header(config):
    return f"KVP test clock: {os.environ[TEST_TODAY_ENV]} 12:00 Europe/Oslo ({TEST_TODAY_ENV})"


@pytest.fixture(autouse=True)
def _pinned_clock():
    """Every test starts at noon (Oslo) on the suite's day; the clock ticks from there."""
    day = datetime.date.fromisoformat(os.environ[TEST_TODAY_ENV])
    with time_machine.travel(noon(day)):
        yield


@pytest.fixture
def on_default_day(time_machine) -> datetime.date:
    """Travel to DEFAULT_TEST_TODAY whatever KVP_TEST_TODAY says: for a test whose figures,
    written by hand, hold on that day. Request it before fixtures that build dated data."""
    time_machine.move_to(noon(DEFAULT_TEST_TODAY))
    return DEFAULT_TEST_TODAY


@pytest.fixture
def today() -> datetime.date:
    """The suite's pinned today: the one `today` every test module uses."""
    return clock.today()


@pytest.fixture
def office_a(db):
    return OfficeFactory(name="NAV Grünerløkka", unit_number="0315", municipality_number="0301")


@pytest.fixture
def office_b(db):
    return OfficeFactory(name="NAV Bergenhus", unit_number="1203", municipality_number="4601")


@pytest.fixture
def caseworker(office_a):
    """Kari, veileder at office A."""
    return UserFactory(
        username="Z990001",
        first_name="Kari",
        last_name="Nordmann",
        roles=[Role.CASEWORKER],
        office=office_a,
    )


@pytest.fixture
def caseworker2(office_a):
    """Ola, another veileder at office A."""
    return UserFactory(
        username="Z990002",
        first_name="Ola",
        last_name="Hansen",
        roles=[Role.CASEWORKER],
        office=office_a,
    )


@pytest.fixture
def authorised_caseworker(office_a):
    """Anders, veileder at office A with the special authorisations (kode 6, skjermet)."""
    return UserFactory(
        username="Z990005",
        first_name="Anders",
        last_name="Lie",
        roles=[Role.CASEWORKER],
        office=office_a,
        may_see_strictly_confidential=True,
        may_see_shielded=True,
    )


@pytest.fixture
def approver(office_a):
    return UserFactory(
        username="Z990003",
        first_name="Ingrid",
        last_name="Berg",
        roles=[Role.APPROVER],
        office=office_a,
    )


@pytest.fixture
def leader(office_a):
    return UserFactory(
        username="Z990004",
        first_name="Lise",
        last_name="Dahl",
        roles=[Role.LEADER],
        office=office_a,
    )


@pytest.fixture
def other_caseworker(office_b):
    """Sofie, veileder at office B: must never see office A's participants."""
    return UserFactory(
        username="Z990011",
        first_name="Sofie",
        last_name="Johansen",
        roles=[Role.CASEWORKER],
        office=office_b,
    )


@pytest.fixture
def other_leader(office_b):
    return UserFactory(
        username="Z990013",
        first_name="Hilde",
        last_name="Kristiansen",
        roles=[Role.LEADER],
        office=office_b,
    )


@pytest.fixture
def appeals_officer(db):
    return UserFactory(
        username="Z990021",
        first_name="Eva",
        last_name="Moe",
        roles=[Role.APPEALS_OFFICER],
        office=None,
    )


@pytest.fixture
def admin_user(db):
    return UserFactory(
        username="Z990031",
        first_name="Tor",
        last_name="Haugen",
        roles=[Role.ADMIN],
        office=None,
        is_staff=True,
    )


@pytest.fixture
def participant(office_a, caseworker):
    """Per Pettersen, followed by Kari at office A, with one child."""
    p = ParticipantFactory(
        first_name="Per", last_name="Pettersen", office=office_a, caseworker=caseworker
    )
    ChildFactory(participant=p, name="Lille Pettersen")
    return p


@pytest.fixture
def participant_b(office_b, other_caseworker):
    return ParticipantFactory(
        first_name="Berit", last_name="Vik", office=office_b, caseworker=other_caseworker
    )


@pytest.fixture
def login(client):
    """login(user) -> the test client, logged in as that user."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2's deliberate slowness costs ~0.3 s per user created; tests need no such defence.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # Pages use {% static %}; the manifest storage of DEBUG=False needs collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _document_jobs_stay_in_tests(settings):
    # Approvals in transactional tests enqueue letter jobs; keep them off the queue that a
    # developer's `make run` worker consumes. Tests with a worker set their own queue.
    settings.KVP_DOCUMENT_QUEUE = "kvp-test-documents-unconsumed"
