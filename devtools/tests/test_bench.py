"""`make bench` end to end at a tiny scale: the dataset loads, the table has every row with the
same query count for the small office as for the big one, and the load test against gunicorn
has zero errors. Not timed: the figures depend on the machine; `make bench` prints them."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from devtools.bench import bench_database_url
from devtools.services import ROOT

ROWS = [
    "deadline scan, first run (whole country)",
    "deadline scan, re-run (whole country)",
    "participant page /deltakere/<id>/",
    "worklist, mine /sak/oppgaver/",
    "worklist, office /sak/oppgaver/kontor/",
    "approval queue /sak/til-godkjenning/",
    "dashboard /statistikk/",
    "search /deltakere/?q=",
    "KOSTRA 11CF",
    "stipend run, Oslo-sized office",
    "vedtaksbrev PDF/A (2 letters)",
]
LOAD_ROWS = ["/deltakere/<id>/", "/deltakere/?mine=on", "/deltakere/?q=…", "/sak/oppgaver/"]


def test_the_bench_database_is_never_the_configured_one():
    assert bench_database_url("postgres://u@db:5432/kvp") == "postgres://u@db:5432/kvp_bench"
    assert (
        bench_database_url("postgres://postgres@%2Fsrv%2F.data%2Fpg/kvp?sslmode=disable")
        == "postgres://postgres@%2Fsrv%2F.data%2Fpg/kvp_bench?sslmode=disable"
    )
    with pytest.raises(SystemExit):
        bench_database_url("postgres://u@db/kvp", override="postgres://u@other/kvp")


def test_make_bench_prints_every_row_constant_query_counts_and_no_load_errors():
    url = os.environ["DATABASE_URL"]
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    head, _, name = url.partition("?")[0].rpartition("/")
    env = {
        **os.environ,
        # Its own database per test process, named like the test databases.
        "KVP_BENCH_DATABASE_URL": f"{head}/test_{name}_{worker}_bench",
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "devtools.bench",
            "--scale",
            "0.01",
            "--runs",
            "3",
            "--letters",
            "2",
            "--users",
            "4",
            "--spawn-rate",
            "4",
            "--run-time",
            "8",
            "--workers",
            "1",
            "--threads",
            "2",
        ],  # fmt: skip
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    out = result.stdout
    assert result.returncode == 0, result.stdout + result.stderr
    table = out[out.index("measured") :]
    for row in ROWS:
        line = next((line for line in table.splitlines() if line.startswith(row)), None)
        assert line is not None, f"no row {row!r} in\n{table}"
        assert "queries grow" not in line, line
    # Every page row and the stipend run show both query counts, and they are equal.
    for line in table.splitlines():
        if line.startswith(
            ("participant page", "worklist", "approval", "dashboard", "search", "stipend run")
        ):
            counts = re.findall(r"\s(\d+)\s+(\d+)\s+[\d.]+\s+[\d.]+x", line)
            assert counts and counts[0][0] == counts[0][1], line
    assert re.search(r"200 participants, 1,000 programmes", out)
    load = out[out.index("page (load test)") :]
    pages = [line for line in load.splitlines() if line.startswith(tuple(LOAD_ROWS))]
    assert pages, load  # a few seconds with four users: not every page is always drawn
    for line in pages:
        assert line.split()[2] == "0", line  # name, requests, errors, …
    # The logins fall in the ramp-up, whose figures are reset; a failed login would show
    # here as redirects to the login page, which count as errors.
    total = re.search(r"all requests\s+(\d+)\s+(\d+)\s", load)
    assert total and int(total.group(1)) > 0 and total.group(2) == "0", load
    assert "Errors: 0." in load
    assert "Benchmark database dropped" in result.stderr
