"""A not-ready hire's path to ready: a graded role-play short on one criterion assigns its practice, the hire
does it from the dashboard, the next role-play is graded genuine, and the coach signs the hire off."""

import pytest

from coaching import services as coaching_services
from coaching.models import PracticeAssignment
from coaching.practice import practice_assign_for
from courses.models import Lesson
from readiness.services import readiness_rule_update
from tests.coaching.conftest import submit_attempt
from tests.roleplay_support import scenario_with_turns

pytestmark = pytest.mark.django_db(transaction=True)

GENUINE = {"acknowledge": 2, "connect": 2, "explore": 2, "own_resolve": 2, "wow": 2, "tone": 2}


def _graded(enrollment, coach, levels, slug):
    scenario = scenario_with_turns(enrollment.cohort.curriculum, slug=slug, mode="graded")
    attempt = submit_attempt(enrollment, scenario)
    return coaching_services.grade_release(attempt=attempt, coach=coach, levels=levels)


def test_targeted_practice_then_the_coach_signs_off(page, sign_in, screenshot, hire_enrollment, coach,
                                                     training_admin):  # fmt: skip
    cohort = hire_enrollment.cohort
    readiness_rule_update(cohort=cohort, actor=training_admin, checks_through_week=0, recent_roleplays=1)
    listening = Lesson.objects.filter(curriculum=cohort.curriculum, week__number=1).order_by("position").first()
    Lesson.objects.filter(pk=listening.pk).update(trains=["explore"])
    _graded(hire_enrollment, coach, {**GENUINE, "explore": 1}, "graded-first")
    practice_assign_for(enrollment_id=hire_enrollment.pk)  # what the release queued, run now
    assignment = PracticeAssignment.objects.get(enrollment=hire_enrollment, lesson=listening)

    sign_in(hire_enrollment.hire)
    page.goto("/training/")
    readiness = page.get_by_role("region", name="Ready for nesting")
    assert readiness.locator(".readiness-status").inner_text() == "Not yet"
    assert readiness.get_by_text("Last 1 graded role-play averages 1 on Explore (needs 2)").is_visible()
    practice = page.get_by_role("region", name="Practice picked for you")
    assert practice.get_by_text(assignment.reason).is_visible()
    screenshot("hire-readiness-not-yet")
    practice.get_by_role("link", name=listening.title).click()
    page.get_by_role("button", name="Mark complete").click()
    page.wait_for_load_state("networkidle")
    page.goto("/training/")
    assert page.get_by_role("region", name="Practice picked for you").get_by_text("Done").is_visible()

    _graded(hire_enrollment, coach, GENUINE, "graded-second")  # the next role-play, genuine on exploring
    page.context.clear_cookies()
    sign_in(coach)
    page.goto(f"/coaching/hires/{hire_enrollment.pk}/")
    panel = page.get_by_role("region", name="Ready for nesting")
    assert panel.get_by_text("Awaiting the coach's sign-off").is_visible()
    screenshot("coach-readiness-sign-off")
    panel.get_by_role("button", name="Sign off as ready for nesting").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("region", name="Ready for nesting").locator(".readiness-status").inner_text() == "Ready"

    page.context.clear_cookies()
    sign_in(hire_enrollment.hire)
    page.goto("/training/")
    readiness = page.get_by_role("region", name="Ready for nesting")
    assert readiness.locator(".readiness-status").inner_text() == "Ready"
    assert readiness.get_by_text("You are ready for your first real calls").is_visible()
