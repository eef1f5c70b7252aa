"""With the broker (Redis) stopped, hires and coaches keep working: a role-play submitted and a
grade released are saved and answered normally, and the emails they owe go out once the broker
is back, recovered from the notification ledger.

Runs in CI's PostgreSQL and Redis pass: a Redis of the test's own is stopped and started again,
and a real `celery worker` process delivers the emails."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching.models import Grade
from courses.models import Attempt, AttemptState
from notifications import services as notification_services
from notifications.models import EmailStatus, Kind, Notification
from tests.coaching.conftest import ALL_LEVELS, submit_attempt
from tests.conftest import wait_for
from tests.real_services import broker_at, emails_in, free_port, real_services, start_redis, start_worker
from tests.roleplay_support import scenario_with_turns

pytestmark = pytest.mark.django_db(transaction=True)


def test_with_the_broker_down_work_is_saved_answered_and_its_emails_follow(
    tmp_path, hire_enrollment, hire, coach, client_for
):
    if not real_services():
        pytest.skip("needs Redis and PostgreSQL: runs in CI's second pass")
    port = free_port()
    broker_url = f"redis://127.0.0.1:{port}/0"
    redis = start_redis(port)
    curriculum = hire_enrollment.cohort.curriculum
    to_release = submit_attempt(hire_enrollment, scenario_with_turns(curriculum, slug="waiting", mode="graded"))
    to_submit = scenario_with_turns(curriculum, slug="to-submit", mode="graded")
    hire_client, coach_client = client_for(hire), client_for(coach)
    worker = None
    with broker_at(broker_url):
        redis.terminate()
        redis.wait(timeout=10)
        try:
            # The hire plays a role-play through to the end.
            started = hire_client.post(reverse("courses:scenario", args=[to_submit.slug]), follow=True)
            assert started.status_code == 200
            attempt = Attempt.objects.get(scenario=to_submit)
            for answer in ("Oh no, ten days before the wedding!", "Let me look at narrow fits.", "I'll email you."):
                answered = hire_client.post(
                    reverse("courses:attempt_answer", args=[to_submit.slug, attempt.number]),
                    {"answer": answer}, follow=True,
                )  # fmt: skip
                assert answered.status_code == 200
            # The coach releases a grade.
            released = coach_client.post(
                reverse("coaching:grade", args=[to_release.pk]),
                {"action": "release", "overall_comment": "Warm start.",
                 **{f"level_{key}": level for key, level in ALL_LEVELS.items()}},
                follow=True,
            )  # fmt: skip
            assert released.status_code == 200
            assert "Grade released" in released.content.decode()

            attempt.refresh_from_db()
            assert attempt.state == AttemptState.AWAITING_COACH  # submitted, waiting for a coach
            assert Grade.objects.get(attempt=to_release).released_at is not None
            told = Notification.objects.get(recipient=hire, kind=Kind.FEEDBACK)
            assert told.email_status == EmailStatus.QUEUED  # in the ledger, waiting for a broker

            redis = start_redis(port)
            worker = start_worker(tmp_path, broker_url=broker_url)
            # What beat does every minute once it can: emails queued with no task are queued again.
            notification_services.notifications_release_scheduled(now=timezone.now() + datetime.timedelta(minutes=16))
            wait_for(lambda: Notification.objects.get(pk=told.pk).email_status == EmailStatus.SENT, timeout=90)
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=20)
            redis.terminate()
            redis.wait(timeout=10)
    assert emails_in(tmp_path).count(hire.email) == 1
