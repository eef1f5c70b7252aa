"""A new hire's day: open today's lesson, mark it complete, pass the week's check, see progress move."""

import datetime

import pytest
from django.utils import timezone

from courses.curriculum_loader import curriculum_load
from courses.models import Question
from demo.services import DEFAULT_CURRICULUM
from tests.factories import CohortFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def hire_in_week_one(hire, coach):
    curriculum = curriculum_load(DEFAULT_CURRICULUM).curriculum
    cohort = CohortFactory(
        name="November cohort",
        curriculum=curriculum,
        start_date=timezone.localdate() - datetime.timedelta(days=2),
        time_zone="UTC",
    )
    cohort.coaches.add(coach)
    return EnrollmentFactory(cohort=cohort, hire=hire)


def _progress(page, label: str) -> int:
    return int(page.get_by_role("progressbar", name=label).get_attribute("value"))


def test_a_hire_completes_a_lesson_and_passes_the_check(page, sign_in, screenshot, hire, hire_in_week_one):
    sign_in(hire)
    assert page.get_by_role("heading", level=1).inner_text() == "My training"
    assert _progress(page, "Overall progress") == 0
    assert _progress(page, "Week 1 progress") == 0
    screenshot("hire-dashboard")

    page.get_by_role("link", name="Open the lesson").click()
    first_lesson = hire_in_week_one.cohort.curriculum.lessons.get(week__number=1, position=0)
    assert page.get_by_role("heading", level=1).inner_text() == first_lesson.title
    screenshot("hire-lesson")

    # Keyboard only: focus the button and press Enter.
    page.get_by_role("button", name="Mark complete").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_text("You completed this lesson.").is_visible()
    page.reload()
    assert page.get_by_text("You completed this lesson.").is_visible()  # saved, not just shown

    page.goto("/training/weeks/1/")
    page.get_by_role("link", name="Week 1 knowledge check").click()
    check = hire_in_week_one.cohort.curriculum.weeks.get(number=1).knowledge_check
    for index, question in enumerate(Question.objects.filter(knowledge_check=check).order_by("position")):
        fieldset = page.locator("fieldset.question").nth(index)
        for choice in question.choices.filter(is_correct=True):
            fieldset.get_by_label(choice.text, exact=True).check()
    screenshot("hire-knowledge-check")
    page.get_by_role("button", name="Submit answers").click()
    assert page.get_by_text("100%").first.is_visible()
    assert page.get_by_text("Passed", exact=True).first.is_visible()
    screenshot("hire-check-result")

    page.get_by_role("link", name="My training").first.click()
    items_in_week = check.week.lessons.count() + 1 + check.week.scenarios.count()  # lessons, the check, role-plays
    assert _progress(page, "Week 1 progress") == 2 * 100 // items_in_week
    assert _progress(page, "Overall progress") > 0
