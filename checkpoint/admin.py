"""Read-only history in the Django admin; changes go through the checkpoint pages (and their
services), which keep the audit trail."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from accounts.permissions import ReadOnlyAdminMixin
from checkpoint.models import Certificate, Checkpoint, CheckpointEvent, Decision, OfferText


class DecisionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Decision
    extra = 0
    fields = ["choice", "decided_at", "decided_by", "on_behalf_reason", "offer_text", "offer_amount", "currency",
              "annulled_at", "annulled_by", "annul_reason"]  # fmt: skip
    readonly_fields = fields


class EventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = CheckpointEvent
    extra = 0
    fields = ["created_at", "kind", "actor", "note"]
    readonly_fields = fields


@admin.register(Checkpoint)
class CheckpointAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["enrollment", "cohort", "opened_at", "deadline", "round", "escalated_at", "overview"]
    list_filter = ["enrollment__cohort", ("escalated_at", admin.EmptyFieldListFilter)]
    search_fields = ["enrollment__hire__email", "enrollment__hire__display_name"]
    list_select_related = ["enrollment__hire", "enrollment__cohort"]
    inlines = [DecisionInline, EventInline]

    @admin.display(ordering="enrollment__cohort__name")
    def cohort(self, obj):
        return obj.enrollment.cohort

    @admin.display(description="act")
    def overview(self, obj):
        url = reverse("checkpoint:cohort", args=[obj.enrollment.cohort_id])
        return format_html('<a href="{}">Cohort checkpoint page</a>', url)


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["checkpoint", "choice", "decided_at", "decided_by", "offer_amount", "currency", "annulled_at"]
    list_filter = ["choice", ("annulled_at", admin.EmptyFieldListFilter), "checkpoint__enrollment__cohort"]
    search_fields = ["checkpoint__enrollment__hire__email", "checkpoint__enrollment__hire__display_name"]
    list_select_related = ["checkpoint__enrollment__hire", "checkpoint__enrollment__cohort", "decided_by"]
    date_hierarchy = "decided_at"


@admin.register(OfferText)
class OfferTextAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["cohort", "version", "created_at", "created_by"]
    list_filter = ["cohort"]


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["code", "hire_name", "cohort_name", "issued_on", "revoked_at", "verify"]
    search_fields = ["code", "hire_name"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]

    def verify(self, obj):
        return format_html('<a href="{}">Verification page</a>', reverse("checkpoint:certificate", args=[obj.code]))
