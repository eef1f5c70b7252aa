"""A hire plays a three-turn role-play, submits, and sees the breakdown with highlighted phrases."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from courses.curriculum_loader import curriculum_load
from courses.models import Attempt, AttemptState
from demo.services import DEFAULT_CURRICULUM
from tests.factories import CohortFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db(transaction=True)

ANSWERS = [
    "Oh no, a wedding three weeks out and two pairs already slipping at the heel, that's stressful! "
    "Narrows are the worst to find. What kind of look are you hoping for, and will you be standing outside most "
    "of the day?",
    "That sounds lovely. I'll check our narrow widths in a size 8 right now and email you three options today, "
    "all with a low block heel so they won't sink into the lawn.",
    "I'll upgrade your shipping to overnight at no charge so you have time to try them, and returns are free for "
    "a full year, so there's no risk. Congratulations to your nephew!",
]


@pytest.fixture
def hire_in_week_three(hire, coach):
    cohort = CohortFactory(
        curriculum=curriculum_load(DEFAULT_CURRICULUM).curriculum,
        start_date=timezone.localdate() - datetime.timedelta(days=15),
        time_zone="UTC",
    )
    cohort.coaches.add(coach)
    return EnrollmentFactory(cohort=cohort, hire=hire)


def test_a_hire_plays_a_role_play_and_sees_highlights(page, sign_in, screenshot, hire, hire_in_week_three):
    sign_in(hire)
    page.goto("/training/weeks/3/")
    page.get_by_role("link", name="Narrow shoes for a family wedding").click()
    screenshot("hire-roleplay-intro")
    page.get_by_role("button", name="Start the role-play").click()

    for turn, answer in enumerate(ANSWERS, start=1):
        assert page.get_by_text(f"Turn {turn} of 3").is_visible()
        customer_lines = page.locator(".bubble.customer")
        assert customer_lines.count() == turn  # each customer turn appears as the hire answers
        page.get_by_label("Your answer to Denise Howard").fill(answer)
        if turn == 2:
            # A locator, not a page-evaluated string: the Content Security Policy forbids eval.
            expect(page.locator("#draft-status")).to_have_text(re.compile(r"^Draft saved"))
            screenshot("hire-roleplay-conversation")
        page.get_by_role("button", name="Send and submit" if turn == 3 else "Send").click()
        page.wait_for_load_state()

    assert page.url.endswith("/attempts/1/result/")
    assert page.get_by_role("heading", name="Automatic estimate").first.is_visible()
    assert page.get_by_role("table").get_by_role("rowheader").count() == 6
    earned = page.locator("mark.earned")
    assert earned.count() >= 3
    assert page.get_by_text("Strong answers to compare").is_visible()
    screenshot("hire-roleplay-result")

    attempt = Attempt.objects.get()
    assert attempt.state == AttemptState.SUBMITTED
    assert attempt.turns.order_by("number").first().variant == "opening"
    assert attempt.prescore_percent >= 50
