"""Operations: liveness and readiness endpoints, request ids in responses, log lines and
Celery tasks, and JSON log lines."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import os

from celery.contrib.testing.worker import start_worker
from django.conf import settings as django_settings
from django.db import OperationalError
from django.urls import reverse

from kvp import requestid
from kvp.celery import app


def test_liveness_is_cheap(client, db, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        response = client.get("/helse/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readiness_is_200_when_database_redis_and_migrations_are_ready(client, db):
    response = client.get(reverse("readiness"))
    assert response.status_code == 200
    assert response.json() == {
        "status": "klar",
        "checks": {"database": "ok", "redis": "ok", "migrations": "ok"},
    }


def test_readiness_is_503_when_redis_is_down(client, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get(reverse("readiness"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "ikke klar"
    assert body["checks"]["redis"].startswith("feil")
    assert body["checks"]["database"] == "ok"


def test_readiness_is_503_when_a_migration_is_not_applied(client, db, monkeypatch):
    from django.db.migrations.executor import MigrationExecutor

    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("x", False)])
    response = client.get(reverse("readiness"))
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"].startswith("feil")


def test_readiness_is_503_when_the_database_is_down(client, db, monkeypatch):
    from caseworker import views

    def down():
        raise OperationalError("connection refused")

    monkeypatch.setitem(views.READINESS_CHECKS, "database", down)
    response = client.get(reverse("readiness"))
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "feil: OperationalError"


def test_probes_are_not_redirected_to_https(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/helse/").status_code == 200
    assert client.get("/helse/klar/").status_code == 200
    assert client.get(reverse("login")).status_code == 301


# --- Request ids -----------------------------------------------------------------------------


def test_every_response_gets_a_fresh_request_id(client, db):
    first = client.get(reverse("login"))["X-Request-ID"]
    second = client.get(reverse("login"))["X-Request-ID"]
    assert len(first) == 32 and first != second


def test_incoming_request_id_is_used_only_when_trusted(client, db, settings):
    settings.KVP_TRUST_REQUEST_ID = False
    assert client.get("/helse/", HTTP_X_REQUEST_ID="abcdef-123456")["X-Request-ID"] != (
        "abcdef-123456"
    )
    settings.KVP_TRUST_REQUEST_ID = True
    assert client.get("/helse/", HTTP_X_REQUEST_ID="abcdef-123456")["X-Request-ID"] == (
        "abcdef-123456"
    )
    # A hostile header (log injection) is replaced, never echoed.
    for bad in ['x"\n{"level": "CRITICAL"}', "kort", "a" * 200]:
        got = client.get("/helse/", HTTP_X_REQUEST_ID=bad)["X-Request-ID"]
        assert got != bad and len(got) == 32


def json_log_stream() -> tuple[io.StringIO, logging.Handler]:
    stream = io.StringIO()
    config = django_settings.LOGGING
    handler = logging.StreamHandler(stream)
    formatter_config = dict(config["formatters"]["json"])
    factory = formatter_config.pop("()")
    module, _, name = factory.rpartition(".")
    formatter_class = getattr(__import__(module, fromlist=[name]), name)
    handler.setFormatter(formatter_class(**formatter_config))
    handler.addFilter(requestid.RequestIdFilter())
    return stream, handler


def test_log_lines_are_json_objects_one_per_line(db):
    stream, handler = json_log_stream()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        logging.getLogger("kvp.test").warning("utenfor en forespørsel: %s", "æøå")
    finally:
        root.removeHandler(handler)
    (line,) = [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]
    assert line["message"] == "utenfor en forespørsel: æøå"
    assert line["level"] == "WARNING" and line["logger"] == "kvp.test"
    assert line["request_id"] is None
    assert "time" in line


def test_a_request_that_logs_writes_its_request_id(client, db, settings, monkeypatch):
    stream, handler = json_log_stream()
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        response = client.get(reverse("readiness"))
    finally:
        root.removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]
    warning = [line for line in lines if "readiness check redis failed" in line["message"]]
    assert warning, lines
    assert warning[0]["request_id"] == response["X-Request-ID"]
    assert warning[0]["level"] == "WARNING"


def test_one_access_line_per_request_with_the_request_id(client, caseworker, settings):
    settings.KVP_ACCESS_LOG = True
    stream, handler = json_log_stream()
    access = logging.getLogger("kvp.access")
    access.addHandler(handler)
    try:
        client.force_login(caseworker)
        response = client.get("/deltakere/", {"q": "15108695088"})
    finally:
        access.removeHandler(handler)
    (line,) = [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]
    assert line["request_id"] == response["X-Request-ID"]
    assert (line["method"], line["path"], line["status"]) == ("GET", "/deltakere/", 200)
    assert line["user"] == "Z990001" and line["duration_ms"] >= 0
    # The query string (a search for a national id) is not logged.
    assert "15108695088" not in stream.getvalue()


def test_request_id_travels_to_celery_tasks():
    """A task enqueued during a request carries the request's id in its message headers, and
    the task's log lines use it (before_task_publish -> task_prerun)."""
    token = requestid._current.set("req-0123456789")
    try:
        headers: dict = {}
        requestid._add_request_id_to_task(headers=headers)
    finally:
        requestid._current.reset(token)
    assert headers == {"kvp_request_id": "req-0123456789"}

    class FakeRequest:
        kvp_request_id = "req-0123456789"

    class FakeTask:
        request = FakeRequest()

    requestid._set_request_id_in_task(task_id="t1", task=FakeTask())
    assert requestid.current() == "req-0123456789"
    requestid._reset_request_id_after_task(task_id="t1")
    assert requestid.current() is None
    # A task nobody enqueued from a request (beat) gets an id of its own.
    FakeRequest.kvp_request_id = None
    requestid._set_request_id_in_task(task_id="t2", task=FakeTask())
    assert requestid.current() == "task-t2"
    requestid._reset_request_id_after_task(task_id="t2")


@app.task(name="kvp.tests.echo_request_id")
def echo_request_id() -> str | None:
    return requestid.current()


QUEUE = f"kvp-ops-test-{os.getpid()}"


def test_a_real_worker_runs_the_task_under_the_request_id():
    with start_worker(
        app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=[QUEUE]
    ):
        token = requestid._current.set("req-from-the-web-1")
        try:
            result = echo_request_id.apply_async(queue=QUEUE)
        finally:
            requestid._current.reset(token)
        assert result.get(timeout=30) == "req-from-the-web-1"
        # Enqueued outside a request (beat): the task gets an id of its own.
        assert echo_request_id.apply_async(queue=QUEUE).get(timeout=30).startswith("task-")


def test_compose_web_and_worker_scale_and_beat_does_not():
    """docker-compose.yml: no fixed container names, web publishes a port range (one host port
    per replica), and the services share one db and redis."""
    from pathlib import Path

    import yaml

    compose = yaml.safe_load(
        (Path(__file__).resolve().parents[2] / "docker-compose.yml").read_text()
    )
    services = compose["services"]
    assert not [name for name, svc in services.items() if "container_name" in svc]
    (port,) = services["web"]["ports"]
    host = port.rsplit(":", 1)[0]
    assert "-" in host, f"web needs a host port range to scale: {port}"
    assert "ports" not in services["worker"]
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert "@db:5432" in env["DATABASE_URL"] and env["REDIS_URL"].startswith("redis://redis:")
    assert services["beat"].get("deploy", {}).get("replicas", 1) == 1
