"""Writes for calibration: open a session, grade blind, reveal, record gold.

Each runs in one transaction. Nothing here writes a grade of record, feedback or anything the hire sees.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import permissions
from calibration.alerts import leniency_alerts_check
from calibration.models import (
    AnchorItem,
    CalibrationGrade,
    CalibrationSession,
    GoldRecord,
    Participant,
    SessionItem,
)
from coaching.models import CallReview
from coaching.services import MAX_COMMENT_CHARS, levels_clean
from courses.models import Attempt, AttemptState
from notifications.models import Kind
from notifications.services import NotificationDraft, notify_many

# Work a coach has finished with: submitted and past the automatic estimate.
ANCHORABLE_ATTEMPT_STATES = (AttemptState.AWAITING_COACH, AttemptState.GRADED, AttemptState.RETURNED)


def _anchor_for_attempt(attempt: Attempt, *, by) -> AnchorItem:
    if attempt.state not in ANCHORABLE_ATTEMPT_STATES:
        raise ValidationError(f"Only a submitted role-play can be an anchor item (attempt {attempt.pk} is not).")
    anchor, _ = AnchorItem.objects.get_or_create(
        attempt=attempt,
        defaults={"kind": AnchorItem.Kind.ROLEPLAY, "rubric_version": attempt.rubric_version,
                  "title": attempt.scenario.title, "created_by": by},
    )  # fmt: skip
    return anchor


def _anchor_for_call(review: CallReview, *, by) -> AnchorItem:
    anchor, _ = AnchorItem.objects.get_or_create(
        call_review=review,
        defaults={"kind": AnchorItem.Kind.CALL, "rubric_version": review.rubric_version,
                  "title": f"Real call: {review.reason}"[:200], "created_by": by},
    )  # fmt: skip
    return anchor


@transaction.atomic
def session_create(
    *, facilitator, title: str, due_at: datetime.datetime, coaches, attempts=(), call_reviews=(),
    now: datetime.datetime | None = None,
) -> CalibrationSession:  # fmt: skip
    """Open a calibration session on the chosen role-plays and real calls, inviting the chosen coaches,
    and tell each of them. An admin or a lead coach facilitates; two coaches at least grade."""
    now = now or timezone.now()
    if not permissions.can_lead_grading_quality(facilitator):
        raise PermissionDenied("Only an admin or a lead coach runs calibration sessions.")
    coaches = list(dict.fromkeys(coaches))
    problems = []
    if not title.strip():
        problems.append("Give the session a title.")
    if due_at <= now:
        problems.append("The due date must be in the future.")
    if len(coaches) < 2:
        problems.append("Invite at least two coaches: calibration compares graders.")
    if any(not permissions.can_grade(coach) or not coach.is_active for coach in coaches):
        problems.append("Only active coaches and admins can be invited.")
    if not attempts and not call_reviews:
        problems.append("Pick at least one anchor item: a submitted role-play or a reviewed call.")
    if problems:
        raise ValidationError(problems)
    anchors = [_anchor_for_attempt(attempt, by=facilitator) for attempt in attempts]
    anchors += [_anchor_for_call(review, by=facilitator) for review in call_reviews]
    session = CalibrationSession.objects.create(title=title.strip()[:200], facilitator=facilitator, due_at=due_at)
    SessionItem.objects.bulk_create(
        SessionItem(session=session, anchor=anchor, position=n) for n, anchor in enumerate(dict.fromkeys(anchors))
    )
    Participant.objects.bulk_create(Participant(session=session, coach=coach, invited_at=now) for coach in coaches)
    due = f"{timezone.localtime(due_at):%d %b %Y %H:%M}"
    notify_many(
        [
            NotificationDraft(
                recipient=coach,
                kind=Kind.CALIBRATION,
                subject=f"open:{session.pk}",
                title=f"Calibration session opened: {session.title}",
                body=f"{len(anchors)} item(s) to grade blind by {due}.",
            )
            for coach in coaches
        ],
        now=now,
    )
    return session


@transaction.atomic
def calibration_grade_save(
    *, item: SessionItem, coach, levels: dict, note: str = "", now: datetime.datetime | None = None
) -> CalibrationGrade:
    """A coach's blind levels for one item, changeable until the reveal. Grading the last item
    marks the coach's part of the session done."""
    now = now or timezone.now()
    session = CalibrationSession.objects.select_for_update().get(pk=item.session_id)
    if session.is_revealed:
        raise ValidationError("This session has been revealed; its grades can no longer change.", code="revealed")
    participant = Participant.objects.filter(session=session, coach=coach).first()
    if participant is None:
        raise PermissionDenied("Only coaches invited to the session grade its items.")
    cleaned = levels_clean(levels, item.anchor.rubric_version)
    grade, _ = CalibrationGrade.objects.update_or_create(
        item=item, coach=coach,
        defaults={"levels": cleaned, "note": note.strip()[:MAX_COMMENT_CHARS], "graded_at": now},
    )  # fmt: skip
    if participant.submitted_at is None:
        graded = CalibrationGrade.objects.filter(item__session=session, coach=coach).count()
        if graded == session.items.count():
            participant.submitted_at = now
            participant.save(update_fields=["submitted_at"])
    return grade


def _may_facilitate(session: CalibrationSession, user) -> bool:
    return user.pk == session.facilitator_id or permissions.is_admin(user)


@transaction.atomic
def session_reveal(*, session: CalibrationSession, by, now: datetime.datetime | None = None) -> CalibrationSession:
    """Show every coach's levels, the spread and the estimate. Revealing twice changes nothing."""
    now = now or timezone.now()
    session = CalibrationSession.objects.select_for_update().get(pk=session.pk)
    if not _may_facilitate(session, by):
        raise PermissionDenied("Only the session's facilitator or an admin reveals it.")
    if session.is_revealed:
        return session
    session.status, session.revealed_at = CalibrationSession.Status.REVEALED, now
    session.save(update_fields=["status", "revealed_at"])
    participants = session.participants.select_related("coach")
    notify_many(
        [
            NotificationDraft(
                recipient=participant.coach,
                kind=Kind.CALIBRATION,
                subject=f"revealed:{session.pk}",
                title=f"Calibration session revealed: {session.title}",
            )
            for participant in participants
        ],
        now=now,
    )
    return session


@transaction.atomic
def gold_record(
    *, item: SessionItem, by, levels: dict, note: str = "", now: datetime.datetime | None = None
) -> AnchorItem:
    """After the reveal, the facilitator records the agreed level per criterion, with a note: the gold
    level. The anchor joins the bank; every recording keeps an audit row. Once every item has its gold,
    coaches' deviations are checked for alerts."""
    now = now or timezone.now()
    session = CalibrationSession.objects.get(pk=item.session_id)
    if not _may_facilitate(session, by):
        raise PermissionDenied("Only the session's facilitator or an admin records gold levels.")
    if not session.is_revealed:
        raise ValidationError("Reveal the session before recording gold levels.", code="not_revealed")
    anchor = AnchorItem.objects.select_for_update().select_related("rubric_version").get(pk=item.anchor_id)
    cleaned = levels_clean(levels, anchor.rubric_version)
    note = note.strip()[:MAX_COMMENT_CHARS]
    anchor.gold_levels, anchor.gold_note, anchor.gold_set_by, anchor.gold_set_at = cleaned, note, by, now
    anchor.in_bank = True
    anchor.save(update_fields=["gold_levels", "gold_note", "gold_set_by", "gold_set_at", "in_bank"])
    GoldRecord.objects.create(item=item, levels=cleaned, note=note, set_by=by, set_at=now)
    if not session.items.filter(anchor__gold_levels={}).exists():  # settled: every item has its gold
        leniency_alerts_check(session=session, now=now)
    return anchor
