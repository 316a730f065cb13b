"""`make test`: lint, format check, migrations check and pytest, against real PostgreSQL.

Every step runs even if an earlier one failed, so one run shows everything that is wrong;
the exit code is non-zero if any step failed (pytest's 5, "no tests ran", included).
Extra pytest arguments come from PYTEST_ARGS or the command line.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import time
from types import FrameType

from devtools.services import ROOT, Services, log

PYTHON = sys.executable


def step(name: str, argv: list[str], env: dict[str, str] | None = None) -> tuple[str, int]:
    log(f"--- {name}: {shlex.join(argv[2:] if argv[0] == PYTHON else argv)}")
    started = time.monotonic()
    code = subprocess.run(argv, cwd=ROOT, env=env).returncode
    status = "ok" if code == 0 else f"FAILED (exit code {code})"
    if name == "pytest" and code == 5:
        status = "FAILED (no tests were collected)"
    log(f"--- {name}: {status} in {time.monotonic() - started:.0f} s")
    return name, code


def main(argv: list[str]) -> int:
    def on_sigterm(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)  # unwinds through Services.__exit__

    signal.signal(signal.SIGTERM, on_sigterm)
    pytest_args = shlex.split(os.environ.get("PYTEST_ARGS", "")) + argv

    results = [
        step("ruff check", [PYTHON, "-m", "ruff", "check", "."]),
        step("ruff format", [PYTHON, "-m", "ruff", "format", "--check", "."]),
    ]
    with Services() as services:
        results.append(
            step(
                "makemigrations --check",
                [PYTHON, "manage.py", "makemigrations", "--check", "--dry-run"],
                services.env,
            )
        )
        results.append(step("pytest", [PYTHON, "-m", "pytest", *pytest_args], services.env))

    failed = [name for name, code in results if code != 0]
    print(flush=True)
    for name, code in results:
        log(f"{'ok    ' if code == 0 else 'FAILED'} {name}")
    if failed:
        log(f"make test FAILED: {', '.join(failed)}")
        return 1
    log("make test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
