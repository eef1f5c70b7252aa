"""Reads for training data. Views, API views and tasks use these rather than querying directly."""

from django.db.models import Count, Q, QuerySet

from accounts import permissions
from courses.models import Cohort, Enrollment, EnrollmentStatus


def cohort_list(*, user) -> QuerySet[Cohort]:
    """Cohorts this person may see, with head counts, in one query."""
    cohorts = Cohort.objects.annotate(
        hire_count=Count("enrollments", distinct=True),
        active_count=Count("enrollments", filter=Q(enrollments__status=EnrollmentStatus.ACTIVE), distinct=True),
        coach_count=Count("coaches", distinct=True),
    ).order_by("-start_date", "name")
    if permissions.is_admin(user):
        return cohorts
    if permissions.is_coach(user):
        return cohorts.filter(coaches=user)
    return cohorts.none()


def enrollment_current(*, hire) -> Enrollment | None:
    """The hire's enrollment that is still running (active or paused), newest first."""
    return (
        Enrollment.objects.select_related("cohort")
        .filter(hire=hire, status__in=[EnrollmentStatus.ACTIVE, EnrollmentStatus.PAUSED])
        .order_by("-cohort__start_date")
        .first()
    )
