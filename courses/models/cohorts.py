"""Cohorts: the hires who start their six weeks together."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

from accounts.models import Role, time_zone_choices, validate_time_zone
from courses.models.curriculum import Curriculum


class Cohort(models.Model):
    """New hires who start their six weeks together, on one curriculum version."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    curriculum = models.ForeignKey(Curriculum, on_delete=models.PROTECT, related_name="cohorts")
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
    grading_target_hours = models.PositiveSmallIntegerField(
        default=24, help_text="How soon a submitted role-play should be graded."
    )
    # The commitment checkpoint (see the checkpoint app).
    checkpoint_opens_on = models.DateField(
        null=True,
        blank=True,
        help_text="The day the checkpoint opens (00:00, cohort time zone). Empty: the end of week six. "
        "A hire's extension and pause move it for that hire.",
    )
    checkpoint_window_days = models.PositiveSmallIntegerField(
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="Days a hire has to decide once the checkpoint opens.",
    )
    offer_salary_months = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="The offer, in months of the hire's salary.",
    )
    currency = models.CharField(
        max_length=3, default="USD", validators=[RegexValidator(r"^[A-Z]{3}$", "Use an ISO 4217 code.")]
    )
    second_marking_percent = models.PositiveSmallIntegerField(
        "second marking (%)",
        default=10,
        validators=[MaxValueValidator(100)],
        help_text="Share of graded role-plays a second coach grades blind before the grade is released.",
    )
    archived_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "name"]

    def __str__(self) -> str:
        return self.name
