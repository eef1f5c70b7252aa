"""What coaching adds to the hire's pages (registered in coaching/apps.py)."""

from coaching.models import AnswerComment, Feedback, Grade
from coaching.practice import practice_for
from courses.dashboard import Panel
from courses.models import Enrollment


def latest_feedback_panel(enrollment: Enrollment) -> Panel:
    latest = list(
        Feedback.objects.filter(enrollment=enrollment)
        .select_related("coach", "grade__attempt__scenario", "call_review")
        .order_by("-released_at")[:3]
    )
    unread = Feedback.objects.filter(enrollment=enrollment, acknowledged_at__isnull=True).count()
    return Panel(
        title="Latest coaching feedback",
        template="coaching/includes/feedback_panel.html",
        context={"feedback": latest, "unread": unread, "coaches": list(enrollment.cohort.coaches.all()[:3])},
    )


def assigned_practice_panel(enrollment: Enrollment) -> Panel | None:
    """One list: what her coaches picked (on the timeline or a call review) and what her scores called for."""
    items = practice_for(enrollment=enrollment)
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
