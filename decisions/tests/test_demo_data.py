from io import StringIO

from django.core.management import call_command

from decisions import rules
from decisions.models import Decision, DecisionStatus, Programme
from decisions.selectors import programme_history, programmes_with_decisions
from kvp import clock
from participants.models import Participant


def test_demo_data_is_idempotent_and_every_programme_is_lawful(db, settings):
    settings.KVP_ALLOW_SYNTHETIC_IDS = True
    out = StringIO()
    call_command("demo_data", stdout=out)
    assert "Z990001" in out.getvalue() and "kvp-demo-2026" in out.getvalue()
    counts = (Participant.objects.count(), Programme.objects.count(), Decision.objects.count())
    call_command("demo_data", stdout=StringIO())
    assert counts == (
        Participant.objects.count(),
        Programme.objects.count(),
        Decision.objects.count(),
    )
    assert counts[0] == 60

    today = clock.today()
    states = set()
    for programme in programmes_with_decisions(Programme.objects.all()):
        history = programme_history(programme)  # raises on overlapping or unordered periods
        states.add(rules.programme_state(history, today))
        assert rules.programme_time_used(history, today) <= rules.max_programme_days(
            history.start, special=False
        )
    assert {"active", "interrupted", "ended"} <= states
    assert Decision.objects.filter(status=DecisionStatus.AWAITING_APPROVAL).exists()
    # Every approved decision has its letter; ended programmes have a deltakerbevis.
    from decisions.models import Document, ParticipationCertificate

    approved = Decision.objects.filter(status=DecisionStatus.APPROVED).count()
    assert Document.objects.filter(kind="vedtaksbrev").count() == approved
    ended = Programme.objects.filter(ended_on__isnull=False).count()
    assert ParticipationCertificate.objects.count() == ended > 0
    assert ParticipationCertificate.objects.filter(status="reviewed").exists()
