"""Enrollments: a hire in a cohort, and the history of every change to it."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone

from courses.models.cohorts import Cohort


class EnrollmentStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    WITHDRAWN = "withdrawn", "Withdrawn"
    GRADUATED = "graduated", "Graduated"
    LEFT_WITH_OFFER = "left_with_offer", "Left with the offer"


RUNNING_STATUSES = [EnrollmentStatus.ACTIVE, EnrollmentStatus.PAUSED]


class Enrollment(models.Model):
    """A new hire in a cohort. The hire's own schedule is the cohort's, moved by `extension_days`
    and, while paused, by the days since `paused_on`."""

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="enrollments")
    hire = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enrollments")
    status = models.CharField(
        max_length=20, choices=EnrollmentStatus.choices, default=EnrollmentStatus.ACTIVE, db_index=True
    )
    extension_days = models.PositiveSmallIntegerField(
        default=0, help_text="Days this hire's schedule is moved back, on top of the cohort's."
    )
    paused_on = models.DateField(null=True, blank=True)
    monthly_salary = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Monthly salary in the cohort's currency; the default offer is a multiple of it.",
    )
    enrolled_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cohort", "hire__display_name"]
        constraints = [models.UniqueConstraint(fields=["cohort", "hire"], name="one_enrollment_per_cohort")]

    def __str__(self) -> str:
        return f"{self.hire} in {self.cohort}"


class EnrollmentEventKind(models.TextChoices):
    PAUSED = "paused", "Paused"
    RESUMED = "resumed", "Resumed"
    EXTENDED = "extended", "Schedule extended"
    ENROLLED = "enrolled", "Enrolled"
    MOVED = "moved", "Moved to another cohort"
    WITHDRAWN = "withdrawn", "Withdrawn"
    REINSTATED = "reinstated", "Reinstated"
    GRADUATED = "graduated", "Graduated"
    LEFT_WITH_OFFER = "left_with_offer", "Left with the offer"
    REOPENED = "reopened", "Back in training: checkpoint decision annulled"
    SALARY_CHANGED = "salary_changed", "Salary changed"


class EnrollmentEvent(models.Model):
    """Audit row for every change to a hire's enrollment or schedule: who, when, what and why."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EnrollmentEventKind.choices)
    days = models.SmallIntegerField(default=0)
    note = models.CharField(max_length=500, blank=True)
    data = models.JSONField(
        default=dict, blank=True, help_text='Values before and after, e.g. {"status": ["active", "paused"]}.'
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.days:+d} days)" if self.days else self.get_kind_display()
