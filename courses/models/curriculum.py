"""The content: curriculum versions, their weeks, lessons and knowledge checks."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from courses.rendering import markdown_to_safe_html

TRAINING_WEEKS = 6


class Curriculum(models.Model):
    """One version of a curriculum. Cohorts run a version; a version in use is never edited."""

    slug = models.SlugField()
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    source_hash = models.CharField(
        max_length=64, blank=True, help_text="Fingerprint of the file it was loaded from, if any."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug", "-version"]
        verbose_name_plural = "curricula"
        constraints = [models.UniqueConstraint(fields=["slug", "version"], name="one_curriculum_per_version")]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"


class Week(models.Model):
    curriculum = models.ForeignKey(Curriculum, on_delete=models.CASCADE, related_name="weeks")
    number = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(TRAINING_WEEKS)])
    title = models.CharField(max_length=200)
    goals = models.JSONField(default=list, blank=True, help_text="A list of short goals.")

    class Meta:
        ordering = ["curriculum", "number"]
        constraints = [models.UniqueConstraint(fields=["curriculum", "number"], name="one_week_number_per_curriculum")]

    def __str__(self) -> str:
        return f"Week {self.number}: {self.title}"


def lesson_image_path(lesson: "Lesson", filename: str) -> str:
    return f"lessons/{filename}"


class Lesson(models.Model):
    curriculum = models.ForeignKey(Curriculum, on_delete=models.CASCADE, related_name="lessons")
    week = models.ForeignKey(Week, on_delete=models.CASCADE, related_name="lessons")
    slug = models.SlugField(max_length=100)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order within the week.")
    title = models.CharField(max_length=200)
    body_markdown = models.TextField("body (Markdown)")
    body_html = models.TextField(editable=False, blank=True)
    estimated_minutes = models.PositiveSmallIntegerField(default=10, validators=[MinValueValidator(1)])
    due_day = models.PositiveSmallIntegerField(
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(7)],
        help_text="Due by the end of this day of its week (1–7).",
    )
    video_url = models.URLField(blank=True)
    image = models.FileField(upload_to=lesson_image_path, blank=True)
    image_alt = models.CharField("image description", max_length=300, blank=True)
    trains = models.JSONField(default=list, blank=True, help_text="Keys of the rubric criteria this lesson trains.")

    class Meta:
        ordering = ["week__number", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["curriculum", "slug"], name="unique_lesson_slug_per_curriculum")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        # The HTML is derived from the Markdown wherever a lesson is saved (loader, admin, copy).
        self.body_html = markdown_to_safe_html(self.body_markdown)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body_markdown" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_html"}
        super().save(*args, **kwargs)


class KnowledgeCheck(models.Model):
    week = models.OneToOneField(Week, on_delete=models.CASCADE, related_name="knowledge_check")
    title = models.CharField(max_length=200)
    pass_mark = models.PositiveSmallIntegerField(
        default=70, validators=[MinValueValidator(1), MaxValueValidator(100)], help_text="Percent needed to pass."
    )
    max_attempts = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Empty for unlimited retries.")
    due_day = models.PositiveSmallIntegerField(default=7, validators=[MinValueValidator(1), MaxValueValidator(7)])

    def __str__(self) -> str:
        return self.title


class QuestionKind(models.TextChoices):
    SINGLE = "single", "One answer"
    MULTIPLE = "multiple", "Several answers"


class Question(models.Model):
    knowledge_check = models.ForeignKey(KnowledgeCheck, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    prompt = models.TextField()
    kind = models.CharField(max_length=10, choices=QuestionKind.choices, default=QuestionKind.SINGLE)
    explanation = models.TextField(blank=True, help_text="Shown after an answer is submitted.")

    class Meta:
        ordering = ["knowledge_check", "position", "id"]

    def __str__(self) -> str:
        return self.prompt[:80]


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=500)
    is_correct = models.BooleanField(default=False)

    class Meta:
        ordering = ["question", "position", "id"]

    def __str__(self) -> str:
        return self.text
