"""The outcomes API: the report's figures as JSON and recording retention, for admins only, by the same rules."""

import pytest
from rest_framework.test import APIClient

from checkpoint.models import Choice
from outcomes.models import RetentionCheck, RetentionEvent, Source
from tests.factories import EnrollmentFactory, HireFactory
from tests.outcomes.support import day_iso, decide, outcomes_cohort

pytestmark = pytest.mark.django_db


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def cohort(db):
    return outcomes_cohort()


@pytest.fixture
def committed(cohort):
    enrollment = EnrollmentFactory(cohort=cohort, hire=HireFactory(display_name="Carla", email="carla@academy.test"))
    decide(enrollment, Choice.COMMIT, days_ago=100)
    return enrollment


@pytest.fixture
def took_offer(cohort):
    enrollment = EnrollmentFactory(cohort=cohort, hire=HireFactory(display_name="Omar"))
    decide(enrollment, Choice.OFFER, days_ago=100)
    return enrollment


def _retention_url(enrollment) -> str:
    return f"/api/v1/outcomes/enrollments/{enrollment.pk}/retention/"


def test_an_admin_records_retention_and_the_same_status_again_changes_nothing(committed, training_admin):
    api = _client(training_admin)
    body = {"days": 30, "status": "retained", "note": "Doing well"}
    created = api.post(_retention_url(committed), body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json() | {"recorded_at": None} == {
        "enrollment": committed.pk, "days": 30, "status": "retained", "left_on": None, "note": "Doing well",
        "recorded_at": None, "changed": True,
    }  # fmt: skip
    again = api.post(_retention_url(committed), {"days": 30, "status": "retained"}, format="json")
    assert again.status_code == 200 and again.json()["changed"] is False
    assert RetentionCheck.objects.get().source == Source.API
    assert RetentionEvent.objects.count() == 1
    left_on = day_iso(committed.checkpoint.decisions.get(), 20)
    changed = api.post(_retention_url(committed), {"days": 30, "status": "left", "left_on": left_on}, format="json")
    assert changed.status_code == 200 and changed.json()["changed"] is True
    assert RetentionEvent.objects.count() == 2


@pytest.mark.parametrize(
    ("body", "field", "text"),
    [
        ({"days": 45, "status": "retained"}, "days", "is not a valid choice"),
        ({"days": 30, "status": "gone"}, "status", "is not a valid choice"),
        ({"days": 30, "status": "left", "left_on": "31/12/2024"}, "left_on", "Date has wrong format"),
        ({"days": 30, "status": "retained", "left_on": "2020-01-01"}, "detail", "goes only with the status “left”"),
    ],
)
def test_bad_input_gets_a_400_with_a_clear_error(committed, training_admin, body, field, text):
    response = _client(training_admin).post(_retention_url(committed), body, format="json")
    assert response.status_code == 400
    assert text in " ".join(response.json()[field])
    assert not RetentionCheck.objects.exists()


def test_a_hire_who_took_the_offer_is_refused_with_the_reason(took_offer, training_admin):
    response = _client(training_admin).post(_retention_url(took_offer), {"days": 30, "status": "left"}, format="json")
    assert response.status_code == 400
    assert "Omar took the offer" in response.json()["detail"][0]


def test_the_report_as_json(cohort, committed, took_offer, training_admin):
    _client(training_admin).post(_retention_url(committed), {"days": 30, "status": "retained"}, format="json")
    response = _client(training_admin).get(f"/api/v1/outcomes/cohorts/{cohort.pk}/")
    assert response.status_code == 200
    body = response.json()
    summary = body["summary"]
    assert (summary["hires"], summary["decided"], summary["committed"], summary["took_offer"]) == (2, 2, 1, 1)
    assert summary["milestones"][0] == {"days": 30, "due": 1, "recorded": 1, "retained": 1, "rate": 1.0}
    decision = next(split for split in body["splits"] if split["key"] == "decision")
    assert [(g["label"], g["rates"][0]["retained"], g["rates"][0]["counted"]) for g in decision["groups"]] == [
        ("Commit to the role", 1, 1),
        ("Take the offer", 0, 1),
    ]
    carla = next(hire for hire in body["hires"] if hire["email"] == "carla@academy.test")
    assert [cell["state"] for cell in carla["retention"]] == ["retained", "due", "due"]
    assert carla["decision"] == "commit"


def test_coaches_hires_and_strangers_are_refused(cohort, committed, coach):
    cohort.coaches.add(coach)
    for client in (_client(coach), _client(committed.hire), APIClient()):
        assert client.get(f"/api/v1/outcomes/cohorts/{cohort.pk}/").status_code in (401, 403)
        response = client.post(_retention_url(committed), {"days": 30, "status": "retained"}, format="json")
        assert response.status_code in (401, 403)
    assert not RetentionCheck.objects.exists()


def test_an_unknown_cohort_or_hire_is_a_404(training_admin):
    api = _client(training_admin)
    assert api.get("/api/v1/outcomes/cohorts/999999/").status_code == 404
    assert api.post("/api/v1/outcomes/enrollments/999999/retention/", {"days": 30, "status": "retained"},
                    format="json").status_code == 404  # fmt: skip


def test_the_schema_describes_the_outcomes_api(admin_client_):
    schema = admin_client_.get("/api/schema/?format=json").json()
    assert "/api/v1/outcomes/cohorts/{cohort_id}/" in schema["paths"]
    assert "post" in schema["paths"]["/api/v1/outcomes/enrollments/{enrollment_id}/retention/"]
