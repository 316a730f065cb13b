"""The case fixtures (a programme granted 200 days ago) for the stipend tests, and the G
register."""

import datetime

import pytest

from decisions.tests.conftest import (  # noqa: F401
    application,
    as_approver,
    as_caseworker,
    programme,
)
from tests.clock import noon

# The stipend figures written by hand in these tests (October 2026 as the last whole month,
# G 2025 in force because no 2026 G is registered, 38 kr barnetillegg in 2026) hold on this day.
FIGURES_DAY = datetime.date(2026, 11, 18)


@pytest.fixture
def on_figures_day(time_machine):
    """Travel to FIGURES_DAY; request it before any fixture that builds dated data."""
    time_machine.move_to(noon(FIGURES_DAY))
    return FIGURES_DAY


@pytest.fixture
def without_g_2026(db):
    """No G registered from 01.05.2026, whatever the seeded register holds: G 2025 applies."""
    from stipend.models import BaseAmount

    BaseAmount.objects.filter(effective_from__gte=datetime.date(2026, 5, 1)).delete()


@pytest.fixture
def g_register(db):
    """The G register as the data migration seeds it: a transactional test (real worker,
    browser) runs after a flush that removed the migration's rows."""
    from stipend.models import BaseAmount
    from stipend.rules.rates import KNOWN_BASE_AMOUNTS

    for year, amount in KNOWN_BASE_AMOUNTS.items():
        BaseAmount.objects.get_or_create(
            effective_from=datetime.date(year, 5, 1), defaults={"amount": amount}
        )


@pytest.fixture(autouse=True)
def _g_register_for_database_tests(request):
    if {"db", "transactional_db"} & set(request.fixturenames):
        request.getfixturevalue("g_register")
