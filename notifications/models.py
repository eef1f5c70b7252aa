import datetime

from django.conf import settings
from django.db import models


class Kind(models.TextChoices):
    DUE_TOMORROW = "due_tomorrow", "Due tomorrow"
    OVERDUE = "overdue", "Overdue"
    WEEK_UNLOCKED = "week_unlocked", "A new week unlocked"
    FEEDBACK = "feedback", "Feedback or a grade released"
    RETURNED = "returned", "A role-play returned for another try"
    DISPUTE = "dispute", "A disputed grade: opened or answered"
    REPLY = "reply", "A reply to feedback"
    GRADING_OVERDUE = "grading_overdue", "Role-plays waiting past the grading target"
    QUEUE_DIGEST = "queue_digest", "Daily digest of my grading queue"
    COHORT_DIGEST = "cohort_digest", "Weekly digest of my cohorts"
    CALIBRATION = "calibration", "Calibration sessions: opening, due soon, revealed"
    GRADING_QUALITY = "grading_quality", "Second marks, moderation and coaches' agreement alerts"
    CHECKPOINT = "checkpoint", "My commitment checkpoint: opening, reminders, decision"
    CHECKPOINT_OUTCOME = "checkpoint_outcome", "Hires' checkpoint decisions and escalations"
    READINESS = "readiness", "Readiness for nesting"
    TEST = "test", "Test notification"


# Every kind but the admin's test message can be given a channel.
CONFIGURABLE_KINDS = frozenset(Kind.values) - {Kind.TEST}

# Reminders wait out quiet hours; events appear in-app at once whatever the hour.
REMINDER_KINDS = {Kind.DUE_TOMORROW, Kind.OVERDUE, Kind.WEEK_UNLOCKED, Kind.GRADING_OVERDUE}
# A hire's schedule reminders: their emails are capped per person per day (NOTIFICATIONS_REMINDER_EMAILS_PER_DAY).
DAILY_CAPPED_KINDS = {Kind.DUE_TOMORROW, Kind.OVERDUE, Kind.WEEK_UNLOCKED}


class Channel(models.TextChoices):
    IN_APP = "in_app", "In the app only"
    EMAIL_NOW = "email_now", "In the app and by email at once"
    EMAIL_DIGEST = "email_digest", "In the app and in a daily email digest"


DEFAULT_CHANNEL = Channel.EMAIL_NOW


class EmailStatus(models.TextChoices):
    NONE = "none", "Not emailed"
    SCHEDULED = "scheduled", "Waiting (quiet hours)"
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Being sent"
    DIGEST = "digest", "Waiting for the digest"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class Notification(models.Model):
    """One thing a person is told, and the ledger row that makes sure they are told once.

    `key` names the person, kind, subject and period ("overdue:lesson:42:2026-11-23"); the
    unique constraint is what makes a re-run sweep, a second beat or a redelivered message
    send nothing twice.
    """

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=30, choices=Kind.choices, db_index=True)
    key = models.CharField(max_length=200)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_status = models.CharField(max_length=10, choices=EmailStatus.choices, default=EmailStatus.NONE, db_index=True)
    email_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    email_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="notify_once_per_key")]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient}"


class Preference(models.Model):
    """How one person wants one kind of notification."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    channel = models.CharField(max_length=15, choices=Channel.choices, default=DEFAULT_CHANNEL)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} → {self.channel}"


QUIET_FROM = datetime.time(21, 0)
QUIET_UNTIL = datetime.time(8, 0)


# Callables, not fixed times: Django's check warns about a fixed time default whenever the clock is within
# seconds of it, so `check --deploy` would fail at 08:00:00 and 21:00:00 UTC.
def quiet_from_default() -> datetime.time:
    return QUIET_FROM


def quiet_until_default() -> datetime.time:
    return QUIET_UNTIL


class QuietHours(models.Model):
    """When a person does not want reminder emails, in their own time zone."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiet_hours")
    starts = models.TimeField(default=quiet_from_default)
    ends = models.TimeField(default=quiet_until_default)
    enabled = models.BooleanField(default=True)

    class Meta:
        verbose_name_plural = "quiet hours"

    def __str__(self) -> str:
        return f"{self.user}: {self.starts:%H:%M}–{self.ends:%H:%M}"


class DigestDelivery(models.Model):
    """One row per person per day a digest email went out: the ledger for digests."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="one_digest_per_day")]

    def __str__(self) -> str:
        return f"Digest for {self.user} on {self.day}"


class ReminderItem(models.Model):
    """One thing a reminder told a person about. Many items travel in one reminder; the unique
    key ("overdue:7:lesson:42") is the ledger that keeps each item from being reminded twice."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="items")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    key = models.CharField(max_length=200)
    title = models.CharField(max_length=200)
    detail = models.CharField(max_length=200, blank=True)
    url = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="remind_once_per_item")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"
