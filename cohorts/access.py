"""Fetch-and-authorise for the cohort pages and API: only people who manage cohorts reach a cohort
or an enrollment; anything else is refused before it is read."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from accounts import permissions
from courses.models import Cohort, Enrollment


def access_cohort(user, cohort_id: int) -> Cohort:
    if not permissions.can_manage_cohorts(user):
        raise PermissionDenied
    return get_object_or_404(Cohort.objects.select_related("curriculum"), pk=cohort_id)


def access_enrollment(user, enrollment_id: int, *, cohort: Cohort | None = None) -> Enrollment:
    """An enrollment to manage; with `cohort`, only one of that cohort's (another cohort's id is a 404)."""
    if not permissions.can_manage_cohorts(user):
        raise PermissionDenied
    enrollments = Enrollment.objects.select_related("hire", "cohort")
    if cohort is not None:
        enrollments = enrollments.filter(cohort=cohort)
    return get_object_or_404(enrollments, pk=enrollment_id)


def access_cohort_coach(user, cohort_id: int, coach_id: int):
    """A cohort and one of its coaches (a coach not assigned to it is a 404)."""
    cohort = access_cohort(user, cohort_id)
    return cohort, get_object_or_404(cohort.coaches, pk=coach_id)
