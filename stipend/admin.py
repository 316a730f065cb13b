"""The G register in the administrators' admin site (S2): add a new G once it is decided;
a value already used for stipend is never deleted."""

from django.contrib import admin
from django.db import transaction

from caseworker.admin import AdminRoleOnly, site
from caseworker.audit import AuditContext
from stipend import services
from stipend.models import BaseAmount, OfficePaymentSetting
from stipend.tasks import regulate_payment_bases


@admin.register(BaseAmount, site=site)
class BaseAmountAdmin(AdminRoleOnly, admin.ModelAdmin):
    list_display = ["effective_from", "amount", "registered_by", "registered_at"]
    fields = ["effective_from", "amount"]
    ordering = ["-effective_from"]

    def get_readonly_fields(self, request, obj=None):
        # A G that back pay was computed from stays as it was: a correction would need its
        # own regulation, which the one-back-pay-per-G rule does not allow.
        if obj is not None and obj.back_pay_lines.exists():
            return ["effective_from", "amount"]
        return []

    def save_model(self, request, obj, form, change):
        # S2: registering G goes through the service, which enqueues the regulation job
        # (recompute payment bases, back pay) once the row is committed.
        if change:
            super().save_model(request, obj, form, change)
            transaction.on_commit(lambda: regulate_payment_bases.delay(obj.pk))
            return
        base = services.base_amount_register(
            ctx=AuditContext.from_request(request),
            effective_from=obj.effective_from,
            amount=obj.amount,
        )
        obj.pk, obj.registered_by, obj.registered_at = (
            base.pk,
            base.registered_by,
            base.registered_at,
        )


@admin.register(OfficePaymentSetting, site=site)
class OfficePaymentSettingAdmin(AdminRoleOnly, admin.ModelAdmin):
    """S10: an office paid every 14 days instead of monthly."""

    list_display = ["office", "frequency"]
