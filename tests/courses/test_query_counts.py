"""The hire's pages cost the same number of queries whatever the size of the curriculum."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses import services
from courses.models import Lesson
from tests.conftest import cold_cache
from tests.factories import CohortFactory, EnrollmentFactory, curriculum_with
from tests.roleplay_support import MARKER_SCORER, scenario_with_turns

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> int:
    cold_cache()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def _hire_on(lessons_per_week: int, client_for, hire_factory_index: int):
    from tests.factories import HireFactory

    cohort = CohortFactory(
        curriculum=curriculum_with(lessons_per_week, slug=f"size-{lessons_per_week}-{hire_factory_index}"),
        start_date=timezone.localdate() - datetime.timedelta(days=20),
        time_zone="UTC",
    )
    enrollment = EnrollmentFactory(cohort=cohort, hire=HireFactory())
    for lesson in Lesson.objects.filter(curriculum=cohort.curriculum, week__number__lte=2):
        services.lesson_complete(enrollment=enrollment, lesson=lesson)
    # Role-plays grow with the curriculum too, each played once; "s0" is the one the pages open.
    for index in range(lessons_per_week):
        scenario = scenario_with_turns(cohort.curriculum, week_number=1 + index % 2, slug=f"s{index}", turns=2)
        attempt, _ = services.attempt_start(enrollment=enrollment, scenario=scenario)
        for answer in ("[warm] first", "second"):
            attempt = services.attempt_answer(attempt=attempt, answer=answer)
    return client_for(enrollment.hire)


@pytest.mark.parametrize(
    "url",
    ["/training/", "/training/weeks/2/", "/training/weeks/2/w2-lesson-1/", "/training/weeks/1/check/",
     "/api/v1/training/progress/", "/training/roleplays/", "/api/v1/training/roleplays/", "/training/roleplays/s0/",
     "/training/roleplays/s0/attempts/1/result/"],
)  # fmt: skip
def test_pages_run_a_constant_number_of_queries(client_for, url, settings):
    settings.ROLEPLAY_SCORER = MARKER_SCORER
    small = _hire_on(2, client_for, 1)  # 12 lessons
    large = _hire_on(17, client_for, 2)  # 102 lessons
    _queries(small, url)  # warm any per-process caches
    assert _queries(small, url) == _queries(large, url)


def test_the_dashboard_query_budget(client_for, django_assert_max_num_queries, settings):
    settings.ROLEPLAY_SCORER = MARKER_SCORER
    client = _hire_on(5, client_for, 3)
    # Nothing cached (written in this test, see courses.caching): session, user, enrollment, outline (4), the hire's
    # marks (3), coaching panels (4), readiness panel (8: its facts and rule, the outline again, sign-off and
    # override), notifications. Cached, the outline, marks and readiness facts cost nothing (test_cache_freshness).
    with django_assert_max_num_queries(23):
        assert client.get("/training/").status_code == 200
