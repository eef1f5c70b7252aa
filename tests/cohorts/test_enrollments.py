"""A hire's enrollment: moving keeps all their work; pause, resume, withdraw and add by hand, each audited."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from coaching import services as coaching_services
from coaching.models import Feedback, Grade
from cohorts import services
from courses import services as course_services
from courses.models import (
    Attempt,
    CheckAttempt,
    Enrollment,
    EnrollmentEventKind,
    EnrollmentStatus,
    Lesson,
    LessonCompletion,
)
from tests.coaching.conftest import ALL_LEVELS, submit_attempt
from tests.conftest import tasks_queued
from tests.factories import CohortFactory, EnrollmentFactory, HireFactory, curriculum_with, right_answers
from tests.roleplay_support import MARKER_SCORER, scenario_with_turns

pytestmark = pytest.mark.django_db


@pytest.fixture
def worked(settings, hire_enrollment, coach):
    """A hire with a completed lesson, a knowledge check, a graded role-play and its feedback."""
    settings.ROLEPLAY_SCORER = MARKER_SCORER
    curriculum = hire_enrollment.cohort.curriculum
    course_services.lesson_complete(enrollment=hire_enrollment, lesson=Lesson.objects.filter(curriculum=curriculum)[0])
    check = curriculum.weeks.get(number=1).knowledge_check
    course_services.check_attempt_submit(
        enrollment=hire_enrollment, knowledge_check=check, answers=right_answers(check)
    )
    scenario = scenario_with_turns(curriculum, slug="graded-wedding", mode="graded")
    attempt = submit_attempt(hire_enrollment, scenario)
    coaching_services.grade_release(attempt=attempt, coach=coach, levels=ALL_LEVELS, overall_comment="Warm.")
    return hire_enrollment


def test_moving_a_hire_keeps_attempts_grades_and_feedback(worked, training_admin, coach):
    target = CohortFactory(curriculum=worked.cohort.curriculum, name="April cohort")
    before = {
        "lessons": list(LessonCompletion.objects.filter(enrollment=worked).values_list("pk", flat=True)),
        "checks": list(CheckAttempt.objects.filter(enrollment=worked).values_list("pk", flat=True)),
        "attempts": list(Attempt.objects.filter(enrollment=worked).values_list("pk", flat=True)),
        "grades": list(Grade.objects.filter(attempt__enrollment=worked).values_list("pk", flat=True)),
        "feedback": list(Feedback.objects.filter(enrollment=worked).values_list("pk", flat=True)),
    }
    assert all(before.values())
    source = worked.cohort
    moved = services.enrollment_move(enrollment=worked, cohort=target, actor=training_admin, note="Schedule clash")
    assert moved.pk == worked.pk and Enrollment.objects.get(pk=worked.pk).cohort == target
    after = {
        "lessons": list(LessonCompletion.objects.filter(enrollment__cohort=target).values_list("pk", flat=True)),
        "checks": list(CheckAttempt.objects.filter(enrollment__cohort=target).values_list("pk", flat=True)),
        "attempts": list(Attempt.objects.filter(enrollment__cohort=target).values_list("pk", flat=True)),
        "grades": list(Grade.objects.filter(attempt__enrollment__cohort=target).values_list("pk", flat=True)),
        "feedback": list(Feedback.objects.filter(enrollment__cohort=target).values_list("pk", flat=True)),
    }
    assert after == before
    assert not Enrollment.objects.filter(cohort=source).exists()
    event = worked.events.get(kind=EnrollmentEventKind.MOVED)
    assert event.actor == training_admin and event.note == f"From {source.name} to April cohort. Schedule clash"


def test_a_move_to_another_curriculum_version_is_refused(hire_enrollment, training_admin):
    other = CohortFactory(curriculum=curriculum_with(lessons_per_week=1, version=2), name="V2 cohort")
    with pytest.raises(ValidationError, match=r"runs .* not .*Choose a cohort on the same curriculum version"):
        services.enrollment_move(enrollment=hire_enrollment, cohort=other, actor=training_admin)
    hire_enrollment.refresh_from_db()
    assert hire_enrollment.cohort != other and not hire_enrollment.events.exists()


@pytest.mark.parametrize("case", ["same", "archived", "withdrawn", "already_there"])
def test_other_moves_that_are_refused(hire_enrollment, training_admin, case):
    target = CohortFactory(curriculum=hire_enrollment.cohort.curriculum)
    if case == "same":
        target = hire_enrollment.cohort
    elif case == "archived":
        services.cohort_archive(cohort=target, actor=training_admin)
    elif case == "withdrawn":
        services.enrollment_withdraw(enrollment=hire_enrollment, actor=training_admin, reason="Left")
    else:
        EnrollmentFactory(cohort=target, hire=hire_enrollment.hire, status=EnrollmentStatus.WITHDRAWN)
    cohort_before = hire_enrollment.cohort_id
    with pytest.raises(ValidationError):
        services.enrollment_move(enrollment=hire_enrollment, cohort=target, actor=training_admin)
    assert Enrollment.objects.get(pk=hire_enrollment.pk).cohort_id == cohort_before


def test_the_move_page_offers_only_cohorts_on_the_same_version(admin_client_, hire_enrollment):
    same = CohortFactory(curriculum=hire_enrollment.cohort.curriculum, name="Same version")
    CohortFactory(curriculum=curriculum_with(lessons_per_week=1, version=2), name="Other version")
    cohort = hire_enrollment.cohort
    page = admin_client_.get(reverse("cohorts:enrollment", args=[cohort.pk, hire_enrollment.pk])).content.decode()
    assert "Same version" in page and "Other version" not in page
    response = admin_client_.post(
        reverse("cohorts:enrollment_action", args=[cohort.pk, hire_enrollment.pk, "move"]),
        {"cohort": same.pk, "note": "Moved for a family matter"},
        follow=True,
    )
    assert "moved to Same version, with all their work" in response.content.decode()
    assert Enrollment.objects.get(pk=hire_enrollment.pk).cohort == same


def test_pause_resume_and_withdraw_from_the_page(admin_client_, hire_enrollment, training_admin):
    cohort = hire_enrollment.cohort

    def act(action, **data):
        url = reverse("cohorts:enrollment_action", args=[cohort.pk, hire_enrollment.pk, action])
        return admin_client_.post(url, data, follow=True).content.decode()

    assert "is paused" in act("pause", note="Family leave")
    assert Enrollment.objects.get(pk=hire_enrollment.pk).status == EnrollmentStatus.PAUSED
    assert "Only an active hire can be paused" in act("pause")
    assert "back in training" in act("resume")
    assert "moved by 3 days" in act("extend", days=3)
    assert "is withdrawn" in act("withdraw", reason="Took another job")
    enrollment = Enrollment.objects.get(pk=hire_enrollment.pk)
    assert enrollment.status == EnrollmentStatus.WITHDRAWN and enrollment.extension_days == 3
    kinds = list(enrollment.events.order_by("id").values_list("kind", "note", "actor"))
    assert kinds == [
        ("paused", "Family leave", training_admin.pk),
        ("resumed", "", training_admin.pk),
        ("extended", "", training_admin.pk),
        ("withdrawn", "Took another job", training_admin.pk),
    ]
    assert "Only a hire in training can be withdrawn" in act("withdraw")
    assert (
        admin_client_.post(reverse("cohorts:enrollment_action", args=[cohort.pk, enrollment.pk, "nope"])).status_code
        == 404
    )


def test_add_one_hire_by_hand(admin_client_, running_cohort, django_capture_on_commit_callbacks, monkeypatch):
    from accounts import tasks

    sent = []
    monkeypatch.setattr(tasks.invitation_email_send, "delay", lambda user_id: sent.append(user_id))
    url = reverse("cohorts:hire_add", args=[running_cohort.pk])
    bad = admin_client_.post(url, {"email": "x@academy.test", "name": "X", "time_zone": "UTC", "monthly_salary": "-1"})
    assert bad.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_.post(
            url,
            {"email": "Mo.New@Academy.test", "name": "Mo New", "time_zone": "Asia/Tokyo", "monthly_salary": "2900"},
            follow=True,
        )
    assert "Mo New is enrolled and invited" in response.content.decode()
    enrollment = Enrollment.objects.get(hire__email="mo.new@academy.test")
    assert enrollment.monthly_salary == Decimal("2900.00") and enrollment.hire.time_zone == "Asia/Tokyo"
    assert sent == [enrollment.hire_id]
    again = admin_client_.post(
        url, {"email": "mo.new@academy.test", "name": "Mo", "time_zone": "UTC", "monthly_salary": "1"}
    )
    assert again.status_code == 400 and "already in" in again.content.decode()


def test_an_existing_hire_without_a_running_enrollment_is_enrolled_not_recreated(
    running_cohort, training_admin, django_capture_on_commit_callbacks
):
    returning = HireFactory(email="back@academy.test")
    EnrollmentFactory(hire=returning, status=EnrollmentStatus.WITHDRAWN)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        enrollment = services.enrollment_add(
            cohort=running_cohort,
            email="back@academy.test",
            name="Back",
            time_zone="UTC",
            monthly_salary="3000",
            actor=training_admin,
        )
    assert enrollment.hire == returning and tasks_queued(callbacks) == []  # no invitation
