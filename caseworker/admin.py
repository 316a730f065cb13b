"""Django admin, for the admin role only: offices and staff. Participant data is never in
the admin (it would bypass office scoping and the audit log)."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm

from caseworker.models import Office, Role, User


class KvpAdminSite(admin.AdminSite):
    site_header = "KVP-sak – administrasjon"
    site_title = "KVP-sak"
    index_title = "Kontorer og ansatte"

    def has_permission(self, request):
        user = request.user
        return bool(user.is_active and user.is_authenticated and user.has_role(Role.ADMIN))


site = KvpAdminSite(name="admin")


class AdminRoleOnly:
    """Model permissions follow the admin role, not Django's per-model permission table."""

    def has_module_permission(self, request):
        return site.has_permission(request)

    def has_view_permission(self, request, obj=None):
        return site.has_permission(request)

    has_change_permission = has_add_permission = has_view_permission

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: the audit log and cases refer to them


@admin.register(Office, site=site)
class OfficeAdmin(AdminRoleOnly, admin.ModelAdmin):
    list_display = ["name", "unit_number", "municipality_number", "district_name"]
    search_fields = ["name", "unit_number", "municipality_number"]


class RolesField(forms.TypedMultipleChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            choices=Role.choices,
            widget=forms.CheckboxSelectMultiple,
            required=False,
            label="Roller",
            **{k: v for k, v in kwargs.items() if k in ("initial", "help_text")},
        )


class StaffChangeForm(UserChangeForm):
    roles = RolesField()


class StaffCreationForm(UserCreationForm):
    roles = RolesField()

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "first_name", "last_name", "roles", "office")


@admin.register(User, site=site)
class UserAdmin(AdminRoleOnly, BaseUserAdmin):
    form = StaffChangeForm
    add_form = StaffCreationForm
    add_fieldsets = (
        (
            None,
            {
                "fields": (
                    "username",
                    "first_name",
                    "last_name",
                    "roles",
                    "office",
                    "password1",
                    "password2",
                )
            },
        ),
    )
    list_display = ["username", "first_name", "last_name", "office", "roles", "is_active"]
    list_filter = ["office", "is_active"]
    search_fields = ["username", "first_name", "last_name", "email"]
    filter_horizontal = ["additional_offices"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "email")}),
        (
            "Tilgang",
            {
                "fields": (
                    "roles",
                    "office",
                    "additional_offices",
                    "may_see_strictly_confidential",
                    "may_see_shielded",
                    "is_active",
                )
            },
        ),
        ("Innlogging", {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ["last_login", "date_joined"]
