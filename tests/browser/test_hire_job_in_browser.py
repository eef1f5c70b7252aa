"""A hire's main job end to end: a lesson, a role-play, its result, the coach returns it, the hire tries again."""

import datetime

import pytest
from django.utils import timezone

from coaching.services import attempt_return
from courses.curriculum_loader import curriculum_load
from courses.models import Attempt, AttemptState
from demo.services import DEFAULT_CURRICULUM
from tests.factories import CohortFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db(transaction=True)

SCENARIO = "Heels for a graduation on Saturday"  # a graded role-play of week 5
ANSWERS = [
    "Oh, a graduation on Saturday, we can't have the shoes turning up on Monday. I can upgrade the shipping to "
    "next-day at no charge, which makes them due Thursday. Shall I do that now?",
    "The first in the family, that's huge. Congratulations to both of you. It's done: they're on next-day shipping, "
    "due Thursday, and you'll get the tracking by email this afternoon.",
    "Keep an eye on the tracking Thursday. If it hasn't arrived by Thursday evening, call us and we'll look at every "
    "option, including sending a second pair straight away. She's going to have a wonderful day.",
]


@pytest.fixture
def hire_in_week_five(hire, coach):
    cohort = CohortFactory(
        curriculum=curriculum_load(DEFAULT_CURRICULUM).curriculum,
        start_date=timezone.localdate() - datetime.timedelta(days=32),
        time_zone="UTC",
    )
    cohort.coaches.add(coach)
    return EnrollmentFactory(cohort=cohort, hire=hire)


def _play(page):
    page.get_by_role("link", name=SCENARIO).first.click()
    page.get_by_role("button", name="Start the role-play").or_(page.get_by_role("button", name="Try again")).click()
    for turn, answer in enumerate(ANSWERS, start=1):
        page.get_by_label("Your answer to Aisha Thompson").fill(answer)
        page.get_by_role("button", name="Send and submit" if turn == len(ANSWERS) else "Send").click()
        page.wait_for_load_state()


def test_a_hire_learns_plays_is_returned_and_tries_again(page, sign_in, screenshot, hire, coach, hire_in_week_five):
    sign_in(hire)
    page.goto("/training/weeks/5/")
    page.locator("#lessons-title + ol a").first.click()
    page.get_by_role("button", name="Mark complete").click()
    page.wait_for_load_state()
    assert page.get_by_text("You completed this lesson.").is_visible()

    page.goto("/training/weeks/5/")
    _play(page)
    assert page.get_by_role("heading", name="Automatic estimate").first.is_visible()
    first = Attempt.objects.get()
    assert first.state == AttemptState.AWAITING_COACH

    attempt_return(attempt=first, coach=coach, guidance="Ask about the venue before offering shoes.")

    # The returned role-play is not done: it is due again on My training and its feedback offers another try.
    page.goto("/training/")
    due_soon = page.locator("section", has=page.get_by_role("heading", name="Due soon"))
    assert due_soon.get_by_text(SCENARIO).first.is_visible()
    page.get_by_role("link", name="My feedback").first.click()
    assert page.get_by_text("Ask about the venue before offering shoes.").is_visible()
    screenshot("hire-returned-feedback")
    page.get_by_role("button", name="Try again").first.click()
    page.wait_for_load_state()
    for turn, answer in enumerate(ANSWERS, start=1):
        page.get_by_label("Your answer to Aisha Thompson").fill(answer)
        page.get_by_role("button", name="Send and submit" if turn == len(ANSWERS) else "Send").click()
        page.wait_for_load_state()
    assert page.get_by_role("heading", name="Automatic estimate").first.is_visible()
    assert Attempt.objects.filter(state=AttemptState.AWAITING_COACH).count() == 1
    assert Attempt.objects.filter(state=AttemptState.RETURNED).count() == 1
