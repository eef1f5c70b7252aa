"""What a page reads about people and their events is cached, and never stale after the writes that change it:
the person signed in, their running enrollment, the hire dashboard's feedback, practice and readiness panels
and the coaching timeline. The bell is read, not cached, and current too.

These tests commit for real (transaction=True): a version token changes only when the write commits.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coaching import practice, services
from coaching.models import Feedback
from courses.models import Lesson
from notifications import services as notifications
from notifications.models import Kind
from readiness import services as readiness
from tests.conftest import _client_for
from tests.factories import CoachFactory, CohortFactory, EnrollmentFactory, HireFactory, curriculum_with
from tests.roleplay_support import scenario_with_turns

committing = pytest.mark.django_db(transaction=True)


@pytest.fixture
def running(db):
    coach = CoachFactory(display_name="Maya Lopez")
    cohort = CohortFactory(curriculum=curriculum_with(lessons_per_week=2))
    cohort.coaches.add(coach)
    return EnrollmentFactory(cohort=cohort, hire=HireFactory())


def _coach(enrollment):
    return enrollment.cohort.coaches.get()


def _dashboard(client) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("courses:my_training"))
    assert response.status_code == 200
    return response.content.decode(), len(captured)


def _review(enrollment, coach, reason: str):
    scenario = scenario_with_turns(enrollment.cohort.curriculum, slug="graded-call", mode="graded")
    version = scenario.rubric.current_version
    levels = {criterion.key: 2 for criterion in version.criteria.all()}
    return services.call_review_create(
        enrollment=enrollment,
        coach=coach,
        rubric_version=version,
        levels=levels,
        reason=reason,
        call_reference="CALL-1001",
        duration_seconds=420,
    )


@committing
def test_the_feedback_panel_after_a_call_review_an_acknowledgement_and_a_coach_renamed(running):
    client, coach = _client_for(running.hire), _coach(running)
    page, cold = _dashboard(client)
    assert "No feedback yet. When Maya Lopez grades" in page
    _, warm = _dashboard(client)
    assert warm < cold  # the second read came from the cache: these tests can fail

    _review(running, coach, "Refund for a late parcel")
    page, _ = _dashboard(client)
    assert "Call review: Refund for a late parcel" in page
    assert "Maya Lopez," in page and "(1 to acknowledge)" in page

    coach.display_name = "Maya Okafor"
    coach.save()
    page, _ = _dashboard(client)
    assert "Maya Okafor," in page and "Maya Lopez" not in page

    services.feedback_acknowledge(feedback=Feedback.objects.get(enrollment=running), hire=running.hire)
    page, _ = _dashboard(client)
    assert "Call review: Refund for a late parcel" in page and "to acknowledge" not in page


@committing
def test_the_practice_panel_after_a_pick_and_a_removal(running):
    client, coach = _client_for(running.hire), _coach(running)
    assert "Practice picked for you" not in _dashboard(client)[0]
    lesson = Lesson.objects.filter(curriculum=running.cohort.curriculum).order_by("week__number", "position").first()

    picked = practice.practice_add(enrollment=running, coach=coach, lesson=lesson, reason="Warmer openings")
    page, _ = _dashboard(client)
    assert "Practice picked for you" in page and "Picked by Maya Lopez: Warmer openings" in page

    practice.practice_remove(assignment=picked, coach=coach)
    assert "Warmer openings" not in _dashboard(client)[0]


@committing
def test_the_readiness_panel_after_a_sign_off_and_its_withdrawal(running):
    client, coach = _client_for(running.hire), _coach(running)
    assert "Signed off by Maya" not in _dashboard(client)[0]

    readiness.readiness_sign_off(enrollment=running, coach=coach)
    assert "Signed off by Maya Lopez" in _dashboard(client)[0]

    coach.display_name = "Maya Okafor"
    coach.save()
    assert "Signed off by Maya Okafor" in _dashboard(client)[0]

    readiness.readiness_sign_off_withdraw(enrollment=running, actor=coach)
    assert "Signed off by Maya" not in _dashboard(client)[0]


@committing
def test_the_bell_after_a_notification_and_after_reading_them_all(running):
    client = _client_for(running.hire)
    assert "unread" not in _dashboard(client)[0]

    notifications.notify(recipient=running.hire, kind=Kind.FEEDBACK, key="grade:1", title="Maya graded you")
    notifications.notify(recipient=running.hire, kind=Kind.FEEDBACK, key="grade:2", title="Maya graded you again")
    assert 'aria-label="2 unread"' in _dashboard(client)[0]

    notifications.notifications_mark_all_read(user=running.hire)
    assert "unread" not in _dashboard(client)[0]


@committing
def test_the_person_signed_in_is_read_again_after_they_change(running):
    client = _client_for(running.hire)
    _dashboard(client)
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("courses:my_training"))
    by_id = f'FROM "accounts_user" WHERE "accounts_user"."id" = {running.hire.pk}'
    assert not any(by_id in query["sql"] for query in captured)  # from the cache

    hire = running.hire
    hire.display_name = "Ana Renamed"
    hire.save()
    assert "Ana Renamed" in _dashboard(client)[0]

    hire.set_password("a-new-password-for-ana")
    hire.save()  # the session's hash no longer matches: signed out
    response = client.get(reverse("courses:my_training"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


@committing
def test_a_deactivated_person_is_signed_out_on_the_next_request(running):
    client = _client_for(running.hire)
    _dashboard(client)
    running.hire.is_active = False
    running.hire.save()
    response = client.get(reverse("courses:my_training"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


@committing
def test_the_hires_enrollment_after_a_pause_a_cohort_renamed_and_a_withdrawal(running, training_admin):
    from cohorts.services import cohort_update
    from courses.services.enrollments import enrollment_pause, enrollment_withdraw

    client = _client_for(running.hire)
    assert "Your training is paused" not in _dashboard(client)[0]
    with CaptureQueriesContext(connection) as warm:
        client.get(reverse("courses:my_training"))
    assert not any('FROM "courses_enrollment"' in query["sql"] for query in warm)  # from the cache

    enrollment_pause(enrollment=running, actor=training_admin)
    assert "Your training is paused" in _dashboard(client)[0]

    cohort_update(cohort=running.cohort, actor=training_admin, name="December starters")
    assert "December starters" in _dashboard(client)[0]

    running.refresh_from_db()
    enrollment_withdraw(enrollment=running, actor=training_admin, reason="Moved to another team")
    response = client.get(reverse("courses:my_training"))
    assert "Your training is paused" not in response.content.decode()
    assert response.context.get("overview") is None  # no running enrollment: the page says so


@committing
def test_within_a_request_tokens_are_read_once_and_its_own_writes_renew_them(running):
    from django.core.signals import request_finished, request_started

    from courses import caching
    from courses.services import lesson_complete

    lesson = Lesson.objects.filter(curriculum=running.cohort.curriculum).order_by("week__number", "position").first()
    request_started.send(sender=None)
    try:
        assert caching.enrollment_marks(enrollment_id=running.pk)["completed"] == set()
        with CaptureQueriesContext(connection) as again:
            caching.enrollment_marks(enrollment_id=running.pk)
        assert len(again) == 0
        lesson_complete(enrollment=running, lesson=lesson)  # commits within the request
        assert caching.enrollment_marks(enrollment_id=running.pk)["completed"] == {lesson.pk}
    finally:
        request_finished.send(sender=None)


def _page(client, name: str, *args) -> str:
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


@committing
def test_the_timeline_after_a_reply_a_dispute_and_a_coach_renamed(running):
    """The hire's feedback page and the coach's timeline of the hire read the same cached entries."""
    from coaching.models import Grade
    from tests.coaching.conftest import ALL_LEVELS, submit_attempt

    coach = _coach(running)
    hire_client, coach_client = _client_for(running.hire), _client_for(coach)
    scenario = scenario_with_turns(running.cohort.curriculum, slug="graded-wedding", mode="graded")
    services.grade_release(attempt=submit_attempt(running, scenario), coach=coach, levels=ALL_LEVELS)
    feedback = Feedback.objects.get(enrollment=running)
    for _ in range(2):
        hire_page = _page(hire_client, "coaching:my_feedback")
    assert "Maya Lopez ·" in hire_page and 'class="reply"' not in hire_page

    services.feedback_reply(feedback=feedback, author=coach, body="Your opening was lovely.")
    assert "Your opening was lovely." in _page(hire_client, "coaching:my_feedback")
    services.feedback_reply(feedback=feedback, author=running.hire, body="Thank you, Maya!")
    timeline = _page(coach_client, "coaching:hire_timeline", running.pk)
    assert "Thank you, Maya!" in timeline and "Your opening was lovely." in timeline

    services.dispute_open(grade=Grade.objects.get(pk=feedback.grade_id), hire=running.hire, criterion_key="wow",
                          reason="I offered the free return label.")  # fmt: skip
    assert "I offered the free return label." in _page(hire_client, "coaching:my_feedback")

    coach.display_name = "Maya Okafor"
    coach.save()
    hire_page = _page(hire_client, "coaching:my_feedback")
    assert "Maya Okafor ·" in hire_page and "<strong>Maya Okafor:</strong>" in hire_page
    assert "Maya Lopez" not in hire_page
