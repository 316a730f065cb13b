"""Single sign-on against a test OpenID Connect provider.

The provider is stubbed at the HTTP level with `responses`: its token and JWKS endpoints answer
like Entra ID's, with an ID token signed by an RSA key generated for the test run. Each test
goes through the real flow: /oidc/authenticate/ redirects to the provider's authorize endpoint
with state, nonce and a PKCE challenge; the provider "redirects back" to /oidc/callback/ with a
code; the app exchanges the code, verifies the token (signature, nonce, audience, issuer),
finds or creates the user by NAV-ident, maps groups to roles and offices, and logs them in.
"""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
import responses
from bs4 import BeautifulSoup
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from caseworker.models import Role, User
from caseworker.sso import KvpOIDCBackend
from caseworker.sso_config import GRANTS, ROLES, parse_mapping, validate_role_mapping
from tests.factories import OfficeFactory, UserFactory

IDP = "https://idp.test/tenant"
CLIENT_ID = "kvp-sak-test"
ISSUER = f"{IDP}/v2.0"
G_CASEWORKER = "11111111-aaaa-4000-8000-000000000001"
G_APPROVER = "11111111-aaaa-4000-8000-000000000002"
G_LEADER = "11111111-aaaa-4000-8000-000000000003"
G_APPEALS = "11111111-aaaa-4000-8000-000000000004"
G_KODE6 = "11111111-aaaa-4000-8000-000000000006"
G_OFFICE_A = "22222222-bbbb-4000-8000-000000000315"
G_OFFICE_B = "22222222-bbbb-4000-8000-000000001203"
G_OTHER = "33333333-cccc-4000-8000-000000000000"

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def jwks() -> dict:
    jwk = jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key(), as_dict=True)
    return {"keys": [{**jwk, "kid": "test-key", "alg": "RS256", "use": "sig"}]}


@pytest.fixture
def sso(settings, office_a, office_b):
    settings.KVP_OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = "hemmelig"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{IDP}/oauth2/v2.0/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{IDP}/oauth2/v2.0/token"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{IDP}/discovery/v2.0/keys"
    settings.OIDC_OP_USER_ENDPOINT = ""
    settings.KVP_OIDC_ISSUER = ISSUER
    settings.KVP_OIDC_GROUP_ROLES = parse_mapping(
        f"{G_CASEWORKER}=veileder,{G_APPROVER}=beslutter,{G_LEADER}=leder,"
        f"{G_APPEALS}=statsforvalter,{G_KODE6}=kode6",
        "KVP_OIDC_GROUP_ROLES",
    )
    settings.KVP_OIDC_GROUP_OFFICES = parse_mapping(
        f'{{"{G_OFFICE_A}": "0315", "{G_OFFICE_B}": "1203"}}', "KVP_OIDC_GROUP_OFFICES"
    )
    settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "caseworker.sso.KvpOIDCBackend",
        "django.contrib.auth.backends.ModelBackend",
    ]
    return settings


def claims_for(ident="Z991234", groups=(G_CASEWORKER, G_OFFICE_A), **extra) -> dict:
    return {
        "NAVident": ident,
        "groups": list(groups),
        "given_name": "Sigrid",
        "family_name": "Solberg",
        "preferred_username": "sigrid.solberg@nav.no",
        **extra,
    }


def sso_login(client, claims: dict, *, next_url="/deltakere/", tamper=None, key=KEY):
    """Go through authorize -> callback as the provider would; returns the callback's answer.

    `tamper(state, nonce, token_claims) -> (state, token_claims)` lets a test break one thing.
    """
    start = client.get(reverse("oidc_authentication_init"), {"next": next_url})
    assert start.status_code == 302
    authorize = urlparse(start["Location"])
    assert f"{authorize.scheme}://{authorize.netloc}{authorize.path}" == (
        f"{IDP}/oauth2/v2.0/authorize"
    )
    query = {k: v[0] for k, v in parse_qs(authorize.query).items()}
    assert query["client_id"] == CLIENT_ID
    assert query["response_type"] == "code"
    assert query["redirect_uri"].endswith(reverse("oidc_callback"))
    assert query["code_challenge_method"] == "S256"  # PKCE
    assert "openid" in query["scope"]
    state, nonce = query["state"], query["nonce"]
    now = int(time.time())
    token_claims = {
        "iss": ISSUER,
        "aud": CLIENT_ID,
        "sub": "pairwise-subject-" + claims.get("NAVident", "x"),
        "iat": now,
        "nbf": now,
        "exp": now + 3600,
        "nonce": nonce,
        **claims,
    }
    if tamper:
        state, token_claims = tamper(state, nonce, token_claims)
    id_token = jwt.encode(token_claims, key, algorithm="RS256", headers={"kid": "test-key"})
    with responses.RequestsMock(assert_all_requests_are_fired=False) as provider:
        token_call = provider.post(
            f"{IDP}/oauth2/v2.0/token",
            json={"id_token": id_token, "access_token": "at-123", "token_type": "Bearer"},
        )
        provider.get(f"{IDP}/discovery/v2.0/keys", json=jwks())
        response = client.get(reverse("oidc_callback"), {"code": "kode-fra-idp", "state": state})
        if token_call.call_count:
            sent = parse_qs(token_call.calls[0].request.body)
            assert sent["code"] == ["kode-fra-idp"]
            assert sent["code_verifier"][0]  # PKCE verifier goes with the code
            assert sent["client_id"] == [CLIENT_ID]
    return response


def logged_in_user(client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def login_page_errors(client) -> str:
    page = client.get(reverse("login"))
    soup = BeautifulSoup(page.content.decode(), "html.parser")
    return " ".join(
        el.get_text(" ", strip=True) for el in soup.select("[role=alert], .aksel-alert")
    )


def test_first_login_creates_the_user_with_role_and_office(sso, client, office_a):
    response = sso_login(client, claims_for())
    assert response.status_code == 302
    assert response["Location"] == "/deltakere/"
    user = logged_in_user(client)
    assert user is not None and user.username == "Z991234"
    assert user.get_full_name() == "Sigrid Solberg"
    assert user.roles == [Role.CASEWORKER]
    assert user.office == office_a
    assert not user.has_usable_password()
    # The session works like any other: the participant list of office A opens.
    assert client.get("/deltakere/").status_code == 200


def test_existing_user_found_by_nav_ident_gets_roles_from_groups_every_login(
    sso, client, caseworker, office_a, office_b
):
    # Kari (Z990001) was a caseworker; in the directory she is now approver and leader for
    # two offices, and no longer in the caseworker group.
    groups = (G_APPROVER, G_LEADER, G_OFFICE_A, G_OFFICE_B)
    sso_login(client, claims_for(ident="z990001", groups=groups))
    user = logged_in_user(client)
    assert user.pk == caseworker.pk
    assert user.roles == [Role.APPROVER, Role.LEADER]
    assert user.office == office_a
    assert list(user.additional_offices.all()) == [office_b]
    assert User.objects.filter(username__iexact="z990001").count() == 1

    # Next login: she lost the leader group and office B; she loses the role and the office.
    client.post(reverse("logout"))
    sso_login(client, claims_for(ident="Z990001", groups=(G_APPROVER, G_OFFICE_A)))
    user = logged_in_user(client)
    assert user.roles == [Role.APPROVER]
    assert list(user.additional_offices.all()) == []
    assert client.get(reverse("caseworker:reassign_caseload")).status_code == 403


def test_special_authorisation_group_and_appeals_officer_without_office(sso, client):
    sso_login(client, claims_for(ident="Z995555", groups=(G_CASEWORKER, G_KODE6, G_OFFICE_A)))
    assert logged_in_user(client).may_see_strictly_confidential
    client.post(reverse("logout"))
    # Statsforvalteren is no NAV office, even if an office group is present.
    sso_login(client, claims_for(ident="Z996666", groups=(G_APPEALS, G_OFFICE_A)))
    user = logged_in_user(client)
    assert user.roles == [Role.APPEALS_OFFICER]
    assert user.office is None


def test_no_kvp_role_is_refused_with_a_norwegian_message(sso, client, caseworker):
    response = sso_login(client, claims_for(ident="Z990001", groups=(G_OTHER, G_OFFICE_A)))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert logged_in_user(client) is None
    assert "Du har ikke tilgang til KVP-sak" in login_page_errors(client)
    # A refused login changes nothing about the existing user.
    caseworker.refresh_from_db()
    assert caseworker.roles == [Role.CASEWORKER]
    assert not User.objects.filter(username="Z990001").exclude(pk=caseworker.pk).exists()


def test_office_role_without_a_known_office_is_refused(sso, client):
    response = sso_login(client, claims_for(groups=(G_CASEWORKER,)))
    assert response["Location"] == reverse("login")
    assert logged_in_user(client) is None
    assert "ikke knyttet til noe NAV-kontor" in login_page_errors(client)
    assert not User.objects.filter(username="Z991234").exists()


def test_deactivated_user_is_refused(sso, client, office_a):
    UserFactory(username="Z997777", roles=[Role.CASEWORKER], office=office_a, is_active=False)
    response = sso_login(client, claims_for(ident="Z997777"))
    assert response["Location"] == reverse("login")
    assert logged_in_user(client) is None


def test_wrong_state_is_refused(sso, client):
    def tamper(state, nonce, token_claims):
        return "not-the-state-we-sent", token_claims

    response = sso_login(client, claims_for(), tamper=tamper)
    assert response.status_code == 400
    assert logged_in_user(client) is None


@pytest.mark.parametrize(
    "change",
    [
        {"nonce": "replayed-nonce"},
        {"aud": "another-client"},
        {"iss": "https://evil.example/v2.0"},
        # Expired a minute before it was issued: relative to the token, not to the wall clock
        # at collection time (the test clock is pinned).
        {"exp": "a minute before iat"},
    ],
    ids=["wrong nonce", "wrong audience", "wrong issuer", "expired"],
)
def test_tampered_id_token_is_refused(sso, client, change):
    def tamper(state, nonce, token_claims):
        if change.get("exp") == "a minute before iat":
            return state, {**token_claims, "exp": token_claims["iat"] - 60}
        return state, {**token_claims, **change}

    response = sso_login(client, claims_for(), tamper=tamper)
    assert response.status_code in (302, 400)
    assert logged_in_user(client) is None
    assert not User.objects.filter(username="Z991234").exists()


def test_token_signed_with_another_key_is_refused(sso, client):
    response = sso_login(client, claims_for(), key=OTHER_KEY)
    assert response.status_code in (302, 400)
    assert logged_in_user(client) is None


def test_login_page_offers_sso_and_the_local_form(sso, client):
    page = client.get(reverse("login")).content.decode()
    assert "Logg inn med NAV-konto" in page
    assert 'name="password"' in page


def test_sso_urls_are_404_when_sso_is_not_set_up(client, settings):
    settings.KVP_OIDC_ENABLED = False
    assert client.get(reverse("oidc_authentication_init")).status_code == 404
    assert client.get(reverse("oidc_callback"), {"code": "x", "state": "y"}).status_code == 404
    assert "Logg inn med NAV-konto" not in client.get(reverse("login")).content.decode()


def test_local_login_can_be_switched_off(sso, client, caseworker):
    sso.KVP_LOCAL_LOGIN = False
    sso.AUTHENTICATION_BACKENDS = sso.AUTHENTICATION_BACKENDS[:2]
    page = client.get(reverse("login")).content.decode()
    assert "Logg inn med NAV-konto" in page and 'name="password"' not in page
    response = client.post(
        reverse("login"), {"username": "Z990001", "password": "passord-for-test"}
    )
    assert response.status_code == 200
    assert "Innlogging med passord er slått av" in response.content.decode()
    assert logged_in_user(client) is None


# --- Configuration ---------------------------------------------------------------------------


def test_role_names_match_the_model():
    assert set(Role.values) == ROLES
    assert GRANTS == ROLES | {"kode6", "skjermet"}


def test_mapping_accepts_pairs_and_json_and_refuses_nonsense():
    assert parse_mapping("a=veileder, b=leder,a=beslutter", "X") == {
        "a": ["veileder", "beslutter"],
        "b": ["leder"],
    }
    assert parse_mapping('{"a": ["veileder", "kode6"], "b": "admin"}', "X") == {
        "a": ["veileder", "kode6"],
        "b": ["admin"],
    }
    assert parse_mapping("", "X") == {}
    for bad in ["a", "a=", "=veileder", "{not json", '{"a": 1}']:
        with pytest.raises(ImproperlyConfigured):
            parse_mapping(bad, "X")
    with pytest.raises(ImproperlyConfigured, match="unknown"):
        validate_role_mapping({"a": ["sjef"]})


def test_backend_needs_a_request(sso):
    assert KvpOIDCBackend().authenticate(None) is None


def test_office_from_an_office_claim(sso, client, settings):
    settings.KVP_OIDC_OFFICE_CLAIM = "NAVenheter"
    OfficeFactory(name="NAV Tromsø", unit_number="1902", municipality_number="5501")
    sso_login(client, claims_for(ident="Z998888", groups=(G_CASEWORKER,), NAVenheter=["1902"]))
    assert logged_in_user(client).office.unit_number == "1902"
