from django.conf import settings
from django.db import models

from accounts.models import Role, time_zone_choices, validate_time_zone

TRAINING_WEEKS = 6


class Cohort(models.Model):
    """New hires who start their six weeks together."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    start_date = models.DateField(help_text="Week 1 opens at 00:00 on this day in the cohort's time zone.")
    time_zone = models.CharField(
        max_length=64, default="America/Los_Angeles", choices=time_zone_choices, validators=[validate_time_zone]
    )
    coaches = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="coached_cohorts",
        blank=True,
        limit_choices_to={"role": Role.COACH},
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "name"]

    def __str__(self) -> str:
        return self.name


class EnrollmentStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    WITHDRAWN = "withdrawn", "Withdrawn"
    GRADUATED = "graduated", "Graduated"
    LEFT_WITH_OFFER = "left_with_offer", "Left with the offer"


class Enrollment(models.Model):
    """A new hire in a cohort."""

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="enrollments")
    hire = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enrollments")
    status = models.CharField(
        max_length=20, choices=EnrollmentStatus.choices, default=EnrollmentStatus.ACTIVE, db_index=True
    )
    extension_days = models.PositiveSmallIntegerField(
        default=0, help_text="Days this hire's schedule is moved back, on top of the cohort's."
    )
    enrolled_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cohort", "hire__display_name"]
        constraints = [models.UniqueConstraint(fields=["cohort", "hire"], name="one_enrollment_per_cohort")]

    def __str__(self) -> str:
        return f"{self.hire} in {self.cohort}"
