"""Where readiness shows on other apps' pages (registered in readiness/apps.py)."""

from collections.abc import Sequence

from accounts import permissions
from coaching.extensions import RosterColumn
from courses.dashboard import Panel
from courses.models import Enrollment
from readiness import selectors
from readiness.forms import OverrideForm, SignOffForm
from readiness.services import coaches_hire

TITLE = "Ready for nesting"


def hire_dashboard_panel(enrollment: Enrollment) -> Panel:
    """The hire's own view: met or not yet, and exactly what is missing."""
    return Panel(title=TITLE, template="readiness/includes/hire_panel.html",
                 context={"readiness": selectors.readiness_for(enrollment=enrollment)})  # fmt: skip


def timeline_panel(enrollment: Enrollment, *, user) -> Panel:
    """The coach's and admin's view: the requirements, the sign-off for the hire's coach, the override for admins."""
    readiness = selectors.readiness_for(enrollment=enrollment)
    is_admin = permissions.can_override_readiness(user)
    context = {
        "enrollment": enrollment,
        "readiness": readiness,
        "may_sign_off": coaches_hire(user, enrollment),
        "may_withdraw": readiness.signoff is not None and (coaches_hire(user, enrollment) or is_admin),
        "may_override": is_admin,
        "signoff_form": SignOffForm(),
        "override_form": OverrideForm(),
        "history": list(selectors.override_history(enrollment=enrollment)[:10]) if is_admin else [],
    }
    return Panel(title=TITLE, template="readiness/includes/timeline_panel.html", context=context)


def roster_column(enrollments: Sequence[Enrollment], *, user) -> RosterColumn:
    by_id = selectors.readiness_for_many(enrollments=enrollments)
    cells = {pk: {"readiness": readiness} for pk, readiness in by_id.items()}
    return RosterColumn(title="Ready for nesting", template="readiness/includes/roster_cell.html", cells=cells)
