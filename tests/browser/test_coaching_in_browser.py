"""A coach grades with the keyboard and reviews a call; the hire sees both, acknowledges, finds the practice."""

import pytest

from coaching.models import CallReview, Feedback, Grade
from courses import services as course_services
from courses.models import AttemptState
from tests.factories import TEST_PASSWORD
from tests.roleplay_support import MARKER_SCORER, scenario_with_turns

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def submitted(settings, hire_enrollment):
    settings.ROLEPLAY_SCORER = MARKER_SCORER
    scenario = scenario_with_turns(hire_enrollment.cohort.curriculum, slug="wedding-graded", mode="graded")
    practice = scenario_with_turns(hire_enrollment.cohort.curriculum, slug="dog-in-the-background", turns=1)
    attempt, _ = course_services.attempt_start(enrollment=hire_enrollment, scenario=scenario)
    for answer in ("[warm] Ten days out, let's find narrows that stay put.", "What's the dress code?", "I'll email."):
        attempt = course_services.attempt_answer(attempt=attempt, answer=answer)
    return attempt, practice


def test_a_coach_grades_and_reviews_and_the_hire_acknowledges(browser, live_server, page, sign_in, screenshot, coach,
                                                               hire, hire_enrollment, submitted):  # fmt: skip
    attempt, practice = submitted
    sign_in(coach)
    assert page.get_by_role("heading", level=1).inner_text() == "Grading queue"
    screenshot("coach-queue")
    page.get_by_role("link", name="Grade next").click()
    page.wait_for_url(f"**/coaching/attempts/{attempt.pk}/grade/")
    page.wait_for_load_state()  # the shortcuts are ready once the page has loaded

    for key in "323213":  # one level per criterion, from the keyboard alone
        page.keyboard.press(key)
    page.get_by_label("Overall comment").fill("You named the deadline at once. Ask about the event earlier.")
    screenshot("coach-grading")
    page.get_by_label("Overall comment").press("Control+Enter")  # release and next
    page.wait_for_url("**/coaching/queue/**")
    assert page.get_by_text("Nothing else is waiting").is_visible()
    grade = Grade.objects.get()
    assert grade.levels == {"acknowledge": 3, "connect": 2, "explore": 3, "own_resolve": 2, "wow": 1, "tone": 3}
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.GRADED

    page.goto(f"/coaching/hires/{hire_enrollment.pk}/")
    page.get_by_role("link", name="Record a call review").click()
    page.get_by_label("When was the call?").fill("2026-11-20T14:30")
    page.get_by_label("Call reference").fill("CALL-2231")
    page.get_by_label("How long was the call?").fill("12 minutes 40 seconds")
    page.get_by_label("Customer's reason for calling").fill("Narrow shoes for a wedding")
    for fieldset in page.locator("fieldset.criterion").all():
        fieldset.locator("input[value='2']").check()
    page.get_by_label("Moments (one per line)").fill("02:13 lovely connection over the dog")
    page.locator(f"input[name=practice_scenarios][value='{practice.pk}']").check()
    page.get_by_role("button", name="Save the review").click()
    assert page.get_by_text("Call review saved").is_visible()
    review = CallReview.objects.get()
    assert [(n.at_seconds, n.body) for n in review.notes.all()] == [(133, "lovely connection over the dog")]

    hire_context = browser.new_context(base_url=live_server.url)
    hire_page = hire_context.new_page()
    hire_page.goto("/accounts/login/")
    hire_page.get_by_label("Email").fill(hire.email)
    hire_page.get_by_label("Password").fill(TEST_PASSWORD)
    hire_page.get_by_role("button", name="Sign in").click()
    hire_page.wait_for_url("**/training/")
    panel = hire_page.get_by_role("region", name="Latest coaching feedback")
    assert panel.get_by_text("Call review: Narrow shoes for a wedding").is_visible()
    assert panel.get_by_text(attempt.scenario.title).is_visible()
    practice_panel = hire_page.get_by_role("region", name="Practice picked for you")
    assert practice_panel.get_by_role("link", name=f"Role-play: {practice.title}").is_visible()

    hire_page.get_by_role("link", name="All feedback").click()
    assert hire_page.get_by_text("02:13").first.is_visible()
    for _ in range(2):
        hire_page.get_by_role("button", name="Acknowledge").first.click()
        hire_page.wait_for_load_state()
    assert hire_page.get_by_role("button", name="Acknowledge").count() == 0
    assert Feedback.objects.filter(acknowledged_at__isnull=True).count() == 0
    hire_context.close()
