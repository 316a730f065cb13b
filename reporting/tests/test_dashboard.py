"""The dashboard's numbers against the hand-counted office in conftest.office_2025, the
drill-downs behind them, office scoping, exports and flat query counts."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from caseworker.models import AuditEvent
from reporting import dashboard as dash
from reporting import stipend_figures
from reporting.tests.conftest import D

TODAY = D(2026, 1, 15)


def scope(user, offices, year=2025):
    return dash.Scope(user=user, offices=tuple(offices), year=year, today=TODAY)


def values(board, table, metric):
    return {row.key: row.values[metric] for row in board.tables[table].rows}


def test_numbers_match_the_hand_count(office_2025, leader, office_a, caseworker, caseworker2):
    board = dash.dashboard_build(scope(leader, [office_a]))
    caseload = values(board, "caseload", "caseload")
    assert caseload[str(caseworker.pk)] == 1  # Anne (Bjørn ended, David ended in 2024)
    assert caseload[str(caseworker2.pk)] == 1  # Cecilie
    # K2: active = had stipend, not on leave or interrupted the whole month.
    active = values(board, "months", "active")
    assert [active[str(m)] for m in range(1, 13)] == [1, 2, 1, 1, 2, 2, 2, 2, 1, 1, 2, 1]
    new = values(board, "months", "new")
    assert {k: v for k, v in new.items() if v} == {"2": 1, "11": 1}
    ended = values(board, "months", "ended")
    assert {k: v for k, v in ended.items() if v} == {"8": 1}
    assert {k: v for k, v in values(board, "outcome", "outcome").items() if v} == {"01": 1}
    assert {k: v for k, v in values(board, "duration", "duration").items() if v} == {"6-12": 1}
    profile = values(board, "profile", "profile")
    assert profile == {"all": 3, "under25": 1, "children": 1}
    assert values(board, "profile", "share")["under25"] == pytest.approx(33.3)
    assert values(board, "tasks", "tasks") == {str(caseworker.pk): 1, str(caseworker2.pk): 1}
    assert values(board, "tasks", "overdue") == {str(caseworker.pk): 1, str(caseworker2.pk): 0}
    awaiting = {row.key: row.values for row in board.tables["awaiting"].rows}
    assert awaiting == {"extension": {"awaiting": 1, "median_days": 10.0, "max_days": 10}}
    returns = values(board, "returns", "returns")
    assert returns["reasoning"] == 1 and sum(returns.values()) == 1
    assert values(board, "returns", "rate")["reasoning"] == 50.0
    f = board.figures
    # Processing time: Anne 27 days (05.01–01.02), Cecilie 40 (01.10–10.11); Bjørn's grant
    # was in 2024. Median 33.5, 90th percentile 27 + 0.9 × 13 = 38.7.
    assert (f["decided"], f["processing_median"], f["processing_p90"]) == (2, 33.5, 38.7)
    assert (f["ended"], f["median_duration_days"]) == (1, 349.0)
    assert (f["sent"], f["returned"], f["returned_rate"]) == (2, 1, 50.0)


def test_months_with_stipend_are_the_months_an_approved_basis_paid(office_2025):
    """From what was paid (S10): Bjørn's 0-kr bases for March and April (interrupted) and
    Cecilie's for December (leave) are no months with stipend; a basis for 01.–15.08 counts
    August; David, with no basis in 2025, has none."""
    p = office_2025
    months = stipend_figures.months_with_stipend(
        [p["anne"].pk, p["bjorn"].pk, p["cecilie"].pk, p["david"].pk], 2025
    )
    assert months[p["anne"].pk] == set(range(2, 13))
    assert months[p["bjorn"].pk] == {1, 2, 5, 6, 7, 8}
    assert months[p["cecilie"].pk] == {11}
    assert p["david"].pk not in months


def test_stipend_paid_is_what_the_approved_bases_paid_with_back_pay(office_2025):
    """KVP_STONAD: Cecilie 7 152,30 kr → 7 152 kr; Anne 11 × 20 000 kr + 250 kr back pay;
    Bjørn 5 × 15 000 + 7 500 kr; David nothing."""
    p = office_2025
    ids = [p["anne"].pk, p["bjorn"].pk, p["cecilie"].pk, p["david"].pk]
    assert stipend_figures.stipend_paid(ids, 2025) == {
        p["anne"].pk: 220_250,
        p["bjorn"].pk: 82_500,
        p["cecilie"].pk: 7_152,
    }
    assert stipend_figures.stipend_paid(ids, 2026) == {}


def test_a_draft_basis_is_not_paid(office_2025, cases):
    """Only approved bases count: a draft for January 2026 adds no month and no amount."""
    from stipend.models import PaymentBasis

    basis = cases.paid(office_2025["p_anne"], D(2026, 1, 1), D(2026, 1, 31), 2_000_000)
    PaymentBasis.objects.filter(pk=basis.pk).update(status="utkast", approved_by=None)
    ids = [office_2025["anne"].pk]
    assert stipend_figures.months_with_stipend(ids, 2026) == {}
    assert stipend_figures.stipend_paid(ids, 2026) == {}


def data_queries(captured) -> list[str]:
    """Statements that read data: not SET LOCAL jit = off or the savepoints around it."""
    return [q["sql"] for q in captured if not q["sql"].startswith(("SET ", "SAVEPOINT", "RELEASE"))]


def test_stipend_figures_one_query_each(office_2025):
    ids = [p.pk for key, p in office_2025.items() if not key.startswith("p_")]
    for fn in (stipend_figures.months_with_stipend, stipend_figures.stipend_paid):
        with CaptureQueriesContext(connection) as captured:
            fn(ids, 2025)
        assert len(data_queries(captured)) == 1


def test_other_office_is_never_counted(office_2025, other_leader, office_b):
    board = dash.dashboard_build(scope(other_leader, [office_b]))
    assert values(board, "profile", "profile")["all"] == 1  # Berit only


def drill(client, office, metric, key, year=2025):
    response = client.get(
        "/statistikk/deltakere/",
        {"year": year, "office": office.pk, "metric": metric, "key": key},
    )
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    return sorted(a.get_text(strip=True) for a in soup.select("tbody th a"))


def test_drill_down_lists_the_participants_behind_each_number_and_audits(
    office_2025, client, leader, office_a
):
    client.force_login(leader)
    assert drill(client, office_a, "profile", "all") == ["Anne Aas", "Bjørn Berg", "Cecilie Cruz"]
    assert drill(client, office_a, "active", "3") == ["Anne Aas"]
    assert drill(client, office_a, "active", "11") == ["Anne Aas", "Cecilie Cruz"]
    assert drill(client, office_a, "outcome", "01") == ["Bjørn Berg"]
    assert drill(client, office_a, "profile", "under25") == ["Bjørn Berg"]
    assert drill(client, office_a, "processing", "all") == ["Anne Aas", "Cecilie Cruz"]
    logged = AuditEvent.objects.filter(object_type="dashboard", action="list")
    assert set(logged.values_list("participant_id", flat=True)) >= {
        office_2025["anne"].pk,
        office_2025["bjorn"].pk,
        office_2025["cecilie"].pk,
    }


def test_a_leader_never_sees_another_offices_participants_in_a_drill_down(
    office_2025, client, other_leader, office_a, office_b
):
    client.force_login(other_leader)
    # Asking for office A falls back to the leader's own office, never office A.
    names = drill(client, office_a, "profile", "all")
    assert names == ["Berit Vik"]
    assert drill(client, office_b, "active", "3") == ["Berit Vik"]


def test_protected_person_is_neither_counted_nor_listed_without_authorisation(
    office_2025, cases, client, leader, office_a, caseworker
):
    hidden = cases.participant(
        office_a,
        caseworker,
        D(1970, 1, 1),
        first_name="Skjult",
        last_name="Person",
        address_protection="strengt_fortrolig",
    )
    cases.programme(
        hidden,
        received=D(2025, 1, 1),
        granted=D(2025, 1, 20),
        start=D(2025, 2, 1),
        period_end=D(2026, 1, 31),
    )
    client.force_login(leader)
    assert "Skjult Person" not in drill(client, office_a, "profile", "all")
    board = dash.dashboard_build(scope(leader, [office_a]))
    assert values(board, "profile", "profile")["all"] == 3


@pytest.mark.parametrize("who", ["caseworker", "approver", "appeals_officer", "admin_user"])
def test_only_leaders_see_the_dashboard(request, client, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get("/statistikk/").status_code == 403
    assert client.get("/statistikk/kostra/").status_code == 403


def test_dashboard_page_shows_charts_with_tables(office_2025, client, leader, office_a):
    client.force_login(leader)
    response = client.get("/statistikk/", {"year": 2025, "office": office_a.pk})
    soup = BeautifulSoup(response.content, "html.parser")
    tables = soup.select("section.kvp-chart table")
    assert len(tables) == 8
    for table in tables:
        assert table.caption and table.caption.get_text(strip=True)
        for svg in table.select("svg"):
            assert svg.find_parent("td")["aria-hidden"] == "true"
    row = soup.find("th", string="Mars").find_parent("tr")
    assert row.select("td a")[0].get_text(strip=True) == "1"


def test_bad_filter_input_falls_back_to_defaults(client, leader):
    client.force_login(leader)
    assert client.get("/statistikk/", {"year": "x", "office": "999"}).status_code == 200
    assert client.get("/statistikk/deltakere/", {"metric": "nope"}).status_code == 404


def test_tables_export_as_csv_and_xlsx(office_2025, client, leader, office_a):
    client.force_login(leader)
    response = client.get("/statistikk/tabell/months.csv", {"year": 2025, "office": office_a.pk})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Deltakere per måned 2025", "Aktive (fikk stønad)", "Nye", "Avsluttet"]
    assert rows[2] == ["Februar", "2", "1", "0"]
    response = client.get("/statistikk/tabell/months.xlsx", {"year": 2025, "office": office_a.pk})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[3]] == ["Februar", 2, 1, 0]
    assert AuditEvent.objects.filter(object_type="dashboard", action="export").count() == 2


def _add_participants(cases, office, caseworker, n):
    for i in range(n):
        p = cases.participant(office, caseworker, D(1980 + i % 20, 1 + i % 12, 1 + i % 27))
        programme = cases.programme(
            p,
            received=D(2025, 1, 1),
            granted=D(2025, 1, 15),
            start=D(2025, 2, 1) + datetime.timedelta(days=i),
            period_end=D(2026, 1, 31),
            interruptions=((D(2025, 6, 1), D(2025, 7, 1)),),
            ended_on=D(2025, 12, 1) if i % 2 else None,
        )
        cases.paid_months(programme, 2025, [3, 4, 5], 1_500_000)


def test_query_count_does_not_grow_with_the_data(
    cases, client, leader, office_a, caseworker, django_assert_max_num_queries
):
    client.force_login(leader)
    _add_participants(cases, office_a, caseworker, 1)
    with CaptureQueriesContext(connection) as few:
        client.get("/statistikk/", {"year": 2025, "office": office_a.pk})
    _add_participants(cases, office_a, caseworker, 25)
    with django_assert_max_num_queries(len(few)):
        response = client.get("/statistikk/", {"year": 2025, "office": office_a.pk})
    assert b"26" in response.content
    with CaptureQueriesContext(connection) as kostra_many:
        client.get("/statistikk/kostra/", {"year": 2025, "office": office_a.pk})
    assert len(kostra_many) < 30


def test_key_figures_drill_to_their_totals(office_2025, client, leader, office_a):
    client.force_login(leader)
    assert drill(client, office_a, "caseload", "*") == ["Anne Aas", "Cecilie Cruz"]
    assert drill(client, office_a, "ended", "*") == ["Bjørn Berg"]
    assert drill(client, office_a, "awaiting", "*") == ["Anne Aas"]
    assert drill(client, office_a, "returns", "*") == ["Anne Aas"]
    response = client.get("/statistikk/", {"year": 2025, "office": office_a.pk})
    soup = BeautifulSoup(response.content, "html.parser")
    figures = soup.select_one("#h-nokkeltall").find_parent("section")
    assert len(figures.select("a")) == 6  # every key figure opens its list


def test_leader_of_several_offices_sees_all_offices(
    office_2025, client, leader, office_a, office_b
):
    leader.additional_offices.add(office_b)
    client.force_login(leader)
    response = client.get("/statistikk/")
    options = BeautifulSoup(response.content, "html.parser").select("#id_office option")
    assert options[0].get_text(strip=True) == "Alle mine kontorer"
    all_names = client.get(
        "/statistikk/deltakere/",
        {"year": 2025, "office": "alle", "metric": "profile", "key": "all"},
    )
    names = [
        a.get_text(strip=True)
        for a in BeautifulSoup(all_names.content, "html.parser").select("tbody th a")
    ]
    assert sorted(names) == ["Anne Aas", "Berit Vik", "Bjørn Berg", "Cecilie Cruz"]


def test_a_deactivated_caseworkers_participants_still_count(
    office_2025, leader, office_a, caseworker2
):
    caseworker2.is_active = False
    caseworker2.save()
    board = dash.dashboard_build(scope(leader, [office_a]))
    assert values(board, "caseload", "caseload")[str(caseworker2.pk)] == 1


def test_drill_down_query_count_does_not_grow(
    cases, client, leader, office_a, caseworker, django_assert_max_num_queries
):
    client.force_login(leader)
    _add_participants(cases, office_a, caseworker, 1)
    params = {"year": 2025, "office": office_a.pk, "metric": "active", "key": "3"}
    with CaptureQueriesContext(connection) as few:
        client.get("/statistikk/deltakere/", params)
    _add_participants(cases, office_a, caseworker, 20)
    with django_assert_max_num_queries(len(few)):
        response = client.get("/statistikk/deltakere/", params)
    assert response.content.decode().count("/deltakere/") >= 21


def test_months_narrow_the_period(office_2025, client, leader, office_a):
    """March–June 2025: Anne and Bjørn were in programme (Cecilie began in November); no one
    ended (Bjørn ended in August); the monthly table has four rows."""
    narrow = dash.Scope(
        user=leader, offices=(office_a,), year=2025, today=TODAY, first_month=3, last_month=6
    )
    board = dash.dashboard_build(narrow)
    assert values(board, "profile", "profile")["all"] == 2
    assert [row.label for row in board.tables["months"].rows] == ["Mars", "April", "Mai", "Juni"]
    assert board.figures["ended"] == 0
    assert narrow.label == "mars–juni 2025"
    client.force_login(leader)
    params = {"year": 2025, "office": office_a.pk, "from_month": 3, "to_month": 6}
    response = client.get("/statistikk/deltakere/", {**params, "metric": "profile", "key": "all"})
    names = [
        a.get_text(strip=True)
        for a in BeautifulSoup(response.content, "html.parser").select("tbody th a")
    ]
    assert sorted(names) == ["Anne Aas", "Bjørn Berg"]


def test_months_in_the_wrong_order_get_a_message(client, leader, office_a):
    client.force_login(leader)
    response = client.get(
        "/statistikk/", {"year": 2025, "office": office_a.pk, "from_month": 6, "to_month": 3}
    )
    assert response.status_code == 200
    assert "Til og med måned kan ikke være før fra måned." in response.content.decode()
