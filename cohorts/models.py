from django.conf import settings
from django.db import models

from courses.models import Cohort


class CohortEventKind(models.TextChoices):
    CREATED = "created", "Created"
    EDITED = "edited", "Edited"
    ARCHIVED = "archived", "Archived"
    UNARCHIVED = "unarchived", "Taken out of the archive"
    COACH_ASSIGNED = "coach_assigned", "Coach assigned"
    COACH_UNASSIGNED = "coach_unassigned", "Coach unassigned"
    IMPORTED = "imported", "Hires imported"


class CohortEvent(models.Model):
    """Audit row for every change an admin makes to a cohort: who, when, what."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=CohortEventKind.choices)
    note = models.CharField(max_length=500, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.cohort}: {self.get_kind_display()}"


class EnrollmentImport(models.Model):
    """A confirmed CSV import of hires into a cohort. Written only when the import commits."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="imports")
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    filename = models.CharField(max_length=255, blank=True)
    sha256 = models.CharField("file fingerprint", max_length=64)
    row_count = models.PositiveIntegerField()
    created_count = models.PositiveIntegerField(help_text="New accounts, each sent an invitation.")
    enrolled_count = models.PositiveIntegerField(help_text="Existing accounts enrolled.")
    skipped_count = models.PositiveIntegerField(help_text="Already in the cohort.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Import into {self.cohort} ({self.created_at:%Y-%m-%d %H:%M})"
