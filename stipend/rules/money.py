"""Money: whole øre as `int`, computed from exact `Decimal`, never float.

The ONE rounding rule of the stipend (RULES.md S5): every amount that is not a whole number of
øre — a daily rate (yearly / 260), a proportional S8 reduction — is rounded half up to whole øre
by `round_ore`, once, where it is computed. Sums and "days × daily rate" are then exact. Yearly
rates themselves are whole kroner (S1, stipend.rules.rates)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def round_ore(amount_ore: Decimal) -> int:
    """Round an amount in øre half up to whole øre (the stipend's only rounding step)."""
    return int(amount_ore.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def kroner(amount_ore: int) -> str:
    """An amount in øre as Norwegians write kroner: 1 021,76 kr, −2 043,52 kr."""
    sign = "−" if amount_ore < 0 else ""
    whole, ore = divmod(abs(amount_ore), 100)
    grouped = f"{whole:,}".replace(",", "\u00a0")
    return f"{sign}{grouped},{ore:02d}\u00a0kr"


def whole_kroner(amount: int) -> str:
    return f"{amount:,}".replace(",", "\u00a0") + "\u00a0kr"
