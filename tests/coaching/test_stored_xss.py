"""Whatever coaches and hires type is shown as text, never run."""

import pytest

from coaching import services
from coaching.models import CallReview, Feedback
from tests.coaching.conftest import ALL_LEVELS
from tests.coaching.test_call_reviews import review_form

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)><a href="javascript:alert(1)">click</a>'


def _assert_inert(html: str) -> None:
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert 'href="javascript:' not in html
    assert "&lt;script&gt;" in html


def test_comments_replies_and_transcripts_are_escaped(coach, coach_client, hire_client, waiting_attempt,
                                                      hire_enrollment):  # fmt: skip
    turn = waiting_attempt.turns.get(number=1)
    services.answer_comment_add(turn=turn, coach=coach, body=HOSTILE)
    services.grade_release(attempt=waiting_attempt, coach=coach, levels=ALL_LEVELS, overall_comment=HOSTILE)
    feedback = Feedback.objects.get()
    services.feedback_reply(feedback=feedback, author=hire_enrollment.hire, body=HOSTILE)
    coach_client.post(f"/coaching/hires/{hire_enrollment.pk}/call-reviews/new/",
                      review_form(transcript=HOSTILE, strengths=HOSTILE, notes=f"00:05 {HOSTILE}"))  # fmt: skip
    review = CallReview.objects.get()

    pages = [
        hire_client.get("/training/feedback/"),
        hire_client.get(f"/training/roleplays/{waiting_attempt.scenario.slug}/attempts/1/result/"),
        hire_client.get(f"/coaching/call-reviews/{review.pk}/"),
        coach_client.get(f"/coaching/attempts/{waiting_attempt.pk}/grade/"),
        coach_client.get(f"/coaching/hires/{hire_enrollment.pk}/"),
    ]
    for page in pages:
        assert page.status_code == 200
        _assert_inert(page.content.decode())
