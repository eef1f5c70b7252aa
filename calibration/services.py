"""Writes for calibration: open a session, grade blind, reveal, record gold; onboard a new coach on
gold items from the anchor bank; remind coaches of sessions due soon.

Each runs in one transaction. Nothing here writes a grade of record, feedback or anything the hire sees.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from accounts.selectors import admins_active
from calibration.alerts import leniency_alerts_check
from calibration.models import (
    AnchorItem,
    CalibrationGrade,
    CalibrationSession,
    GoldRecord,
    Participant,
    SessionItem,
)
from calibration.selectors import ANCHORABLE_ATTEMPT_STATES, onboarding_report_line, onboarding_summary
from coaching.models import CallReview
from coaching.services import MAX_COMMENT_CHARS, levels_clean
from courses.models import Attempt
from notifications.models import Kind
from notifications.services import NotificationDraft, notify_many

# Invited coaches who have not submitted hear once when a session is due within this long.
DUE_SOON = datetime.timedelta(hours=24)


def session_url(session: CalibrationSession) -> str:
    return reverse("calibration:session", args=[session.pk])


def may_facilitate(session: CalibrationSession, user) -> bool:
    """The session's facilitator and admins reveal it, record gold and follow everyone's progress."""
    return permissions.is_signed_in(user) and (user.pk == session.facilitator_id or permissions.is_admin(user))


def _due_label(due_at: datetime.datetime) -> str:
    return f"{timezone.localtime(due_at):%d %b %Y %H:%M}"


def _invite(session: CalibrationSession, coaches, *, count: int, now: datetime.datetime) -> None:
    notify_many(
        [
            NotificationDraft(
                recipient=coach,
                kind=Kind.CALIBRATION,
                subject=f"open:{session.pk}",
                title=f"{session.get_kind_display()} session opened: {session.title}",
                body=f"{count} item(s) to grade blind by {_due_label(session.due_at)}.",
                url=session_url(session),
            )
            for coach in coaches
        ],
        now=now,
    )


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
    _invite(session, coaches, count=len(anchors), now=now)
    return session


@transaction.atomic
def onboarding_session_create(
    *, facilitator, coach, anchors, due_at: datetime.datetime, now: datetime.datetime | None = None
) -> CalibrationSession:
    """Give one new coach a set of gold items from the anchor bank to grade blind. When they have graded
    every item the session reveals itself and the facilitator and admins hear how close they came."""
    now = now or timezone.now()
    if not permissions.can_lead_grading_quality(facilitator):
        raise PermissionDenied("Only an admin or a lead coach starts an onboarding session.")
    anchors = list(dict.fromkeys(anchors))
    problems = []
    if coach is None or not permissions.can_grade(coach) or not coach.is_active:
        problems.append("Choose an active coach to onboard.")
    if due_at <= now:
        problems.append("The due date must be in the future.")
    if not anchors:
        problems.append("Pick at least one item from the anchor bank.")
    if any(not anchor.in_bank or not anchor.has_gold for anchor in anchors):
        problems.append("Only anchor bank items with gold levels can be used for onboarding.")
    if problems:
        raise ValidationError(problems)
    session = CalibrationSession.objects.create(
        title=f"Onboarding: {coach.display_name}"[:200], kind=CalibrationSession.Kind.ONBOARDING,
        facilitator=facilitator, due_at=due_at,
    )  # fmt: skip
    SessionItem.objects.bulk_create(
        SessionItem(session=session, anchor=anchor, position=n) for n, anchor in enumerate(anchors)
    )
    Participant.objects.create(session=session, coach=coach, invited_at=now)
    _invite(session, [coach], count=len(anchors), now=now)
    return session


def _onboarding_finish(session: CalibrationSession, *, now: datetime.datetime) -> None:
    """The onboarded coach graded everything: reveal, and tell the admins and the facilitator the result."""
    _reveal(session, now=now)
    coach, found = onboarding_summary(session=session)
    line = onboarding_report_line(coach, found)
    recipients = {admin.pk: admin for admin in admins_active()}
    recipients.setdefault(session.facilitator_id, session.facilitator)
    notify_many(
        [
            NotificationDraft(
                recipient=recipient, kind=Kind.GRADING_QUALITY, subject=f"onboarded:{session.pk}", title=line,
                body=f"{found.n} level(s) compared with gold in “{session.title}”.", url=session_url(session),
            )
            for recipient in recipients.values()
        ],
        now=now,
    )  # fmt: skip


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
            if session.kind == CalibrationSession.Kind.ONBOARDING:
                _onboarding_finish(session, now=now)
    return grade


def _reveal(session: CalibrationSession, *, now: datetime.datetime) -> None:
    session.status, session.revealed_at = CalibrationSession.Status.REVEALED, now
    session.save(update_fields=["status", "revealed_at"])
    participants = session.participants.select_related("coach")
    notify_many(
        [
            NotificationDraft(
                recipient=participant.coach,
                kind=Kind.CALIBRATION,
                subject=f"revealed:{session.pk}",
                title=f"{session.get_kind_display()} session revealed: {session.title}",
                url=session_url(session),
            )
            for participant in participants
        ],
        now=now,
    )


@transaction.atomic
def session_reveal(*, session: CalibrationSession, by, now: datetime.datetime | None = None) -> CalibrationSession:
    """Show every coach's levels, the spread and the estimate. Revealing twice changes nothing."""
    now = now or timezone.now()
    session = CalibrationSession.objects.select_for_update().get(pk=session.pk)
    if not may_facilitate(session, by):
        raise PermissionDenied("Only the session's facilitator or an admin reveals it.")
    if session.is_revealed:
        return session
    _reveal(session, now=now)
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
    if not may_facilitate(session, by):
        raise PermissionDenied("Only the session's facilitator or an admin records gold levels.")
    if session.kind == CalibrationSession.Kind.ONBOARDING:
        # One new coach's levels are compared with gold, never used to set it.
        raise ValidationError("Gold levels are agreed in calibration sessions, not in onboarding.", code="onboarding")
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


@transaction.atomic
def calibration_due_reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Tell each invited coach who has not submitted, once per session, that an open session is due
    within a day. The notification key makes a repeat run (hourly) write nothing more."""
    now = now or timezone.now()
    waiting = Participant.objects.filter(
        session__status=CalibrationSession.Status.OPEN,
        session__due_at__gt=now,
        session__due_at__lte=now + DUE_SOON,
        submitted_at__isnull=True,
        coach__is_active=True,
    ).select_related("session", "coach")
    drafts = [
        NotificationDraft(
            recipient=participant.coach,
            kind=Kind.CALIBRATION,
            subject=f"due:{participant.session_id}",
            title=f"Due soon: {participant.session.title}",
            body=f"Grade every item blind by {_due_label(participant.session.due_at)}.",
            url=session_url(participant.session),
        )
        for participant in waiting
    ]
    return len(notify_many(drafts, now=now))
