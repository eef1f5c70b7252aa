"""Readiness for nesting: what a cohort asks of a hire before live calls, the coach's sign-off,
an admin's override, and the week-5 flag for hires who are not ready."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from courses.levels import LEVEL_MAX, LEVEL_MIN
from courses.models import TRAINING_WEEKS, Cohort, Enrollment


class ReadinessRule(models.Model):
    """What one cohort asks of a hire. Created with these defaults the first time it is needed."""

    cohort = models.OneToOneField(Cohort, on_delete=models.CASCADE, related_name="readiness_rule")
    checks_through_week = models.PositiveSmallIntegerField(
        default=4,
        validators=[MinValueValidator(0), MaxValueValidator(TRAINING_WEEKS)],
        help_text="Knowledge checks of weeks 1 to this one must be passed (0: none).",
    )
    recent_roleplays = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text="How many of the latest released role-play grades count.",
    )
    min_average_level = models.DecimalField(
        max_digits=2,
        decimal_places=1,
        default=Decimal("2.0"),
        validators=[MinValueValidator(Decimal(LEVEL_MIN)), MaxValueValidator(Decimal(LEVEL_MAX))],
        help_text="The average those grades need on every criterion.",
    )
    no_zero_in_latest = models.BooleanField(
        default=True, help_text="No criterion at 0 (missing) in the latest released role-play grade."
    )
    requires_signoff = models.BooleanField(default=True, help_text="A coach of the cohort must sign the hire off.")
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"Readiness rule of {self.cohort}"


class ReadinessRuleChange(models.Model):
    """Audit row for every change to a cohort's rule: who, when, and each field's old and new value."""

    rule = models.ForeignKey(ReadinessRule, on_delete=models.CASCADE, related_name="changes")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField()
    changes = models.JSONField(default=dict, help_text='Field → [old, new], e.g. {"recent_roleplays": [3, 4]}.')

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"Change to {self.rule}"

    def described(self) -> list[str]:
        """Each change in words: "recent graded role-plays: 3 → 4"."""
        return [
            f"{ReadinessRule._meta.get_field(name).verbose_name}: {old} → {new}"
            for name, (old, new) in self.changes.items()
        ]


class ReadinessSignOff(models.Model):
    """A coach's word that the hire is ready. At most one is current; a withdrawn one is kept."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="readiness_signoffs")
    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    note = models.TextField(blank=True, max_length=1000)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment"], condition=models.Q(withdrawn_at__isnull=True), name="one_current_signoff"
            )
        ]

    def __str__(self) -> str:
        return f"Sign-off of {self.enrollment} by {self.coach}"


class ReadinessOverride(models.Model):
    """An admin's decision that stands in for the rule. At most one is in force; revoked ones are kept."""

    class Decision(models.TextChoices):
        READY = "ready", "Ready"
        NOT_READY = "not_ready", "Not ready"

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="readiness_overrides")
    admin = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    reason = models.TextField(max_length=1000)
    at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment"], condition=models.Q(revoked_at__isnull=True), name="one_override_in_force"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} for {self.enrollment}"

    @property
    def ready(self) -> bool:
        return self.decision == self.Decision.READY


class ReadinessFlag(models.Model):
    """Raised once per enrollment: the hire was not ready when week 5 (nesting) opened."""

    enrollment = models.OneToOneField(Enrollment, on_delete=models.CASCADE, related_name="readiness_flag")
    flagged_at = models.DateTimeField()
    missing = models.JSONField(default=list, help_text="What was missing when the flag was raised.")

    class Meta:
        ordering = ["-flagged_at", "-id"]

    def __str__(self) -> str:
        return f"Not ready for nesting: {self.enrollment}"
