"""Done, due and overdue, decided once: a role-play a coach returned is to do again everywhere."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coaching import services as coaching_services
from cohorts import selectors as cohort_selectors
from courses import progress, selectors
from courses import services as course_services
from courses.models import Enrollment
from courses.pacing import schedule_for
from notifications.models import Kind, ReminderItem
from notifications.reminders import reminders_sweep
from tests.factories import CohortFactory, EnrollmentFactory, HireFactory, curriculum_with
from tests.roleplay_support import MARKER_SCORER, scenario_with_turns

pytestmark = pytest.mark.django_db

ANSWERS = ("[warm] Oh no, ten days!", "Let me check.", "I'll email you.")


@pytest.fixture(autouse=True)
def marker_scorer(settings):
    settings.ROLEPLAY_SCORER = MARKER_SCORER


@pytest.fixture
def scenario(hire_enrollment):
    # Week 2 is the current week of the running cohort: the role-play is open and not yet overdue.
    return scenario_with_turns(hire_enrollment.cohort.curriculum, week_number=2, slug="graded-wedding", mode="graded",
                               max_attempts=1)  # fmt: skip


def _submit(enrollment, scenario):
    attempt, _ = course_services.attempt_start(enrollment=enrollment, scenario=scenario)
    for answer in ANSWERS:
        attempt = course_services.attempt_answer(attempt=attempt, answer=answer)
    return attempt


@pytest.fixture
def returned(hire_enrollment, scenario, coach):
    attempt = _submit(hire_enrollment, scenario)
    coaching_services.attempt_return(attempt=attempt, coach=coach, guidance="Ask what the wedding means to her.")
    return attempt


def _due_at(enrollment, scenario):
    return schedule_for(enrollment, timezone.now()).due_at(scenario.week.number, scenario.due_day)


def test_a_returned_roleplay_is_not_done_until_a_later_attempt_is_submitted(hire_enrollment, scenario, returned):
    key = ("roleplay", scenario.pk)
    assert key not in progress.done_items(enrollment_ids=[hire_enrollment.pk])[hire_enrollment.pk]
    _submit(hire_enrollment, scenario)  # the returned attempt did not use up the only one
    assert key in progress.done_items(enrollment_ids=[hire_enrollment.pk])[hire_enrollment.pk]


def test_my_training_lists_a_returned_roleplay_as_due_soon(hire_enrollment, scenario, returned):
    now = _due_at(hire_enrollment, scenario) - datetime.timedelta(days=1)
    overview = selectors.training_overview(enrollment=hire_enrollment, now=now)
    item = next(i for i in overview.items if i.kind == "roleplay")
    assert not item.done and item.status(now) == "due"
    assert item in overview.due_soon
    assert item.attempts == 1  # the returned attempt is still listed
    standing = selectors.scenario_standings(enrollment=hire_enrollment, now=now)[0]
    assert standing.returned and not standing.done and standing.can_start


def test_the_cohort_dashboard_and_the_reminders_agree_a_returned_roleplay_is_open(hire_enrollment, scenario, returned):
    now = _due_at(hire_enrollment, scenario) + datetime.timedelta(hours=2)
    dashboard = cohort_selectors.cohort_dashboard(cohort=hire_enrollment.cohort, now=now)
    standing = next(h for h in dashboard.hires if h.enrollment.pk == hire_enrollment.pk)
    week_two = standing.cells[1]
    assert week_two.done == 0 and week_two.state == "overdue"
    reminders_sweep(now=now)
    chased = ReminderItem.objects.filter(recipient=hire_enrollment.hire, kind=Kind.OVERDUE).values_list(
        "title", flat=True
    )
    assert f"Role-play: {scenario.title}" in set(chased)


def test_item_status_is_one_rule():
    now = timezone.now()
    earlier, later = now - datetime.timedelta(minutes=1), now + datetime.timedelta(minutes=1)
    assert progress.item_status(due_at=earlier, unlocked=False, done=False, now=now) == "locked"
    assert progress.item_status(due_at=earlier, unlocked=True, done=True, now=now) == "done"
    assert progress.item_status(due_at=now, unlocked=True, done=False, now=now) == "overdue"
    assert progress.item_status(due_at=later, unlocked=True, done=False, now=now) == "due"


def _summaries_queries(enrollments) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as captured:
        summaries = progress.progress_summaries(enrollments=enrollments)
    return len(captured), summaries


def test_progress_summaries_cost_the_same_queries_for_3_or_60_hires(coach):
    counts = []
    for size, slug in ((3, "small"), (60, "large")):
        cohorts = [CohortFactory(curriculum=curriculum_with(lessons_per_week=2, slug=f"{slug}-{n}"), time_zone="UTC")
                   for n in range(2)]  # fmt: skip
        enrollments = [EnrollmentFactory(cohort=cohorts[n % 2], hire=HireFactory()) for n in range(size)]
        for enrollment in enrollments[::2]:
            lesson = enrollment.cohort.curriculum.lessons.order_by("week__number", "position").first()
            course_services.lesson_complete(enrollment=enrollment, lesson=lesson)
        enrollments = list(
            Enrollment.objects.select_related("cohort").filter(pk__in=[e.pk for e in enrollments]).order_by("pk")
        )
        count, summaries = _summaries_queries(enrollments)
        counts.append(count)
        first = summaries[enrollments[0].pk]
        # Ten days in: week 1 and week 2's two lessons are past due (one lesson done); week 3 is locked.
        assert (first.done, first.total, first.current_week) == (1, 18, 2)
        assert first.overdue == 4 and first.weeks[0].status == "overdue" and first.weeks[2].status == "locked"
        assert summaries[enrollments[1].pk].overdue == 5
    # Nothing cached (written in this test): the curricula's outlines (4) and the hires' marks (3).
    assert counts[0] == counts[1] <= 7


def test_a_returned_roleplay_can_be_tried_again_from_my_feedback(hire_client, hire_enrollment, scenario, returned):
    page = hire_client.get("/training/feedback/").content.decode()
    action = f'action="/training/roleplays/{scenario.slug}/"'
    assert action in page and "Try again" in page
    result = hire_client.get(f"/training/roleplays/{scenario.slug}/attempts/1/result/").content.decode()
    assert action in result and "Try again" in result
    # The only attempt allowed was returned, so it was not used up: the button starts attempt 2.
    response = hire_client.post(f"/training/roleplays/{scenario.slug}/")
    assert response.status_code == 302 and response["Location"] == f"/training/roleplays/{scenario.slug}/attempts/2/"
