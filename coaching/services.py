"""Writes for coaching: claims, grades, returns, comments, call reviews, feedback, disputes.

Every state change happens in one transaction, and grade changes keep a revision row.
"""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from coaching import uploads
from coaching.models import (
    CLAIM_MINUTES,
    DISPUTE_WINDOW_DAYS,
    AnswerComment,
    AttemptClaim,
    CallNote,
    CallReview,
    Dispute,
    Feedback,
    FeedbackReply,
    Grade,
    GradeRevision,
    SavedComment,
)
from courses.models import Attempt, AttemptState, AttemptTurn, Enrollment, RubricVersion
from courses.services import weighted_percent
from notifications.models import Kind
from notifications.services import notify

MAX_COMMENT_CHARS = 5000


# --- Claims --------------------------------------------------------------------------------


def attempt_open_for_grading(*, attempt: Attempt, coach) -> AttemptClaim | None:
    """Opening an attempt that awaits a coach claims it; anything else is only looked at."""
    if attempt.state != AttemptState.AWAITING_COACH:
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


def attempt_claim_release(*, attempt: Attempt, coach) -> None:
    """A coach lets go of an attempt they opened, so another may grade it at once."""
    AttemptClaim.objects.filter(attempt=attempt, coach=coach).delete()


def _release_claim(attempt: Attempt) -> None:
    AttemptClaim.objects.filter(attempt=attempt).delete()


# --- Grades ----------------------------------------------------------------------------------


def _clean_levels(levels: dict, rubric_version: RubricVersion) -> dict[str, int]:
    keys = [c.key for c in rubric_version.criteria.all()]
    cleaned, missing = {}, []
    for key in keys:
        value = levels.get(key)
        if value in (None, ""):
            missing.append(key)
            continue
        try:
            level = int(value)
        except (TypeError, ValueError):
            raise ValidationError(f"The level for {key} must be 0, 1, 2 or 3.") from None
        if level not in (0, 1, 2, 3):
            raise ValidationError(f"The level for {key} must be 0, 1, 2 or 3.")
        cleaned[key] = level
    if missing:
        raise ValidationError(f"Choose a level for every criterion (missing: {', '.join(missing)}).", code="missing")
    unknown = set(levels) - set(keys)
    if unknown:
        raise ValidationError(f"Unknown criteria: {', '.join(sorted(unknown))}.")
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


@transaction.atomic
def grade_release(
    *, attempt: Attempt, coach, levels: dict, overall_comment: str = "", reason: str = "",
    now: datetime.datetime | None = None,
) -> Grade:  # fmt: skip
    """Release a grade: it becomes the grade of record and the hire sees it. A released grade
    may be changed later only with a reason, and every change is kept."""
    now = now or timezone.now()
    attempt = Attempt.objects.select_for_update().select_related("rubric_version", "enrollment").get(pk=attempt.pk)
    if attempt.state not in (AttemptState.AWAITING_COACH, AttemptState.GRADED):
        raise ValidationError("Only a submitted, graded role-play can be graded.", code="not_gradable")
    _ensure_not_held_by_another(attempt, coach, now)
    cleaned = _clean_levels(levels, attempt.rubric_version)
    grade = _grade_for(attempt, coach)
    already_released = grade.outcome == Grade.Outcome.RELEASED
    if already_released and cleaned != grade.levels and not reason.strip():
        raise ValidationError("A released grade can only be changed with a reason.", code="reason_required")
    if grade.pk is None:
        grade.save()
    _record_levels(grade, cleaned, coach, reason.strip(), now)
    grade.coach = coach
    grade.overall_comment = overall_comment.strip()[:MAX_COMMENT_CHARS]
    grade.outcome = Grade.Outcome.RELEASED
    grade.released_at = grade.released_at or now
    grade.save()
    attempt.state = AttemptState.GRADED
    attempt.save(update_fields=["state"])
    _release_claim(attempt)
    if not already_released:
        Feedback.objects.create(
            enrollment=attempt.enrollment, kind=Feedback.Kind.GRADE, grade=grade, coach=coach, released_at=now
        )
        notify(
            recipient=attempt.enrollment.hire, kind=Kind.FEEDBACK, key=f"grade:{grade.pk}",
            title=f"{coach} graded your role-play: {attempt.scenario.title}",
            body=f"{grade.percent}%. {grade.overall_comment}".strip(), url=reverse("coaching:my_feedback"), now=now,
        )  # fmt: skip
    return grade


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
    grade.coach = coach
    grade.guidance = guidance.strip()[:MAX_COMMENT_CHARS]
    grade.overall_comment = overall_comment.strip()[:MAX_COMMENT_CHARS]
    grade.outcome = Grade.Outcome.RETURNED
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


def answer_comment_add(*, turn: AttemptTurn, coach, body: str) -> AnswerComment:
    body = body.strip()
    if not body:
        raise ValidationError("A comment needs some text.")
    if not turn.is_answered:
        raise ValidationError("Comments go on answers the hire has sent.")
    return AnswerComment.objects.create(turn=turn, coach=coach, body=body[:MAX_COMMENT_CHARS])


def saved_comment_add(*, coach, body: str) -> SavedComment:
    body = body.strip()
    if not body:
        raise ValidationError("A saved comment needs some text.")
    comment, _ = SavedComment.objects.get_or_create(coach=coach, body=body[:MAX_COMMENT_CHARS])
    return comment


# --- Call reviews ----------------------------------------------------------------------------


@transaction.atomic
def call_review_create(
    *, enrollment: Enrollment, coach, rubric_version: RubricVersion, call_at: datetime.datetime,
    call_reference: str, channel: str, duration_seconds: int, reason: str, levels: dict,
    strengths: str = "", to_work_on: str = "", transcript: str = "", transcript_file=None, recording=None,
    notes: list[tuple[int, str]] = (), lessons=(), scenarios=(), now: datetime.datetime | None = None,
) -> CallReview:  # fmt: skip
    """Record a review of a real call and put it on the hire's coaching timeline."""
    now = now or timezone.now()
    cleaned = _clean_levels(levels, rubric_version)
    if transcript_file is not None:
        transcript, _ = uploads.transcript_read(transcript_file)
    recording_format = uploads.recording_check(recording) if recording is not None else None
    curriculum_id = enrollment.cohort.curriculum_id
    if any(lesson.curriculum_id != curriculum_id for lesson in lessons) or any(
        scenario.curriculum_id != curriculum_id for scenario in scenarios
    ):
        raise ValidationError("Assigned practice must come from the hire's own curriculum.")
    review = CallReview(
        enrollment=enrollment, coach=coach, rubric_version=rubric_version, call_at=call_at,
        call_reference=call_reference.strip(), channel=channel, duration_seconds=duration_seconds,
        reason=reason.strip(), transcript=transcript, levels=cleaned,
        percent=weighted_percent(cleaned, list(rubric_version.criteria.all())),
        strengths=strengths.strip(), to_work_on=to_work_on.strip(),
    )  # fmt: skip
    review.full_clean(exclude=["recording"])
    if recording is not None:
        # A random name: nothing about the hire or the customer in the stored file's path.
        review.recording.save(f"{uuid.uuid4().hex}.{recording_format}", recording, save=False)
    review.save()
    CallNote.objects.bulk_create(CallNote(review=review, at_seconds=at, body=body.strip()[:500]) for at, body in notes)
    review.practice_lessons.set(lessons)
    review.practice_scenarios.set(scenarios)
    Feedback.objects.create(
        enrollment=enrollment, kind=Feedback.Kind.CALL_REVIEW, call_review=review, coach=coach, released_at=now
    )
    notify(
        recipient=enrollment.hire, kind=Kind.FEEDBACK, key=f"call_review:{review.pk}",
        title=f"{coach} reviewed your call: {review.reason}", body=review.strengths,
        url=reverse("coaching:call_review", args=[review.pk]), now=now,
    )  # fmt: skip
    return review


# --- Feedback, replies and disputes ---------------------------------------------------------------


def feedback_acknowledge(*, feedback: Feedback, hire, now: datetime.datetime | None = None) -> Feedback:
    """The hire has read it. Idempotent: the first acknowledgement's time is kept."""
    if feedback.enrollment.hire_id != hire.pk:
        raise ValidationError("Only the hire it was given to can acknowledge feedback.")
    Feedback.objects.filter(pk=feedback.pk, acknowledged_at__isnull=True).update(acknowledged_at=now or timezone.now())
    feedback.refresh_from_db(fields=["acknowledged_at"])
    return feedback


def feedback_reply(*, feedback: Feedback, author, body: str) -> FeedbackReply:
    body = body.strip()
    if not body:
        raise ValidationError("A reply needs some text.")
    return FeedbackReply.objects.create(feedback=feedback, author=author, body=body[:MAX_COMMENT_CHARS])


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
    for coach in coaches:
        notify(
            recipient=coach, kind=Kind.DISPUTE, key=f"dispute:{dispute.pk}:opened",
            title=f"{hire} disputes a level: {criterion_key} on {grade.attempt.scenario.title}",
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
        if new_level not in (0, 1, 2, 3) or new_level == dispute.level_disputed:
            raise ValidationError("Choose the new level (different from the disputed one).")
        grade = Grade.objects.select_for_update().get(pk=dispute.grade_id)
        levels = {**grade.levels, dispute.criterion_key: new_level}
        _record_levels(grade, levels, coach, f"Dispute accepted: {answer.strip()}", now)
        grade.save(update_fields=["levels", "percent", "updated_at"])
        dispute.new_level = new_level
    dispute.status = Dispute.Status.ACCEPTED if accept else Dispute.Status.REJECTED
    dispute.resolved_by, dispute.answer, dispute.resolved_at = coach, answer.strip(), now
    dispute.save()
    attempt = Attempt.objects.select_related("enrollment__hire", "scenario").get(grade=dispute.grade_id)
    verdict = f"accepted: the level is now {dispute.new_level}" if accept else "not accepted"
    notify(
        recipient=attempt.enrollment.hire, kind=Kind.DISPUTE, key=f"dispute:{dispute.pk}:resolved",
        title=f"Your dispute on {dispute.criterion_key} ({attempt.scenario.title}) was {verdict}",
        body=dispute.answer, url=reverse("coaching:my_feedback"), now=now,
    )  # fmt: skip
    return dispute
