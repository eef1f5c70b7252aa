import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import TEST_PASSWORD, CohortFactory

pytestmark = pytest.mark.django_db


def test_me_requires_authentication():
    response = APIClient().get("/api/v1/me/")
    assert response.status_code in {401, 403}


def test_me_with_a_session(hire_client, hire):
    data = hire_client.get("/api/v1/me/").json()
    assert data["email"] == hire.email
    assert data["role"] == "hire"
    assert data["landing_page"] == reverse("courses:my_training")
    assert data["avatar_url"] is None


def test_me_with_a_token_obtained_by_password(coach):
    api = APIClient()
    token = api.post("/api/v1/auth/token/", {"username": coach.email, "password": TEST_PASSWORD}).json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    data = api.get("/api/v1/me/").json()
    assert data["role"] == "coach" and data["landing_page"] == reverse("coaching:queue")


def test_me_can_change_time_zone_and_rejects_unknown_ones(hire):
    api = APIClient()
    api.force_authenticate(hire)
    response = api.patch("/api/v1/me/", {"time_zone": "Atlantis/Lost"}, format="json")
    assert response.status_code == 400 and "time_zone" in response.json()
    hire.refresh_from_db()
    assert hire.time_zone == "America/Los_Angeles"
    response = api.patch("/api/v1/me/", {"time_zone": "Pacific/Auckland"}, format="json")
    assert response.status_code == 200 and response.json()["time_zone"] == "Pacific/Auckland"


@pytest.mark.parametrize(("person", "status"), [("hire", 403), ("coach", 403), ("training_admin", 200)])
def test_cohort_list_uses_the_same_rule_as_the_web(request, person, status, client_for):
    user = request.getfixturevalue(person)
    api = APIClient()
    api.force_authenticate(user)
    assert api.get("/api/v1/cohorts/").status_code == status
    assert client_for(user).get(reverse("cohorts:list")).status_code == status


def test_cohort_list_is_paginated_with_a_flat_query_count(admin_client_, django_assert_max_num_queries):
    CohortFactory.create_batch(60)
    with django_assert_max_num_queries(4):
        page = admin_client_.get("/api/v1/cohorts/").json()
    assert page["count"] == 60 and len(page["results"]) == 50 and page["next"]


def test_openapi_schema_and_offline_docs(admin_client_):
    schema = admin_client_.get("/api/schema/?format=json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/me/" in schema["paths"]
    docs = admin_client_.get("/api/docs/").content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist" in docs
    assert "cdn" not in docs.lower()
