"""The office's stipend run in a browser: a caseworker opens Utbetaling, gets a form error for
a too long period, starts the run for the default period with the keyboard and sees its result;
axe on every state of the page. The job runs eagerly in the server (the Celery path itself is
tested on a real worker in test_office_run_page.py)."""

import pytest
from playwright.sync_api import expect

from stipend.models import OfficeRun, PaymentBasis
from stipend.tasks import run_office_stipend
from tests.e2e.conftest import axe, browser, page  # noqa: F401  (fixtures for this module)
from tests.e2e.test_participant_flow import PASSWORD, log_in

# Stipend computed for the last period needs that year's G and barnetillegg rate (S2, S4), which
# are known only up to the present: these tests run on the stipend tests' FIGURES_DAY.
pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("on_figures_day")]


def test_caseworker_starts_the_office_run_and_sees_the_result(
    page,  # noqa: F811
    axe,  # noqa: F811
    live_server,
    transactional_db,
    g_register,
    caseworker,
    participant,
    programme,
    monkeypatch,
):
    monkeypatch.setattr(run_office_stipend, "delay", lambda pk: run_office_stipend.apply(args=[pk]))
    caseworker.set_password(PASSWORD)
    caseworker.save()
    log_in(page, live_server.url, "Z990001")
    page.get_by_role("link", name="Utbetaling").click()
    expect(
        page.get_by_role("heading", name="Beregn utbetalingsgrunnlag for kontoret")
    ).to_be_visible()
    axe("office page with the run form")

    start = page.get_by_label("Periode fra")
    end = page.get_by_label("Periode til")
    default_end = end.input_value()
    end.fill("28.02.2099")
    page.get_by_role("button", name="Beregn utbetalingsgrunnlag").click()
    expect(page.locator(".aksel-error-summary")).to_contain_text("høyst 31 dager")
    axe("form error")
    assert not OfficeRun.objects.exists()

    end.fill(default_end)
    start.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("er startet")
    expect(page.locator("#office-runs")).to_contain_text(
        "1 nye, 0 beregnet på nytt, 0 allerede godkjent, 0 feilet"
    )
    axe("after the run")
    assert PaymentBasis.objects.filter(participant=participant).count() == 1

    # A run still going is followed by polling: the list updates when the job is done.
    first = OfficeRun.objects.get()
    going = OfficeRun.objects.create(
        office=first.office,
        period_start=first.period_start.replace(year=first.period_start.year - 1),
        period_end=first.period_end.replace(year=first.period_end.year - 1),
        requested_by=caseworker,
        state="running",
    )
    page.reload()
    expect(page.locator(f"#run-{going.pk}")).to_contain_text("Beregner")
    OfficeRun.objects.filter(pk=going.pk).update(state="done", created=3, recomputed=4)
    expect(page.locator(f"#run-{going.pk}")).to_contain_text(
        "3 nye, 4 beregnet på nytt, 0 allerede godkjent, 0 feilet", timeout=10_000
    )
    assert not page.js_errors
    axe.assert_clean()
