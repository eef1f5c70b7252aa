"""Retention after the commitment checkpoint: is a hire who committed still in the role 30, 60 and 90 days on?

One check per hire and milestone (a unique key); every creation or change leaves a RetentionEvent.
Writes go through outcomes.services, whether they come from the admin's form, a CSV import or the API.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from courses.models import Cohort, Enrollment


class Milestone(models.IntegerChoices):
    DAYS_30 = 30, "30 days"
    DAYS_60 = 60, "60 days"
    DAYS_90 = 90, "90 days"


MILESTONES: tuple[int, ...] = tuple(Milestone.values)


class RetentionStatus(models.TextChoices):
    RETAINED = "retained", "Still in the role"
    LEFT = "left", "Left"


class Source(models.TextChoices):
    FORM = "form", "Admin's form"
    IMPORT = "import", "CSV import"
    API = "api", "API"


class RetentionImport(models.Model):
    """A committed CSV import: the file it came from and what it did."""

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="retention_imports")
    filename = models.CharField(max_length=255, blank=True)
    sha256 = models.CharField(max_length=64)
    row_count = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    changed_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Retention import {self.filename or self.sha256[:8]} ({self.cohort})"


class RetentionCheck(models.Model):
    enrollment = models.ForeignKey(Enrollment, on_delete=models.PROTECT, related_name="retention_checks")
    milestone_days = models.PositiveSmallIntegerField(choices=Milestone.choices)
    status = models.CharField(max_length=10, choices=RetentionStatus.choices)
    left_on = models.DateField(null=True, blank=True, help_text="Only for a hire who left.")
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField()
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.FORM)
    batch = models.ForeignKey(RetentionImport, null=True, blank=True, on_delete=models.SET_NULL, related_name="checks")

    class Meta:
        ordering = ["enrollment", "milestone_days"]
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "milestone_days"], name="one_retention_check_per_milestone"),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(status=RetentionStatus.LEFT), name="left_on_only_when_left"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrollment} at {self.milestone_days} days: {self.get_status_display()}"


class RetentionEvent(models.Model):
    """Audit row for every creation or change of a retention check."""

    check_record = models.ForeignKey(RetentionCheck, on_delete=models.CASCADE, related_name="events")
    old_status = models.CharField(max_length=10, choices=RetentionStatus.choices, blank=True)
    new_status = models.CharField(max_length=10, choices=RetentionStatus.choices)
    old_left_on = models.DateField(null=True, blank=True)
    new_left_on = models.DateField(null=True, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()
    source = models.CharField(max_length=10, choices=Source.choices)
    batch = models.ForeignKey(RetentionImport, null=True, blank=True, on_delete=models.SET_NULL, related_name="events")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.old_status or 'none'} → {self.new_status}"
