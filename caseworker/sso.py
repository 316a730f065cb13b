"""Single sign-on: OpenID Connect login against NAV's identity provider (Entra ID).

Configured only from the environment (kvp/settings.py, README "Single sign-on"). The provider's
group ids map to KVP roles and NAV offices; roles, offices and the special authorisations are
set from the groups on *every* login, so a user who loses a group loses what it gave. A user
without any KVP role is refused with a Norwegian message on the login page.

mozilla-django-oidc does the authorization-code flow (state, nonce, token, JWKS); this module
adds what it leaves out: the audience and issuer of the ID token are checked, users are found
by NAV-ident, and the group mapping.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from caseworker.models import Office, Role
from caseworker.rules import public
from caseworker.sso_config import SHIELDED, STRICTLY_CONFIDENTIAL

logger = logging.getLogger("kvp.sso")

NO_ROLE_MESSAGE = (
    "Du har ikke tilgang til KVP-sak. Brukeren din er ikke med i noen av KVP-sak sine "
    "tilgangsgrupper. Kontakt lederen din for å få tilgang."
)
NO_OFFICE_MESSAGE = (
    "Du har en rolle i KVP-sak, men er ikke knyttet til noe NAV-kontor som finnes i KVP-sak. "
    "Kontakt lederen din eller en administrator."
)
FAILED_MESSAGE = "Innloggingen med NAV-konto mislyktes. Prøv igjen."


@dataclass
class Access:
    """What a user's groups (and office claim) give in KVP-sak."""

    roles: list[str] = field(default_factory=list)
    unit_numbers: list[str] = field(default_factory=list)
    strictly_confidential: bool = False
    shielded: bool = False


def access_from_claims(claims: dict) -> Access:
    groups = claims.get(settings.KVP_OIDC_GROUPS_CLAIM) or []
    if isinstance(groups, str):
        groups = [groups]
    groups = [str(g) for g in groups]
    access = Access()
    for group in groups:
        for grant in settings.KVP_OIDC_GROUP_ROLES.get(group, []):
            if grant == STRICTLY_CONFIDENTIAL:
                access.strictly_confidential = True
            elif grant == SHIELDED:
                access.shielded = True
            elif grant not in access.roles:
                access.roles.append(grant)
        for unit in settings.KVP_OIDC_GROUP_OFFICES.get(group, []):
            if unit not in access.unit_numbers:
                access.unit_numbers.append(unit)
    if settings.KVP_OIDC_OFFICE_CLAIM:
        units = claims.get(settings.KVP_OIDC_OFFICE_CLAIM) or []
        for unit in [units] if isinstance(units, str) else units:
            if str(unit) not in access.unit_numbers:
                access.unit_numbers.append(str(unit))
    # Keep the order of Role (stable display), whatever the order of the groups.
    access.roles = [r for r in Role.values if r in access.roles]
    return access


class KvpOIDCBackend(OIDCAuthenticationBackend):
    """Find or create the staff user by NAV-ident and set roles and offices from the groups."""

    def authenticate(self, request, **kwargs):
        try:
            return super().authenticate(request, **kwargs)
        except (SuspiciousOperation, jwt.PyJWTError, requests.RequestException) as error:
            # A bad token (signature, nonce, audience, issuer, expiry) or a provider that
            # does not answer: no login, a message on the login page, and axes counts it.
            logger.warning("SSO login failed: %s: %s", type(error).__name__, error)
            return None

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        # mozilla-django-oidc does not check these: a token for another client or from another
        # issuer must not log anyone in here.
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token audience is not this client")
        issuer = settings.KVP_OIDC_ISSUER
        if issuer and payload.get("iss") != issuer:
            raise SuspiciousOperation("ID token issuer is not the configured issuer")
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        # Entra puts groups and NAVident in the ID token; a userinfo endpoint is optional.
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            claims.update(super().get_userinfo(access_token, id_token, payload))
        return claims

    def _ident(self, claims) -> str:
        return str(claims.get(settings.KVP_OIDC_IDENT_CLAIM) or "").strip().upper()

    def _refuse(self, message: str, reason: str, claims) -> bool:
        logger.warning("SSO login refused: %s", reason, extra={"ident": self._ident(claims)})
        if getattr(self, "request", None) is not None:
            messages.error(self.request, message)
        return False

    def verify_claims(self, claims) -> bool:
        if not self._ident(claims):
            return self._refuse(FAILED_MESSAGE, "no ident claim", claims)
        access = access_from_claims(claims)
        if not access.roles:
            return self._refuse(NO_ROLE_MESSAGE, "no KVP role in the groups", claims)
        offices = Office.objects.filter(unit_number__in=access.unit_numbers)
        needs_office = set(access.roles) & {Role.CASEWORKER, Role.APPROVER, Role.LEADER}
        if needs_office and not offices.exists():
            return self._refuse(NO_OFFICE_MESSAGE, "no known office for an office role", claims)
        return True

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(username=self._ident(claims))

    def create_user(self, claims):
        user = self.UserModel(username=self._ident(claims))
        user.set_unusable_password()
        return self.update_user(user, claims)

    @transaction.atomic
    def update_user(self, user, claims):
        access = access_from_claims(claims)
        user.first_name = str(claims.get("given_name") or user.first_name)[:150]
        user.last_name = str(claims.get("family_name") or user.last_name)[:150]
        user.email = str(claims.get("email") or claims.get("preferred_username") or user.email)[
            :254
        ]
        user.roles = access.roles
        user.may_see_strictly_confidential = access.strictly_confidential
        user.may_see_shielded = access.shielded
        user.is_staff = Role.ADMIN in access.roles
        by_unit = {
            o.unit_number: o for o in Office.objects.filter(unit_number__in=access.unit_numbers)
        }
        offices = [by_unit[u] for u in access.unit_numbers if u in by_unit]
        if Role.APPEALS_OFFICER in access.roles:
            offices = []  # Statsforvalteren is not a NAV office (model constraint).
        user.office = offices[0] if offices else None
        user.save()
        user.additional_offices.set(offices[1:])
        user._office_ids = None
        logger.info(
            "SSO login",
            extra={
                "ident": user.username,
                "roles": access.roles,
                "offices": [o.unit_number for o in offices],
            },
        )
        return user


def _require_sso() -> None:
    if not settings.KVP_OIDC_ENABLED:
        raise Http404("Innlogging med NAV-konto er ikke satt opp.")


_authenticate_view = OIDCAuthenticationRequestView.as_view()
_callback_view = OIDCAuthenticationCallbackView.as_view()


@public
def oidc_authenticate(request: HttpRequest) -> HttpResponse:
    """Start the login: redirect to the provider with a fresh state and nonce."""
    _require_sso()
    return _authenticate_view(request)


@public
def oidc_callback(request: HttpRequest) -> HttpResponse:
    """The provider's redirect back: exchange the code, check the token, log in."""
    _require_sso()
    response = _callback_view(request)
    if response.status_code == 302 and not request.user.is_authenticated:
        # The backend said why (no role, no office); otherwise say that it failed.
        if not len(messages.get_messages(request)):
            messages.error(request, FAILED_MESSAGE)
    return response
