"""KVP-sak settings, read from the environment (see .env.example).

Required values fail loudly at start. `make run` and `make test` set DATABASE_URL and
REDIS_URL to embedded servers (devtools/services.py) when the environment has none.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str | None = None, *, required: bool = False) -> str:
    value = os.environ.get(name, default)
    if required and not value:
        raise ImproperlyConfigured(
            f"Environment variable {name} is required (see .env.example). "
            "`make run` and `make test` provide development values when it is missing."
        )
    return value or ""


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env("DJANGO_SECRET_KEY", required=True)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "crispy_forms",
    "django_htmx",
    "mozilla_django_oidc",
    "axes",
    "csp",
    "caseworker",
    "reporting",
    "participants",
    "decisions",
    # plans before stipend: attendance is registered on the plan's days, so the demo data
    # (seeded in this order) plans first.
    "plans",
    "stipend",
    # Appeals build on the decisions and their documents; seeded after the other case data.
    "appeals",
]

MIDDLEWARE = [
    "kvp.requestid.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: turns its lockout exception into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kvp.urls"
WSGI_APPLICATION = "kvp.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            "builtins": [
                "caseworker.templatetags.kvp_perms",
                "crispy_forms.templatetags.crispy_forms_tags",
            ],
        },
    },
]

# --- Data stores -------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", required=True),
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", required=True)


def _celery_broker_url(redis_url: str) -> str:
    # redis-py speaks unix://; kombu calls the same thing redis+socket://.
    if redis_url.startswith("unix://"):
        return "redis+socket://" + redis_url.removeprefix("unix://")
    return redis_url


CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "kvp",
    }
}

# --- Celery --------------------------------------------------------------------------------
CELERY_BROKER_URL = _celery_broker_url(REDIS_URL)
CELERY_RESULT_BACKEND = _celery_broker_url(REDIS_URL)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Europe/Oslo"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = env(
    "CELERY_BEAT_SCHEDULE_FILENAME", str(BASE_DIR / ".data" / "celerybeat-schedule")
)

# --- Authentication and sessions ----------------------------------------------------------
AUTH_USER_MODEL = "caseworker.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Single sign-on with OpenID Connect (caseworker/sso.py; README "Single sign-on"). On when a client
# id is set. Endpoints are given explicitly (Entra ID: https://login.microsoftonline.com/
# <tenant>/oauth2/v2.0/authorize, …/token, …/discovery/v2.0/keys; issuer
# https://login.microsoftonline.com/<tenant>/v2.0).
OIDC_RP_CLIENT_ID = env("KVP_OIDC_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env("KVP_OIDC_CLIENT_SECRET")
KVP_OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
OIDC_OP_AUTHORIZATION_ENDPOINT = env("KVP_OIDC_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = env("KVP_OIDC_TOKEN_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = env("KVP_OIDC_JWKS_ENDPOINT")
OIDC_OP_USER_ENDPOINT = env("KVP_OIDC_USERINFO_ENDPOINT")  # optional: claims from the ID token
KVP_OIDC_ISSUER = env("KVP_OIDC_ISSUER")
OIDC_RP_SIGN_ALGO = env("KVP_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env("KVP_OIDC_SCOPES", "openid profile email")
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_callback"
LOGIN_REDIRECT_URL_FAILURE = "/logg-inn/"
# Claims: the NAV-ident (the username), the group ids, and optionally the office unit numbers.
KVP_OIDC_IDENT_CLAIM = env("KVP_OIDC_IDENT_CLAIM", "NAVident")
KVP_OIDC_GROUPS_CLAIM = env("KVP_OIDC_GROUPS_CLAIM", "groups")
KVP_OIDC_OFFICE_CLAIM = env("KVP_OIDC_OFFICE_CLAIM")
# group=role pairs or JSON; roles veileder, beslutter, leder, statsforvalter, admin, and the
# special authorisations kode6 and skjermet. Offices: group=enhetsnummer.
from caseworker.sso_config import parse_mapping, validate_role_mapping  # noqa: E402

KVP_OIDC_GROUP_ROLES = parse_mapping(env("KVP_OIDC_GROUP_ROLES"), "KVP_OIDC_GROUP_ROLES")
validate_role_mapping(KVP_OIDC_GROUP_ROLES)
KVP_OIDC_GROUP_OFFICES = parse_mapping(env("KVP_OIDC_GROUP_OFFICES"), "KVP_OIDC_GROUP_OFFICES")
if KVP_OIDC_ENABLED:
    _missing = [
        name
        for name, value in [
            ("KVP_OIDC_CLIENT_SECRET", OIDC_RP_CLIENT_SECRET),
            ("KVP_OIDC_AUTHORIZATION_ENDPOINT", OIDC_OP_AUTHORIZATION_ENDPOINT),
            ("KVP_OIDC_TOKEN_ENDPOINT", OIDC_OP_TOKEN_ENDPOINT),
            ("KVP_OIDC_JWKS_ENDPOINT", OIDC_OP_JWKS_ENDPOINT),
            ("KVP_OIDC_GROUP_ROLES", KVP_OIDC_GROUP_ROLES),
        ]
        if not value
    ]
    if _missing:
        raise ImproperlyConfigured(f"KVP_OIDC_CLIENT_ID is set, so set {', '.join(_missing)} too")
# Username and password login: for development, tests and the demo. On by default with
# DJANGO_DEBUG=1; in production only when KVP_LOCAL_LOGIN=1. With neither this nor SSO,
# `manage.py check` (and so migrate) fails: kvp.E001 in caseworker/checks.py.
KVP_LOCAL_LOGIN = env_bool("KVP_LOCAL_LOGIN", DEBUG)
AUTHENTICATION_BACKENDS = [
    # First: refuses any attempt while the user/address is locked out.
    "axes.backends.AxesStandaloneBackend",
    *(["caseworker.sso.KvpOIDCBackend"] if KVP_OIDC_ENABLED else []),
    *(["django.contrib.auth.backends.ModelBackend"] if KVP_LOCAL_LOGIN else []),
]

# Login rate limiting (django-axes): 5 failed attempts for one NAV-ident from one address lock
# that pair out for 15 minutes; a successful login resets the count.
AXES_ENABLED = env_bool("KVP_AXES_ENABLED", True)
AXES_FAILURE_LIMIT = int(env("KVP_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(env("KVP_LOGIN_LOCKOUT_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_IPWARE_PROXY_COUNT = 1 if env_bool("KVP_TRUST_X_FORWARDED_FOR", False) else None
AXES_VERBOSE = False

# Sessions end after 30 minutes without a request: the age is renewed on every request.
# Stored in the database, so any web container serves any user (README "Operations").
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = int(env("KVP_SESSION_IDLE_SECONDS", "1800"))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# --- Transport security ---------------------------------------------------------------------
# Production (DJANGO_DEBUG=0 and KVP_BASE_URL on https://) gets secure cookies, HSTS and the
# redirect to https; `manage.py check --deploy` is clean there (kvp/tests/test_deploy_check.py).
KVP_BASE_URL = env("KVP_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
_HTTPS = KVP_BASE_URL.startswith("https://")
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", _HTTPS and not DEBUG)
SECURE_HSTS_SECONDS = int(env("DJANGO_HSTS_SECONDS", "31536000" if _HTTPS and not DEBUG else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
# The preload flag only matters once the domain's owner submits it to the browsers' list.
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", SECURE_HSTS_SECONDS >= 31536000)
# The liveness and readiness probes come over plain http from inside the cluster.
SECURE_REDIRECT_EXEMPT = [r"^helse/"]
if env("DJANGO_SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp): no inline script or style anywhere, nothing from other
# origins except the Aksel font files that @navikt/ds-css loads from cdn.nav.no.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "font-src": ["'self'", "https://cdn.nav.no"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "form-action": ["'self'", *([OIDC_OP_AUTHORIZATION_ENDPOINT] if KVP_OIDC_ENABLED else [])],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

# --- Locale --------------------------------------------------------------------------------
LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", "Norsk bokmål")]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "d.m.Y"
SHORT_DATE_FORMAT = "d.m.Y"
DATETIME_FORMAT = "d.m.Y H:i"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%Y-%m-%d"]
FORMAT_MODULE_PATH = ["kvp.formats"]

# --- Static files --------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
_NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS: list = [BASE_DIR / "static"]
for _prefix, _path in [
    ("navikt", _NODE_MODULES / "@navikt" / "ds-css" / "dist"),
    ("htmx", _NODE_MODULES / "htmx.org" / "dist"),
]:
    if _path.is_dir():
        STATICFILES_DIRS.append((_prefix, _path))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- Forms ---------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = ["aksel"]
CRISPY_TEMPLATE_PACK = "aksel"
CRISPY_FAIL_SILENTLY = not DEBUG

# --- E-mail --------------------------------------------------------------------------------
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", "kvp-sak@localhost")
# The site's own address, for links in e-mails (the daily task digest), without a trailing
# slash: KVP_BASE_URL, set above with transport security.

# --- KVP-sak policy ------------------------------------------------------------------------
# Synthetic national ids (Skatteetaten's test persons: month + 80) are for demo and test
# data only. Production must leave this off.
KVP_ALLOW_SYNTHETIC_IDS = env_bool("KVP_ALLOW_SYNTHETIC_IDS", False)
# Deadline engine (decisions/deadlines.py): days before a vedtak period ends that the caseworker
# gets a task to decide extension or termination (D3), and before a birthday that changes the
# case (turning 25 or 67, a child turning 18).
KVP_DECISION_PERIOD_LEAD_DAYS = int(env("KVP_DECISION_PERIOD_LEAD_DAYS", "42"))
KVP_AGE_EVENT_LEAD_DAYS = int(env("KVP_AGE_EVENT_LEAD_DAYS", "42"))
# Take the client address from X-Forwarded-For (set only behind a trusted proxy).
KVP_TRUST_X_FORWARDED_FOR = env_bool("KVP_TRUST_X_FORWARDED_FOR", False)
# The Celery queue that makes PDF documents (vedtaksbrev, deltakerbevis); tests give each
# process its own so that only their own worker takes the jobs.
KVP_DOCUMENT_QUEUE = env("KVP_DOCUMENT_QUEUE", "celery")

# Logs: one JSON object per line on stderr (python-json-logger) with the request id of the
# request or Celery task that wrote it (kvp/requestid.py). KVP_LOG_FORMAT=plain for humans;
# the default is plain with DJANGO_DEBUG=1, JSON otherwise.
KVP_TRUST_REQUEST_ID = env_bool("KVP_TRUST_REQUEST_ID", False)
# One log line per request (kvp.access: method, path, status, duration, NAV-ident); off with
# DJANGO_DEBUG=1, where runserver logs requests itself.
KVP_ACCESS_LOG = env_bool("KVP_ACCESS_LOG", not DEBUG)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "kvp.requestid.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "timestamp": False,
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env("KVP_LOG_FORMAT", "plain" if DEBUG else "json"),
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "INFO")},
    # WeasyPrint logs each rendering step at INFO; its warnings still show.
    "loggers": {"weasyprint": {"level": "WARNING"}},
}
