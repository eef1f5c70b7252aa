"""One realistic world for the security tests: a cohort whose six weeks are over, with a hire
who has done a bit of everything (lessons, a knowledge check, a graded role-play with feedback,
a reply and a dispute, a reviewed call with a recording, notifications, an open checkpoint), a
classmate who committed and holds a certificate, and a second cohort with its own hire and coach."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.db.models import Value
from django.db.models.functions import Concat
from django.test import Client
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.invitations import invitation_token_generator
from calibration import services as calibration_services
from checkpoint import services as checkpoint_services
from checkpoint.models import Certificate, Decision
from coaching import practice
from coaching import services as coaching_services
from coaching.models import CallReview, Dispute, Feedback, SecondMark
from courses import services as course_services
from courses.models import Attempt, CheckAttempt, Cohort, Enrollment, KnowledgeCheck, Lesson, Scenario
from courses.services import excusals
from notifications.models import Notification
from tests.checkpoint.support import complete_training
from tests.coaching.conftest import ALL_LEVELS, submit_attempt
from tests.coaching.test_call_reviews import wav_upload
from tests.factories import (
    AdminFactory,
    CoachFactory,
    CohortFactory,
    EnrollmentFactory,
    HireFactory,
    curriculum_with,
    right_answers,
)
from tests.roleplay_support import MARKER_SCORER, scenario_with_turns

ROLES = ("anonymous", "hire", "other_hire", "coach", "other_coach", "admin")


@dataclass
class World:
    hire: object
    other_hire: object
    coach: object
    other_coach: object
    admin: object
    graduate: object
    cohort: Cohort
    other_cohort: Cohort
    enrollment: Enrollment
    other_enrollment: Enrollment
    lesson: Lesson
    check: KnowledgeCheck
    check_attempt: CheckAttempt
    scenario: Scenario
    attempt: Attempt
    feedback: Feedback
    dispute: Dispute
    call_review: CallReview
    notification: Notification
    checkpoint: object
    decision: Decision
    certificate: Certificate
    # calibration: an open session the cohort's coach is invited to (its item: the reviewed call)
    calibration_session: object = None
    calibration_item: object = None
    # second marking: a role-play another coach of the cohort graded first, held for a blind second mark
    second_mark: object = None
    # targeted practice: a lesson the cohort's coach put on the hire's practice list
    practice_assignment: object = None
    # completion: an item the admin excused for the hire
    excusal: object = None

    def user(self, role: str):
        return None if role == "anonymous" else getattr(self, role)

    def client(self, role: str) -> Client:
        client = Client(raise_request_exception=False)  # a server error is an outcome (500), not a crash
        if role != "anonymous":
            # A fresh copy: signing in touches last_login, which must not leak into the world's objects.
            user = self.user(role)
            client.force_login(type(user).objects.get(pk=user.pk))
        return client


def build_world() -> World:
    today = timezone.now().date()
    coach = CoachFactory(display_name="Cora Coach")
    other_coach = CoachFactory(display_name="Otto Outsider")
    admin = AdminFactory(display_name="Ada Admin")
    hire = HireFactory(display_name="Hana Hire")
    graduate = HireFactory(display_name="Gus Graduate")
    other_hire = HireFactory(display_name="Olga Other")

    # Six weeks are over today: every week is open and the checkpoint is due.
    cohort = CohortFactory(
        curriculum=curriculum_with(lessons_per_week=2), start_date=today - datetime.timedelta(days=42), time_zone="UTC"
    )
    cohort.coaches.add(coach)
    other_cohort = CohortFactory(
        curriculum=curriculum_with(lessons_per_week=1), start_date=today - datetime.timedelta(days=10), time_zone="UTC"
    )
    other_cohort.coaches.add(other_coach)
    # Slugs of its own, so that a lesson address of the first cohort names nothing of the second.
    Lesson.objects.filter(curriculum=other_cohort.curriculum).update(slug=Concat(Value("other-"), "slug"))
    enrollment = EnrollmentFactory(cohort=cohort, hire=hire, monthly_salary=Decimal("3200.00"))
    graduate_enrollment = EnrollmentFactory(cohort=cohort, hire=graduate, monthly_salary=Decimal("3100.00"))
    other_enrollment = EnrollmentFactory(cohort=other_cohort, hire=other_hire)

    lesson = Lesson.objects.get(curriculum=cohort.curriculum, slug="w1-lesson-1")
    course_services.lesson_complete(enrollment=enrollment, lesson=lesson)
    check = KnowledgeCheck.objects.get(week__curriculum=cohort.curriculum, week__number=1)
    check_attempt = course_services.check_attempt_submit(
        enrollment=enrollment, knowledge_check=check, answers=right_answers(check)
    )

    scenario = scenario_with_turns(cohort.curriculum, slug="graded-wedding", mode="graded", max_attempts=3)
    attempt = submit_attempt(enrollment, scenario)
    grade = coaching_services.grade_release(attempt=attempt, coach=coach, levels=ALL_LEVELS, overall_comment="Warm.")
    feedback = Feedback.objects.get(grade=grade)
    coaching_services.feedback_reply(feedback=feedback, author=hire, body="Thank you!")
    dispute = coaching_services.dispute_open(grade=grade, hire=hire, criterion_key="wow", reason="I offered a WOW.")
    call_review = coaching_services.call_review_create(
        enrollment=enrollment, coach=coach, rubric_version=attempt.rubric_version,
        call_at=timezone.now() - datetime.timedelta(days=1), call_reference="CALL-1", channel="phone",
        duration_seconds=600, reason="Narrow shoes for a wedding", levels=ALL_LEVELS, strengths="Warm opening.",
        transcript="Customer: Hi", recording=wav_upload(), notes=[(133, "lovely connection over the dog")],
    )  # fmt: skip
    # A second role-play waits in the coaches' queue.
    submit_attempt(enrollment, scenario_with_turns(cohort.curriculum, slug="waiting-call", mode="graded"))
    # second marking: a third, graded by another coach of the cohort, is held for a blind second mark
    first_coach = CoachFactory(display_name="Fay First")
    cohort.coaches.add(first_coach)
    held = submit_attempt(enrollment, scenario_with_turns(cohort.curriculum, slug="held-call", mode="graded"))
    Cohort.objects.filter(pk=cohort.pk).update(second_marking_percent=100)
    coaching_services.grade_release(attempt=held, coach=first_coach, levels=ALL_LEVELS, overall_comment="Kind.")
    Cohort.objects.filter(pk=cohort.pk).update(second_marking_percent=0)
    practice_assignment = practice.practice_add(
        enrollment=enrollment, coach=coach, lesson=Lesson.objects.get(curriculum=cohort.curriculum, slug="w2-lesson-1")
    )
    notification = Notification.objects.filter(recipient=hire).order_by("pk").first()

    checkpoint_services.checkpoints_open_due()
    enrollment.refresh_from_db()
    graduate_enrollment.refresh_from_db()
    complete_training(graduate_enrollment, admin)  # a certificate says "completed" only when it is true
    decision = checkpoint_services.checkpoint_decide(
        hire=graduate, checkpoint_id=graduate_enrollment.checkpoint.pk, choice="commit", confirm="commit",
        offer_text_version=1, reflection="Ready.",
    )  # fmt: skip
    # calibration: the admin facilitates; the cohort's coach and a colleague grade the role-play and the call
    calibration_session = calibration_services.session_create(
        facilitator=admin, title="Wedding calls", due_at=timezone.now() + datetime.timedelta(days=2),
        coaches=[coach, CoachFactory(display_name="Cal Colleague")], attempts=[attempt], call_reviews=[call_review],
    )  # fmt: skip
    return World(
        hire=hire, other_hire=other_hire, coach=coach, other_coach=other_coach, admin=admin, graduate=graduate,
        cohort=cohort, other_cohort=other_cohort, enrollment=enrollment, other_enrollment=other_enrollment,
        lesson=lesson, check=check, check_attempt=check_attempt, scenario=scenario, attempt=attempt,
        feedback=feedback, dispute=dispute, call_review=call_review, notification=notification,
        checkpoint=enrollment.checkpoint, decision=decision, certificate=Certificate.objects.get(decision=decision),
        calibration_session=calibration_session,
        calibration_item=calibration_session.items.get(anchor__call_review=call_review),
        second_mark=SecondMark.objects.get(attempt=held),
        practice_assignment=practice_assignment,
        excusal=excusals.item_excuse(
            enrollment=enrollment, kind="lesson", item_id=lesson.pk, admin=admin, reason="Did it in a previous role"
        ),
    )  # fmt: skip


def password_reset_kwargs(user, generator=default_token_generator) -> dict:
    user = type(user).objects.get(pk=user.pk)
    return {"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": generator.make_token(user)}


def invitation_kwargs(user) -> dict:
    return password_reset_kwargs(user, invitation_token_generator)


@pytest.fixture
def world(db, settings) -> World:
    settings.ROLEPLAY_SCORER = MARKER_SCORER
    return build_world()
