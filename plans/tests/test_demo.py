from io import StringIO

from django.core.management import call_command

from plans import selectors
from plans.models import Measure, PlanActivity, Provider


def test_demo_programmes_get_plans_some_with_warnings(db, settings):
    settings.KVP_ALLOW_SYNTHETIC_IDS = True
    out = StringIO()
    call_command("demo_data", stdout=out)
    assert "Demoplaner:" in out.getvalue()
    counts = (PlanActivity.objects.count(), Measure.objects.count(), Provider.objects.count())
    call_command("demo_data", stdout=StringIO())
    assert counts == (
        PlanActivity.objects.count(),
        Measure.objects.count(),
        Provider.objects.count(),
    )
    rules_seen = set()
    clean = 0
    for programme in selectors.programmes_for_plan():
        findings = selectors.plan_for(programme).check.findings
        rules_seen |= {f.rule for f in findings}
        clean += not findings
    assert {"P1", "P3", "P4", "P5"} <= rules_seen
    assert clean > 0
