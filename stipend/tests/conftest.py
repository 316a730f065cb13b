"""The case fixtures (a programme granted 200 days ago) for the stipend tests, and the G
register."""

import datetime

import pytest

from decisions.tests.conftest import (  # noqa: F401
    application,
    as_approver,
    as_caseworker,
    programme,
    today,
)


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
