"""The case fixtures (an approved programme granted 200 days ago) and the plan's own: an office
catalogue with one provider and one measure."""

import pytest

from decisions.tests.conftest import (  # noqa: F401  (fixtures for this package)
    application,
    as_approver,
    as_caseworker,
    programme,
)
from plans.models import Measure, Provider


@pytest.fixture
def provider(office_a):
    return Provider.objects.create(
        office=office_a, name="Fretex Jobb og Oppfølging", org_number="974760673"
    )


@pytest.fixture
def measure(office_a, provider):
    return Measure.objects.create(
        office=office_a,
        name="Arbeidspraksis i butikk",
        activity_type="arbeidspraksis",
        provider=provider,
    )


@pytest.fixture
def span(programme):  # noqa: F811
    from decisions.selectors import programme_history
    from plans import rules

    return rules.programme_span(programme_history(programme))
