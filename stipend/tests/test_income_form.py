"""The income form checks the amount's shape with a Norwegian message, whatever is typed."""

from __future__ import annotations

import pytest

from stipend.forms import IncomeForm
from tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("typed", ["9" * 40, "12345678", "10,001"])
def test_an_amount_too_large_or_too_precise_is_refused_with_a_message(office_a, typed):
    form = IncomeForm(
        {"kind": "dagpenger", "applies_on": "01.11.2026", "amount": typed},
        participant=ParticipantFactory(office=office_a),
    )
    assert not form.is_valid()
    assert form.errors["amount"] == ["Oppgi beløpet i kroner med høyst to desimaler."]
