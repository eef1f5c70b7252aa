"""One level scale (courses.levels): a level outside it is refused on the web and by the API
with the same sentence, and nothing is written."""

import pytest
from django.contrib.messages import get_messages
from rest_framework.test import APIClient

from coaching import services
from coaching.models import CallReview, Dispute, Grade
from courses.levels import LEVEL_MAX, LEVEL_MIN, LEVELS, level_out_of_range_message
from tests.coaching.conftest import ALL_LEVELS
from tests.coaching.test_call_reviews import review_form

pytestmark = pytest.mark.django_db

REFUSED = level_out_of_range_message("Acknowledge")


def _api(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def _api_messages(response) -> list[str]:
    found = []
    for messages in response.json().values():
        found += messages if isinstance(messages, list) else [messages]
    return found


def test_the_scale_is_defined_once():
    assert (LEVEL_MIN, LEVEL_MAX, LEVELS) == (0, 3, (0, 1, 2, 3))
    assert REFUSED == "The level for Acknowledge must be 0, 1, 2 or 3."


@pytest.mark.parametrize("level", [LEVEL_MAX + 1, LEVEL_MIN - 1])
def test_a_grade_level_outside_the_scale_is_refused_alike_on_the_web_and_by_api(
    coach, coach_client, waiting_attempt, level
):
    levels = {**ALL_LEVELS, "acknowledge": level}
    page = coach_client.post(
        f"/coaching/attempts/{waiting_attempt.pk}/grade/",
        {**{f"level_{k}": v for k, v in levels.items()}, "action": "release"},
    )
    assert page.status_code == 400 and REFUSED in page.content.decode()

    api = _api(coach).post(f"/api/v1/coaching/attempts/{waiting_attempt.pk}/grade/", {"levels": levels}, format="json")
    assert api.status_code == 400 and REFUSED in _api_messages(api)
    assert not Grade.objects.filter(outcome=Grade.Outcome.RELEASED).exists()


def test_a_call_review_level_outside_the_scale_is_refused_alike_on_the_web_and_by_api(
    coach, coach_client, hire_enrollment, graded_scenario
):
    page = coach_client.post(
        f"/coaching/hires/{hire_enrollment.pk}/call-reviews/new/", review_form(level_acknowledge=LEVEL_MAX + 1)
    )
    assert page.status_code == 400 and REFUSED in page.content.decode()

    api = _api(coach).post(
        f"/api/v1/coaching/hires/{hire_enrollment.pk}/call-reviews/",
        {"call_at": "2026-11-20T14:30:00Z", "call_reference": "CALL-77", "channel": "phone", "duration": "4:05",
         "reason": "Mis-shipped boots", "levels": {**ALL_LEVELS, "acknowledge": LEVEL_MAX + 1}},
        format="json",
    )  # fmt: skip
    assert api.status_code == 400 and REFUSED in _api_messages(api)
    assert not CallReview.objects.exists()


def test_a_dispute_answered_with_a_level_outside_the_scale_is_refused_alike(coach, coach_client, hire, waiting_attempt):
    grade = services.grade_release(attempt=waiting_attempt, coach=coach, levels=ALL_LEVELS)
    dispute = services.dispute_open(grade=grade, hire=hire, criterion_key="acknowledge", reason="I named it.")
    response = coach_client.post(
        f"/coaching/disputes/{dispute.pk}/resolve/",
        {"decision": "accept", "answer": "Fair.", "new_level": LEVEL_MAX + 1},
    )
    assert REFUSED in [str(m) for m in get_messages(response.wsgi_request)]

    api = _api(coach).post(
        f"/api/v1/coaching/disputes/{dispute.pk}/resolve/",
        {"accept": True, "answer": "Fair.", "new_level": LEVEL_MAX + 1},
        format="json",
    )
    assert api.status_code == 400 and REFUSED in _api_messages(api)
    assert Dispute.objects.get().status == Dispute.Status.OPEN


def test_a_missing_level_is_named_by_its_criterion(coach, coach_client, waiting_attempt):
    levels = {k: v for k, v in ALL_LEVELS.items() if k not in ("own_resolve", "wow")}
    page = coach_client.post(
        f"/coaching/attempts/{waiting_attempt.pk}/grade/",
        {**{f"level_{k}": v for k, v in levels.items()}, "action": "release"},
    ).content.decode()
    assert "missing: Own &amp; resolve, WOW" in page
    assert "own_resolve" not in page.split('<form method="post"')[0]  # the message, before the form's field names
