"""The participant's payslip (issue 6 item 3): a PDF/A made from an approved payment basis,
kept as made; a back pay added later gives a new one; a protected address never appears."""

import datetime

import pytest
from django.urls import reverse

from caseworker.audit import AuditContext
from caseworker.models import AuditEvent
from decisions.tests.pdf_helpers import read, text
from participants.models import AddressProtection
from stipend import services
from stipend.models import PaymentBasis, Payslip
from stipend.rules import periods
from stipend.rules.money import kroner

# On FIGURES_DAY (18.11.2026) without a 2026 G: the approved period is October 2026, and
# registering a 2026 G afterwards gives it back pay.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_figures_day", "without_g_2026")]


@pytest.fixture
def approved(login, caseworker, participant, programme, today):
    period = periods.previous_period(today)
    login(caseworker).post(
        reverse("stipend:basis_compute", args=[participant.pk]),
        {"periode": period[0].isoformat()},
    )
    basis = PaymentBasis.objects.get()
    return services.payment_basis_approve(
        ctx=AuditContext(actor=caseworker), basis=basis, expected_version=basis.version
    )


def download(client, basis):
    return client.get(reverse("stipend:basis_payslip", args=[basis.pk]))


def test_payslip_lists_the_lines_and_total_and_is_kept_as_made(
    login, caseworker, participant, approved
):
    client = login(caseworker)
    response = download(client, approved)
    assert response["Content-Type"] == "application/pdf"
    content = text(response.content)
    assert participant.full_name in content
    start, end = approved.period_start, approved.period_end
    assert f"{start:%d.%m.%Y}–{end:%d.%m.%Y}" in content
    assert "Til utbetaling" in content
    total = kroner(approved.computed_total_ore).replace("\u00a0", " ")
    assert total in content.replace("\u00a0", " ")
    assert participant.street_address in content
    assert read(response.content).metadata.title.startswith("Kvalifiseringsstønad")
    # Downloading again serves the same stored bytes, and both downloads are audited.
    assert download(client, approved).content == response.content
    assert Payslip.objects.count() == 1
    assert AuditEvent.objects.filter(object_type="payslip", action="export").count() == 2


def test_a_draft_basis_has_no_payslip(login, caseworker, participant, programme, today):
    period = periods.previous_period(today)
    client = login(caseworker)
    client.post(
        reverse("stipend:basis_compute", args=[participant.pk]),
        {"periode": period[0].isoformat()},
    )
    basis = PaymentBasis.objects.get()
    response = download(client, basis)
    assert response.status_code == 302
    assert "bare for godkjente" in client.get(response["Location"]).content.decode()
    assert not Payslip.objects.exists()


def test_strictly_confidential_payslip_has_no_address_and_no_office(
    login, authorised_caseworker, caseworker, participant, approved
):
    participant.address_protection = AddressProtection.STRICTLY_CONFIDENTIAL
    participant.save(update_fields=["address_protection"])
    participant.caseworker = authorised_caseworker
    participant.save(update_fields=["caseworker"])
    content = text(download(login(authorised_caseworker), approved).content)
    assert participant.street_address not in content
    assert participant.office.name not in content
    assert "NAV" in content


def test_back_pay_gives_a_new_payslip_and_keeps_the_first(
    login, caseworker, admin_user, approved, monkeypatch
):
    client = login(caseworker)
    first = download(client, approved).content
    from stipend.tasks import regulate_payment_bases

    monkeypatch.setattr(regulate_payment_bases, "delay", lambda pk: None)
    base = services.base_amount_register(
        ctx=AuditContext(actor=admin_user),
        effective_from=datetime.date(2026, 5, 1),
        amount=135_000,
    )
    services.payment_bases_regulate(base_amount_id=base.pk)
    second = download(client, approved).content
    assert second != first
    assert "Etterbetaling" in text(second)
    assert "Til sammen med etterbetaling" in text(second)
    assert Payslip.objects.count() == 2
    assert bytes(Payslip.objects.order_by("line_count").first().pdf) == first


def test_other_office_cannot_get_the_payslip(login, other_caseworker, approved):
    assert download(login(other_caseworker), approved).status_code == 404
    assert not Payslip.objects.exists()
