"""Meta-test: every URL must declare a permission (caseworker.rules), or be explicitly public.
Django admin URLs are guarded by KvpAdminSite.has_permission (admin role), tested below."""

from django.urls import URLPattern, URLResolver, get_resolver

from caseworker import rules


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def test_every_url_has_a_permission_check():
    missing = []
    for route, view in _walk(get_resolver().url_patterns):
        if route.startswith("admin/"):
            continue
        permission = getattr(view, "kvp_permission", None)
        if permission is None:
            missing.append(route)
        elif permission != "public":
            assert permission in rules.RULES, route
    assert not missing, f"URLs without a permission check: {missing}"


def test_public_urls_are_only_login_logout_and_health():
    public = sorted(
        route
        for route, view in _walk(get_resolver().url_patterns)
        if getattr(view, "kvp_permission", None) == "public"
    )
    assert public == [
        "helse/",
        "helse/klar/",
        "logg-inn/",
        "logg-ut/",
        "oidc/authenticate/",
        "oidc/callback/",
    ]
