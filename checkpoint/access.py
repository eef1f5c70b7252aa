"""Fetch-and-authorise for checkpoint pages: admins see every cohort and may act; a coach
sees the cohorts they coach, read-only; anyone else is refused."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from accounts import permissions
from checkpoint.models import Checkpoint
from courses.models import Cohort
from courses.selectors import cohorts_visible


def can_view_cohort(user, cohort: Cohort) -> bool:
    if permissions.can_manage_cohorts(user):
        return True
    return cohorts_visible(user=user).filter(pk=cohort.pk).exists()


def access_cohort(user, cohort_id: int) -> Cohort:
    cohort = get_object_or_404(Cohort, pk=cohort_id)
    if not can_view_cohort(user, cohort):
        raise PermissionDenied
    return cohort


def access_checkpoint_to_manage(user, checkpoint_id: int) -> Checkpoint:
    if not permissions.can_manage_cohorts(user):
        raise PermissionDenied
    return get_object_or_404(Checkpoint.objects.select_related("enrollment__cohort"), pk=checkpoint_id)
