"""A coach's round: My hires → a hire's timeline → a graded conversation → grading with a comment
added in place (the levels stay chosen, the total keeps count) → release."""

import re

import pytest
from playwright.sync_api import expect

from coaching import services
from coaching.models import AnswerComment, Grade
from courses import services as course_services
from courses.models import AttemptState
from tests.coaching.conftest import ALL_LEVELS
from tests.roleplay_support import MARKER_SCORER, scenario_with_turns

pytestmark = pytest.mark.django_db(transaction=True)


def _submit(enrollment, scenario, answers):
    attempt, _ = course_services.attempt_start(enrollment=enrollment, scenario=scenario)
    for answer in answers:
        attempt = course_services.attempt_answer(attempt=attempt, answer=answer)
    return attempt


@pytest.fixture
def hire_with_work(settings, coach, hire_enrollment):
    settings.ROLEPLAY_SCORER = MARKER_SCORER
    curriculum = hire_enrollment.cohort.curriculum
    first = scenario_with_turns(curriculum, slug="wedding-graded", mode="graded")
    graded = _submit(hire_enrollment, first, ("[warm] Ten days out, let's find narrows.", "What's the dress code?",
                                              "I'll email."))  # fmt: skip
    services.answer_comment_add(turn=graded.turns.get(number=2), coach=coach, body="Ask about the event sooner.")
    services.grade_release(attempt=graded, coach=coach, levels=ALL_LEVELS, overall_comment="You named the deadline.")
    second = scenario_with_turns(curriculum, slug="grief-graded", mode="graded")
    waiting = _submit(hire_enrollment, second, ("I'm so sorry.", "Let me cancel that for you.", "Take care."))
    return graded, waiting


def test_a_coachs_round_from_the_roster_to_a_release(
    page, sign_in, screenshot, coach, hire, hire_enrollment, hire_with_work
):
    graded, waiting = hire_with_work
    sign_in(coach)

    page.get_by_role("link", name="My hires").click()
    page.wait_for_url("**/coaching/hires/")
    roster = page.get_by_role("region", name=re.compile(hire_enrollment.cohort.name))
    assert roster.get_by_role("row", name=re.compile(hire.display_name)).get_by_text("Own & resolve").is_visible()
    screenshot("coach-my-hires")
    roster.get_by_role("link", name=hire.display_name, exact=True).click()
    page.wait_for_url(f"**/coaching/hires/{hire_enrollment.pk}/")

    page.get_by_role("link", name="See the conversation and comments").click()
    page.wait_for_url(f"**/coaching/attempts/{graded.pk}/")
    assert page.get_by_text("Ask about the event sooner.").is_visible()
    assert page.get_by_text("You named the deadline.").is_visible()
    screenshot("coach-graded-conversation")

    page.goto(f"/coaching/attempts/{waiting.pk}/grade/")
    page.wait_for_load_state()
    total = page.locator("#grade-total")
    assert total.inner_text() == "Total 0 of 18"
    status = page.locator("#grading-status")
    for key, level in (("acknowledge", 3), ("connect", 2), ("explore", 2)):
        page.locator(f"fieldset[data-criterion={key}] input[value='{level}']").check()
    assert total.inner_text() == "Total 7 of 18"
    expect(status).to_have_text("Draft saved.")

    page.evaluate("window.stillThisPage = true")  # gone if the page reloads
    page.locator("#turn-2 summary").click()
    page.get_by_label("Comment on answer 2").fill("Lovely: you owned the cancellation.")
    page.locator("#turn-2").get_by_role("button", name="Add comment").click()
    page.locator("#comments-2").get_by_text("Lovely: you owned the cancellation.").wait_for()
    expect(status).to_have_text("Comment added to answer 2.")
    assert page.evaluate("window.stillThisPage") is True
    assert page.locator("fieldset[data-criterion=acknowledge] input[value='3']").is_checked()
    screenshot("coach-grading-draft", full_page=False)
    assert AnswerComment.objects.get(turn__attempt=waiting).body == "Lovely: you owned the cancellation."

    page.reload()  # the draft is on the server: the levels come back
    assert page.locator("fieldset[data-criterion=connect] input[value='2']").is_checked()
    assert page.locator("#grade-total").inner_text() == "Total 7 of 18"

    for key, level in (("own_resolve", 2), ("wow", 1), ("tone", 3)):
        page.locator(f"fieldset[data-criterion={key}] input[value='{level}']").check()
    assert page.locator("#grade-total").inner_text() == "Total 13 of 18"
    page.get_by_label("Overall comment").fill("Gentle and clear.")
    page.get_by_role("button", name="Release", exact=True).click()
    page.wait_for_url("**/coaching/queue/**")
    grade = Grade.objects.get(attempt=waiting)
    assert grade.outcome == Grade.Outcome.RELEASED and grade.levels == {
        "acknowledge": 3, "connect": 2, "explore": 2, "own_resolve": 2, "wow": 1, "tone": 3,
    }  # fmt: skip
    assert grade.overall_comment == "Gentle and clear." and not grade.has_draft
    waiting.refresh_from_db()
    assert waiting.state == AttemptState.GRADED
