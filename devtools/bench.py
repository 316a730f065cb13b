"""`make bench`: the national-scale benchmark and load test (issue 9).

1. Makes a dedicated benchmark database next to the configured one (`<name>_bench` on the
   same server, or KVP_BENCH_DATABASE_URL): dropped and created afresh for every run, so the
   developer's own database is never touched. It is dropped again at the end unless --keep.
2. Migrates it, collects the static files and runs `manage.py bench_national`: loads 20 000
   participants × --scale from a fixed seed and prints the table of server times, query counts
   and ratios to bare SQL (DJANGO_DEBUG=0, as in production).
3. Starts gunicorn on loopback (DEBUG off, WhiteNoise serving the collected static files) and
   runs locust headless with --users caseworkers for --run-time seconds, then prints the
   throughput, p50/p95 per page and the error count.

PostgreSQL and Redis are embedded unless DATABASE_URL / REDIS_URL are set (devtools.services).
Exit code 1 when the load test had errors or a step failed.

    python -m devtools.bench [--scale 1.0] [--runs 30] [--users 50] [--run-time 60] [--keep]
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from devtools.services import ROOT, Services, log, redact

PYTHON = sys.executable
P95_GOAL_MS = 200


def bench_database_url(database_url: str, override: str | None = None) -> str:
    """The benchmark database: KVP_BENCH_DATABASE_URL, else `<name>_bench` on the same server."""
    import dj_database_url

    if override:
        bench = override
    else:
        head, _, name = database_url.rpartition("/")
        query = ""
        if "?" in name:
            name, query = name.split("?", 1)
            query = "?" + query
        bench = f"{head}/{name}_bench{query}"
    if dj_database_url.parse(bench)["NAME"] == dj_database_url.parse(database_url)["NAME"]:
        raise SystemExit("The benchmark database must not be the configured database.")
    return bench


def recreate_database(url: str, *, drop_only: bool = False) -> None:
    import dj_database_url
    import psycopg
    from psycopg import sql

    cfg = dj_database_url.parse(url)
    with psycopg.connect(
        host=cfg["HOST"] or None,
        port=cfg["PORT"] or None,
        user=cfg["USER"] or None,
        password=cfg["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        name = sql.Identifier(cfg["NAME"])
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        if not drop_only:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(name))


def _run(argv: list[str], env: dict[str, str]) -> None:
    code = subprocess.run(argv, cwd=ROOT, env=env).returncode
    if code != 0:
        raise SystemExit(f"{' '.join(argv[1:3])} failed (exit code {code})")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_ready(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn exited during start-up; see its log above.")
        with contextlib.suppress(urllib.error.URLError, ConnectionError, OSError):
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer {url} within {timeout:.0f} s")


def load_test(args: argparse.Namespace, env: dict[str, str], users_file: Path, work: Path) -> int:
    """gunicorn + locust; prints the load-test table and returns the error count."""
    port = _free_port()
    host = f"http://127.0.0.1:{port}"
    gunicorn_log = work / "gunicorn.log"
    workers = str(args.workers)
    with open(gunicorn_log, "wb") as out:
        server = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "kvp.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                workers,
                "--threads",
                str(args.threads),
                "--worker-class",
                "gthread",
                "--timeout",
                "60",
            ],  # fmt: skip
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            process_group=0,
        )
    try:
        _wait_ready(f"{host}/helse/", server)
        log(
            f"Load test: {args.users} caseworkers for {args.run_time} s against gunicorn "
            f"({workers} workers × {args.threads} threads) on {host}"
        )
        prefix = work / "locust"
        locust = subprocess.run(
            [
                PYTHON,
                "-m",
                "locust",
                "-f",
                str(ROOT / "devtools" / "locustfile.py"),
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(args.spawn_rate),
                "--run-time",
                f"{args.run_time}s",
                "--host",
                host,
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
                "--exit-code-on-error",
                "0",
                "--stop-timeout",
                "5",
            ],  # fmt: skip
            cwd=ROOT,
            env={**env, "KVP_BENCH_USERS": str(users_file)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        if locust.returncode != 0 or not Path(f"{prefix}_stats.csv").exists():
            print(locust.stderr, file=sys.stderr)
            raise SystemExit(f"locust failed (exit code {locust.returncode})")
        errors = _print_load_table(Path(f"{prefix}_stats.csv"), args)
        if errors:
            _print_failures(Path(f"{prefix}_failures.csv"), gunicorn_log)
        return errors
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:  # "N/A" for a name with no requests
        return 0.0


def _print_load_table(stats_csv: Path, args: argparse.Namespace) -> int:
    with open(stats_csv, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    header = f"{'page (load test)':<24} {'requests':>8} {'errors':>6} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7}  goal"
    print()
    print(
        f"Load test: {args.users} caseworkers, {args.run_time} s from the first login; figures "
        f"from the last login on. gunicorn {args.workers}×{args.threads} on loopback "
        "(DEBUG off), locust on the same machine"
    )
    print(header)
    print("-" * len(header))
    errors = 0
    for row in rows:
        if row["Name"] != "Aggregated" and not int(row["Request Count"]) + int(
            row["Failure Count"]
        ):
            continue  # the logins, before the figures were reset
        name = row["Name"] if row["Name"] != "Aggregated" else "all requests"
        failures = int(row["Failure Count"])
        p95 = _number(row["95%"])
        page = row["Name"] not in ("Aggregated", "login", "login page")
        if row["Name"] == "Aggregated":
            errors = failures
            print("-" * len(header))
        goal = "ok" if not page or p95 < P95_GOAL_MS else f"MISS: p95 ≥ {P95_GOAL_MS} ms"
        if failures:
            goal = "MISS: errors"
        print(
            f"{name:<24} {int(row['Request Count']):>8} {failures:>6} "
            f"{_number(row['Requests/s']):>7.1f} {_number(row['50%']):>7.0f} {p95:>7.0f}  {goal}"
        )
    print(f"Errors: {errors}. Goals: p95 under {P95_GOAL_MS} ms per page, zero errors.")
    return errors


def _print_failures(failures_csv: Path, gunicorn_log: Path) -> None:
    if failures_csv.exists():
        with open(failures_csv, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                print(f"  {row['Occurrences']} × {row['Method']} {row['Name']}: {row['Error']}")
    lines = gunicorn_log.read_text(errors="replace").splitlines()
    print("Last lines of the gunicorn log:", *lines[-30:], sep="\n  ")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make bench", description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 20 000 participants")
    parser.add_argument("--runs", type=int, default=30, help="requests per page, in-process")
    parser.add_argument("--letters", type=int, default=20)
    parser.add_argument("--users", type=int, default=50, help="load test: caseworkers")
    parser.add_argument("--spawn-rate", type=float, default=5)
    parser.add_argument(
        "--run-time", type=int, default=90, help="load test: seconds, logins included"
    )
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    parser.add_argument("--no-load-test", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args(argv)

    def on_sigterm(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)  # unwinds through Services.__exit__

    signal.signal(signal.SIGTERM, on_sigterm)
    with Services() as services, tempfile.TemporaryDirectory(prefix="kvp-bench-") as tmp:
        bench_url = bench_database_url(
            services.env["DATABASE_URL"], services.env.get("KVP_BENCH_DATABASE_URL")
        )
        log(f"Benchmark database: {redact(bench_url)} (created afresh; your data is not touched)")
        recreate_database(bench_url)
        env = {
            **services.env,
            "DATABASE_URL": bench_url,
            # As in production: DEBUG off, static files collected and served by WhiteNoise.
            "DJANGO_DEBUG": "0",
            "KVP_LOCAL_LOGIN": "1",  # the load test logs in with the password form
            "DJANGO_SECURE_COOKIES": "0",  # plain http on loopback
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "KVP_ACCESS_LOG": "0",
        }
        work = Path(tmp)
        users_file = work / "users.json"
        try:
            _run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], env)
            _run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"], env)
            _run(
                [
                    PYTHON,
                    "manage.py",
                    "bench_national",
                    "--scale",
                    str(args.scale),
                    "--runs",
                    str(args.runs),
                    "--letters",
                    str(args.letters),
                    "--users-file",
                    str(users_file),
                ],  # fmt: skip
                env,
            )
            errors = 0 if args.no_load_test else load_test(args, env, users_file, work)
        finally:
            if not args.keep:
                recreate_database(bench_url, drop_only=True)
                log("Benchmark database dropped")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
