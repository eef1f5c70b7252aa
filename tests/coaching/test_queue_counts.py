import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from coaching import selectors
from courses.models import Attempt
from notifications import digests
from notifications.models import Kind, Notification
from tests.coaching.conftest import submit_attempt
from tests.factories import CohortFactory, EnrollmentFactory, HireFactory

pytestmark = pytest.mark.django_db


def _counting_queries(fetch) -> int:
    """Queries that count the queue (a paginator's COUNT or the counts' aggregate)."""
    with CaptureQueriesContext(connection) as captured:
        response = fetch()
        assert response.status_code == 200
    return sum(
        "COUNT(" in query["sql"].upper() and 'FROM "courses_attempt"' in query["sql"]
        for query in captured.captured_queries
    )


@pytest.fixture
def queue(coach, hire_enrollment, other_hire_enrollment, graded_scenario):
    first = submit_attempt(hire_enrollment, graded_scenario)
    submit_attempt(other_hire_enrollment, graded_scenario)
    Attempt.objects.filter(pk=first.pk).update(grading_due_at=timezone.now() - datetime.timedelta(hours=1))


def test_the_queue_page_counts_its_rows_once(coach_client, queue):
    assert _counting_queries(lambda: coach_client.get("/coaching/queue/")) == 1
    page = coach_client.get("/coaching/queue/").context
    assert (page["page"].total, page["counts"].total, page["counts"].overdue) == (2, 2, 1)


def test_the_api_queue_counts_its_rows_once(coach, queue):
    api = APIClient()
    api.force_authenticate(coach)
    assert _counting_queries(lambda: api.get("/api/v1/coaching/queue/")) == 1
    body = api.get("/api/v1/coaching/queue/").json()
    assert (body["count"], body["overdue"]) == (2, 1)


def test_page_api_and_digest_agree_for_a_coach_of_two_cohorts(coach, coach_client, queue, graded_scenario):
    # A second cohort of the same coach, running the same curriculum: its attempt is in the queue too.
    second = CohortFactory(curriculum=graded_scenario.curriculum, start_date=timezone.localdate(), time_zone="UTC")
    second.coaches.add(coach)
    submit_attempt(EnrollmentFactory(cohort=second, hire=HireFactory()), graded_scenario)
    counts = selectors.queue_counts_per_coach(coaches=[coach])[coach.pk]
    page = coach_client.get("/coaching/queue/").context["counts"]
    assert (counts.total, counts.overdue) == (page.total, page.overdue) == (3, 1)
    digests.coach_queue_digest()
    notice = Notification.objects.get(recipient=coach, kind=Kind.QUEUE_DIGEST)
    assert notice.title == "Your grading queue today: 3 waiting"
    assert notice.body == "3 waiting, 1 past the grading target."


def test_a_withdrawn_hires_role_plays_leave_the_queue_and_come_back_on_reinstating(
    coach, coach_client, queue, hire_enrollment
):
    from courses.services import enrollment_reinstate, enrollment_withdraw

    enrollment_withdraw(enrollment=hire_enrollment, actor=None, reason="Took another job")
    page = coach_client.get("/coaching/queue/").context
    assert (page["page"].total, page["counts"].total) == (1, 1)
    assert selectors.queue_counts_per_coach(coaches=[coach], now=timezone.now())[coach.pk].total == 1
    enrollment_reinstate(enrollment=hire_enrollment, actor=None, reason="Came back")
    assert coach_client.get("/coaching/queue/").context["counts"].total == 2
