"""Fetch-and-authorise for readiness, used by the web pages and the API alike.

A hire reaches her own enrollments; a coach the hires of the cohorts they coach; an admin every
hire. Anyone else's enrollment does not exist for them (404); people without the right at all are
refused (403)."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from accounts import permissions
from coaching.selectors import visible_to
from courses.models import Cohort, Enrollment


def _enrollment(user, enrollment_id: int) -> Enrollment:
    enrollments = Enrollment.objects.select_related("hire", "cohort__curriculum").filter(pk=enrollment_id)
    mine = Q(hire=user) if permissions.is_hire(user) else visible_to(user)
    enrollments = enrollments.filter(mine)
    enrollment = enrollments.first()
    if enrollment is None:
        raise Http404
    return enrollment


def access_readiness(user, enrollment_id: int) -> Enrollment:
    """An enrollment whose readiness the person may read."""
    if not permissions.can_see_readiness(user):
        raise PermissionDenied
    return _enrollment(user, enrollment_id)


def access_enrollment_to_sign_off(user, enrollment_id: int) -> Enrollment:
    """A hire of a cohort the coach coaches (another cohort's hire: 404)."""
    if not permissions.can_sign_off_readiness(user):
        raise PermissionDenied
    return _enrollment(user, enrollment_id)


def access_enrollment_to_withdraw_sign_off(user, enrollment_id: int) -> Enrollment:
    """The hire's coach withdraws a sign-off; so may an admin."""
    if not (permissions.can_sign_off_readiness(user) or permissions.can_override_readiness(user)):
        raise PermissionDenied
    return _enrollment(user, enrollment_id)


def access_enrollment_to_override(user, enrollment_id: int) -> Enrollment:
    if not permissions.can_override_readiness(user):
        raise PermissionDenied
    return _enrollment(user, enrollment_id)


def access_cohort_rule(user, cohort_id: int) -> Cohort:
    if not permissions.can_override_readiness(user):
        raise PermissionDenied
    cohort = Cohort.objects.select_related("curriculum").filter(pk=cohort_id).first()
    if cohort is None:
        raise Http404
    return cohort
