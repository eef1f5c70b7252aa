import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coaching import services
from coaching.models import Dispute, Feedback, Grade
from courses.models import Attempt, AttemptState, AttemptTurn
from tests.coaching.conftest import ALL_LEVELS
from tests.conftest import cold_cache
from tests.factories import EnrollmentFactory, HireFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def released(coach, waiting_attempt):
    return services.grade_release(attempt=waiting_attempt, coach=coach, levels=ALL_LEVELS, overall_comment="Warm.")


def test_the_hire_sees_acknowledges_and_replies(hire_client, hire, released):
    feedback = Feedback.objects.get()
    page = hire_client.get("/training/feedback/").content.decode()
    assert "Warm." in page and "Acknowledge" in page and "<svg" in page
    hire_client.post(f"/training/feedback/{feedback.pk}/acknowledge/")
    feedback.refresh_from_db()
    first_ack = feedback.acknowledged_at
    assert first_ack is not None
    hire_client.post(f"/training/feedback/{feedback.pk}/acknowledge/")  # idempotent
    feedback.refresh_from_db()
    assert feedback.acknowledged_at == first_ack
    hire_client.post(f"/training/feedback/{feedback.pk}/reply/", {"body": "Thanks, I'll ask sooner next time."})
    assert feedback.replies.get().author == hire


def test_disputes_within_the_window_and_their_answers(coach, hire, released):
    with pytest.raises(ValidationError, match="within 7 days"):
        services.dispute_open(grade=released, hire=hire, criterion_key="wow", reason="I offered overnight shipping.",
                              now=timezone.now() + datetime.timedelta(days=8))  # fmt: skip
    dispute = services.dispute_open(grade=released, hire=hire, criterion_key="wow", reason="I offered overnight.")
    with pytest.raises(ValidationError, match="already disputed"):
        services.dispute_open(grade=released, hire=hire, criterion_key="wow", reason="again")
    services.dispute_resolve(dispute=dispute, coach=coach, accept=True, new_level=2, answer="You did, in turn 3.")
    released.refresh_from_db()
    assert released.levels["wow"] == 2
    assert released.revisions.first().reason == "Dispute accepted: You did, in turn 3."

    second = services.dispute_open(grade=released, hire=hire, criterion_key="tone", reason="It felt warm.")
    services.dispute_resolve(dispute=second, coach=coach, accept=False, answer="Turn 2 was clipped.")
    assert Dispute.objects.get(pk=second.pk).status == Dispute.Status.REJECTED
    assert Grade.objects.get().levels["tone"] == ALL_LEVELS["tone"]


def _bulk_attempts(enrollment, scenario, count: int) -> None:
    """Many submitted attempts awaiting a coach, made in bulk (the service path is tested elsewhere)."""
    now = timezone.now()
    rubric_version = scenario.rubric.current_version
    attempts = Attempt.objects.bulk_create(
        Attempt(enrollment=enrollment, scenario=scenario, number=n + 10, rubric_version=rubric_version,
                state=AttemptState.AWAITING_COACH, started_at=now, submitted_at=now - datetime.timedelta(minutes=n),
                prescore_percent=50, grading_due_at=now + datetime.timedelta(hours=1))
        for n in range(count)
    )  # fmt: skip
    AttemptTurn.objects.bulk_create(
        AttemptTurn(attempt=a, number=1, variant="opening", customer_text="Hi", answer="Hello", shown_at=now,
                    answered_at=now, seconds_spent=5)
        for a in attempts
    )  # fmt: skip


def _queries(client, url: str) -> int:
    cold_cache()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_queue_and_timeline_run_constant_queries(client_for, coach, hire_enrollment, graded_scenario):
    small = EnrollmentFactory(cohort=hire_enrollment.cohort, hire=HireFactory())
    large = EnrollmentFactory(cohort=hire_enrollment.cohort, hire=HireFactory())
    coach_client = client_for(coach)

    def grade_all(enrollment):
        for attempt in Attempt.objects.filter(enrollment=enrollment):
            services.grade_release(attempt=attempt, coach=coach, levels=ALL_LEVELS)

    _bulk_attempts(small, graded_scenario, 10)
    queue_small = _queries(coach_client, f"/coaching/queue/?hire={small.hire_id}")
    grade_all(small)
    timeline_small = _queries(coach_client, f"/coaching/hires/{small.pk}/")
    hire_small = _queries(client_for(small.hire), "/training/feedback/")

    _bulk_attempts(large, graded_scenario, 1000)
    queue_large = _queries(coach_client, f"/coaching/queue/?hire={large.hire_id}")
    grade_all(large)
    assert Feedback.objects.filter(enrollment=large).count() == 1000
    assert (queue_small, timeline_small, hire_small) == (
        queue_large, _queries(coach_client, f"/coaching/hires/{large.pk}/"), _queries(client_for(large.hire),
                                                                                    "/training/feedback/"),
    )  # fmt: skip


def test_both_sides_are_notified_of_a_dispute(coach, hire, released):
    from notifications.models import Kind, Notification

    assert Notification.objects.get(recipient=hire, kind=Kind.FEEDBACK).url == "/training/feedback/"
    dispute = services.dispute_open(grade=released, hire=hire, criterion_key="wow", reason="I offered overnight.")
    to_coach = Notification.objects.get(recipient=coach, kind=Kind.DISPUTE)
    assert "disputes a level: WOW" in to_coach.title
    services.dispute_resolve(dispute=dispute, coach=coach, accept=False, answer="It was not offered.")
    to_hire = Notification.objects.get(recipient=hire, kind=Kind.DISPUTE)
    assert "was not accepted" in to_hire.title and to_hire.body == "It was not offered."


def test_a_returned_attempt_tells_the_hire(coach, hire, waiting_attempt):
    from notifications.models import Kind, Notification

    services.attempt_return(attempt=waiting_attempt, coach=coach, guidance="Ask about the wedding first.")
    notice = Notification.objects.get(recipient=hire, kind=Kind.RETURNED)
    assert notice.body == "Ask about the wedding first." and notice.url.endswith(f"/{waiting_attempt.scenario.slug}/")
