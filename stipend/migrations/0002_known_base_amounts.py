"""Seed the G register with the values NAV has published (RULES.md S2). Copied here, not
imported, so the migration keeps meaning what it did when it was written."""

import datetime

from django.db import migrations

KNOWN = {
    2015: 90_068,
    2016: 92_576,
    2017: 93_634,
    2018: 96_883,
    2019: 99_858,
    2020: 101_351,
    2021: 106_399,
    2022: 111_477,
    2023: 118_620,
    2024: 124_028,
    2025: 130_160,
}


def seed(apps, schema_editor):
    BaseAmount = apps.get_model("stipend", "BaseAmount")
    for year, amount in KNOWN.items():
        BaseAmount.objects.get_or_create(
            effective_from=datetime.date(year, 5, 1), defaults={"amount": amount}
        )


def unseed(apps, schema_editor):
    BaseAmount = apps.get_model("stipend", "BaseAmount")
    BaseAmount.objects.filter(
        effective_from__in=[datetime.date(year, 5, 1) for year in KNOWN], registered_by=None
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("stipend", "0001_base_amount")]
    operations = [migrations.RunPython(seed, unseed)]
