"""Coaches reach only the hires of their cohorts; hires only their own feedback."""

import pytest

from coaching import services
from coaching.models import Feedback
from tests.coaching.conftest import ALL_LEVELS

pytestmark = pytest.mark.django_db


def test_a_coach_outside_the_cohort_cannot_see_grade_or_review(client_for, outsider_coach, waiting_attempt,
                                                                hire_enrollment):  # fmt: skip
    client = client_for(outsider_coach)
    assert waiting_attempt.enrollment.hire.display_name not in client.get("/coaching/queue/").content.decode()
    assert client.get(f"/coaching/attempts/{waiting_attempt.pk}/grade/").status_code == 404
    posted = client.post(f"/coaching/attempts/{waiting_attempt.pk}/grade/",
                         {f"level_{k}": v for k, v in ALL_LEVELS.items()} | {"action": "release"})  # fmt: skip
    assert posted.status_code == 404
    assert client.get(f"/coaching/hires/{hire_enrollment.pk}/").status_code == 404
    assert client.get(f"/coaching/hires/{hire_enrollment.pk}/call-reviews/new/").status_code == 404
    assert not Feedback.objects.exists()


def test_an_admin_sees_every_hire(admin_client_, waiting_attempt, hire_enrollment):
    assert admin_client_.get(f"/coaching/attempts/{waiting_attempt.pk}/grade/").status_code == 200
    assert admin_client_.get(f"/coaching/hires/{hire_enrollment.pk}/").status_code == 200


def test_hires_cannot_use_coach_pages(hire_client, waiting_attempt):
    assert hire_client.get(f"/coaching/attempts/{waiting_attempt.pk}/grade/").status_code == 403
    assert hire_client.get("/coaching/overview/").status_code == 403


def test_a_hire_cannot_see_or_touch_another_hires_feedback(client_for, coach, waiting_attempt, other_hire_enrollment):
    services.grade_release(attempt=waiting_attempt, coach=coach, levels=ALL_LEVELS, overall_comment="Private note")
    feedback = Feedback.objects.get()
    other = client_for(other_hire_enrollment.hire)
    assert "Private note" not in other.get("/training/feedback/").content.decode()
    assert other.post(f"/training/feedback/{feedback.pk}/acknowledge/").status_code == 404
    assert other.post(f"/training/feedback/{feedback.pk}/reply/", {"body": "hi"}).status_code == 404
    assert (
        other.post(f"/training/feedback/{feedback.pk}/dispute/", {"criterion": "wow", "reason": "x"}).status_code == 404
    )
    feedback.refresh_from_db()
    assert feedback.acknowledged_at is None and not feedback.replies.exists()
