"""The G register in the administrators' admin site (S2): add a new G once it is decided;
a value already used for stipend is never deleted."""

from django.contrib import admin

from caseworker.admin import AdminRoleOnly, site
from stipend.models import BaseAmount


@admin.register(BaseAmount, site=site)
class BaseAmountAdmin(AdminRoleOnly, admin.ModelAdmin):
    list_display = ["effective_from", "amount", "registered_by", "registered_at"]
    fields = ["effective_from", "amount"]
    ordering = ["-effective_from"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.registered_by = request.user
        super().save_model(request, obj, form, change)
