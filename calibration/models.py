"""Calibration: coaches grade the same anchor items blind, compare at the reveal, and agree a gold level.

Calibration grades are kept apart from grades of record (coaching.Grade): nothing here reaches the
hire whose work became an anchor item, their timeline, notifications, exports or statistics.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from coaching.models import CallReview
from courses.models import Attempt, RubricVersion


class AnchorItem(models.Model):
    """A piece of real work coaches grade blind: a submitted role-play or a reviewed real call.
    Once a facilitator records its gold levels it joins the anchor bank, reusable for onboarding."""

    class Kind(models.TextChoices):
        ROLEPLAY = "roleplay", "Role-play"
        CALL = "call", "Real call"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    attempt = models.OneToOneField(Attempt, null=True, blank=True, on_delete=models.CASCADE, related_name="anchor_item")
    call_review = models.OneToOneField(
        CallReview, null=True, blank=True, on_delete=models.CASCADE, related_name="anchor_item"
    )
    rubric_version = models.ForeignKey(RubricVersion, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200, help_text="What coaches see: the scenario or the call's reason, no name.")
    gold_levels = models.JSONField(default=dict, blank=True, help_text="Criterion key → the agreed level.")
    gold_note = models.TextField(blank=True)
    gold_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    gold_set_at = models.DateTimeField(null=True, blank=True)
    in_bank = models.BooleanField(default=False, db_index=True, help_text="Offered for onboarding new coaches.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="roleplay", attempt__isnull=False, call_review__isnull=True))
                | (Q(kind="call", call_review__isnull=False, attempt__isnull=True)),
                name="anchor_item_is_one_piece_of_work",
            )
        ]

    def __str__(self) -> str:
        return f"Anchor {self.pk}: {self.title}"

    @property
    def has_gold(self) -> bool:
        return bool(self.gold_levels)


class CalibrationSession(models.Model):
    """A round of blind grading of anchor items by invited coaches, revealed and settled by a facilitator.
    An onboarding session gives one new coach a set of gold items from the bank."""

    class Kind(models.TextChoices):
        CALIBRATION = "calibration", "Calibration"
        ONBOARDING = "onboarding", "Onboarding"

    class Status(models.TextChoices):
        OPEN = "open", "Open: grading blind"
        REVEALED = "revealed", "Revealed"

    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.CALIBRATION)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    facilitator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    revealed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    anchors = models.ManyToManyField(AnchorItem, through="SessionItem", related_name="sessions")
    coaches = models.ManyToManyField(settings.AUTH_USER_MODEL, through="Participant", related_name="+")

    class Meta:
        ordering = ["-due_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_revealed(self) -> bool:
        return self.status == self.Status.REVEALED


class SessionItem(models.Model):
    session = models.ForeignKey(CalibrationSession, on_delete=models.CASCADE, related_name="items")
    anchor = models.ForeignKey(AnchorItem, on_delete=models.PROTECT, related_name="session_items")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["session", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "anchor"], name="anchor_once_per_session")]

    def __str__(self) -> str:
        return f"{self.session}: item {self.position}"


class Participant(models.Model):
    """A coach invited to a session; `submitted_at` is set when they have graded every item."""

    session = models.ForeignKey(CalibrationSession, on_delete=models.CASCADE, related_name="participants")
    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calibrations")
    invited_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["session", "coach__display_name"]
        constraints = [models.UniqueConstraint(fields=["session", "coach"], name="coach_once_per_session")]

    def __str__(self) -> str:
        return f"{self.coach} in {self.session}"


class CalibrationGrade(models.Model):
    """One coach's blind levels for one item of a session. Never a grade of record."""

    item = models.ForeignKey(SessionItem, on_delete=models.CASCADE, related_name="grades")
    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    levels = models.JSONField(default=dict, help_text="Criterion key → level 0–3.")
    note = models.TextField(blank=True)
    graded_at = models.DateTimeField()

    class Meta:
        ordering = ["item", "coach"]
        constraints = [models.UniqueConstraint(fields=["item", "coach"], name="one_calibration_grade_per_coach")]

    def __str__(self) -> str:
        return f"{self.coach} on {self.item}"


class GoldRecord(models.Model):
    """Audit row: a facilitator recorded (or changed) an anchor item's gold levels at a session's reveal."""

    item = models.ForeignKey(SessionItem, on_delete=models.CASCADE, related_name="gold_records")
    levels = models.JSONField()
    note = models.TextField(blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField()

    class Meta:
        ordering = ["-set_at", "-id"]

    def __str__(self) -> str:
        return f"Gold for {self.item}"


class LeniencyAlert(models.Model):
    """Admins were told that a coach's deviation from gold on a criterion passed the threshold in two
    revealed sessions in a row. One row per coach, criterion and the session that completed the pair."""

    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    criterion_key = models.SlugField(max_length=40)
    session = models.ForeignKey(CalibrationSession, on_delete=models.CASCADE, related_name="alerts")
    previous_session = models.ForeignKey(CalibrationSession, on_delete=models.CASCADE, related_name="+")
    deviation = models.FloatField(help_text="Mean signed deviation from gold in `session` (+ lenient, − severe).")
    previous_deviation = models.FloatField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["coach", "criterion_key", "session"], name="one_alert_per_pair")]

    def __str__(self) -> str:
        return f"{self.coach}: {self.criterion_key} {self.deviation:+.2f}"
