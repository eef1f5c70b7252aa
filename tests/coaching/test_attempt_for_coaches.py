import re

import pytest

from coaching import services
from coaching.models import Feedback
from tests.coaching.conftest import ALL_LEVELS
from tests.factories import AdminFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def graded(coach, waiting_attempt):
    turn = waiting_attempt.turns.get(number=2)
    services.answer_comment_add(turn=turn, coach=coach, body="Check the stock before promising.")
    services.grade_release(attempt=waiting_attempt, coach=coach, levels=ALL_LEVELS, overall_comment="Warm opening.")
    return waiting_attempt


def _conversation_link(page: str) -> str:
    match = re.search(r'<a href="([^"]+)">See the conversation and comments</a>', page)
    assert match, "the timeline links to the conversation"
    return match.group(1)


def test_a_coach_follows_the_timeline_to_the_graded_conversation(coach_client, hire_enrollment, graded):
    timeline = coach_client.get(f"/coaching/hires/{hire_enrollment.pk}/").content.decode()
    response = coach_client.get(_conversation_link(timeline))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Hi. These heels slip right off my heels." in page  # the customer's turn
    assert "Oh no, ten days!" in page and '<mark class="earned"' in page  # the answer, with its evidence
    assert "Check the stock before promising." in page  # the comment on answer 2
    assert "Warm opening." in page  # the release note
    assert '<span class="level level-2">2</span> Own &amp; resolve</li>' in page  # criterion names, not keys
    assert 'name="level_' not in page  # read-only: nothing to grade here


def test_a_returned_attempt_shows_the_guidance(coach, coach_client, waiting_attempt):
    services.attempt_return(attempt=waiting_attempt, coach=coach, guidance="Ask about the wedding first.")
    page = coach_client.get(f"/coaching/attempts/{waiting_attempt.pk}/").content.decode()
    assert "Ask about the wedding first." in page and "Returned for another try" in page


def test_an_admin_reaches_it_and_others_do_not(client_for, hire_client, outsider_coach, graded):
    url = f"/coaching/attempts/{graded.pk}/"
    assert client_for(AdminFactory()).get(url).status_code == 200
    assert client_for(outsider_coach).get(url).status_code == 404
    assert hire_client.get(url).status_code == 403


def test_the_hire_keeps_their_own_result_page(hire_client, graded):
    Feedback.objects.get()
    page = hire_client.get("/training/feedback/").content.decode()
    assert _conversation_link(page) == f"/training/roleplays/{graded.scenario.slug}/attempts/{graded.number}/result/"
