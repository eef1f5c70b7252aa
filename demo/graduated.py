"""A cohort that finished its six weeks about a hundred days ago, so the outcomes report has a story to tell.

Its hires did their work on time, had their role-plays graded, were signed off (or not) before nesting,
decided at the checkpoint, and the admin has since recorded who was still in the role at 30, 60 and 90 days.
Everything is written through the same services as the live product, at the moment it would have happened.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from accounts.models import Role, User
from checkpoint import services as checkpoint_services
from coaching import services as coaching_services
from coaching.selectors import waiting_for_a_coach
from cohorts import services as cohort_services
from courses import services as course_services
from courses.levels import as_level
from courses.models import TRAINING_WEEKS, Enrollment
from demo.services import (
    ADMIN,
    DemoHire,
    DemoPerson,
    DemoResult,
    _default_curriculum,
    _person_get_or_create,
    _salary,
    _seed_progress,
)
from outcomes import services as outcome_services
from outcomes.models import RetentionStatus
from readiness import services as readiness_services

GRADUATED_COHORT_SLUG = "demo-graduated"
DAYS_SINCE_CHECKPOINT = 100
GRADUATED_COACH = "coach.priya@academy.example"


@dataclass(frozen=True)
class GraduatedHire:
    hire: DemoHire
    levels: str  # "strong", "steady" or "short" (Explore under genuine): the coach's released levels
    signed_off: bool
    choice: str  # commit or offer
    left_after_days: int | None = None  # days after the decision they left the role, if they did
    recorded_through: int = 90  # the last milestone the admin has recorded so far


GRADUATED = [
    GraduatedHire(DemoHire("hire.quinn@academy.example", "Quinn Adebayo", days_behind=0), "strong", True, "commit"),
    GraduatedHire(DemoHire("hire.rosa@academy.example", "Rosa Delgado", days_behind=0), "strong", True, "commit"),
    GraduatedHire(
        DemoHire("hire.sam@academy.example", "Sam Whitaker", days_behind=0),
        "steady",
        True,
        "commit",
        left_after_days=74,
    ),
    GraduatedHire(
        DemoHire("hire.wes@academy.example", "Wes Tanaka", days_behind=0), "steady", True, "commit", recorded_through=60
    ),
    GraduatedHire(
        DemoHire("hire.tariq@academy.example", "Tariq Aziz", days_behind=0),
        "short",
        False,
        "commit",
        left_after_days=19,
    ),
    GraduatedHire(
        DemoHire("hire.uma@academy.example", "Uma Varga", days_behind=4), "short", False, "commit", left_after_days=41
    ),
    GraduatedHire(DemoHire("hire.victor@academy.example", "Victor Lund", days_behind=0), "steady", False, "offer"),
]


def _released_levels(attempt, profile: str) -> dict[str, int]:
    levels = {key: as_level(round(value)) or 0 for key, value in (attempt.prescore or {}).get("levels", {}).items()}
    if profile == "short":  # between developing and genuine, never settled at genuine on Explore
        levels = {key: min(max(level, 1), 2) for key, level in levels.items()}
        return {**levels, "explore": 1} if "explore" in levels else levels
    floor = 3 if profile == "strong" else 2
    return {key: max(level, floor) for key, level in levels.items()}


def graduated_cohort_load(*, result: DemoResult, now: datetime.datetime | None = None) -> None:
    """Load the graduated cohort once (after demo_load, which makes its curriculum and coach)."""
    now = now or timezone.now()
    if Enrollment.objects.filter(cohort__slug=GRADUATED_COHORT_SLUG).exists():
        for graduated in GRADUATED:
            _person_get_or_create(DemoPerson(graduated.hire.email, graduated.hire.display_name, Role.HIRE), result)
        return
    curriculum = _default_curriculum(result)
    coach = User.objects.get(email=GRADUATED_COACH)
    decided_at = now - datetime.timedelta(days=DAYS_SINCE_CHECKPOINT)
    start = timezone.localdate(decided_at) - datetime.timedelta(days=7 * TRAINING_WEEKS + 1)
    cohort = cohort_services.cohort_create(
        actor=None, name="Graduated cohort", slug=GRADUATED_COHORT_SLUG, curriculum=curriculum, coaches=[coach],
        start_date=start, time_zone="America/Los_Angeles", second_marking_percent=0,
    )  # fmt: skip
    result.created.append(f"cohort {cohort.name}")
    profiles: dict[int, GraduatedHire] = {}
    for graduated in GRADUATED:
        hire = _person_get_or_create(DemoPerson(graduated.hire.email, graduated.hire.display_name, Role.HIRE), result)
        enrollment = course_services.enrollment_create(
            cohort=cohort, hire=hire, monthly_salary=_salary(graduated.hire), note="Demo data"
        )
        _seed_progress(enrollment, graduated.hire, decided_at)
        profiles[enrollment.pk] = graduated

    waiting = waiting_for_a_coach().filter(enrollment__cohort=cohort).order_by("submitted_at", "pk")
    for number, attempt in enumerate(waiting):
        when = attempt.submitted_at + datetime.timedelta(hours=6, minutes=number)
        levels = _released_levels(attempt, profiles[attempt.enrollment_id].levels)
        coaching_services.grade_release(attempt=attempt, coach=coach, levels=levels, now=when)

    nesting_starts = timezone.make_aware(
        datetime.datetime.combine(start + datetime.timedelta(days=7 * (readiness_services.NESTING_WEEK - 1)),
                                  datetime.time(9)),
    )  # fmt: skip
    enrollments = {e.pk: e for e in cohort.enrollments.select_related("hire", "cohort")}
    for enrollment_id, graduated in profiles.items():
        if graduated.signed_off:
            readiness_services.readiness_sign_off(
                enrollment=enrollments[enrollment_id], coach=coach, now=nesting_starts,
                note="Ready for the floor: steady on every criterion.",
            )  # fmt: skip

    checkpoint_services.checkpoints_open_due(now=decided_at - datetime.timedelta(hours=2))
    for enrollment_id, graduated in profiles.items():
        enrollment = Enrollment.objects.select_related("checkpoint", "hire").get(pk=enrollment_id)
        checkpoint_services.checkpoint_decide(
            hire=enrollment.hire, checkpoint_id=enrollment.checkpoint.pk, choice=graduated.choice,
            confirm=graduated.choice, offer_text_version=1, now=decided_at,
            reflection="Six weeks that showed me what a personal emotional connection sounds like.",
        )  # fmt: skip
    result.created.append("graduated cohort: decisions and certificates")
    _retention_recorded(profiles, enrollments, decided_at)
    result.created.append("graduated cohort: retention at 30, 60 and 90 days")


def _retention_recorded(profiles: dict[int, GraduatedHire], enrollments: dict[int, Enrollment],
                        decided_at: datetime.datetime) -> None:  # fmt: skip
    """What the admin recorded the day after each milestone: still in the role, or left on the day they did."""
    admin = User.objects.get(email=ADMIN.email)
    decided_on = timezone.localdate(decided_at)
    for enrollment_id, graduated in profiles.items():
        if graduated.choice != "commit":
            continue
        for days in (30, 60, 90):
            if days > graduated.recorded_through:
                break
            left = graduated.left_after_days is not None and graduated.left_after_days <= days
            outcome_services.retention_record(
                enrollment=enrollments[enrollment_id], milestone_days=days, actor=admin,
                status=RetentionStatus.LEFT if left else RetentionStatus.RETAINED,
                left_on=decided_on + datetime.timedelta(days=graduated.left_after_days) if left else None,
                now=decided_at + datetime.timedelta(days=days + 1),
            )  # fmt: skip
