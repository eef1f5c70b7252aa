"""Fetch-and-authorise helpers for a hire's training content, shared by web and API.

Content outside the hire's own curriculum does not exist for them (404); content of
a week that has not unlocked for them is refused (403) with its unlock time.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts import permissions
from courses.models import Attempt, Enrollment, KnowledgeCheck, Lesson, Scenario, ScorerVersion, Week
from courses.pacing import Schedule, schedule_for
from courses.selectors import enrollment_current


class WeekLocked(PermissionDenied):
    def __init__(self, week_number: int, unlocks_at: datetime.datetime):
        self.week_number = week_number
        self.unlocks_at = unlocks_at
        super().__init__(f"Week {week_number} unlocks at {unlocks_at.isoformat()}.")


def access_scorer_version(user, version_id: int) -> ScorerVersion:
    """A stored pre-scorer version, for the people who manage the pre-scorer."""
    if not permissions.can_manage_scorer(user):
        raise PermissionDenied
    return get_object_or_404(ScorerVersion.objects.defer("model"), pk=version_id)


def access_enrollment(user) -> Enrollment:
    if not permissions.can_take_training(user):
        raise PermissionDenied
    enrollment = enrollment_current(hire=user)
    if enrollment is None:
        raise Http404("You are not enrolled in a running cohort.")
    return enrollment


def _check_unlocked(schedule: Schedule, week_number: int, now: datetime.datetime) -> None:
    if not schedule.is_unlocked(week_number, now):
        raise WeekLocked(week_number, schedule.week_unlocks_at(week_number))


def access_week(user, week_number: int, *, now: datetime.datetime | None = None):
    now = now or timezone.now()
    enrollment = access_enrollment(user)
    week = Week.objects.filter(curriculum_id=enrollment.cohort.curriculum_id, number=week_number).first()
    if week is None:
        raise Http404
    schedule = schedule_for(enrollment, now)
    _check_unlocked(schedule, week.number, now)
    return enrollment, week, schedule


def access_lesson(
    user,
    *,
    lesson_id: int | None = None,
    week_number: int | None = None,
    slug: str | None = None,
    now: datetime.datetime | None = None,
):
    now = now or timezone.now()
    enrollment = access_enrollment(user)
    lessons = Lesson.objects.select_related("week").filter(curriculum_id=enrollment.cohort.curriculum_id)
    if lesson_id is not None:
        lesson = lessons.filter(pk=lesson_id).first()
    else:
        lesson = lessons.filter(week__number=week_number, slug=slug).first()
    if lesson is None:
        raise Http404
    schedule = schedule_for(enrollment, now)
    _check_unlocked(schedule, lesson.week.number, now)
    return enrollment, lesson, schedule


def access_knowledge_check(
    user, *, check_id: int | None = None, week_number: int | None = None, now: datetime.datetime | None = None
):
    now = now or timezone.now()
    enrollment = access_enrollment(user)
    checks = KnowledgeCheck.objects.select_related("week").filter(week__curriculum_id=enrollment.cohort.curriculum_id)
    check = (
        checks.filter(pk=check_id).first() if check_id is not None else checks.filter(week__number=week_number).first()
    )
    if check is None:
        raise Http404
    schedule = schedule_for(enrollment, now)
    _check_unlocked(schedule, check.week.number, now)
    return enrollment, check, schedule


def access_scenario(
    user, *, slug: str | None = None, scenario_id: int | None = None, now: datetime.datetime | None = None
):
    now = now or timezone.now()
    enrollment = access_enrollment(user)
    scenarios = Scenario.objects.select_related("week", "rubric").filter(curriculum_id=enrollment.cohort.curriculum_id)
    scenario = (
        scenarios.filter(pk=scenario_id).first() if scenario_id is not None else scenarios.filter(slug=slug).first()
    )
    if scenario is None:
        raise Http404
    _check_unlocked(schedule_for(enrollment, now), scenario.week.number, now)
    return enrollment, scenario


def access_attempt(
    user,
    *,
    attempt_id: int | None = None,
    slug: str | None = None,
    number: int | None = None,
    now: datetime.datetime | None = None,
) -> Attempt:
    """An attempt of the signed-in hire's own; anyone else's does not exist for them."""
    enrollment = access_enrollment(user)
    attempts = Attempt.objects.select_related("scenario__week", "rubric_version").filter(enrollment=enrollment)
    if attempt_id is not None:
        attempt = attempts.filter(pk=attempt_id).first()
    else:
        attempt = attempts.filter(scenario__slug=slug, number=number).first()
    if attempt is None:
        raise Http404
    attempt.enrollment = enrollment
    return attempt


def access_enrollment_to_manage(user, enrollment_id: int) -> Enrollment:
    """Any hire's enrollment, for the people who manage cohorts (excusing items); an unknown id is a 404."""
    if not permissions.can_manage_cohorts(user):
        raise PermissionDenied
    enrollment = Enrollment.objects.select_related("hire", "cohort").filter(pk=enrollment_id).first()
    if enrollment is None:
        raise Http404
    return enrollment
