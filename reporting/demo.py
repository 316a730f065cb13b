"""Demo data for the statistics: the KOSTRA 11CF facts a caseworker would have recorded, so
the demo's dashboard and KOSTRA report show real figures. One participant is left without
civil status, so the report shows an error and the link that fixes it. Idempotent: only
fills what is empty."""

from __future__ import annotations

from decisions.models import Application, Programme
from participants.models import Participant


def seed_demo() -> str:
    filled = 0
    people = list(Participant.objects.filter(sex="").order_by("pk"))
    for i, participant in enumerate(people):
        # The ninth digit of a fødselsnummer is odd for men, even for women.
        participant.sex = "1" if int(participant.national_id[8]) % 2 else "2"
        participant.civil_status = "" if i == 0 else "1234"[i % 4]
        filled += 1
    Participant.objects.bulk_update(people, ["sex", "civil_status"])
    applications = list(Application.objects.filter(benefits_before=[]).order_by("pk"))
    for i, application in enumerate(applications):
        application.benefits_before = [["2"], ["3", "6"], ["4"], ["2", "5"]][i % 4]
        application.previous_kvp_municipality = "4601" if i % 9 == 4 else ""
    Application.objects.bulk_update(applications, ["benefits_before", "previous_kvp_municipality"])
    programmes = list(Programme.objects.filter(received_assistance__isnull=True).order_by("pk"))
    for i, programme in enumerate(programmes):
        programme.received_assistance = i % 3 == 0
        programme.assistance_during = ["4", "8"] if i % 3 == 0 else []
    Programme.objects.bulk_update(programmes, ["received_assistance", "assistance_during"])
    return f"Statistikk: KOSTRA-opplysninger fylt ut for {filled} deltakere."
