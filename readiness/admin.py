"""Readiness records in the Django admin, to read: rules, sign-offs, overrides and flags change only
through the readiness pages and their services, which check who may act and keep the audit rows."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from accounts.permissions import ReadOnlyAdminMixin
from readiness.models import ReadinessFlag, ReadinessOverride, ReadinessRule, ReadinessRuleChange, ReadinessSignOff

HIRE_SEARCH = ["enrollment__hire__email", "enrollment__hire__display_name"]


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass


def _timeline_link(enrollment):
    url = f"{reverse('coaching:hire_timeline', args=[enrollment.pk])}#readiness"
    return format_html('<a href="{}">Hire\'s timeline</a>', url)


class EnrollmentRecordAdmin(ReadOnlyAdmin):
    """A record about one hire: shown with their cohort and a link to their timeline."""

    @admin.display(ordering="enrollment__cohort__name")
    def cohort(self, obj):
        return obj.enrollment.cohort

    @admin.display(description="act")
    def timeline(self, obj):
        return _timeline_link(obj.enrollment)


class RuleChangeInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ReadinessRuleChange
    extra = 0
    fields = readonly_fields = ["changed_at", "actor", "changes"]


@admin.register(ReadinessRule)
class ReadinessRuleAdmin(ReadOnlyAdmin):
    list_display = ["cohort", "checks_through_week", "recent_roleplays", "min_average_level", "no_zero_in_latest",
                    "requires_signoff", "updated_at", "updated_by", "rule_page"]  # fmt: skip
    list_filter = ["requires_signoff", "no_zero_in_latest"]
    search_fields = ["cohort__name"]
    list_select_related = ["cohort", "updated_by"]
    raw_id_fields = ["cohort", "updated_by"]
    inlines = [RuleChangeInline]

    @admin.display(description="change")
    def rule_page(self, obj):
        url = reverse("readiness:cohort_rule", args=[obj.cohort_id])
        return format_html('<a href="{}">Readiness rule page</a>', url)


@admin.register(ReadinessRuleChange)
class ReadinessRuleChangeAdmin(ReadOnlyAdmin):
    list_display = ["rule", "changed_at", "actor", "changes"]
    list_filter = ["rule__cohort"]
    search_fields = ["rule__cohort__name", "actor__email"]
    list_select_related = ["rule__cohort", "actor"]
    raw_id_fields = ["rule", "actor"]
    date_hierarchy = "changed_at"


@admin.register(ReadinessSignOff)
class ReadinessSignOffAdmin(EnrollmentRecordAdmin):
    list_display = ["enrollment", "cohort", "coach", "at", "withdrawn_at", "withdrawn_by", "timeline"]
    list_filter = [("withdrawn_at", admin.EmptyFieldListFilter), "enrollment__cohort"]
    search_fields = [*HIRE_SEARCH, "coach__email"]
    list_select_related = ["enrollment__hire", "enrollment__cohort", "coach", "withdrawn_by"]
    raw_id_fields = ["enrollment", "coach", "withdrawn_by"]
    date_hierarchy = "at"


@admin.register(ReadinessOverride)
class ReadinessOverrideAdmin(EnrollmentRecordAdmin):
    list_display = ["enrollment", "cohort", "decision", "admin", "at", "revoked_at", "revoked_by", "timeline"]
    list_filter = ["decision", ("revoked_at", admin.EmptyFieldListFilter), "enrollment__cohort"]
    search_fields = [*HIRE_SEARCH, "reason"]
    list_select_related = ["enrollment__hire", "enrollment__cohort", "admin", "revoked_by"]
    raw_id_fields = ["enrollment", "admin", "revoked_by"]
    date_hierarchy = "at"


@admin.register(ReadinessFlag)
class ReadinessFlagAdmin(EnrollmentRecordAdmin):
    list_display = ["enrollment", "cohort", "flagged_at", "missing_text", "timeline"]
    list_filter = ["enrollment__cohort"]
    search_fields = HIRE_SEARCH
    list_select_related = ["enrollment__hire", "enrollment__cohort"]
    raw_id_fields = ["enrollment"]
    date_hierarchy = "flagged_at"

    @admin.display(description="missing when flagged")
    def missing_text(self, obj) -> str:
        return "; ".join(obj.missing) if isinstance(obj.missing, list) else str(obj.missing)
