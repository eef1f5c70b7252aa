from django.conf import settings
from django.db import models

from coaching.storage import private_storage
from courses.models import Attempt, AttemptTurn, Enrollment, Lesson, RubricVersion, Scenario

DISPUTE_WINDOW_DAYS = 7
CLAIM_MINUTES = 20


class Grade(models.Model):
    """A coach's scoring of a role-play attempt: the grade of record once released."""

    class Outcome(models.TextChoices):
        DRAFT = "draft", "Draft"
        RELEASED = "released", "Released"
        RETURNED = "returned", "Returned for another try"
        HELD = "held", "Held for a blind second mark"

    attempt = models.OneToOneField(Attempt, on_delete=models.CASCADE, related_name="grade")
    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="grades_given")
    rubric_version = models.ForeignKey(RubricVersion, on_delete=models.PROTECT, related_name="grades")
    levels = models.JSONField(default=dict, help_text="Criterion key → level 0–3.")
    percent = models.PositiveSmallIntegerField(null=True, blank=True)
    overall_comment = models.TextField(blank=True)
    guidance = models.TextField(blank=True, help_text="What to do differently, when returned for another try.")
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.DRAFT)
    # What a coach has entered on the grading screen and not yet released or returned: kept so that
    # nothing is lost between clicks, comments and visits. Releasing or returning clears it.
    draft_levels = models.JSONField(default=dict, blank=True, help_text="Criterion key → level chosen so far.")
    draft_overall_comment = models.TextField(blank=True)
    draft_guidance = models.TextField(blank=True)
    draft_saved_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Grade of {self.attempt}"

    @property
    def has_draft(self) -> bool:
        return self.draft_saved_at is not None


class SecondMark(models.Model):
    """A graded role-play drawn for blind second marking. The first coach's grade is held (not released)
    until a second coach grades it blind; a gap of two levels or more on any criterion sends it to a
    moderator, who sets the released grade. Both coaches' levels are kept here."""

    class Status(models.TextChoices):
        AWAITING_SECOND = "awaiting_second", "Awaiting a blind second mark"
        MODERATION = "moderation", "Awaiting a moderator"
        AGREED = "agreed", "Agreed: the first grade was released"
        MODERATED = "moderated", "Moderated: the moderator's grade was released"

    OPEN_STATUSES = (Status.AWAITING_SECOND, Status.MODERATION)

    attempt = models.OneToOneField(Attempt, on_delete=models.CASCADE, related_name="second_mark")
    grade = models.OneToOneField(Grade, on_delete=models.CASCADE, related_name="second_mark")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.AWAITING_SECOND, db_index=True)
    drawn_at = models.DateTimeField()
    first_coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    first_levels = models.JSONField(default=dict, help_text="The first coach's levels, as they submitted them.")
    first_overall_comment = models.TextField(blank=True)
    second_coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    second_levels = models.JSONField(default=dict, blank=True)
    second_note = models.TextField(blank=True)
    second_marked_at = models.DateTimeField(null=True, blank=True)
    largest_gap = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Largest gap on any criterion.")
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    moderated_levels = models.JSONField(default=dict, blank=True)
    moderation_note = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["drawn_at", "id"]

    def __str__(self) -> str:
        return f"Second mark of {self.attempt}"


class GradeRevision(models.Model):
    """History of a grade's levels: who changed what, when, and why."""

    grade = models.ForeignKey(Grade, on_delete=models.CASCADE, related_name="revisions")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField()
    old_levels = models.JSONField(default=dict)
    new_levels = models.JSONField(default=dict)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.grade} changed {self.changed_at:%Y-%m-%d %H:%M}"


class AnswerComment(models.Model):
    """A coach's comment anchored to one answer of an attempt."""

    turn = models.ForeignKey(AttemptTurn, on_delete=models.CASCADE, related_name="coach_comments")
    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["turn", "created_at", "id"]

    def __str__(self) -> str:
        return f"Comment on {self.turn}"


class AttemptClaim(models.Model):
    """Opening an attempt to grade holds it for a while, so two coaches never grade it at once."""

    attempt = models.OneToOneField(Attempt, on_delete=models.CASCADE, related_name="claim")
    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.attempt} held by {self.coach}"


class SavedComment(models.Model):
    """A coach's comment bank."""

    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_comments")
    body = models.TextField()
    uses = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uses", "-created_at"]

    def __str__(self) -> str:
        return self.body[:60]


class Channel(models.TextChoices):
    PHONE = "phone", "Phone"
    CHAT = "chat", "Chat"
    EMAIL = "email", "Email"


class CallReview(models.Model):
    """A coach's review of a real call the hire handled, scored on the same rubric: a full review (reference,
    length, transcript, recording) or a nesting observation, jotted down sitting beside the hire on a live call
    (levels, a few moments, one thing to try next). Both go the same way onto the hire's timeline."""

    class Kind(models.TextChoices):
        CALL_REVIEW = "call_review", "Call review"
        NESTING_OBSERVATION = "nesting_observation", "Nesting observation"

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="call_reviews")
    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="call_reviews_given")
    rubric_version = models.ForeignKey(RubricVersion, on_delete=models.PROTECT, related_name="call_reviews")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CALL_REVIEW, db_index=True)
    call_at = models.DateTimeField()
    # A full review requires the reference, the length and the reason (coaching.services); an observation of a
    # live call may not know them.
    call_reference = models.CharField(max_length=100, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.PHONE)
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    reason = models.CharField("customer's reason for calling", max_length=300, blank=True)
    transcript = models.TextField(blank=True)
    recording = models.FileField(upload_to="recordings/", storage=private_storage, blank=True)
    levels = models.JSONField(default=dict)
    percent = models.PositiveSmallIntegerField(null=True, blank=True)
    strengths = models.TextField(blank=True)
    to_work_on = models.TextField(blank=True)
    practice_lessons = models.ManyToManyField(Lesson, blank=True, related_name="+")
    practice_scenarios = models.ManyToManyField(Scenario, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-call_at", "-id"]

    def __str__(self) -> str:
        if self.kind == self.Kind.NESTING_OBSERVATION:
            return f"Observation of a live call on {self.call_at:%Y-%m-%d %H:%M}"
        return f"Review of call {self.call_reference}"

    @property
    def is_observation(self) -> bool:
        return self.kind == self.Kind.NESTING_OBSERVATION


class PendingRecording(models.Model):
    """A checked recording a coach uploaded with a call review the form sent back for a correction:
    kept so it need not be chosen again. Only its coach can use it; it goes once the review is saved."""

    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    file = models.FileField(upload_to="recordings/pending/", storage=private_storage)
    original_name = models.CharField(max_length=255)
    audio_format = models.CharField(max_length=4)
    seconds = models.PositiveIntegerField(null=True, blank=True, help_text="Length read from the file, if known.")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.original_name} kept for {self.coach}"


class CallNote(models.Model):
    """A moment in the call, pinned to its time: "02:13 lovely connection over the dog". A nesting observation's
    moment may have no time (the coach beside the hire had no clock in view)."""

    review = models.ForeignKey(CallReview, on_delete=models.CASCADE, related_name="notes")
    at_seconds = models.PositiveIntegerField(null=True, blank=True)
    body = models.CharField(max_length=500)

    class Meta:
        ordering = ["review", models.F("at_seconds").asc(nulls_last=True), "id"]

    def __str__(self) -> str:
        if self.at_seconds is None:
            return self.body
        return f"{self.at_seconds // 60:02d}:{self.at_seconds % 60:02d} {self.body}"


class Feedback(models.Model):
    """One entry of a hire's coaching timeline: a released grade, a call review or a nesting observation."""

    class Kind(models.TextChoices):
        GRADE = "grade", "Role-play grade"
        RETURNED = "returned", "Role-play returned"
        CALL_REVIEW = "call_review", "Call review"
        NESTING_OBSERVATION = "nesting_observation", "Nesting observation"

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="feedback")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    grade = models.ForeignKey(Grade, null=True, blank=True, on_delete=models.CASCADE, related_name="feedback")
    call_review = models.OneToOneField(
        CallReview, null=True, blank=True, on_delete=models.CASCADE, related_name="feedback"
    )
    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    released_at = models.DateTimeField(db_index=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-released_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(grade__isnull=False) | models.Q(call_review__isnull=False),
                name="feedback_has_a_source",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.enrollment.hire}"


class FeedbackReply(models.Model):
    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Reply by {self.author}"


class Dispute(models.Model):
    """A hire's challenge to the level given on one criterion of a released grade."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    grade = models.ForeignKey(Grade, on_delete=models.CASCADE, related_name="disputes")
    criterion_key = models.SlugField(max_length=40)
    level_disputed = models.PositiveSmallIntegerField()
    reason = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    new_level = models.PositiveSmallIntegerField(null=True, blank=True)
    answer = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["grade", "criterion_key"], condition=models.Q(status="open"), name="one_open_dispute_per_level"
            )
        ]

    def __str__(self) -> str:
        return f"Dispute on {self.criterion_key} of {self.grade}"


class PracticeAssignment(models.Model):
    """A lesson or role-play picked for a hire to practise: by a coach (from the timeline or a call review) or
    automatically, when recent scores put a criterion under the threshold (coaching.practice). An automatic
    pick is made once per reason: `reason_key` names the criterion and the scores that triggered it."""

    class Source(models.TextChoices):
        AUTO = "auto", "Picked automatically"
        COACH = "coach", "Picked by a coach"

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="practice_assignments")
    lesson = models.ForeignKey(Lesson, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    scenario = models.ForeignKey(Scenario, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    criterion_key = models.SlugField(max_length=40, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    reason_key = models.CharField(max_length=200, blank=True, db_index=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    call_review = models.ForeignKey(
        CallReview, null=True, blank=True, on_delete=models.SET_NULL, related_name="practice_assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField()
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-assigned_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(lesson__isnull=False, scenario__isnull=True)
                | models.Q(lesson__isnull=True, scenario__isnull=False),
                name="practice_assignment_one_item",
            ),
            # A retried task never picks the same item twice for the same reason (one constraint per kind of
            # item: an empty column would never count as a duplicate).
            models.UniqueConstraint(
                fields=["enrollment", "reason_key", "lesson"],
                condition=models.Q(source="auto", lesson__isnull=False),
                name="one_auto_practice_lesson_per_reason",
            ),
            models.UniqueConstraint(
                fields=["enrollment", "reason_key", "scenario"],
                condition=models.Q(source="auto", scenario__isnull=False),
                name="one_auto_practice_scenario_per_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Practice {self.lesson or self.scenario} for {self.enrollment.hire}"

    @property
    def item(self):
        return self.lesson or self.scenario


class CallDataDeletion(models.Model):
    """A record of call data deleted under the retention policy (coaching.retention): a review's recording and
    transcript once its call is older than CALL_DATA_RETENTION_DAYS, or an upload kept for a review form that was
    never sent again. The review itself (levels, notes, moments) stays; this row stays if the review goes."""

    class Reason(models.TextChoices):
        RETENTION = "retention", "Retention period over"
        ABANDONED_UPLOAD = "abandoned_upload", "Upload never used for a review"

    review = models.ForeignKey(
        CallReview, null=True, blank=True, on_delete=models.SET_NULL, related_name="data_deletions"
    )
    review_number = models.PositiveBigIntegerField(
        null=True, blank=True, db_index=True, help_text="The review's id, kept if the review is deleted."
    )
    call_at = models.DateTimeField(null=True, blank=True)
    recording_name = models.CharField(max_length=255, blank=True, help_text="The file deleted from private storage.")
    transcript_chars = models.PositiveIntegerField(default=0, help_text="Length of the transcript cleared.")
    retention_days = models.PositiveIntegerField(null=True, blank=True, help_text="The retention period applied.")
    reason = models.CharField(max_length=20, choices=Reason.choices, default=Reason.RETENTION)
    deleted_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-deleted_at", "-id"]

    def __str__(self) -> str:
        parts = [self.recording_name] if self.recording_name else []
        if self.transcript_chars:
            parts.append(f"{self.transcript_chars} characters of transcript")
        return f"{' and '.join(parts) or 'Nothing'} deleted {self.deleted_at:%Y-%m-%d}"
