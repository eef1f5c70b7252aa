"""Read-only in the Django admin: retention is recorded through the outcomes pages, the import or the API
(and their services), which keep the audit trail."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from accounts.permissions import ReadOnlyAdminMixin
from outcomes.models import RetentionCheck, RetentionEvent, RetentionImport


class EventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = RetentionEvent
    extra = 0
    fields = ["created_at", "old_status", "new_status", "old_left_on", "new_left_on", "actor", "source", "batch",
              "note"]  # fmt: skip
    readonly_fields = fields


@admin.register(RetentionCheck)
class RetentionCheckAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["enrollment", "milestone_days", "status", "left_on", "recorded_at", "recorded_by", "source",
                    "report"]  # fmt: skip
    list_filter = ["milestone_days", "status", "source", "enrollment__cohort"]
    search_fields = ["enrollment__hire__email", "enrollment__hire__display_name"]
    list_select_related = ["enrollment__hire", "enrollment__cohort", "recorded_by"]
    inlines = [EventInline]

    @admin.display(description="report")
    def report(self, obj):
        url = reverse("outcomes:report", args=[obj.enrollment.cohort_id])
        return format_html('<a href="{}">Cohort outcomes</a>', url)


@admin.register(RetentionEvent)
class RetentionEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["check_record", "old_status", "new_status", "actor", "source", "created_at"]
    list_filter = ["source", "new_status"]
    list_select_related = ["check_record__enrollment__hire", "check_record__enrollment__cohort", "actor"]
    date_hierarchy = "created_at"


@admin.register(RetentionImport)
class RetentionImportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["cohort", "filename", "row_count", "created_count", "changed_count", "unchanged_count",
                    "imported_by", "created_at"]  # fmt: skip
    list_filter = ["cohort"]
    search_fields = ["filename", "sha256"]
    list_select_related = ["cohort", "imported_by"]
