"""The payment basis through its pages and services (issue 6 items 3–4): compute, approve with
a version check, the office's CSV export (audited, approved only), access by office and role,
flat query counts, and the G regulation with back pay — idempotent, also for a participant who
has since ended, and on a real Celery worker.

The programme fixture was granted 200 days ago for a year; the participant (born 1970–2000) is
over 25 and supports one child born 01.06.2015. The hand-computed rate examples are in
test_calculation.py; here the days come from the rules' calendar."""

import datetime
import os

import pytest
from bs4 import BeautifulSoup
from celery.contrib.testing.worker import start_worker
from django.urls import reverse

from caseworker.audit import AuditContext
from caseworker.models import AuditEvent
from decisions.selectors import programme_history
from kvp.celery import app
from stipend import services
from stipend.models import Absence, BaseAmount, PaymentBasis, PaymentLine
from stipend.rules import calendar, periods
from stipend.rules.calculation import LineKind
from stipend.tasks import regulate_payment_bases

QUEUE = f"kvp-stipend-test-{os.getpid()}"
# Every test here runs on FIGURES_DAY (18.11.2026) without a 2026 G: the period is October 2026.
pytestmark = pytest.mark.usefixtures("on_figures_day", "without_g_2026")

DAILY_G2025 = 102_176  # 2,041 × 130 160 = 265 657 kr / 260 = 1 021,76 kr (S1, S5)
DAILY_G135000 = 105_975  # 2,041 × 135 000 = 275 535 kr / 260 = 1 059,75 kr
CHILD_2026 = 3_800  # S4: 38 kr a day in 2026


@pytest.fixture
def period(programme, today):
    """The last whole month (inside the programme), for which no G for 2026 is registered
    before the tests register one: G 2025 applies."""
    assert periods.previous_period(today) == (
        datetime.date(2026, 10, 1),
        datetime.date(2026, 10, 31),
    )
    return periods.previous_period(today)


def compute(client, participant, period):
    return client.post(
        reverse("stipend:basis_compute", args=[participant.pk]),
        {"periode": period[0].isoformat()},
    )


def stipend_day_count(programme, period):
    return len(calendar.stipend_days(programme_history(programme), *period))


def expected_total(programme, period, daily):
    n = stipend_day_count(programme, period)
    return n * daily + n * CHILD_2026 * (period[0].year == 2026)


@pytest.fixture
def basis(login, caseworker, participant, programme, period):
    response = compute(login(caseworker), participant, period)
    assert response.status_code == 302
    return PaymentBasis.objects.get()


def test_compute_shows_lines_that_explain_themselves(login, caseworker, basis, programme, period):
    n = stipend_day_count(programme, period)
    assert basis.computed_total_ore == expected_total(programme, period, DAILY_G2025)
    page = login(caseworker).get(reverse("stipend:basis_detail", args=[basis.pk]))
    soup = BeautifulSoup(page.content, "html.parser")
    texts = [th.get_text(strip=True) for th in soup.select("tbody th")]
    assert any(f"{n} dager à 1\u00a0021,76\u00a0kr" in t for t in texts)
    assert any(t.startswith("Barnetillegg for barn 1") for t in texts)
    assert AuditEvent.objects.filter(object_type="payment_basis", action="create").exists()


def test_approve_with_version_check_and_no_recompute_after(
    login, caseworker, basis, participant, period
):
    client = login(caseworker)
    url = reverse("stipend:basis_approve", args=[basis.pk])
    client.post(url, {"version": basis.version + 5})
    basis.refresh_from_db()
    assert not basis.is_approved
    client.post(url, {"version": basis.version})
    basis.refresh_from_db()
    assert basis.is_approved and basis.approved_by == caseworker
    response = compute(client, participant, period)
    assert "allerede godkjent" in client.get(response["Location"]).content.decode()


def test_unpaid_absence_is_deducted_in_the_basis(login, caseworker, participant, programme, period):
    day = calendar.planned_days(programme_history(programme), *period)[0]
    Absence.objects.create(
        participant=participant,
        programme=programme,
        day=day,
        kind="ugyldig",
        registered_by=caseworker,
    )
    compute(login(caseworker), participant, period)
    [line] = PaymentLine.objects.filter(kind=LineKind.ABSENCE)
    assert line.days == 1 and line.amount_ore < 0
    assert line.text.startswith("Trekk for ugyldig fravær: 1 dag à")


def test_income_form_checks_shape_and_registers(login, caseworker, participant, period):
    client = login(caseworker)
    url = reverse("stipend:income_register", args=[participant.pk])
    bad = client.post(url, {"kind": "arbeid", "applies_on": period[0].strftime("%d.%m.%Y")})
    assert bad.status_code == 200
    assert "Oppgi antall timer" in bad.content.decode()
    ok = client.post(
        url,
        {"kind": "dagpenger", "applies_on": period[0].strftime("%d.%m.%Y"), "amount": "1 500,50"},
    )
    assert ok.status_code == 302
    assert participant.income_records.get().amount_ore == 150_050


def test_other_office_404_and_appeals_officer_403(
    login, other_caseworker, appeals_officer, basis, participant
):
    other = login(other_caseworker)
    assert other.get(reverse("stipend:basis_detail", args=[basis.pk])).status_code == 404
    assert other.get(reverse("stipend:participant", args=[participant.pk])).status_code == 404
    approve = reverse("stipend:basis_approve", args=[basis.pk])
    assert other.post(approve, {"version": basis.version}).status_code == 404
    appeals = login(appeals_officer)
    for url in (
        reverse("stipend:basis_detail", args=[basis.pk]),
        reverse("stipend:participant", args=[participant.pk]),
        reverse("stipend:office"),
        reverse("stipend:office_export"),
    ):
        assert appeals.get(url).status_code == 403


def test_export_has_only_approved_bases_and_is_audited(
    login, caseworker, leader, other_leader, basis, period
):
    params = {"fra": period[0].isoformat(), "til": period[1].isoformat()}
    url = reverse("stipend:office_export")
    draft_only = login(leader).get(url, params).content.decode("utf-8")
    assert draft_only.count("\r\n") == 1  # the header only: a draft is not exported
    services.payment_basis_approve(
        ctx=AuditContext(actor=caseworker), basis=basis, expected_version=basis.version
    )
    body = login(leader).get(url, params).content.decode("utf-8")
    header, row = body.strip().split("\r\n")
    assert header.startswith("enhetsnummer;fodselsnummer;navn;periode_fra")
    fields = row.split(";")
    assert fields[1] == basis.participant.national_id and fields[5] == "stonad"
    assert fields[6] == f"{basis.computed_total_ore // 100},{basis.computed_total_ore % 100:02d}"
    assert AuditEvent.objects.filter(
        action="export", participant_id=basis.participant_id, actor=leader
    ).exists()
    assert login(other_leader).get(url, params).content.decode().count("\r\n") == 1


def test_basis_page_and_office_list_have_flat_query_counts(
    login, caseworker, leader, basis, period, django_assert_max_num_queries
):
    services.payment_basis_approve(
        ctx=AuditContext(actor=caseworker), basis=basis, expected_version=basis.version
    )
    detail = reverse("stipend:basis_detail", args=[basis.pk])
    office = reverse("stipend:office")
    params = {"fra": period[0].isoformat(), "til": period[1].isoformat()}
    client = login(leader)
    with django_assert_max_num_queries(40) as few:
        client.get(detail)
        client.get(office, params)
    PaymentLine.objects.bulk_create(
        PaymentLine(basis=basis, position=100 + i, kind="x", text="x", rule="S1", amount_ore=0)
        for i in range(20)
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(detail)
        client.get(office, params)


def regulate(base):
    return services.payment_bases_regulate(base_amount_id=base.pk)


def test_g_regulation_adds_back_pay_once_also_after_the_participant_ended(
    login,
    caseworker,
    admin_user,
    basis,
    programme,
    period,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    services.payment_basis_approve(
        ctx=AuditContext(actor=caseworker), basis=basis, expected_version=basis.version
    )
    # The participant has since ended: the job still finds the basis.
    type(programme).objects.filter(pk=programme.pk).update(ended_on=period[1])
    enqueued = []
    monkeypatch.setattr(regulate_payment_bases, "delay", lambda pk: enqueued.append(pk))
    with django_capture_on_commit_callbacks(execute=True):
        base = services.base_amount_register(
            ctx=AuditContext(actor=admin_user),
            effective_from=datetime.date(2026, 5, 1),
            amount=135_000,
        )
    assert enqueued == [base.pk]  # after commit (transaction.on_commit)
    # Back pay = stipend days × (105 975 − 102 176) = days × 3 799 øre; barnetillegg unchanged.
    n = stipend_day_count(programme, period)
    assert regulate(base)["back_pay"] == 1
    [line] = PaymentLine.objects.filter(kind=LineKind.BACK_PAY)
    assert line.amount_ore == n * (DAILY_G135000 - DAILY_G2025)
    assert line.text.startswith("Etterbetaling etter ny G (135\u00a0000\u00a0kr fra 01.05.2026)")
    # Idempotent: running again adds nothing.
    assert regulate(base) == {"back_pay": 0, "drafts": 0, "unchanged": 1}
    assert PaymentLine.objects.filter(kind=LineKind.BACK_PAY).count() == 1
    page = login(caseworker).get(reverse("stipend:basis_detail", args=[basis.pk]))
    total = BeautifulSoup(page.content, "html.parser").find(id="basis-total").get_text()
    expected = basis.computed_total_ore + line.amount_ore
    assert total.replace("\u00a0", "").startswith(f"{expected // 100:,}".replace(",", ""))


@pytest.fixture(scope="module")
def celery_worker_on_redis():
    with start_worker(
        app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=[QUEUE]
    ) as worker:
        yield worker


@pytest.mark.django_db(transaction=True)
def test_g_regulation_job_runs_on_a_real_worker(
    celery_worker_on_redis,
    g_register,
    login,
    caseworker,
    admin_user,
    participant,
    programme,
    today,
):
    period = periods.previous_period(today)
    basis = services.payment_basis_compute(
        ctx=AuditContext(actor=caseworker),
        programme=programme,
        period_start=period[0],
        period_end=period[1],
    )
    services.payment_basis_approve(
        ctx=AuditContext(actor=caseworker), basis=basis, expected_version=basis.version
    )
    base = BaseAmount.objects.create(
        effective_from=datetime.date(2026, 5, 1), amount=135_000, registered_by=admin_user
    )
    result = regulate_payment_bases.apply_async(args=[base.pk], queue=QUEUE).get(timeout=30)
    assert result["back_pay"] == 1
    again = regulate_payment_bases.apply_async(args=[base.pk], queue=QUEUE).get(timeout=30)
    assert again["back_pay"] == 0
    assert PaymentLine.objects.filter(basis=basis, kind=LineKind.BACK_PAY).count() == 1


def test_admin_registers_g_through_the_service_and_the_job_is_enqueued(
    login, admin_user, django_capture_on_commit_callbacks, monkeypatch
):
    enqueued = []
    monkeypatch.setattr(regulate_payment_bases, "delay", lambda pk: enqueued.append(pk))
    client = login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:stipend_baseamount_add"),
            {"effective_from": "01.05.2027", "amount": "140000"},
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    base = BaseAmount.objects.get(effective_from=datetime.date(2027, 5, 1))
    assert (base.amount, base.registered_by, enqueued) == (140_000, admin_user, [base.pk])
    assert AuditEvent.objects.filter(object_type="base_amount", actor=admin_user).exists()
    # A lower G than the one before is refused on the form; nothing is enqueued.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:stipend_baseamount_add"),
            {"effective_from": "01.05.2028", "amount": "100000"},
        )
    assert response.status_code == 200 and "lavere enn forrige G" in response.content.decode()
    assert enqueued == [base.pk]


def test_s10_a_period_is_approved_only_after_its_last_day(
    login, caseworker, participant, programme, today
):
    current = periods.period_containing(today)
    client = login(caseworker)
    compute(client, participant, current)
    basis = PaymentBasis.objects.get(period_start=current[0])
    response = client.post(
        reverse("stipend:basis_approve", args=[basis.pk]), {"version": basis.version}
    )
    page = client.get(response["Location"]).content.decode()
    assert "betales etterskuddsvis" in page
    basis.refresh_from_db()
    assert not basis.is_approved


def test_s10_an_office_paid_every_14_days_gets_fortnights(
    login, caseworker, participant, programme, office_a, today
):
    from stipend.models import OfficePaymentSetting

    OfficePaymentSetting.objects.create(office=office_a, frequency="biweekly")
    page = login(caseworker).get(reverse("stipend:participant", args=[participant.pk]))
    soup = BeautifulSoup(page.content, "html.parser")
    start, end = periods.period_containing(today, "biweekly")
    first = soup.select("#periode option")[0]
    assert first["value"] == start.isoformat()
    assert first.get_text() == f"{start:%d.%m.%Y}–{end:%d.%m.%Y} (pågår)"
    assert "hver 14. dag" in soup.find("label", attrs={"for": "periode"}).get_text()


def test_income_registered_by_mistake_can_be_removed(login, caseworker, participant, period):
    client = login(caseworker)
    client.post(
        reverse("stipend:income_register", args=[participant.pk]),
        {"kind": "arbeid", "applies_on": period[0].strftime("%d.%m.%Y"), "hours": "7,5"},
    )
    record = participant.income_records.get()
    assert record.hours == 7.5
    client.post(reverse("stipend:income_remove", args=[record.pk]))
    assert not participant.income_records.exists()


def test_approver_sees_the_stipend_but_cannot_compute_or_approve(
    login, approver, basis, participant, period
):
    client = login(approver)
    page = client.get(reverse("stipend:basis_detail", args=[basis.pk])).content.decode()
    assert "Godkjenn utbetalingsgrunnlaget" not in page
    assert client.get(reverse("stipend:participant", args=[participant.pk])).status_code == 200
    assert compute(client, participant, period).status_code == 403
    approve = reverse("stipend:basis_approve", args=[basis.pk])
    assert client.post(approve, {"version": basis.version}).status_code == 403
