"""`make run`: the whole app on one machine, stopped by one Ctrl-C.

Starts PostgreSQL and Redis (embedded unless DATABASE_URL / REDIS_URL are set), migrates,
loads the demo data, then supervises three children: runserver, a Celery worker and Celery
beat. Ctrl-C or SIGTERM stops the children, then the embedded servers, and exits 0. If a
child dies on its own, the rest are stopped and we exit 1.

Each child runs in its own process group so that we decide the order of shutdown (children
before the servers they use), and gets SIGTERM if this supervisor dies without cleaning up.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from types import FrameType

from devtools.services import ROOT, Services, log

PYTHON = sys.executable
LOGIN_PATH = "/logg-inn/"
STOP_TIMEOUT = 20.0
READY_TIMEOUT = 120.0


class StopRequested(Exception):
    """Raised from the signal handler to leave whatever we are doing."""


class ChildDied(Exception):
    pass


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]


def _die_with_parent() -> None:
    # Linux only: the kernel sends SIGTERM to this child if the supervisor dies (kill -9).
    with contextlib.suppress(Exception):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def spawn(name: str, argv: list[str], env: dict[str, str]) -> Child:
    process = subprocess.Popen(
        argv,
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        process_group=0,
        preexec_fn=_die_with_parent if sys.platform == "linux" else None,
    )
    return Child(name, process)


def stop_children(children: list[Child]) -> None:
    for child in reversed(children):
        if child.process.poll() is None:
            log(f"Stopping {child.name}")
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.process.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    for child in children:
        try:
            child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            log(f"{child.name} did not stop in {STOP_TIMEOUT:.0f} s; killing it")
    for child in children:
        # Also takes down what the child left in its group (runserver's reloaded server,
        # Celery's pool processes).
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(child.process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.process.wait(timeout=5)


def check_children(children: list[Child]) -> None:
    for child in children:
        code = child.process.poll()
        if code is not None:
            raise ChildDied(f"{child.name} exited unexpectedly with code {code}")


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def wait_until_serving(url: str, children: list[Child]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        check_children(children)
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310 - our own dev server
                return
        except urllib.error.HTTPError:
            return  # the server answers; the page itself is the app's business
        except OSError:
            time.sleep(0.5)
    raise ChildDied(f"the web server did not answer on {url} within {READY_TIMEOUT:.0f} s")


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def load_demo_data(env: dict[str, str]) -> str:
    """Run `manage.py demo_data`; return what it printed (the demo logins)."""
    log("Loading demo data (manage.py demo_data)")
    result = subprocess.run(
        [PYTHON, "manage.py", "demo_data"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    if result.returncode != 0:
        if "Unknown command" in result.stderr:
            log("No demo_data command yet; starting without demo data")
            return ""
        raise subprocess.CalledProcessError(result.returncode, result.args)
    return result.stdout


def banner(url: str, demo_output: str) -> None:
    line = "=" * 72
    parts = [line, f"  KVP-sak runs at {url}", ""]
    if demo_output.strip():
        parts += ["  Demo data (manage.py demo_data):", ""]
        parts += [f"    {row}" for row in demo_output.rstrip().splitlines()]
        parts.append("")
    parts += ["  Press Ctrl-C to stop the web server, worker, beat and embedded servers.", line]
    print("\n".join(parts), flush=True)


def main() -> int:
    port = int(os.environ.get("PORT", "8000"))
    url = f"http://127.0.0.1:{port}/"
    shutting_down = False

    def on_signal(signum: int, frame: FrameType | None) -> None:
        nonlocal shutting_down
        if not shutting_down:
            shutting_down = True
            raise StopRequested(signal.Signals(signum).name)
        log("Already stopping; please wait")

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    if not port_is_free(port):
        log(f"Port {port} on 127.0.0.1 is in use (another `make run`?). Try PORT=8001 make run.")
        return 1

    services = Services()
    children: list[Child] = []
    exit_code = 0
    try:
        env = services.start()
        (ROOT / ".data").mkdir(exist_ok=True)  # Celery beat's schedule file lives there
        log("Applying migrations")
        manage("migrate", "--noinput", env=env)
        demo_output = load_demo_data(env)

        celery = [PYTHON, "-m", "celery", "-A", "kvp"]
        children.append(
            spawn("web server", [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}"], env)
        )
        children.append(
            spawn("celery worker", [*celery, "worker", "-l", "INFO", "--concurrency=2"], env)
        )
        children.append(spawn("celery beat", [*celery, "beat", "-l", "INFO"], env))

        wait_until_serving(f"http://127.0.0.1:{port}{LOGIN_PATH}", children)
        banner(url, demo_output)
        while True:
            check_children(children)
            time.sleep(0.5)
    except StopRequested as stop:
        log(f"{stop} received, stopping")
    except ChildDied as died:
        log(f"ERROR: {died}; stopping the rest")
        exit_code = 1
    except subprocess.CalledProcessError as failed:
        log(f"ERROR: {' '.join(map(str, failed.cmd[1:]))} failed with code {failed.returncode}")
        exit_code = 1
    finally:
        shutting_down = True
        stop_children(children)
        services.stop()
    log("KVP-sak stopped cleanly" if exit_code == 0 else "KVP-sak stopped after an error")
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
