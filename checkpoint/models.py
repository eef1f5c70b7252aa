"""The end-of-training commitment checkpoint: each hire commits to the role or takes the offer.

A checkpoint row exists once the checkpoint has opened for a hire (one per enrollment, by a
unique key). Decisions are never edited: an admin's annulment marks one annulled and reopens
the checkpoint, and at most one decision stands at a time (a partial unique index).
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

from courses.models import Cohort, Enrollment
from courses.rendering import markdown_to_safe_html


class OfferText(models.Model):
    """What a cohort's hires read about the offer. Versions are added, never edited; each
    decision keeps the version its hire was shown."""

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="offer_texts")
    version = models.PositiveIntegerField()
    body_markdown = models.TextField("text (Markdown)")
    body_html = models.TextField(editable=False, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cohort", "-version"]
        constraints = [models.UniqueConstraint(fields=["cohort", "version"], name="one_offer_text_per_version")]

    def __str__(self) -> str:
        return f"{self.cohort} offer text v{self.version}"

    def save(self, *args, **kwargs) -> None:
        self.body_html = markdown_to_safe_html(self.body_markdown)
        super().save(*args, **kwargs)


class Checkpoint(models.Model):
    enrollment = models.OneToOneField(Enrollment, on_delete=models.PROTECT, related_name="checkpoint")
    opened_at = models.DateTimeField()
    deadline = models.DateTimeField()
    round = models.PositiveSmallIntegerField(default=1, help_text="Goes up each time an annulment reopens it.")
    offer_override = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, help_text="Replaces the cohort's formula for this hire."
    )
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["deadline"])]

    def __str__(self) -> str:
        return f"Checkpoint of {self.enrollment}"


class Choice(models.TextChoices):
    COMMIT = "commit", "Commit to the role"
    OFFER = "offer", "Take the offer"


class Decision(models.Model):
    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.PROTECT, related_name="decisions")
    choice = models.CharField(max_length=10, choices=Choice.choices)
    reflection = models.TextField(blank=True)
    decided_at = models.DateTimeField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    on_behalf_reason = models.TextField(blank=True, help_text="Why an admin recorded it for the hire.")
    offer_text = models.ForeignKey(OfferText, on_delete=models.PROTECT, related_name="decisions")
    offer_amount = models.DecimalField(max_digits=10, decimal_places=2, null=True)
    currency = models.CharField(max_length=3)
    annulled_at = models.DateTimeField(null=True, blank=True)
    annulled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    annul_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["checkpoint"], condition=Q(annulled_at__isnull=True), name="one_standing_decision"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_choice_display()} ({self.checkpoint.enrollment})"

    @property
    def on_behalf(self) -> bool:
        return bool(self.on_behalf_reason)


class EventKind(models.TextChoices):
    OPENED = "opened", "Opened"
    ESCALATED = "escalated", "Escalated: deadline passed undecided"
    DECIDED = "decided", "Decided"
    RECORDED = "recorded", "Recorded on the hire's behalf"
    ANNULLED = "annulled", "Decision annulled, checkpoint reopened"
    OFFER_CHANGED = "offer_changed", "Offer amount changed"


class CheckpointEvent(models.Model):
    """Audit row for every change to a checkpoint: who, when, what and why."""

    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.get_kind_display()


def certificate_code() -> str:
    # Unambiguous letters and digits, grouped for reading aloud: LA-7KQ2-M9XD-4TRH.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(12))
    return f"LA-{raw[:4]}-{raw[4:8]}-{raw[8:]}"


class Certificate(models.Model):
    """Proof of completion for a hire who committed. Names are kept as issued."""

    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="certificate")
    code = models.CharField(max_length=20, unique=True, default=certificate_code)
    hire_name = models.CharField(max_length=200)
    cohort_name = models.CharField(max_length=200)
    issued_on = models.DateField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return self.code


class CompletionRule(models.Model):
    """What completing the training means for one cohort; until an admin saves one, the defaults
    (every item done or excused, and readiness met) hold. A certificate says "completed" only then."""

    cohort = models.OneToOneField(Cohort, on_delete=models.CASCADE, related_name="completion_rule")
    requires_all_items = models.BooleanField(
        "every item done or excused", default=True, help_text="Every lesson, check and role-play."
    )
    requires_readiness = models.BooleanField("readiness met", default=True, help_text="The cohort's readiness rule.")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Completion rule of {self.cohort}"


class CompletionRuleChange(models.Model):
    """Audit row for every change to a cohort's completion rule: who, when, and each field's old and new value."""

    rule = models.ForeignKey(CompletionRule, on_delete=models.CASCADE, related_name="changes")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField()
    changes = models.JSONField(
        default=dict, help_text='Field → [old, new], e.g. {"requires_readiness": [true, false]}.'
    )

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"Change to {self.rule}"

    def described(self) -> list[str]:
        """Each change in words: "readiness met: required → not required"."""

        def word(value) -> str:
            return "required" if value else "not required"

        return [
            f"{CompletionRule._meta.get_field(name).verbose_name}: {word(old)} → {word(new)}"
            for name, (old, new) in self.changes.items()
        ]
