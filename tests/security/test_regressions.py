"""Bugs found by the access matrix, the API fuzzing and the hostile inputs, each pinned by a test."""

import pytest

from courses.models import AttemptTurn

pytestmark = pytest.mark.django_db


def test_an_empty_answer_to_a_submitted_role_play_goes_to_the_result_not_a_server_error(world):
    client = world.client("hire")
    url = f"/training/roleplays/{world.scenario.slug}/attempts/{world.attempt.number}/answer/"
    response = client.post(url, {"answer": ""})
    assert response.status_code == 302
    assert response["Location"].endswith(f"/attempts/{world.attempt.number}/result/")
    answers = list(AttemptTurn.objects.filter(attempt=world.attempt).values_list("answer", flat=True))
    assert all(answers)  # the submitted answers are untouched
