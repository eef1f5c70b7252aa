"""The pre-score across roles, in a real browser, with the shipped model.

A hire pastes an exemplar into a graded role-play and is told why it needs a coach's eye; the
coach finds it with the queue's filter and sees the banner; an admin sees the pre-scorer's
versions and rolls back.
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from courses.curriculum_loader import curriculum_load
from courses.models import Attempt, Scenario, ScorerVersion
from courses.scoring.live import shipped_model
from demo.services import DEFAULT_CURRICULUM
from tests.factories import CohortFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "angry-customer-birthday-present"  # graded, week 5


@pytest.fixture
def hire_in_week_five(hire, coach):
    cohort = CohortFactory(
        curriculum=curriculum_load(DEFAULT_CURRICULUM).curriculum,
        start_date=timezone.localdate() - datetime.timedelta(days=30),
        time_zone="UTC",
    )
    cohort.coaches.add(coach)
    return EnrollmentFactory(cohort=cohort, hire=hire)


def test_a_pasted_exemplar_is_flagged_for_hire_and_coach(
    page, sign_in, screenshot, hire, coach, training_admin, hire_in_week_five
):
    scenario = Scenario.objects.get(curriculum=hire_in_week_five.cohort.curriculum, slug=SLUG)
    exemplar = scenario.exemplars.get(turn_number=1).answer
    sign_in(hire)
    page.goto(f"/training/roleplays/{SLUG}/")
    page.get_by_role("button", name="Start the role-play").click()
    answers = [
        exemplar,
        "Calm down. It's the courier's fault, not ours.",
        "I've put a new pair on next-day delivery at no charge, so they'll be there before Saturday's match.",
        "No need to say sorry at all. Good luck to him in the match, Derek!",
    ]
    for turn, answer in enumerate(answers, start=1):
        page.get_by_label("Your answer to Derek Simmons").fill(answer)
        page.get_by_role("button", name="Send and submit" if turn == len(answers) else "Send").click()
        page.wait_for_load_state()

    # The hire: never a silent low score, but guidance saying why.
    guidance = page.locator(".flag-guidance")
    expect(guidance).to_contain_text("Needs a coach's eye")
    expect(guidance).to_contain_text("matches an exemplar")
    blame = page.locator("mark.cost", has_text="Calm down").first
    blame.focus()
    expect(page.get_by_role("tooltip").filter(has_text="Tone:").first).to_be_visible()
    screenshot("hire-roleplay-flagged")
    attempt = Attempt.objects.get(enrollment=hire_in_week_five, scenario=scenario)
    assert attempt.prescore_flagged
    assert attempt.prescore["scorer"] == f"situational/{shipped_model().version}"

    # The coach: the flag in the queue, the filter, and the banner on the grading screen.
    page.context.clear_cookies()
    sign_in(coach)
    page.goto("/coaching/queue/")
    expect(page.get_by_text("Needs a coach's eye").first).to_be_visible()
    page.get_by_label("Only answers that need a coach's eye").check()
    page.get_by_role("button", name="Filter").click()
    page.wait_for_load_state()
    assert "flagged=1" in page.url
    screenshot("coach-queue-flagged")
    page.goto(f"/coaching/attempts/{attempt.pk}/grade/")
    expect(page.get_by_text("Copied from an exemplar").first).to_be_visible()
    screenshot("coach-grading-flagged")

    # The admin: the versions, their figures, and a rollback that needs a reason.
    page.context.clear_cookies()
    sign_in(training_admin)
    page.get_by_role("link", name="Pre-scorer").click()
    expect(page.get_by_role("heading", name="Pre-scorer versions")).to_be_visible()
    expect(page.get_by_text(f"Live now: {shipped_model().version}")).to_be_visible()
    screenshot("admin-prescorer-versions")
    assert ScorerVersion.objects.filter(is_live=True).count() == 1
