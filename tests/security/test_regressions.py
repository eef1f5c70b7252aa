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


@pytest.mark.parametrize("value", ["14897559084603095928870669385728", "²", "-1", "9223372036854775808"])
def test_queue_filters_out_of_any_ids_range_are_ignored_not_a_server_error(world, value):
    for role in ("coach", "admin"):
        client = world.client(role)
        api = client.get("/api/v1/coaching/queue/", {"scenario": value, "hire": value, "cohort": value})
        assert api.status_code == 200 and api.json()["count"] == 1  # the waiting role-play, unfiltered
        assert client.get("/coaching/queue/", {"scenario": value, "week": value}).status_code == 200
        assert client.get("/coaching/queue/next/", {"after": value}).status_code == 302
    payroll = world.client("admin").get("/api/v1/checkpoints/payroll.csv", {"cohort": value})
    assert payroll.status_code == 200


def test_the_queue_api_documents_its_page_with_the_overdue_count(world):
    schema = world.client("anonymous").get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/coaching/queue/"]["get"]
    page = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    properties = schema["components"]["schemas"][page]["properties"]
    assert {"count", "next", "previous", "overdue", "results"} <= set(properties)
    assert {p["name"] for p in operation["parameters"]} >= {"cohort", "week", "scenario", "hire", "cursor"}
    assert "page" not in {p["name"] for p in operation["parameters"]}  # pages are found by cursor, not by number
    body = world.client("coach").get("/api/v1/coaching/queue/").json()
    assert set(body) == set(properties)


def test_feedback_without_a_role_play_or_a_call_review_is_documented_as_nullable(world):
    schema = world.client("anonymous").get("/api/schema/?format=json").json()
    feedback = schema["components"]["schemas"]["Feedback"]["properties"]
    assert feedback["scenario"].get("nullable") and feedback["call_review"].get("nullable")
    items = world.client("hire").get("/api/v1/training/feedback/").json()
    items = items["results"] if isinstance(items, dict) else items
    assert {item["kind"] for item in items} == {"grade", "call_review"}
    assert any(item["scenario"] is None for item in items) and any(item["call_review"] is None for item in items)
