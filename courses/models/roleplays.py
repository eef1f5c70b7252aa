"""Role-play scenarios and the hires' attempts at them."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from courses.models.curriculum import Curriculum, Week
from courses.models.enrollments import Enrollment
from courses.models.rubrics import Rubric, RubricVersion


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
    trains = models.JSONField(default=list, blank=True, help_text="Keys of the rubric criteria this role-play trains.")

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
