from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
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
    archived_at = models.DateTimeField(null=True, blank=True, db_index=True)
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


class EnrollmentEvent(models.Model):
    """Audit row for every change to a hire's enrollment or schedule: who, when, what and why."""

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


# --- Rubrics -------------------------------------------------------------------------------

RUBRIC_LEVELS = (0, 1, 2, 3)
LEVEL_NAMES = {0: "missing", 1: "scripted", 2: "genuine", 3: "memorable"}


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


# --- Role-play scenarios ----------------------------------------------------------------------


class ScenarioMode(models.TextChoices):
    PRACTICE = "practice", "Practice"
    GRADED = "graded", "Graded by a coach"


class Scenario(models.Model):
    """A simulated contact: who calls, what the CRM shows, and what the customer says, turn by turn."""

    curriculum = models.ForeignKey(Curriculum, on_delete=models.CASCADE, related_name="scenarios")
    week = models.ForeignKey(Week, on_delete=models.CASCADE, related_name="scenarios")
    slug = models.SlugField(max_length=100)
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="scenarios")
    mode = models.CharField(max_length=10, choices=ScenarioMode.choices, default=ScenarioMode.PRACTICE)
    max_attempts = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Empty for unlimited.")
    due_day = models.PositiveSmallIntegerField(default=6, validators=[MinValueValidator(1), MaxValueValidator(7)])
    persona_name = models.CharField(max_length=100)
    persona_situation = models.TextField()
    persona_mood = models.CharField(max_length=60)
    crm_order = models.CharField(max_length=500, blank=True)
    crm_history = models.JSONField(default=list, blank=True)
    policies = models.JSONField(default=list, blank=True, help_text="What the agent may and may not offer or promise.")
    language = models.CharField(max_length=10, default="en", help_text="The language the customer speaks.")
    line_of_business = models.SlugField(max_length=40, default="online-retail")

    class Meta:
        ordering = ["week__number", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["curriculum", "slug"], name="unique_scenario_slug_per_curriculum")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_graded(self) -> bool:
        return self.mode == ScenarioMode.GRADED


class Variant(models.TextChoices):
    OPENING = "opening", "Opening"
    WARM = "warm", "Softens after a warm answer"
    NEUTRAL = "neutral", "Neutral"
    COLD = "cold", "Escalates after a cold answer"


class ScenarioTurn(models.Model):
    """One thing the customer says. Turn 1 is the opening; later turns have variants
    chosen by how well the previous answer landed."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="turns")
    number = models.PositiveSmallIntegerField()
    neutral = models.TextField(help_text="The opening message for turn 1; the neutral variant after that.")
    warm = models.TextField(blank=True, help_text="After a warm answer. Empty: the neutral text.")
    cold = models.TextField(blank=True, help_text="After a cold answer. Empty: the neutral text.")

    class Meta:
        ordering = ["scenario", "number"]
        constraints = [models.UniqueConstraint(fields=["scenario", "number"], name="one_turn_number_per_scenario")]

    def __str__(self) -> str:
        return f"{self.scenario} turn {self.number}"

    def text_for(self, variant: str) -> str:
        return {Variant.WARM: self.warm, Variant.COLD: self.cold}.get(variant) or self.neutral


class Exemplar(models.Model):
    """A strong answer to one turn, shown to the hire after they submit."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="exemplars")
    turn_number = models.PositiveSmallIntegerField()
    answer = models.TextField()
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["scenario", "turn_number", "id"]

    def __str__(self) -> str:
        return f"Exemplar for {self.scenario} turn {self.turn_number}"


# --- Attempts ---------------------------------------------------------------------------------


class AttemptState(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted"
    AWAITING_COACH = "awaiting_coach", "Awaiting a coach"
    GRADED = "graded", "Graded"
    RETURNED = "returned", "Returned for another try"


FROZEN_STATES = [AttemptState.SUBMITTED, AttemptState.AWAITING_COACH, AttemptState.GRADED, AttemptState.RETURNED]


class Attempt(models.Model):
    """One try at a scenario. Submitting freezes it: from then on nothing the hire wrote changes."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="roleplay_attempts")
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveSmallIntegerField()
    rubric_version = models.ForeignKey(RubricVersion, on_delete=models.PROTECT, related_name="attempts")
    state = models.CharField(max_length=20, choices=AttemptState.choices, default=AttemptState.IN_PROGRESS,
                             db_index=True)  # fmt: skip
    started_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    prescore = models.JSONField(null=True, blank=True, help_text="The automatic estimate, made at submission.")
    prescore_percent = models.PositiveSmallIntegerField(null=True, blank=True)
    prescore_flagged = models.BooleanField(
        default=False, db_index=True, help_text="An integrity check asked for a coach's eye on an answer."
    )
    grading_due_at = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        help_text="For graded role-plays: submitted + the cohort's grading target.",
    )

    class Meta:
        ordering = ["enrollment", "scenario", "number"]
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "scenario", "number"], name="attempt_number_per_scenario"),
            # At most one attempt in progress per hire and scenario, even under concurrent "start" clicks.
            models.UniqueConstraint(
                fields=["enrollment", "scenario"],
                condition=models.Q(state="in_progress"),
                name="one_attempt_in_progress",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scenario} attempt {self.number}"

    @property
    def is_frozen(self) -> bool:
        return self.state in FROZEN_STATES


class AttemptTurn(models.Model):
    """What the customer said on one turn of an attempt, and the hire's answer."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="turns")
    number = models.PositiveSmallIntegerField()
    variant = models.CharField(max_length=10, choices=Variant.choices)
    customer_text = models.TextField()
    answer = models.TextField(blank=True)
    shown_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    seconds_spent = models.PositiveIntegerField(null=True, blank=True)
    draft_saved_at = models.DateTimeField(null=True, blank=True)
    prescore = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["attempt", "number"]
        constraints = [models.UniqueConstraint(fields=["attempt", "number"], name="one_attempt_turn_number")]

    def __str__(self) -> str:
        return f"{self.attempt} turn {self.number}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None


# --- Pre-scorer versions ----------------------------------------------------------------------


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
