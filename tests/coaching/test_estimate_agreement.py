"""The automatic estimate against coaches' released grades: kappa, exact agreement, override rate."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching.estimate_agreement import (
    doubtful_estimates_q,
    estimate_override_rates,
    estimate_report,
)
from coaching.models import Grade
from courses.models import Attempt, AttemptState
from courses.scoring.qwk import quadratic_weighted_kappa
from tests.factories import AdminFactory, CoachFactory, EnrollmentFactory, curriculum_with
from tests.roleplay_support import scenario_with_turns

pytestmark = pytest.mark.django_db


@pytest.fixture
def graded(db):
    enrollment = EnrollmentFactory(cohort__curriculum=curriculum_with(1))
    scenario = scenario_with_turns(enrollment.cohort.curriculum, mode="graded")
    version = scenario.rubric.current_version
    keys = [criterion.key for criterion in version.criteria.all()]
    coach = CoachFactory()
    made = {"n": 0}

    def grade(estimate: list[int | None], coach_levels: list[int], *, scorer="situational/v1", outcome="released",
              days_ago: int = 1, flagged=False, into=None):  # fmt: skip
        made["n"] += 1
        now = timezone.now() - datetime.timedelta(days=days_ago)
        attempt = Attempt.objects.create(
            enrollment=into or enrollment, scenario=scenario, number=made["n"], state=AttemptState.GRADED,
            rubric_version=version, started_at=now, submitted_at=now, prescore_flagged=flagged,
            prescore={"scorer": scorer, "levels": dict(zip(keys, estimate, strict=False)), "percent": 50, "flags": []},
        )  # fmt: skip
        Grade.objects.create(attempt=attempt, coach=coach, rubric_version=version, outcome=outcome,
                             levels=dict(zip(keys, coach_levels, strict=False)), released_at=now)  # fmt: skip
        return attempt

    return {"grade": grade, "keys": keys, "enrollment": enrollment, "scenario": scenario}


def test_kappa_exact_and_override_rate_per_criterion(graded):
    key = graded["keys"][0]
    estimates, coaches = [0, 1, 2, 3, 2, 1], [0, 1, 3, 3, 1, 1]
    for estimate, coach in zip(estimates, coaches, strict=True):
        graded["grade"]([estimate], [coach])
    report = estimate_report()
    first = report.overall.criteria[0]
    assert first.key == key and first.n == 6
    assert first.qwk == pytest.approx(quadratic_weighted_kappa(estimates, coaches))
    assert first.exact == pytest.approx(4 / 6)
    assert first.override_rate == pytest.approx(2 / 6)
    assert report.overall.override_rate == pytest.approx(2 / 6)
    assert report.criteria[key] != key  # the criterion's title, not its key


def test_a_criterion_the_estimate_left_to_the_coach_does_not_count(graded):
    graded["grade"]([None, 2], [1, 2])
    figures = {figure.key: figure for figure in estimate_report().overall.criteria}
    assert graded["keys"][0] not in figures
    assert figures[graded["keys"][1]].n == 1 and figures[graded["keys"][1]].exact == 1


def test_held_grades_and_attempts_without_an_estimate_are_left_out(graded):
    graded["grade"]([1], [3], outcome=Grade.Outcome.HELD)
    graded["grade"]([1], [1])
    report = estimate_report()
    assert report.overall.grades == 1 and report.overall.override_rate == 0


def test_figures_per_scorer_version_and_per_cohort(graded):
    other = EnrollmentFactory(cohort__curriculum=graded["enrollment"].cohort.curriculum)
    graded["grade"]([1], [1], scorer="situational/v1")
    graded["grade"]([1], [3], scorer="situational/v2", into=other)
    report = estimate_report()
    by_scorer = {figures.label: figures for figures in report.by_scorer}
    assert by_scorer["situational/v1"].override_rate == 0 and by_scorer["situational/v2"].override_rate == 1
    by_cohort = {figures.label: figures for figures in report.by_cohort}
    assert by_cohort[other.cohort.name].override_rate == 1
    assert estimate_report(cohort_ids=[other.cohort_id]).overall.grades == 1


def test_the_window_keeps_only_the_most_recent_grades(graded):
    graded["grade"]([0], [3], days_ago=30)
    graded["grade"]([2], [2], days_ago=2)
    assert estimate_report(window=1).overall.override_rate == 0
    assert estimate_report(window=2).overall.override_rate == 0.5


def test_the_weekly_trend_looks_back_four_weeks(graded):
    key = graded["keys"][0]
    graded["grade"]([0], [0], days_ago=60)
    graded["grade"]([3], [3], days_ago=1)
    graded["grade"]([1], [2], days_ago=1)
    trend = estimate_report().trend
    assert len(trend) == 12
    assert trend[-1].qwk[key] == pytest.approx(quadratic_weighted_kappa([3, 1], [3, 2]))
    assert trend[0].qwk[key] is None  # nothing released in the four weeks before eleven weeks ago


def test_report_queries_stay_flat(graded, django_assert_num_queries):
    for n in range(3):
        graded["grade"]([n % 4], [n % 4])
    with django_assert_num_queries(3):
        estimate_report()
    for n in range(40):
        graded["grade"]([n % 4], [(n + 1) % 4])
    with django_assert_num_queries(3):
        estimate_report()


def test_doubtful_estimates_are_the_flagged_and_the_often_overridden(graded):
    for _ in range(5):
        graded["grade"]([0], [3])
    rates = estimate_override_rates()
    assert rates == {(graded["scenario"].pk, "situational/v1"): 1.0}
    waiting = graded["grade"]([1], [1], outcome=Grade.Outcome.DRAFT)
    other_scorer = graded["grade"]([1], [1], scorer="situational/v2", outcome=Grade.Outcome.DRAFT)
    flagged = graded["grade"]([1], [1], scorer="situational/v2", outcome=Grade.Outcome.DRAFT, flagged=True)
    picked = set(Attempt.objects.filter(doubtful_estimates_q(rates)).values_list("pk", flat=True))
    assert waiting.pk in picked and flagged.pk in picked and other_scorer.pk not in picked
    assert estimate_override_rates(min_grades=7) == {}


def test_the_page_the_csv_and_the_api_agree_and_admit_only_admins_and_leads(graded, client):
    for estimate, coach in ((0, 0), (1, 3), (2, 2)):
        graded["grade"]([estimate], [coach])
    admin = AdminFactory()
    client.force_login(admin)
    page = client.get(reverse("coaching:estimate_agreement"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "3 released grades" in body and "overridden on 33%" in body and "<svg" in body
    rows = client.get(reverse("coaching:estimate_agreement"), {"format": "csv"}).content.decode().splitlines()
    assert rows[0] == "group,name,criterion,grades,qwk,exact,override_rate"
    assert rows[1].startswith("overall,All cohorts,") and rows[1].endswith(",3,0.5,0.667,0.333")
    api = client.get(reverse("api-estimate-agreement")).json()
    assert api["overall"]["grades"] == 3 and api["overall"]["criteria"][0]["exact"] == pytest.approx(2 / 3)
    plain_coach = CoachFactory()
    client.force_login(plain_coach)
    assert client.get(reverse("coaching:estimate_agreement")).status_code == 403
    lead = CoachFactory(is_lead_coach=True)
    client.force_login(lead)
    lead_view = client.get(reverse("api-estimate-agreement")).json()
    assert lead_view["overall"]["grades"] == 0  # a lead coach sees the cohorts they coach
    graded["enrollment"].cohort.coaches.add(lead)
    assert client.get(reverse("api-estimate-agreement")).json()["overall"]["grades"] == 3


def test_the_queue_filters_to_doubtful_estimates(graded, client):
    for _ in range(5):
        graded["grade"]([0], [3])
    coach = CoachFactory()
    graded["enrollment"].cohort.coaches.add(coach)
    doubtful = graded["grade"]([1], [1], outcome=Grade.Outcome.DRAFT)
    trusted = graded["grade"]([1], [1], scorer="situational/v2", outcome=Grade.Outcome.DRAFT)
    Attempt.objects.filter(pk__in=[doubtful.pk, trusted.pk]).update(state=AttemptState.AWAITING_COACH)
    client.force_login(coach)
    everything = client.get(reverse("api-queue")).json()
    assert {row["id"] for row in everything["results"]} == {doubtful.pk, trusted.pk}
    filtered = client.get(reverse("api-queue"), {"estimate": "true"}).json()
    assert [row["id"] for row in filtered["results"]] == [doubtful.pk]
    page = client.get(reverse("coaching:queue"), {"estimate": 1}).content.decode()
    assert 'name="estimate" value="1" checked' in page
