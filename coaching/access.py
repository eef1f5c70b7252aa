"""Fetch-and-authorise for coaches: a coach reaches only the hires of the cohorts they coach
(anything else does not exist for them: 404); an admin reaches every hire."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from accounts import permissions
from coaching import second_marking
from coaching.models import CallReview, Dispute, Feedback, Grade, PracticeAssignment, SecondMark
from coaching.selectors import visible_to
from coaching.services import can_edit_call_review
from courses.models import Attempt, Cohort, Enrollment


def access_coachable_enrollment(user, enrollment_id: int) -> Enrollment:
    if not permissions.can_grade(user):
        raise PermissionDenied
    enrollment = (
        Enrollment.objects.select_related("hire", "cohort__curriculum")
        .filter(visible_to(user), pk=enrollment_id)
        .first()
    )
    if enrollment is None:
        raise Http404
    return enrollment


def access_coachable_cohort(user, cohort_id: int) -> Cohort:
    """A cohort, for its coaches and admins (the same rule as its hires' timelines)."""
    if not permissions.can_grade(user):
        raise PermissionDenied
    cohorts = Cohort.objects.select_related("curriculum").filter(pk=cohort_id)
    if not permissions.is_admin(user):
        cohorts = cohorts.filter(coaches=user)
    cohort = cohorts.first()
    if cohort is None:
        raise Http404
    return cohort


def _coachable_attempt(user, attempt_id: int, *, narrowed: Q) -> Attempt:
    if not permissions.can_grade(user):
        raise PermissionDenied
    attempt = (
        Attempt.objects.select_related("scenario__week", "rubric_version", "enrollment__hire", "enrollment__cohort")
        .filter(visible_to(user, "enrollment__"), narrowed, pk=attempt_id)
        .first()
    )
    if attempt is None:
        raise Http404
    return attempt


def access_gradable_attempt(user, attempt_id: int) -> Attempt:
    # Nobody grades what the hire is still writing.
    return _coachable_attempt(user, attempt_id, narrowed=~Q(state="in_progress"))


def access_attempt_for_coach(user, attempt_id: int) -> Attempt:
    """A graded or returned attempt, read-only, for the hire's coaches and admins."""
    released_or_returned = Q(grade__outcome__in=[Grade.Outcome.RELEASED, Grade.Outcome.RETURNED])
    return _coachable_attempt(user, attempt_id, narrowed=released_or_returned)


def access_own_feedback(user, feedback_id: int) -> Feedback:
    """A hire's own feedback; a coach's for their hires; anyone else's does not exist."""
    feedback = Feedback.objects.select_related("enrollment__hire", "enrollment__cohort").filter(pk=feedback_id)
    if permissions.is_hire(user):
        feedback = feedback.filter(enrollment__hire=user)
    elif permissions.can_grade(user):
        feedback = feedback.filter(visible_to(user, "enrollment__"))
    else:
        raise PermissionDenied
    found = feedback.first()
    if found is None:
        raise Http404
    return found


def access_call_review(user, review_id: int) -> CallReview:
    """A call review, for the hire it is about and their coaches (the same rule as the timeline)."""
    review = (
        CallReview.objects.select_related("enrollment__hire", "enrollment__cohort__curriculum", "coach", "feedback")
        .filter(pk=review_id)
        .first()
    )
    if review is None or not hasattr(review, "feedback"):
        raise Http404
    access_own_feedback(user, review.feedback.pk)
    return review


def access_call_review_for_editing(user, review_id: int) -> CallReview:
    """A call review its own coach (or an admin) may correct; others who may see it get 403."""
    review = access_call_review(user, review_id)
    if not can_edit_call_review(review=review, user=user):
        raise PermissionDenied
    return review


def access_dispute(user, dispute_id: int) -> Dispute:
    """A dispute, for the coaches who may grade the attempt it is about."""
    dispute = Dispute.objects.select_related("grade").filter(pk=dispute_id).first()
    if dispute is None:
        raise Http404
    access_gradable_attempt(user, dispute.grade.attempt_id)
    return dispute


def _second_mark(second_mark_id: int) -> SecondMark:
    found = (
        SecondMark.objects.select_related(
            "attempt__scenario__week", "attempt__rubric_version", "attempt__enrollment__hire",
            "attempt__enrollment__cohort", "first_coach", "second_coach", "moderator",
        )
        .filter(pk=second_mark_id)
        .first()
    )  # fmt: skip
    if found is None:
        raise Http404
    return found


def access_second_mark(user, second_mark_id: int) -> SecondMark:
    """A held role-play to grade blind: for the hire's coaches, lead coaches and admins, never the coach
    who gave the first grade (403); a coach who may not see the hire finds nothing (404)."""
    if not permissions.can_grade(user):
        raise PermissionDenied
    found = _second_mark(second_mark_id)
    if found.first_coach_id == user.pk:
        raise PermissionDenied("You gave the first grade: another coach grades it blind.")
    if not second_marking.may_second_mark(user=user, second_mark=found):
        raise Http404
    return found


def access_moderation(user, second_mark_id: int) -> SecondMark:
    """A second mark to moderate: for admins, and lead coaches who marked neither grade."""
    if not permissions.can_lead_grading_quality(user):
        raise PermissionDenied
    found = _second_mark(second_mark_id)
    if not second_marking.may_moderate(user=user, second_mark=found):
        raise PermissionDenied("You gave one of the two marks: another lead coach or an admin moderates it.")
    return found


def access_practice_enrollment(user, enrollment_id: int) -> Enrollment:
    """A hire's practice list: her own, her coaches', any for admins (anyone else's does not exist: 404)."""
    if not permissions.is_hire(user):
        return access_coachable_enrollment(user, enrollment_id)
    enrollment = Enrollment.objects.select_related("hire", "cohort__curriculum").filter(hire=user, pk=enrollment_id)
    found = enrollment.first()
    if found is None:
        raise Http404
    return found


def access_practice_assignment(user, assignment_id: int) -> PracticeAssignment:
    """An item of a hire's practice list, for her coaches and admins to remove."""
    if not permissions.can_grade(user):
        raise PermissionDenied
    assignment = (
        PracticeAssignment.objects.select_related("enrollment__cohort")
        .filter(visible_to(user, "enrollment__"), pk=assignment_id)
        .first()
    )
    if assignment is None:
        raise Http404
    return assignment
