"""Reads of the stipend's reference data."""

from __future__ import annotations

import datetime

from stipend.models import BaseAmount
from stipend.rules import rates


def base_amount_on(day: datetime.date) -> BaseAmount | None:
    """The G in force on `day` (S2), or None before the first registered value."""
    return BaseAmount.objects.in_force_on(day)


def base_amount_missing(day: datetime.date) -> bool:
    """S2: the G-year `day` falls in has no G registered yet (the previous G still applies
    and a back pay follows when the new one is registered)."""
    return not BaseAmount.objects.filter(
        effective_from__gte=rates.g_year_start(day), effective_from__lte=day
    ).exists()
