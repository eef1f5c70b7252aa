"""Outcomes test support: hires who decided at the checkpoint some days ago, and their grades and calls."""

import datetime

from django.utils import timezone

from checkpoint.models import Checkpoint, Choice, Decision, OfferText
from coaching.models import CallReview, Grade
from courses.models import Attempt, AttemptState, EnrollmentStatus
from outcomes import services
from outcomes.models import RetentionStatus
from readiness import services as readiness_services
from tests.factories import CohortFactory, EnrollmentFactory, HireFactory, curriculum_with
from tests.roleplay_support import scenario_with_turns

LEVEL_NAMES = ("acknowledge", "connect", "explore", "own_resolve", "wow", "tone")


def levels(value: int) -> dict[str, int]:
    return dict.fromkeys(LEVEL_NAMES, value)


def outcomes_cohort(**overrides):
    """A cohort (UTC) that started five months ago: its hires decided at the checkpoint long since."""
    fields = {
        "curriculum": curriculum_with(lessons_per_week=1),
        "start_date": timezone.localdate() - datetime.timedelta(days=150),
        "time_zone": "UTC",
        **overrides,
    }
    return CohortFactory(**fields)


def decide(enrollment, choice: str = Choice.COMMIT, *, days_ago: float = 100, at: datetime.datetime | None = None,
           by=None) -> Decision:  # fmt: skip
    """A standing checkpoint decision taken `days_ago` (or `at`), and the enrollment's status that follows it."""
    decided_at = at or timezone.now() - datetime.timedelta(days=days_ago)
    offer_text, _ = OfferText.objects.get_or_create(
        cohort=enrollment.cohort, version=1, defaults={"body_markdown": "A month's salary to leave, if you wish."}
    )
    checkpoint = Checkpoint.objects.create(
        enrollment=enrollment, opened_at=decided_at - datetime.timedelta(days=2), deadline=decided_at
    )
    decision = Decision.objects.create(
        checkpoint=checkpoint, choice=choice, decided_at=decided_at, decided_by=by or enrollment.hire,
        offer_text=offer_text, currency=enrollment.cohort.currency,
    )  # fmt: skip
    enrollment.status = EnrollmentStatus.GRADUATED if choice == Choice.COMMIT else EnrollmentStatus.LEFT_WITH_OFFER
    enrollment.save(update_fields=["status"])
    return decision


def graded(enrollment, scenario, coach, value: int, *, number: int = 1, outcome: str = Grade.Outcome.RELEASED):
    """A graded role-play attempt with the same level on every criterion."""
    when = timezone.now() - datetime.timedelta(days=120)
    attempt = Attempt.objects.create(
        enrollment=enrollment, scenario=scenario, number=number, rubric_version=scenario.rubric.current_version,
        state=AttemptState.GRADED, started_at=when, submitted_at=when,
    )  # fmt: skip
    return Grade.objects.create(
        attempt=attempt, coach=coach, rubric_version=attempt.rubric_version, levels=levels(value), percent=50,
        outcome=outcome, released_at=when if outcome == Grade.Outcome.RELEASED else None,
    )  # fmt: skip


def reviewed_call(enrollment, scenario, coach, value: int) -> CallReview:
    return CallReview.objects.create(
        enrollment=enrollment, coach=coach, rubric_version=scenario.rubric.current_version,
        call_at=timezone.now() - datetime.timedelta(days=110), call_reference="C-1", reason="Sizing",
        duration_seconds=300, levels=levels(value), percent=60,
    )  # fmt: skip


def csv_bytes(*lines: str, header: str = "email,days,status,left_on,note") -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode("utf-8")


def day_iso(decision: Decision, days: int) -> str:
    return (decision.decided_at.date() + datetime.timedelta(days=days)).isoformat()


def known_outcomes(cohort, coach, training_admin) -> dict:
    """Six hires with known answers.

    Ana: ready, role-plays 3, calls 2; committed 100 days ago; 30 and 60 retained, 90 left.
    Ben: not ready, role-plays 1; committed 100 days ago; 30 retained, 60 left, 90 not recorded.
    Cid: not ready, no grades; committed 45 days ago; 30 retained, 60 and 90 still to come.
    Dee: ready, role-plays 1; took the offer 100 days ago.
    Eve: not decided.
    Fay: not ready, a grade held for a second mark only (it doesn't count); committed 100 days ago, nothing recorded.
    """
    scenario = scenario_with_turns(cohort.curriculum, slug="graded", mode="graded")
    hires = {}
    for name in ("Ana", "Ben", "Cid", "Dee", "Eve", "Fay"):
        hires[name] = EnrollmentFactory(
            cohort=cohort, hire=HireFactory(display_name=name, email=f"{name.lower()}@academy.test")
        )
    for name, ready in (("Ana", True), ("Ben", False), ("Cid", False), ("Dee", True), ("Eve", False), ("Fay", False)):
        readiness_services.readiness_override(enrollment=hires[name], admin=training_admin, ready=ready, reason="R")
    graded(hires["Ana"], scenario, coach, 3)
    reviewed_call(hires["Ana"], scenario, coach, 2)
    graded(hires["Ben"], scenario, coach, 1)
    graded(hires["Dee"], scenario, coach, 1)
    graded(hires["Fay"], scenario, coach, 3, outcome=Grade.Outcome.HELD)
    decisions = {name: decide(hires[name], days_ago=100) for name in ("Ana", "Ben", "Fay")}
    decisions["Cid"] = decide(hires["Cid"], days_ago=45)
    decide(hires["Dee"], Choice.OFFER, days_ago=100)

    def record(name, days, status, left_after=None):
        left_on = decisions[name].decided_at.date() + datetime.timedelta(left_after) if left_after else None
        services.retention_record(enrollment=hires[name], milestone_days=days, status=status, left_on=left_on,
                                  actor=training_admin)  # fmt: skip

    record("Ana", 30, RetentionStatus.RETAINED)
    record("Ana", 60, RetentionStatus.RETAINED)
    record("Ana", 90, RetentionStatus.LEFT, left_after=80)
    record("Ben", 30, RetentionStatus.RETAINED)
    record("Ben", 60, RetentionStatus.LEFT, left_after=50)
    record("Cid", 30, RetentionStatus.RETAINED)
    return hires
