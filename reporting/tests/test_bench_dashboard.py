"""The dashboard benchmark (issue 7, item 4) prints its table and leaves nothing behind."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from decisions.tests.test_digest import row_counts


@pytest.mark.django_db
def test_bench_dashboard_prints_time_and_queries_and_cleans_up():
    before = row_counts()
    out = StringIO()
    call_command("bench_dashboard", "--participants", "40", "--runs", "1", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("bench_dashboard: 40 participants, 60 programmes, ")
    assert lines[1].split() == ["page", "median", "ms", "max", "ms", "queries"]
    dashboard, report = lines[3].split(), lines[4].split()
    assert dashboard[0] == "dashboard" and report[0] == "KOSTRA"
    assert 5 <= int(dashboard[-1]) <= 30
    assert row_counts() == before


def test_bench_dashboard_refuses_a_database_with_participants(participant):
    with pytest.raises(CommandError, match="--force"):
        call_command("bench_dashboard", "--participants", "10", stdout=StringIO())
