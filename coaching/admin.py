from django.contrib import admin

from accounts.permissions import AdminSitePermissionMixin, ReadOnlyAdminMixin
from coaching.models import (
    CallDataDeletion,
    CallNote,
    CallReview,
    Dispute,
    Feedback,
    Grade,
    GradeRevision,
    SavedComment,
    SecondMark,
)


class ReadOnlyInline(AdminSitePermissionMixin, admin.TabularInline):
    extra = 0

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class GradeRevisionInline(ReadOnlyInline):
    model = GradeRevision
    fields = readonly_fields = ["changed_at", "changed_by", "old_levels", "new_levels", "reason"]


@admin.register(Grade)
class GradeAdmin(AdminSitePermissionMixin, admin.ModelAdmin):
    """Grades change only through the grading screen, which keeps their history."""

    list_display = ["attempt", "coach", "outcome", "percent", "released_at"]
    list_filter = ["outcome"]
    list_select_related = ["attempt__scenario", "coach"]
    inlines = [GradeRevisionInline]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False


class CallNoteInline(ReadOnlyInline):
    model = CallNote
    fields = readonly_fields = ["at_seconds", "body"]


@admin.register(CallReview)
class CallReviewAdmin(AdminSitePermissionMixin, admin.ModelAdmin):
    list_display = ["call_reference", "enrollment", "coach", "call_at", "percent"]
    list_select_related = ["enrollment__hire", "coach"]
    search_fields = ["call_reference", "enrollment__hire__display_name"]
    inlines = [CallNoteInline]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Feedback)
class FeedbackAdmin(AdminSitePermissionMixin, admin.ModelAdmin):
    list_display = ["enrollment", "kind", "coach", "released_at", "acknowledged_at"]
    list_filter = ["kind", ("acknowledged_at", admin.EmptyFieldListFilter)]
    list_select_related = ["enrollment__hire", "coach"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Dispute)
class DisputeAdmin(AdminSitePermissionMixin, admin.ModelAdmin):
    list_display = ["grade", "criterion_key", "level_disputed", "status", "new_level", "created_at"]
    list_filter = ["status"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SavedComment)
class SavedCommentAdmin(AdminSitePermissionMixin, admin.ModelAdmin):
    list_display = ["coach", "body", "uses"]


@admin.register(SecondMark)
class SecondMarkAdmin(AdminSitePermissionMixin, admin.ModelAdmin):
    """Second marks change only through grading and moderation, which keep both coaches' levels."""

    list_display = ["attempt", "status", "first_coach", "second_coach", "largest_gap", "moderator", "resolved_at"]
    list_filter = ["status"]
    list_select_related = ["attempt__scenario", "first_coach", "second_coach", "moderator"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(CallDataDeletion)
class CallDataDeletionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The record of call data deleted under the retention policy: written by coaching.retention, never by hand."""

    list_display = ["deleted_at", "reason", "review_number", "call_at", "recording_name", "transcript_chars"]
    list_filter = ["reason"]
    search_fields = ["recording_name", "=review_number"]
