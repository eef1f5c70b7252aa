"""What the checkpoint adds to the hire's My training page (registered in checkpoint/apps.py)."""

import datetime

from django.utils import timezone

from checkpoint import selectors, timing
from courses.dashboard import Panel
from courses.models import Enrollment

SHOW_DAYS_BEFORE = 14


def checkpoint_panel(enrollment: Enrollment) -> Panel | None:
    now = timezone.now()
    # Computed, not read: most of the six weeks this panel costs the page no query.
    if timing.window_for(enrollment, now).opens_at - now > datetime.timedelta(days=SHOW_DAYS_BEFORE):
        return None
    row = selectors.checkpoint_for_hire(hire=enrollment.hire, now=now)
    if row is None:
        return None
    days_left = max(0, (row.opens_at.date() - now.date()).days)
    return Panel(title="Commitment checkpoint", template="checkpoint/includes/panel.html",
                 context={"row": row, "state": row.state, "days_left": days_left},
                 top=row.state == selectors.State.OPEN)  # fmt: skip
