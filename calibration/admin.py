"""Calibration in the Django admin: read-only, since sessions, blind grades and gold levels change only
through their services, which keep the audit rows."""

from django.contrib import admin

from accounts.permissions import AdminSitePermissionMixin
from calibration.models import AnchorItem, CalibrationGrade, CalibrationSession, GoldRecord, LeniencyAlert, Participant
from coaching.admin import ReadOnlyInline


class ReadOnlyAdmin(AdminSitePermissionMixin, admin.ModelAdmin):
    def has_add_permission(self, request, *args) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class ParticipantInline(ReadOnlyInline):
    model = Participant
    fields = readonly_fields = ["coach", "invited_at", "submitted_at"]


@admin.register(CalibrationSession)
class CalibrationSessionAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "status", "facilitator", "due_at", "revealed_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["facilitator"]
    inlines = [ParticipantInline]


@admin.register(AnchorItem)
class AnchorItemAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "in_bank", "gold_set_by", "gold_set_at"]
    list_filter = ["kind", "in_bank"]
    list_select_related = ["gold_set_by"]


@admin.register(CalibrationGrade)
class CalibrationGradeAdmin(ReadOnlyAdmin):
    list_display = ["item", "coach", "graded_at"]
    list_select_related = ["item__session", "coach"]


@admin.register(GoldRecord)
class GoldRecordAdmin(ReadOnlyAdmin):
    list_display = ["item", "set_by", "set_at"]
    list_select_related = ["item__session", "set_by"]


@admin.register(LeniencyAlert)
class LeniencyAlertAdmin(ReadOnlyAdmin):
    list_display = ["coach", "criterion_key", "deviation", "previous_deviation", "session", "created_at"]
    list_filter = ["criterion_key"]
    list_select_related = ["coach", "session"]
