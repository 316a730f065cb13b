"""The stipend's reference data: the register of G (grunnbeløpet, S2)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from stipend.rules import rates


class BaseAmountQuerySet(models.QuerySet):
    def in_force_on(self, day: datetime.date) -> BaseAmount | None:
        """The G in force on `day`: the latest registered with effective date on or before it."""
        return self.filter(effective_from__lte=day).order_by("-effective_from").first()


class BaseAmount(models.Model):
    """One value of G from its effective date (normally 1 May, S2), registered by an
    administrator once the Storting has decided it, often weeks after it took effect."""

    effective_from = models.DateField("gjelder fra", unique=True)
    amount = models.PositiveIntegerField("grunnbeløp (kroner)")
    registered_at = models.DateTimeField("registrert", auto_now_add=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="registrert av",
    )

    objects = BaseAmountQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = "grunnbeløp (G)"
        verbose_name_plural = "grunnbeløp (G)"
        constraints = [
            models.CheckConstraint(name="base_amount_positive", condition=Q(amount__gt=0)),
        ]

    def __str__(self) -> str:
        return f"G {self.amount:,} kr fra {self.effective_from:%d.%m.%Y}".replace(",", "\u00a0")

    def clean(self) -> None:
        if self.effective_from and self.effective_from.day != 1:
            raise ValidationError(
                {"effective_from": "G gjelder fra den første i en måned (normalt 1. mai)."}
            )
        if self.effective_from and self.amount:
            previous = BaseAmount.objects.exclude(pk=self.pk).in_force_on(
                self.effective_from - datetime.timedelta(days=1)
            )
            if previous and self.amount < previous.amount:
                raise ValidationError(
                    {"amount": f"G kan ikke være lavere enn forrige G ({previous.amount} kr)."}
                )

    @property
    def g_year_start(self) -> datetime.date:
        return rates.g_year_start(self.effective_from)
