import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coaching import services
from coaching.models import Feedback
from courses import progress
from courses import services as course_services
from courses.models import Lesson
from tests.coaching.conftest import ALL_LEVELS
from tests.conftest import cold_cache
from tests.factories import CohortFactory, EnrollmentFactory, HireFactory, curriculum_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def graded_hire(coach, hire_enrollment, waiting_attempt):
    services.grade_release(attempt=waiting_attempt, coach=coach, levels=ALL_LEVELS)
    lesson = Lesson.objects.filter(curriculum=hire_enrollment.cohort.curriculum).order_by("week__number", "position")[0]
    course_services.lesson_complete(enrollment=hire_enrollment, lesson=lesson)
    return hire_enrollment


def _row(page: str, name: str) -> str:
    match = re.search(rf'<tr class="roster-row">((?:(?!</tr>).)*{name}.*?)</tr>', page, re.S)
    assert match, f"{name} has a row"
    return match.group(1)


def test_a_coach_sees_their_hires_by_cohort_with_progress_levels_and_feedback(coach_client, graded_hire,
                                                                              outsider_coach):  # fmt: skip
    other_cohort = CohortFactory(name="Second wave")
    other_cohort.coaches.add(graded_hire.cohort.coaches.first())
    EnrollmentFactory(cohort=other_cohort, hire=HireFactory(display_name="Sam Second"))
    EnrollmentFactory(cohort=outsider_coach.coached_cohorts.first(), hire=HireFactory(display_name="Nina Nobody"))

    page = coach_client.get("/coaching/hires/").content.decode()
    assert graded_hire.cohort.name in page and "Second wave" in page
    assert "Sam Second" in page and "Nina Nobody" not in page  # only their cohorts' hires
    row = _row(page, "Hana Hire")
    summary = progress.progress_summaries(enrollments=[graded_hire])[graded_hire.pk]
    assert summary.done == 2  # the lesson and the submitted role-play
    assert f'{summary.done}/{summary.total} <span class="muted">({summary.percent}%)</span>' in row
    assert f'<span class="tag tag-danger">{summary.overdue}</span>' in row and summary.overdue
    assert "Own &amp; resolve" in row and "own_resolve" not in row  # criterion names, not keys
    assert "not yet acknowledged" in row
    assert f'href="/coaching/hires/{graded_hire.pk}/"' in row
    assert f'href="/coaching/hires/{graded_hire.pk}/call-reviews/new/"' in row
    assert 'href="/coaching/hires/"' in page.split("</nav>")[0]  # the nav entry

    feedback = Feedback.objects.get()
    services.feedback_acknowledge(feedback=feedback, hire=graded_hire.hire)
    assert "not yet acknowledged" not in _row(coach_client.get("/coaching/hires/").content.decode(), "Hana Hire")


def test_search_by_name_or_email(coach_client, hire_enrollment, other_hire_enrollment):
    other_hire_enrollment.hire.email = "omar.o@example.test"
    other_hire_enrollment.hire.save()
    by_name = coach_client.get("/coaching/hires/", {"q": "hana"}).content.decode()
    assert "Hana Hire" in by_name and "Omar Other" not in by_name
    by_email = coach_client.get("/coaching/hires/", {"q": "OMAR.O@"}).content.decode()
    assert "Omar Other" in by_email and "Hana Hire" not in by_email
    assert "No hire matches" in coach_client.get("/coaching/hires/", {"q": "zzz"}).content.decode()


def test_hires_have_no_roster(hire_client):
    assert hire_client.get("/coaching/hires/").status_code == 403


def _queries(client) -> int:
    cold_cache()
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/coaching/hires/").status_code == 200
    return len(captured)


def test_the_roster_runs_constant_queries(coach, coach_client, running_cohort, graded_scenario):
    def add_hires(count: int, cohort) -> None:
        for _ in range(count):
            enrollment = EnrollmentFactory(cohort=cohort, hire=HireFactory())
            from tests.coaching.conftest import submit_attempt

            attempt = submit_attempt(enrollment, graded_scenario)
            services.grade_release(attempt=attempt, coach=coach, levels=ALL_LEVELS)

    second = CohortFactory(curriculum=curriculum_with(lessons_per_week=2))
    second.coaches.add(coach)
    add_hires(3, running_cohort)
    EnrollmentFactory(cohort=second, hire=HireFactory())
    few = _queries(coach_client)
    add_hires(27, running_cohort)
    for _ in range(5):
        EnrollmentFactory(cohort=second, hire=HireFactory())
    assert _queries(coach_client) == few


def test_queue_rows_and_the_grading_screen_link_the_hire_to_their_timeline(coach_client, hire_enrollment,
                                                                          waiting_attempt):  # fmt: skip
    timeline = f'href="/coaching/hires/{hire_enrollment.pk}/"'
    assert timeline in coach_client.get("/coaching/queue/").content.decode()
    assert timeline in coach_client.get(f"/coaching/attempts/{waiting_attempt.pk}/grade/").content.decode()


def test_a_hires_timeline_leads_back_to_my_hires(coach_client, hire_client, hire_enrollment):
    page = coach_client.get(f"/coaching/hires/{hire_enrollment.pk}/").content.decode()
    assert 'aria-label="Breadcrumb"><a href="/coaching/hires/">My hires</a>' in page
    assert 'href="/coaching/hires/"' not in hire_client.get("/training/feedback/").content.decode()
