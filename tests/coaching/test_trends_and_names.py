"""One rule for which way a hire's levels are heading, the same word on every page and in the API;
criteria named as people read them, never by their keys."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from coaching import selectors as coaching_selectors
from coaching.charts import trend_svg
from coaching.models import CallReview, Feedback, Grade
from cohorts import selectors as cohort_selectors
from courses import trends
from courses.models import Attempt, AttemptState
from tests.coaching.conftest import ALL_LEVELS
from tests.roleplay_support import scenario_with_turns

pytestmark = pytest.mark.django_db


def _graded(enrollment, scenario, coach, levels: dict, *, submitted_at, released_at, number: int) -> Grade:
    attempt = Attempt.objects.create(
        enrollment=enrollment, scenario=scenario, number=number, rubric_version=scenario.rubric.current_version,
        state=AttemptState.GRADED, started_at=submitted_at, submitted_at=submitted_at,
    )  # fmt: skip
    grade = Grade.objects.create(
        attempt=attempt, coach=coach, rubric_version=attempt.rubric_version, levels=levels, percent=50,
        outcome=Grade.Outcome.RELEASED, released_at=released_at,
    )  # fmt: skip
    Feedback.objects.create(
        enrollment=enrollment, kind=Feedback.Kind.GRADE, grade=grade, coach=coach, released_at=released_at
    )
    return grade


def _reviewed(enrollment, scenario, coach, levels: dict, *, call_at, released_at) -> CallReview:
    review = CallReview.objects.create(
        enrollment=enrollment, coach=coach, rubric_version=scenario.rubric.current_version, call_at=call_at,
        call_reference="C-7", duration_seconds=300, reason="Narrow shoes", levels=levels, percent=50,
    )  # fmt: skip
    Feedback.objects.create(
        enrollment=enrollment, kind=Feedback.Kind.CALL_REVIEW, call_review=review, coach=coach, released_at=released_at
    )
    return review


@pytest.fixture
def late_reviewed_call(hire_enrollment, coach):
    """A real call taken before a role-play but reviewed after the role-play's grade was released.

    In the order the hire did the work, acknowledging rose (1, then 3) and connecting fell (3, then 1).
    """
    now = timezone.now()
    scenario = scenario_with_turns(hire_enrollment.cohort.curriculum, slug="wedding", mode="graded")
    early, late = ALL_LEVELS | {"acknowledge": 1, "connect": 3}, ALL_LEVELS | {"acknowledge": 3, "connect": 1}
    _reviewed(hire_enrollment, scenario, coach, early, call_at=now - datetime.timedelta(days=6),
              released_at=now - datetime.timedelta(days=1))  # fmt: skip
    _graded(hire_enrollment, scenario, coach, late, submitted_at=now - datetime.timedelta(days=4),
            released_at=now - datetime.timedelta(days=3), number=1)  # fmt: skip
    return hire_enrollment


def _trend_words(html: str) -> dict[str, str]:
    """The "Criterion: direction" summary under the coaching timeline's chart."""
    summary = re.search(r'<p class="muted trend-summary">(.*?)</p>', html, re.S).group(1)
    return dict(part.split(": ", 1) for part in summary.replace("&amp;", "&").split(" · "))


def _chart_words(svg: str) -> dict[str, str]:
    desc = ET.fromstring(svg).find("{http://www.w3.org/2000/svg}desc").text
    return {name: word for name, word in re.findall(r"([A-Z][\w &]+): [^.]*?, (rising|falling|steady)\.", desc)}


def test_the_same_series_gives_the_same_word_everywhere(
    late_reviewed_call, hire_client, coach_client, admin_client_, running_cohort
):
    expected = {"Acknowledge": trends.RISING, "Connect": trends.FALLING}

    for page in (hire_client.get("/training/feedback/"), coach_client.get(f"/coaching/hires/{late_reviewed_call.pk}/")):
        words = _trend_words(page.content.decode())
        assert {name: words[name] for name in expected} == expected

    timeline = coaching_selectors.timeline(enrollment=late_reviewed_call)
    chart = _chart_words(trend_svg(timeline.trend, title="t"))
    assert {name: chart[name] for name in expected} == expected

    standing = cohort_selectors.cohort_dashboard(cohort=running_cohort).hires[0]
    assert (standing.directions["acknowledge"], standing.directions["connect"]) == (trends.RISING, trends.FALLING)

    api = admin_client_.get(f"/api/v1/cohorts/{running_cohort.pk}/dashboard/").json()
    assert api["hires"][0]["trends"]["acknowledge"] == trends.RISING
    assert api["hires"][0]["trends"]["connect"] == trends.FALLING


@pytest.mark.parametrize(
    ("levels", "direction"),
    [
        ([], trends.NO_DATA),
        ([None, None], trends.NO_DATA),
        ([2], trends.ONE_SCORE),
        ([None, 2, None], trends.ONE_SCORE),
        ([1, 3], trends.RISING),
        ([3, 1], trends.FALLING),
        ([2, 2], trends.STEADY),
        ([3, 3, 2, 2], trends.FALLING),
        ([2, 2.1, 2.1, 2.2], trends.STEADY),
        ([float("nan"), 1, 2], trends.RISING),
    ],
)
def test_the_trend_rule(levels, direction):
    assert trends.trend_direction(levels) == direction


def test_dated_scores_are_put_in_time_order_before_the_rule_reads_them():
    day = datetime.datetime(2026, 11, 2, tzinfo=datetime.UTC)
    scores = [(day + datetime.timedelta(days=3), 3), (day, 1)]
    assert trends.dated_trend_direction(scores) == trends.RISING


def test_people_read_criterion_names_never_keys(
    late_reviewed_call, coach, hire, hire_client, coach_client, admin_client_, running_cohort
):
    from coaching import services

    grade = Grade.objects.get()
    dispute = services.dispute_open(grade=grade, hire=hire, criterion_key="own_resolve", reason="I gave a next step.")
    pages = {
        "my feedback": hire_client.get("/training/feedback/"),
        "coach timeline": coach_client.get(f"/coaching/hires/{late_reviewed_call.pk}/"),
        "coach overview": coach_client.get("/coaching/overview/"),
        "coach notifications": coach_client.get("/notifications/"),
        "cohort dashboard": admin_client_.get(f"/cohorts/{running_cohort.pk}/"),
    }
    for name, response in pages.items():
        html = response.content.decode()
        assert response.status_code == 200, name
        # Form fields carry keys as values; what is shown is the criterion's name.
        shown = re.sub(r'(name|value|data-criterion|for|id)="[^"]*"', "", html)
        assert "own_resolve" not in shown, name
        assert "Own &amp; resolve" in html, name
    assert "Dispute on Own &amp; resolve" in pages["my feedback"].content.decode()
    assert "Dispute on Own &amp; resolve" in pages["coach timeline"].content.decode()

    services.dispute_resolve(dispute=dispute, coach=coach, accept=False, answer="Turn 3 left it open.")
    notifications = hire_client.get("/notifications/").content.decode()
    assert "Your dispute on Own &amp; resolve" in notifications and "own_resolve" not in notifications
