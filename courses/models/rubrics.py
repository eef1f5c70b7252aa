"""Rubrics and their versions: what a role-play is scored against."""

from django.db import models


class Rubric(models.Model):
    """A named rubric. Its content lives in versions: a version that scored anything is never edited."""

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.title

    @property
    def current_version(self) -> "RubricVersion":
        return self.versions.order_by("-number").first()


class RubricVersion(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    description = models.TextField(blank=True)
    source_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["rubric", "-number"]
        constraints = [models.UniqueConstraint(fields=["rubric", "number"], name="one_rubric_version_number")]

    def __str__(self) -> str:
        return f"{self.rubric.title} v{self.number}"


class Criterion(models.Model):
    rubric_version = models.ForeignKey(RubricVersion, on_delete=models.CASCADE, related_name="criteria")
    key = models.SlugField(max_length=40)
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=100)
    description = models.CharField(max_length=300)
    weight = models.DecimalField(max_digits=4, decimal_places=2, default=1)
    level_descriptors = models.JSONField(
        help_text="Four descriptions: level 0 missing, 1 scripted, 2 genuine, 3 memorable."
    )

    class Meta:
        ordering = ["rubric_version", "position"]
        verbose_name_plural = "criteria"
        constraints = [models.UniqueConstraint(fields=["rubric_version", "key"], name="one_criterion_key_per_version")]

    def __str__(self) -> str:
        return self.title
