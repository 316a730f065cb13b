"""System checks for the login configuration (run by `manage.py check`, `migrate`, runserver)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register


@register()
def some_way_to_log_in(app_configs=None, **kwargs) -> list[Error]:
    if settings.KVP_OIDC_ENABLED or settings.KVP_LOCAL_LOGIN:
        return []
    return [
        Error(
            "Nobody can log in: single sign-on is not configured and password login is off.",
            hint="Set KVP_OIDC_CLIENT_ID and the other KVP_OIDC_* variables (README "
            '"Single sign-on"), or KVP_LOCAL_LOGIN=1 for a demo or test installation.',
            id="kvp.E001",
        )
    ]
