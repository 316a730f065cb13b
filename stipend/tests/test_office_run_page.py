"""The stipend run started from the office page (/stonad/kontor/): a caseworker or leader picks
the period (default: the office's latest payment period that is over, S10), a Celery job runs
services.payment_bases_compute_many for the office's programmes with the requester as the
audit actor, and the page shows the latest runs with their counts and the failed participants
the viewer may see. One run at a time per office and period; bad periods are form errors."""

from __future__ import annotations

import datetime
import os

import pytest
from bs4 import BeautifulSoup
from celery.contrib.testing.worker import start_worker
from django.db import IntegrityError, transaction
from django.urls import reverse

from caseworker.audit import AuditContext
from caseworker.models import AuditEvent
from kvp import clock
from kvp.celery import app
from stipend import services
from stipend.models import BaseAmount, OfficeRun, OfficeRunState, PaymentBasis
from stipend.rules import periods
from stipend.tasks import run_office_stipend

# Stipend computed for the last period needs that year's G and barnetillegg rate (S2, S4), which
# are known only up to the present: these tests run on the stipend tests' FIGURES_DAY.
pytestmark = pytest.mark.usefixtures("on_figures_day")


QUEUE = f"kvp-stipend-run-test-{os.getpid()}"
URL = reverse("stipend:office")
START = reverse("stipend:office_run")


@pytest.fixture
def period(programme, today):
    return periods.previous_period(today)


@pytest.fixture
def enqueued(monkeypatch):
    """The run ids the view hands to Celery (after commit); the tests run them eagerly."""
    ids: list[int] = []
    monkeypatch.setattr(run_office_stipend, "delay", lambda pk: ids.append(pk))
    return ids


def post_run(client, office, start, end, capture):
    with capture(execute=True):
        return client.post(
            START,
            {
                "office": str(office.pk),
                "period_start": start.strftime("%d.%m.%Y"),
                "period_end": end.strftime("%d.%m.%Y"),
            },
        )


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def runs_text(response) -> str:
    return " ".join(soup(response).find(id="office-runs").get_text().split())


def test_the_form_defaults_to_the_latest_payment_period_that_is_over(
    login, caseworker, period, today
):
    page = soup(login(caseworker).get(URL))
    form = page.find("form", action=START)
    assert form is not None
    assert form.find("input", {"name": "period_start"})["value"] == period[0].strftime("%d.%m.%Y")
    assert form.find("input", {"name": "period_end"})["value"] == period[1].strftime("%d.%m.%Y")
    assert period[1] < today  # S10: paid afterwards
    assert page.find("label", string=lambda s: s and "Periode fra" in s)


def test_caseworker_starts_the_run_and_the_page_shows_its_result(
    login,
    caseworker,
    office_a,
    participant,
    period,
    enqueued,
    django_capture_on_commit_callbacks,
):
    client = login(caseworker)
    response = post_run(client, office_a, *period, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == URL
    [run] = OfficeRun.objects.all()
    assert enqueued == [run.pk]
    assert (run.state, run.requested_by, run.office) == ("queued", caseworker, office_a)
    assert "I kø" in runs_text(client.get(URL))

    assert run_office_stipend.apply(args=[run.pk]).get() == {
        "created": 1,
        "recomputed": 0,
        "failed": 0,
    }
    run.refresh_from_db()
    assert (run.state, run.created, run.recomputed, run.approved_untouched, run.failed) == (
        "done",
        1,
        0,
        0,
        0,
    )
    assert run.finished_at is not None
    basis = PaymentBasis.objects.get(participant=participant, period_start=period[0])
    assert basis.computed_by == caseworker  # the requester is the audit actor
    assert AuditEvent.objects.filter(
        object_type="payment_basis", object_id=str(basis.pk), actor=caseworker, action="create"
    ).exists()
    assert "1 nye, 0 beregnet på nytt, 0 allerede godkjent, 0 feilet" in runs_text(client.get(URL))
    # A redelivered message does nothing: only a queued run is claimed.
    assert run_office_stipend.apply(args=[run.pk]).get() is None

    # Again: the draft is recomputed; once approved, it is left alone.
    post_run(client, office_a, *period, django_capture_on_commit_callbacks)
    run_office_stipend.apply(args=[enqueued[-1]]).get()
    services.payment_basis_approve(
        ctx=AuditContext(actor=caseworker), basis=basis, expected_version=2
    )
    post_run(client, office_a, *period, django_capture_on_commit_callbacks)
    run_office_stipend.apply(args=[enqueued[-1]]).get()
    text = runs_text(client.get(URL))
    assert "0 nye, 1 beregnet på nytt, 0 allerede godkjent, 0 feilet" in text
    assert "0 nye, 0 beregnet på nytt, 1 allerede godkjent, 0 feilet" in text


def test_failed_participants_are_linked_with_their_message_only_for_those_the_viewer_sees(
    login,
    caseworker,
    leader,
    office_a,
    participant,
    participant_b,
    period,
    enqueued,
    django_capture_on_commit_callbacks,
):
    BaseAmount.objects.all().delete()  # no G registered: S2 cannot be applied
    client = login(leader)
    post_run(client, office_a, *period, django_capture_on_commit_callbacks)
    run_office_stipend.apply(args=[enqueued[-1]]).get()
    run = OfficeRun.objects.get()
    assert (run.state, run.failed, run.created) == ("done", 1, 0)
    assert run.failures[0]["participant_id"] == participant.pk
    # A failure of someone the viewer may not see (another office's participant).
    run.failures.append({"participant_id": participant_b.pk, "message": "Skjult melding."})
    OfficeRun.objects.filter(pk=run.pk).update(failures=run.failures, failed=2)

    page = client.get(URL)
    text = runs_text(page)
    assert "0 nye, 0 beregnet på nytt, 0 allerede godkjent, 2 feilet" in text
    link = soup(page).find("a", href=reverse("stipend:participant", args=[participant.pk]))
    assert link.get_text() == participant.full_name
    assert "Det er ikke registrert noe grunnbeløp (G)" in link.parent.get_text()
    assert participant_b.full_name not in text and "Skjult melding" not in text
    assert "1 feil gjelder deltakere du ikke har tilgang til" in text
    assert AuditEvent.objects.filter(
        object_type="stipend_office_run", participant_id=participant.pk, actor=leader
    ).exists()


def test_a_second_run_for_the_same_office_and_period_is_refused_while_one_is_going(
    login, caseworker, leader, office_a, period, enqueued, django_capture_on_commit_callbacks
):
    post_run(login(caseworker), office_a, *period, django_capture_on_commit_callbacks)
    response = post_run(login(leader), office_a, *period, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert "beregnes allerede" in soup(response).find(class_="aksel-error-summary").get_text()
    assert OfficeRun.objects.count() == 1 and len(enqueued) == 1
    # The database holds the line too, whoever writes.
    run = OfficeRun.objects.get()
    OfficeRun.objects.filter(pk=run.pk).update(state=OfficeRunState.RUNNING)
    with pytest.raises(IntegrityError), transaction.atomic():
        OfficeRun.objects.create(
            office=office_a, period_start=period[0], period_end=period[1], requested_by=leader
        )
    # Once it is done, a new run may start.
    OfficeRun.objects.filter(pk=run.pk).update(state=OfficeRunState.DONE)
    response = post_run(login(leader), office_a, *period, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and len(enqueued) == 2


def test_a_run_whose_job_was_lost_stops_blocking_the_period_after_an_hour(
    login, caseworker, office_a, period, enqueued, django_capture_on_commit_callbacks
):
    lost = OfficeRun.objects.create(
        office=office_a, period_start=period[0], period_end=period[1], requested_by=caseworker
    )
    client = login(caseworker)
    assert (
        post_run(client, office_a, *period, django_capture_on_commit_callbacks).status_code == 200
    )
    OfficeRun.objects.filter(pk=lost.pk).update(
        requested_at=clock.now() - datetime.timedelta(minutes=61)
    )
    response = post_run(client, office_a, *period, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and len(enqueued) == 1
    lost.refresh_from_db()
    assert lost.state == OfficeRunState.FAILED
    assert "Beregningen stoppet med en feil" in runs_text(client.get(URL))


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("01.10.2026", "30.09.2026", "Til-datoen kan ikke være før fra-datoen."),
        ("01.09.2026", "15.10.2026", "Perioden kan være høyst 31 dager"),
        ("31.02.2026", "15.03.2026", "Skriv datoen som dd.mm.åååå."),
        ("", "15.03.2026", "Skriv inn første dag i perioden."),
    ],
)
def test_a_bad_period_is_a_form_error_and_nothing_starts(
    login, caseworker, office_a, enqueued, django_capture_on_commit_callbacks, start, end, message
):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(caseworker).post(
            START, {"office": str(office_a.pk), "period_start": start, "period_end": end}
        )
    assert response.status_code == 200
    assert message in soup(response).find(class_="aksel-error-summary").get_text()
    assert not OfficeRun.objects.exists() and enqueued == []


def test_only_caseworkers_and_leaders_of_the_office_may_start_a_run(
    login,
    approver,
    other_caseworker,
    office_a,
    period,
    enqueued,
    django_capture_on_commit_callbacks,
):
    # A beslutter computes no bases: no office page, no run.
    response = post_run(login(approver), office_a, *period, django_capture_on_commit_callbacks)
    assert response.status_code == 403
    assert login(approver).get(URL).status_code == 403
    # Another office's caseworker: not their office (404, as the certificate batches).
    response = post_run(
        login(other_caseworker), office_a, *period, django_capture_on_commit_callbacks
    )
    assert response.status_code == 404
    assert not OfficeRun.objects.exists() and enqueued == []


def test_another_offices_runs_are_not_shown(login, caseworker, other_caseworker, office_a, period):
    OfficeRun.objects.create(
        office=office_a, period_start=period[0], period_end=period[1], requested_by=caseworker
    )
    assert "Ingen beregninger for kontoret ennå." in runs_text(login(other_caseworker).get(URL))
    assert "I kø" in runs_text(login(caseworker).get(reverse("stipend:office_runs")))


def test_a_run_that_breaks_is_marked_failed_and_the_error_is_raised(
    caseworker, office_a, period, monkeypatch
):
    run = OfficeRun.objects.create(
        office=office_a, period_start=period[0], period_end=period[1], requested_by=caseworker
    )

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "payment_bases_compute_many", broken)
    with pytest.raises(RuntimeError):
        run_office_stipend.apply(args=[run.pk], throw=True).get()
    run.refresh_from_db()
    assert run.state == "failed" and run.finished_at is not None


def test_office_page_query_count_does_not_grow_with_runs_and_failures(
    login, leader, office_a, participant, period, django_assert_max_num_queries
):
    def add_runs(n):
        for i in range(n):
            OfficeRun.objects.create(
                office=office_a,
                period_start=period[0] - datetime.timedelta(days=40 * (i + 1)),
                period_end=period[1] - datetime.timedelta(days=40 * (i + 1)),
                requested_by=leader,
                state=OfficeRunState.DONE,
                failed=2,
                failures=[
                    {"participant_id": participant.pk, "message": "Feil én."},
                    {"participant_id": participant.pk + 10_000, "message": "Feil to."},
                ],
            )

    client = login(leader)
    add_runs(1)
    with django_assert_max_num_queries(40) as few:
        client.get(URL)
    add_runs(9)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(URL)
    assert runs_text(page).count("Feil én.") == 10


@pytest.fixture(scope="module")
def celery_worker_on_redis():
    with start_worker(
        app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=[QUEUE]
    ) as worker:
        yield worker


@pytest.mark.django_db(transaction=True)
def test_the_run_job_computes_on_a_real_worker(
    celery_worker_on_redis,
    g_register,
    caseworker,
    office_a,
    participant,
    programme,
    today,
    monkeypatch,
):
    monkeypatch.setattr(run_office_stipend, "delay", lambda pk: None)
    start, end = periods.previous_period(today)
    run = services.office_run_start(
        ctx=AuditContext(actor=caseworker),
        office_id=office_a.pk,
        period_start=start,
        period_end=end,
    )
    result = run_office_stipend.apply_async(args=[run.pk], queue=QUEUE).get(timeout=30)
    assert result == {"created": 1, "recomputed": 0, "failed": 0}
    run.refresh_from_db()
    assert run.state == "done" and run.created == 1
    assert PaymentBasis.objects.filter(participant=participant, period_start=start).exists()
