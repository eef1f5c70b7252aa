"""Who gets what, for every route of the site and the API, discovered from the URL conf.

Every route that `get_resolver()` knows (namespaces included) must have a row in ROUTES
below, and every row must still match a route: a new page or endpoint fails this test until
someone decides who may see it. Each row fills the route's parameters with real objects
belonging to the first cohort's hire (see tests/security/conftest.py) and states the outcome
for each role, in this order:

    anonymous · hire · other hire (another cohort) · coach of the cohort · coach of another cohort · admin

Outcomes: a status code, `L` (302 to the sign-in page), `A` (302 to the admin's sign-in
page), alternatives joined by `|`. Every route is requested with GET; rows with a `post`
line are also POSTed to (an empty form or JSON body) by every role, each inside a
transaction that is rolled back, so one role's request never changes what the next sees.
Someone else's objects (any route with a parameter) must never answer 2xx to the other
hire or the other coach, unless the row is marked public by design (certificate checks).

Not in the matrix, on purpose: the Django admin's generated pages (one per model and
action) — its index and one model's changelist are checked per role instead, and every
admin page answers through the same `AdminSitePermissionMixin`; static, media and debug
routes (served by WhiteNoise or the front proxy, and absent unless DEBUG).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts import services as account_services
from courses.services.scorer_versions import shipped_version_ensure
from tests.security.conftest import ROLES, World, invitation_kwargs, password_reset_kwargs

pytestmark = pytest.mark.django_db

# Generated admin pages that are checked; every other "admin:" route is skipped (see above).
ADMIN_ROUTES_CHECKED = {"admin:index", "admin:courses_cohort_changelist"}
SKIPPED_PREFIXES = ("static/", "media/", "__debug__/")


def discovered_routes(patterns=None, prefix: str = "", namespace: str | None = None):
    """(route name with namespaces, full pattern, namespace) for every route in the URL conf."""
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from discovered_routes(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield name, prefix + str(entry.pattern), namespace or "", entry.callback


def routes_in_scope() -> dict[str, str]:
    found = {}
    for name, pattern, namespace, _ in discovered_routes():
        if pattern.startswith(SKIPPED_PREFIXES):
            continue
        if namespace.split(":")[0] == "admin" and name not in ADMIN_ROUTES_CHECKED:
            continue
        key = name or pattern  # an unnamed route is listed by its pattern
        found[key] = pattern
    return found


# --- The table ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    get: str
    writes: dict[str, str] = field(default_factory=dict)  # method -> outcomes
    args: dict[str, str] | None = None  # URL parameter -> key of OBJECTS (for the ambiguous ones)
    api: bool = False
    public_by_design: bool = False  # answers anyone, whatever the parameters
    relative: bool = False  # the parameters address the viewer's own things (week 1 is everyone's week 1)


def web(get: str, post: str | None = None, **args) -> Row:
    return Row(get, {"POST": post} if post else {}, args)


def api(get: str, post: str | None = None, *, put: str | None = None, patch: str | None = None,
        delete: str | None = None, **args) -> Row:  # fmt: skip
    writes = {m: line for m, line in (("POST", post), ("PUT", put), ("PATCH", patch), ("DELETE", delete)) if line}
    return Row(get, writes, args, api=True)


# Common lines, in ROLES order.
HIRE = "L 200 200 403 403 403"  # a hire's own page
HIRE_OBJ = "L 200 404 403 403 403"  # a hire's page about one of her objects
STAFF = "L 403 403 200 200 200"  # coaches and admins, each seeing their own cohorts
STAFF_OBJ = "L 403 403 200 404 200"  # coaches of that cohort and admins
SHARED_OBJ = "L 200 404 200 404 200"  # the hire, her coaches, admins
ADMIN = "L 403 403 403 403 200"
SIGNED_IN = "L 200 200 200 200 200"
PUBLIC = "200 200 200 200 200 200"
API_HIRE = "403 200 200 403 403 403"
API_HIRE_OBJ = "403 200 404 403 403 403"
API_STAFF = "403 403 403 200 200 200"
API_STAFF_OBJ = "403 403 403 200 404 200"
API_ADMIN = "403 403 403 403 403 200"
API_SIGNED_IN = "403 200 200 200 200 200"


def post_only(line: str) -> str:
    """GET on a POST-only route: 405, or refused as a POST would be if the refusal comes first."""
    refusals = {"L", "A", "401", "403", "404", "405"}
    return " ".join(f"{token}|405" if set(token.split("|")) <= refusals else "405" for token in line.split())


ROUTES: dict[str, Row] = {
    # Sign-in, profile and the landing page
    "home": web("L 302 302 302 302 302"),
    "health": web(PUBLIC),
    "login": web("200 302 302 302 302 302", "200 302 302 302 302 302"),
    "logout": web("405 405 405 405 405 405", "302 302 302 302 302 302"),
    "password_change": web(SIGNED_IN, SIGNED_IN),
    "password_change_done": web(SIGNED_IN),
    "password_reset": web(PUBLIC, PUBLIC),
    "password_reset_done": web(PUBLIC),
    # The hire's own link: whoever holds it is sent on to choose a password. Signing her in
    # changes her last sign-in time, which (by design) spends the link.
    "password_reset_confirm": web("302 200|302 302 302 302 302", uidb64="reset", token="reset"),
    "password_reset_complete": web(PUBLIC),
    "invitation_confirm": web("302 200|302 302 302 302 302", uidb64="invitation", token="invitation"),
    "accounts:profile": web(SIGNED_IN, SIGNED_IN),
    "accounts:avatar_upload": web(post_only("L 400 400 400 400 400"), "L 400 400 400 400 400"),
    "accounts:avatar_remove": web(post_only("L 302 302 302 302 302"), "L 302 302 302 302 302"),
    # API tokens: each person sees and revokes only their own (the token is the hire's)
    "accounts:tokens": web(SIGNED_IN),
    "accounts:token_revoke": web(post_only("L 302 404 404 404 404"), "L 302 404 404 404 404"),
    "accounts:sign_out_everywhere": web(post_only("L 302 302 302 302 302"), "L 302 302 302 302 302"),
    # Training: the hire's pages. Week numbers are the viewer's own weeks, not an object of someone else's.
    "courses:my_training": web(HIRE),
    "courses:week": Row(HIRE, relative=True),
    "courses:check": Row(HIRE, {"POST": "L 400 400 403 403 403"}, relative=True),
    "courses:check_result": web(HIRE_OBJ, number="check_attempt_number"),
    "courses:lesson": web(HIRE_OBJ, slug="lesson_slug"),
    "courses:lesson_completion": web(post_only(HIRE_OBJ), "L 302 404 403 403 403", slug="lesson_slug"),
    "courses:roleplays": web(HIRE),
    "courses:scenario": web(HIRE_OBJ, "L 302 404 403 403 403", slug="scenario_slug"),
    "courses:attempt": web("L 302 404 403 403 403", slug="scenario_slug", number="attempt_number"),
    "courses:attempt_answer": web(
        post_only(HIRE_OBJ), "L 302 404 403 403 403", slug="scenario_slug", number="attempt_number"
    ),
    "courses:attempt_draft": web(
        post_only(HIRE_OBJ), "L 409 404 403 403 403", slug="scenario_slug", number="attempt_number"
    ),
    "courses:attempt_result": web(HIRE_OBJ, slug="scenario_slug", number="attempt_number"),
    # Coaching
    "coaching:queue": web(STAFF),
    "coaching:grade_next": web("L 403 403 302 302 302"),
    "coaching:overview": web(STAFF),
    "coaching:grade": web(STAFF_OBJ, "L 403 403 400 404 400"),
    "coaching:grade_draft": web(post_only(STAFF_OBJ), STAFF_OBJ),
    "coaching:answer_comment": web(post_only(STAFF_OBJ), "L 403 403 400 404 400"),
    "coaching:attempt": web(STAFF_OBJ),
    "coaching:my_hires": web(STAFF),
    "coaching:call_review_edit": web(STAFF_OBJ, "L 403 403 400 404 400"),
    # the world's call is a full review, which has its own form: observations only (tests/coaching/test_nesting.py)
    "coaching:observation_edit": web("L 403 403 404 404 404", "L 403 403 404 404 404"),
    "coaching:release_claim": web(post_only(STAFF_OBJ), "L 403 403 302 404 302"),
    "coaching:hire_timeline": web(STAFF_OBJ),
    "coaching:call_review_new": web(STAFF_OBJ, "L 403 403 400 404 400"),
    "coaching:call_review": web(SHARED_OBJ),
    # The recording and the hire's feedback actions answer 404 to anyone who may not know they exist.
    "coaching:recording": web("404 200 404 200 404 200"),
    "coaching:dispute_resolve": web(post_only(STAFF_OBJ), "L 403 403 302 404 302"),
    "coaching:my_feedback": web(HIRE),
    "coaching:acknowledge": web(post_only("404 200 404 404 404 404"), "404 302 404 404 404 404"),
    "coaching:reply": web(post_only("404 200 404 200 404 200"), "404 302 404 302 404 302"),
    "coaching:dispute": web(post_only("404 200 404 404 404 404"), "404 302 404 404 404 404"),
    # second marking: the world's held role-play was graded first by another coach of the cohort and still
    # awaits its blind second mark (so moderating it is refused: there is nothing to moderate yet)
    "coaching:second_marks": web(STAFF),
    "coaching:second_mark": web(STAFF_OBJ, "L 403 403 400 404 400"),
    "coaching:moderation": web(ADMIN),
    "coaching:moderate": web(ADMIN, "L 403 403 403 403 400"),
    "api-second-marks": api(API_STAFF),
    "api-second-mark": api(API_STAFF_OBJ, "403 403 403 400 404 400", pk="second_mark"),
    "api-moderation": api(API_ADMIN),
    "api-moderate": api(API_ADMIN, "403 403 403 403 403 400", pk="second_mark"),
    # Notifications
    "notifications:list": web(SIGNED_IN),
    "notifications:open": web(post_only("L 302 404 404 404 404"), "L 302 404 404 404 404"),
    "notifications:read_all": web(post_only(SIGNED_IN), "L 302 302 302 302 302"),
    "notifications:preferences": web(SIGNED_IN, SIGNED_IN),
    # The commitment checkpoint
    "checkpoint:mine": web(HIRE, HIRE),
    "checkpoint:confirm": web("L 302 302 403 403 403", "L 302 302 403 403 403"),
    "checkpoint:cohorts": web(STAFF),
    "checkpoint:cohort": web("L 403 403 200 403 200"),
    "checkpoint:offer_text": web(ADMIN, ADMIN),
    "checkpoint:completion_rule": web(ADMIN, "L 403 403 403 403 302"),
    "checkpoint:payroll_cohort": web(ADMIN),
    "checkpoint:payroll": web(ADMIN),
    "checkpoint:record": web(post_only(ADMIN), "L 403 403 403 403 302"),
    "checkpoint:offer_override": web(post_only(ADMIN), "L 403 403 403 403 302"),
    "checkpoint:annul": web(post_only(ADMIN), "L 403 403 403 403 302"),
    # completion: the hire's own certificate page (what is missing, or issue it); admins excuse items
    "checkpoint:my_certificate": web(HIRE, HIRE),
    "cohorts:excuse": web(post_only(ADMIN), "L 403 403 403 403 302"),
    "cohorts:excusal_revoke": web(post_only(ADMIN), "L 403 403 403 403 302"),
    # Anyone may check a certificate's code: that is what it is for.
    "checkpoint:certificate": Row(PUBLIC, public_by_design=True),
    "checkpoint:certificate_image": Row(PUBLIC, public_by_design=True),
    # Cohort management (admins)
    "cohorts:list": web(ADMIN),
    "cohorts:create": web(ADMIN, ADMIN),
    "cohorts:dashboard": web(ADMIN),
    "cohorts:edit": web(ADMIN, ADMIN),
    "cohorts:archive": web(post_only(ADMIN), "L 403 403 403 403 302"),
    "cohorts:coaches": web(ADMIN, ADMIN),
    # Versions of the pre-scorer: admins only; making one live needs a reason (an empty form is refused)
    "courses:scorer_versions": web(ADMIN),
    "courses:scorer_version_activate": web(post_only(ADMIN), "L 403 403 403 403 302"),
    "api-scorer-versions": api(API_ADMIN),
    "api-scorer-version-activate": api(post_only(API_ADMIN), "403 403 403 403 403 400", pk="scorer_version"),
    "cohorts:coach_remove": web(post_only(ADMIN), "L 403 403 403 403 302"),
    "cohorts:hires": web(ADMIN),
    "cohorts:hire_add": web(ADMIN, ADMIN),
    "cohorts:enrollment": web(ADMIN),
    "cohorts:enrollment_action": web(post_only(ADMIN), "L 403 403 403 403 302"),
    "cohorts:enrollment_withdraw": web(ADMIN, "L 403 403 403 403 400"),
    "cohorts:import": web(ADMIN, "L 403 403 403 403 400"),
    "cohorts:import_template": web(ADMIN),
    "cohorts:export": web(ADMIN),
    # Outcomes: retention and the cohort report are for admins only
    "outcomes:report": web(ADMIN),
    "outcomes:export": web(ADMIN),
    "outcomes:hire": web(ADMIN, "L 403 403 403 403 400"),
    "outcomes:import": web(ADMIN, "L 403 403 403 403 400"),
    "outcomes:template": web(ADMIN),
    # The Django admin (see the module docstring)
    "admin:index": web("A A A A A 200"),
    "admin:courses_cohort_changelist": web("A A A A A 200"),
    # API: accounts
    "api-me": api(API_SIGNED_IN, patch=API_SIGNED_IN),
    "api-token": api("405 405 405 405 405 405", "400 400 400 400 400 400"),
    "api-tokens": api(API_SIGNED_IN),
    "api-token-detail": api(post_only("403 204 404 404 404 404"), delete="403 204 404 404 404 404"),
    "api-sign-out-everywhere": api(post_only(API_SIGNED_IN), API_SIGNED_IN),
    # API: training
    "api-progress": api(API_HIRE),
    "api-week": Row(API_HIRE, args={"number": "week_number"}, api=True, relative=True),
    "api-lesson": api(API_HIRE_OBJ, pk="lesson"),
    "api-lesson-completion": api(post_only(API_HIRE_OBJ), put=API_HIRE_OBJ, delete=API_HIRE_OBJ, pk="lesson"),
    "api-check": api(API_HIRE_OBJ, pk="check"),
    "api-check-attempts": api(post_only(API_HIRE_OBJ), "403 400 404 403 403 403", pk="check"),
    "api-roleplays": api(API_HIRE),
    "api-roleplay": api(API_HIRE_OBJ, pk="scenario"),
    "api-roleplay-attempts": api(post_only(API_HIRE_OBJ), "403 201 404 403 403 403", pk="scenario"),
    "api-attempt": api(API_HIRE_OBJ, pk="attempt"),
    "api-attempt-draft": api(post_only(API_HIRE_OBJ), put="403 400 404 403 403 403", pk="attempt"),
    "api-attempt-answers": api(post_only(API_HIRE_OBJ), "403 400 404 403 403 403", pk="attempt"),
    # API: coaching
    "api-queue": api(API_STAFF),
    "api-grading": api(API_STAFF_OBJ, pk="attempt"),
    "api-grade": api(post_only(API_STAFF_OBJ), "403 403 403 400 404 400", pk="attempt"),
    "api-return": api(post_only(API_STAFF_OBJ), "403 403 403 400 404 400", pk="attempt"),
    "api-comments": api(post_only(API_STAFF_OBJ), "403 403 403 400 404 400", pk="attempt"),
    "api-call-reviews": api(API_STAFF_OBJ, "403 403 403 400 404 400"),
    "api-hire-feedback": api(API_STAFF_OBJ),
    "api-dispute-resolve": api(post_only(API_STAFF_OBJ), "403 403 403 400 404 400", pk="dispute"),
    "api-my-feedback": api(API_HIRE),
    "api-acknowledge": api(post_only(API_HIRE_OBJ), API_HIRE_OBJ, pk="feedback"),
    "api-reply": api(post_only("403 200 404 200 404 200"), "403 400 404 400 404 400", pk="feedback"),
    "api-dispute": api(post_only(API_HIRE_OBJ), "403 400 404 403 403 403", pk="feedback"),
    # API: notifications
    "api-notifications": api(API_SIGNED_IN),
    "api-notification-read": api(post_only("403 200 404 404 404 404"), "403 200 404 404 404 404", pk="notification"),
    "api-notifications-read-all": api(post_only(API_SIGNED_IN), API_SIGNED_IN),
    "api-notification-preferences": api(API_SIGNED_IN, put="403 400 400 400 400 400"),
    # API: the checkpoint (the other hire has no checkpoint of her own yet)
    "api-my-checkpoint": api(API_HIRE),
    "api-checkpoint-decide": api(post_only(API_HIRE), "403 400 404 403 403 403"),
    "api-cohort-checkpoints": api("403 403 403 200 403 200"),  # as on the web: the cohort's coaches follow it
    "api-checkpoint-record": api(post_only(API_ADMIN), "403 403 403 403 403 400", pk="checkpoint"),
    "api-checkpoint-offer": api(post_only(API_ADMIN), "403 403 403 403 403 400", pk="checkpoint"),
    "api-checkpoint-annul": api(post_only(API_ADMIN), "403 403 403 403 403 400", pk="decision"),
    "api-checkpoint-payroll": api(API_ADMIN),
    # API: cohort management
    "api-cohort-list": api(API_ADMIN, "403 403 403 403 403 400"),
    "api-cohort": api(API_ADMIN, patch=API_ADMIN, pk="cohort"),
    "api-cohort-archive": api(
        post_only(API_ADMIN), "403 403 403 403 403 400", delete="403 403 403 403 403 400", pk="cohort"
    ),
    "api-cohort-coaches": api(post_only(API_ADMIN), "403 403 403 403 403 400", pk="cohort"),
    "api-cohort-coach": api(post_only(API_ADMIN), delete="403 403 403 403 403 204", pk="cohort"),
    "api-cohort-enrollments": api(API_ADMIN, "403 403 403 403 403 400", pk="cohort"),
    "api-cohort-import-preview": api(post_only(API_ADMIN), "403 403 403 403 403 415", pk="cohort"),
    "api-cohort-import": api(post_only(API_ADMIN), "403 403 403 403 403 400", pk="cohort"),
    "api-cohort-import-template": api(API_ADMIN, pk="cohort"),
    "api-cohort-dashboard": api(API_ADMIN, pk="cohort"),
    "api-enrollment": api(API_ADMIN, pk="enrollment"),
    "api-enrollment-move": api(post_only(API_ADMIN), "403 403 403 403 403 400", pk="enrollment"),
    "api-enrollment-pause": api(post_only(API_ADMIN), API_ADMIN, pk="enrollment"),
    "api-enrollment-resume": api(post_only(API_ADMIN), "403 403 403 403 403 400", pk="enrollment"),
    "api-enrollment-withdraw": api(post_only(API_ADMIN), "403 403 403 403 403 400", pk="enrollment"),
    "api-enrollment-reinstate": api(post_only(API_ADMIN), "403 403 403 403 403 400", pk="enrollment"),
    "api-enrollment-salary": api(post_only(API_ADMIN), "403 403 403 403 403 400", pk="enrollment"),
    "api-enrollment-invitation": api(post_only(API_ADMIN), "403 403 403 403 403 400", pk="enrollment"),
    "api-outcomes-cohort": api(API_ADMIN),
    "api-outcomes-retention": api(post_only(API_ADMIN), "403 403 403 403 403 400"),
    "api-enrollment-excusals": api(API_ADMIN, "403 403 403 403 403 400", pk="enrollment"),
    "api-enrollment-excusal-revoke": api(post_only(API_ADMIN), API_ADMIN, pk="enrollment"),
    # calibration: sessions exist for their invited coaches, the facilitator (the admin here) and admins.
    # The world's session is open, so its levels (the export) exist for nobody yet, and gold cannot be recorded.
    "calibration:list": web(STAFF),
    "calibration:new": web(ADMIN, "L 403 403 403 403 400"),
    "calibration:bank": web(ADMIN),
    "calibration:onboarding_new": web(post_only("L 403 403 403 403 400"), "L 403 403 403 403 400"),
    "calibration:session": web(STAFF_OBJ),
    "calibration:reveal": web("L 403 403 403 404 200", "L 403 403 403 404 302"),
    "calibration:export": web("L 403 403 404 404 404"),
    "calibration:item": web("L 403 403 200 404 403", "L 403 403 400 404 403"),
    "calibration:item_recording": web("404 404 404 200 404 200"),
    "calibration:gold": web(post_only("L 403 403 403 404 302"), "L 403 403 403 404 302"),
    "api-calibration-sessions": api(API_STAFF, "403 403 403 403 403 400"),
    "api-calibration-session": api(API_STAFF_OBJ),
    "api-calibration-reveal": api(post_only("403 403 403 403 404 200"), "403 403 403 403 404 200"),
    "api-calibration-grade": api(
        post_only("403 403 403 400 404 403"), "403 403 403 400 404 403", put="403 403 403 400 404 403"
    ),
    "api-calibration-gold": api(post_only("403 403 403 403 404 400"), "403 403 403 403 404 400"),
    # calibration reports: admins and lead coaches see everyone's figures; a coach (or admin) sees their own,
    # and another coach's figures do not exist for them.
    "calibration_reports:overview": web(ADMIN),
    "calibration_reports:alerts": web(ADMIN),
    "calibration_reports:csv": web(ADMIN),
    "calibration_reports:mine": web(STAFF),
    "calibration_reports:coach": web(STAFF_OBJ),
    "calibration_reports:coach_csv": web(STAFF_OBJ),
    "api-calibration-reports": api(API_ADMIN),
    "api-calibration-report-alerts": api(API_ADMIN),
    "api-calibration-report-coach": api(API_STAFF_OBJ),
    # the estimate against coaches: admins and lead coaches
    "coaching:estimate_agreement": web(ADMIN),
    "api-estimate-agreement": api(API_ADMIN),
    # readiness: the hire reads her own; her coaches sign her off; admins override and set the cohort's rule
    "readiness:sign_off": web(post_only("L 403 403 302 404 403"), "L 403 403 302 404 403"),
    "readiness:sign_off_withdraw": web(post_only("L 403 403 302 404 302"), "L 403 403 302 404 302"),
    "readiness:override": web(post_only(ADMIN), "L 403 403 403 403 302"),
    "readiness:override_revoke": web(post_only(ADMIN), "L 403 403 403 403 302"),
    "readiness:cohort_rule": web(ADMIN, ADMIN),
    "api-readiness": api("403 200 404 200 404 200"),
    "api-readiness-sign-off": api(
        post_only("403 403 403 403 404 403"), "403 403 403 201 404 403", delete="403 403 403 409 404 409"
    ),
    "api-readiness-override": api(post_only(API_ADMIN), "403 403 403 403 403 400", delete="403 403 403 403 403 409"),
    # nesting and transfer: observing a hire's live call, and practice against real calls, are for the hire's
    # coaches and admins (an empty observation is refused: 400); the cohort figure likewise for its coaches
    "coaching:nesting_new": web(STAFF_OBJ, "L 403 403 400 404 400"),
    "api-nesting-observations": api(post_only(API_STAFF_OBJ), "403 403 403 400 404 400"),
    "api-hire-transfer": api(API_STAFF_OBJ),
    "api-cohort-transfer": api(API_STAFF_OBJ),
    # targeted practice: the hire reads her own list; her coaches and admins read it, add to it (an empty form
    # or body is refused: back to the timeline with a message, or 400) and remove items
    "coaching:practice_add": web(post_only(STAFF_OBJ), "L 403 403 302 404 302"),
    "coaching:practice_remove": web(post_only(STAFF_OBJ), "L 403 403 302 404 302"),
    "api-hire-practice": api("403 200 404 200 404 200", "403 403 403 400 404 400"),
    "api-hire-practice-item": api(post_only(API_STAFF_OBJ), delete="403 403 403 200 404 200"),
    # API schema and docs: public, like the code that serves them
    "api-schema": web(PUBLIC),
    "api-docs": web(PUBLIC),
    "api-redoc": web(PUBLIC),
    # a person's data: admins download everything about someone, or erase them (an empty form is refused)
    "accounts:person_privacy": web(ADMIN),
    "accounts:person_export": web(ADMIN),
    "accounts:person_erase": web(ADMIN, "L 403 403 403 403 400"),
}

# URL parameters: by name where the name says what it is, by row (`args`) where it does not.
OBJECTS: dict[str, Callable[[World], object]] = {
    "week_number": lambda w: 1,
    "attempt_id": lambda w: w.attempt.pk,
    "enrollment_id": lambda w: w.enrollment.pk,
    "review_id": lambda w: w.call_review.pk,
    "dispute_id": lambda w: w.dispute.pk,
    "second_mark_id": lambda w: w.second_mark.pk,  # second marking
    "second_mark": lambda w: w.second_mark.pk,
    "feedback_id": lambda w: w.feedback.pk,
    "notification_id": lambda w: w.notification.pk,
    "checkpoint_id": lambda w: w.checkpoint.pk,
    "cohort_id": lambda w: w.cohort.pk,
    "decision_id": lambda w: w.decision.pk,
    "coach_id": lambda w: w.coach.pk,
    "code": lambda w: w.certificate.code,
    "action": lambda w: "pause",
    "kind": lambda w: "progress",
    "lesson_slug": lambda w: w.lesson.slug,
    "scenario_slug": lambda w: w.scenario.slug,
    "check_attempt_number": lambda w: w.check_attempt.number,
    "attempt_number": lambda w: w.attempt.number,
    "lesson": lambda w: w.lesson.pk,
    "check": lambda w: w.check.pk,
    "scenario": lambda w: w.scenario.pk,
    "attempt": lambda w: w.attempt.pk,
    "dispute": lambda w: w.dispute.pk,
    "feedback": lambda w: w.feedback.pk,
    "notification": lambda w: w.notification.pk,
    "checkpoint": lambda w: w.checkpoint.pk,
    "decision": lambda w: w.decision.pk,
    "cohort": lambda w: w.cohort.pk,
    "enrollment": lambda w: w.enrollment.pk,
    "assignment_id": lambda w: w.practice_assignment.pk,  # targeted practice
    "excusal_id": lambda w: w.excusal.pk,  # completion
    # calibration
    "session_id": lambda w: w.calibration_session.pk,
    "item_id": lambda w: w.calibration_item.pk,
    # calibration reports
    "figure": lambda w: "leniency",
    "version_id": lambda w: shipped_version_ensure().pk,
    "scorer_version": lambda w: shipped_version_ensure().pk,
    "reset": lambda w: password_reset_kwargs(w.hire),
    "invitation": lambda w: invitation_kwargs(w.hire),
    "token_id": lambda w: account_services.api_token_create(user=w.hire, name="Laptop")[0].pk,  # API tokens
    "user_id": lambda w: w.hire.pk,  # a person's data
}

PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")


def url_for(name: str, pattern: str, row: Row, world: World) -> str:
    kwargs = {}
    for parameter in PARAMETER.findall(pattern):
        key = (row.args or {}).get(parameter, parameter)
        assert key in OBJECTS, f"{name}: no object for the URL parameter <{parameter}>; add it to OBJECTS or args"
        value = OBJECTS[key](world)
        kwargs[parameter] = value[parameter] if isinstance(value, dict) else value
    assert not PARAMETER.search(pattern) or kwargs
    return reverse(name, kwargs=kwargs) if name in ROUTE_NAMES else "/" + pattern


def parse(line: str) -> dict[str, set[str]]:
    tokens = line.split()
    assert len(tokens) == len(ROLES), f"{line!r}: one outcome per role, in the order {ROLES}"
    return {role: set(token.split("|")) for role, token in zip(ROLES, tokens, strict=True)}


def outcome(response) -> str:
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith(reverse("login") + "?"):
            return "L"
        if location.startswith(reverse("admin:login") + "?"):
            return "A"
    return str(response.status_code)


ROUTE_NAMES = {name for name, *_ in discovered_routes() if name}


# --- The tests -----------------------------------------------------------------------------------------


def test_every_route_is_in_the_matrix_and_every_row_is_a_route():
    found = routes_in_scope()
    missing = sorted(set(found) - set(ROUTES))
    stale = sorted(set(ROUTES) - set(found))
    assert not missing, f"routes with no row in the access matrix (decide who may use them): {missing}"
    assert not stale, f"rows in the access matrix that match no route any more: {stale}"


def test_every_write_method_of_an_api_view_is_in_the_matrix():
    """An API view's POST/PUT/PATCH/DELETE handlers each need a line: a new handler is a new door."""
    unchecked = []
    for name, _, _, callback in discovered_routes():
        view_class = getattr(callback, "cls", None)
        if name not in ROUTES or view_class is None:
            continue
        for method in ("post", "put", "patch", "delete"):
            if hasattr(view_class, method) and method.upper() not in ROUTES[name].writes:
                unchecked.append(f"{name} {method.upper()}")
    assert not unchecked, f"API write methods with no line in the access matrix: {unchecked}"


def test_the_matrix_never_expects_someone_elses_object_to_be_shown():
    found = routes_in_scope()
    for name, row in ROUTES.items():
        if row.public_by_design or row.relative or not PARAMETER.search(found.get(name, "")):
            continue
        for line in (row.get, *row.writes.values()):
            expected = parse(line)
            for role in ("other_hire", "other_coach"):
                assert not any(s.startswith("2") for s in expected[role]), f"{name}: {role} must not get a 2xx"


def request_as(world: World, role: str, method: str, url: str, api: bool):
    """One request by a freshly signed-in client, rolled back afterwards (sessions included)."""
    with transaction.atomic():
        client = world.client(role)
        if method == "GET":
            response = client.get(url)
        elif api:
            response = client.generic(method, url, "{}", content_type="application/json")
        else:
            response = client.post(url, {})
        transaction.set_rollback(True)
    return response


def test_access_matrix(world):
    found = routes_in_scope()
    mismatches = []
    for name, pattern in sorted(found.items()):
        row = ROUTES[name]
        url = url_for(name, pattern, row, world)
        for method, line in (("GET", row.get), *row.writes.items()):
            for role, allowed in parse(line).items():
                got = outcome(request_as(world, role, method, url, row.api))
                if got not in allowed:
                    mismatches.append(f"{method} {url} as {role}: got {got}, expected {'|'.join(sorted(allowed))}")
    assert not mismatches, "\n" + "\n".join(mismatches)


# --- Pay: admins and the hire herself, never a coach ---------------------------------------------------

WORLD_PAY = ("3200.00", "3,200.00", "3100.00", "3,100.00")  # the hires' salaries, and their offers (one month)


def _text(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode(errors="replace")


def test_no_page_or_answer_a_coach_opens_shows_a_salary_or_an_offer(world):
    found = routes_in_scope()
    shown = []
    for name, pattern in sorted(found.items()):
        row = ROUTES[name]
        url = url_for(name, pattern, row, world)
        for role in ("coach", "other_coach"):
            if any(s.startswith("2") for s in parse(row.get)[role]):
                text = _text(request_as(world, role, "GET", url, row.api))
                shown += [f"{url} as {role}: {amount}" for amount in WORLD_PAY if amount in text]
    assert not shown, "\n" + "\n".join(shown)
    # The amounts are there to be seen, by those who may.
    overview = _text(request_as(world, "admin", "GET", reverse("checkpoint:cohort", args=[world.cohort.pk]), False))
    assert "3,200.00" in overview and "3,100.00" in overview
