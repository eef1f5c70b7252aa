"""Blind second marking through the API: the same rules and the same blindness as the web."""

import pytest
from rest_framework.test import APIClient

from coaching import services
from coaching.models import Feedback, Grade, SecondMark
from courses.models import Cohort
from tests.coaching.conftest import ALL_LEVELS
from tests.factories import CoachFactory

pytestmark = pytest.mark.django_db

FIRST_COMMENT = "Lovely warmth on the wedding detail."
ANSWER_COMMENT = "Name the feeling here, not just the facts."


@pytest.fixture
def second_coach(running_cohort):
    coach = CoachFactory(display_name="Sam Second")
    running_cohort.coaches.add(coach)
    return coach


@pytest.fixture
def lead(db):
    return CoachFactory(display_name="Lena Lead", is_lead_coach=True)


@pytest.fixture
def held(coach, running_cohort, waiting_attempt):
    Cohort.objects.filter(pk=running_cohort.pk).update(second_marking_percent=100)
    turn = waiting_attempt.turns.order_by("number").first()
    services.answer_comment_add(turn=turn, coach=coach, body=ANSWER_COMMENT)
    services.grade_release(attempt=waiting_attempt, coach=coach, levels=ALL_LEVELS, overall_comment=FIRST_COMMENT)
    return SecondMark.objects.get(attempt=waiting_attempt)


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_first_release_answers_held(coach, running_cohort, waiting_attempt):
    Cohort.objects.filter(pk=running_cohort.pk).update(second_marking_percent=100)
    response = _api(coach).post(
        f"/api/v1/coaching/attempts/{waiting_attempt.pk}/grade/", {"levels": ALL_LEVELS}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["outcome"] == Grade.Outcome.HELD
    again = _api(coach).post(
        f"/api/v1/coaching/attempts/{waiting_attempt.pk}/grade/", {"levels": ALL_LEVELS}, format="json"
    )
    assert again.status_code == 400 and "held for a blind second mark" in str(again.json())


def test_the_second_marks_list_and_the_blind_detail(coach, second_coach, held, waiting_attempt):
    listed = _api(second_coach).get("/api/v1/coaching/second-marks/").json()
    assert [item["id"] for item in listed["results"]] == [held.pk]
    assert listed["results"][0]["status"] == SecondMark.Status.AWAITING_SECOND
    assert _api(coach).get("/api/v1/coaching/second-marks/").json()["results"] == []
    for url in (f"/api/v1/coaching/second-marks/{held.pk}/", f"/api/v1/coaching/attempts/{waiting_attempt.pk}/"):
        body = _api(second_coach).get(url).json()
        text = str(body)
        assert FIRST_COMMENT not in text and ANSWER_COMMENT not in text
        assert "levels': {'acknowledge'" not in text  # no first levels anywhere
        assert body.get("prescore") is None and body.get("grade") is None
        assert all(turn.get("prescore") is None and not turn.get("comments") for turn in body["turns"])
    assert _api(coach).get(f"/api/v1/coaching/second-marks/{held.pk}/").status_code == 403


def test_submitting_twice_is_a_conflict_and_releases_once(hire, second_coach, held, waiting_attempt):
    near = {**ALL_LEVELS, "wow": 2}
    url = f"/api/v1/coaching/second-marks/{held.pk}/"
    first = _api(second_coach).post(url, {"levels": near, "note": "Close."}, format="json")
    assert first.status_code == 200
    assert (first.json()["status"], first.json()["largest_gap"]) == (SecondMark.Status.AGREED, 1)
    again = _api(second_coach).post(url, {"levels": near}, format="json")
    assert again.status_code == 409
    assert Feedback.objects.filter(grade__attempt=waiting_attempt).count() == 1


def test_moderation_through_the_api(coach, second_coach, lead, held, waiting_attempt):
    _api(second_coach).post(
        f"/api/v1/coaching/second-marks/{held.pk}/", {"levels": {**ALL_LEVELS, "tone": 1}}, format="json"
    )
    assert _api(coach).get("/api/v1/coaching/moderation/").status_code == 403
    listed = _api(lead).get("/api/v1/coaching/moderation/").json()["results"]
    assert [(item["id"], item["largest_gap"]) for item in listed] == [(held.pk, 2)]
    detail = _api(lead).get(f"/api/v1/coaching/moderation/{held.pk}/").json()
    tone = next(row for row in detail["criteria"] if row["key"] == "tone")
    assert (tone["first"], tone["second"], tone["gap"]) == (3, 1, 2)
    url = f"/api/v1/coaching/moderation/{held.pk}/"
    assert _api(lead).post(url, {"levels": ALL_LEVELS}, format="json").status_code == 400  # a note is required
    done = _api(lead).post(url, {"levels": {**ALL_LEVELS, "tone": 2}, "note": "Warm."}, format="json")
    assert done.status_code == 200 and done.json()["status"] == SecondMark.Status.MODERATED
    assert _api(lead).post(url, {"levels": ALL_LEVELS, "note": "Again."}, format="json").status_code == 409
    assert Grade.objects.get(attempt=waiting_attempt).levels["tone"] == 2


def test_the_moderation_detail_stays_blind_until_the_second_mark(lead, held):
    body = _api(lead).get(f"/api/v1/coaching/moderation/{held.pk}/").json()
    assert body == {"id": held.pk, "status": SecondMark.Status.AWAITING_SECOND, "attempt": held.attempt_id}
