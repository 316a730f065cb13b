"""Backup and restore as the README describes it (section "Operations"): `pg_dump
--format=custom` of a database with real data, `pg_restore` into a fresh database, and the
data is all there: participants, decisions, audit rows, and the audit table's append-only
trigger still refuses UPDATE and DELETE.

Uses the machine's pg_dump/pg_restore (or those of the embedded PostgreSQL), of a major version
at least the server's. Skipped with the reason when there are none, except in CI (CI set),
where that is a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from caseworker.models import AuditEvent, User
from decisions.models import Decision
from participants.models import Participant

pytestmark = pytest.mark.django_db(transaction=True)


def _major(binary: Path) -> int:
    out = subprocess.run([str(binary), "--version"], capture_output=True, text=True).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", out)
    return int(match.group(1)) if match else 0


def find_binaries(server_major: int) -> tuple[Path, Path] | None:
    candidates: list[Path] = []
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    try:
        from pgserver._commands import POSTGRES_BIN_PATH

        candidates.append(Path(POSTGRES_BIN_PATH))
    except ImportError:
        pass
    on_path = shutil.which("pg_dump")
    if on_path:
        candidates.append(Path(on_path).parent)
    for folder in candidates:
        dump, restore = folder / "pg_dump", folder / "pg_restore"
        if dump.exists() and restore.exists() and _major(dump) >= server_major:
            return dump, restore
    return None


def libpq_env(name: str) -> dict[str, str]:
    db = connection.settings_dict
    env = {**os.environ, "PGDATABASE": name}
    for key, var in [("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")]:
        if db.get(key):
            env[var] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def connect(name: str) -> psycopg.Connection:
    db = connection.settings_dict
    return psycopg.connect(
        dbname=name,
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        autocommit=True,
    )


def test_dump_and_restore_into_a_fresh_database_keeps_everything(settings, tmp_path):
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        server_major = int(cursor.fetchone()[0]) // 10000
    binaries = find_binaries(server_major)
    if binaries is None:
        reason = f"no pg_dump/pg_restore of PostgreSQL {server_major} or newer on this machine"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    pg_dump, pg_restore = binaries

    settings.KVP_ALLOW_SYNTHETIC_IDS = True
    call_command("demo_data", verbosity=0)
    # Caseworker Kari reads some of her participants: audit rows, as in real use.
    client = Client()
    kari = User.objects.get(username="Z990001")
    client.force_login(kari)
    for participant in Participant.objects.visible_to(kari).order_by("pk")[:5]:
        assert client.get(reverse("participants:detail", args=[participant.pk])).status_code == 200
    counts = {
        "participants": Participant.objects.count(),
        "decisions": Decision.objects.count(),
        "approved": Decision.objects.filter(approved_at__isnull=False).count(),
        "audit": AuditEvent.objects.count(),
    }
    assert counts["participants"] >= 50 and counts["decisions"] >= 20 and counts["audit"] > 0
    last_audit = AuditEvent.objects.order_by("-pk").values_list("pk", "actor_username").first()

    source = connection.settings_dict["NAME"]
    target = f"{source}_restore"
    dump_file = tmp_path / "kvp.dump"
    # 1. Backup: custom format (compressed, restorable table by table), as in the README.
    subprocess.run(
        [str(pg_dump), "--format=custom", "--no-owner", f"--file={dump_file}"],
        env=libpq_env(source),
        check=True,
        capture_output=True,
    )
    assert dump_file.stat().st_size > 10_000

    with connect("postgres") as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{target}"')
        admin.execute(f'CREATE DATABASE "{target}"')
    try:
        # 2. Restore into a fresh, empty database.
        subprocess.run(
            [
                str(pg_restore),
                "--no-owner",
                "--exit-on-error",
                f"--dbname={target}",
                str(dump_file),
            ],
            env=libpq_env(target),
            check=True,
            capture_output=True,
        )
        with connect(target) as restored:

            def count(sql: str) -> int:
                return restored.execute(sql).fetchone()[0]

            assert count("SELECT count(*) FROM participants_participant") == counts["participants"]
            assert count("SELECT count(*) FROM decisions_decision") == counts["decisions"]
            assert (
                count("SELECT count(*) FROM decisions_decision WHERE approved_at IS NOT NULL")
                == counts["approved"]
            )
            assert count("SELECT count(*) FROM caseworker_auditevent") == counts["audit"]
            assert (
                restored.execute(
                    "SELECT id, actor_username FROM caseworker_auditevent ORDER BY id DESC LIMIT 1"
                ).fetchone()
                == last_audit
            )
            # Every migration is recorded, so the restored database is ready as it is.
            assert count("SELECT count(*) FROM django_migrations") > 0
            # 3. The append-only trigger came along: the audit log still cannot be rewritten.
            for statement in (
                "UPDATE caseworker_auditevent SET actor_username = 'X' WHERE id = %s",
                "DELETE FROM caseworker_auditevent WHERE id = %s",
            ):
                with pytest.raises(psycopg.Error):
                    restored.execute(statement, (last_audit[0],))
            # New rows can still be appended (the sequence was restored too).
            restored.execute(
                "INSERT INTO caseworker_auditevent (at, actor_username, action, outcome,"
                " object_type, object_id, path, detail) VALUES"
                " (now(), 'Z990001', 'view', 'permit', 'participant', '1', '/', '{}')"
            )
    finally:
        with connect("postgres") as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
