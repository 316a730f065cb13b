"""The G register and the S2 system task in the nightly scan."""

import datetime

import pytest

from decisions.deadlines import scan_deadlines
from decisions.models import Task, TaskKind
from stipend.models import BaseAmount
from stipend.selectors import base_amount_missing, base_amount_on

D = datetime.date
S2 = TaskKind.BASE_AMOUNT_MISSING


def s2_tasks():
    return list(Task.objects.filter(kind=S2, status="open"))


@pytest.mark.django_db
def test_the_register_holds_the_published_values_and_picks_the_one_in_force():
    assert base_amount_on(D(2025, 4, 30)).amount == 124_028
    assert base_amount_on(D(2025, 5, 1)).amount == 130_160
    # S2: the 2026 G is not registered; the 2025 value still applies and is flagged.
    assert base_amount_on(D(2026, 6, 1)).amount == 130_160
    assert base_amount_missing(D(2026, 6, 1))
    assert not base_amount_missing(D(2026, 4, 30))


@pytest.mark.django_db
def test_s2_task_from_1_june_until_g_is_registered(admin_user):
    scan_deadlines(D(2026, 5, 31))
    assert s2_tasks() == []
    scan_deadlines(D(2026, 6, 1))
    [task] = s2_tasks()
    assert task.due_date == D(2026, 6, 1)
    assert task.participant_id is None and task.office_id is None
    scan_deadlines(D(2026, 6, 2))
    assert s2_tasks() == [task]

    BaseAmount.objects.create(
        effective_from=D(2026, 5, 1), amount=135_000, registered_by=admin_user
    )
    scan_deadlines(D(2026, 6, 3))
    assert s2_tasks() == []
    task.refresh_from_db()
    assert task.closed_reason == "resolved"


@pytest.mark.django_db
def test_administrators_see_the_s2_task_on_the_front_page_and_caseworkers_do_not(
    client, login, admin_user, caseworker
):
    scan_deadlines(D(2026, 6, 1))
    login(admin_user)
    page = client.get("/").content.decode()
    assert "Grunnbeløpet (G) for inneværende G-år er ikke registrert" in page
    assert "Frist 01.06.2026" in page
    login(caseworker)
    assert "Grunnbeløpet (G)" not in client.get("/").content.decode()


@pytest.mark.django_db
def test_a_g_must_start_on_the_first_and_not_fall():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="første i en måned"):
        BaseAmount(effective_from=D(2026, 5, 2), amount=135_000).full_clean()
    with pytest.raises(ValidationError, match="lavere enn forrige G"):
        BaseAmount(effective_from=D(2026, 5, 1), amount=120_000).full_clean()


@pytest.mark.django_db
def test_an_administrator_registers_g_in_the_admin_and_is_recorded(client, login, admin_user):
    login(admin_user)
    url = "/admin/stipend/baseamount/add/"
    bad = client.post(url, {"effective_from": "02.05.2026", "amount": "135000"})
    assert "første i en måned" in bad.content.decode()
    assert not BaseAmount.objects.filter(effective_from__year=2026).exists()
    client.post(url, {"effective_from": "01.05.2026", "amount": "135000"})
    registered = BaseAmount.objects.get(effective_from=D(2026, 5, 1))
    assert (registered.amount, registered.registered_by) == (135_000, admin_user)
