"""Acknowledging feedback, replying and answering a dispute each say what happened; a reply
reaches the other side through a notification."""

import re

import pytest

from coaching import services
from coaching.models import Dispute, Feedback
from notifications.models import Kind, Notification
from tests.coaching.conftest import ALL_LEVELS
from tests.factories import CoachFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def released(coach, waiting_attempt):
    return services.grade_release(attempt=waiting_attempt, coach=coach, levels=ALL_LEVELS, overall_comment="Warm.")


def _status(html: str) -> str:
    """The page's confirmation area, announced to screen readers."""
    found = re.search(r'<div class="messages" role="status">(.*?)</div>', html, re.S)
    return found.group(1) if found else ""


def test_acknowledging_feedback_is_confirmed(hire_client, released):
    feedback = Feedback.objects.get()
    page = hire_client.post(f"/training/feedback/{feedback.pk}/acknowledge/", follow=True).content.decode()
    assert "Acknowledged" in _status(page)


def test_a_hire_s_reply_is_confirmed_and_tells_the_coach_who_released_the_grade(
    hire_client, coach, released, hire_enrollment
):
    colleague = CoachFactory(display_name="Cal Colleague")
    hire_enrollment.cohort.coaches.add(colleague)
    feedback = Feedback.objects.get()
    page = hire_client.post(
        f"/training/feedback/{feedback.pk}/reply/", {"body": "Thanks, I'll ask sooner."}, follow=True
    ).content.decode()
    assert f"Reply sent to {coach.display_name}" in _status(page)
    told = Notification.objects.get(kind=Kind.REPLY)
    assert told.recipient == coach and "Thanks, I'll ask sooner." in told.body
    assert told.url.endswith(f"/coaching/hires/{hire_enrollment.pk}/#feedback-{feedback.pk}")
    assert not Notification.objects.filter(kind=Kind.REPLY, recipient=colleague).exists()


def test_a_coach_s_reply_is_confirmed_and_tells_the_hire(coach_client, hire, released):
    feedback = Feedback.objects.get()
    page = coach_client.post(
        f"/training/feedback/{feedback.pk}/reply/", {"body": "Good question: yes."}, follow=True
    ).content.decode()
    assert f"Reply sent to {hire.display_name}" in _status(page)
    assert Notification.objects.get(kind=Kind.REPLY).recipient == hire


def test_an_empty_reply_is_refused_and_tells_nobody(hire_client, released):
    feedback = Feedback.objects.get()
    page = hire_client.post(f"/training/feedback/{feedback.pk}/reply/", {"body": "  "}, follow=True).content.decode()
    assert "A reply needs some text." in _status(page)
    assert not Notification.objects.filter(kind=Kind.REPLY).exists()


def test_answering_a_dispute_is_confirmed(coach_client, hire, released):
    dispute = services.dispute_open(grade=released, hire=hire, criterion_key="wow", reason="I offered overnight.")
    page = coach_client.post(
        f"/coaching/disputes/{dispute.pk}/resolve/",
        {"decision": "accept", "answer": "You did, in turn 3.", "new_level": "2"},
        follow=True,
    ).content.decode()
    assert f"Dispute accepted: WOW is now level 2. {hire.display_name} has been told." in _status(page)
    assert Dispute.objects.get().status == Dispute.Status.ACCEPTED

    second = services.dispute_open(grade=released, hire=hire, criterion_key="tone", reason="It felt warm.")
    page = coach_client.post(
        f"/coaching/disputes/{second.pk}/resolve/", {"decision": "reject", "answer": "Turn 2 was clipped."}, follow=True
    ).content.decode()
    assert f"Dispute answered: Tone stays at level 3. {hire.display_name} has been told." in _status(page)
