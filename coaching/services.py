"""Writes for coaching: claims, grades, returns, comments, call reviews, feedback, disputes.

Every state change happens in one transaction, and grade changes keep a revision row.
"""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from coaching import practice, redaction, uploads
from coaching.models import (
    CLAIM_MINUTES,
    DISPUTE_WINDOW_DAYS,
    AnswerComment,
    AttemptClaim,
    CallNote,
    CallReview,
    Channel,
    Dispute,
    Feedback,
    FeedbackReply,
    Grade,
    GradeRevision,
    PendingRecording,
    SavedComment,
    SecondMark,
)
from common.versioned_cache import scope_changed
from courses.caching import ENROLLMENT
from courses.levels import as_level, criterion_name, level_out_of_range_message
from courses.models import Attempt, AttemptState, AttemptTurn, Enrollment, RubricVersion
from courses.services import weighted_percent
from notifications.models import Kind
from notifications.services import notify

MAX_COMMENT_CHARS = 5000


# --- Claims --------------------------------------------------------------------------------


def attempt_open_for_grading(*, attempt: Attempt, coach) -> AttemptClaim | None:
    """Opening an attempt that awaits a coach claims it; anything else is only looked at (a grade held
    for a second mark included: nobody grades it here)."""
    if (
        attempt.state != AttemptState.AWAITING_COACH
        or Grade.objects.filter(attempt=attempt, outcome=Grade.Outcome.HELD).exists()
    ):
        return None
    return attempt_claim(attempt=attempt, coach=coach)


def attempt_claim(*, attempt: Attempt, coach, now: datetime.datetime | None = None) -> AttemptClaim:
    """Hold an attempt for this coach for a while. If another coach holds it, their claim is
    returned unchanged: the caller shows who has it."""
    now = now or timezone.now()
    expires = now + datetime.timedelta(minutes=CLAIM_MINUTES)
    held = AttemptClaim.objects.select_related("coach").filter(attempt=attempt).first()
    if held is not None and held.expires_at > now + datetime.timedelta(minutes=CLAIM_MINUTES / 2):
        return held  # fresh enough, whoever holds it: reopening a page writes nothing
    with transaction.atomic():
        claim = AttemptClaim.objects.select_for_update().select_related("coach").filter(attempt=attempt).first()
        if claim is not None and claim.coach_id != coach.pk and claim.expires_at > now:
            return claim
        if claim is None:
            try:
                with transaction.atomic():
                    return AttemptClaim.objects.create(attempt=attempt, coach=coach, expires_at=expires)
            except IntegrityError:  # another coach claimed it in the same instant
                return AttemptClaim.objects.select_related("coach").get(attempt=attempt)
        claim.coach, claim.expires_at = coach, expires
        claim.save(update_fields=["coach", "expires_at"])
        return claim


def _ensure_not_held_by_another(attempt: Attempt, coach, now: datetime.datetime) -> None:
    claim = AttemptClaim.objects.select_related("coach").filter(attempt=attempt).first()
    if claim is not None and claim.coach_id != coach.pk and claim.expires_at > now:
        raise ValidationError(f"{claim.coach} is grading this attempt right now.", code="claimed")


def ensure_free_to_grade(*, attempt: Attempt, coach, now: datetime.datetime | None = None) -> None:
    """Refuse when another coach holds the attempt right now."""
    _ensure_not_held_by_another(attempt, coach, now or timezone.now())


def attempt_claim_release(*, attempt: Attempt, coach) -> None:
    """A coach lets go of an attempt they opened, so another may grade it at once."""
    AttemptClaim.objects.filter(attempt=attempt, coach=coach).delete()


def _release_claim(attempt: Attempt) -> None:
    AttemptClaim.objects.filter(attempt=attempt).delete()


# --- Grades ----------------------------------------------------------------------------------


def levels_clean(levels: dict, rubric_version: RubricVersion, *, complete: bool = True) -> dict[str, int]:
    """The levels on the rubric's scale, the criteria named as the coach reads them. `complete` asks for
    every criterion (a grade of record); a draft may hold any subset, an empty value being "not chosen yet"."""
    criteria = list(rubric_version.criteria.all())
    given = {key: value for key, value in levels.items() if value not in (None, "")}
    unknown = set(levels if complete else given) - {criterion.key for criterion in criteria}
    if unknown and not complete:
        raise ValidationError(f"Unknown criteria: {', '.join(sorted(map(str, unknown)))}.")
    cleaned, missing = {}, []
    for criterion in criteria:
        if criterion.key not in given:
            missing.append(criterion.title)
            continue
        level = as_level(given[criterion.key])
        if level is None:
            raise ValidationError(level_out_of_range_message(criterion.title), code="level_out_of_range")
        cleaned[criterion.key] = level
    if complete and missing:
        raise ValidationError(f"Choose a level for every criterion (missing: {', '.join(missing)}).", code="missing")
    if unknown:
        raise ValidationError(f"Unknown criteria: {', '.join(sorted(map(str, unknown)))}.")
    return cleaned


def _record_levels(grade: Grade, levels: dict, coach, reason: str, now: datetime.datetime) -> None:
    if grade.levels != levels:
        GradeRevision.objects.create(
            grade=grade, changed_by=coach, changed_at=now, old_levels=grade.levels, new_levels=levels, reason=reason
        )
        grade.levels = levels
        grade.percent = weighted_percent(levels, list(grade.rubric_version.criteria.all()))


def _grade_for(attempt: Attempt, coach) -> Grade:
    grade = Grade.objects.select_for_update().filter(attempt=attempt).first()
    if grade is None:
        grade = Grade(attempt=attempt, coach=coach, rubric_version=attempt.rubric_version)
    return grade


def _clear_draft(grade: Grade) -> None:
    grade.draft_levels, grade.draft_overall_comment, grade.draft_guidance = {}, "", ""
    grade.draft_saved_at = None


def _ensure_not_held_for_second_mark(grade: Grade) -> None:
    if grade.outcome == Grade.Outcome.HELD:
        raise ValidationError(
            "This grade is held for a blind second mark: it is released once a second coach has graded it.",
            code="held",
        )


@transaction.atomic
def grade_draft_save(
    *, attempt: Attempt, coach, levels: dict, overall_comment: str | None = None, guidance: str | None = None,
    now: datetime.datetime | None = None,
) -> Grade:  # fmt: skip
    """Keep what a coach has entered so far (levels, and the overall comment and guidance when given)
    without releasing anything. Saving the same draft again changes nothing but its time."""
    now = now or timezone.now()
    attempt = Attempt.objects.select_for_update().select_related("rubric_version").get(pk=attempt.pk)
    if attempt.state not in (AttemptState.AWAITING_COACH, AttemptState.GRADED):
        raise ValidationError("Only a submitted, graded role-play can be graded.", code="not_gradable")
    _ensure_not_held_by_another(attempt, coach, now)
    cleaned = levels_clean(levels, attempt.rubric_version, complete=False)
    grade = _grade_for(attempt, coach)
    _ensure_not_held_for_second_mark(grade)
    if grade.pk is None:
        grade.outcome = Grade.Outcome.DRAFT
    # Levels only ever get chosen (a radio cannot be unchosen), so what is given adds to the draft.
    grade.draft_levels = {**(grade.draft_levels if grade.has_draft else {}), **cleaned}
    if overall_comment is not None:
        grade.draft_overall_comment = overall_comment.strip()[:MAX_COMMENT_CHARS]
    if guidance is not None:
        grade.draft_guidance = guidance.strip()[:MAX_COMMENT_CHARS]
    grade.draft_saved_at = now
    if grade.outcome == Grade.Outcome.RELEASED and (grade.draft_levels, grade.draft_overall_comment) == (
        grade.levels,
        grade.overall_comment,
    ):
        _clear_draft(grade)  # nothing differs from the grade of record (a save that crossed a release)
    grade.save()
    return grade


@transaction.atomic
def grade_release(
    *, attempt: Attempt, coach, levels: dict, overall_comment: str = "", reason: str = "",
    now: datetime.datetime | None = None,
) -> Grade:  # fmt: skip
    """Release a grade: it becomes the grade of record and the hire sees it. A released grade
    may be changed later only with a reason, and every change is kept. Levels not given are
    taken from the draft; releasing clears the draft. A first release drawn for blind second
    marking (see coaching.second_marking) is held instead: the hire sees nothing until it is settled."""
    from coaching.second_marking import second_mark_drawn  # that module builds on this one

    now = now or timezone.now()
    attempt = (
        Attempt.objects.select_for_update(of=("self",))
        .select_related("rubric_version", "enrollment__cohort")
        .get(pk=attempt.pk)
    )
    if attempt.state not in (AttemptState.AWAITING_COACH, AttemptState.GRADED):
        raise ValidationError("Only a submitted, graded role-play can be graded.", code="not_gradable")
    _ensure_not_held_by_another(attempt, coach, now)
    grade = _grade_for(attempt, coach)
    _ensure_not_held_for_second_mark(grade)
    given = {key: value for key, value in levels.items() if value not in (None, "")}
    cleaned = levels_clean({**grade.draft_levels, **given}, attempt.rubric_version)
    already_released = grade.outcome == Grade.Outcome.RELEASED
    if already_released and cleaned != grade.levels and not reason.strip():
        raise ValidationError("A released grade can only be changed with a reason.", code="reason_required")
    if grade.pk is None:
        grade.save()
    _record_levels(grade, cleaned, coach, reason.strip(), now)
    grade.coach = coach
    grade.overall_comment = overall_comment.strip()[:MAX_COMMENT_CHARS]
    cohort = attempt.enrollment.cohort
    if not already_released and second_mark_drawn(
        cohort_id=cohort.pk, attempt_id=attempt.pk, percent=cohort.second_marking_percent
    ):
        _grade_hold(grade=grade, attempt=attempt, now=now)
    else:
        _grade_publish(grade=grade, attempt=attempt, now=now, announce=not already_released)
    return grade


def _grade_hold(*, grade: Grade, attempt: Attempt, now: datetime.datetime) -> None:
    """Keep a first grade back for a blind second mark. The attempt still awaits a coach, as the hire
    sees it; the first coach's levels and comment are kept with the second mark as they gave them."""
    grade.outcome = Grade.Outcome.HELD
    _clear_draft(grade)
    grade.save()
    _release_claim(attempt)
    SecondMark.objects.create(
        attempt=attempt, grade=grade, drawn_at=now, first_coach=grade.coach, first_levels=dict(grade.levels),
        first_overall_comment=grade.overall_comment,
    )  # fmt: skip


def _grade_publish(*, grade: Grade, attempt: Attempt, now: datetime.datetime, announce: bool) -> None:
    """The grade becomes the grade of record. `announce` on its first release: it goes on the hire's
    timeline and the hire is told. The one way a grade reaches a hire, second-marked ones included."""
    grade.outcome = Grade.Outcome.RELEASED
    grade.released_at = grade.released_at or now
    _clear_draft(grade)
    grade.save()
    attempt.state = AttemptState.GRADED
    attempt.save(update_fields=["state"])
    _release_claim(attempt)
    practice.practice_assign_later(enrollment_id=attempt.enrollment_id)  # its levels may call for practice
    if announce:
        Feedback.objects.create(
            enrollment=attempt.enrollment, kind=Feedback.Kind.GRADE, grade=grade, coach=grade.coach, released_at=now
        )
        notify(
            recipient=attempt.enrollment.hire, kind=Kind.FEEDBACK, key=f"grade:{grade.pk}",
            title=f"{grade.coach} graded your role-play: {attempt.scenario.title}",
            body=f"{grade.percent}%. {grade.overall_comment}".strip(), url=reverse("coaching:my_feedback"), now=now,
        )  # fmt: skip


@transaction.atomic
def attempt_return(
    *, attempt: Attempt, coach, guidance: str, overall_comment: str = "", now: datetime.datetime | None = None
) -> Grade:
    """Send an attempt back for another try, with guidance. It does not use up one of the hire's attempts."""
    now = now or timezone.now()
    if not guidance.strip():
        raise ValidationError("Say what to try differently when returning an attempt.", code="guidance_required")
    attempt = Attempt.objects.select_for_update().select_related("enrollment").get(pk=attempt.pk)
    if attempt.state != AttemptState.AWAITING_COACH:
        raise ValidationError("Only an attempt awaiting a coach can be returned.", code="not_returnable")
    _ensure_not_held_by_another(attempt, coach, now)
    grade = _grade_for(attempt, coach)
    _ensure_not_held_for_second_mark(grade)
    grade.coach = coach
    grade.guidance = guidance.strip()[:MAX_COMMENT_CHARS]
    grade.overall_comment = overall_comment.strip()[:MAX_COMMENT_CHARS]
    grade.outcome = Grade.Outcome.RETURNED
    _clear_draft(grade)
    grade.save()
    attempt.state = AttemptState.RETURNED
    attempt.save(update_fields=["state"])
    _release_claim(attempt)
    Feedback.objects.create(
        enrollment=attempt.enrollment, kind=Feedback.Kind.RETURNED, grade=grade, coach=coach, released_at=now
    )
    notify(
        recipient=attempt.enrollment.hire, kind=Kind.RETURNED, key=f"attempt:{attempt.pk}",
        title=f"{coach} returned your role-play for another try: {attempt.scenario.title}",
        body=grade.guidance, url=reverse("courses:scenario", args=[attempt.scenario.slug]), now=now,
    )  # fmt: skip
    return grade


@transaction.atomic
def answer_comment_add(*, turn: AttemptTurn, coach, body: str, save_to_bank: bool = False) -> AnswerComment:
    """A comment on one answer; with `save_to_bank` also kept in the coach's comment bank, both or neither."""
    body = body.strip()
    if not body:
        raise ValidationError("A comment needs some text.")
    if not turn.is_answered:
        raise ValidationError("Comments go on answers the hire has sent.")
    comment = AnswerComment.objects.create(turn=turn, coach=coach, body=body[:MAX_COMMENT_CHARS])
    if save_to_bank:
        saved_comment_add(coach=coach, body=body)
    return comment


def saved_comment_add(*, coach, body: str) -> SavedComment:
    body = body.strip()
    if not body:
        raise ValidationError("A saved comment needs some text.")
    comment, _ = SavedComment.objects.get_or_create(coach=coach, body=body[:MAX_COMMENT_CHARS])
    return comment


# --- Call reviews ----------------------------------------------------------------------------


def _moments_check(notes, *, duration_seconds: int | None, recording_seconds: int | None) -> None:
    """Every moment must fall within the call: its stated length, and the recording's when known. A moment
    without a time (a nesting observation's may have none), or a call of unknown length, has nothing to check."""
    problems = []
    for number, (at, _) in enumerate(notes, start=1):
        if at is None:
            continue
        if duration_seconds is not None and at > duration_seconds:
            problems.append(
                f"Moment {number} ({uploads.format_timestamp(at)}) is after the end of the call "
                f"({uploads.format_timestamp(duration_seconds)})."
            )
        elif recording_seconds is not None and at > recording_seconds:
            problems.append(
                f"Moment {number} ({uploads.format_timestamp(at)}) is after the end of the recording "
                f"({uploads.format_timestamp(recording_seconds)})."
            )
    if problems:
        raise ValidationError({"notes": problems})


def _practice_check(enrollment: Enrollment, lessons, scenarios) -> None:
    curriculum_id = enrollment.cohort.curriculum_id
    if any(lesson.curriculum_id != curriculum_id for lesson in lessons) or any(
        scenario.curriculum_id != curriculum_id for scenario in scenarios
    ):
        raise ValidationError("Assigned practice must come from the hire's own curriculum.")


def _recording_read(recording) -> tuple[str | None, int | None]:
    """The checked format of a recording and its length in seconds (None where unreadable)."""
    if recording is None:
        return None, None
    audio_format = uploads.recording_check(recording)
    return audio_format, uploads.recording_seconds(recording, audio_format)


def _review_fill(review: CallReview, *, rubric_version, call_at, call_reference, channel, duration_seconds, reason,
                 cleaned, strengths, to_work_on, transcript) -> None:  # fmt: skip
    review.call_at, review.call_reference, review.channel = call_at, call_reference.strip(), channel
    review.duration_seconds, review.reason = duration_seconds, reason.strip()
    # Customers' card numbers, security codes, phone numbers and email addresses never reach the database.
    review.transcript = redaction.transcript_redact(transcript).text
    review.levels = cleaned
    review.percent = weighted_percent(cleaned, list(rubric_version.criteria.all()))
    review.strengths, review.to_work_on = strengths.strip(), to_work_on.strip()


def _recording_store(review: CallReview, recording, audio_format: str) -> None:
    # A random name: nothing about the hire or the customer in the stored file's path.
    review.recording.save(f"{uuid.uuid4().hex}.{audio_format}", recording, save=False)


def _notes_replace(review: CallReview, notes) -> None:
    review.notes.all().delete()
    CallNote.objects.bulk_create(CallNote(review=review, at_seconds=at, body=body.strip()[:500]) for at, body in notes)


MAX_OBSERVATION_MOMENTS = 3


def _kind_check(*, kind: str, call_reference: str, duration_seconds: int | None, reason: str, notes,
                to_work_on: str) -> None:  # fmt: skip
    """What each kind asks for. A full review names the call (reference, length, reason); a nesting observation,
    written beside the hire on a live call, keeps to a few moments and always leaves one thing to try next."""
    problems: dict[str, list[str]] = {}
    if kind == CallReview.Kind.CALL_REVIEW:
        for name, value in (("call_reference", call_reference.strip()), ("reason", reason.strip())):
            if not value:
                problems[name] = ["This field cannot be blank."]
        if duration_seconds is None:
            problems["duration_seconds"] = ["Say how long the call was."]
    elif kind == CallReview.Kind.NESTING_OBSERVATION:
        if len(notes) > MAX_OBSERVATION_MOMENTS:
            problems["notes"] = [f"Note at most {MAX_OBSERVATION_MOMENTS} moments of a live call."]
        if any(not body.strip() for _, body in notes):
            problems.setdefault("notes", []).append("Every moment needs a few words.")
        if not to_work_on.strip():
            problems["to_work_on"] = ["Say one thing to try on the next call."]
    else:
        problems["kind"] = ["Choose a call review or a nesting observation."]
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def call_review_create(
    *, enrollment: Enrollment, coach, rubric_version: RubricVersion, levels: dict,
    kind: str = CallReview.Kind.CALL_REVIEW, call_at: datetime.datetime | None = None, call_reference: str = "",
    channel: str = Channel.PHONE, duration_seconds: int | None = None, reason: str = "",
    strengths: str = "", to_work_on: str = "", transcript: str = "", transcript_file=None, recording=None,
    notes: list[tuple[int | None, str]] = (), lessons=(), scenarios=(), now: datetime.datetime | None = None,
) -> CallReview:  # fmt: skip
    """Record a review of a real call, or a nesting observation of a live one (`kind`), put it on the hire's
    coaching timeline and tell the hire. An observation's call is taken to be now unless its time is given.
    The transcript, typed or uploaded, is stored redacted (coaching.redaction)."""
    now = now or timezone.now()
    call_at = call_at or now
    notes = list(notes)
    cleaned = levels_clean(levels, rubric_version)
    _kind_check(kind=kind, call_reference=call_reference, duration_seconds=duration_seconds, reason=reason,
                notes=notes, to_work_on=to_work_on)  # fmt: skip
    if transcript_file is not None:
        transcript, _ = uploads.transcript_read(transcript_file)
    recording_format, recording_seconds = _recording_read(recording)
    _moments_check(notes, duration_seconds=duration_seconds, recording_seconds=recording_seconds)
    _practice_check(enrollment, lessons, scenarios)
    review = CallReview(enrollment=enrollment, coach=coach, rubric_version=rubric_version, kind=kind)
    _review_fill(
        review, rubric_version=rubric_version, call_at=call_at, call_reference=call_reference, channel=channel,
        duration_seconds=duration_seconds, reason=reason, cleaned=cleaned, strengths=strengths,
        to_work_on=to_work_on, transcript=transcript,
    )  # fmt: skip
    review.full_clean(exclude=["recording"])
    if recording is not None:
        _recording_store(review, recording, recording_format)
    review.save()
    _notes_replace(review, notes)
    review.practice_lessons.set(lessons)
    review.practice_scenarios.set(scenarios)
    practice.practice_picks_sync(review=review, coach=coach, lessons=lessons, scenarios=scenarios, now=now)
    practice.practice_assign_later(enrollment_id=enrollment.pk)
    observed = kind == CallReview.Kind.NESTING_OBSERVATION
    feedback_kind = Feedback.Kind.NESTING_OBSERVATION if observed else Feedback.Kind.CALL_REVIEW
    Feedback.objects.create(enrollment=enrollment, kind=feedback_kind, call_review=review, coach=coach, released_at=now)
    if observed:
        title = f"{coach} watched your live call" + (f": {review.reason}" if review.reason else "")
        body = f"On your next call, try this: {review.to_work_on}"
    else:
        title, body = f"{coach} reviewed your call: {review.reason}", review.strengths
    notify(
        recipient=enrollment.hire, kind=Kind.FEEDBACK, key=f"call_review:{review.pk}", title=title, body=body,
        url=reverse("coaching:call_review", args=[review.pk]), now=now,
    )  # fmt: skip
    return review


def can_edit_call_review(*, review: CallReview, user) -> bool:
    """The coach who wrote a review may correct it, and so may an admin."""
    return permissions.is_admin(user) or (permissions.can_grade(user) and review.coach_id == user.pk)


@transaction.atomic
def call_review_update(
    *, review: CallReview, editor, call_at: datetime.datetime, call_reference: str, channel: str,
    duration_seconds: int | None, reason: str, levels: dict, strengths: str = "", to_work_on: str = "",
    transcript: str = "", transcript_file=None, recording=None, notes: list[tuple[int | None, str]] = (), lessons=(),
    scenarios=(), now: datetime.datetime | None = None,
) -> CallReview:  # fmt: skip
    """Correct a saved review, with the same checks as recording one. A new recording replaces the
    old one; without one the old one stays. The hire's feedback entry stays where it is."""
    now = now or timezone.now()
    if not can_edit_call_review(review=review, user=editor):
        raise ValidationError("Only the coach who wrote this review, or an admin, can change it.", code="forbidden")
    review = (
        CallReview.objects.select_for_update().select_related("rubric_version", "enrollment__cohort").get(pk=review.pk)
    )
    cleaned = levels_clean(levels, review.rubric_version)
    _kind_check(kind=review.kind, call_reference=call_reference, duration_seconds=duration_seconds, reason=reason,
                notes=list(notes), to_work_on=to_work_on)  # fmt: skip
    if transcript_file is not None:
        transcript, _ = uploads.transcript_read(transcript_file)
    recording_format, recording_seconds = _recording_read(recording)
    if recording is None and review.recording and review.recording.name.endswith(".wav"):
        with review.recording.open("rb") as kept:
            recording_seconds = uploads.recording_seconds(kept, "wav")
    _moments_check(notes, duration_seconds=duration_seconds, recording_seconds=recording_seconds)
    _practice_check(review.enrollment, lessons, scenarios)
    _review_fill(
        review, rubric_version=review.rubric_version, call_at=call_at, call_reference=call_reference,
        channel=channel, duration_seconds=duration_seconds, reason=reason, cleaned=cleaned, strengths=strengths,
        to_work_on=to_work_on, transcript=transcript,
    )  # fmt: skip
    review.full_clean(exclude=["recording"])
    if recording is not None:
        old = review.recording.name if review.recording else None
        _recording_store(review, recording, recording_format)
        if old:
            transaction.on_commit(lambda: review.recording.storage.delete(old))
    review.edited_at, review.edited_by = now, editor
    review.save()
    _notes_replace(review, notes)
    review.practice_lessons.set(lessons)
    review.practice_scenarios.set(scenarios)
    practice.practice_picks_sync(review=review, coach=editor, lessons=lessons, scenarios=scenarios, now=now)
    practice.practice_assign_later(enrollment_id=review.enrollment_id)
    return review


@transaction.atomic
def pending_recording_keep(*, coach, upload) -> PendingRecording:
    """Keep a checked recording for its coach while the review form is corrected; one per coach
    (a newer one replaces it), so call audio never piles up."""
    audio_format, seconds = _recording_read(upload)
    pending_recordings_discard(coach=coach)
    pending = PendingRecording(
        coach=coach, original_name=(getattr(upload, "name", "") or "recording")[-255:].split("/")[-1],
        audio_format=audio_format, seconds=seconds,
    )  # fmt: skip
    pending.file.save(f"{uuid.uuid4().hex}.{audio_format}", upload, save=False)
    pending.save()
    return pending


def pending_recordings_discard(*, coach) -> None:
    for pending in PendingRecording.objects.filter(coach=coach):
        name = pending.file.name
        pending.delete()
        if name:
            transaction.on_commit(lambda name=name, storage=pending.file.storage: storage.delete(name))


# --- Feedback, replies and disputes ---------------------------------------------------------------


def feedback_acknowledge(*, feedback: Feedback, hire, now: datetime.datetime | None = None) -> Feedback:
    """The hire has read it. Idempotent: the first acknowledgement's time is kept."""
    if feedback.enrollment.hire_id != hire.pk:
        raise ValidationError("Only the hire it was given to can acknowledge feedback.")
    Feedback.objects.filter(pk=feedback.pk, acknowledged_at__isnull=True).update(acknowledged_at=now or timezone.now())
    scope_changed(ENROLLMENT, feedback.enrollment_id)  # an update sends no signal: the cached facts must still go
    feedback.refresh_from_db(fields=["acknowledged_at"])
    return feedback


def reply_recipient(*, feedback: Feedback, author):
    """Who is told of a reply: the coach who gave the feedback when the hire replies, else the hire."""
    return feedback.coach if author.pk == feedback.enrollment.hire_id else feedback.enrollment.hire


@transaction.atomic
def feedback_reply(*, feedback: Feedback, author, body: str, now: datetime.datetime | None = None) -> FeedbackReply:
    """A reply on a piece of feedback; the other side is told (see reply_recipient)."""
    body = body.strip()
    if not body:
        raise ValidationError("A reply needs some text.")
    reply = FeedbackReply.objects.create(feedback=feedback, author=author, body=body[:MAX_COMMENT_CHARS])
    recipient = reply_recipient(feedback=feedback, author=author)
    if recipient.pk == feedback.enrollment.hire_id:
        url = f"{reverse('coaching:my_feedback')}#feedback-{feedback.pk}"
    else:
        url = f"{reverse('coaching:hire_timeline', args=[feedback.enrollment_id])}#feedback-{feedback.pk}"
    notify(
        recipient=recipient, kind=Kind.REPLY, key=f"reply:{reply.pk}", title=f"{author} replied to feedback",
        body=reply.body, url=url, now=now,
    )  # fmt: skip
    return reply


@transaction.atomic
def dispute_open(*, grade: Grade, hire, criterion_key: str, reason: str, now: datetime.datetime | None = None):
    now = now or timezone.now()
    grade = (
        Grade.objects.select_for_update(of=("self",))
        .select_related("attempt__enrollment__cohort", "attempt__scenario", "coach")
        .get(pk=grade.pk)
    )
    if grade.attempt.enrollment.hire_id != hire.pk:
        raise ValidationError("Only the hire who was graded can dispute a grade.")
    if grade.outcome != Grade.Outcome.RELEASED:
        raise ValidationError("Only a released grade can be disputed.")
    if now > grade.released_at + datetime.timedelta(days=DISPUTE_WINDOW_DAYS):
        raise ValidationError(f"Grades can be disputed within {DISPUTE_WINDOW_DAYS} days of their release.")
    if criterion_key not in grade.levels:
        raise ValidationError("Choose a criterion of this grade.")
    if not reason.strip():
        raise ValidationError("Say why you think the level should be different.")
    if Dispute.objects.filter(grade=grade, criterion_key=criterion_key, status=Dispute.Status.OPEN).exists():
        raise ValidationError("This level is already disputed and waiting for an answer.")
    dispute = Dispute.objects.create(
        grade=grade, criterion_key=criterion_key, level_disputed=grade.levels[criterion_key],
        reason=reason.strip()[:MAX_COMMENT_CHARS],
    )  # fmt: skip
    # The grading coach and the cohort's other coaches: any of them may answer.
    coaches = {grade.coach, *grade.attempt.enrollment.cohort.coaches.all()}
    criterion = criterion_name(grade.rubric_version.criteria.all(), criterion_key)
    for coach in coaches:
        notify(
            recipient=coach, kind=Kind.DISPUTE, key=f"dispute:{dispute.pk}:opened",
            title=f"{hire} disputes a level: {criterion} on {grade.attempt.scenario.title}",
            body=dispute.reason, url=reverse("coaching:overview"), now=now,
        )  # fmt: skip
    return dispute


@transaction.atomic
def dispute_resolve(
    *, dispute: Dispute, coach, accept: bool, answer: str, new_level: int | None = None,
    now: datetime.datetime | None = None,
) -> Dispute:  # fmt: skip
    """Accept (the grade changes, with history) or reject (with an answer) a dispute."""
    now = now or timezone.now()
    dispute = Dispute.objects.select_for_update().select_related("grade").get(pk=dispute.pk)
    if dispute.status != Dispute.Status.OPEN:
        raise ValidationError("This dispute has already been answered.")
    if not answer.strip():
        raise ValidationError("Answer the hire: say why.")
    if accept:
        grade = Grade.objects.select_for_update().select_related("rubric_version").get(pk=dispute.grade_id)
        if new_level is None or new_level == dispute.level_disputed:
            raise ValidationError("Choose the new level (different from the disputed one).")
        if as_level(new_level) is None:
            criteria = grade.rubric_version.criteria.all()
            raise ValidationError(level_out_of_range_message(criterion_name(criteria, dispute.criterion_key)))
        levels = {**grade.levels, dispute.criterion_key: new_level}
        _record_levels(grade, levels, coach, f"Dispute accepted: {answer.strip()}", now)
        grade.save(update_fields=["levels", "percent", "updated_at"])
        dispute.new_level = new_level
    dispute.status = Dispute.Status.ACCEPTED if accept else Dispute.Status.REJECTED
    dispute.resolved_by, dispute.answer, dispute.resolved_at = coach, answer.strip(), now
    dispute.save()
    attempt = Attempt.objects.select_related("enrollment__hire", "scenario").get(grade=dispute.grade_id)
    verdict = f"accepted: the level is now {dispute.new_level}" if accept else "not accepted"
    criterion = criterion_name(dispute.grade.rubric_version.criteria.all(), dispute.criterion_key)
    notify(
        recipient=attempt.enrollment.hire, kind=Kind.DISPUTE, key=f"dispute:{dispute.pk}:resolved",
        title=f"Your dispute on {criterion} ({attempt.scenario.title}) was {verdict}",
        body=dispute.answer, url=reverse("coaching:my_feedback"), now=now,
    )  # fmt: skip
    return dispute
