"""Production settings (DJANGO_DEBUG=0, KVP_BASE_URL on https) pass `manage.py check --deploy`
with no warning at all, and carry the transport-security settings the check asks for."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SSO_ENV = {
    "KVP_OIDC_CLIENT_ID": "kvp-sak",
    "KVP_OIDC_CLIENT_SECRET": "s",
    "KVP_OIDC_AUTHORIZATION_ENDPOINT": "https://login.microsoftonline.com/t/oauth2/v2.0/authorize",
    "KVP_OIDC_TOKEN_ENDPOINT": "https://login.microsoftonline.com/t/oauth2/v2.0/token",
    "KVP_OIDC_JWKS_ENDPOINT": "https://login.microsoftonline.com/t/discovery/v2.0/keys",
    "KVP_OIDC_ISSUER": "https://login.microsoftonline.com/t/v2.0",
    "KVP_OIDC_GROUP_ROLES": "g1=veileder",
    "KVP_OIDC_GROUP_OFFICES": "g2=0315",
}
PRODUCTION_ENV = {
    **SSO_ENV,
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "p" * 20 + "-a-long-random-production-like-secret-key-!#%&/()=?",
    "KVP_BASE_URL": "https://kvp-sak.intern.nav.no",
    "DJANGO_ALLOWED_HOSTS": "kvp-sak.intern.nav.no",
    "KVP_ALLOW_SYNTHETIC_IDS": "0",
}


def run_manage(*args: str, extra: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "KVP_", "SECURE_"))
    }
    env.update(PRODUCTION_ENV)
    env.update(extra or {})
    env.setdefault("DATABASE_URL", os.environ.get("DATABASE_URL", "postgres://x@127.0.0.1/x"))
    env.setdefault("REDIS_URL", os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_in_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "DEBUG")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output, output
    assert "WARNING" not in output, output


def test_production_settings_values():
    code = (
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.SECURE_REFERRER_POLICY, s.KVP_LOCAL_LOGIN, s.SESSION_ENGINE)"
    )
    result = run_manage("shell", "-v", "0", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "True",
        "31536000",
        "True",
        "True",
        "same-origin",
        # Single sign-on only: no password login in production unless asked for.
        "False",
        "django.contrib.sessions.backends.db",
    ]


def test_password_login_in_production_only_when_asked():
    code = (
        "from django.conf import settings as s; print(s.KVP_LOCAL_LOGIN, s.AUTHENTICATION_BACKENDS)"
    )
    off = run_manage("shell", "-v", "0", "-c", code)
    assert off.returncode == 0, off.stderr
    assert off.stdout.startswith("False") and "ModelBackend" not in off.stdout
    assert "KvpOIDCBackend" in off.stdout
    on = run_manage("shell", "-v", "0", "-c", code, extra={"KVP_LOCAL_LOGIN": "1"})
    assert on.stdout.startswith("True") and "ModelBackend" in on.stdout


def test_no_way_to_log_in_fails_the_checks():
    no_sso = {name: "" for name in SSO_ENV}
    result = run_manage("check", extra=no_sso)
    assert result.returncode != 0
    assert "kvp.E001" in result.stderr and "KVP_LOCAL_LOGIN=1" in result.stderr
    assert run_manage("check", extra={**no_sso, "KVP_LOCAL_LOGIN": "1"}).returncode == 0


def test_half_a_sso_configuration_fails_at_start():
    result = run_manage(
        "check", extra={**{name: "" for name in SSO_ENV}, "KVP_OIDC_CLIENT_ID": "kvp-sak"}
    )
    assert result.returncode != 0 and "KVP_OIDC_TOKEN_ENDPOINT" in result.stderr
