"""Fetch-and-authorise for outcomes: only admins (who manage cohorts) reach a cohort's outcomes or record a
hire's retention; coaches and hires get the same refusal as on the other cohort pages."""

from cohorts.access import access_cohort, access_enrollment
from courses.models import Cohort, Enrollment


def access_outcomes(user, cohort_id: int) -> Cohort:
    return access_cohort(user, cohort_id)


def access_retention(user, enrollment_id: int, *, cohort: Cohort | None = None) -> Enrollment:
    """A hire whose retention to record; with `cohort`, only one of that cohort's (another's is a 404)."""
    return access_enrollment(user, enrollment_id, cohort=cohort)
