"""What coaching adds to the hire's pages (registered in coaching/apps.py)."""

from django.utils.functional import SimpleLazyObject

from accounts.caching import people_attach
from coaching.models import AnswerComment, Feedback, Grade
from coaching.practice import practice_cached
from common.versioned_cache import cached_many
from courses.caching import CURRICULUM, ENROLLMENT
from courses.dashboard import Panel
from courses.models import Enrollment


def _feedback_facts(enrollment_ids: list[int]) -> dict[int, dict]:
    """The latest three feedback items and how many are unacknowledged; their coaches are attached on reading."""
    facts = {}
    for enrollment_id in enrollment_ids:
        feedback = Feedback.objects.filter(enrollment_id=enrollment_id)
        facts[enrollment_id] = {
            "feedback": list(
                feedback.select_related("grade__attempt__scenario", "call_review").order_by("-released_at")[:3]
            ),
            "unread": feedback.filter(acknowledged_at__isnull=True).count(),
        }
    return facts


def latest_feedback_panel(enrollment: Enrollment) -> Panel:
    curriculum = (CURRICULUM, enrollment.cohort.curriculum_id)  # role-play titles
    facts = cached_many(ENROLLMENT, [enrollment.pk], "feedback-panel", _feedback_facts, also=lambda pk: [curriculum])
    latest = facts[enrollment.pk]["feedback"]
    people_attach(latest, "coach")
    return Panel(
        title="Latest coaching feedback",
        template="coaching/includes/feedback_panel.html",
        context={
            "feedback": latest,
            "unread": facts[enrollment.pk]["unread"],
            # Only shown while there is no feedback yet.
            "coaches": SimpleLazyObject(lambda: list(enrollment.cohort.coaches.all()[:3])),
        },
    )


def assigned_practice_panel(enrollment: Enrollment) -> Panel | None:
    """One list: what her coaches picked (on the timeline or a call review) and what her scores called for."""
    items = practice_cached(enrollment=enrollment)
    if not items:
        return None
    return Panel(title="Practice picked for you", template="coaching/includes/practice_panel.html",
                 context={"items": items, "open": sum(not item.done for item in items)})  # fmt: skip


def coach_grade_panel(enrollment: Enrollment, *, attempt) -> Panel | None:
    grade = Grade.objects.filter(attempt=attempt).select_related("coach", "rubric_version").first()
    if grade is None or grade.outcome in (Grade.Outcome.DRAFT, Grade.Outcome.HELD):  # held: not the hire's yet
        return None
    comments = AnswerComment.objects.filter(turn__attempt=attempt).select_related("coach", "turn")
    return Panel(title="Your coach's grade", template="coaching/includes/grade_panel.html",
                 context={"grade": grade, "comments": comments, "feedback": grade.feedback.first()})  # fmt: skip
