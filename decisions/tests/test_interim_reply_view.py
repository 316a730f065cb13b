import datetime

from django.urls import reverse

from caseworker.audit import AuditContext
from decisions import services
from kvp import clock


def test_caseworker_registers_the_interim_reply_and_the_warning_goes_F3(
    login, caseworker, participant
):
    today = clock.today()
    application = services.application_register(
        ctx=AuditContext(actor=caseworker),
        participant=participant,
        data={"received_on": today - datetime.timedelta(days=40), "received_via": "papir"},
    )
    client = login(caseworker)
    page = client.get(reverse("decisions:application_detail", args=[application.pk]))
    assert "Send foreløpig svar" in page.content.decode()
    response = client.post(
        reverse("decisions:interim_reply", args=[application.pk]),
        {"sent_on": today.strftime("%d.%m.%Y"), "version": application.version},
        follow=True,
    )
    html = response.content.decode()
    assert "Det foreløpige svaret er registrert" in html
    assert "Send foreløpig svar" not in html
    assert f"sendt {today:%d.%m.%Y}" in html


def test_interim_reply_from_other_office_is_not_found(
    login, other_caseworker, caseworker, participant
):
    application = services.application_register(
        ctx=AuditContext(actor=caseworker),
        participant=participant,
        data={"received_on": clock.today(), "received_via": "papir"},
    )
    response = login(other_caseworker).post(
        reverse("decisions:interim_reply", args=[application.pk]),
        {"sent_on": "01.01.2026", "version": application.version},
    )
    assert response.status_code == 404
    application.refresh_from_db()
    assert application.interim_reply_sent_on is None
