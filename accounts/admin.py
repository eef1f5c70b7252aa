from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.urls import reverse
from django.utils.html import format_html

from accounts.models import ApiToken, PersonErasure, User
from accounts.permissions import AdminSitePermissionMixin, ReadOnlyAdminMixin


@admin.register(User)
class UserAdmin(AdminSitePermissionMixin, DjangoUserAdmin):
    list_display = ["avatar_preview", "display_name", "email", "role", "time_zone", "is_active", "last_login"]
    list_display_links = ["display_name"]
    list_filter = ["role", "is_lead_coach", "is_active"]
    search_fields = ["email", "display_name"]
    ordering = ["display_name"]
    readonly_fields = ["last_login", "date_joined", "avatar_preview", "privacy_link"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["display_name", "time_zone", "avatar_preview"]}),
        ("Role", {"fields": ["role", "is_lead_coach", "is_active"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
        ("Their data", {"fields": ["privacy_link"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "display_name", "role", "password1", "password2"]}),
    ]

    @admin.display(description="Avatar")
    def avatar_preview(self, user: User):
        if not user.avatar_thumbnail:
            return "—"
        return format_html('<img src="{}" alt="" width="32" height="32">', user.avatar_thumbnail.url)

    @admin.display(description="Download or erase")
    def privacy_link(self, user: User):
        if not user.pk:
            return "—"
        url = reverse("accounts:person_privacy", args=[user.pk])
        return format_html('<a href="{}">Their data: download everything (zip) or erase…</a>', url)


@admin.register(ApiToken)
class ApiTokenAdmin(AdminSitePermissionMixin, admin.ModelAdmin):
    """Read-only: a token is made by its owner through the API; here it can only be revoked (deleted)."""

    list_display = ["name", "user", "created", "last_used_at", "expiry"]
    list_select_related = ["user"]
    search_fields = ["name", "user__email", "user__display_name"]
    fields = ["user", "name", "created", "last_used_at", "expiry"]
    readonly_fields = fields
    ordering = ["-created"]

    def has_add_permission(self, request, *args) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PersonErasure)
class PersonErasureAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Who was erased (by id), by whom and when; made only by erasing someone from their data page."""

    list_display = ["subject_id", "admin", "erased_at"]
    list_select_related = ["admin"]
    fields = ["subject_id", "admin", "erased_at", "counts"]
    readonly_fields = fields
    ordering = ["-erased_at"]
