"""The grading queue pages by cursor (seek on submitted_at, id), on the web and in the API, counting the queue once."""

import base64
import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from coaching import selectors
from coaching.views import QUEUE_PAGE_SIZE
from courses.models import Attempt, AttemptState
from tests.factories import EnrollmentFactory, HireFactory
from tests.roleplay_support import scenario_with_turns

pytestmark = pytest.mark.django_db

QUEUE = "/coaching/queue/"
API_QUEUE = "/api/v1/coaching/queue/"


@pytest.fixture
def scenario(hire_enrollment):
    return scenario_with_turns(hire_enrollment.cohort.curriculum, slug="graded-keyset", mode="graded")


def _waiting(enrollment, scenario, count: int, *, start: int = 1, state=AttemptState.AWAITING_COACH) -> list[int]:
    """Submitted attempts, made in bulk; three at a time share a submission time, so the id decides among them."""
    base = timezone.now() - datetime.timedelta(days=2)
    rubric_version = scenario.rubric.current_version
    made = Attempt.objects.bulk_create(
        Attempt(enrollment=enrollment, scenario=scenario, number=number, rubric_version=rubric_version, state=state,
                started_at=base, submitted_at=base + datetime.timedelta(minutes=number // 3), prescore_percent=50,
                grading_due_at=base + datetime.timedelta(days=1))
        for number in range(start, start + count)
    )  # fmt: skip
    return [attempt.pk for attempt in made]


def _in_queue_order(pks) -> list[int]:
    return list(Attempt.objects.filter(pk__in=pks).order_by("submitted_at", "id").values_list("pk", flat=True))


def _rows(response) -> list[int]:
    assert response.status_code == 200
    return [attempt.pk for attempt in response.context["page"]]


def _link(response, rel: str) -> str | None:
    """The pager's next or previous link, as the coach would follow it."""
    found = re.search(rf'<a href="([^"]+)" rel="{rel}">', response.content.decode())
    return found and found.group(1).replace("&amp;", "&")


def _api(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_next_walks_every_waiting_attempt_once_in_order_and_previous_walks_back(
    coach, client_for, hire_enrollment, scenario
):
    expected = _in_queue_order(_waiting(hire_enrollment, scenario, 120))
    _waiting(hire_enrollment, scenario, 5, start=500, state=AttemptState.GRADED)  # not waiting: on no page
    client = client_for(coach)
    pages, url = [], QUEUE
    while url:
        response = client.get(url if url.startswith("/") else f"{QUEUE}{url}")
        pages.append(_rows(response))
        assert response.context["page"].total == 120
        assert "Showing" in response.content.decode()
        url = _link(response, "next")
    assert [len(rows) for rows in pages] == [50, 50, 20]
    assert [pk for rows in pages for pk in rows] == expected
    assert _link(client.get(QUEUE), "prev") is None  # the first page has no previous page

    back, url = [], _link(response, "prev")
    while url:
        response = client.get(f"{QUEUE}{url}")
        back.append(_rows(response))
        url = _link(response, "prev")
    assert back == pages[-2::-1]
    assert response.context["page"].has_previous is False


def test_a_page_reads_the_same_queries_wherever_it_is_and_however_long_the_queue(
    coach, client_for, hire_enrollment, scenario
):
    _waiting(hire_enrollment, scenario, 120)
    client = client_for(coach)
    client.get(QUEUE)  # warm the session and per-process caches

    def read(url: str) -> tuple[int, object]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
            assert response.status_code == 200
        assert not any(" OFFSET " in query["sql"].upper() for query in captured.captured_queries)
        counting = sum("COUNT(" in q["sql"].upper() and 'FROM "courses_attempt"' in q["sql"] for q in captured)
        assert counting == 1  # the queue counts, read once, are the pager's total
        return len(captured), response.context["page"]

    first, page = read(QUEUE)
    second, page = read(f"{QUEUE}?after={page.next_cursor}")
    third, page = read(f"{QUEUE}?after={page.next_cursor}")
    assert len(page) == 20 and not page.has_next
    back, _ = read(f"{QUEUE}?before={page.previous_cursor}")
    assert first == second == third == back

    _waiting(hire_enrollment, scenario, 400, start=1000)
    longer, page = read(QUEUE)
    much_later, _ = read(f"{QUEUE}?after={page.next_cursor}")
    assert longer == much_later == first


def test_the_filters_survive_paging(coach, client_for, hire_enrollment, scenario):
    other = EnrollmentFactory(cohort=hire_enrollment.cohort, hire=HireFactory(display_name="Omar Other"))
    mine = _waiting(hire_enrollment, scenario, 60)
    _waiting(other, scenario, 60)
    client = client_for(coach)
    first = client.get(QUEUE, {"hire": hire_enrollment.hire_id})
    url = _link(first, "next")
    assert f"hire={hire_enrollment.hire_id}" in url
    second = client.get(f"{QUEUE}{url}")
    assert second.context["filters"].hire == hire_enrollment.hire_id
    assert _rows(first) + _rows(second) == _in_queue_order(mine)
    assert second.context["counts"].total == 60 and _link(second, "next") is None
    assert f"hire={hire_enrollment.hire_id}" in _link(second, "prev")


GARBLED = [
    "garbage",
    "!!!",
    "x" * 500,
    base64.urlsafe_b64encode(b"\xff\xfe").decode(),
    base64.urlsafe_b64encode(b"yesterday|12").decode(),
    base64.urlsafe_b64encode(b"2026-01-01T00:00:00|12").decode(),  # no time zone
    base64.urlsafe_b64encode(b"0001-01-01T00:00:00+05:00|12").decode(),  # before the first moment in UTC
    base64.urlsafe_b64encode(b"2026-01-01T00:00:00+00:00|-1").decode(),
    base64.urlsafe_b64encode(b"2026-01-01T00:00:00+00:00|9223372036854775808").decode(),
]


@pytest.mark.parametrize("cursor", GARBLED)
def test_a_garbled_cursor_gives_the_first_page_on_the_web(coach, client_for, hire_enrollment, scenario, cursor):
    _waiting(hire_enrollment, scenario, 60)
    client = client_for(coach)
    first = _rows(client.get(QUEUE))
    assert _rows(client.get(QUEUE, {"after": cursor})) == first
    assert _rows(client.get(QUEUE, {"before": cursor})) == first


@pytest.mark.parametrize("cursor", [*GARBLED, "a valid web position, without a direction"])
def test_a_garbled_cursor_is_refused_by_the_api(coach, client_for, hire_enrollment, scenario, cursor):
    _waiting(hire_enrollment, scenario, 60)
    if cursor.startswith("a valid"):
        cursor = client_for(coach).get(QUEUE).context["page"].next_cursor
    response = _api(coach).get(API_QUEUE, {"cursor": cursor})
    assert response.status_code == 400
    assert response.json() == {"cursor": [selectors.CURSOR_INVALID]}


def test_the_api_pages_by_next_and_previous_links_with_the_whole_count(coach, hire_enrollment, scenario):
    expected = _in_queue_order(_waiting(hire_enrollment, scenario, 120))
    api = _api(coach)
    pages, url = [], f"{API_QUEUE}?week=1"
    while url:
        body = api.get(url).json()
        assert body["count"] == 120 and "overdue" in body and "second_marks" in body and "moderation" in body
        pages.append([row["id"] for row in body["results"]])
        url = body["next"]
        assert url is None or ("cursor=" in url and "week=1" in url)
    assert [pk for rows in pages for pk in rows] == expected
    assert len(pages) == 3 and api.get(API_QUEUE).json()["previous"] is None

    back, url = [], body["previous"]
    while url:
        body = api.get(url).json()
        back.append([row["id"] for row in body["results"]])
        url = body["previous"]
    assert back == pages[-2::-1]


def test_a_page_emptied_meanwhile_leads_back_to_the_first_page(coach, client_for, hire_enrollment, scenario):
    pks = _in_queue_order(_waiting(hire_enrollment, scenario, QUEUE_PAGE_SIZE + 5))
    client, api = client_for(coach), _api(coach)
    web_next = client.get(QUEUE).context["page"].next_cursor
    api_next = api.get(API_QUEUE).json()["next"]
    Attempt.objects.filter(pk__in=pks[QUEUE_PAGE_SIZE:]).update(state=AttemptState.GRADED)  # graded since

    response = client.get(QUEUE, {"after": web_next})
    assert _rows(response) == [] and "Back to the first page" in response.content.decode()
    body = api.get(api_next).json()
    assert body["results"] == [] and body["next"] is None and body["count"] == QUEUE_PAGE_SIZE
    assert body["previous"] == "http://testserver/api/v1/coaching/queue/"  # the first page


def test_a_waiting_attempt_without_a_submission_time_is_neither_paged_nor_counted(
    coach, client_for, hire_enrollment, scenario
):
    pks = _waiting(hire_enrollment, scenario, 3)
    Attempt.objects.filter(pk=pks[0]).update(submitted_at=None)
    page = client_for(coach).get(QUEUE).context["page"]
    assert [attempt.pk for attempt in page] == pks[1:] and page.total == 2
    assert _api(coach).get(API_QUEUE).json()["count"] == 2
