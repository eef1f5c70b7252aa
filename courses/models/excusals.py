"""Items an admin excused for one hire: they count as done for completion and are never overdue."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from courses.models.enrollments import Enrollment


class ExcusedKind(models.TextChoices):
    LESSON = "lesson", "Lesson"
    CHECK = "check", "Knowledge check"
    ROLEPLAY = "roleplay", "Role-play"


class ItemExcusal(models.Model):
    """One excused item (kind + id, as courses.progress keys items). Never deleted: revoking keeps
    the row, so who excused what, when and why stays on record."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="excusals")
    kind = models.CharField(max_length=10, choices=ExcusedKind.choices)
    item_id = models.PositiveIntegerField()
    reason = models.TextField()
    excused_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    excused_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-excused_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "kind", "item_id"],
                condition=Q(revoked_at__isnull=True),
                name="one_standing_excusal_per_item",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.item_id} excused for {self.enrollment}"

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind, self.item_id)
