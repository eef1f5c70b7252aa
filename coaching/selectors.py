"""Reads for coaching. A coach sees only the hires of the cohorts they coach; an admin sees all."""

from django.db.models import QuerySet

from accounts import permissions
from courses.models import Enrollment


def enrollments_visible(*, user) -> QuerySet[Enrollment]:
    enrollments = Enrollment.objects.select_related("hire", "cohort")
    if permissions.is_admin(user):
        return enrollments
    if permissions.is_coach(user):
        return enrollments.filter(cohort__coaches=user)
    return enrollments.none()
