"""The calibration API: the same rules as the web pages, through the same services and access helpers."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from calibration import services
from calibration.models import AnchorItem, CalibrationGrade, CalibrationSession
from tests.factories import AdminFactory, CoachFactory, HireFactory, calibration_round, calibration_work
from tests.roleplay_support import MARKER_SCORER

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def marker_scorer(settings):
    settings.ROLEPLAY_SCORER = MARKER_SCORER


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def coaches_of(session):
    return [p.coach for p in session.participants.select_related("coach").order_by("coach__display_name")]


def keys_of(item) -> list[str]:
    return [c.key for c in item.anchor.rubric_version.criteria.all()]


def test_the_list_is_mine_for_a_coach_and_everything_for_an_admin():
    mine, _ = calibration_round(roleplays=2, calls=0)
    calibration_round(roleplays=1, calls=0)
    coach, _ = coaches_of(mine)
    page = api_as(coach).get(reverse("api-calibration-sessions")).json()
    assert [row["id"] for row in page["results"]] == [mine.pk]
    assert page["results"][0]["item_count"] == 2 and page["results"][0]["my_graded"] == 0
    assert api_as(AdminFactory()).get(reverse("api-calibration-sessions")).json()["count"] == 2
    assert api_as(HireFactory()).get(reverse("api-calibration-sessions")).status_code == 403


def test_an_admin_opens_a_session_a_coach_may_not_and_bad_input_writes_nothing():
    _, attempts, reviews = calibration_work(roleplays=1, calls=1)
    coaches = [CoachFactory(), CoachFactory()]
    body = {
        "title": "API session",
        "due_at": (timezone.now() + datetime.timedelta(days=2)).isoformat(),
        "coaches": [c.pk for c in coaches],
        "attempts": [attempts[0].pk],
        "call_reviews": [reviews[0].pk],
    }
    assert api_as(coaches[0]).post(reverse("api-calibration-sessions"), body, format="json").status_code == 403
    refused = api_as(AdminFactory()).post(
        reverse("api-calibration-sessions"), {**body, "coaches": [coaches[0].pk]}, format="json"
    )
    assert refused.status_code == 400 and "two coaches" in str(refused.json())
    assert not CalibrationSession.objects.exists() and not AnchorItem.objects.exists()
    created = api_as(AdminFactory()).post(reverse("api-calibration-sessions"), body, format="json")
    assert created.status_code == 201
    session = CalibrationSession.objects.get()
    assert created.json()["id"] == session.pk and session.items.count() == 2


def test_a_coach_grades_with_put_or_post_until_the_reveal():
    session, _ = calibration_round(roleplays=1, calls=0)
    coach, _ = coaches_of(session)
    item = session.items.get()
    url = reverse("api-calibration-grade", args=[session.pk, item.pk])
    client = api_as(coach)
    bad = client.put(url, {"levels": {keys_of(item)[0]: 7}}, format="json")
    assert bad.status_code == 400 and not CalibrationGrade.objects.exists()
    assert client.put(url, {"levels": dict.fromkeys(keys_of(item), 1)}, format="json").status_code == 200
    saved = client.post(url, {"levels": dict.fromkeys(keys_of(item), 2), "note": "Changed my mind."}, format="json")
    assert saved.status_code == 200 and saved.json()["levels"] == dict.fromkeys(keys_of(item), 2)
    assert CalibrationGrade.objects.get(coach=coach).note == "Changed my mind."
    # The facilitator is not a grader here; someone outside the session does not see it at all.
    assert api_as(session.facilitator).put(url, {"levels": {}}, format="json").status_code == 403
    assert api_as(CoachFactory()).put(url, {"levels": {}}, format="json").status_code == 404
    services.session_reveal(session=session, by=session.facilitator)
    late = client.put(url, {"levels": dict.fromkeys(keys_of(item), 3)}, format="json")
    assert late.status_code == 409
    assert CalibrationGrade.objects.get(coach=coach).levels == dict.fromkeys(keys_of(item), 2)


def test_the_facilitator_reveals_and_records_gold():
    session, _ = calibration_round(roleplays=1, calls=0)
    coach, other = coaches_of(session)
    item = session.items.get()
    for grader, level in ((coach, 1), (other, 2)):
        services.calibration_grade_save(item=item, coach=grader, levels=dict.fromkeys(keys_of(item), level))
    gold_url = reverse("api-calibration-gold", args=[session.pk, item.pk])
    facilitator = api_as(session.facilitator)
    early = facilitator.post(gold_url, {"levels": dict.fromkeys(keys_of(item), 2)}, format="json")
    assert early.status_code == 400 and "Reveal" in str(early.json())
    assert api_as(coach).post(reverse("api-calibration-reveal", args=[session.pk])).status_code == 403
    revealed = facilitator.post(reverse("api-calibration-reveal", args=[session.pk]))
    assert revealed.status_code == 200 and revealed.json()["status"] == "revealed"
    assert revealed.json()["items"][0]["criteria"][0]["levels"] == {coach.display_name: 1, other.display_name: 2}
    assert api_as(coach).post(gold_url, {"levels": dict.fromkeys(keys_of(item), 2)}, format="json").status_code == 403
    gold = facilitator.post(gold_url, {"levels": dict.fromkeys(keys_of(item), 2), "note": "Genuine."}, format="json")
    assert gold.status_code == 200 and gold.json()["in_bank"] is True
    assert AnchorItem.objects.get().gold_levels == dict.fromkeys(keys_of(item), 2)
    detail = api_as(coach).get(reverse("api-calibration-session", args=[session.pk])).json()
    assert detail["items"][0]["criteria"][0]["gold"] == 2
    assert {row["key"] for row in detail["agreement"]} == set(keys_of(item))
