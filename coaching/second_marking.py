"""Blind second marking, with moderation: the services and reads of the flow.

A share of first releases (the cohort's `second_marking_percent`) is drawn, reproducibly, and the grade
is held: the hire keeps seeing "awaiting a coach". A second coach grades the role-play blind (without the
first grade, the first coach's comments or the automatic estimate). Within one level on every criterion the
first grade is released as it stands; two levels apart or more on any criterion, a moderator (an admin or a
lead coach) sets the grade that is released. The grading target's clock keeps running all along.
"""

import datetime
import hashlib
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import BooleanField, Case, Count, F, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from accounts.models import Role, User
from accounts.selectors import admins_active
from coaching import services
from coaching.models import Grade, SecondMark
from coaching.selectors import attempt_turns, visible_to
from courses import selectors as course_selectors
from courses.levels import criterion_name
from courses.models import Attempt, EnrollmentStatus
from courses.moments import moment_phrase
from notifications.models import Kind
from notifications.services import NotificationDraft, notify_many

MODERATION_GAP = 2  # levels apart on any one criterion
DRAW_SCALE = 10_000  # the draw is to a hundredth of a percent
HELD_LIST_SIZE = 50
NOBODY = Q(pk__isnull=True)  # a rule nobody meets (a primary key is never null)
GONE = (EnrollmentStatus.WITHDRAWN, EnrollmentStatus.LEFT_WITH_OFFER)  # waits for nobody, as in the queue


# --- The draw ------------------------------------------------------------------------------------------


def second_mark_drawn(*, cohort_id: int, attempt_id: int, percent: int) -> bool:
    """Whether a first release is held for a blind second mark. The same attempt always gets the same
    answer (releasing again cannot re-roll it), and over many attempts about `percent` of them are drawn."""
    digest = hashlib.sha256(f"{cohort_id}:{attempt_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % DRAW_SCALE < percent * 100


def largest_gap(first: dict, second: dict) -> int:
    """The largest difference between two sets of levels on any criterion they share."""
    return max((abs(int(first[key]) - int(second[key])) for key in first.keys() & second.keys()), default=0)


# --- Who may do what (the web, the API, the queue and the notices read these) --------------------------


def second_markable(user) -> Q:
    """Second marks (on SecondMark) this person may grade blind: a coach who may see the hire, or a lead
    coach or an admin, and never the coach who gave the first grade."""
    if not permissions.can_grade(user):
        return NOBODY
    rule = ~Q(first_coach=user)
    if not permissions.can_lead_grading_quality(user):
        # A subquery, so that a hire in two of this coach's cohorts is still one row.
        rule &= Q(pk__in=SecondMark.objects.filter(visible_to(user, "attempt__enrollment__")).values("pk"))
    return rule


def moderatable(user) -> Q:
    """Second marks (on SecondMark) this person may moderate: an admin any; a lead coach any they did not mark."""
    if not permissions.can_lead_grading_quality(user):
        return NOBODY
    if permissions.is_admin(user):
        return Q()
    return ~Q(first_coach=user) & ~Q(second_coach=user)


def may_second_mark(*, user, second_mark: SecondMark) -> bool:
    return SecondMark.objects.filter(second_markable(user), pk=second_mark.pk).exists()


def may_moderate(*, user, second_mark: SecondMark) -> bool:
    return SecondMark.objects.filter(moderatable(user), pk=second_mark.pk).exists()


def moderators() -> list[User]:
    """Who is told when two marks disagree: admins and lead coaches."""
    leads = User.objects.filter(role=Role.COACH, is_lead_coach=True, is_active=True)
    return list({person.pk: person for person in [*admins_active(), *leads]}.values())


# --- Reads ---------------------------------------------------------------------------------------------


def _open() -> QuerySet[SecondMark]:
    return SecondMark.objects.filter(status__in=SecondMark.OPEN_STATUSES).exclude(attempt__enrollment__status__in=GONE)


def _listed(second_marks: QuerySet[SecondMark]) -> QuerySet[SecondMark]:
    return second_marks.select_related(
        "attempt__scenario__week", "attempt__enrollment__hire", "attempt__enrollment__cohort", "first_coach"
    ).order_by("attempt__submitted_at", "id")


def second_marks_waiting(*, user) -> QuerySet[SecondMark]:
    """Role-plays waiting for this person's blind second mark, oldest submission first."""
    return _listed(_open().filter(second_markable(user), status=SecondMark.Status.AWAITING_SECOND))


def moderation_waiting(*, user) -> QuerySet[SecondMark]:
    """Second marks two levels apart or more, waiting for this person to moderate, oldest first."""
    return _listed(_open().filter(moderatable(user), status=SecondMark.Status.MODERATION))


def held_for_the_queue(*, user) -> list[SecondMark]:
    """The held role-plays of the hires this person coaches (an admin or lead: all), oldest first, each
    marked with what this person may do with it (`can_second_mark`, `can_moderate`). At most HELD_LIST_SIZE."""
    held = _open()
    if not permissions.can_lead_grading_quality(user):
        held = held.filter(pk__in=SecondMark.objects.filter(visible_to(user, "attempt__enrollment__")).values("pk"))
    flag = {"default": Value(False), "output_field": BooleanField()}
    return list(
        _listed(held).annotate(
            can_second_mark=Case(
                When(second_markable(user) & Q(status=SecondMark.Status.AWAITING_SECOND), then=Value(True)), **flag
            ),
            can_moderate=Case(
                When(moderatable(user) & Q(status=SecondMark.Status.MODERATION), then=Value(True)), **flag
            ),
        )[:HELD_LIST_SIZE]
    )


@dataclass(frozen=True)
class SecondMarkCounts:
    second_marks: int = 0
    moderation: int = 0


def second_mark_counts(*, user) -> SecondMarkCounts:
    """How many wait for this person's second mark and moderation: one query."""
    second = second_markable(user) & Q(status=SecondMark.Status.AWAITING_SECOND)
    moderation = moderatable(user) & Q(status=SecondMark.Status.MODERATION)
    row = _open().aggregate(second=Count("id", filter=second), moderation=Count("id", filter=moderation))
    return SecondMarkCounts(row["second"], row["moderation"])


def second_mark_counts_per_coach(*, coaches) -> dict[int, SecondMarkCounts]:
    """Each coach's counts (coach id → counts) by the same rules as `second_mark_counts`, in two queries
    whatever the number of coaches: one for their cohorts, one for the lead coaches, who see them all."""
    coaches = list(coaches)
    leads = {coach.pk for coach in coaches if permissions.can_lead_grading_quality(coach)}
    others = [coach.pk for coach in coaches if coach.pk not in leads]
    found = {pk: SecondMarkCounts() for pk in (coach.pk for coach in coaches)}
    if others:
        coach_of = "attempt__enrollment__cohort__coaches"
        rows = (
            _open()
            .filter(status=SecondMark.Status.AWAITING_SECOND, **{f"{coach_of}__in": others})
            .values(coach_of)
            .annotate(n=Count("id", filter=~Q(first_coach_id=F(coach_of)), distinct=True))
        )
        for row in rows:
            found[row[coach_of]] = SecondMarkCounts(second_marks=row["n"])
    if leads:
        pairs = list(_open().values_list("status", "first_coach_id", "second_coach_id").annotate(n=Count("id")))
        for pk in leads:
            found[pk] = SecondMarkCounts(
                second_marks=sum(
                    n for status, first, _, n in pairs if status == SecondMark.Status.AWAITING_SECOND and first != pk
                ),
                moderation=sum(
                    n
                    for status, first, second, n in pairs
                    if status == SecondMark.Status.MODERATION and pk not in (first, second)
                ),
            )
    return found


def open_second_mark(*, attempt: Attempt) -> SecondMark | None:
    """The second mark an attempt waits for, if its grade is held."""
    return SecondMark.objects.filter(attempt=attempt, status__in=SecondMark.OPEN_STATUSES).first()


@dataclass(frozen=True)
class HeldClock:
    """The grading target's clock of a held role-play: it keeps running while the grade is held."""

    submitted_at: datetime.datetime | None
    due_at: datetime.datetime | None
    now: datetime.datetime

    @property
    def past_target(self) -> bool:
        return self.due_at is not None and self.due_at < self.now


def held_clock(*, attempt: Attempt, now: datetime.datetime | None = None) -> HeldClock:
    return HeldClock(attempt.submitted_at, attempt.grading_due_at, now or timezone.now())


def blind_context(*, second_mark: SecondMark, now: datetime.datetime | None = None) -> dict:
    """What the second coach sees: the conversation and the rubric, and nothing of the first grade, the
    first coach's comments or the automatic estimate (no percent, no levels, no highlighted evidence)."""
    attempt = second_mark.attempt
    flags = course_selectors.attempt_integrity_flags(attempt)
    turns = list(attempt.turns.order_by("number"))
    for turn in turns:
        turn.flags = [flag for flag in flags if flag.get("turn") == turn.number]
    return {
        "second_mark": second_mark,
        "attempt": attempt,
        "turns": turns,
        "criteria": list(attempt.rubric_version.criteria.all()),
        "clock": held_clock(attempt=attempt, now=now),
    }


@dataclass(frozen=True)
class ModerationRow:
    key: str
    title: str
    first: int | None
    second: int | None
    estimate: int | None
    gap: int | None


def moderation_context(*, second_mark: SecondMark, now: datetime.datetime | None = None) -> dict:
    """Both grades side by side with the gap per criterion and the automatic estimate, and the conversation
    as the first coach read it (highlights and comments)."""
    attempt = second_mark.attempt
    criteria = list(attempt.rubric_version.criteria.all())
    estimate = (attempt.prescore or {}).get("levels", {})
    first, second = second_mark.first_levels, second_mark.second_levels
    rows = [
        ModerationRow(
            c.key, c.title, first.get(c.key), second.get(c.key), estimate.get(c.key),
            abs(first[c.key] - second[c.key]) if c.key in first and c.key in second else None,
        )
        for c in criteria
    ]  # fmt: skip
    return {
        "second_mark": second_mark,
        "attempt": attempt,
        "turns": attempt_turns(attempt=attempt),
        "flags": course_selectors.attempt_integrity_flags(attempt),
        "criteria": criteria,
        "rows": rows,
        "clock": held_clock(attempt=attempt, now=now),
    }


# --- Writes ----------------------------------------------------------------------------------------------


def _locked(second_mark: SecondMark) -> SecondMark:
    return (
        SecondMark.objects.select_for_update(of=("self",))
        .select_related("attempt__rubric_version", "attempt__enrollment__hire", "attempt__scenario", "first_coach")
        .get(pk=second_mark.pk)
    )


def _release(second_mark: SecondMark, now: datetime.datetime) -> None:
    """Release the held grade exactly as an ordinary first release would."""
    grade = Grade.objects.select_for_update().select_related("rubric_version", "coach").get(pk=second_mark.grade_id)
    attempt = (
        Attempt.objects.select_for_update().select_related("enrollment__hire", "scenario").get(pk=grade.attempt_id)
    )
    services._grade_publish(grade=grade, attempt=attempt, now=now, announce=True)


@transaction.atomic
def second_mark_submit(
    *, second_mark: SecondMark, coach, levels: dict, note: str = "", now: datetime.datetime | None = None
) -> SecondMark:
    """A second coach's blind grade. Within one level of the first grade on every criterion, the first
    grade is released; two levels apart or more on any criterion, it goes to moderation and the
    moderators are told."""
    now = now or timezone.now()
    second_mark = _locked(second_mark)
    if second_mark.status != SecondMark.Status.AWAITING_SECOND:
        raise ValidationError("This role-play has already been second-marked.", code="already_second_marked")
    if second_mark.first_coach_id == coach.pk:
        raise PermissionDenied("You gave the first grade: another coach grades it blind.")
    if not may_second_mark(user=coach, second_mark=second_mark):
        raise PermissionDenied("Only a coach of this hire, a lead coach or an admin can second-mark this role-play.")
    cleaned = services.levels_clean(levels, second_mark.attempt.rubric_version)
    second_mark.second_coach, second_mark.second_levels = coach, cleaned
    second_mark.second_note = note.strip()[: services.MAX_COMMENT_CHARS]
    second_mark.second_marked_at = now
    second_mark.largest_gap = largest_gap(second_mark.first_levels, cleaned)
    if second_mark.largest_gap < MODERATION_GAP:
        second_mark.status, second_mark.resolved_at = SecondMark.Status.AGREED, now
        second_mark.save()
        _release(second_mark, now)
    else:
        second_mark.status = SecondMark.Status.MODERATION
        second_mark.save()
        _moderators_tell(second_mark, now)
    return second_mark


def _moderators_tell(second_mark: SecondMark, now: datetime.datetime) -> None:
    attempt = second_mark.attempt
    criteria = attempt.rubric_version.criteria.all()
    apart = [
        criterion_name(criteria, key)
        for key in second_mark.second_levels
        if abs(second_mark.first_levels.get(key, 0) - second_mark.second_levels[key]) >= MODERATION_GAP
    ]
    markers = {second_mark.first_coach_id, second_mark.second_coach_id}
    notify_many(
        [
            NotificationDraft(
                recipient=person, kind=Kind.GRADING_QUALITY, subject=f"second_mark:{second_mark.pk}:moderation",
                title=f"Two marks {second_mark.largest_gap} levels apart: {attempt.enrollment.hire}, "
                f"{attempt.scenario.title}",
                body=f"Apart on {', '.join(apart)}. The grade is held until a moderator sets it.",
                url=reverse("coaching:moderate", args=[second_mark.pk]),
            )
            for person in moderators()
            if permissions.is_admin(person) or person.pk not in markers
        ],
        now=now,
    )  # fmt: skip


@transaction.atomic
def second_mark_moderate(
    *, second_mark: SecondMark, moderator, levels: dict, note: str, now: datetime.datetime | None = None
) -> SecondMark:
    """A moderator sets the grade that is released (recorded on the grade as "moderated"; both marks stay
    on the second mark). Two moderators at once: the second is told it is already moderated."""
    now = now or timezone.now()
    second_mark = _locked(second_mark)
    if second_mark.status == SecondMark.Status.MODERATED:
        raise ValidationError("This role-play has already been moderated.", code="already_moderated")
    if second_mark.status != SecondMark.Status.MODERATION:
        raise ValidationError("Only two marks two levels apart or more go to moderation.", code="not_in_moderation")
    if not may_moderate(user=moderator, second_mark=second_mark):
        raise PermissionDenied("An admin, or a lead coach who marked neither grade, moderates second marks.")
    cleaned = services.levels_clean(levels, second_mark.attempt.rubric_version)
    if not note.strip():
        raise ValidationError("Say why you set these levels: the note is kept with both marks.", code="note_required")
    grade = Grade.objects.select_for_update().select_related("rubric_version").get(pk=second_mark.grade_id)
    services._record_levels(grade, cleaned, moderator, "moderated", now)
    grade.save(update_fields=["levels", "percent", "updated_at"])
    second_mark.moderator, second_mark.moderated_levels = moderator, cleaned
    second_mark.moderation_note = note.strip()[: services.MAX_COMMENT_CHARS]
    second_mark.status, second_mark.resolved_at = SecondMark.Status.MODERATED, now
    second_mark.save()
    _release(second_mark, now)
    return second_mark


# --- Grading-overdue notices for held role-plays (see notifications.digests) ------------------------------


def held_overdue_notices(*, now: datetime.datetime) -> list[NotificationDraft]:
    """Held role-plays past their grading target, told to whom they now wait for: the hire's other coaches
    for a second mark (the lead coaches and admins when there is no other coach), the moderators for
    moderation. Never the coach who already graded it. Once per attempt and stage."""
    overdue = list(
        _open()
        .filter(attempt__grading_due_at__lt=now)
        .select_related("attempt__enrollment__hire", "attempt__scenario")
        .prefetch_related("attempt__enrollment__cohort__coaches")
    )
    if not overdue:
        return []
    moderating = moderators()
    drafts = []
    for second_mark in overdue:
        attempt = second_mark.attempt
        markers = {second_mark.first_coach_id, second_mark.second_coach_id}
        if second_mark.status == SecondMark.Status.AWAITING_SECOND:
            stage, url = "second_mark", reverse("coaching:second_mark", args=[second_mark.pk])
            recipients = [c for c in attempt.enrollment.cohort.coaches.all() if c.pk != second_mark.first_coach_id]
            recipients = recipients or [p for p in moderating if p.pk != second_mark.first_coach_id]
            title = f"Waiting past the grading target for a blind second mark: {attempt.enrollment.hire}, "
        else:
            stage, url = "moderation", reverse("coaching:moderate", args=[second_mark.pk])
            recipients = [p for p in moderating if permissions.is_admin(p) or p.pk not in markers]
            title = f"Waiting past the grading target for moderation: {attempt.enrollment.hire}, "
        for person in recipients:
            drafts.append(NotificationDraft(
                recipient=person, kind=Kind.GRADING_OVERDUE, subject=f"attempt:{attempt.pk}:{stage}",
                title=f"{title}{attempt.scenario.title}",
                body=f"Submitted {moment_phrase(attempt.submitted_at, person.time_zone)}. The first grade is held "
                f"until this is done; the hire still sees it waiting for a coach.",
                url=url,
            ))  # fmt: skip
    return drafts
