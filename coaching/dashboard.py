from courses.dashboard import Panel
from courses.models import Enrollment


def latest_feedback_panel(enrollment: Enrollment) -> Panel:
    """The hire's latest coaching feedback on their dashboard. Feedback arrives with grading and call reviews."""
    return Panel(
        title="Latest coaching feedback",
        template="coaching/includes/feedback_panel.html",
        context={"feedback": [], "coaches": list(enrollment.cohort.coaches.all()[:3])},
    )
