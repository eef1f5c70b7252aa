"""The reason behind a highlighted phrase shows on keyboard focus, on hover and on a tap, not only
in a browser `title` tooltip that keyboards and touch screens never see."""

import pytest
from playwright.sync_api import expect

from courses.models import AttemptState
from tests.coaching.test_integrity_flags_ui import (
    ACK_NOTE,
    COPIED_FLAG,
    COPIED_GUIDANCE,
    TONE_NOTE,
    flagged_turns,
    scored_attempt,
)
from tests.factories import TEST_PASSWORD
from tests.roleplay_support import scenario_with_turns

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def result_url(hire_enrollment):
    scenario = scenario_with_turns(hire_enrollment.cohort.curriculum, slug="narrow-shoes-result")
    attempt = scored_attempt(
        hire_enrollment,
        scenario,
        turns=flagged_turns(),
        flags=[{**COPIED_FLAG, "turn": 2}],
        percent=22,
        state=AttemptState.SUBMITTED,
    )
    return f"/training/roleplays/{scenario.slug}/attempts/{attempt.number}/result/"


def _note_of(mark):
    return mark.page.locator(f"#{mark.get_attribute('aria-describedby')}")


def _inside_the_window(page, locator):
    box = locator.bounding_box()
    width = page.viewport_size["width"]
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width


def test_a_note_shows_on_keyboard_focus_and_on_hover(page, sign_in, screenshot, hire, result_url):
    sign_in(hire)
    page.goto(result_url)
    page.wait_for_load_state()
    expect(page.get_by_text(COPIED_GUIDANCE)).to_be_visible()  # guidance beside the estimate, not a bare 22%

    earned = page.locator("mark", has_text="ten days out")
    cost = page.locator("mark", has_text="That's on the warehouse")
    earned_note, cost_note = _note_of(earned), _note_of(cost)
    expect(earned_note).to_have_attribute("role", "tooltip")
    expect(earned_note).to_contain_text(ACK_NOTE)
    expect(cost_note).to_contain_text(TONE_NOTE)
    assert earned.get_attribute("title") is None and cost.get_attribute("title") is None
    expect(earned_note).to_be_hidden()
    expect(cost_note).to_be_hidden()

    # Keyboard: Tab through the page until the first highlight has focus; its note appears.
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "MARK":
            break
    expect(earned).to_be_focused()
    expect(earned_note).to_be_visible()
    expect(cost_note).to_be_hidden()
    assert _inside_the_window(page, earned_note)
    screenshot("evidence-tooltip-focus", full_page=False)

    # Escape dismisses it without moving focus (WCAG 1.4.13); Tab moves on to the next highlight.
    page.keyboard.press("Escape")
    expect(earned_note).to_be_hidden()
    expect(earned).to_be_focused()
    page.keyboard.press("Tab")
    expect(cost).to_be_focused()
    expect(cost_note).to_be_visible()
    page.keyboard.press("Shift+Tab")
    expect(earned_note).to_be_visible()  # focus coming back shows it again

    # Pointer: with focus elsewhere, hovering the other highlight shows its note, leaving hides it.
    page.get_by_role("heading", name="Your conversation").click()
    page.evaluate("document.activeElement.blur()")
    expect(earned_note).to_be_hidden()
    cost.hover()
    expect(cost_note).to_be_visible()
    assert _inside_the_window(page, cost_note)
    screenshot("evidence-tooltip-hover", full_page=False)
    page.get_by_role("heading", level=1).hover()
    expect(cost_note).to_be_hidden()


def test_a_tap_opens_and_closes_a_note(browser, live_server, hire, result_url):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    context.set_default_timeout(10_000)
    phone = context.new_page()
    try:
        phone.goto("/accounts/login/")
        phone.get_by_label("Email").fill(hire.email)
        phone.get_by_label("Password").fill(TEST_PASSWORD)
        phone.get_by_role("button", name="Sign in").click()
        phone.wait_for_load_state("networkidle")
        phone.goto(result_url)
        phone.wait_for_load_state()

        cost = phone.locator("mark", has_text="That's on the warehouse")
        earned = phone.locator("mark", has_text="ten days out")
        cost_note, earned_note = _note_of(cost), _note_of(earned)
        cost.tap()
        expect(cost_note).to_be_visible()
        assert _inside_the_window(phone, cost_note)  # slid sideways to fit a narrow screen
        earned.tap()  # another highlight: it opens, the first closes
        expect(earned_note).to_be_visible()
        expect(cost_note).to_be_hidden()
        earned.tap()  # the same one again: closed
        expect(earned_note).to_be_hidden()
        earned.tap()
        expect(earned_note).to_be_visible()
        phone.get_by_role("heading", level=1).tap()  # anywhere else: closed
        expect(earned_note).to_be_hidden()
    finally:
        context.close()
