"""A hire reaches only their own curriculum, and only the weeks that have opened for them."""

import pytest
from rest_framework.test import APIClient

from courses.models import Lesson
from tests.factories import CohortFactory, EnrollmentFactory, HireFactory, curriculum_with

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_an_open_lesson_can_be_read_on_the_web_and_by_api(hire_client, hire, hire_enrollment):
    lesson = Lesson.objects.get(curriculum=hire_enrollment.cohort.curriculum, slug="w2-lesson-1")
    page = hire_client.get(f"/training/weeks/2/{lesson.slug}/")
    assert page.status_code == 200 and lesson.title in page.content.decode()
    assert _api(hire).get(f"/api/v1/training/lessons/{lesson.pk}/").json()["title"] == lesson.title


def test_a_locked_lesson_is_refused_with_its_unlock_date(hire_client, hire, hire_enrollment):
    lesson = Lesson.objects.get(curriculum=hire_enrollment.cohort.curriculum, slug="w3-lesson-1")

    page = hire_client.get(f"/training/weeks/3/{lesson.slug}/")
    assert page.status_code == 403
    assert "Week 3 isn't open yet" in page.content.decode()

    response = _api(hire).get(f"/api/v1/training/lessons/{lesson.pk}/")
    assert response.status_code == 403 and "unlocks_at" in response.json()
    assert hire_client.get("/training/weeks/3/").status_code == 403
    assert _api(hire).get("/api/v1/training/weeks/3/").status_code == 403
    assert hire_client.get("/training/weeks/3/check/").status_code == 403
    assert hire_client.post(f"/training/weeks/3/{lesson.slug}/completion/").status_code == 403
    assert _api(hire).put(f"/api/v1/training/lessons/{lesson.pk}/completion/").status_code == 403
    assert not hire_enrollment.lesson_completions.exists()


def test_locked_weeks_are_listed_with_dates_but_no_content(hire, hire_enrollment):
    weeks = _api(hire).get("/api/v1/training/progress/").json()["weeks"]
    assert [w["unlocked"] for w in weeks] == [True, True, False, False, False, False]
    assert weeks[2]["unlocks_at"] and weeks[2]["items"] == []
    assert len(weeks[0]["items"]) == 4  # three lessons and the check


def test_another_cohorts_content_does_not_exist_for_a_hire(hire_client, hire, hire_enrollment):
    other_curriculum = curriculum_with(lessons_per_week=1, slug="another-program")
    EnrollmentFactory(cohort=CohortFactory(curriculum=other_curriculum), hire=HireFactory())
    foreign = Lesson.objects.get(curriculum=other_curriculum, slug="w1-lesson-1")
    foreign_check = other_curriculum.weeks.get(number=1).knowledge_check

    assert _api(hire).get(f"/api/v1/training/lessons/{foreign.pk}/").status_code == 404
    assert _api(hire).put(f"/api/v1/training/lessons/{foreign.pk}/completion/").status_code == 404
    assert _api(hire).get(f"/api/v1/training/knowledge-checks/{foreign_check.pk}/").status_code == 404
    assert hire_client.get("/training/weeks/1/w1-no-such-lesson/").status_code == 404


def test_coaches_and_admins_are_not_hires(coach_client, admin_client_, coach, hire_enrollment):
    for client in (coach_client, admin_client_):
        assert client.get("/training/weeks/1/").status_code == 403
    assert _api(coach).get("/api/v1/training/progress/").status_code == 403


def test_a_hire_without_a_running_enrollment(hire_client, hire):
    page = hire_client.get("/training/")
    assert page.status_code == 200 and "not in a running cohort" in page.content.decode()
    assert _api(hire).get("/api/v1/training/progress/").status_code == 404
