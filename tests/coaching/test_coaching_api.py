import pytest
from rest_framework.test import APIClient

from coaching.models import CallReview, Feedback, Grade
from tests.coaching.conftest import ALL_LEVELS
from tests.coaching.test_call_reviews import wav_upload

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_queue_grade_and_history_by_api(coach, waiting_attempt):
    api = _api(coach)
    queue = api.get("/api/v1/coaching/queue/").json()
    assert queue["count"] == 1 and queue["results"][0]["id"] == waiting_attempt.pk
    detail = api.get(f"/api/v1/coaching/attempts/{waiting_attempt.pk}/").json()
    assert detail["held_by"] == coach.display_name and len(detail["turns"]) == 3
    url = f"/api/v1/coaching/attempts/{waiting_attempt.pk}/grade/"
    assert api.post(url, {"levels": ALL_LEVELS}, format="json").json()["outcome"] == "released"
    refused = api.post(url, {"levels": {**ALL_LEVELS, "wow": 0}}, format="json")
    assert refused.status_code == 400 and "reason" in str(refused.json())
    assert (
        api.post(url, {"levels": {**ALL_LEVELS, "wow": 0}, "reason": "No extra step."}, format="json").status_code
        == 200
    )
    assert Grade.objects.get().revisions.count() == 2


def test_a_coach_outside_the_cohort_gets_nothing_by_api(outsider_coach, waiting_attempt, hire_enrollment):
    api = _api(outsider_coach)
    assert api.get("/api/v1/coaching/queue/").json()["count"] == 0
    assert api.get(f"/api/v1/coaching/attempts/{waiting_attempt.pk}/").status_code == 404
    grade = api.post(f"/api/v1/coaching/attempts/{waiting_attempt.pk}/grade/", {"levels": ALL_LEVELS}, format="json")
    assert grade.status_code == 404
    assert api.get(f"/api/v1/coaching/hires/{hire_enrollment.pk}/call-reviews/").status_code == 404
    assert api.get(f"/api/v1/coaching/hires/{hire_enrollment.pk}/feedback/").status_code == 404
    assert not Grade.objects.exists()


def test_hires_get_403_on_coach_endpoints_and_404_on_others_feedback(hire, coach, waiting_attempt,
                                                                     other_hire_enrollment):  # fmt: skip
    _api(coach).post(f"/api/v1/coaching/attempts/{waiting_attempt.pk}/grade/", {"levels": ALL_LEVELS}, format="json")
    feedback = Feedback.objects.get()
    assert _api(hire).get("/api/v1/coaching/queue/").status_code == 403
    other = _api(other_hire_enrollment.hire)
    assert other.get("/api/v1/training/feedback/").json() == []
    assert other.post(f"/api/v1/training/feedback/{feedback.pk}/acknowledge/").status_code == 404
    mine = _api(hire)
    assert mine.get("/api/v1/training/feedback/").json()[0]["id"] == feedback.pk
    assert mine.post(f"/api/v1/training/feedback/{feedback.pk}/acknowledge/").json()["acknowledged_at"]
    dispute = mine.post(f"/api/v1/training/feedback/{feedback.pk}/disputes/", {"criterion": "wow", "reason": "I did"})
    assert dispute.status_code == 201
    resolved = _api(coach).post(f"/api/v1/coaching/disputes/{dispute.json()['id']}/resolve/",
                                {"accept": False, "answer": "Not this time."}, format="json")  # fmt: skip
    assert resolved.json()["status"] == "rejected"


def test_a_call_review_with_a_recording_by_api(coach, hire_enrollment, graded_scenario):
    response = _api(coach).post(
        f"/api/v1/coaching/hires/{hire_enrollment.pk}/call-reviews/",
        {
            "call_at": "2026-11-20T14:30:00Z", "call_reference": "CALL-77", "channel": "phone", "duration": "4:05",
            "reason": "Mis-shipped boots", "levels": '{"acknowledge": 2, "connect": 2, "explore": 2, '
            '"own_resolve": 3, "wow": 3, "tone": 2}', "notes": '[["01:10", "offered keep-and-donate"]]',
            "practice_scenarios": [graded_scenario.pk], "recording": wav_upload(),
        },
        format="multipart",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["duration_seconds"] == 245 and data["notes"] == [{"at_seconds": 70, "body": "offered keep-and-donate"}]
    assert data["recording_url"].endswith(f"/coaching/call-reviews/{data['id']}/recording/")
    assert CallReview.objects.get().practice_scenarios.get() == graded_scenario

    renamed = _api(coach).post(
        f"/api/v1/coaching/hires/{hire_enrollment.pk}/call-reviews/",
        {"call_at": "2026-11-20T14:30:00Z", "call_reference": "X", "channel": "phone", "duration": "60",
         "reason": "r", "levels": '{"acknowledge": 2, "connect": 2, "explore": 2, "own_resolve": 3, "wow": 3, '
         '"tone": 2}', "recording": wav_upload().__class__("fake.mp3", b"plain text " * 30)},
        format="multipart",
    )  # fmt: skip
    assert renamed.status_code == 400 and CallReview.objects.count() == 1
