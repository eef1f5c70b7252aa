import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from courses import selectors, services
from courses.models import Lesson

pytestmark = pytest.mark.django_db


def test_the_dashboard_shows_next_up_overdue_and_progress(hire_client, hire_enrollment):
    page = hire_client.get("/training/").content.decode()
    # Ten days in: all of week 1 is overdue, week 2 is current.
    assert "Week 2 of 6" in page
    assert "Overdue" in page and "Week 1 lesson 1" in page
    assert "Next up" in page and 'href="/training/weeks/1/w1-lesson-1/"' in page
    assert "Unlocks" in page  # locked weeks show their date
    assert "days until your checkpoint" in page
    assert "Latest coaching feedback" in page


def test_progress_is_saved_at_once_and_survives_reloads(hire_client, hire_enrollment):
    response = hire_client.post("/training/weeks/1/w1-lesson-1/completion/", {"action": "complete"})
    assert response.status_code == 302
    hire_client.post("/training/weeks/1/w1-lesson-1/completion/", {"action": "complete"})  # idempotent
    assert hire_enrollment.lesson_completions.count() == 1

    overview = selectors.training_overview(enrollment=hire_enrollment)
    assert overview.done_count == 1 and overview.week(1).percent == 25
    lesson_page = hire_client.get("/training/weeks/1/w1-lesson-1/").content.decode()
    assert "You completed this lesson." in lesson_page
    assert 'href="/training/weeks/1/w1-lesson-2/"' in lesson_page and 'rel="next"' in lesson_page

    hire_client.post("/training/weeks/1/w1-lesson-1/completion/", {"action": "undo"})
    assert not hire_enrollment.lesson_completions.exists()


def test_completion_by_api_is_idempotent(hire, hire_enrollment):
    api = APIClient()
    api.force_authenticate(hire)
    lesson = Lesson.objects.get(curriculum=hire_enrollment.cohort.curriculum, slug="w2-lesson-3")
    for _ in range(2):
        assert api.put(f"/api/v1/training/lessons/{lesson.pk}/completion/").json() == {
            "lesson": lesson.pk, "completed": True,
        }  # fmt: skip
    progress = api.get("/api/v1/training/progress/").json()
    assert (progress["done_count"], progress["total_count"], progress["current_week"]) == (1, 24, 2)
    assert api.delete(f"/api/v1/training/lessons/{lesson.pk}/completion/").json()["completed"] is False


def test_the_next_lesson_link_waits_for_its_week(hire_client, hire_enrollment):
    page = hire_client.get("/training/weeks/2/w2-lesson-3/").content.decode()
    assert "Week 3 lesson 1 (week 3, not open yet)" in page
    assert 'href="/training/weeks/3/w3-lesson-1/"' not in page


def test_a_paused_hire_sees_why_nothing_moves(hire_client, hire_enrollment, training_admin):
    services.enrollment_pause(enrollment=hire_enrollment, actor=training_admin)
    page = hire_client.get("/training/").content.decode()
    assert "Your training is paused" in page


def test_next_up_is_the_earliest_due_open_item(hire_enrollment):
    curriculum = hire_enrollment.cohort.curriculum
    for lesson in Lesson.objects.filter(curriculum=curriculum, week__number=1):
        services.lesson_complete(enrollment=hire_enrollment, lesson=lesson)
    overview = selectors.training_overview(enrollment=hire_enrollment)
    assert (overview.next_up.kind, overview.next_up.week_number) == ("check", 1)
    # Day 11 of the schedule: the week 1 check and the first three lessons of week 2 are past due.
    assert [item.title for item in overview.overdue] == [
        "Week 1 check", "Week 2 lesson 1", "Week 2 lesson 2", "Week 2 lesson 3",
    ]  # fmt: skip

    later = timezone.now() + datetime.timedelta(days=40)
    assert selectors.training_overview(enrollment=hire_enrollment, now=later).days_until_checkpoint == 0
