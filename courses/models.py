from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from accounts.models import Role, time_zone_choices, validate_time_zone
from courses.rendering import markdown_to_safe_html

TRAINING_WEEKS = 6


# --- Content -----------------------------------------------------------------------


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


# --- Cohorts and enrollments ---------------------------------------------------------


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


class EnrollmentEvent(models.Model):
    """Audit row for every change to a hire's schedule: who, when, what and why."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EnrollmentEventKind.choices)
    days = models.SmallIntegerField(default=0)
    note = models.CharField(max_length=500, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.days:+d} days)" if self.days else self.get_kind_display()


# --- Progress ---------------------------------------------------------------------------


class LessonCompletion(models.Model):
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="lesson_completions")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["enrollment", "lesson"], name="one_completion_per_lesson")]

    def __str__(self) -> str:
        return f"{self.lesson} completed"


class CheckAttempt(models.Model):
    """One submission of a knowledge check. The best score across attempts is the one kept."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="check_attempts")
    knowledge_check = models.ForeignKey(KnowledgeCheck, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveSmallIntegerField()
    answers = models.JSONField(help_text="Question id → the chosen choice ids.")
    correct_count = models.PositiveSmallIntegerField()
    question_count = models.PositiveSmallIntegerField()
    score = models.PositiveSmallIntegerField(help_text="Percent, rounded down.")
    passed = models.BooleanField()
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["enrollment", "knowledge_check", "number"]
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "knowledge_check", "number"], name="attempt_numbers_unique")
        ]

    def __str__(self) -> str:
        return f"Attempt {self.number}: {self.score}%"
