"""Versions of the learned pre-scorer and their audit trail."""

from django.conf import settings
from django.db import models


class ScorerVersion(models.Model):
    """One trained version of the learned pre-scorer: its weights, where they came from, and how well they did.

    Exactly one version is live at a time; every pre-score names the version that made it.
    """

    class Source(models.TextChoices):
        SHIPPED = "shipped", "Shipped with the product"
        TRAINED = "trained", "Trained here"

    version = models.CharField(max_length=40, unique=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    model = models.JSONField(help_text="The model file: weights, feature spec, fingerprint and figures.")
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the training data.")
    trained_at = models.DateTimeField()
    heldout = models.JSONField(default=dict, help_text="Held-out figures per criterion.")
    comparison = models.JSONField(default=dict, blank=True, help_text="Against the version that was live.")
    coach_grades_used = models.PositiveIntegerField(default=0)
    is_live = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-trained_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_live"], condition=models.Q(is_live=True), name="one_live_scorer_version"
            )
        ]

    def __str__(self) -> str:
        return self.version


class ScorerVersionEvent(models.Model):
    """Audit row: a version trained, promoted, kept back or rolled back to."""

    class Kind(models.TextChoices):
        TRAINED = "trained", "Trained"
        PROMOTED = "promoted", "Went live"
        KEPT_BACK = "kept_back", "Kept back: not better"
        ROLLED_BACK = "rolled_back", "Rolled back to"

    version = models.ForeignKey(ScorerVersion, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.version} {self.get_kind_display().lower()}"
