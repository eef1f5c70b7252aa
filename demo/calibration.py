"""Demo calibration: two revealed sessions three coaches graded blind, and one still open.

Each coach has a recognisable habit, so the agreement figures have something to say: Maya is close to
the agreed levels, Jordan is generous on connection and WOW, Priya is strict on tone and exploring.
"""

import datetime

from accounts.models import User
from calibration import services as calibration_services
from calibration.models import CalibrationSession
from coaching.models import CallReview
from courses.levels import LEVEL_MAX, LEVEL_MIN, as_level
from courses.models import Attempt, Cohort

EARLIER_SESSION = "Calibration: first graded role-plays"
REVEALED_SESSION = "Calibration: week five role-plays and a real call"
OPEN_SESSION = "Calibration: this week's role-plays"
# Criterion key → the level a coach tends to add to what the group agrees.
HABITS = {
    "coach.maya@academy.example": {},
    "coach.jordan@academy.example": {"connect": 1, "wow": 1},
    "coach.priya@academy.example": {"tone": -1, "explore": -1},
}


def _agreed_levels(keys: list[str], known: dict, item_number: int) -> dict[str, int]:
    """What the group settles on for an item: what the coach or the estimate gave, else a middling level."""
    levels = {}
    for position, key in enumerate(keys):
        level = as_level(known.get(key))
        levels[key] = level if level is not None else 1 + (item_number + position) % 2
    return levels


def _coach_levels(agreed: dict[str, int], habit: dict[str, int], item_number: int, coach_number: int):
    levels = {}
    for position, (key, level) in enumerate(agreed.items()):
        slip = 1 if (item_number + position + coach_number) % 7 == 0 else 0  # an occasional honest difference
        levels[key] = min(LEVEL_MAX, max(LEVEL_MIN, level + habit.get(key, 0) + slip))
    return levels


def _items(cohort: Cohort):
    attempts = list(
        Attempt.objects.filter(enrollment__cohort=cohort, state__in=calibration_services.ANCHORABLE_ATTEMPT_STATES)
        .select_related("rubric_version", "grade")
        .order_by("pk")
    )
    calls = list(CallReview.objects.filter(enrollment__cohort=cohort).select_related("rubric_version").order_by("pk"))
    return attempts, calls


def _known_levels(work) -> dict:
    if isinstance(work, CallReview):
        return work.levels
    grade = getattr(work, "grade", None)
    if grade is not None and grade.levels:
        return grade.levels
    return (work.prescore or {}).get("levels") or {}


def _run(*, title, facilitator, coaches, attempts, calls, opened, due, revealed_at=None, graders=None):
    session = calibration_services.session_create(
        facilitator=facilitator, title=title, due_at=due, coaches=coaches, attempts=attempts, call_reviews=calls,
        now=opened,
    )  # fmt: skip
    related = ("anchor__attempt__grade", "anchor__call_review", "anchor__rubric_version")
    items = list(session.items.select_related(*related))
    agreed_levels = []
    for item_number, item in enumerate(items):
        anchor = item.anchor
        keys = [criterion.key for criterion in anchor.rubric_version.criteria.order_by("position")]
        agreed = _agreed_levels(keys, _known_levels(anchor.attempt or anchor.call_review), item_number)
        agreed_levels.append(agreed)
        for coach_number, coach in enumerate(coaches):
            if graders is not None and item_number >= graders.get(coach.email, 0):
                continue
            levels = _coach_levels(agreed, HABITS.get(coach.email, {}), item_number, coach_number)
            when = opened + datetime.timedelta(hours=6 + coach_number * 5 + item_number)
            calibration_services.calibration_grade_save(item=item, coach=coach, levels=levels, now=when)
    if revealed_at is None:
        return session
    calibration_services.session_reveal(session=session, by=facilitator, now=revealed_at)
    for item_number, (item, agreed) in enumerate(zip(items, agreed_levels, strict=True)):
        calibration_services.gold_record(
            item=item, by=facilitator, levels=agreed, now=revealed_at + datetime.timedelta(minutes=10 + item_number),
            note="Agreed after comparing the answers line by line.",
        )  # fmt: skip
    return session


def demo_calibration_load(*, cohort: Cohort, admin: User, coaches: list[User], now: datetime.datetime) -> list[str]:
    """The demo's calibration sessions, once: nothing is added when they exist already."""
    if CalibrationSession.objects.filter(title=REVEALED_SESSION).exists():
        return []
    attempts, calls = _items(cohort)
    if len(attempts) < 5 or not calls:
        return []
    lead = next(coach for coach in coaches if coach.is_lead_coach)
    day = datetime.timedelta(days=1)
    _run(
        title=EARLIER_SESSION, facilitator=admin, coaches=coaches, attempts=attempts[:4], calls=[],
        opened=now - 16 * day, due=now - 12 * day, revealed_at=now - 11 * day,
    )  # fmt: skip
    _run(
        title=REVEALED_SESSION, facilitator=lead, coaches=coaches, attempts=attempts[-5:], calls=calls[:1],
        opened=now - 6 * day, due=now - 2 * day, revealed_at=now - 1 * day,
    )  # fmt: skip
    _run(
        title=OPEN_SESSION, facilitator=lead, coaches=coaches, attempts=attempts[1:4], calls=[],
        opened=now - 1 * day, due=now + 3 * day, graders={coaches[1].email: 2, coaches[0].email: 3},
    )  # fmt: skip
    return [f"calibration session {title}" for title in (EARLIER_SESSION, REVEALED_SESSION, OPEN_SESSION)]
