"""Parsing of the single sign-on group mappings, read by kvp/settings.py.

Plain Python (no Django models): settings import it before the apps are loaded.
"""

from __future__ import annotations

import json

from django.core.exceptions import ImproperlyConfigured

# The values of caseworker.models.Role (a test keeps the two in step).
ROLES = frozenset({"veileder", "beslutter", "leder", "statsforvalter", "admin"})
# What a group can give besides a role: the special authorisations (NAV's groups for
# "strengt fortrolig adresse" (kode 6) and "egne ansatte" (skjermet)).
STRICTLY_CONFIDENTIAL = "kode6"
SHIELDED = "skjermet"
GRANTS = ROLES | {STRICTLY_CONFIDENTIAL, SHIELDED}


def parse_mapping(raw: str, name: str) -> dict[str, list[str]]:
    """`{"group": "value" | ["v1", "v2"]}` as JSON, or `group=value,group2=value2` pairs
    (a group may appear more than once). Group ids are compared as given (Entra: GUIDs)."""
    raw = (raw or "").strip()
    if not raw:
        return {}
    result: dict[str, list[str]] = {}
    if raw.startswith("{"):
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as error:
            raise ImproperlyConfigured(f"{name} is not valid JSON: {error}") from None
        for group, values in data.items():
            values = [values] if isinstance(values, str) else values
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                raise ImproperlyConfigured(f"{name}: the value for {group!r} must be a string")
            result.setdefault(str(group), []).extend(values)
        return result
    for pair in raw.split(","):
        if not pair.strip():
            continue
        group, sep, value = pair.partition("=")
        if not sep or not group.strip() or not value.strip():
            raise ImproperlyConfigured(f"{name}: {pair!r} is not group=value")
        result.setdefault(group.strip(), []).append(value.strip())
    return result


def validate_role_mapping(mapping: dict[str, list[str]]) -> None:
    for group, values in mapping.items():
        unknown = set(values) - GRANTS
        if unknown:
            raise ImproperlyConfigured(
                f"KVP_OIDC_GROUP_ROLES: {group!r} maps to unknown {sorted(unknown)}; "
                f"use {sorted(GRANTS)}"
            )
