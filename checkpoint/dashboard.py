"""What the checkpoint adds to the hire's My training page (registered in checkpoint/apps.py)."""

from django.utils import timezone

from checkpoint import selectors, timing
from courses.dashboard import Panel
from courses.models import Enrollment

SHOW_DAYS_BEFORE = 14


def checkpoint_panel(enrollment: Enrollment) -> Panel | None:
    now = timezone.now()
    checkpoint = getattr(enrollment, "checkpoint", None)
    if checkpoint is None:
        window = timing.window_for(enrollment, now)
        days_left = (window.opens_at.date() - timezone.localdate(now, window.time_zone)).days
        if days_left > SHOW_DAYS_BEFORE:
            return None
    row = selectors.checkpoint_for_hire(hire=enrollment.hire, now=now)
    if row is None:
        return None
    days_left = max(0, (row.opens_at.date() - now.date()).days)
    return Panel(title="Commitment checkpoint", template="checkpoint/includes/panel.html",
                 context={"row": row, "state": row.state, "days_left": days_left})  # fmt: skip
