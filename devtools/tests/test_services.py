"""The URLs devtools hands to Django must mean what settings.py expects."""

import dj_database_url

from devtools.services import redact
from kvp.settings import _celery_broker_url


def test_embedded_postgres_url_points_at_the_socket_directory():
    # The form EmbeddedPostgres.start() returns: socket directory percent-encoded as host.
    config = dj_database_url.parse("postgres://postgres@%2Fsrv%2Fkvp%2F.data%2Fpg/kvp")
    assert config["HOST"] == "/srv/kvp/.data/pg"
    assert config["NAME"] == "kvp"
    assert config["USER"] == "postgres"


def test_embedded_redis_url_becomes_a_kombu_socket_url():
    assert _celery_broker_url("unix:///tmp/x/redis.socket") == "redis+socket:///tmp/x/redis.socket"
    assert _celery_broker_url("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/0"


def test_redact_hides_only_the_password():
    assert redact("postgres://kvp:s3cret@db:5432/kvp") == "postgres://kvp:***@db:5432/kvp"
    assert redact("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/0"
