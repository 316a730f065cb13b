"""`make run`'s demo data shows attendance, counters and approved payment bases (issue 6)."""

from io import StringIO

import pytest
from django.core.management import call_command

from stipend.models import Absence, AttendanceWeek, BasisStatus, PaymentBasis

# Stipend computed for the last period needs that year's G and barnetillegg rate (S2, S4), which
# are known only up to the present: these tests run on the stipend tests' FIGURES_DAY.
pytestmark = pytest.mark.usefixtures("on_figures_day")


def test_demo_data_has_attendance_and_approved_bases_and_is_idempotent(db, settings):
    settings.KVP_ALLOW_SYNTHETIC_IDS = True
    out = StringIO()
    call_command("demo_data", stdout=out)
    assert "Oppmøte og stønad:" in out.getvalue()
    counts = (Absence.objects.count(), PaymentBasis.objects.count())
    assert counts[0] > 10 and AttendanceWeek.objects.exists()
    assert PaymentBasis.objects.filter(status=BasisStatus.APPROVED).count() == counts[1] > 5
    call_command("demo_data", stdout=StringIO())
    assert (Absence.objects.count(), PaymentBasis.objects.count()) == counts
